//! Technicians in the back office: the list, a new technician, and each technician's changes —
//! the profile (name, home base, time zone, working-hours template, territories, skills),
//! deactivation, time off, the days that differ from their template, and the user who signs in
//! as them (administrators: link one, or make their sign-in).

use super::report::{self, Affected, Reassignment};
use super::{PAGE_SIZE, Result, WorkforceError, commit, parse_name};
use crate::booking::REASON_MAX;
use crate::context::App;
use crate::policy::{Admin, Grant, Staff};
use crate::team::{self, StaffUserInput};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::skill::{Characteristic, Rating, SkillLevel};
use onsite_domain::technician::{ResourceKind, TimeOff};
use onsite_domain::territory::Territory;
use onsite_domain::text::free_text;
use onsite_domain::time::TimeZoneName;
use onsite_domain::working_hours::{day_text, parse_day};
use onsite_domain::{
    CharacteristicId, InvalidInput, TechnicianId, TerritoryId, TimeOffId, UserId,
    WorkingHoursTemplateId,
};
use onsite_store::reassignment::{ChangeReason, JobId};
use onsite_store::records::Page;
use onsite_store::technicians::{
    self as store, DayHours, LinkedUser, NewTechnician, StaffTechnician, TechnicianChanges,
    TechnicianFilter, TechnicianRow,
};
use onsite_store::working_hours::{self, Template};
use onsite_store::{Conn, audit, bookings, catalog, territories};

/// A technician's profile as staff type it.
#[derive(Debug, Clone, PartialEq)]
pub struct TechnicianInput {
    pub name: String,
    /// Read from the map picker's fields at the edge.
    pub home_base: GeoPoint,
    /// An IANA zone name.
    pub time_zone: String,
    /// The template they follow; `None`: keep their own hours (a new technician: none yet).
    pub template: Option<WorkingHoursTemplateId>,
    pub territories: Vec<TerritoryId>,
    /// Each skill they have, with its rating as typed (1 to 10).
    pub skills: Vec<(CharacteristicId, String)>,
}

impl TechnicianInput {
    /// The form of a stored technician.
    pub fn of(t: &StaffTechnician) -> TechnicianInput {
        let tech = &t.technician;
        TechnicianInput {
            name: tech.name.clone(),
            home_base: tech.home_base,
            time_zone: tech.time_zone.as_str().to_owned(),
            template: t.template,
            territories: tech.territories.clone(),
            skills: tech
                .skills
                .iter()
                .map(|s| (s.characteristic_id, s.rating.get().to_string()))
                .collect(),
        }
    }
}

/// What the technician forms offer: the territories, the skills of the catalogue (retired ones
/// too: a technician keeps those they have) and the working-hours templates.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub territories: Vec<Territory>,
    pub skills: Vec<Characteristic>,
    pub templates: Vec<Template>,
}

/// The input checked against the choices: what the store saves.
struct Values {
    name: String,
    home_base: GeoPoint,
    time_zone: TimeZoneName,
    template: Option<WorkingHoursTemplateId>,
    territories: Vec<TerritoryId>,
    skills: Vec<SkillLevel>,
}

impl Values {
    fn changes(&self) -> TechnicianChanges<'_> {
        TechnicianChanges {
            name: &self.name,
            home_base: self.home_base,
            time_zone: &self.time_zone,
            territories: &self.territories,
            skills: &self.skills,
        }
    }
}

async fn load_choices(conn: &mut Conn) -> Result<Choices> {
    Ok(Choices {
        territories: territories::list_territories(conn).await?,
        skills: catalog::list_characteristics(conn).await?,
        templates: working_hours::list_templates(conn).await?,
    })
}

