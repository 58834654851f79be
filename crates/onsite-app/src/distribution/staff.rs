//! The staff side of distribution (`Capability::Dispatch`; settings: `Capability::Administer`):
//! explain how the partners rank for an opportunity, distribute it to the top partner or to
//! another available one, create opportunities (distributed at once when automatic
//! distribution is on), list them, and edit the distribution settings.

use super::{
    Choice, DistributionError, EXPLAIN_TOP, How, Result, accept_window, automatic_on,
    candidates_on, expires_at, lock_distribution, place, weights_on,
};
use crate::context::App;
use crate::policy::{Admin, Grant, Staff};
use jiff::Timestamp;
use onsite_distribute::{Decision, Partners, Request, Weights, rank};
use onsite_domain::account::AccountKind;
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::settings::{self, Setting, SettingValue};
use onsite_domain::text::single_line;
use onsite_domain::{AccountId, InvalidInput, OpportunityId, ProductId};
use onsite_store::distribution::{self as store, Dated, Listing};
use onsite_store::partners::{self as partners_store, LeadType, NewOpportunity};
use onsite_store::{StoreError, accounts, audit, catalog, territories};
use serde::Serialize;
use std::collections::BTreeMap;

/// The ranking of the partners for one opportunity, with names for the page.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub opportunity: Dated,
    /// The engine's answer: the best available partners with each metric's contribution, and
    /// every excluded partner with its criterion (passed-over partners as `passed_over`).
    pub decision: Decision,
    /// Partner account names, for every partner in the decision.
    pub partner_names: BTreeMap<AccountId, String>,
    /// Product names, for the opportunity's products (a `missing_product` criterion names one).
    pub product_names: BTreeMap<ProductId, String>,
}

impl Explanation {
    pub fn partner_name(&self, id: AccountId) -> &str {
        self.partner_names.get(&id).map_or("", String::as_str)
    }

    /// Why `criterion` excluded a partner, in words (`distribution-criterion-*`).
    pub fn criterion_text(
        &self,
        locale: onsite_i18n::Locale,
        criterion: &onsite_distribute::Criterion,
    ) -> String {
        super::text::criterion_text(locale, criterion, &self.decision.lead_type, |p| {
            self.product_names
                .get(&p)
                .cloned()
                .unwrap_or_else(|| p.to_string())
        })
    }
}

/// How the partners rank for the opportunity right now: the best [`EXPLAIN_TOP`] available
/// ones explained, every other partner with the criterion that excludes it. Partners that
/// declined it or let it expire are excluded as `passed_over`. Changes nothing.
pub async fn explain(
    app: &App,
    _staff: Staff,
    id: OpportunityId,
    now: Timestamp,
) -> Result<Explanation> {
    let mut conn = app.store.conn().await?;
    let opportunity = match store::dated(&mut conn, id).await {
        Err(StoreError::NotFound) => return Err(DistributionError::NotFound),
        other => other?,
    };
    let candidates = candidates_on(&mut conn, now).await?;
    let territories = territories::list_territories(&mut conn).await?;
    let passed_over = store::passed_over(&mut conn, id).await?;
    let weights = weights_on(&mut conn).await?;
    let partners = Partners::new(candidates);
    let decision = rank(&Request {
        opportunity: &opportunity.opportunity,
        partners: &partners,
        territories: &territories,
        passed_over: &passed_over,
        weights,
        top: EXPLAIN_TOP,
    });
    let partner_names = accounts::list_accounts(&mut conn, AccountKind::Partner)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let product_names = catalog::list_products(&mut conn)
        .await?
        .into_iter()
        .filter(|p| opportunity.opportunity.products.contains(&p.id))
        .map(|p| (p.id, p.name))
        .collect();
    Ok(Explanation {
        opportunity,
        decision,
        partner_names,
        product_names,
    })
}

/// Where [`distribute`] sent the opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distributed {
    pub partner: AccountId,
    /// Its rank and score when staff took the top partner; `None` when they chose one.
    pub rank: Option<u32>,
    pub score: Option<f64>,
}

