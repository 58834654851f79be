//! The catalogue, as staff keep it (SPEC §10: dispatchers and administrators manage
//! characteristics and service types, so every use case here takes [`Staff`]):
//!
//! - the named lists ([`List`]): characteristics (skills, rated on the one scale of
//!   [`Rating`](onsite_domain::skill::Rating), 1 basic … 10 expert), the products partners
//!   sell and the lead types they take — created, renamed, retired and restored, never deleted
//!   (technicians, service types, assets, partners and opportunities refer to them);
//! - service types: a name in the portal's default language and, optionally, in each other
//!   language; the visit's duration; the skills required with their minimum rating; offered
//!   for self-scheduling or staff-only; retired (no longer offered for booking, visits keep
//!   theirs). A save carries the version its form showed and is refused
//!   ([`CatalogError::Changed`]) when someone else saved in between. The scheduling snapshot
//!   follows every write to `service_types` and `service_type_skills` (their triggers bump its
//!   version), so the next slot search on every server sees the change.
//!
//! Every change is audit-logged with what it changed (before → after) in its own transaction;
//! refused input changes nothing and names its field.

use crate::context::App;
use crate::failure::{Failure, Kind, invalid_message};
use crate::policy::{Grant, Staff};
use onsite_domain::service_type::{ServiceType, VisitDuration};
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::text::{free_text, single_line};
use onsite_domain::{CharacteristicId, InvalidInput, ServiceTypeId};
use onsite_i18n::{Locale, SUPPORTED};
use onsite_store::catalog::{self as store, Entry, NewServiceType, ServiceTypeFilter};
use onsite_store::partners::LeadType;
use onsite_store::{Conn, StoreError, audit};
use std::borrow::Cow;

pub use onsite_store::catalog::List;

/// Longest name of a catalogue entry.
const NAME_MAX: usize = 100;
/// Longest product code.
const CODE_MAX: usize = 40;
/// Longest description of a service type.
const DESCRIPTION_MAX: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Another entry has this name (or code) already.
    #[error("{field} is taken")]
    Taken { field: &'static str },
    /// The entry changed since the form was shown (another member of staff saved it).
    #[error("changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CatalogError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { constraint } if constraint.contains("code") => {
                CatalogError::Taken { field: "code" }
            }
            StoreError::Conflict { .. } => CatalogError::Taken { field: "name" },
            e => CatalogError::Store(e),
        }
    }
}

impl Failure for CatalogError {
    fn kind(&self) -> Kind {
        match self {
            CatalogError::Invalid(_) => Kind::Invalid,
            CatalogError::Taken { .. } | CatalogError::Changed => Kind::Conflict,
            CatalogError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CatalogError::Taken { .. } => "taken",
            CatalogError::Changed => "changed",
            e => e.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            CatalogError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            CatalogError::Taken { field } => Some(Cow::Borrowed(*field)),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            CatalogError::Invalid(i) => invalid_message(locale, i.reason),
            CatalogError::Taken { .. } => locale.text("catalog-error-taken"),
            CatalogError::Changed => locale.text("catalog-error-changed"),
            CatalogError::Store(e) => e.message(locale),
        }
    }
}

type Result<T, E = CatalogError> = std::result::Result<T, E>;

/// What the audit log calls an entry of `list`.
fn entity(list: List) -> &'static str {
    match list {
        List::Characteristics => "characteristic",
        List::Products => "product",
        List::LeadTypes => "lead_type",
    }
}

/// A name as typed: one line, 1 to [`NAME_MAX`] characters.
fn parse_name(raw: &str) -> Result<String> {
    Ok(single_line("name", raw, NAME_MAX)?)
}

/// A code as typed, in the lists that have one: a product's (`HP-DUCTLESS`) or a lead type's
/// (lower case, no commas: partner profiles list them separated by commas).
fn parse_code(list: List, raw: &str) -> Result<Option<String>> {
    match list {
        List::Characteristics => Ok(None),
        List::Products => Ok(Some(single_line("code", raw, CODE_MAX)?)),
        List::LeadTypes => LeadType::parse(raw)
            .map(|t| Some(t.as_str().to_owned()))
            .map_err(|e| InvalidInput::new("code", e.reason).into()),
    }
}

/// Every entry of `list`, active ones first.
pub async fn entries(app: &App, _staff: Staff, list: List) -> Result<Vec<Entry>, StoreError> {
    store::entries(&mut *app.store.conn().await?, list).await
}

/// One entry of `list`.
pub async fn entry(app: &App, _staff: Staff, list: List, id: i64) -> Result<Entry, StoreError> {
    store::entry(&mut *app.store.conn().await?, list, id).await
}

