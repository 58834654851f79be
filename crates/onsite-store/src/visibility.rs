//! Which customer records a listing returns: staff see everything, portal users only what the
//! company chose to expose (SPEC §1: "Expose to Customer").

/// Filter for the account-scoped listings of assets, work orders, agreements and invoices, and
/// for the records named on a visit (`visits::Visit::records`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Every record (staff).
    All,
    /// Only records with Expose to Customer set (portal users).
    ExposedToCustomer,
}

impl Visibility {
    /// An SQL condition on the alias `x`, to AND into a WHERE clause.
    pub(crate) fn condition(self) -> &'static str {
        match self {
            Visibility::All => "1 = 1",
            Visibility::ExposedToCustomer => "x.expose_to_customer = TRUE",
        }
    }

    /// Whether a record with Expose to Customer set to `exposed` is shown.
    pub fn shows(self, exposed: bool) -> bool {
        match self {
            Visibility::All => true,
            Visibility::ExposedToCustomer => exposed,
        }
    }
}
