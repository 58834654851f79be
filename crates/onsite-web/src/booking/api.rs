//! The self-scheduling journey as JSON (issue 4): service types, the customer's assets, which
//! days have a free slot, the slots of a day, Book (with an `Idempotency-Key`), the customer's
//! visits in the homepage's groups, one visit, reschedule and cancel; for staff, the visits of a
//! period and the moves through the states. The same use cases as the pages, so the same
//! scoping (another account's visit is 404) and the same refusals, in the one JSON error shape.
//! Described in `openapi.json` and `docs/api.md`.

use crate::booking::service_request;
use crate::error::WebError;
use crate::input::PathId;
use crate::input::{parse_date, parse_id, parse_instant};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_app::booking::{self, BookRequest, ServiceRequest, VisitView};
use onsite_domain::BookingId;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{InvalidInput, TechnicianId};
use onsite_store::visibility::Visibility;
use onsite_store::visit_board::{self, BoardFilter, BoardVisit};
use serde_json::{Value, json};

/// The longest period one availability call covers, in days.
const MAX_RANGE_DAYS: i64 = 366;
/// Most visits one staff listing returns.
const STAFF_LIMIT: i64 = 1000;

/// A JSON answer (no cache keeps it: the session layer marks every API answer `no-store`).
fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn zone_name(zone: &TimeZone) -> &str {
    zone.iana_name().unwrap_or("UTC")
}

/// A visit as the API shows it. Instants are RFC 3339 in UTC; `time_zone` is the one to show
/// them in (the person's, else the service address's).
pub(crate) fn visit_json(v: &VisitView) -> Value {
    json!({
        "id": v.id.0,
        "state": v.state.as_str(),
        "starts_at": v.starts_at.to_string(),
        "arrival_window_end": v.arrival_window_end.to_string(),
        "ends_at": v.ends_at.to_string(),
        "time_zone": zone_name(&v.time_zone),
        "service_type": v.service_type,
        "asset": v.asset,
        "technician": v.technician_name,
        "work_order": v.work_order_number,
        "comments": v.comments,
        "address": v.address,
        "cancel_reason": v.cancel_reason,
        "may_modify": v.may_modify,
        "live_map": v.live_map,
        "needs_new_time": v.needs_new_time,
        "feedback_due": v.feedback_due,
        "feedback_rating": v.feedback_rating,
    })
}

/// `GET /api/v1/service-types`: what can be booked, with its duration.
pub async fn service_types(State(state): State<AppState>) -> WebResult<Response> {
    let types = booking::service_types(&state.app).await?;
    let items: Vec<Value> = types
        .iter()
        .map(|s| {
            json!({
                "id": s.id.0,
                "name": s.name,
                "description": s.description,
                "duration_minutes": s.duration.minutes(),
            })
        })
        .collect();
    Ok(answer(StatusCode::OK, json!({ "service_types": items })))
}

