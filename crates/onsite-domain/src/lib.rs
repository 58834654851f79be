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

/// A closed set of values stored and sent as text: the enum (each value's serde name is its
/// text), `ALL` its values in order, `as_str` their text and `parse` back (anything else is
/// `InvalidInput { field, "unknown" }`). The enum derives `Serialize` and `Deserialize`.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($field:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::InvalidInput> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or($crate::InvalidInput::new($field, "unknown"))
            }
        }
    };
}

pub mod account;
pub mod agreement;
pub mod api_token;
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
pub mod webhook;
pub mod work_order;
pub mod working_hours;

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};

    /// Every value's text parses back to it, is its serde name too, and nothing else parses.
    fn text_round_trips<T>(
        all: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str) -> Result<T, InvalidInput>,
    ) where
        T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug + Copy,
    {
        for &value in all {
            assert_eq!(parse(as_str(value)), Ok(value));
            let text: StrDeserializer<'_, Error> = as_str(value).into_deserializer();
            assert_eq!(T::deserialize(text), Ok(value));
        }
        assert!(parse("unheard-of").is_err());
    }

    #[test]
    fn text_enums_read_back_their_text_and_serde_names() {
        use agreement::AgreementStatus as A;
        use booking::BookingState as B;
        use invoice::InvoiceStatus as I;
        use opportunity::OpportunityEventKind as E;
        use opportunity::OpportunityStatus as O;
        use work_order::WorkOrderStatus as W;
        text_round_trips(&A::ALL, A::as_str, A::parse);
        text_round_trips(&B::ALL, B::as_str, B::parse);
        text_round_trips(&I::ALL, I::as_str, I::parse);
        text_round_trips(&E::ALL, E::as_str, E::parse);
        text_round_trips(&O::ALL, O::as_str, O::parse);
        text_round_trips(&W::ALL, W::as_str, W::parse);
    }
}
