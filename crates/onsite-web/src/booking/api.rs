//! The self-scheduling journey as JSON (issue 4): service types, the customer's assets, which
//! days have a free slot, the slots of a day, Book (with an `Idempotency-Key`), the customer's
//! visits in the homepage's groups, one visit, reschedule and cancel; for staff, the visits of a
//! period and the moves through the states. The same use cases as the pages, so the same
//! scoping (another account's visit is 404) and the same refusals, in the one JSON error shape.
//! Each body is a type below, which also describes itself in the OpenAPI document
//! (`openapi.rs`); see also `docs/api.md`.

use crate::booking::service_request;
use crate::input::PathId;
use crate::input::{parse_date, parse_id, parse_instant};
use crate::locale::Lang;
use crate::openapi::{Errors, Invalid, JsonBody, NotFound, State as VisitState, refusal};
use crate::session::CurrentUser;
use crate::session::Granted;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use onsite_app::board;
use onsite_app::booking::{self, BookRequest, ServiceRequest, VisitView};
use onsite_app::failure::Kind;
use onsite_app::policy::Staff;
use onsite_domain::BookingId;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{InvalidInput, TechnicianId};
use onsite_store::visibility::Visibility;
use onsite_store::visit_board::{self, BoardFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The longest period one availability call covers, in days.
const MAX_RANGE_DAYS: i64 = 366;
/// Most visits one staff listing returns.
const STAFF_LIMIT: i64 = 1000;

refusal!(
    /// Self-scheduling is off for the site.
    SelfSchedulingOff,
    Kind::Disabled,
    "Self-scheduling is off (`disabled`).",
);
refusal!(
    /// The visit's state refuses the move.
    VisitConflict,
    Kind::Conflict,
    "The state does not allow it: `slot_taken` (this time was just taken), `not_modifiable` \
     (the visit has started or is over), `changed` (changed by someone else meanwhile).",
);
refusal!(
    /// A field of the request is refused, a slot among them.
    InvalidRequest,
    Kind::Invalid,
    "A field is refused (`invalid`, `invalid_slot`); `field` names it.",
);
refusal!(
    /// The service type or asset of a request is unknown, not offered or not the account's.
    UnknownOption,
    Kind::NotFound,
    "The service type or the asset is unknown, not offered, or not the caller's account's \
     (`not_found`).",
);

fn zone_name(zone: &TimeZone) -> String {
    zone.iana_name().unwrap_or("UTC").to_owned()
}

/// A visit as the API shows it. Instants are RFC 3339 in UTC; `time_zone` is the one to show
/// them in (the person's, else the service address's).
#[derive(Debug, Serialize, ToSchema)]
pub struct Visit {
    id: i64,
    #[schema(value_type = VisitState)]
    state: BookingState,
    starts_at: Timestamp,
    /// The end of the promised arrival window (`starts_at` without a window).
    arrival_window_end: Timestamp,
    ends_at: Timestamp,
    time_zone: String,
    service_type: String,
    /// The asset's name; `null` without one, or while it is hidden from customers.
    #[schema(required = true)]
    asset: Option<String>,
    technician: String,
    /// The work order's number; `null` while it is hidden from customers.
    #[schema(required = true)]
    work_order: Option<String>,
    /// The comments given when booking; `null` while the work order is hidden.
    #[schema(required = true)]
    comments: Option<String>,
    /// The service address, on one line.
    address: String,
    #[schema(required = true)]
    cancel_reason: Option<String>,
    /// Reschedule and cancel are allowed (Scheduled only).
    may_modify: bool,
    /// Traveling, with tracking enabled.
    live_map: bool,
    /// Nobody can make the visit at its time: choose a new one.
    needs_new_time: bool,
    /// Send Feedback is offered: Completed, surveys on, no feedback yet.
    feedback_due: bool,
    /// The rating of the feedback sent on this visit.
    #[schema(required = true, minimum = 1, maximum = 5)]
    feedback_rating: Option<u8>,
}

impl From<&VisitView> for Visit {
    fn from(v: &VisitView) -> Visit {
        Visit {
            id: v.id.0,
            state: v.state,
            starts_at: v.starts_at,
            arrival_window_end: v.arrival_window_end,
            ends_at: v.ends_at,
            time_zone: zone_name(&v.time_zone),
            service_type: v.service_type.clone(),
            asset: v.asset.clone(),
            technician: v.technician_name.clone(),
            work_order: v.work_order_number.clone(),
            comments: v.comments.clone(),
            address: v.address.clone(),
            cancel_reason: v.cancel_reason.clone(),
            may_modify: v.may_modify,
            live_map: v.live_map,
            needs_new_time: v.needs_new_time,
            feedback_due: v.feedback_due,
            feedback_rating: v.feedback_rating,
        }
    }
}

/// One visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct OneVisit {
    booking: Visit,
}

