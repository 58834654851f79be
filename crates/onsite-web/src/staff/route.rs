//! A technician's day on a map (`/staff/technicians/{id}/day?date=`): their visits of one day
//! in order, from home and back, on a Leaflet map (`assets/src/route_map.js`, tiles as the
//! tracking setting configures them; without tiles or JavaScript the map is left out) and as a
//! list with the same numbers — each drive's minutes and kilometres from the site's travel
//! model —, then "suggest a better order" (`onsite_app::route_plan`): an order that drives less
//! within the customers' booked arrival windows and the working day, or why there is none.

use crate::input::{PathId, parse_date};
use crate::layout::{Page, render};
use crate::map_point;
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_app::policy::Staff;
use onsite_app::route_plan::{self, Drive, NoSuggestion};
use onsite_domain::TechnicianId;
use onsite_i18n::{Arg, datetime};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DayQuery {
    date: Option<String>,
}

/// One line of the route list (and one point of the map).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RouteLine {
    /// "Home base", or the visit's account and service type.
    label: String,
    /// The address (empty for home).
    #[serde(skip)]
    address: String,
    /// When the technician is there ("10:30 AM – 12:30 PM"), empty for home.
    #[serde(skip)]
    arrival: String,
    /// The drive to this stop ("12 min · 6.8 km"); empty for the start at home.
    drive: String,
    lat: f64,
    lon: f64,
}

#[derive(Template)]
#[template(path = "staff/technician_day.html")]
struct DayPage {
    page: Page,
    title: String,
    /// The technician's name.
    name: String,
    id: i64,
    date: String,
    lines: Vec<RouteLine>,
    total: Option<String>,
    /// The map's points as JSON (home, the visits, home), for route_map.js.
    points: String,
    tiles: String,
    better: Option<(Vec<RouteLine>, String)>,
    no_better: Option<String>,
}

fn drive_text(page: &Page, d: &Drive) -> String {
    page.locale.text_with(
        "route-drive",
        &[
            ("minutes", Arg::Num(d.minutes as f64)),
            ("km", Arg::Str(&km(page, d.km))),
        ],
    )
}

fn km(page: &Page, km: f64) -> String {
    format!("{km:.1}").replace('.', &onsite_i18n::number::decimal_mark(page.locale))
}

fn time(page: &Page, at: Timestamp, zone: &TimeZone) -> String {
    datetime::time(page.locale, at.to_zoned(zone.clone()).time())
}

/// `GET /staff/technicians/{id}/day?date=YYYY-MM-DD` (today in the technician's zone).
pub async fn day(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Query(query): Query<DayQuery>,
) -> WebResult<Response> {
    let date = parse_date("date", query.date.as_deref())?;
    let day = route_plan::day(&state.app, staff, TechnicianId(id), date, state.clock.now()).await?;
    let zone = &day.time_zone;
    let home = |label: &str, drive: String| RouteLine {
        label: page.t(label),
        address: String::new(),
        arrival: String::new(),
        drive,
        lat: day.home.lat(),
        lon: day.home.lon(),
    };
    let visit_line = |k: usize, drive: String, arrival: String| {
        let v = &day.visits[k];
        RouteLine {
            label: format!("{} — {}", v.account, v.service_type),
            address: v.address.clone(),
            arrival,
            drive,
            lat: v.location.lat(),
            lon: v.location.lon(),
        }
    };
    let mut lines = Vec::new();
    if !day.visits.is_empty() {
        lines.push(home("route-home", String::new()));
        for (k, v) in day.visits.iter().enumerate() {
            let arrival = if v.arrival_window_end > v.starts_at {
                datetime::time_range(
                    page.locale,
                    &v.starts_at.to_zoned(zone.clone()),
                    &v.arrival_window_end.to_zoned(zone.clone()),
                )
            } else {
                time(&page, v.starts_at, zone)
            };
            lines.push(visit_line(k, drive_text(&page, &day.drives[k]), arrival));
        }
        let back = day.drives.last().map(|d| drive_text(&page, d));
        lines.push(home("route-home-back", back.unwrap_or_default()));
    }
    let total = (!day.drives.is_empty()).then(|| {
        let minutes: i64 = day.drives.iter().map(|d| d.minutes).sum();
        let kms: f64 = day.drives.iter().map(|d| d.km).sum();
        page.locale.text_with(
            "route-total",
            &[
                ("minutes", Arg::Num(minutes as f64)),
                ("km", Arg::Str(&km(&page, kms))),
            ],
        )
    });
    let (better, no_better) = match &day.suggestion {
        Ok(b) => {
            let mut lines = vec![home("route-home", String::new())];
            for (n, (id, at)) in b.visits.iter().enumerate() {
                let k = day.visits.iter().position(|v| v.id == *id).unwrap_or(0);
                let arrival = page.t1("route-planned-arrival", "time", time(&page, *at, zone));
                lines.push(visit_line(k, drive_text(&page, &b.drives[n]), arrival));
            }
            let back = b.drives.last().map(|d| drive_text(&page, d));
            lines.push(home("route-home-back", back.unwrap_or_default()));
            let saves = page.locale.text_with(
                "route-better-saves",
                &[
                    ("minutes", Arg::Num(b.saved_minutes as f64)),
                    ("km", Arg::Str(&km(&page, b.saved_km))),
                ],
            );
            (Some((lines, saves)), None)
        }
        Err(why) => (
            None,
            Some(page.t(match why {
                NoSuggestion::NothingToOrder => "route-none-nothing",
                NoSuggestion::Started => "route-none-started",
                NoSuggestion::NotWorking => "route-none-not-working",
                NoSuggestion::AlreadyBest => "route-none-best",
            })),
        ),
    };
    let view = DayPage {
        title: page.t1("route-title", "name", &day.name),
        name: day.name.clone(),
        id,
        date: day.date.to_string(),
        points: serde_json::to_string(&lines).unwrap_or_else(|_| "[]".into()),
        tiles: map_point::tiles(&state).await,
        lines,
        total,
        better,
        no_better,
        page,
    };
    render(&view)
}
