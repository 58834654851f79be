//! Book on behalf of a customer as JSON (capability Dispatch): the slots of one day of an
//! order, each with the technicians who could take it ranked by travel, and Book, with the
//! engine's choice of technician or one named among those. The same use cases as the pages
//! (`onsite_app::staff_booking`), so the same refusals, in the one JSON error shape; see
//! `docs/api.md` and `docs/staff-booking.md`.

use super::{order, technician};
use crate::booking::api::{booked_response, idempotency_key};
use crate::input::{parse_date, parse_instant};
use crate::openapi::{Errors, JsonBody, refusal};
use crate::session::Granted;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_app::failure::Kind;
use onsite_app::policy::Staff;
use onsite_app::staff_booking::Place;
use onsite_app::staff_booking::{self, Candidate, StaffBookRequest};
use onsite_domain::InvalidInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

refusal!(
    /// The order cannot be booked as asked.
    StaffBookingConflict,
    Kind::Conflict,
    "Refused: `slot_taken` (this time was just taken), `technician_ineligible` (the named \
     technician may not take this visit: territory, skills, kind, inactive), \
     `technician_busy` (the named technician is not free then, travel included), \
     `account_inactive` (the account is deactivated).",
);
refusal!(
    /// A field of the order is refused.
    StaffBookingInvalid,
    Kind::Invalid,
    "A field is refused (`invalid`, `invalid_slot`): `field` names it (`account_id`, \
     `service_type_id`, `asset_id`, `technician_id`, `date`, `starts_at`).",
);

/// `GET /api/v1/staff/bookings/slots`'s query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// The customer account's id.
    #[param(value_type = i64, required = true)]
    account: Option<String>,
    /// A service type id (staff-only ones too).
    #[param(value_type = i64, required = true)]
    service_type: Option<String>,
    /// One of the account's asset ids (optional).
    #[param(value_type = Option<i64>)]
    asset: Option<String>,
    /// The day, in the service address's zone.
    #[param(value_type = Date, required = true)]
    date: Option<String>,
}

/// Where a drive starts or ends.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrivePlace {
    /// The technician's home base.
    Home,
    /// Their previous (or next) visit.
    Visit,
}

impl From<Place> for DrivePlace {
    fn from(p: Place) -> DrivePlace {
        match p {
            Place::HomeBase => DrivePlace::Home,
            Place::Visit => DrivePlace::Visit,
        }
    }
}

/// A drive, as the site's travel model estimates it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Drive {
    minutes: i64,
    km: f64,
    /// Where it starts (the drive before the visit) or ends (the drive after).
    place: DrivePlace,
}

/// A technician who could take a slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedTechnician {
    id: i64,
    name: String,
    /// The drive to the customer.
    before: Drive,
    /// The drive on, to the next visit or home.
    after: Drive,
}

impl From<&Candidate> for RankedTechnician {
    fn from(c: &Candidate) -> RankedTechnician {
        RankedTechnician {
            id: c.technician_id.0,
            name: c.name.clone(),
            before: Drive {
                minutes: c.travel_before.minutes,
                km: c.travel_before.km,
                place: c.comes_from.into(),
            },
            after: Drive {
                minutes: c.travel_after.minutes,
                km: c.travel_after.km,
                place: c.goes_to.into(),
            },
        }
    }
}

/// A slot the customer would see, with its technicians.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedSlot {
    /// What booking takes (`starts_at`).
    start: Timestamp,
    arrival_window_end: Timestamp,
    end: Timestamp,
    /// The wall-clock start happens twice this day (daylight saving time ends).
    repeated_wall_time: bool,
    /// Every technician who could take it, best placed first: the first is the one booking
    /// picks when no `technician_id` is named.
    technicians: Vec<RankedTechnician>,
}

/// The slots of one day of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedSlotList {
    date: Date,
    /// `false`: nobody serves the address for this order at all.
    served: bool,
    /// The zone to show the times in (the caller's, else the account's).
    time_zone: String,
    slots: Vec<RankedSlot>,
}

