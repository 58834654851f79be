//! Partners' distribution profiles, as staff keep them (SPEC §9–10; every use case takes
//! [`Staff`]): what the distribution engine checks before offering a partner an opportunity —
//! its capacity (open opportunities at once), the range of estimated revenue it takes, the
//! territories it serves, the lead types it works and the products it covers.
//!
//! Lead types and products come from the catalogue: the active ones are offered, and a retired
//! one stays on a profile that has it (and may be kept there) but is not offered to others. A
//! save carries the version its form showed (`None` for a partner without a profile yet) and
//! is refused ([`PartnerError::Changed`]) when someone else saved in between. The engine reads
//! profiles from the database for every decision (`crate::distribution`), so a change counts
//! from the next distribution on. Every save is audited (`partner_profile.update`, each changed
//! field's before → after).

use crate::context::App;
use crate::failure::{Failure, Kind, invalid_message};
use crate::policy::{Grant, Staff};
use onsite_domain::account::{Account, AccountKind};
use onsite_domain::opportunity::PartnerProfile;
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, InvalidInput, ProductId, TerritoryId};
use onsite_i18n::Locale;
use onsite_store::catalog::{self, Entry, List, Product};
use onsite_store::partners::{self as store, LeadType, NewPartnerProfile};
use onsite_store::{Conn, StoreError, accounts, audit, territories};
use std::borrow::Cow;

/// The most open opportunities a partner may hold at once.
pub const CAPACITY_MAX: u32 = 10_000;
/// The largest revenue bound, in minor units (ten billion).
pub const REVENUE_MAX_MINOR: i64 = 1_000_000_000_000;

#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The profile changed since the form was shown (another member of staff saved it).
    #[error("changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for PartnerError {
    fn kind(&self) -> Kind {
        match self {
            PartnerError::Invalid(_) => Kind::Invalid,
            PartnerError::Changed => Kind::Conflict,
            PartnerError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            PartnerError::Changed => "changed",
            e => e.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            PartnerError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            PartnerError::Invalid(i) => invalid_message(locale, i.reason),
            PartnerError::Changed => locale.text("partner-error-changed"),
            PartnerError::Store(e) => e.message(locale),
        }
    }
}

type Result<T, E = PartnerError> = std::result::Result<T, E>;

/// A partner account and its profile, if it has one.
#[derive(Debug, Clone)]
pub struct PartnerRow {
    pub account: Account,
    pub profile: Option<PartnerProfile>,
}

/// The partners' list, with what names their profiles' territories and products.
#[derive(Debug, Clone)]
pub struct Partners {
    /// Every partner account, by name.
    pub rows: Vec<PartnerRow>,
    pub territories: Vec<Territory>,
    pub products: Vec<Product>,
    pub lead_types: Vec<Entry>,
}

/// Every partner account (active or not) with its profile.
pub async fn partners(app: &App, _staff: Staff) -> Result<Partners, StoreError> {
    let mut conn = app.store.conn().await?;
    let conn = &mut *conn;
    let mut profiles = store::list_partner_profiles(conn).await?;
    let rows = accounts::list_accounts(conn, AccountKind::Partner)
        .await?
        .into_iter()
        .map(|account| {
            let profile = profiles
                .iter()
                .position(|p| p.account_id == account.id)
                .map(|i| profiles.swap_remove(i));
            PartnerRow { account, profile }
        })
        .collect();
    Ok(Partners {
        rows,
        territories: territories::list_territories(conn).await?,
        products: catalog::list_products(conn).await?,
        lead_types: catalog::entries(conn, List::LeadTypes).await?,
    })
}

/// A partner with its profile and what its form offers.
#[derive(Debug, Clone)]
pub struct PartnerDetail {
    pub account: Account,
    pub profile: Option<PartnerProfile>,
    /// The profile's version (`None`: no profile yet).
    pub version: Option<i64>,
    /// Every territory, by name.
    pub territories: Vec<Territory>,
    /// The catalogue's active lead types, and the retired ones the profile has.
    pub lead_types: Vec<Entry>,
    /// The catalogue's active products, and the retired ones the profile has.
    pub products: Vec<Product>,
}

/// One partner account (a customer account's id is "not found") with its profile.
pub async fn partner(app: &App, _staff: Staff, id: AccountId) -> Result<PartnerDetail, StoreError> {
    let mut conn = app.store.conn().await?;
    detail(&mut conn, id).await
}

async fn detail(conn: &mut Conn, id: AccountId) -> Result<PartnerDetail, StoreError> {
    let account = accounts::account(conn, id).await?;
    if account.kind != AccountKind::Partner {
        return Err(StoreError::NotFound);
    }
    let version = store::partner_profile_version(conn, id).await?;
    let profile = match version {
        Some(_) => Some(store::partner_profile(conn, id).await?),
        None => None,
    };
    let has_lead = |code: &str| {
        profile
            .as_ref()
            .is_some_and(|p| p.lead_types.iter().any(|l| l == code))
    };
    let has_product = |id: ProductId| profile.as_ref().is_some_and(|p| p.products.contains(&id));
    let mut lead_types = catalog::entries(conn, List::LeadTypes).await?;
    lead_types.retain(|e| e.active || e.code.as_deref().is_some_and(has_lead));
    let mut products = catalog::list_products(conn).await?;
    products.retain(|p| p.active || has_product(p.id));
    Ok(PartnerDetail {
        territories: territories::list_territories(conn).await?,
        account,
        profile,
        version,
        lead_types,
        products,
    })
}