impl OneVisit {
    fn of(v: &VisitView) -> Json<OneVisit> {
        Json(OneVisit { booking: v.into() })
    }
}

/// What can be booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceTypeList {
    service_types: Vec<ServiceType>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceType {
    id: i64,
    name: String,
    description: String,
    duration_minutes: i64,
}

/// The account's assets a visit can be for.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetList {
    assets: Vec<Asset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Asset {
    id: i64,
    name: String,
    product: String,
    #[schema(required = true)]
    serial_number: Option<String>,
    /// The asset this one is a component of.
    #[schema(required = true)]
    parent_id: Option<i64>,
}

/// The day picker.
#[derive(Debug, Serialize, ToSchema)]
pub struct Availability {
    /// `false`: nobody serves the address for this request at all.
    served: bool,
    /// Today and the last bookable day, in the service address's zone.
    #[schema(required = true)]
    bookable: Option<Bookable>,
    days: Vec<Day>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Bookable {
    from: Date,
    to: Date,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Day {
    date: Date,
    available: bool,
}

/// The free slots of one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotList {
    date: Date,
    served: bool,
    /// The zone to show the times in.
    time_zone: String,
    slots: Vec<Slot>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Slot {
    /// What booking and rescheduling take (`slot_start`).
    start: Timestamp,
    arrival_window_end: Timestamp,
    end: Timestamp,
    /// The wall-clock start happens twice this day (daylight saving time ends): show its UTC
    /// offset.
    repeated_wall_time: bool,
}

/// A booking made (or made before, with the same `Idempotency-Key`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Booked {
    booking: Visit,
    /// `true`: the same `Idempotency-Key` booked before; nothing new was booked.
    replayed: bool,
}

/// The customer's visits in the homepage's groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct Homepage {
    time_zone: String,
    /// The Traveling visit, the earliest if several.
    #[schema(required = true)]
    active: Option<Visit>,
    /// Other Traveling, In Progress and Scheduled visits, by start.
    upcoming: Vec<Visit>,
    /// Canceled and Completed visits, newest first.
    past: Vec<Visit>,
}

/// `GET /api/v1/service-types`: what can be booked, with its duration.
#[utoipa::path(
    get,
    path = "/api/v1/service-types",
    tag = "self-scheduling",
    summary = "What can be booked",
    responses((
        status = 200,
        description = "The service types offered for self-scheduling, by name, named in the \
            person's language when they have a name in it.",
        body = ServiceTypeList,
    )),
)]
pub async fn service_types(
    State(state): State<AppState>,
    Lang(locale): Lang,
) -> WebResult<Json<ServiceTypeList>> {
    let types = booking::service_types(&state.app, locale).await?;
    let service_types = types
        .iter()
        .map(|s| ServiceType {
            id: s.id.0,
            name: s.name.clone(),
            description: s.description.clone(),
            duration_minutes: s.duration.minutes(),
        })
        .collect();
    Ok(Json(ServiceTypeList { service_types }))
}

