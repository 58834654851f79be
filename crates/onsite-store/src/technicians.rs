//! Technicians (bookable resources) with everything scheduling needs to know about them: weekly
//! hours, exceptions, time off, territories and skills.
//!
//! A technician is spread over six tables; every read loads them with one query per table for
//! the whole selection (never one query per technician), so listing all technicians (what the
//! reference snapshot does, `reference.rs`) costs six queries however many there are.

use crate::catalog::{insert_skills, skill_from_row};
use crate::sql::{Links, Run, attach, rows};
use crate::{Conn, Result, RowExt, StoreError, date_text, to_ms};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::geo::GeoPoint;
use onsite_domain::skill::SkillLevel;
use onsite_domain::technician::{ResourceKind, Technician, TimeOff, WorkingException};
use onsite_domain::time::{TimeZoneName, WorkingPeriod, weekday_from_iso};
use onsite_domain::{InvalidInput, TechnicianId, TerritoryId, TimeOffId, UserId};
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
        "INSERT INTO technicians (name, kind, user_id, home_latitude, home_longitude, time_zone, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(t.name)
    .bind(t.kind.as_str())
    .bind(t.user_id.map(|u| u.0))
    .bind(t.home_base.lat())
    .bind(t.home_base.lon())
    .bind(t.time_zone.as_str())
    .bind(t.active)
    .bind(to_ms(Timestamp::now()))
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
    for p in hours {
        sqlx::query(
            "INSERT INTO working_hours (technician_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.0)
        .bind(i64::from(p.weekday.to_monday_one_offset()))
        .bind(i64::from(p.start))
        .bind(i64::from(p.end))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
    let period = |r: &AnyRow| {
        Ok(WorkingPeriod::new(
            weekday_from_iso(r.i64("weekday")?)?,
            minute(r.i64("start_minute")?)?,
            minute(r.i64("end_minute")?)?,
        )?)
    };
    attach(conn, &mut techs, (&sql, &args), of, period, |t| {
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
    let time_off = |r: &AnyRow| {
        Ok(TimeOff {
            id: TimeOffId(r.i64("id")?),
            starts_at: r.ts("starts_at")?,
            ends_at: r.ts("ends_at")?,
            reason: r.opt_text("reason")?,
        })
    };
    attach(conn, &mut techs, (&sql, &args), of, time_off, |t| {
        (t.id.0, &mut t.time_off)
    })
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
