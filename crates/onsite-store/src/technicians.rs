//! Technicians (bookable resources) with everything scheduling needs to know about them: weekly
//! hours, exceptions, time off, territories and skills.
//!
//! A technician is spread over six tables; every read loads them with one query per table for
//! the whole selection (never one query per technician), so listing all technicians (what the
//! reference snapshot does, `reference.rs`) costs six queries however many there are.
//!
//! The back office's side (issue 14): a technician with the version a save must carry, the
//! working-hours template they follow (their `working_hours` rows are its copy) and the user
//! who signs in as them ([`staff_technician`]); saves guarded by that version; and the list, a
//! keyset page over the folded name ([`page`]).

use crate::catalog::{insert_skills, skill_from_row};
use crate::directory::{like_pattern, search_key};
use crate::records::cursor::{Cursor, KeyKind, Start};
use crate::records::query::{self, Arg, Keyset, Page, SortSpec, Where};
use crate::sql::{Links, Run, attach, rows};
use crate::{Conn, Result, RowExt, StoreError, date_text, to_ms};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::geo::GeoPoint;
use onsite_domain::skill::SkillLevel;
use onsite_domain::technician::{ResourceKind, Technician, TimeOff, WorkingException};
use onsite_domain::time::{TimeZoneName, WorkingPeriod, weekday_from_iso};
use onsite_domain::{
    InvalidInput, TechnicianId, TerritoryId, TimeOffId, UserId, WorkingHoursTemplateId,
};
use sqlx::any::AnyRow;

/// The hours of one working day in local time, start before end, within the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    start: u16,
    end: u16,
}

impl DayHours {
    pub fn new(start: u16, end: u16) -> std::result::Result<Self, InvalidInput> {
        if end > 1440 || start >= end {
            return Err(InvalidInput::new("working_hours", "start-before-end"));
        }
        Ok(Self { start, end })
    }

    pub fn start(self) -> u16 {
        self.start
    }

    pub fn end(self) -> u16 {
        self.end
    }
}

const TERRITORIES: Links = Links::new("technician_territories", "technician_id", "territory_id");

pub struct NewTechnician<'a> {
    pub name: &'a str,
    pub kind: ResourceKind,
    pub user_id: Option<UserId>,
    pub home_base: GeoPoint,
    pub time_zone: &'a TimeZoneName,
    pub weekly_hours: &'a [WorkingPeriod],
    pub territories: &'a [TerritoryId],
    pub skills: &'a [SkillLevel],
    pub active: bool,
}

pub async fn insert_technician(conn: &mut Conn, t: &NewTechnician<'_>) -> Result<TechnicianId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO technicians (name, kind, user_id, home_latitude, home_longitude, time_zone, active, \
         created_at, search_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(t.name)
    .bind(t.kind.as_str())
    .bind(t.user_id.map(|u| u.0))
    .bind(t.home_base.lat())
    .bind(t.home_base.lon())
    .bind(t.time_zone.as_str())
    .bind(t.active)
    .bind(to_ms(Timestamp::now()))
    .bind(search_key(t.name))
    .fetch_one(&mut *conn)
    .await?;
    let id = TechnicianId(id);
    insert_weekly_hours(conn, id, t.weekly_hours).await?;
    let owner = ("technician_id", id.0);
    let territories = t.territories.iter().map(|t| t.0);
    TERRITORIES.insert(conn, id.0, territories).await?;
    insert_skills(conn, "technician_skills", owner, "rating", t.skills).await?;
    Ok(id)
}

