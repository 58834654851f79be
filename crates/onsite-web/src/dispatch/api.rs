//! The schedule board's data as JSON (`GET /api/v1/staff/board`): the technicians of the
//! board with their working periods and time off, their visits with times, state, the drive
//! before each and why it needs attention, and the attention lane — what the board page shows,
//! for other clients.

use super::{BoardQuery, board_zone};
use crate::openapi::{Errors, Invalid, State as VisitState};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_app::board::{self, Attention, Placed, Span};
use onsite_app::policy::Staff;
use onsite_domain::booking::BookingState;
use onsite_store::visibility::Visibility;
use serde::Serialize;
use utoipa::ToSchema;

crate::openapi::enum_schema!(
    /// Why a visit needs a dispatcher: `flagged` (reassignment found nobody at its time),
    /// `unassigned` (its technician is no longer active), `late` (still Scheduled or Traveling
    /// after its time started).
    AttentionReason,
    Attention::ALL.map(Attention::as_str),
);

/// An interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct Period {
    from: Timestamp,
    to: Timestamp,
}

impl From<&Span> for Period {
    fn from(s: &Span) -> Period {
        Period {
            from: s.from,
            to: s.to,
        }
    }
}

/// A visit on the board. Named `LaneVisit` in the document: `booking::api::BoardVisit` (the
/// staff's list of visits) has the name `BoardVisit`, and one name cannot hold two schemas.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LaneVisit)]
pub struct BoardVisit {
    id: i64,
    #[schema(value_type = VisitState)]
    state: BookingState,
    starts_at: Timestamp,
    ends_at: Timestamp,
    arrival_window_end: Timestamp,
    technician_id: i64,
    technician: String,
    account_id: i64,
    account: String,
    service_type: String,
    #[schema(required = true)]
    asset: Option<String>,
    work_order: String,
    /// The drive before the visit by the site's travel model, in minutes: from the
    /// technician's previous visit of their day, else from their home base (0 when canceled).
    travel_before_minutes: i64,
    /// Why it needs attention; empty when it does not.
    #[schema(value_type = Vec<AttentionReason>)]
    attention: Vec<&'static str>,
}

impl From<&Placed> for BoardVisit {
    fn from(p: &Placed) -> BoardVisit {
        let v = &p.visit;
        let b = &v.visit.booking;
        let records = v.visit.records(Visibility::All);
        BoardVisit {
            id: b.id.0,
            state: b.state,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            arrival_window_end: v.visit.arrival_window_end.unwrap_or(b.starts_at),
            technician_id: b.technician_id.0,
            technician: v.visit.technician_name.clone(),
            account_id: v.visit.account_id.0,
            account: v.account_name.clone(),
            service_type: v.visit.service_type.clone(),
            asset: records.asset.map(str::to_owned),
            work_order: records.work_order_number.unwrap_or_default().to_owned(),
            travel_before_minutes: p.travel_minutes,
            attention: p.attention.iter().map(|a: &Attention| a.as_str()).collect(),
        }
    }
}

/// A technician's row of the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardTechnician {
    id: i64,
    name: String,
    /// Their working periods within the board's period.
    working: Vec<Period>,
    /// Their time off within the board's period.
    time_off: Vec<Period>,
    /// Their visits starting in the period, by start time.
    visits: Vec<BoardVisit>,
}

/// The schedule board.
#[derive(Debug, Serialize, ToSchema)]
pub struct Board {
    /// The first day, in `time_zone`.
    day: Date,
    /// `day` or `week`.
    view: &'static str,
    /// The dispatcher's zone (their profile's, else the company's).
    time_zone: String,
    period: Period,
    /// The active technicians the filters keep, by name.
    technicians: Vec<BoardTechnician>,
    /// The visits needing attention, whatever their day, by start time.
    attention: Vec<BoardVisit>,
    /// More visits started in the period than the board holds (5,000).
    truncated: bool,
}

/// `GET /api/v1/staff/board`: the dispatcher's schedule board.
#[utoipa::path(
    get,
    path = "/api/v1/staff/board",
    tag = "dispatch",
    summary = "The schedule board: technicians, their hours, time off and visits (staff)",
    params(BoardQuery),
    responses(
        (status = 200, description = "The board of the day or week.", body = Board),
        Errors<Invalid>,
    ),
)]
pub async fn board(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<BoardQuery>,
) -> WebResult<Json<Board>> {
    let staff: Staff = user.grant()?;
    let zone = board_zone(&state, &user, staff).await?;
    let request = query.checked(&zone, state.clock.now())?;
    let schedule = board::schedule(&state.app, staff, &request, state.clock.now()).await?;
    Ok(Json(Board {
        day: request.day,
        view: request.view.as_str(),
        time_zone: zone.iana_name().unwrap_or("UTC").to_owned(),
        period: Period::from(&schedule.period),
        technicians: schedule
            .lanes
            .iter()
            .map(|lane| BoardTechnician {
                id: lane.id.0,
                name: lane.name.clone(),
                working: lane.working.iter().map(Period::from).collect(),
                time_off: lane.time_off.iter().map(Period::from).collect(),
                visits: lane.visits.iter().map(BoardVisit::from).collect(),
            })
            .collect(),
        attention: schedule.attention.iter().map(BoardVisit::from).collect(),
        truncated: schedule.truncated,
    }))
}