/// `GET /api/v1/assets`: the account's assets a visit can be for.
pub async fn assets(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    let assets = booking::assets_for_booking(&state.app, &user.principal()).await?;
    let items: Vec<Value> = assets
        .iter()
        .map(|a| {
            json!({
                "id": a.id.0,
                "name": a.name,
                "product": a.product,
                "serial_number": a.serial_number,
                "parent_id": a.parent_id.map(|p| p.0),
            })
        })
        .collect();
    Ok(answer(StatusCode::OK, json!({ "assets": items })))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RequestQuery {
    service_type: Option<String>,
    asset: Option<String>,
    /// Availability: the first and last days (service address's zone).
    from: Option<String>,
    to: Option<String>,
    /// Slots: the day.
    date: Option<String>,
}

impl RequestQuery {
    fn request(&self) -> Result<ServiceRequest, InvalidInput> {
        service_request(self.service_type.as_deref(), self.asset.as_deref())?
            .ok_or(InvalidInput::new("service_type", "required"))
    }
}

/// `GET /api/v1/availability?service_type=…[&asset=…][&from=…&to=…]`: which days have a free
/// slot (the whole booking horizon by default).
pub async fn availability(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<RequestQuery>,
) -> WebResult<Response> {
    let request = query.request()?;
    let now = state.clock.now();
    let today = now.to_zoned(TimeZone::UTC).date();
    let from = parse_date("from", query.from.as_deref())?
        .unwrap_or_else(|| today.yesterday().unwrap_or(today));
    let to = match parse_date("to", query.to.as_deref())? {
        Some(to) => to,
        None => from.checked_add(MAX_RANGE_DAYS.days()).unwrap_or(from),
    };
    if to < from {
        return Err(InvalidInput::new("to", "start-before-end").into());
    }
    if from
        .until(to)
        .ok()
        .is_none_or(|s| i64::from(s.get_days()) > MAX_RANGE_DAYS)
    {
        return Err(InvalidInput::new("to", "out-of-range").into());
    }
    let picker =
        booking::available_days(&state.app, &user.principal(), &request, from, to, now).await?;
    let days: Vec<Value> = picker
        .days
        .iter()
        .map(|d| json!({ "date": d.date.to_string(), "available": d.available }))
        .collect();
    let bookable = picker
        .bookable
        .map(|(first, last)| json!({ "from": first.to_string(), "to": last.to_string() }));
    Ok(answer(
        StatusCode::OK,
        json!({ "served": picker.served, "bookable": bookable, "days": days }),
    ))
}

/// `GET /api/v1/slots?service_type=…[&asset=…]&date=…`: the free slots of one day.
pub async fn slots(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<RequestQuery>,
) -> WebResult<Response> {
    let request = query.request()?;
    let date: Date =
        parse_date("date", query.date.as_deref())?.ok_or(InvalidInput::new("date", "required"))?;
    let list = booking::slots(
        &state.app,
        &user.principal(),
        &request,
        date,
        state.clock.now(),
    )
    .await?;
    let slots: Vec<Value> = list
        .slots
        .iter()
        .map(|s| {
            json!({
                "start": s.start.to_string(),
                "arrival_window_end": s.arrival_window_end.to_string(),
                "end": s.end.to_string(),
                "repeated_wall_time": s.repeated_wall_time,
            })
        })
        .collect();
    Ok(answer(
        StatusCode::OK,
        json!({
            "date": list.date.to_string(),
            "served": list.served,
            "time_zone": zone_name(&list.time_zone),
            "slots": slots,
        }),
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBooking {
    service_type: i64,
    #[serde(default)]
    asset: Option<i64>,
    /// A slot's `start`.
    slot_start: String,
    #[serde(default)]
    comments: Option<String>,
}

/// The `Idempotency-Key` header, if any (a key that is not text is refused).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, InvalidInput> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
            .map_err(|_| InvalidInput::new("idempotency_key", "control-characters")),
    }
}

/// `POST /api/v1/bookings`: Book. `201` with the visit; the same `Idempotency-Key` again
/// answers `200` with the first booking and books nothing.
pub async fn book(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Json(body): Json<NewBooking>,
) -> WebResult<Response> {
    let request = service_request(
        Some(&body.service_type.to_string()),
        body.asset.map(|a| a.to_string()).as_deref(),
    )?
    .ok_or(InvalidInput::new("service_type", "required"))?;
    let slot_start = parse_instant("slot_start", Some(&body.slot_start))?;
    let key = idempotency_key(&headers)?;
    let booked = booking::book(
        &state.app,
        &user.principal(),
        BookRequest {
            service: request,
            slot_start,
            comments: body.comments.as_deref().unwrap_or_default(),
            idempotency_key: key.as_deref(),
        },
        state.clock.now(),
    )
    .await?;
    let status = if booked.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = answer(
        status,
        json!({ "booking": visit_json(&booked.visit), "replayed": booked.replayed }),
    );
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/bookings/{}", booked.visit.id)) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /api/v1/bookings`: the customer's visits in the homepage's groups.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    let home = booking::homepage(&state.app, &user.principal(), state.clock.now()).await?;
    Ok(answer(
        StatusCode::OK,
        json!({
            "time_zone": zone_name(&home.time_zone),
            "active": home.active.as_ref().map(visit_json),
            "upcoming": home.upcoming.iter().map(visit_json).collect::<Vec<_>>(),
            "past": home.past.iter().map(visit_json).collect::<Vec<_>>(),
        }),
    ))
}

/// `GET /api/v1/bookings/{id}`: one visit of the customer's account.
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Response> {
    let visit = booking::booking_for_customer(&state.app, &user.principal(), id).await?;
    Ok(answer(
        StatusCode::OK,
        json!({ "booking": visit_json(&visit) }),
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reschedule {
    slot_start: String,
}

/// `POST /api/v1/bookings/{id}/reschedule`: moves a Scheduled visit to another slot.
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Reschedule>,
) -> WebResult<Response> {
    let slot_start = parse_instant("slot_start", Some(&body.slot_start))?;
    let visit = booking::reschedule(
        &state.app,
        &user.principal(),
        id,
        slot_start,
        state.clock.now(),
    )
    .await?;
    Ok(answer(
        StatusCode::OK,
        json!({ "booking": visit_json(&visit) }),
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cancel {
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/bookings/{id}/cancel`: Cancel appointment, with the reason (required).
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Cancel>,
) -> WebResult<Response> {
    let visit = booking::cancel(
        &state.app,
        &user.principal(),
        id,
        &body.reason,
        state.clock.now(),
    )
    .await?;
    Ok(answer(
        StatusCode::OK,
        json!({ "booking": visit_json(&visit) }),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StaffQuery {
    /// `YYYY-MM-DD` (UTC days unless `time_zone` says otherwise); today by default.
    from: Option<String>,
    /// The last day, included; `from` by default. At most 31 days.
    to: Option<String>,
    /// An IANA zone the days are in.
    time_zone: Option<String>,
    technician: Option<String>,
    state: Option<String>,
}

fn board_json(v: &BoardVisit) -> Value {
    let b = &v.visit.booking;
    // Staff see every record.
    let records = v.visit.records(Visibility::All);
    json!({
        "id": b.id.0,
        "state": b.state.as_str(),
        "starts_at": b.starts_at.to_string(),
        "arrival_window_end": v.visit.arrival_window_end.unwrap_or(b.starts_at).to_string(),
        "ends_at": b.ends_at.to_string(),
        "account_id": v.visit.account_id.0,
        "account": v.account_name,
        "technician_id": b.technician_id.0,
        "technician": v.visit.technician_name,
        "service_type": v.visit.service_type,
        "asset": records.asset,
        "work_order": records.work_order_number,
        "cancel_reason": b.cancel_reason,
        "needs_new_time": v.visit.needs_new_time,
    })
}

/// `GET /api/v1/staff/visits`: every account's visits of a period (staff), and the visits
/// flagged for attention.
pub async fn staff_visits(
    State(state): State<AppState>,
    Query(query): Query<StaffQuery>,
) -> WebResult<Response> {
    let zone = match query
        .time_zone
        .as_deref()
        .map(str::trim)
        .filter(|z| !z.is_empty())
    {
        None => TimeZone::UTC,
        Some(name) => TimeZoneName::parse(name)?.time_zone(),
    };
    let today = state.clock.now().to_zoned(zone.clone()).date();
    let from = parse_date("from", query.from.as_deref())?.unwrap_or(today);
    let to = parse_date("to", query.to.as_deref())?.unwrap_or(from);
    if to < from {
        return Err(InvalidInput::new("to", "start-before-end").into());
    }
    if from.until(to).ok().is_none_or(|s| s.get_days() > 31) {
        return Err(InvalidInput::new("to", "out-of-range").into());
    }
    let technician = match query
        .technician
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => Some(TechnicianId(
            parse_id(raw).ok_or(InvalidInput::new("technician", "unknown"))?,
        )),
    };
    let state_filter = match query
        .state
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => Some(BookingState::parse(raw)?),
    };
    let bad_day = |_| InvalidInput::new("from", "date");
    let start = from.to_zoned(zone.clone()).map_err(bad_day)?.timestamp();
    let end = to
        .tomorrow()
        .and_then(|d| d.to_zoned(zone.clone()))
        .map_err(bad_day)?
        .timestamp();
    let mut conn = state.store.conn().await?;
    let visits = visit_board::visits(
        &mut conn,
        &BoardFilter {
            from: start,
            to: end,
            technician,
            state: state_filter,
            limit: STAFF_LIMIT + 1,
        },
    )
    .await?;
    let attention = visit_board::needing_attention(&mut conn).await?;
    let truncated = visits.len() as i64 > STAFF_LIMIT;
    Ok(answer(
        StatusCode::OK,
        json!({
            "from": from.to_string(),
            "to": to.to_string(),
            "time_zone": zone_name(&zone),
            "visits": visits.iter().take(STAFF_LIMIT as usize).map(board_json).collect::<Vec<_>>(),
            "truncated": truncated,
            "needing_attention": attention.iter().map(board_json).collect::<Vec<_>>(),
        }),
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// `start_travel`, `start_work`, `complete` or `cancel`.
    action: String,
    /// The note (Complete) or the reason (Cancel, required).
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/v1/staff/visits/{id}/transition`: moves a visit through its states (staff).
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Transition>,
) -> WebResult<Response> {
    let action = match body.action.trim() {
        "start_travel" => BookingAction::StartTravel,
        "start_work" => BookingAction::StartWork,
        "complete" => BookingAction::Complete,
        "cancel" => BookingAction::Cancel,
        _ => return Err(WebError::from(InvalidInput::new("action", "unknown"))),
    };
    let to = booking::transition(
        &state.app,
        &user.principal(),
        id,
        action,
        body.note.as_deref(),
        state.clock.now(),
    )
    .await?;
    Ok(answer(
        StatusCode::OK,
        json!({ "id": id.0, "state": to.as_str() }),
    ))
}
