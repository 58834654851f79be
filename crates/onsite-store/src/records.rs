//! Customer records as the portal and the staff pages read them (SPEC §8, issue 6): sorted,
//! searched, keyset-paginated lists of agreements, assets, work orders and invoices, their
//! detail queries, the customer's approval decisions, and the staff's edits.
//!
//! Every read takes a [`Scope`]: a customer's is their account and Expose to Customer; staff's
//! is every record, optionally of one account. The scope is part of each query's WHERE clause,
//! also for related records shown beside a row (an asset's parent, a work order's asset…): a
//! related record outside the scope is shown as absent, never by name.
//!
//! Visibility rule: each record's own Expose to Customer flag decides. A hidden asset hides only
//! itself; its exposed components are listed, without a parent, and are roots of the tree.
//!
//! - [`cursor`]: opaque page tokens.
//! - [`lists`]: the four lists and the asset tree.
//! - [`details`]: visits, history, covered assets and service types, invoice lines.
//! - [`approvals`]: decisions, guarded moves, who on the staff hears about them.
//! - [`staff`]: Expose to Customer and edits.

pub mod approvals;
pub mod cursor;
pub mod details;
pub mod lists;
pub(crate) mod query;
pub mod staff;

pub use cursor::{Cursor, KeyKind, Position, SortKey, Start};
pub use query::{DEFAULT_PAGE, MAX_PAGE, Page};

use crate::visibility::Visibility;
use onsite_domain::AccountId;

/// Whose records a query may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Only this account's records; `None` (staff only) for every account.
    pub account: Option<AccountId>,
    pub visibility: Visibility,
}

impl Scope {
    /// A portal user of `account`: that account, exposed records only.
    pub fn customer(account: AccountId) -> Scope {
        Scope {
            account: Some(account),
            visibility: Visibility::ExposedToCustomer,
        }
    }

    /// Staff: every record, of one account or of all.
    pub fn staff(account: Option<AccountId>) -> Scope {
        Scope {
            account,
            visibility: Visibility::All,
        }
    }

    /// Adds "the row `x` is in scope" to a query's conditions.
    pub(crate) fn apply(&self, w: &mut query::Where) {
        if let Some(account) = self.account {
            let p = w.arg(query::Arg::I64(account.0));
            w.cond(format!("x.account_id = {p}"));
        }
        if self.visibility == Visibility::ExposedToCustomer {
            w.cond("x.expose_to_customer = TRUE");
        }
    }

    /// SQL: the related record `alias` may be shown beside row `x` (same account and, for
    /// customers, exposed). Used in join conditions and `EXISTS` searches.
    pub(crate) fn related(&self, alias: &str) -> String {
        match self.visibility {
            Visibility::All => "1 = 1".to_owned(),
            Visibility::ExposedToCustomer => {
                format!("{alias}.account_id = x.account_id AND {alias}.expose_to_customer = TRUE")
            }
        }
    }
}

/// The four kinds of customer record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Agreement,
    Asset,
    WorkOrder,
    Invoice,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Agreement,
        RecordKind::Asset,
        RecordKind::WorkOrder,
        RecordKind::Invoice,
    ];

    /// The name used in audit events and the approvals table (`work_order`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Agreement => "agreement",
            RecordKind::Asset => "asset",
            RecordKind::WorkOrder => "work_order",
            RecordKind::Invoice => "invoice",
        }
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            RecordKind::Agreement => "agreements",
            RecordKind::Asset => "assets",
            RecordKind::WorkOrder => "work_orders",
            RecordKind::Invoice => "invoices",
        }
    }
}
