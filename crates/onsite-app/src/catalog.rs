//! The catalogue, as staff keep it (SPEC §10: dispatchers and administrators manage
//! characteristics and service types, so every use case here takes [`Staff`]):
//!
//! - the named lists ([`List`]): characteristics (skills, rated on the one scale of
//!   [`Rating`](onsite_domain::skill::Rating), 1 basic … 10 expert), the products partners
//!   sell and the lead types they take — created, renamed, retired and restored, never deleted
//!   (technicians, service types, assets, partners and opportunities refer to them);
//!
//! Every change is audit-logged with what it changed (before → after) in its own transaction;
//! refused input changes nothing and names its field.

use crate::context::App;
use crate::failure::{Failure, Kind, invalid_message};
use crate::policy::{Grant, Staff};
use onsite_domain::InvalidInput;
use onsite_domain::text::single_line;
use onsite_i18n::Locale;
use onsite_store::catalog::{self as store, Entry};
use onsite_store::partners::LeadType;
use onsite_store::{Conn, StoreError, audit};
use std::borrow::Cow;

pub use onsite_store::catalog::List;

/// Longest name of a catalogue entry.
const NAME_MAX: usize = 100;
/// Longest product code.
const CODE_MAX: usize = 40;

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
        List::LeadTypes => "lead-type",
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

/// Renames an entry of `list` (its code, if any, stays). Audited with the previous name.
pub async fn rename(app: &App, staff: Staff, list: List, id: i64, name: &str) -> Result<()> {
    let name = parse_name(name)?;
    let mut tx = app.store.begin().await?;
    let before = store::entry(&mut tx, list, id).await?;
    if before.name == name {
        return Ok(());
    }
    store::rename_entry(&mut tx, list, id, &name).await?;
    let detail = serde_json::json!({ "name": { "from": before.name, "to": name } });
    record(&mut tx, staff, list, "rename", id, &detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Retires an entry of `list` (`active` false: whoever has or needs it keeps it, and it is no
/// longer offered) or restores it. Audited; nothing is recorded when nothing changes.
pub async fn set_active(app: &App, staff: Staff, list: List, id: i64, active: bool) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let before = store::entry(&mut tx, list, id).await?;
    if before.active == active {
        return Ok(());
    }
    store::set_entry_active(&mut tx, list, id, active).await?;
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