impl Choices {
    /// Checks what was typed; `current` is the template the technician follows now (a
    /// technician on a template cannot go back to hours of their own).
    fn check(
        &self,
        input: &TechnicianInput,
        current: Option<WorkingHoursTemplateId>,
    ) -> Result<Values> {
        let name = parse_name(&input.name)?;
        let time_zone = TimeZoneName::parse(&input.time_zone)?;
        let template = match input.template {
            Some(id) if self.templates.iter().any(|t| t.id == id) => Some(id),
            Some(_) => return Err(InvalidInput::new("working_hours_template", "unknown").into()),
            None if current.is_some() => {
                return Err(InvalidInput::new("working_hours_template", "required").into());
            }
            None => None,
        };
        let mut territories = input.territories.clone();
        if territories
            .iter()
            .any(|t| !self.territories.iter().any(|k| k.id == *t))
        {
            return Err(InvalidInput::new("territories", "unknown").into());
        }
        territories.sort();
        territories.dedup();
        let mut skills = Vec::new();
        for (id, raw) in &input.skills {
            if !self.skills.iter().any(|c| c.id == *id) {
                return Err(InvalidInput::new("skills", "unknown").into());
            }
            let rating = raw
                .trim()
                .parse::<i64>()
                .map_err(|_| InvalidInput::new("skills", "out-of-range"))
                .and_then(Rating::new)
                .map_err(|e| InvalidInput::new("skills", e.reason))?;
            skills.push(SkillLevel {
                characteristic_id: *id,
                rating,
            });
        }
        skills.sort_by_key(|s| (s.characteristic_id, std::cmp::Reverse(s.rating)));
        skills.dedup_by_key(|s| s.characteristic_id);
        Ok(Values {
            name,
            home_base: input.home_base,
            time_zone,
            template,
            territories,
            skills,
        })
    }

    /// What the audit log shows of a technician's profile: names rather than ids.
    fn audited(&self, v: &Values) -> serde_json::Value {
        let territories: Vec<&str> = self
            .territories
            .iter()
            .filter(|t| v.territories.contains(&t.id))
            .map(|t| t.name.as_str())
            .collect();
        let skills: Vec<String> = v
            .skills
            .iter()
            .map(|s| {
                let name = self
                    .skills
                    .iter()
                    .find(|c| c.id == s.characteristic_id)
                    .map_or_else(|| s.characteristic_id.to_string(), |c| c.name.clone());
                format!("{name} {}", s.rating.get())
            })
            .collect();
        let hours = v
            .template
            .and_then(|id| self.templates.iter().find(|t| t.id == id))
            .map(|t| t.name.clone());
        serde_json::json!({
            "name": v.name,
            "home_base": format!("{:.6}, {:.6}", v.home_base.lat(), v.home_base.lon()),
            "time_zone": v.time_zone.as_str(),
            "working_hours": hours,
            "territories": territories,
            "skills": skills,
        })
    }

    fn template(&self, id: WorkingHoursTemplateId) -> Result<&Template> {
        self.templates
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| InvalidInput::new("working_hours_template", "unknown").into())
    }
}

/// The values of a stored technician, as [`Choices::check`] makes them.
fn values_of(t: &StaffTechnician) -> Values {
    let tech = &t.technician;
    Values {
        name: tech.name.clone(),
        home_base: tech.home_base,
        time_zone: tech.time_zone.clone(),
        template: t.template,
        territories: tech.territories.clone(),
        skills: tech.skills.clone(),
    }
}

/// Why a profile change may take visits away, if it may: a territory or a skill (or some of
/// its rating) lost, or other working hours (another template, another zone).
fn reason_to_reassign(before: &Values, after: &Values) -> Option<ChangeReason> {
    let lost_territory = before
        .territories
        .iter()
        .any(|t| !after.territories.contains(t));
    let lost_skill = before.skills.iter().any(|had| {
        !after
            .skills
            .iter()
            .any(|s| s.characteristic_id == had.characteristic_id && s.rating >= had.rating)
    });
    let other_hours = before.template != after.template || before.time_zone != after.time_zone;
    if lost_territory {
        Some(ChangeReason::Territories)
    } else if lost_skill {
        Some(ChangeReason::Skills)
    } else if other_hours {
        Some(ChangeReason::WorkingHours)
    } else {
        None
    }
}

