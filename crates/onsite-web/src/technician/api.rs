//! The technician's day as JSON, for phone apps (issue 15, item 5): today's and tomorrow's
//! visits with what is needed at the door, and the moves — the same use cases as the page
//! (`onsite_app::technician`), so the same rules: one's own visits only (another's is 404), one
//! travel at a time (`already_traveling`; `travel_instead` switches), Start travel undone only
//! for a few minutes (`undo_too_late`).

use crate::error::WebError;
use crate::input::PathId;
use crate::openapi::{Errors, Invalid, JsonBody, NotFound, State as VisitState, refusal};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use onsite_app::failure::Kind;
use onsite_app::technician::{self, DayVisit};
use onsite_domain::booking::BookingState;
use onsite_domain::{BookingId, InvalidInput};
use onsite_store::visibility::Visibility;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

refusal!(
    /// The visit's state, or the technician's other visits, refuse the move.
    MoveConflict,
    Kind::Conflict,
    "The move is not possible now: `not_modifiable` (the visit's state does not allow it), \
     `already_traveling` (on the way to another visit: stop that travel first, or \
     `travel_instead`), `undo_too_late` (Start travel was more than 5 minutes ago), `changed` \
     (changed by someone else meanwhile).",
);

/// The customer's person to call about a visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactBody {
    name: String,
    phone: Option<String>,
    email: String,
}

/// A visit as the technician needs it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayVisitBody {
    id: i64,
    #[schema(value_type = VisitState)]
    state: BookingState,
    starts_at: Timestamp,
    ends_at: Timestamp,
    /// The end of the arrival window promised to the customer, when there is one.
    arrival_window_end: Option<Timestamp>,
    /// The customer (the account's name).
    customer: String,
    contact: Option<ContactBody>,
    /// The service address on one line.
    address: String,
    latitude: f64,
    longitude: f64,
    service_type: String,
    work_order: String,
    asset: Option<String>,
    /// The customer's comments.
    comments: Option<String>,
    /// While Traveling: until when Start travel may still be undone (`stop_travel`).
    undo_until: Option<Timestamp>,
    /// Once Completed: the technician's note.
    completion_note: Option<String>,
}

impl From<&DayVisit> for DayVisitBody {
    fn from(v: &DayVisit) -> DayVisitBody {
        let b = &v.visit.booking;
        let records = v.visit.records(Visibility::All);
        DayVisitBody {
            id: b.id.0,
            state: b.state,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            arrival_window_end: v.visit.arrival_window_end,
            customer: v.account_name.clone(),
            contact: v.contact.as_ref().map(|c| ContactBody {
                name: c.name.clone(),
                phone: c.phone.clone(),
                email: c.email.clone(),
            }),
            address: v.address.clone(),
            latitude: v.location.lat(),
            longitude: v.location.lon(),
            service_type: v.visit.service_type.clone(),
            work_order: records.work_order_number.unwrap_or_default().to_owned(),
            asset: records.asset.map(str::to_owned),
            comments: records
                .comments
                .filter(|c| !c.trim().is_empty())
                .map(str::to_owned),
            undo_until: v.undo_until,
            completion_note: v.completion_note.clone(),
        }
    }
}

/// The technician's today and tomorrow, in their zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayBody {
    /// The technician's zone (IANA name), the one "today" is in.
    time_zone: String,
    #[schema(value_type = String, format = Date)]
    today: jiff::civil::Date,
    #[schema(value_type = String, format = Date)]
    tomorrow: jiff::civil::Date,
    /// Today's visits by start time (canceled ones left out).
    today_visits: Vec<DayVisitBody>,
    tomorrow_visits: Vec<DayVisitBody>,
    /// Tracking is on: the app should share its position while a visit is Traveling.
    tracking: bool,
}

/// `GET /api/v1/technician/day`.
#[utoipa::path(
    get,
    path = "/api/v1/technician/day",
    operation_id = "technician_day",
    tag = "technician",
    summary = "The signed-in technician's today and tomorrow",
    responses((status = 200, description = "Their visits, by start time.", body = DayBody)),
)]
pub async fn day(State(state): State<AppState>, user: CurrentUser) -> WebResult<Json<DayBody>> {
    let day = technician::day(&state.app, user.grant()?, state.clock.now()).await?;
    Ok(Json(DayBody {
        time_zone: day.time_zone.iana_name().unwrap_or("UTC").to_owned(),
        today: day.today,
        tomorrow: day.tomorrow,
        today_visits: day.today_visits.iter().map(DayVisitBody::from).collect(),
        tomorrow_visits: day.tomorrow_visits.iter().map(DayVisitBody::from).collect(),
        tracking: day.tracking,
    }))
}

/// A move of one of the technician's visits.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// `start_travel`, `stop_travel` (undo, within 5 minutes), `start_work`, `complete`, or
    /// `travel_instead` (stop the travel under way, if any, and start this one).
    #[schema(value_type = TechnicianAction)]
    action: String,
    /// Complete: an optional note.
    #[serde(default)]
    note: Option<String>,
}

crate::openapi::enum_schema!(
    /// A move a technician makes.
    TechnicianAction,
    [
        "start_travel",
        "stop_travel",
        "start_work",
        "complete",
        "travel_instead"
    ]
    .map(String::from),
);

/// The visit after the move, and the visit whose travel it stopped.
#[derive(Debug, Serialize, ToSchema)]
pub struct Moved {
    visit: DayVisitBody,
    /// `travel_instead`: the visit that was Traveling, back to Scheduled.
    stopped: Option<DayVisitBody>,
}

/// `POST /api/v1/technician/visits/{id}/transition`.
#[utoipa::path(
    post,
    path = "/api/v1/technician/visits/{id}/transition",
    operation_id = "technician_transition",
    tag = "technician",
    summary = "Move one of the technician's visits",
    description = "Scheduled → Traveling → In Progress → Completed, and Traveling → Scheduled \
        (undo within 5 minutes). A technician travels to one visit at a time. The customer is \
        emailed in the same transaction (on the way, not on the way after all, completed).",
    params(PathId<BookingId>),
    request_body = MoveBody,
    responses(
        (status = 200, description = "The visit as it is now.", body = Moved),
        Errors<(JsonBody, NotFound, MoveConflict, Invalid)>,
    ),
)]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<MoveBody>,
) -> WebResult<Json<Moved>> {
    let on_duty = user.grant()?;
    let now = state.clock.now();
    let (visit, stopped) = if body.action.trim() == "travel_instead" {
        technician::travel_instead(&state.app, on_duty, id, now).await?
    } else {
        let action = super::parse_action(Some(&body.action))
            .ok_or_else(|| WebError::from(InvalidInput::new("action", "unknown")))?;
        let note = body.note.as_deref().filter(|n| !n.trim().is_empty());
        let visit = technician::transition(&state.app, on_duty, id, action, note, now).await?;
        (visit, None)
    };
    Ok(Json(Moved {
        visit: DayVisitBody::from(&visit),
        stopped: stopped.as_ref().map(DayVisitBody::from),
    }))
}