/// `GET /api/v1/assets`: the account's assets a visit can be for.
#[utoipa::path(
    get,
    path = "/api/v1/assets",
    operation_id = "bookable_assets",
    tag = "self-scheduling",
    summary = "The account's assets a visit can be for",
    responses((
        status = 200,
        description = "The assets of the caller's account that are exposed to customers.",
        body = AssetList,
    )),
)]
pub async fn assets(
    State(state): State<AppState>,
    user: CurrentUser,
) -> WebResult<Json<AssetList>> {
    let assets = booking::assets_for_booking(&state.app, user.grant()?).await?;
    let assets = assets
        .iter()
        .map(|a| Asset {
            id: a.id.0,
            name: a.name.clone(),
            product: a.product.clone(),
            serial_number: a.serial_number.clone(),
            parent_id: a.parent_id.map(|p| p.0),
        })
        .collect();
    Ok(Json(AssetList { assets }))
}

/// What is being booked, from a query's `service_type` (required) and `asset`.
fn requested(
    service_type: Option<&str>,
    asset: Option<&str>,
) -> Result<ServiceRequest, InvalidInput> {
    service_request(service_type, asset)?.ok_or(InvalidInput::new("service_type", "required"))
}

/// `GET /api/v1/availability`'s query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// A service type id.
    #[param(value_type = i64, required = true)]
    service_type: Option<String>,
    /// One of the account's asset ids (optional).
    #[param(value_type = Option<i64>)]
    asset: Option<String>,
    /// First day (default: yesterday, UTC, so that today is always included).
    #[param(value_type = Option<Date>)]
    from: Option<String>,
    /// Last day, included (default and maximum: a year after `from`).
    #[param(value_type = Option<Date>)]
    to: Option<String>,
}

/// `GET /api/v1/availability?service_type=…[&asset=…][&from=…&to=…]`: which days have a free
/// slot (the whole booking horizon by default).
#[utoipa::path(
    get,
    path = "/api/v1/availability",
    tag = "self-scheduling",
    summary = "Which days have a free slot",
    description = "Days are those of the service address's time zone; only days inside the \
        booking horizon are listed. `served: false` means nobody serves the address for this \
        request at all.",
    params(AvailabilityQuery),
    responses(
        (status = 200, description = "The day picker.", body = Availability),
        Errors<(SelfSchedulingOff, UnknownOption, Invalid)>,
    ),
)]
pub async fn availability(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AvailabilityQuery>,
) -> WebResult<Json<Availability>> {
    let request = requested(query.service_type.as_deref(), query.asset.as_deref())?;
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
        booking::available_days(&state.app, user.grant()?, &request, from, to, now).await?;
    Ok(Json(Availability {
        served: picker.served,
        bookable: picker.bookable.map(|(from, to)| Bookable { from, to }),
        days: picker
            .days
            .iter()
            .map(|d| Day {
                date: d.date,
                available: d.available,
            })
            .collect(),
    }))
}

/// `GET /api/v1/slots`'s query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// A service type id.
    #[param(value_type = i64, required = true)]
    service_type: Option<String>,
    /// One of the account's asset ids (optional).
    #[param(value_type = Option<i64>)]
    asset: Option<String>,
    /// The day, in the service address's zone.
    #[param(value_type = Date, required = true)]
    date: Option<String>,
}

/// `GET /api/v1/slots?service_type=…[&asset=…]&date=…`: the free slots of one day.
#[utoipa::path(
    get,
    path = "/api/v1/slots",
    tag = "self-scheduling",
    summary = "The free slots of one day",
    params(SlotsQuery),
    responses(
        (
            status = 200,
            description = "The slots, in increasing order. A slot's `start` is what booking \
                and rescheduling take.",
            body = SlotList,
        ),
        Errors<(SelfSchedulingOff, UnknownOption, Invalid)>,
    ),
)]
pub async fn slots(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SlotsQuery>,
) -> WebResult<Json<SlotList>> {
    let request = requested(query.service_type.as_deref(), query.asset.as_deref())?;
    let date: Date =
        parse_date("date", query.date.as_deref())?.ok_or(InvalidInput::new("date", "required"))?;
    let list = booking::slots(&state.app, user.grant()?, &request, date, state.clock.now()).await?;
    Ok(Json(SlotList {
        date: list.date,
        served: list.served,
        time_zone: zone_name(&list.time_zone),
        slots: list
            .slots
            .iter()
            .map(|s| Slot {
                start: s.start,
                arrival_window_end: s.arrival_window_end,
                end: s.end,
                repeated_wall_time: s.repeated_wall_time,
            })
            .collect(),
    }))
}