/// Replaces the weekly template.
pub async fn set_weekly_hours(
    conn: &mut Conn,
    id: TechnicianId,
    hours: &[WorkingPeriod],
) -> Result<()> {
    sqlx::query("DELETE FROM working_hours WHERE technician_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    insert_weekly_hours(conn, id, hours).await
}

/// Replaces the territories served.
pub async fn set_territories(
    conn: &mut Conn,
    id: TechnicianId,
    territories: &[TerritoryId],
) -> Result<()> {
    let territories = territories.iter().map(|t| t.0);
    TERRITORIES.replace(conn, id.0, territories).await
}

/// Replaces the skills.
pub async fn set_skills(conn: &mut Conn, id: TechnicianId, skills: &[SkillLevel]) -> Result<()> {
    sqlx::query("DELETE FROM technician_skills WHERE technician_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    insert_skills(
        conn,
        "technician_skills",
        ("technician_id", id.0),
        "rating",
        skills,
    )
    .await
}

async fn insert_weekly_hours(
    conn: &mut Conn,
    id: TechnicianId,
    hours: &[WorkingPeriod],
) -> Result<()> {
    insert_periods(conn, ("working_hours", "technician_id", id.0), hours).await
}

/// Writes weekly `periods` into `table`, whose column `owner` holds `id` (a technician's hours,
/// a working-hours template's).
pub(crate) async fn insert_periods(
    conn: &mut Conn,
    (table, owner, id): (&str, &str, i64),
    periods: &[WorkingPeriod],
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} ({owner}, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)"
    );
    for p in periods {
        sqlx::query(&sql)
            .bind(id)
            .bind(i64::from(p.weekday.to_monday_one_offset()))
            .bind(i64::from(p.start))
            .bind(i64::from(p.end))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A weekly period read from a row's `weekday`, `start_minute` and `end_minute`.
pub(crate) fn period_from_row(r: &AnyRow) -> Result<WorkingPeriod> {
    Ok(WorkingPeriod::new(
        weekday_from_iso(r.i64("weekday")?)?,
        minute(r.i64("start_minute")?)?,
        minute(r.i64("end_minute")?)?,
    )?)
}

/// Sets (or replaces) the hours of one day that differs from the template; `None` = day off.
pub async fn set_working_exception(
    conn: &mut Conn,
    id: TechnicianId,
    day: Date,
    hours: Option<DayHours>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO working_exceptions (technician_id, day, start_minute, end_minute) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (technician_id, day) DO UPDATE SET start_minute = excluded.start_minute, \
         end_minute = excluded.end_minute",
    )
    .bind(id.0)
    .bind(date_text(day))
    .bind(hours.map(|h| i64::from(h.start)))
    .bind(hours.map(|h| i64::from(h.end)))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records an absence over [starts_at, ends_at); the database refuses an empty or reversed one.
pub async fn add_time_off(
    conn: &mut Conn,
    id: TechnicianId,
    starts_at: Timestamp,
    ends_at: Timestamp,
    reason: Option<&str>,
) -> Result<TimeOffId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO time_off (technician_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id.0)
    .bind(to_ms(starts_at))
    .bind(to_ms(ends_at))
    .bind(reason)
    .fetch_one(&mut *conn)
    .await?;
    Ok(TimeOffId(id))
}