/// One page of the technicians matching `filter`, by name, from the page token `cursor`
/// (empty: the first page; one that cannot be read is refused naming `cursor`).
pub async fn technicians(
    app: &App,
    _staff: Staff,
    filter: &TechnicianFilter,
    cursor: &str,
) -> Result<Page<TechnicianRow>> {
    let start = store::page_start(cursor)?;
    let mut conn = app.store.conn().await?;
    Ok(store::page(&mut conn, filter, start, PAGE_SIZE).await?)
}

/// What the new technician form offers.
pub async fn choices(app: &App, _staff: Staff) -> Result<Choices> {
    load_choices(&mut *app.store.conn().await?).await
}

/// One technician as staff edit them.
pub async fn technician(app: &App, _staff: Staff, id: TechnicianId) -> Result<StaffTechnician> {
    Ok(store::staff_technician(&mut *app.store.conn().await?, id).await?)
}

/// A technician's page: the technician, what the forms offer, the users who may sign in as
/// them, how many visits they have ahead, and what the change just made did (`jobs`).
#[derive(Debug, Clone)]
pub struct TechnicianPage {
    pub technician: StaffTechnician,
    pub choices: Choices,
    /// Enabled users with the technician role linked to nobody yet.
    pub linkable_users: Vec<LinkedUser>,
    /// Their Scheduled visits from now on.
    pub upcoming_visits: usize,
    pub affected: Affected,
}

/// Everything a technician's page shows.
pub async fn technician_page(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    jobs: &[JobId],
    now: Timestamp,
) -> Result<TechnicianPage> {
    let mut conn = app.store.conn().await?;
    let technician = store::staff_technician(&mut conn, id).await?;
    let choices = load_choices(&mut conn).await?;
    let linkable_users = store::linkable_users(&mut conn).await?;
    let upcoming_visits = bookings::scheduled_of_technician_from(&mut conn, id, now)
        .await?
        .len();
    drop(conn);
    Ok(TechnicianPage {
        technician,
        choices,
        linkable_users,
        upcoming_visits,
        affected: report::affected(app, staff, jobs).await?,
    })
}

/// Adds a technician (a user resource, active). Audited with everything they are.
pub async fn create_technician(
    app: &App,
    staff: Staff,
    input: &TechnicianInput,
    _now: Timestamp,
) -> Result<TechnicianId> {
    let mut tx = app.store.begin().await?;
    let choices = load_choices(&mut tx).await?;
    let values = choices.check(input, None)?;
    let id = store::insert_technician(
        &mut tx,
        &NewTechnician {
            name: &values.name,
            kind: ResourceKind::User,
            user_id: None,
            home_base: values.home_base,
            time_zone: &values.time_zone,
            weekly_hours: &[],
            territories: &values.territories,
            skills: &values.skills,
            active: true,
        },
    )
    .await?;
    if let Some(template) = values.template {
        let hours = choices.template(template)?.hours.periods();
        store::follow_template(&mut tx, id, template, hours).await?;
    }
    let mut detail = choices.audited(&values);
    detail["active"] = true.into();
    audit::record(
        &mut tx,
        Some(staff.user()),
        "technician.create",
        "technician",
        Some(id.0),
        &detail,
    )
    .await?;
    commit(tx).await?;
    Ok(id)
}

/// Opens the change of one technician: their booking lock first (a booking of them either
/// commits before this change, and its job sees it, or waits and reads the change), then them.
async fn open(tx: &mut Conn, id: TechnicianId) -> Result<StaffTechnician> {
    bookings::lock_technician(tx, id).await?;
    Ok(store::staff_technician(tx, id).await?)
}