/// `POST /api/v1/bookings`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBooking {
    /// A service type id.
    service_type: i64,
    /// One of the account's asset ids.
    #[serde(default)]
    asset: Option<i64>,
    /// A slot's `start` from `/api/v1/slots`.
    #[schema(format = DateTime)]
    slot_start: String,
    #[serde(default)]
    comments: Option<String>,
}

/// The `Idempotency-Key` header, if any (a key that is not text is refused).
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, InvalidInput> {
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
#[utoipa::path(
    post,
    path = "/api/v1/bookings",
    tag = "self-scheduling",
    summary = "Book",
    description = "Creates the work order, the booking (Scheduled) with the best technician \
        free at that time including travel, and the confirmation email, in one transaction.",
    params((
        "Idempotency-Key" = Option<String>,
        Header,
        description = "A value the client generates once per booking: sending it again \
            returns the first booking (200, `replayed: true`) and books nothing.",
    )),
    request_body = NewBooking,
    responses(
        (
            status = 201,
            description = "Booked.",
            body = Booked,
            headers(("Location" = String, description = "The visit's address in the API.")),
        ),
        (
            status = 200,
            description = "The same Idempotency-Key booked before: that booking.",
            body = Booked,
        ),
        Errors<(JsonBody, SelfSchedulingOff, UnknownOption, VisitConflict, InvalidRequest)>,
    ),
)]
pub async fn book(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Json(body): Json<NewBooking>,
) -> WebResult<Response> {
    let request = requested(
        Some(&body.service_type.to_string()),
        body.asset.map(|a| a.to_string()).as_deref(),
    )?;
    let slot_start = parse_instant("slot_start", Some(&body.slot_start))?;
    let key = idempotency_key(&headers)?;
    let booked = booking::book(
        &state.app,
        user.grant()?,
        BookRequest {
            service: request,
            slot_start,
            comments: body.comments.as_deref().unwrap_or_default(),
            idempotency_key: key.as_deref(),
        },
        state.clock.now(),
    )
    .await?;
    let answer = Booked {
        booking: (&booked.visit).into(),
        replayed: booked.replayed,
    };
    let location = format!("/api/v1/bookings/{}", booked.visit.id);
    Ok(booked_response(booked.replayed, answer, &location))
}

/// A booking's answer: `201 Created` with its `Location`, or `200` when an idempotency key
/// replayed an earlier booking (the customer's and the dispatcher's API alike).
pub(crate) fn booked_response(replayed: bool, body: impl Serialize, location: &str) -> Response {
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (status, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, location);
    }
    response
}

/// `GET /api/v1/bookings`: the customer's visits in the homepage's groups.
#[utoipa::path(
    get,
    path = "/api/v1/bookings",
    operation_id = "list_bookings",
    tag = "self-scheduling",
    summary = "My visits, in the homepage's groups",
    responses((
        status = 200,
        description = "Active (the Traveling visit, the earliest if several), Upcoming (other \
            Traveling, In Progress, Scheduled, by start) and Past (Canceled and Completed, \
            newest first).",
        body = Homepage,
    )),
)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> WebResult<Json<Homepage>> {
    let home = booking::homepage(&state.app, user.grant()?, state.clock.now()).await?;
    Ok(Json(Homepage {
        time_zone: zone_name(&home.time_zone),
        active: home.active.as_ref().map(Visit::from),
        upcoming: home.upcoming.iter().map(Visit::from).collect(),
        past: home.past.iter().map(Visit::from).collect(),
    }))
}