/// A distribution profile as staff type it (amounts already read in the person's locale).
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    /// A whole number, as typed.
    pub capacity: String,
    pub revenue_min_minor: i64,
    pub revenue_max_minor: i64,
    pub territories: Vec<TerritoryId>,
    /// Lead type codes.
    pub lead_types: Vec<String>,
    pub products: Vec<ProductId>,
}

/// Checks the input against what exists and what the form may offer.
fn check(input: &ProfileInput, detail: &PartnerDetail) -> Result<ProfileValues> {
    let capacity = input.capacity.trim();
    if capacity.is_empty() {
        return Err(InvalidInput::new("capacity", "required").into());
    }
    let capacity = capacity
        .parse::<u32>()
        .ok()
        .filter(|c| *c <= CAPACITY_MAX)
        .ok_or(InvalidInput::new("capacity", "out-of-range"))?;
    let bounds = 0..=REVENUE_MAX_MINOR;
    if !bounds.contains(&input.revenue_min_minor) {
        return Err(InvalidInput::new("revenue_min", "out-of-range").into());
    }
    if !bounds.contains(&input.revenue_max_minor) {
        return Err(InvalidInput::new("revenue_max", "out-of-range").into());
    }
    if input.revenue_max_minor < input.revenue_min_minor {
        return Err(InvalidInput::new("revenue_max", "below-minimum").into());
    }
    let mut territories = input.territories.clone();
    territories.sort();
    territories.dedup();
    if territories
        .iter()
        .any(|t| !detail.territories.iter().any(|k| k.id == *t))
    {
        return Err(InvalidInput::new("territories", "unknown").into());
    }
    let mut lead_types = Vec::new();
    for code in &input.lead_types {
        let offered = detail
            .lead_types
            .iter()
            .any(|e| e.code.as_deref() == Some(code.as_str()));
        if !offered {
            return Err(InvalidInput::new("lead_types", "unknown").into());
        }
        lead_types
            .push(LeadType::parse(code).map_err(|e| InvalidInput::new("lead_types", e.reason))?);
    }
    lead_types.sort();
    lead_types.dedup();
    let mut products = input.products.clone();
    products.sort();
    products.dedup();
    if products
        .iter()
        .any(|p| !detail.products.iter().any(|k| k.id == *p))
    {
        return Err(InvalidInput::new("products", "unknown").into());
    }
    Ok(ProfileValues {
        capacity,
        revenue_min_minor: input.revenue_min_minor,
        revenue_max_minor: input.revenue_max_minor,
        territories,
        lead_types,
        products,
    })
}

/// The input checked: what the store saves.
struct ProfileValues {
    capacity: u32,
    revenue_min_minor: i64,
    revenue_max_minor: i64,
    territories: Vec<TerritoryId>,
    lead_types: Vec<LeadType>,
    products: Vec<ProductId>,
}

impl ProfileValues {
    /// What the audit log shows of it.
    fn audited(&self) -> serde_json::Value {
        audited(
            (
                self.capacity,
                self.revenue_min_minor,
                self.revenue_max_minor,
            ),
            &self.territories,
            self.lead_types.iter().map(LeadType::as_str),
            &self.products,
        )
    }
}

fn audited<'a>(
    (capacity, min, max): (u32, i64, i64),
    territories: &[TerritoryId],
    lead_types: impl Iterator<Item = &'a str>,
    products: &[ProductId],
) -> serde_json::Value {
    let mut territories: Vec<i64> = territories.iter().map(|t| t.0).collect();
    territories.sort_unstable();
    let mut lead_types: Vec<&str> = lead_types.collect();
    lead_types.sort_unstable();
    let mut products: Vec<i64> = products.iter().map(|p| p.0).collect();
    products.sort_unstable();
    serde_json::json!({
        "capacity": capacity,
        "revenue_min_minor": min,
        "revenue_max_minor": max,
        "territories": territories,
        "lead_types": lead_types,
        "products": products,
    })
}

/// Saves a partner's profile edited from `seen_version` (`None`: the form showed none yet);
/// refused with [`PartnerError::Changed`] when someone saved it in between, and nothing
/// changes. Audited with each changed field's before → after.
pub async fn save_profile(
    app: &App,
    staff: Staff,
    id: AccountId,
    seen_version: Option<i64>,
    input: &ProfileInput,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let before = detail(&mut tx, id).await?;
    let values = check(input, &before)?;
    let was = before.profile.as_ref().map(|p| {
        audited(
            (p.capacity, p.revenue_min_minor, p.revenue_max_minor),
            &p.territories,
            p.lead_types.iter().map(String::as_str),
            &p.products,
        )
    });
    let will = values.audited();
    let changed = onsite_store::audit::changes(was.as_ref().unwrap_or(&serde_json::Value::Null), &will);
    if changed.is_empty() && before.version == seen_version {
        return Ok(());
    }
    let profile = NewPartnerProfile {
        account_id: id,
        capacity: values.capacity,
        revenue_min_minor: values.revenue_min_minor,
        revenue_max_minor: values.revenue_max_minor,
        territories: &values.territories,
        lead_types: &values.lead_types,
        products: &values.products,
    };
    if !store::update_partner_profile(&mut tx, &profile, seen_version).await? {
        return Err(PartnerError::Changed);
    }
    audit::record(
        &mut tx,
        Some(staff.user()),
        "partner_profile.update",
        "partner_profile",
        Some(id.0),
        &serde_json::Value::Object(changed),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
