//! Working-hours templates: a name and each weekday's periods. Changing a template's hours
//! rewrites the hours of every technician who follows it in the same transaction and queues
//! reassignment for each of them (their visits now outside their hours move or wait for a new
//! time).

use super::report::{self, Reassignment};
use super::{Result, WorkforceError, commit, parse_name};
use crate::context::App;
use crate::policy::{Grant, Staff};
use jiff::Timestamp;
use onsite_domain::WorkingHoursTemplateId;
use onsite_domain::working_hours::{WEEKDAYS, WeeklyHours, weekday_field};
use onsite_store::reassignment::ChangeReason;
use onsite_store::working_hours::{self as store, Template};
use onsite_store::{audit, bookings, technicians};

/// A template as staff type it: its name and each weekday's periods, Monday first
/// (`08:00-12:00, 13:00-16:30`; empty: not working).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateInput {
    pub name: String,
    pub days: [String; 7],
}

impl TemplateInput {
    /// The form of a stored template.
    pub fn of(template: &Template) -> TemplateInput {
        TemplateInput {
            name: template.name.clone(),
            days: template.hours.texts(),
        }
    }
}

/// What the audit log shows of a template: its name and each day's periods.
fn audited(name: &str, hours: &WeeklyHours) -> serde_json::Value {
    let mut values = serde_json::Map::new();
    values.insert("name".into(), name.into());
    for (day, text) in WEEKDAYS.into_iter().zip(hours.texts()) {
        values.insert(weekday_field(day).into(), text.into());
    }
    serde_json::Value::Object(values)
}

fn check(input: &TemplateInput) -> Result<(String, WeeklyHours)> {
    Ok((parse_name(&input.name)?, WeeklyHours::parse(&input.days)?))
}

/// Every template, by name, with how many technicians follow it.
pub async fn templates(app: &App, _staff: Staff) -> Result<Vec<Template>> {
    Ok(store::list_templates(&mut *app.store.conn().await?).await?)
}

/// One template.
pub async fn template(app: &App, _staff: Staff, id: WorkingHoursTemplateId) -> Result<Template> {
    Ok(store::template(&mut *app.store.conn().await?, id).await?)
}

/// Adds a template. Audited with everything it is.
pub async fn create_template(
    app: &App,
    staff: Staff,
    input: &TemplateInput,
    now: Timestamp,
) -> Result<WorkingHoursTemplateId> {
    let (name, hours) = check(input)?;
    let mut tx = app.store.begin().await?;
    let id = store::insert_template(&mut tx, &name, &hours, now).await?;
    let detail = audited(&name, &hours);
    audit::record(
        &mut tx,
        Some(staff.user()),
        "working_hours_template.create",
        "working_hours_template",
        Some(id.0),
        &detail,
    )
    .await?;
    commit(tx).await?;
    Ok(id)
}

/// Saves a template edited from `seen_version`; refused with [`WorkforceError::Changed`] when
/// someone saved it in between. New hours become those of every technician who follows it, and
/// each of them gets a reassignment job. Audited with each changed field's before → after.
pub async fn update_template(
    app: &App,
    staff: Staff,
    id: WorkingHoursTemplateId,
    seen_version: i64,
    input: &TemplateInput,
    now: Timestamp,
) -> Result<Reassignment> {
    let (name, hours) = check(input)?;
    let mut tx = app.store.begin().await?;
    let before = store::template(&mut tx, id).await?;
    let changed = audit::changes(
        &audited(&before.name, &before.hours),
        &audited(&name, &hours),
    );
    if changed.is_empty() && before.version == seen_version {
        return Ok(Reassignment::none());
    }
    let followers = store::followers(&mut tx, id).await?;
    let hours_changed = hours != before.hours;
    if hours_changed {
        // Their booking locks, in id order: a booking of one of them either commits before
        // this change (and their job sees it) or waits and reads the new hours.
        for t in &followers {
            bookings::lock_technician(&mut tx, *t).await?;
        }
    }
    if !store::update_template(&mut tx, id, seen_version, &name, &hours).await? {
        return Err(WorkforceError::Changed);
    }
    let mut jobs = Vec::new();
    if hours_changed {
        for t in &followers {
            technicians::follow_template(&mut tx, *t, id, hours.periods()).await?;
            let reason = ChangeReason::WorkingHours;
            jobs.push(report::queue(&mut tx, *t, reason, staff.user(), now).await?);
        }
    }
    audit::record(
        &mut tx,
        Some(staff.user()),
        "working_hours_template.update",
        "working_hours_template",
        Some(id.0),
        &serde_json::Value::Object(changed),
    )
    .await?;
    commit(tx).await?;
    Ok(report::run(app, jobs, now).await)
}