/// `GET /api/v1/bookings/{id}`: one visit of the customer's account.
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}",
    operation_id = "get_booking",
    tag = "self-scheduling",
    summary = "One of my visits",
    params(PathId<BookingId>),
    responses(
        (status = 200, description = "The visit.", body = OneVisit),
        Errors<NotFound>,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Json<OneVisit>> {
    let visit = booking::booking_for_customer(&state.app, user.grant()?, id).await?;
    Ok(OneVisit::of(&visit))
}

/// `POST /api/v1/bookings/{id}/reschedule`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reschedule {
    /// A slot's `start` from `/api/v1/slots`.
    #[schema(format = DateTime)]
    slot_start: String,
}

/// `POST /api/v1/bookings/{id}/reschedule`: moves a Scheduled visit to another slot.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/reschedule",
    tag = "self-scheduling",
    summary = "Reschedule a Scheduled visit",
    description = "The same search as booking, leaving this visit out; the technician may \
        change, the work order stays. Choosing the time the visit already has changes nothing.",
    params(PathId<BookingId>),
    request_body = Reschedule,
    responses(
        (status = 200, description = "The visit at its new time.", body = OneVisit),
        Errors<(JsonBody, SelfSchedulingOff, NotFound, VisitConflict, InvalidRequest)>,
    ),
)]
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Reschedule>,
) -> WebResult<Json<OneVisit>> {
    let slot_start = parse_instant("slot_start", Some(&body.slot_start))?;
    let visit =
        booking::reschedule(&state.app, user.grant()?, id, slot_start, state.clock.now()).await?;
    Ok(OneVisit::of(&visit))
}

/// `POST /api/v1/bookings/{id}/cancel`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancel {
    /// Why (required).
    #[serde(default)]
    #[schema(required = true)]
    reason: String,
}

/// `POST /api/v1/bookings/{id}/cancel`: Cancel appointment, with the reason (required).
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/cancel",
    tag = "self-scheduling",
    summary = "Cancel appointment",
    params(PathId<BookingId>),
    request_body = Cancel,
    responses(
        (status = 200, description = "The canceled visit.", body = OneVisit),
        Errors<(JsonBody, SelfSchedulingOff, NotFound, VisitConflict, Invalid)>,
    ),
)]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Cancel>,
) -> WebResult<Json<OneVisit>> {
    let visit = booking::cancel(
        &state.app,
        user.grant()?,
        id,
        &body.reason,
        state.clock.now(),
    )
    .await?;
    Ok(OneVisit::of(&visit))
}

/// `GET /api/v1/staff/visits`' query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// First day (default: today in `time_zone`).
    #[param(value_type = Option<Date>)]
    from: Option<String>,
    /// Last day, included (default `from`; at most 31 days later).
    #[param(value_type = Option<Date>)]
    to: Option<String>,
    /// The IANA zone the days are in (default UTC).
    time_zone: Option<String>,
    /// A technician id.
    #[param(value_type = Option<i64>)]
    technician: Option<String>,
    /// A visit state.
    #[param(value_type = Option<VisitState>)]
    state: Option<String>,
}

/// A visit on the dispatcher's board: every record shown (staff see them all).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffVisit {
    id: i64,
    #[schema(value_type = VisitState)]
    state: BookingState,
    starts_at: Timestamp,
    arrival_window_end: Timestamp,
    ends_at: Timestamp,
    account_id: i64,
    account: String,
    technician_id: i64,
    technician: String,
    service_type: String,
    #[schema(required = true)]
    asset: Option<String>,
    #[schema(required = true)]
    work_order: Option<String>,
    #[schema(required = true)]
    cancel_reason: Option<String>,
    needs_new_time: bool,
}