/// Saves a technician's profile edited from `seen_version`; refused with
/// [`WorkforceError::Changed`] when someone saved them in between, and nothing changes. A
/// lost territory or skill, another template or another time zone queues reassignment.
/// Audited with each changed field's before → after.
pub async fn update_technician(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    seen_version: i64,
    input: &TechnicianInput,
    now: Timestamp,
) -> Result<Reassignment> {
    let mut tx = app.store.begin().await?;
    let before = open(&mut tx, id).await?;
    let choices = load_choices(&mut tx).await?;
    let values = choices.check(input, before.template)?;
    let was = values_of(&before);
    let changed = audit::changes(&choices.audited(&was), &choices.audited(&values));
    if changed.is_empty() && before.version == seen_version {
        return Ok(Reassignment::none());
    }
    if !store::update_technician(&mut tx, id, seen_version, &values.changes()).await? {
        return Err(WorkforceError::Changed);
    }
    if let Some(template) = values.template
        && values.template != before.template
    {
        let hours = choices.template(template)?.hours.periods();
        store::follow_template(&mut tx, id, template, hours).await?;
    }
    let mut jobs = Vec::new();
    if let Some(reason) = reason_to_reassign(&was, &values) {
        jobs.push(report::queue(&mut tx, id, reason, staff.user(), now).await?);
    }
    audit::record(
        &mut tx,
        Some(staff.user()),
        "technician.update",
        "technician",
        Some(id.0),
        &serde_json::Value::Object(changed),
    )
    .await?;
    commit(tx).await?;
    Ok(report::run(app, jobs, now).await)
}

/// Deactivates a technician (no new visits; their booked ones move to someone else or wait
/// for a new time) or activates them again, from `seen_version`. Audited.
pub async fn set_active(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    seen_version: i64,
    active: bool,
    now: Timestamp,
) -> Result<Reassignment> {
    let mut tx = app.store.begin().await?;
    let before = open(&mut tx, id).await?;
    if before.technician.active == active {
        return Ok(Reassignment::none());
    }
    if !store::set_active(&mut tx, id, seen_version, active).await? {
        return Err(WorkforceError::Changed);
    }
    let mut jobs = Vec::new();
    if !active {
        jobs.push(report::queue(&mut tx, id, ChangeReason::Inactive, staff.user(), now).await?);
    }
    let action = if active {
        "technician.activate"
    } else {
        "technician.deactivate"
    };
    audit::record(
        &mut tx,
        Some(staff.user()),
        action,
        "technician",
        Some(id.0),
        &serde_json::json!({ "active": { "from": before.technician.active, "to": active } }),
    )
    .await?;
    commit(tx).await?;
    Ok(report::run(app, jobs, now).await)
}

/// A local date and time as a `datetime-local` field sends it (`2026-06-09T08:00`, seconds
/// optional), in `zone`; a time the clocks skip reads as the one after the gap.
fn local_instant(field: &'static str, raw: &str, zone: &TimeZone) -> Result<jiff::Zoned> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(InvalidInput::new(field, "required").into());
    }
    let bad = || InvalidInput::new(field, "instant");
    if raw.len() > 32 || !raw.contains(['T', ' ']) {
        return Err(bad().into());
    }
    let civil: DateTime = raw.replacen(' ', "T", 1).parse().map_err(|_| bad())?;
    Ok(civil.to_zoned(zone.clone()).map_err(|_| bad())?)
}

/// The time off's audit values.
fn audited_time_off(off: &TimeOff, zone: &TimeZone) -> serde_json::Value {
    serde_json::json!({
        "time_off": off.id.0,
        "starts_at": off.starts_at.to_zoned(zone.clone()).to_string(),
        "ends_at": off.ends_at.to_zoned(zone.clone()).to_string(),
        "reason": off.reason,
    })
}

