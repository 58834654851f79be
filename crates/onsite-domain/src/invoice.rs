//! Invoices with lines, taxes and totals.

use crate::money::Currency;
use crate::{AccountId, AgreementId, InvoiceId, WorkOrderId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum InvoiceStatus ("status") {
        Draft = "draft",
        Issued = "issued",
        Paid = "paid",
        Canceled = "canceled",
    }
}

impl InvoiceStatus {
    /// Active invoices still expect payment; paid and canceled ones are inactive.
    pub fn is_active(self) -> bool {
        matches!(self, InvoiceStatus::Draft | InvoiceStatus::Issued)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: InvoiceId,
    pub number: String,
    pub account_id: AccountId,
    pub work_order_id: Option<WorkOrderId>,
    pub agreement_id: Option<AgreementId>,
    pub status: InvoiceStatus,
    pub currency: Currency,
    pub issued_on: Date,
    pub due_on: Date,
    pub lines: Vec<InvoiceLine>,
    pub expose_to_customer: bool,
}

/// One line: quantity in thousandths (so 1.5 h = 1500), unit price in minor units, tax rate in
/// basis points (14.975 % = 1497.5 → stored as 14975 in thousandths of a percent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    /// Tax rate in thousandths of a percent: 14.975 % = 14975.
    pub tax_rate_milli_percent: i64,
}

impl InvoiceLine {
    /// Net amount in minor units, rounded half away from zero.
    pub fn net_minor(&self) -> i64 {
        round_div(
            self.quantity_milli as i128 * self.unit_price_minor as i128,
            1000,
        )
    }

    pub fn tax_minor(&self) -> i64 {
        round_div(
            self.net_minor() as i128 * self.tax_rate_milli_percent as i128,
            100_000,
        )
    }
}

/// Net, tax and gross totals of an invoice's lines (each line's tax rounded on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub net_minor: i64,
    pub tax_minor: i64,
    pub gross_minor: i64,
}

pub fn totals(lines: &[InvoiceLine]) -> Totals {
    let net_minor = lines.iter().map(InvoiceLine::net_minor).sum();
    let tax_minor = lines.iter().map(InvoiceLine::tax_minor).sum();
    Totals {
        net_minor,
        tax_minor,
        gross_minor: net_minor + tax_minor,
    }
}

fn round_div(n: i128, d: i128) -> i64 {
    let q = (n.abs() + d / 2) / d;
    (if n < 0 { -q } else { q }) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_per_line() {
        let lines = [
            InvoiceLine {
                description: "Labour".into(),
                quantity_milli: 1500,
                unit_price_minor: 9500,
                tax_rate_milli_percent: 14975,
            },
            InvoiceLine {
                description: "Filter".into(),
                quantity_milli: 1000,
                unit_price_minor: 2999,
                tax_rate_milli_percent: 14975,
            },
        ];
        // 1.5 × 95.00 = 142.50 → tax 21.34 (21.339…); 29.99 → tax 4.49 (4.491…)
        assert_eq!(
            totals(&lines),
            Totals {
                net_minor: 17249,
                tax_minor: 2583,
                gross_minor: 19832
            }
        );
    }
}
