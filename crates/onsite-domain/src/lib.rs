//! Onsite's domain: validated value types, the entities of the spec, their state machines and
//! policies. No IO and no async: everything here is plain data and pure functions, so every other
//! crate can trust a value once it has been parsed into one of these types.

/// The conversions of a validated text type (one with `parse(&str)` and `as_str()`): from a
/// `String` through `parse` (serde's `try_from`), back into a `String` (serde's `into`), and
/// `Display` as its text.
macro_rules! text_conversions {
    ($($name:ty),* $(,)?) => {$(
        impl TryFrom<String> for $name {
            type Error = $crate::InvalidInput;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

pub mod account;
pub mod agreement;
pub mod asset;
pub mod audit;
pub mod booking;
pub mod feedback;
pub mod geo;
pub mod ids;
pub mod invoice;
pub mod money;
pub mod opportunity;
pub mod role;
pub mod service_type;
pub mod settings;
pub mod skill;
pub mod technician;
pub mod territory;
pub mod text;
pub mod time;
pub mod work_order;

pub use ids::*;

/// Why a raw value could not become a domain value. `field` names the input, `reason` is a
/// stable, machine-readable code (also the Fluent message id suffix `invalid-<reason>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidInput {
    pub field: &'static str,
    pub reason: &'static str,
}

impl InvalidInput {
    pub const fn new(field: &'static str, reason: &'static str) -> Self {
        Self { field, reason }
    }
}