/// Links the technician to the user who signs in as them (or unlinks with `None`).
pub async fn link_user(conn: &mut Conn, id: TechnicianId, user: Option<UserId>) -> Result<()> {
    sqlx::query("UPDATE technicians SET user_id = $1 WHERE id = $2")
        .bind(user.map(|u| u.0))
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

/// Which technicians a read loads.
pub async fn technician(conn: &mut Conn, id: TechnicianId) -> Result<Technician> {
    load(conn, Selection::One(id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The technician a user signs in as, if any.
pub async fn technician_for_user(conn: &mut Conn, user: UserId) -> Result<Option<Technician>> {
    Ok(load(conn, Selection::User(user)).await?.pop())
}

/// Every technician (active or not, any kind) by name, each complete, in six queries. The
/// candidates for a visit are chosen from these by [`crate::reference::Reference`], which keeps
/// them in the process.
pub async fn list_technicians(conn: &mut Conn) -> Result<Vec<Technician>> {
    load(conn, Selection::All).await
}

enum Selection {
    All,
    One(TechnicianId),
    User(UserId),
}

impl Selection {
    /// The condition on `technicians t`, and the values of its `$1…$n`.
    fn condition(&self) -> (String, Vec<i64>) {
        match self {
            Selection::All => ("1 = 1".to_owned(), Vec::new()),
            Selection::One(id) => ("t.id = $1".to_owned(), vec![id.0]),
            Selection::User(u) => ("t.user_id = $1".to_owned(), vec![u.0]),
        }
    }
}

async fn load(conn: &mut Conn, sel: Selection) -> Result<Vec<Technician>> {
    let (cond, args) = sel.condition();
    let sql = format!(
        "SELECT t.id, t.name, t.kind, t.user_id, t.home_latitude, t.home_longitude, t.time_zone, t.active \
         FROM technicians t WHERE {cond} ORDER BY t.name, t.id"
    );
    let mut techs = rows(conn, &sql, &args)
        .await?
        .iter()
        .map(technician_from_row)
        .collect::<Result<Vec<_>>>()?;
    // The child rows of the selection (the same condition), by technician.
    let child = |table: &str, cols: &str, order: &str| {
        format!(
            "SELECT c.technician_id, {cols} FROM {table} c JOIN technicians t ON t.id = c.technician_id \
             WHERE {cond} ORDER BY c.technician_id, {order}"
        )
    };
    let of = "technician_id";
    let sql = child(
        "working_hours",
        "c.weekday, c.start_minute, c.end_minute",
        "c.weekday, c.start_minute",
    );
    attach(conn, &mut techs, (&sql, &args), of, period_from_row, |t| {
        (t.id.0, &mut t.weekly_hours)
    })
    .await?;
    let sql = child(
        "working_exceptions",
        "c.day, c.start_minute, c.end_minute",
        "c.day",
    );
    attach(
        conn,
        &mut techs,
        (&sql, &args),
        of,
        exception_from_row,
        |t| (t.id.0, &mut t.exceptions),
    )
    .await?;
    let sql = child(
        "time_off",
        "c.id, c.starts_at, c.ends_at, c.reason",
        "c.starts_at",
    );
    attach(
        conn,
        &mut techs,
        (&sql, &args),
        of,
        time_off_from_row,
        |t| (t.id.0, &mut t.time_off),
    )
    .await?;
    let sql = child("technician_territories", "c.territory_id", "c.territory_id");
    let territory = |r: &AnyRow| Ok(TerritoryId(r.i64("territory_id")?));
    attach(conn, &mut techs, (&sql, &args), of, territory, |t| {
        (t.id.0, &mut t.territories)
    })
    .await?;
    let sql = child(
        "technician_skills",
        "c.characteristic_id, c.rating",
        "c.characteristic_id",
    );
    let skill = |r: &AnyRow| skill_from_row(r, "rating");
    attach(conn, &mut techs, (&sql, &args), of, skill, |t| {
        (t.id.0, &mut t.skills)
    })
    .await?;
    Ok(techs)
}

fn technician_from_row(r: &AnyRow) -> Result<Technician> {
    Ok(Technician {
        id: TechnicianId(r.i64("id")?),
        name: r.text("name")?,
        kind: ResourceKind::parse(&r.text("kind")?)?,
        user_id: r.opt_i64("user_id")?.map(UserId),
        home_base: GeoPoint::new(r.f64("home_latitude")?, r.f64("home_longitude")?)?,
        time_zone: TimeZoneName::parse(&r.text("time_zone")?)?,
        weekly_hours: Vec::new(),
        exceptions: Vec::new(),
        time_off: Vec::new(),
        territories: Vec::new(),
        skills: Vec::new(),
        active: r.bool("active")?,
    })
}

fn time_off_from_row(r: &AnyRow) -> Result<TimeOff> {
    Ok(TimeOff {
        id: TimeOffId(r.i64("id")?),
        starts_at: r.ts("starts_at")?,
        ends_at: r.ts("ends_at")?,
        reason: r.opt_text("reason")?,
    })
}

fn exception_from_row(r: &AnyRow) -> Result<WorkingException> {
    let hours = match (r.opt_i64("start_minute")?, r.opt_i64("end_minute")?) {
        (None, None) => None,
        (Some(s), Some(e)) => {
            let h = DayHours::new(minute(s)?, minute(e)?)?;
            Some((h.start, h.end))
        }
        _ => {
            return Err(StoreError::Corrupt(
                "working exception with only one bound".into(),
            ));
        }
    };
    Ok(WorkingException {
        date: r.date("day")?,
        hours,
    })
}

fn minute(v: i64) -> Result<u16> {
    u16::try_from(v)
        .ok()
        .filter(|m| *m <= 1440)
        .ok_or_else(|| StoreError::Corrupt(format!("minute of day {v}")))
}

// ---- The back office ------------------------------------------------------------------------

/// The user who signs in as a technician.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedUser {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub disabled: bool,
}

fn linked_user_from_row(r: &AnyRow) -> Result<LinkedUser> {
    Ok(LinkedUser {
        id: UserId(r.i64("user_id")?),
        email: r.text("user_email")?,
        name: r.text("user_name")?,
        disabled: r.bool("user_disabled")?,
    })
}

/// A technician as the back office edits them.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffTechnician {
    pub technician: Technician,
    /// What a save must carry ([`update_technician`], [`set_active`]).
    pub version: i64,
    /// The working-hours template they follow; `None`: their own hours.
    pub template: Option<WorkingHoursTemplateId>,
    pub user: Option<LinkedUser>,
}

/// One technician, complete, with their version, template and user.
pub async fn staff_technician(conn: &mut Conn, id: TechnicianId) -> Result<StaffTechnician> {
    let technician = technician(conn, id).await?;
    sqlx::query(
        "SELECT t.version, t.working_hours_template_id, u.id AS user_id, u.email AS user_email, \
         u.display_name AS user_name, u.disabled AS user_disabled \
         FROM technicians t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = $1",
    )
    .bind(id.0)
    .one(conn, |r| {
        Ok(StaffTechnician {
            version: r.i64("version")?,
            template: r
                .opt_i64("working_hours_template_id")?
                .map(WorkingHoursTemplateId),
            user: match r.opt_i64("user_id")? {
                Some(_) => Some(linked_user_from_row(r)?),
                None => None,
            },
            technician,
        })
    })
    .await
}

/// What the technician form saves.
#[derive(Debug, Clone, Copy)]
pub struct TechnicianChanges<'a> {
    pub name: &'a str,
    pub home_base: GeoPoint,
    pub time_zone: &'a TimeZoneName,
    pub territories: &'a [TerritoryId],
    pub skills: &'a [SkillLevel],
}

/// Saves a technician edited from `seen_version`, and moves the version on. `false`, with
/// nothing written, when the version is no longer `seen_version` (someone saved in between).
pub async fn update_technician(
    conn: &mut Conn,
    id: TechnicianId,
    seen_version: i64,
    c: &TechnicianChanges<'_>,
) -> Result<bool> {
    let saved = sqlx::query(
        "UPDATE technicians SET name = $1, search_key = $2, home_latitude = $3, \
         home_longitude = $4, time_zone = $5, version = version + 1 \
         WHERE id = $6 AND version = $7",
    )
    .bind(c.name)
    .bind(search_key(c.name))
    .bind(c.home_base.lat())
    .bind(c.home_base.lon())
    .bind(c.time_zone.as_str())
    .bind(id.0)
    .bind(seen_version)
    .changed(conn)
    .await?;
    if saved {
        set_territories(conn, id, c.territories).await?;
        set_skills(conn, id, c.skills).await?;
    }
    Ok(saved)
}

/// Makes the technician follow `template`, whose weekly `hours` become theirs.
pub async fn follow_template(
    conn: &mut Conn,
    id: TechnicianId,
    template: WorkingHoursTemplateId,
    hours: &[WorkingPeriod],
) -> Result<()> {
    sqlx::query("UPDATE technicians SET working_hours_template_id = $1 WHERE id = $2")
        .bind(template.0)
        .bind(id.0)
        .changed_or_not_found(conn)
        .await?;
    set_weekly_hours(conn, id, hours).await
}

/// Activates or deactivates a technician edited from `seen_version`, and moves the version on;
/// `false` when the version moved meanwhile.
pub async fn set_active(
    conn: &mut Conn,
    id: TechnicianId,
    seen_version: i64,
    active: bool,
) -> Result<bool> {
    sqlx::query(
        "UPDATE technicians SET active = $1, version = version + 1 WHERE id = $2 AND version = $3",
    )
    .bind(active)
    .bind(id.0)
    .bind(seen_version)
    .changed(conn)
    .await
}

/// Removes one of the technician's absences, returning it; `None` if they have no such one.
pub async fn remove_time_off(
    conn: &mut Conn,
    id: TechnicianId,
    time_off: TimeOffId,
) -> Result<Option<TimeOff>> {
    sqlx::query(
        "DELETE FROM time_off WHERE id = $1 AND technician_id = $2 \
         RETURNING id, starts_at, ends_at, reason",
    )
    .bind(time_off.0)
    .bind(id.0)
    .optional(conn, time_off_from_row)
    .await
}

/// Removes the technician's exception of `day` (the template's hours apply again); whether
/// there was one.
pub async fn remove_working_exception(
    conn: &mut Conn,
    id: TechnicianId,
    day: Date,
) -> Result<bool> {
    sqlx::query("DELETE FROM working_exceptions WHERE technician_id = $1 AND day = $2")
        .bind(id.0)
        .bind(date_text(day))
        .changed(conn)
        .await
}

/// The users who may be linked to a technician: enabled, with the technician role, and linked
/// to no technician yet; by email.
pub async fn linkable_users(conn: &mut Conn) -> Result<Vec<LinkedUser>> {
    sqlx::query(
        "SELECT u.id AS user_id, u.email AS user_email, u.display_name AS user_name, \
         u.disabled AS user_disabled FROM users u \
         WHERE u.disabled = FALSE \
           AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $1) \
           AND NOT EXISTS (SELECT 1 FROM technicians t WHERE t.user_id = u.id) \
         ORDER BY LOWER(u.email), u.id",
    )
    .bind(onsite_domain::role::Role::Technician.as_str())
    .all(conn, linked_user_from_row)
    .await
}

/// Which technicians the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TechnicianFilter {
    /// Part of the name, in any case, with or without accents.
    pub search: String,
    /// Only the active ones (`Some(true)`) or the inactive ones; `None`: all.
    pub active: Option<bool>,
}

