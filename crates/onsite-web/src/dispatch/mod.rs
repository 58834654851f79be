//! The dispatcher's schedule board (staff, `Dispatch`): technicians as rows × time as columns
//! for a day, or × days for a week, over `onsite_app::board::schedule`.
//!
//! - `pages`: the board page (`/staff/visits`), its fragment (`/staff/visits/board`, what the
//!   page fetches again when something changed), its server-sent events
//!   (`/staff/visits/events`) and the state buttons of a visit (`/staff/visits/{id}/transition`);
//! - `api`: the board's data as JSON (`/api/v1/staff/board`).
//!
//! Both read the same query (`day`, `view`, `territory`, `skill`, `technician`), checked here
//! into the use case's `board::Request`, in the dispatcher's zone ([`board_zone`]).

pub mod api;
pub mod pages;

pub use pages::TransitionForm;
pub(crate) use pages::parse_action;

use crate::guard::encode_component;
use crate::input::{parse_date, parse_id};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use onsite_app::board::{self, Request, View};
use onsite_app::policy::Staff;
use onsite_domain::{CharacteristicId, InvalidInput, TechnicianId, TerritoryId};

/// The board's query, as the address (and the forms that come back to the board) carry it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// The first day shown, `YYYY-MM-DD` in the dispatcher's zone; today by default.
    #[param(value_type = Option<String>, format = Date)]
    pub day: Option<String>,
    /// `day` (the default) or `week` (seven days from `day`).
    #[param(value_type = Option<String>)]
    pub view: Option<String>,
    /// A territory id: only its technicians.
    #[param(value_type = Option<i64>)]
    pub territory: Option<String>,
    /// A skill (characteristic) id: only the technicians who have it.
    #[param(value_type = Option<i64>)]
    pub skill: Option<String>,
    /// A technician id: only them.
    #[param(value_type = Option<i64>)]
    pub technician: Option<String>,
    /// The visit whose details the page shows (pages only).
    #[param(ignore)]
    pub visit: Option<String>,
}

fn present(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn id_of(field: &'static str, raw: &Option<String>) -> Result<Option<i64>, InvalidInput> {
    match present(raw) {
        None => Ok(None),
        Some(s) => parse_id(s)
            .map(Some)
            .ok_or(InvalidInput::new(field, "unknown")),
    }
}

impl BoardQuery {
    /// The request this query asks for in `zone`, today being `today`; each value at fault
    /// is reported to `invalid` and left at its default.
    pub fn request(
        &self,
        zone: &TimeZone,
        now: Timestamp,
        mut invalid: impl FnMut(InvalidInput),
    ) -> Request {
        let today = now.to_zoned(zone.clone()).date();
        let day = parse_date("day", self.day.as_deref())
            .unwrap_or_else(|e| {
                invalid(e);
                None
            })
            .unwrap_or(today);
        let view = match present(&self.view) {
            None | Some("day") => View::Day,
            Some("week") => View::Week,
            Some(_) => {
                invalid(InvalidInput::new("view", "unknown"));
                View::Day
            }
        };
        let mut request = match Request::new(day, view, zone.clone()) {
            Ok(r) => r,
            Err(e) => {
                invalid(e);
                // Today always has a period.
                Request::new(today, view, zone.clone())
                    .or_else(|_| Request::new(today, View::Day, TimeZone::UTC))
                    .expect("today in UTC is a day of the calendar")
            }
        };
        let mut id = |field, raw| {
            id_of(field, raw).unwrap_or_else(|e| {
                invalid(e);
                None
            })
        };
        request.territory = id("territory", &self.territory).map(TerritoryId);
        request.skill = id("skill", &self.skill).map(CharacteristicId);
        request.technician = id("technician", &self.technician).map(TechnicianId);
        request
    }

    /// The same query with the values at fault dropped, for the API: the first fault refuses.
    pub fn checked(&self, zone: &TimeZone, now: Timestamp) -> Result<Request, InvalidInput> {
        let mut first = None;
        let request = self.request(zone, now, |e| {
            first.get_or_insert(e);
        });
        match first {
            Some(e) => Err(e),
            None => Ok(request),
        }
    }
}

/// The query string of `request` (without `visit`), to build the board's links with.
pub fn query_string(request: &Request) -> String {
    let mut q = format!("day={}&view={}", request.day, request.view.as_str());
    if let Some(t) = request.territory {
        q.push_str(&format!("&territory={}", t.0));
    }
    if let Some(s) = request.skill {
        q.push_str(&format!("&skill={}", s.0));
    }
    if let Some(t) = request.technician {
        q.push_str(&format!("&technician={}", t.0));
    }
    q
}

/// The same request moved by `days`.
pub fn shifted(request: &Request, days: i64) -> String {
    let day = request
        .day
        .checked_add(days.days())
        .unwrap_or(request.day)
        .to_string();
    let here = query_string(request);
    let rest = here.split_once('&').map(|(_, r)| r).unwrap_or("");
    format!("day={}&{rest}", encode_component(&day))
}

/// The zone the board reads days and times in: the dispatcher's profile zone, else the zone
/// of the first technician (the company's own), else UTC.
pub async fn board_zone(state: &AppState, user: &CurrentUser, staff: Staff) -> WebResult<TimeZone> {
    if let Some(zone) = user
        .user
        .time_zone
        .as_deref()
        .and_then(|z| TimeZone::get(z).ok())
    {
        return Ok(zone);
    }
    Ok(board::company_zone(&state.app, staff)
        .await?
        .unwrap_or(TimeZone::UTC))
}