/// Records time off from `starts` to `ends` (local date-times in the technician's zone) with
/// its reason, and reassigns the visits it takes away. Audited.
pub async fn add_time_off(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    (starts, ends): (&str, &str),
    reason: &str,
    now: Timestamp,
) -> Result<(TimeOffId, Reassignment)> {
    let mut tx = app.store.begin().await?;
    let tech = open(&mut tx, id).await?.technician;
    let zone = tech.time_zone.time_zone();
    let starts_at = local_instant("starts_at", starts, &zone)?.timestamp();
    let ends_at = local_instant("ends_at", ends, &zone)?.timestamp();
    if ends_at <= starts_at {
        return Err(InvalidInput::new("ends_at", "start-before-end").into());
    }
    let reason = free_text("reason", reason, REASON_MAX)?;
    let off = store::add_time_off(&mut tx, id, starts_at, ends_at, reason.as_deref()).await?;
    let job = report::queue(&mut tx, id, ChangeReason::TimeOff, staff.user(), now).await?;
    let added = TimeOff {
        id: off,
        starts_at,
        ends_at,
        reason,
    };
    audit::record(
        &mut tx,
        Some(staff.user()),
        "technician.time-off-add",
        "technician",
        Some(id.0),
        &audited_time_off(&added, &zone),
    )
    .await?;
    commit(tx).await?;
    Ok((off, report::run(app, vec![job], now).await))
}

/// Removes time off that has not started yet (`time_off`: its id as the form sends it).
/// Audited with what it was.
pub async fn remove_time_off(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    time_off: &str,
    now: Timestamp,
) -> Result<()> {
    let off = time_off
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(TimeOffId)
        .ok_or(InvalidInput::new("time_off", "unknown"))?;
    let mut tx = app.store.begin().await?;
    let tech = store::technician(&mut tx, id).await?;
    let found = tech
        .time_off
        .iter()
        .find(|t| t.id == off)
        .ok_or(WorkforceError::NotFound)?;
    if found.starts_at <= now {
        return Err(InvalidInput::new("time_off", "time-off-started").into());
    }
    let removed = store::remove_time_off(&mut tx, id, off)
        .await?
        .ok_or(WorkforceError::NotFound)?;
    audit::record(
        &mut tx,
        Some(staff.user()),
        "technician.time-off-remove",
        "technician",
        Some(id.0),
        &audited_time_off(&removed, &tech.time_zone.time_zone()),
    )
    .await?;
    commit(tx).await?;
    Ok(())
}

/// A day as typed (`YYYY-MM-DD`), named `date`.
fn parse_date(raw: &str) -> Result<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(InvalidInput::new("date", "required").into());
    }
    if raw.len() != 10 {
        return Err(InvalidInput::new("date", "date").into());
    }
    Ok(raw.parse().map_err(|_| InvalidInput::new("date", "date"))?)
}

/// An exception's hours as the audit log and the page show them: `09:00-13:00`, or `off`.
fn exception_text(hours: Option<(u16, u16)>) -> String {
    match hours {
        Some(h) => day_text(&[h]),
        None => "off".to_owned(),
    }
}

/// Gives the technician other hours on `date` (today or later, in their zone): `hours` one
/// period `09:00-13:00`, or empty for a day off. Replaces that day's exception if it had one;
/// queues reassignment. Audited (before → after).
pub async fn set_exception(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    (date, hours): (&str, &str),
    now: Timestamp,
) -> Result<Reassignment> {
    let date = parse_date(date)?;
    let periods = parse_day("hours", hours)?;
    let hours = match periods.as_slice() {
        [] => None,
        [(start, end)] => {
            Some(DayHours::new(*start, *end).map_err(|e| InvalidInput::new("hours", e.reason))?)
        }
        _ => return Err(InvalidInput::new("hours", "working-hours-one-period").into()),
    };
    let mut tx = app.store.begin().await?;
    let tech = open(&mut tx, id).await?.technician;
    if date < now.to_zoned(tech.time_zone.time_zone()).date() {
        return Err(InvalidInput::new("date", "past-date").into());
    }
    let was = tech
        .exceptions
        .iter()
        .find(|x| x.date == date)
        .map(|x| x.hours);
    store::set_working_exception(&mut tx, id, date, hours).await?;
    let job = report::queue(&mut tx, id, ChangeReason::WorkingHours, staff.user(), now).await?;
    let to = exception_text(hours.map(|h| (h.start(), h.end())));
    audit::record(
        &mut tx,
        Some(staff.user()),
        "technician.exception-set",
        "technician",
        Some(id.0),
        // Keyed by the day, so the log reads "2026-06-10: — → off".
        &serde_json::json!({
            date.to_string(): { "from": was.map(exception_text), "to": to },
        }),
    )
    .await?;
    commit(tx).await?;
    Ok(report::run(app, vec![job], now).await)
}