/// `GET /api/v1/staff/bookings/slots?account=…&service_type=…[&asset=…]&date=…`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/bookings/slots",
    operation_id = "staff_booking_slots",
    tag = "dispatch",
    summary = "The slots of a day for a customer, with the technicians who could come",
    description = "The slots the customer would see (the same search and settings), each with \
        every technician free for the whole visit including travel, best placed first (the \
        shortest drive to the customer, then the shortest total drive).",
    params(SlotsQuery),
    responses(
        (status = 200, description = "The slots, in increasing order.", body = RankedSlotList),
        Errors<(StaffBookingConflict, StaffBookingInvalid)>,
    ),
)]
pub async fn slots(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Query(query): Query<SlotsQuery>,
) -> WebResult<Json<RankedSlotList>> {
    required(query.account.as_deref(), query.service_type.as_deref())?;
    let order = order(
        query.account.as_deref(),
        query.service_type.as_deref(),
        query.asset.as_deref(),
    )?
    .ok_or(InvalidInput::new("service_type_id", "required"))?;
    let date: Date =
        parse_date("date", query.date.as_deref())?.ok_or(InvalidInput::new("date", "required"))?;
    let list = staff_booking::slots(&state.app, staff, &order, date, state.clock.now()).await?;
    Ok(Json(RankedSlotList {
        date: list.date,
        served: list.served,
        time_zone: list.time_zone.iana_name().unwrap_or("UTC").to_owned(),
        slots: list
            .slots
            .iter()
            .map(|r| RankedSlot {
                start: r.slot.start,
                arrival_window_end: r.slot.arrival_window_end,
                end: r.slot.end,
                repeated_wall_time: r.slot.repeated_wall_time,
                technicians: r.technicians.iter().map(Into::into).collect(),
            })
            .collect(),
    }))
}

/// Both the account and the service type are named.
fn required(account: Option<&str>, service_type: Option<&str>) -> Result<(), InvalidInput> {
    let blank = |s: Option<&str>| s.is_none_or(|s| s.trim().is_empty());
    if blank(account) {
        return Err(InvalidInput::new("account_id", "required"));
    }
    if blank(service_type) {
        return Err(InvalidInput::new("service_type_id", "required"));
    }
    Ok(())
}

/// `POST /api/v1/staff/bookings`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffBooking {
    account_id: i64,
    /// A service type id (staff-only ones too).
    service_type_id: i64,
    /// One of the account's asset ids.
    #[serde(default)]
    asset_id: Option<i64>,
    /// A slot's `start` from `/api/v1/staff/bookings/slots`, RFC 3339.
    #[schema(format = DateTime)]
    starts_at: String,
    /// One of the slot's technicians; without it, the best placed one.
    #[serde(default)]
    technician_id: Option<i64>,
    /// Comments for the technician.
    #[serde(default)]
    comments: Option<String>,
}

/// A visit booked for a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffBooked {
    booking: crate::booking::api::Visit,
    /// The account the visit is for.
    account_id: i64,
    /// `true`: the same `Idempotency-Key` booked before; nothing new was booked.
    replayed: bool,
}

/// `POST /api/v1/staff/bookings`: book for a customer. `201` with the visit.
#[utoipa::path(
    post,
    path = "/api/v1/staff/bookings",
    operation_id = "staff_book",
    tag = "dispatch",
    summary = "Book for a customer",
    description = "Books the slot for the account exactly as the customer's own booking does \
        (one transaction under the technician's lock; the customer's confirmation email with \
        its calendar invitation), with the named technician if any, else the best placed one. \
        The audit log names the dispatcher.",
    params((
        "Idempotency-Key" = Option<String>,
        Header,
        description = "A value the client generates once per booking: sending it again \
            returns the first booking (200, `replayed: true`) and books nothing.",
    )),
    request_body = NewStaffBooking,
    responses(
        (
            status = 201,
            description = "Booked.",
            body = StaffBooked,
        ),
        (
            status = 200,
            description = "The same Idempotency-Key booked before: that booking.",
            body = StaffBooked,
        ),
        Errors<(JsonBody, StaffBookingConflict, StaffBookingInvalid)>,
    ),
)]
pub async fn book(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    headers: HeaderMap,
    Json(body): Json<NewStaffBooking>,
) -> WebResult<Response> {
    let id = |v: i64| v.to_string();
    let order = order(
        Some(&id(body.account_id)),
        Some(&id(body.service_type_id)),
        body.asset_id.map(id).as_deref(),
    )?
    .ok_or(InvalidInput::new("service_type_id", "required"))?;
    let named = technician(body.technician_id.map(id).as_deref())?;
    let starts_at = parse_instant("starts_at", Some(&body.starts_at))?;
    let key = idempotency_key(&headers)?;
    let booked = staff_booking::book(
        &state.app,
        staff,
        StaffBookRequest {
            order,
            starts_at,
            technician: named,
            comments: body.comments.as_deref().unwrap_or_default(),
            idempotency_key: key.as_deref(),
        },
        state.clock.now(),
    )
    .await?;
    let answer = StaffBooked {
        booking: (&booked.visit).into(),
        account_id: order.account.0,
        replayed: booked.replayed,
    };
    let location = format!("/staff/bookings/{}", booked.visit.id);
    Ok(booked_response(booked.replayed, answer, &location))
}
