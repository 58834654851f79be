//! Working-hours templates: a named week of periods ("Weekdays 8–16:30") that technicians
//! follow. Each follower's `working_hours` rows are a copy of the template's periods, which the
//! caller rewrites (`technicians::follow_template`) in the transaction that changes the
//! template, so the scheduling snapshot, which reads `working_hours`, follows. A save carries
//! the version its form showed and is refused when it moved.

use crate::sql::{Run, attach, rows};
use crate::{Conn, Result, RowExt, to_ms};
use jiff::Timestamp;
use onsite_domain::time::WorkingPeriod;
use onsite_domain::working_hours::WeeklyHours;
use onsite_domain::{TechnicianId, WorkingHoursTemplateId};
use sqlx::any::AnyRow;

/// A template with its periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: WorkingHoursTemplateId,
    pub name: String,
    pub version: i64,
    pub hours: WeeklyHours,
    /// How many technicians follow it.
    pub technicians: i64,
}

const COLUMNS: &str = "h.id, h.name, h.version, \
     (SELECT COUNT(*) FROM technicians t WHERE t.working_hours_template_id = h.id) AS followers";

fn template_from_row(r: &AnyRow) -> Result<(Template, Vec<WorkingPeriod>)> {
    Ok((
        Template {
            id: WorkingHoursTemplateId(r.i64("id")?),
            name: r.text("name")?,
            version: r.i64("version")?,
            hours: WeeklyHours::default(),
            technicians: r.i64("followers")?,
        },
        Vec::new(),
    ))
}

/// The templates selected by `condition` on `working_hours_templates h` (its `$1…` bound to
/// `args`), by name, each with its periods.
async fn load(conn: &mut Conn, condition: &str, args: &[i64]) -> Result<Vec<Template>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM working_hours_templates h WHERE {condition} ORDER BY h.name, h.id"
    );
    let mut found = rows(conn, &sql, args)
        .await?
        .iter()
        .map(template_from_row)
        .collect::<Result<Vec<_>>>()?;
    let sql = format!(
        "SELECT p.template_id, p.weekday, p.start_minute, p.end_minute \
         FROM working_hours_template_periods p JOIN working_hours_templates h ON h.id = p.template_id \
         WHERE {condition} ORDER BY p.template_id, p.weekday, p.start_minute"
    );
    let period = crate::technicians::period_from_row;
    attach(
        conn,
        &mut found,
        (&sql, args),
        "template_id",
        period,
        |(t, periods)| (t.id.0, periods),
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|(mut t, periods)| {
            t.hours = WeeklyHours::from_periods(periods);
            t
        })
        .collect())
}

/// Every template, by name.
pub async fn list_templates(conn: &mut Conn) -> Result<Vec<Template>> {
    load(conn, "1 = 1", &[]).await
}

/// One template.
pub async fn template(conn: &mut Conn, id: WorkingHoursTemplateId) -> Result<Template> {
    load(conn, "h.id = $1", &[id.0])
        .await?
        .pop()
        .ok_or(crate::StoreError::NotFound)
}

/// Adds a template ([`crate::StoreError::Conflict`] when another has the name).
pub async fn insert_template(
    conn: &mut Conn,
    name: &str,
    hours: &WeeklyHours,
    now: Timestamp,
) -> Result<WorkingHoursTemplateId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO working_hours_templates (name, created_at) VALUES ($1, $2) RETURNING id",
    )
    .bind(name)
    .bind(to_ms(now))
    .fetch_one(&mut *conn)
    .await?;
    let id = WorkingHoursTemplateId(id);
    insert_periods(conn, id, hours).await?;
    Ok(id)
}

/// Saves a template edited from `seen_version` and moves the version on; `false`, with
/// nothing written, when the version moved meanwhile.
pub async fn update_template(
    conn: &mut Conn,
    id: WorkingHoursTemplateId,
    seen_version: i64,
    name: &str,
    hours: &WeeklyHours,
) -> Result<bool> {
    let saved = sqlx::query(
        "UPDATE working_hours_templates SET name = $1, version = version + 1 \
         WHERE id = $2 AND version = $3",
    )
    .bind(name)
    .bind(id.0)
    .bind(seen_version)
    .changed(conn)
    .await?;
    if saved {
        sqlx::query("DELETE FROM working_hours_template_periods WHERE template_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        insert_periods(conn, id, hours).await?;
    }
    Ok(saved)
}

async fn insert_periods(
    conn: &mut Conn,
    id: WorkingHoursTemplateId,
    hours: &WeeklyHours,
) -> Result<()> {
    let table = ("working_hours_template_periods", "template_id", id.0);
    crate::technicians::insert_periods(conn, table, hours.periods()).await
}

/// The technicians who follow the template, by id.
pub async fn followers(conn: &mut Conn, id: WorkingHoursTemplateId) -> Result<Vec<TechnicianId>> {
    sqlx::query("SELECT id FROM technicians WHERE working_hours_template_id = $1 ORDER BY id")
        .bind(id.0)
        .all(conn, |r| Ok(TechnicianId(r.i64("id")?)))
        .await
}