/// Removes the technician's exception of `date` (their template's hours apply again), and
/// queues reassignment (the template may hold fewer hours that day). Audited.
pub async fn remove_exception(
    app: &App,
    staff: Staff,
    id: TechnicianId,
    date: &str,
    now: Timestamp,
) -> Result<Reassignment> {
    let date = parse_date(date)?;
    let mut tx = app.store.begin().await?;
    let tech = open(&mut tx, id).await?.technician;
    let was = tech
        .exceptions
        .iter()
        .find(|x| x.date == date)
        .ok_or(WorkforceError::NotFound)?
        .hours;
    store::remove_working_exception(&mut tx, id, date).await?;
    let job = report::queue(&mut tx, id, ChangeReason::WorkingHours, staff.user(), now).await?;
    audit::record(
        &mut tx,
        Some(staff.user()),
        "technician.exception-remove",
        "technician",
        Some(id.0),
        &serde_json::json!({ "date": date.to_string(), "hours": exception_text(was) }),
    )
    .await?;
    commit(tx).await?;
    Ok(report::run(app, vec![job], now).await)
}

/// The link audit line: who signed in as the technician before, and who does now.
async fn record_link(
    tx: &mut Conn,
    admin: Admin,
    id: TechnicianId,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<()> {
    audit::record(
        tx,
        Some(admin.user()),
        "technician.link-user",
        "technician",
        Some(id.0),
        &serde_json::json!({ "user": { "from": from, "to": to } }),
    )
    .await?;
    Ok(())
}

/// Links the technician to a user who has the technician role and signs in as nobody else
/// (`None`: unlinks them; the user stays). Administrators only. Audited.
pub async fn link_user(
    app: &App,
    admin: Admin,
    id: TechnicianId,
    user: Option<UserId>,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let before = store::staff_technician(&mut tx, id).await?;
    let was = before.user.as_ref();
    if was.map(|u| u.id) == user {
        return Ok(());
    }
    let to = match user {
        Some(u) => Some(
            store::linkable_users(&mut tx)
                .await?
                .into_iter()
                .find(|l| l.id == u)
                .ok_or(InvalidInput::new("user", "unknown"))?,
        ),
        None => None,
    };
    store::link_user(&mut tx, id, user).await?;
    let (from, to) = (
        was.map(|u| u.email.as_str()),
        to.as_ref().map(|u| u.email.as_str()),
    );
    record_link(&mut tx, admin, id, from, to).await?;
    commit(tx).await?;
    Ok(())
}

/// What "Create a sign-in for this technician" takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInInput {
    pub email: String,
    /// The language of their emails (a supported tag), or the portal's default.
    pub language: String,
}

/// Makes a user with the technician role and the technician's name for a technician who has
/// none, linked to them, and emails them the link to choose their password (as for any staff user). Administrators only.
/// Audited (`user.create`, `technician.link-user`).
pub async fn create_sign_in(
    app: &App,
    admin: Admin,
    id: TechnicianId,
    input: &SignInInput,
    now: Timestamp,
) -> Result<UserId> {
    let mut tx = app.store.begin().await?;
    let tech = store::staff_technician(&mut tx, id).await?;
    if tech.user.is_some() {
        return Err(WorkforceError::HasSignIn);
    }
    let person = StaffUserInput {
        email: input.email.clone(),
        name: tech.technician.name.clone(),
        roles: vec![Role::Technician],
        language: Some(input.language.clone()),
    };
    let technician_role = [Role::Technician];
    let user = team::add_staff_user(app, &mut tx, admin, &person, &technician_role, now).await?;
    store::link_user(&mut tx, id, Some(user)).await?;
    let email = onsite_domain::text::EmailAddress::parse(input.email.trim())?;
    record_link(&mut tx, admin, id, None, Some(email.as_str())).await?;
    commit(tx).await?;
    app.mail_queued();
    Ok(user)
}