/// Gives a New opportunity to `partner`, or to the top-ranked available partner when `None`.
/// A chosen partner that is not available is refused with the criterion
/// ([`DistributionError::Unavailable`]); no available partner at all is
/// [`DistributionError::NoPartnerAvailable`]. The partner's portal users are emailed.
pub async fn distribute(
    app: &App,
    staff: Staff,
    id: OpportunityId,
    partner: Option<AccountId>,
    now: Timestamp,
) -> Result<Distributed> {
    let choice = partner.map_or(Choice::Top, Choice::Partner);
    let mut tx = app.store.begin().await?;
    lock_distribution(app.store.backend(), &mut tx).await?;
    let placed = place(
        app,
        &mut tx,
        id,
        choice,
        Some(staff.user()),
        How::Staff,
        now,
    )
    .await?
    .ok_or(DistributionError::NoPartnerAvailable)?;
    tx.commit().await.map_err(StoreError::from)?;
    app.mail_queued();
    Ok(Distributed {
        partner: placed.partner,
        rank: placed.rank.map(|r| r.0),
        score: placed.rank.map(|r| r.1),
    })
}

/// An opportunity as staff or a partner type it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityInput {
    pub name: String,
    pub customer_name: String,
    /// The customer's address: its point (distance, territory polygons) and postal code
    /// (territory prefixes).
    pub location: GeoPoint,
    pub postal_code: String,
    pub estimated_revenue_minor: i64,
    pub lead_type: String,
    pub products: Vec<ProductId>,
}

/// The largest estimated revenue accepted, in minor units (ten billion).
const MAX_REVENUE_MINOR: i64 = 1_000_000_000_000;

/// A validated [`OpportunityInput`].
pub(super) struct ValidOpportunity {
    pub name: String,
    pub customer_name: String,
    pub location: GeoPoint,
    pub postal_code: String,
    pub estimated_revenue_minor: i64,
    pub lead_type: LeadType,
    pub products: Vec<ProductId>,
}

impl OpportunityInput {
    /// Checks every field; products must exist (`known`) and the lead type be one of the
    /// catalogue's active ones (`lead_types`, their codes).
    pub(super) fn validate(
        &self,
        (known, lead_types): (&[ProductId], &[String]),
    ) -> Result<ValidOpportunity, InvalidInput> {
        let name = single_line("name", &self.name, 120)?;
        let customer_name = single_line("customer_name", &self.customer_name, 120)?;
        let postal_code = self.postal_code.trim().to_owned();
        if postal_code.chars().any(char::is_control) {
            return Err(InvalidInput::new("postal_code", "control-characters"));
        }
        if postal_code.chars().count() > 12 {
            return Err(InvalidInput::new("postal_code", "too-long"));
        }
        if !(0..=MAX_REVENUE_MINOR).contains(&self.estimated_revenue_minor) {
            return Err(InvalidInput::new("estimated_revenue", "out-of-range"));
        }
        let lead_type = LeadType::parse(&self.lead_type)?;
        if !lead_types.iter().any(|code| code == lead_type.as_str()) {
            return Err(InvalidInput::new("lead_type", "unknown"));
        }
        let mut products = self.products.clone();
        products.sort_unstable();
        products.dedup();
        if products.iter().any(|p| !known.contains(p)) {
            return Err(InvalidInput::new("products", "unknown"));
        }
        Ok(ValidOpportunity {
            name,
            customer_name,
            location: self.location,
            postal_code,
            estimated_revenue_minor: self.estimated_revenue_minor,
            lead_type,
            products,
        })
    }
}

impl OpportunityInput {
    /// [`OpportunityInput::validate`] against the catalogue as it is in the transaction.
    pub(super) async fn validate_against_catalog(
        &self,
        tx: &mut onsite_store::Conn,
    ) -> Result<ValidOpportunity> {
        let known: Vec<ProductId> = catalog::list_products(tx)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let lead_types = active_lead_types(tx).await?;
        Ok(self.validate((&known, &lead_types))?)
    }
}

/// The codes of the catalogue's active lead types, what an opportunity may be.
pub(super) async fn active_lead_types(conn: &mut onsite_store::Conn) -> Result<Vec<String>> {
    Ok(catalog::entries(conn, catalog::List::LeadTypes)
        .await?
        .into_iter()
        .filter(|e| e.active)
        .filter_map(|e| e.code)
        .collect())
}

/// What [`create_opportunity`] did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Created {
    pub id: OpportunityId,
    /// The partner it went to at once (automatic distribution on and a partner available).
    pub partner: Option<AccountId>,
}