/// Adds an entry to `list` (`code` is ignored by the lists without codes). Audited.
pub async fn create(app: &App, staff: Staff, list: List, code: &str, name: &str) -> Result<i64> {
    let code = parse_code(list, code)?;
    let name = parse_name(name)?;
    let mut tx = app.store.begin().await?;
    let id = store::insert_entry(&mut tx, list, code.as_deref(), &name).await?;
    let detail = serde_json::json!({ "code": code, "name": name });
    record(&mut tx, staff, list, "create", id, &detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// Renames an entry of `list` (its code, if any, stays) from `seen_version`, the version the
/// caller read; refused with [`CatalogError::Changed`] when someone changed it in between.
/// Audited with the previous name.
pub async fn rename(
    app: &App,
    staff: Staff,
    list: List,
    (id, seen_version): (i64, i64),
    name: &str,
) -> Result<()> {
    let name = parse_name(name)?;
    let mut tx = app.store.begin().await?;
    let before = store::entry(&mut tx, list, id).await?;
    if before.version != seen_version {
        return Err(CatalogError::Changed);
    }
    if before.name == name {
        return Ok(());
    }
    if !store::rename_entry(&mut tx, list, id, seen_version, &name).await? {
        return Err(CatalogError::Changed);
    }
    let detail = serde_json::json!({ "name": { "from": before.name, "to": name } });
    record(&mut tx, staff, list, "rename", id, &detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Retires an entry of `list` (`active` false: whoever has or needs it keeps it, and it is no
/// longer offered) or restores it, from `seen_version` (refused with
/// [`CatalogError::Changed`] when someone changed it in between). Audited; nothing is
/// recorded when nothing changes.
pub async fn set_active(
    app: &App,
    staff: Staff,
    list: List,
    (id, seen_version): (i64, i64),
    active: bool,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let before = store::entry(&mut tx, list, id).await?;
    if before.version != seen_version {
        return Err(CatalogError::Changed);
    }
    if before.active == active {
        return Ok(());
    }
    if !store::set_entry_active(&mut tx, list, id, seen_version, active).await? {
        return Err(CatalogError::Changed);
    }
    let action = if active { "restore" } else { "retire" };
    let detail = serde_json::json!({ "active": { "from": before.active, "to": active } });
    record(&mut tx, staff, list, action, id, &detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The audit line of a change to an entry of `list`: `<entity>.<what>`.
async fn record(
    tx: &mut Conn,
    staff: Staff,
    list: List,
    what: &str,
    id: i64,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    let kind = entity(list);
    let action = format!("{kind}.{what}");
    audit::record(tx, Some(staff.user()), &action, kind, Some(id), detail).await?;
    Ok(())
}

// ---- Service types --------------------------------------------------------------------------

/// A service type with its names in the other languages.
#[derive(Debug, Clone)]
pub struct ServiceTypeDetail {
    pub service_type: ServiceType,
    /// (language, name), for the languages other than the default that have one.
    pub names: Vec<(Locale, String)>,
}

/// A service type as staff type it.
#[derive(Debug, Clone, Default)]
pub struct ServiceTypeInput {
    /// The name in the portal's default language.
    pub name: String,
    /// Names in other languages (empty: the default name is shown).
    pub names: Vec<(Locale, String)>,
    pub description: String,
    pub duration_minutes: String,
    /// (characteristic, minimum rating as typed).
    pub required_skills: Vec<(CharacteristicId, String)>,
    pub self_scheduling: bool,
    pub retired: bool,
}

/// The input checked: what the store saves.
struct ServiceTypeValues {
    name: String,
    names: Vec<(Locale, String)>,
    description: String,
    duration: VisitDuration,
    required_skills: Vec<SkillLevel>,
    self_scheduling: bool,
    active: bool,
}

impl ServiceTypeValues {
    fn new_service_type(&self) -> NewServiceType<'_> {
        NewServiceType {
            name: &self.name,
            description: &self.description,
            duration: self.duration,
            required_skills: &self.required_skills,
            self_scheduling: self.self_scheduling,
            active: self.active,
        }
    }

    /// What the audit log shows of it.
    fn audited(&self) -> serde_json::Value {
        let names: serde_json::Map<String, serde_json::Value> = self
            .names
            .iter()
            .map(|(l, n)| (l.tag().to_owned(), n.clone().into()))
            .collect();
        let skills: Vec<serde_json::Value> = self
            .required_skills
            .iter()
            .map(|s| serde_json::json!({ "characteristic": s.characteristic_id.0, "min_rating": s.rating.get() }))
            .collect();
        serde_json::json!({
            "name": self.name,
            "names": names,
            "description": self.description,
            "duration_minutes": self.duration.minutes(),
            "required_skills": skills,
            "self_scheduling": self.self_scheduling,
            "active": self.active,
        })
    }
}

/// Checks what was typed, against the characteristics that exist.
async fn check(tx: &mut Conn, input: &ServiceTypeInput) -> Result<ServiceTypeValues> {
    let name = parse_name(&input.name)?;
    let mut names = Vec::new();
    for (locale, raw) in &input.names {
        if *locale == onsite_i18n::DEFAULT || !SUPPORTED.contains(locale) {
            return Err(InvalidInput::new("names", "unknown").into());
        }
        if !raw.trim().is_empty() {
            names.push((*locale, single_line("names", raw, NAME_MAX)?));
        }
    }
    let description =
        free_text("description", &input.description, DESCRIPTION_MAX)?.unwrap_or_default();
    let minutes = input.duration_minutes.trim();
    if minutes.is_empty() {
        return Err(InvalidInput::new("duration_minutes", "required").into());
    }
    let duration = minutes
        .parse::<i64>()
        .map_err(|_| InvalidInput::new("duration_minutes", "out-of-range"))
        .and_then(VisitDuration::from_minutes)?;
    let known = store::list_characteristics(tx).await?;
    let mut required_skills = Vec::new();
    for (id, raw) in &input.required_skills {
        if !known.iter().any(|c| c.id == *id) {
            return Err(InvalidInput::new("required_skills", "unknown").into());
        }
        let rating = raw
            .trim()
            .parse::<i64>()
            .map_err(|_| InvalidInput::new("required_skills", "out-of-range"))
            .and_then(Rating::new)
            .map_err(|e| InvalidInput::new("required_skills", e.reason))?;
        required_skills.push(SkillLevel {
            characteristic_id: *id,
            rating,
        });
    }
    required_skills.sort_by_key(|s| s.characteristic_id.0);
    required_skills.dedup_by_key(|s| s.characteristic_id);
    Ok(ServiceTypeValues {
        name,
        names,
        description,
        duration,
        required_skills,
        self_scheduling: input.self_scheduling,
        active: !input.retired,
    })
}

async fn save_names(tx: &mut Conn, id: ServiceTypeId, values: &ServiceTypeValues) -> Result<()> {
    let names: Vec<(&str, &str)> = values
        .names
        .iter()
        .map(|(l, n)| (l.tag(), n.as_str()))
        .collect();
    Ok(store::set_service_type_names(tx, id, &names).await?)
}

/// Every service type, retired ones too, by name.
pub async fn service_types(app: &App, _staff: Staff) -> Result<Vec<ServiceType>, StoreError> {
    let mut conn = app.store.conn().await?;
    store::list_service_types(&mut conn, ServiceTypeFilter::All).await
}

/// One service type with its names in other languages.
pub async fn service_type(
    app: &App,
    _staff: Staff,
    id: ServiceTypeId,
) -> Result<ServiceTypeDetail, StoreError> {
    let mut conn = app.store.conn().await?;
    detail(&mut conn, id).await
}

async fn detail(conn: &mut Conn, id: ServiceTypeId) -> Result<ServiceTypeDetail, StoreError> {
    let service_type = store::service_type(conn, id).await?;
    let names = store::service_type_names(conn, id)
        .await?
        .into_iter()
        .filter_map(|(tag, name)| Some((Locale::from_tag(&tag)?, name)))
        .collect();
    Ok(ServiceTypeDetail {
        service_type,
        names,
    })
}

/// Adds a service type. Audited with everything it is.
pub async fn create_service_type(
    app: &App,
    staff: Staff,
    input: &ServiceTypeInput,
) -> Result<ServiceTypeId> {
    let mut tx = app.store.begin().await?;
    let values = check(&mut tx, input).await?;
    let id = store::insert_service_type(&mut tx, &values.new_service_type()).await?;
    save_names(&mut tx, id, &values).await?;
    let detail = values.audited();
    audit::record(
        &mut tx,
        Some(staff.user()),
        "service_type.create",
        "service_type",
        Some(id.0),
        &detail,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// Saves a service type edited from `seen_version` (the version its form showed); refused with
/// [`CatalogError::Changed`] when someone saved it in between, and nothing changes. Audited
/// with each changed field's before → after.
pub async fn update_service_type(
    app: &App,
    staff: Staff,
    id: ServiceTypeId,
    seen_version: i64,
    input: &ServiceTypeInput,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let before = detail(&mut tx, id).await?;
    let values = check(&mut tx, input).await?;
    let version = before.service_type.version;
    let was = ServiceTypeValues {
        name: before.service_type.name,
        names: before.names,
        description: before.service_type.description,
        duration: before.service_type.duration,
        required_skills: before.service_type.required_skills,
        self_scheduling: before.service_type.self_scheduling,
        active: before.service_type.active,
    }
    .audited();
    let now = values.audited();
    let changed = audit::changes(&was, &now);
    if changed.is_empty() && version == seen_version {
        return Ok(());
    }
    if !store::update_service_type(&mut tx, id, seen_version, &values.new_service_type()).await? {
        return Err(CatalogError::Changed);
    }
    save_names(&mut tx, id, &values).await?;
    let detail = serde_json::Value::Object(changed);
    audit::record(
        &mut tx,
        Some(staff.user()),
        "service_type.update",
        "service_type",
        Some(id.0),
        &detail,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
