//! Availability: whether a partner may receive an opportunity (SPEC §9.1), and if not, the
//! first criterion it fails with the numbers that make the reason specific.

use onsite_domain::opportunity::{Opportunity, PartnerProfile};
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, ProductId, TerritoryId};
use serde::{Deserialize, Serialize};

/// Why a partner is not available. Criteria are checked in the order of the variants and the
/// first one failed is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Criterion {
    /// The partner already declined this opportunity or let it expire: it is not offered the
    /// same opportunity twice.
    PassedOver,
    /// Its open opportunities (in progress, plus distributed but not yet accepted; its own
    /// internal ones not counted) already reach its capacity.
    Capacity { open: u32, capacity: u32 },
    /// The estimated revenue is below the partner's minimum.
    RevenueBelowMin { revenue_minor: i64, min_minor: i64 },
    /// The estimated revenue is above the partner's maximum.
    RevenueAboveMax { revenue_minor: i64, max_minor: i64 },
    /// None of the partner's territories (it has `territories` of them) covers the customer's
    /// address.
    Territory { territories: u32 },
    /// The partner does not work the opportunity's lead type (`Decision::lead_type`).
    LeadType,
    /// The partner does not cover this product of the opportunity (the first one missing).
    MissingProduct { product: ProductId },
}

impl Criterion {
    /// Stable machine name (JSON, Fluent message ids).
    pub fn as_str(&self) -> &'static str {
        match self {
            Criterion::PassedOver => "passed_over",
            Criterion::Capacity { .. } => "capacity",
            Criterion::RevenueBelowMin { .. } => "revenue_below_min",
            Criterion::RevenueAboveMax { .. } => "revenue_above_max",
            Criterion::Territory { .. } => "territory",
            Criterion::LeadType => "lead_type",
            Criterion::MissingProduct { .. } => "missing_product",
        }
    }
}

/// The availability test for one opportunity, prepared once so that each partner's check is a
/// few comparisons: which territories cover the customer is decided here, against the (few)
/// territories, instead of once per partner.
#[derive(Debug, Clone)]
pub struct Availability<'a> {
    opportunity: &'a Opportunity,
    /// Territories covering the customer's address, sorted.
    covering: Vec<TerritoryId>,
    /// Partners already passed over for this opportunity, sorted.
    passed_over: Vec<AccountId>,
}

impl<'a> Availability<'a> {
    /// `territories` are all the territories partners may reference (a partner's territory
    /// missing from the list covers nothing); `passed_over` the partners that already declined
    /// the opportunity or let it expire.
    pub fn new(
        opportunity: &'a Opportunity,
        territories: &[Territory],
        passed_over: &[AccountId],
    ) -> Self {
        let mut covering: Vec<TerritoryId> = territories
            .iter()
            .filter(|t| t.covers(&opportunity.postal_code, Some(opportunity.location)))
            .map(|t| t.id)
            .collect();
        covering.sort_unstable();
        covering.dedup();
        let mut passed_over = passed_over.to_vec();
        passed_over.sort_unstable();
        Self {
            opportunity,
            covering,
            passed_over,
        }
    }

    /// The territories that cover the customer's address.
    pub fn covering(&self) -> &[TerritoryId] {
        &self.covering
    }

    /// `Ok` if the partner (holding `open` open opportunities) may receive the opportunity,
    /// else the first criterion it fails.
    pub fn check(&self, p: &PartnerProfile, open: u32) -> Result<(), Criterion> {
        let o = self.opportunity;
        if !self.passed_over.is_empty() && self.passed_over.binary_search(&p.account_id).is_ok() {
            return Err(Criterion::PassedOver);
        }
        if open >= p.capacity {
            return Err(Criterion::Capacity {
                open,
                capacity: p.capacity,
            });
        }
        let revenue = o.estimated_revenue_minor;
        if revenue < p.revenue_min_minor {
            return Err(Criterion::RevenueBelowMin {
                revenue_minor: revenue,
                min_minor: p.revenue_min_minor,
            });
        }
        if revenue > p.revenue_max_minor {
            return Err(Criterion::RevenueAboveMax {
                revenue_minor: revenue,
                max_minor: p.revenue_max_minor,
            });
        }
        if !p
            .territories
            .iter()
            .any(|t| self.covering.binary_search(t).is_ok())
        {
            return Err(Criterion::Territory {
                territories: u32::try_from(p.territories.len()).unwrap_or(u32::MAX),
            });
        }
        if !p.lead_types.contains(&o.lead_type) {
            return Err(Criterion::LeadType);
        }
        if let Some(&product) = o.products.iter().find(|x| !p.products.contains(x)) {
            return Err(Criterion::MissingProduct { product });
        }
        Ok(())
    }
}

/// The partner's open opportunities for the capacity criterion: distributed or in progress,
/// held by `partner`, and not internal (created by the partner itself).
pub fn open_count<'o>(
    partner: AccountId,
    opportunities: impl IntoIterator<Item = &'o Opportunity>,
) -> u32 {
    let n = opportunities
        .into_iter()
        .filter(|o| o.partner_account_id == Some(partner) && o.status.is_open() && !o.internal)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