/// A line of the technicians' list.
#[derive(Debug, Clone, PartialEq)]
pub struct TechnicianRow {
    pub id: TechnicianId,
    pub name: String,
    pub kind: ResourceKind,
    pub active: bool,
    /// The template they follow, by name.
    pub template: Option<String>,
    /// The email of the user who signs in as them.
    pub user_email: Option<String>,
    /// The territories they serve, by name.
    pub territories: Vec<String>,
}

/// By name, folded (the list's only order).
static BY_NAME: SortSpec = SortSpec {
    name: "technicians.name",
    expr: "x.search_key",
    kind: KeyKind::Text,
};

/// Where a page of the list starts, from its `cursor` token (empty: the first page).
pub fn page_start(token: &str) -> std::result::Result<Start, InvalidInput> {
    Cursor::decode(token, BY_NAME.name, false, BY_NAME.kind)
}

/// One page of the technicians matching `filter`, by name: a keyset page from `start`.
pub async fn page(
    conn: &mut Conn,
    filter: &TechnicianFilter,
    start: Start,
    limit: u32,
) -> Result<Page<TechnicianRow>> {
    let mut w = Where::new();
    let search = filter.search.trim();
    if !search.is_empty() {
        let p = w.arg(Arg::Text(like_pattern(search, search_key)));
        w.cond(format!("x.search_key LIKE {p} ESCAPE '\\'"));
    }
    match filter.active {
        Some(true) => w.cond("x.active = TRUE"),
        Some(false) => w.cond("x.active = FALSE"),
        None => {}
    }
    let keyset = Keyset {
        w,
        table: "technicians",
        columns: "x.id, x.name, x.kind, x.active, h.name AS template_name, u.email AS user_email"
            .to_owned(),
        joins: "LEFT JOIN working_hours_templates h ON h.id = x.working_hours_template_id \
                LEFT JOIN users u ON u.id = x.user_id"
            .to_owned(),
        sort: &BY_NAME,
        descending: false,
        start,
        limit,
    };
    let mut page = query::page(conn, keyset, |r| {
        Ok(TechnicianRow {
            id: TechnicianId(r.i64("id")?),
            name: r.text("name")?,
            kind: ResourceKind::parse(&r.text("kind")?)?,
            active: r.bool("active")?,
            template: r.opt_text("template_name")?,
            user_email: r.opt_text("user_email")?,
            territories: Vec::new(),
        })
    })
    .await?;
    let ids: Vec<i64> = page.items.iter().map(|t| t.id.0).collect();
    if !ids.is_empty() {
        let sql = format!(
            "SELECT c.technician_id, t.name FROM technician_territories c \
             JOIN territories t ON t.id = c.territory_id \
             WHERE c.technician_id IN ({}) ORDER BY c.technician_id, t.name",
            crate::sql::placeholders(1, ids.len())
        );
        let name = |r: &AnyRow| r.text("name");
        attach(
            conn,
            &mut page.items,
            (&sql, &ids),
            "technician_id",
            name,
            |t| (t.id.0, &mut t.territories),
        )
        .await?;
    }
    Ok(page)
}

/// Gives technicians written before migration 0017 their search key; idempotent.
pub async fn fill_search_keys(conn: &mut Conn) -> Result<()> {
    let unfilled = sqlx::query("SELECT id, name FROM technicians WHERE search_key = ''")
        .fetch_all(&mut *conn)
        .await?;
    for r in &unfilled {
        sqlx::query("UPDATE technicians SET search_key = $1 WHERE id = $2")
            .bind(search_key(&r.text("name")?))
            .bind(r.i64("id")?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