impl From<&visit_board::BoardVisit> for StaffVisit {
    fn from(v: &visit_board::BoardVisit) -> StaffVisit {
        let b = &v.visit.booking;
        let records = v.visit.records(Visibility::All);
        StaffVisit {
            id: b.id.0,
            state: b.state,
            starts_at: b.starts_at,
            arrival_window_end: v.visit.arrival_window_end.unwrap_or(b.starts_at),
            ends_at: b.ends_at,
            account_id: v.visit.account_id.0,
            account: v.account_name.clone(),
            technician_id: b.technician_id.0,
            technician: v.visit.technician_name.clone(),
            service_type: v.visit.service_type.clone(),
            asset: records.asset.map(str::to_owned),
            work_order: records.work_order_number.map(str::to_owned),
            cancel_reason: b.cancel_reason.clone(),
            needs_new_time: v.visit.needs_new_time,
        }
    }
}

/// Every account's visits of a period, and the visits flagged for attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffVisits {
    from: Date,
    to: Date,
    time_zone: String,
    /// By start time, at most 1000.
    visits: Vec<StaffVisit>,
    /// More visits than `visits` holds matched.
    truncated: bool,
    needing_attention: Vec<StaffVisit>,
}

/// `GET /api/v1/staff/visits`: every account's visits of a period (staff), and the visits
/// flagged for attention.
#[utoipa::path(
    get,
    path = "/api/v1/staff/visits",
    tag = "dispatch",
    summary = "Every account's visits of a period (staff)",
    params(StaffQuery),
    responses(
        (
            status = 200,
            description = "The visits by start time, and those flagged for attention.",
            body = StaffVisits,
        ),
        Errors<Invalid>,
    ),
)]
pub async fn staff_visits(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Query(query): Query<StaffQuery>,
) -> WebResult<Json<StaffVisits>> {
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
    let board::Board { visits, attention } = board::board(
        &state.app,
        staff,
        &BoardFilter {
            from: start,
            to: end,
            technician,
            state: state_filter,
            limit: STAFF_LIMIT + 1,
        },
    )
    .await?;
    let truncated = visits.len() as i64 > STAFF_LIMIT;
    Ok(Json(StaffVisits {
        from,
        to,
        time_zone: zone_name(&zone),
        visits: visits
            .iter()
            .take(STAFF_LIMIT as usize)
            .map(StaffVisit::from)
            .collect(),
        truncated,
        needing_attention: attention.iter().map(StaffVisit::from).collect(),
    }))
}

/// `POST /api/v1/staff/visits/{id}/transition`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// `start_travel`, `stop_travel`, `start_work`, `complete` or `cancel`.
    #[schema(value_type = TransitionAction)]
    action: String,
    /// Complete: an optional note. Cancel: the reason (required).
    #[serde(default)]
    note: Option<String>,
}

crate::openapi::enum_schema!(
    /// A move of a visit through its states.
    TransitionAction,
    [
        BookingAction::StartTravel,
        BookingAction::StopTravel,
        BookingAction::StartWork,
        BookingAction::Complete,
        BookingAction::Cancel,
    ]
    .map(crate::openapi::json_name),
);

/// A visit's new state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transitioned {
    id: i64,
    #[schema(value_type = VisitState)]
    state: BookingState,
}

/// `POST /api/v1/staff/visits/{id}/transition`: moves a visit through its states (staff).
#[utoipa::path(
    post,
    path = "/api/v1/staff/visits/{id}/transition",
    tag = "dispatch",
    summary = "Move a visit through its states (staff)",
    description = "Scheduled → Traveling → In Progress → Completed; Traveling → Scheduled \
        (stop travel: a technician travels to one visit at a time); Scheduled or Traveling → \
        Canceled (a reason is required). Recorded with who and when; the customer is emailed \
        (on the way, not on the way after all, completed, canceled).",
    params(PathId<BookingId>),
    request_body = Transition,
    responses(
        (status = 200, description = "The visit's new state.", body = Transitioned),
        Errors<(JsonBody, NotFound, VisitConflict, Invalid)>,
    ),
)]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Transition>,
) -> WebResult<Json<Transitioned>> {
    let action = crate::dispatch::parse_action(Some(&body.action))?;
    let to = booking::transition(
        &state.app,
        user.grant()?,
        id,
        action,
        body.note.as_deref(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(Transitioned {
        id: id.0,
        state: to,
    }))
}
