//! The audit log for administrators: every audited change (who, what, which record, when, and
//! its before → after), a page at a time, newest first, filtered by person, record kind,
//! record and dates. Reading it needs the [`Admin`] grant; the log itself is written by each
//! use case in the transaction of its change (`onsite_store::audit::record`).

use crate::context::App;
use crate::policy::Admin;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use onsite_domain::{InvalidInput, UserId};
use onsite_store::StoreError;
use onsite_store::audit::{self, AuditEntry, AuditFilter};
use onsite_store::records::{Page, Start};

/// Events per page (Next / Previous for the others).
pub const PAGE_SIZE: u32 = 50;

/// The kinds of records the audit lines name, as the kind filter offers them.
pub const RECORD_KINDS: [&str; 24] = [
    "account",
    "agreement",
    "api_token",
    "asset",
    "booking",
    "characteristic",
    "contact",
    "email_outbox",
    "invitation",
    "invoice",
    "lead_type",
    "opportunity",
    "partner_profile",
    "product",
    "service_type",
    "setting",
    "survey_question",
    "technician",
    "territory",
    "user",
    "webhook_delivery",
    "webhook_endpoint",
    "work_order",
    "working_hours_template",
];

/// The filter as typed (a form or query string): each field may be empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterInput<'a> {
    /// A user id.
    pub person: &'a str,
    /// A record kind, one of [`RECORD_KINDS`].
    pub entity: &'a str,
    /// A record id of `entity` (only with one).
    pub id: &'a str,
    /// `YYYY-MM-DD`, the first day, in `zone`.
    pub from: &'a str,
    /// `YYYY-MM-DD`, the last day (included), in `zone`.
    pub to: &'a str,
}

/// Reads a typed filter, the days in the reader's time zone. A value that cannot be read is
/// refused naming its field (the names of the query string): `person`, `entity`, `id` (also
/// when given without a kind), `from`, `to` (also when before `from`).
pub fn parse_filter(input: FilterInput<'_>, zone: &TimeZone) -> Result<AuditFilter, InvalidInput> {
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let id = |field: &'static str, raw: &str| -> Result<Option<i64>, InvalidInput> {
        given(raw)
            .map(|s| match s.parse::<i64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(InvalidInput::new(field, "unknown")),
            })
            .transpose()
    };
    let day =
        |field: &'static str, raw: &str, after: bool| -> Result<Option<Timestamp>, InvalidInput> {
            let Some(s) = given(raw) else {
                return Ok(None);
            };
            let bad = || InvalidInput::new(field, "date");
            let date: Date = s.parse().map_err(|_| bad())?;
            let date = if after {
                date.checked_add(1.day()).map_err(|_| bad())?
            } else {
                date
            };
            let start = date.to_zoned(zone.clone()).map_err(|_| bad())?;
            Ok(Some(start.timestamp()))
        };
    let entity = given(input.entity);
    if let Some(kind) = &entity
        && !RECORD_KINDS.contains(&kind.as_str())
    {
        return Err(InvalidInput::new("entity", "unknown"));
    }
    let entity_id = id("id", input.id)?;
    if entity_id.is_some() && entity.is_none() {
        return Err(InvalidInput::new("id", "audit-record-without-kind"));
    }
    let from = day("from", input.from, false)?;
    let until = day("to", input.to, true)?;
    if let (Some(from), Some(until)) = (from, until)
        && until <= from
    {
        return Err(InvalidInput::new("to", "start-before-end"));
    }
    Ok(AuditFilter {
        actor: id("person", input.person)?.map(UserId),
        entity,
        entity_id,
        from,
        until,
    })
}

/// A page of the log, and the person filter's choices.
#[derive(Debug, Clone)]
pub struct AuditLog {
    pub filter: AuditFilter,
    /// Newest first, [`PAGE_SIZE`] at most.
    pub entries: Page<AuditEntry>,
    /// The people of the back office, and the filtered person if they are not one of them:
    /// (id, name, email).
    pub people: Vec<(UserId, String, String)>,
}

/// One page of the events matching `filter` from `start` (see
/// `onsite_store::audit::page_start`).
pub async fn audit_log(
    app: &App,
    _admin: Admin,
    filter: AuditFilter,
    start: Start,
) -> Result<AuditLog, StoreError> {
    let mut conn = app.store.conn().await?;
    let entries = audit::page(&mut conn, &filter, start, PAGE_SIZE).await?;
    let mut people = audit::staff_people(&mut conn).await?;
    if let Some(actor) = filter.actor
        && !people.iter().any(|(id, _, _)| *id == actor)
        && let Some((name, email)) = audit::person(&mut conn, actor).await?
    {
        people.push((actor, name, email));
    }
    Ok(AuditLog {
        filter,
        entries,
        people,
    })
}