/// Staff create an opportunity. With `distribution/automatic` on, it is distributed to the
/// top-ranked available partner in the same transaction (or stays New when nobody is
/// available, for the sweep to retry).
pub async fn create_opportunity(
    app: &App,
    staff: Staff,
    input: &OpportunityInput,
    now: Timestamp,
) -> Result<Created> {
    let mut tx = app.store.begin().await?;
    lock_distribution(app.store.backend(), &mut tx).await?;
    let v = input.validate_against_catalog(&mut tx).await?;
    let id = partners_store::insert_opportunity(
        &mut tx,
        &NewOpportunity {
            name: &v.name,
            customer_name: &v.customer_name,
            location: v.location,
            postal_code: &v.postal_code,
            estimated_revenue_minor: v.estimated_revenue_minor,
            lead_type: &v.lead_type,
            products: &v.products,
            status: OpportunityStatus::New,
            stage: None,
            partner_account_id: None,
            internal: false,
            distributed_at: None,
            accepted_at: None,
            closed_at: None,
            created_at: now,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        Some(staff.user()),
        "opportunity.create",
        "opportunity",
        Some(id.0),
        &serde_json::json!({}),
    )
    .await?;
    let partner = if automatic_on(&mut tx).await? {
        place(
            app,
            &mut tx,
            id,
            Choice::Top,
            Some(staff.user()),
            How::Automatic,
            now,
        )
        .await?
        .map(|p| p.partner)
    } else {
        None
    };
    tx.commit().await.map_err(StoreError::from)?;
    if partner.is_some() {
        app.mail_queued();
    }
    Ok(Created { id, partner })
}

/// An opportunity in the staff list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffOpportunity {
    pub opportunity: Dated,
    pub partner_name: Option<String>,
    /// How many times a partner declined it or let it expire. A New opportunity passed over
    /// at least once came back to staff because no partner was available.
    pub passed_over: u32,
    /// When it expires if not accepted (Distributed ones).
    pub expires_at: Option<Timestamp>,
}

/// Every opportunity (or those in `status`), newest first, with where it is.
pub async fn staff_opportunities(
    app: &App,
    _staff: Staff,
    status: Option<OpportunityStatus>,
) -> Result<Vec<StaffOpportunity>> {
    let mut conn = app.store.conn().await?;
    let statuses: Vec<OpportunityStatus> = status.into_iter().collect();
    let list = store::list_dated(
        &mut conn,
        Listing {
            partner: None,
            statuses: &statuses,
        },
    )
    .await?;
    let names: BTreeMap<AccountId, String> =
        accounts::list_accounts(&mut conn, AccountKind::Partner)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
    let passed = store::passed_over_counts(&mut conn).await?;
    let window = accept_window(&mut conn).await?;
    Ok(list
        .into_iter()
        .map(|d| StaffOpportunity {
            partner_name: d
                .opportunity
                .partner_account_id
                .and_then(|p| names.get(&p).cloned()),
            passed_over: passed.get(&d.opportunity.id).copied().unwrap_or(0),
            expires_at: expires_at(&d.opportunity, window),
            opportunity: d,
        })
        .collect())
}

/// The distribution settings: the seven weights, automatic distribution, hours to accept.
pub const SETTINGS: [&Setting; 9] = [
    &settings::DISTANCE_WEIGHT,
    &settings::WINRATE_WEIGHT,
    &settings::RETURNRATE_WEIGHT,
    &settings::FEEDBACKRATE_WEIGHT,
    &settings::STALLRATE_WEIGHT,
    &settings::TOUCHRATE_WEIGHT,
    &settings::AVGTIMETOCLOSE_WEIGHT,
    &settings::AUTO_DISTRIBUTION,
    &settings::ACCEPT_HOURS,
];

pub use crate::settings::SettingRow;

/// Every distribution setting with its current value (its default when never set), in the
/// order of [`SETTINGS`].
pub async fn distribution_settings(app: &App) -> Result<Vec<SettingRow>> {
    let mut conn = app.store.conn().await?;
    Ok(crate::settings::values(&mut conn, &SETTINGS).await?)
}

/// The weights distribution uses now.
pub async fn weights(app: &App) -> Result<Weights> {
    weights_on(&mut *app.store.conn().await?).await
}

/// Admins change a distribution setting (a weight, `distribution/automatic`,
/// `distribution/accept_hours`). A value that is not valid — not a number, outside its range —
/// is refused with [`DistributionError::Setting`] naming the setting and its range, and nothing
/// changes. Audit-logged with the previous value.
pub async fn set_setting(app: &App, admin: Admin, key: &str, raw: &str) -> Result<SettingValue> {
    use crate::settings::{self, SettingError};
    settings::set(app, admin, &SETTINGS, key, raw)
        .await
        .map_err(|e| match e {
            SettingError::Invalid(i) => DistributionError::Setting(i),
            SettingError::Store(s) => DistributionError::Store(s),
        })
}
