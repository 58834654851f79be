//! Self-scheduling pages (SPEC §2–§4): the customer's homepage (Active appointment, Upcoming
//! and Past appointments), **Book a new appointment** with its month-style day picker whose
//! days load their time slots in place (htmx; a plain form submission without JavaScript), the
//! confirmation, and **Modify** (reschedule to another day and slot, **Cancel appointment**
//! with a reason).
//!
//! Every handler goes through `onsite_app::booking`, which scopes everything to the person's
//! account: another account's visit is "not found", exactly like one that does not exist. The
//! pages only hide what the use cases would refuse anyway (Modify on a visit that has started).

use crate::booking::service_request;
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::{PathId, parse_date, parse_instant};
use crate::layout::{Page, render, render_with_status};
use crate::session::{CurrentUser, SignedIn};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use onsite_app::booking::{self, BookRequest, BookingError, DayPicker, SlotList, VisitView};
use onsite_domain::BookingId;
use onsite_domain::booking::BookingState;
use onsite_i18n::datetime;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Where the live map of a Traveling visit will be (issue 5). The homepage shows **View Live
/// Map** only once that route exists in the route table, so the button never leads to a 404.
pub const LIVE_MAP_ROUTE: &str = "/bookings/{id}/live";

static LIVE_MAP_EXISTS: LazyLock<bool> = LazyLock::new(|| {
    crate::routes::table()
        .iter()
        .any(|r| r.path == LIVE_MAP_ROUTE)
});

// ---- Visits as the pages show them ----------------------------------------------------------

/// A visit on the homepage or its own page, every text ready in the person's language and zone.
#[derive(Debug, Clone)]
pub struct VisitCard {
    pub id: BookingId,
    pub state_key: &'static str,
    pub state: String,
    pub service_type: String,
    pub asset: Option<String>,
    pub technician: String,
    /// "Tuesday, June 9, 2026".
    pub date: String,
    /// "10:30 AM – 11:30 AM (EDT)", or the arrival window.
    pub times: String,
    /// The planned arrival ("Expected at 10:30 AM"): the ETA until live tracking gives one.
    pub arrival: String,
    /// `None` while the work order is hidden from the customer.
    pub work_order: Option<String>,
    pub address: String,
    pub comments: Option<String>,
    pub cancel_reason: Option<String>,
    pub may_modify: bool,
    /// Started: Modify shows, disabled.
    pub in_progress: bool,
    /// Where **View Live Map** leads, when it is offered and exists.
    pub live_map: Option<String>,
    pub needs_new_time: bool,
    /// Why the visit cannot change any more, when it cannot.
    pub locked_reason: Option<String>,
    /// Where **Send Feedback** leads, when it is offered (Completed, surveys on, not sent).
    pub feedback: Option<String>,
    /// "4 out of 5": the rating sent on this visit.
    pub feedback_rating: Option<String>,
}

/// The state's name, as customers know them.
pub(crate) fn state_label(page: &Page, state: BookingState) -> String {
    page.t(&format!("bookings-state-{}", state.as_str()))
}

/// "10:30 AM – 11:30 AM (EDT)", or "Arrival between 10:00 AM and 12:00 PM (EDT)".
pub(crate) fn visit_times(
    page: &Page,
    start: Timestamp,
    window_end: Timestamp,
    end: Timestamp,
    zone: &TimeZone,
) -> String {
    let (start, window_end, end) = (
        start.to_zoned(zone.clone()),
        window_end.to_zoned(zone.clone()),
        end.to_zoned(zone.clone()),
    );
    let abbreviation = start.strftime("%Z").to_string();
    let times = if window_end > start {
        page.locale.text_with(
            "bookings-arrival-window",
            &[
                (
                    "start",
                    onsite_i18n::Arg::Str(&datetime::time(page.locale, start.time())),
                ),
                (
                    "end",
                    onsite_i18n::Arg::Str(&datetime::time(page.locale, window_end.time())),
                ),
            ],
        )
    } else {
        datetime::time_range(page.locale, &start, &end)
    };
    format!("{times} ({abbreviation})")
}

pub(crate) fn visit_card(page: &Page, v: &VisitView) -> VisitCard {
    let start = v.starts_at.to_zoned(v.time_zone.clone());
    let arrival = page.t1(
        "bookings-planned-arrival",
        "time",
        datetime::time(page.locale, start.time()),
    );
    let locked_reason = (!v.may_modify).then(|| {
        page.t(&format!(
            "bookings-locked-{}",
            match v.state {
                BookingState::Scheduled => "scheduled",
                BookingState::Traveling => "traveling",
                BookingState::InProgress => "in_progress",
                BookingState::Completed => "completed",
                BookingState::Canceled => "canceled",
            }
        ))
    });
    VisitCard {
        id: v.id,
        state_key: v.state.as_str(),
        state: state_label(page, v.state),
        service_type: v.service_type.clone(),
        asset: v.asset.clone(),
        technician: v.technician_name.clone(),
        date: datetime::date(page.locale, start.date()),
        times: visit_times(
            page,
            v.starts_at,
            v.arrival_window_end,
            v.ends_at,
            &v.time_zone,
        ),
        arrival,
        work_order: v.work_order_number.clone(),
        address: v.address.clone(),
        comments: v.comments.clone(),
        cancel_reason: v.cancel_reason.clone(),
        may_modify: v.may_modify,
        in_progress: v.state == BookingState::InProgress,
        live_map: (v.live_map && *LIVE_MAP_EXISTS).then(|| format!("/bookings/{}/live", v.id)),
        needs_new_time: v.needs_new_time,
        locked_reason,
        feedback: v
            .feedback_due
            .then(|| format!("/bookings/{}/feedback", v.id)),
        feedback_rating: v
            .feedback_rating
            .map(|n| page.tn("feedback-stars", "stars", n)),
    }
}

// ---- The customer's homepage ----------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct HomeQuery {
    /// `past` shows the Past appointments tab.
    pub tab: Option<String>,
}

#[derive(Template)]
#[template(path = "home_customer.html")]
struct CustomerHome<'a> {
    page: Page,
    name: &'a str,
    active: Option<VisitCard>,
    upcoming: Vec<VisitCard>,
    past: Vec<VisitCard>,
    /// Visits the customer must choose a new time for, shown first.
    attention: Vec<VisitCard>,
    past_tab: bool,
    empty: bool,
}

/// `GET /` for a customer who may book: their appointments (SPEC §2).
pub async fn homepage(
    state: &AppState,
    page: Page,
    user: &SignedIn,
    query: &HomeQuery,
) -> WebResult<Response> {
    let now = state.clock.now();
    let home = booking::homepage(&state.app, user.grant()?, now).await?;
    let card = |v: &VisitView| visit_card(&page, v);
    let active = home.active.as_ref().map(card);
    let upcoming: Vec<VisitCard> = home.upcoming.iter().map(card).collect();
    let past: Vec<VisitCard> = home.past.iter().map(card).collect();
    let attention = upcoming
        .iter()
        .filter(|v| v.needs_new_time)
        .cloned()
        .collect();
    let view = CustomerHome {
        name: user.name(),
        empty: home.is_empty(),
        active,
        upcoming,
        past,
        attention,
        past_tab: query.tab.as_deref() == Some("past"),
        page,
    };
    render(&view)
}

// ---- The day picker -------------------------------------------------------------------------

/// One cell of a month's grid.
#[derive(Debug, Clone)]
pub struct DayCell {
    /// `YYYY-MM-DD`; empty for the padding before the 1st and after the last day.
    pub value: String,
    pub day: i8,
    /// "Tuesday, June 9, 2026" (and "no free time" for a full day), for screen readers.
    pub label: String,
    pub available: bool,
    pub selected: bool,
    pub today: bool,
}

#[derive(Debug, Clone)]
pub struct Month {
    /// "June 2026".
    pub caption: String,
    pub weeks: Vec<Vec<DayCell>>,
}

/// The bookable period as month grids, each day a button; days without a slot are disabled.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub months: Vec<Month>,
    /// (short, full) weekday names, Monday first.
    pub weekdays: Vec<(String, String)>,
    pub served: bool,
    pub any_available: bool,
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

pub(crate) fn calendar(page: &Page, picker: &DayPicker, selected: Option<Date>) -> Calendar {
    let available: HashMap<Date, bool> =
        picker.days.iter().map(|d| (d.date, d.available)).collect();
    let weekdays = WEEK
        .iter()
        .map(|w| {
            let n = w.to_monday_one_offset();
            (
                page.t(&format!("bookings-weekday-short-{n}")),
                page.t(&format!("datetime-weekday-{n}")),
            )
        })
        .collect();
    let mut months = Vec::new();
    if let Some((today, last)) = picker.bookable {
        let mut first = today.first_of_month();
        while first <= last {
            let mut weeks = Vec::new();
            let mut week = Vec::new();
            let padding = first.weekday().to_monday_zero_offset();
            for _ in 0..padding {
                week.push(blank());
            }
            let mut day = first;
            while day.month() == first.month() && day.year() == first.year() {
                let free = available.get(&day).copied().unwrap_or(false);
                let mut label = datetime::date(page.locale, day);
                if !free && (today..=last).contains(&day) {
                    // Inside the bookable period but full: say why the day cannot be chosen.
                    label = format!("{label} — {}", page.t("bookings-day-unavailable"));
                }
                week.push(DayCell {
                    value: day.to_string(),
                    day: day.day(),
                    label,
                    available: free,
                    selected: selected == Some(day),
                    today: day == today,
                });
                if week.len() == 7 {
                    weeks.push(std::mem::take(&mut week));
                }
                match day.tomorrow() {
                    Ok(next) => day = next,
                    Err(_) => break,
                }
            }
            if !week.is_empty() {
                while week.len() < 7 {
                    week.push(blank());
                }
                weeks.push(week);
            }
            months.push(Month {
                caption: format!(
                    "{} {}",
                    capitalized(&datetime::month_name(page.locale, first)),
                    first.year()
                ),
                weeks,
            });
            match first.checked_add(1.month()) {
                Ok(next) => first = next,
                Err(_) => break,
            }
        }
    }
    Calendar {
        months,
        weekdays,
        served: picker.served,
        any_available: picker.days.iter().any(|d| d.available),
    }
}

fn blank() -> DayCell {
    DayCell {
        value: String::new(),
        day: 0,
        label: String::new(),
        available: false,
        selected: false,
        today: false,
    }
}

/// A month name as a caption starts with a capital ("juin" → "Juin 2026").
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The days to ask the engine about: it keeps only those of the booking horizon, in the service
/// location's zone, so ask from yesterday (UTC) for a year.
fn horizon_query(now: Timestamp) -> (Date, Date) {
    let today = now.to_zoned(TimeZone::UTC).date();
    let from = today.yesterday().unwrap_or(today);
    let to = from.checked_add(367.days()).unwrap_or(from);
    (from, to)
}

// ---- The slots of a day ---------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct SlotOption {
    /// The slot's start, RFC 3339: what the form sends back.
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The slots region: the heading of the chosen day and its times as radio buttons of the form
/// `form_id` (the buttons live outside the form so that the region can be replaced alone).
#[derive(Debug, Clone)]
pub struct SlotsView {
    pub form_id: &'static str,
    /// The chosen day, `YYYY-MM-DD`, and how it reads; `None` before a day is chosen.
    pub day: Option<(String, String)>,
    pub slots: Vec<SlotOption>,
    /// Why the chosen time could not be booked ("This time was just taken").
    pub error: Option<String>,
}

impl SlotsView {
    pub(crate) fn none(form_id: &'static str) -> SlotsView {
        SlotsView {
            form_id,
            day: None,
            slots: Vec::new(),
            error: None,
        }
    }
}

pub(crate) fn slots_view(
    page: &Page,
    list: &SlotList,
    form_id: &'static str,
    checked: Option<Timestamp>,
    error: Option<String>,
) -> SlotsView {
    let slots = list
        .slots
        .iter()
        .map(|s| {
            let start = s.start.to_zoned(list.time_zone.clone());
            let label = if s.repeated_wall_time {
                // The hour that happens twice when daylight saving time ends: say which one.
                datetime::time_with_offset(page.locale, &start)
            } else if s.arrival_window_end > s.start {
                let end = s.arrival_window_end.to_zoned(list.time_zone.clone());
                datetime::time_range(page.locale, &start, &end)
            } else {
                datetime::time(page.locale, start.time())
            };
            SlotOption {
                value: s.start.to_string(),
                label,
                checked: checked == Some(s.start),
            }
        })
        .collect();
    SlotsView {
        form_id,
        day: Some((
            list.date.to_string(),
            datetime::date(page.locale, list.date),
        )),
        slots,
        error,
    }
}

#[derive(Template)]
#[template(path = "bookings/slots.html")]
struct SlotsFragment {
    page: Page,
    slots: SlotsView,
}

// ---- Book a new appointment -----------------------------------------------------------------

/// `GET /bookings/new` and the page shown again after a refused Book.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    pub service_type: Option<String>,
    pub asset: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "bookings/new.html")]
struct NewBookingPage {
    page: Page,
    errors: FieldErrors,
    assets: Vec<Choice>,
    service_types: Vec<Choice>,
    /// The chosen service type and asset, as the hidden fields of the next forms carry them.
    service_type: String,
    asset: String,
    calendar: Option<Calendar>,
    slots: SlotsView,
    comments: String,
    /// Generated for each rendering of the form: a repeated submission books once.
    idempotency_key: String,
    /// Booking online is turned off.
    disabled: bool,
}

/// What the person chose so far, kept across a refused submission.
#[derive(Debug, Default)]
struct Chosen {
    query: NewQuery,
    slot: Option<Timestamp>,
    comments: String,
}

/// Renders Book a new appointment for what was chosen so far.
async fn new_booking_view(
    state: &AppState,
    page: Page,
    user: &SignedIn,
    chosen: Chosen,
    mut errors: FieldErrors,
    slot_error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let now = state.clock.now();
    let service_types = booking::service_types(&state.app).await?;
    let assets = booking::assets_for_booking(&state.app, user.grant()?).await?;
    let query = &chosen.query;
    let request = match service_request(query.service_type.as_deref(), query.asset.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            errors.add_invalid(page.locale, &e);
            None
        }
    };
    let date = match parse_date("date", query.date.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            errors.add_invalid(page.locale, &e);
            None
        }
    };
    let mut disabled = false;
    let mut calendar_view = None;
    let mut slots = SlotsView::none("book-form");
    if let Some(request) = &request {
        let (from, to) = horizon_query(now);
        match booking::available_days(&state.app, user.grant()?, request, from, to, now).await {
            Ok(picker) => {
                calendar_view = Some(calendar(&page, &picker, date));
                if let Some(date) = date.filter(|_| picker.served) {
                    let list =
                        booking::slots(&state.app, user.grant()?, request, date, now).await?;
                    slots = slots_view(&page, &list, "book-form", chosen.slot, slot_error);
                }
            }
            Err(BookingError::Disabled) => disabled = true,
            Err(BookingError::NotFound) => {
                // A service type not offered, or an asset not theirs: say so at the field.
                let field = if request.asset.is_some()
                    && service_types.iter().any(|s| s.id == request.service_type)
                {
                    "asset"
                } else {
                    "service_type"
                };
                errors.add(field, page.t("bookings-error-not-offered"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    // A page asked for with a wrong choice says what is wrong, and not with 200.
    let status = if status == StatusCode::OK && !errors.is_empty() {
        crate::error::INVALID
    } else {
        status
    };
    let selected_service = request.map(|r| r.service_type);
    let selected_asset = request.and_then(|r| r.asset);
    let view = NewBookingPage {
        errors,
        service_types: service_types
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: page.locale.text_with(
                    "bookings-service-type-option",
                    &[
                        ("name", onsite_i18n::Arg::Str(&s.name)),
                        (
                            "duration",
                            onsite_i18n::Arg::Str(&duration(&page, s.duration.minutes())),
                        ),
                    ],
                ),
                selected: selected_service == Some(s.id),
            })
            .collect(),
        assets: assets
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: match &a.serial_number {
                    Some(serial) if !serial.trim().is_empty() => {
                        format!("{} ({}, {})", a.name, a.product, serial)
                    }
                    _ if !a.product.trim().is_empty() => format!("{} ({})", a.name, a.product),
                    _ => a.name.clone(),
                },
                selected: selected_asset == Some(a.id),
            })
            .collect(),
        service_type: selected_service.map(|s| s.to_string()).unwrap_or_default(),
        asset: selected_asset.map(|a| a.to_string()).unwrap_or_default(),
        calendar: calendar_view,
        slots,
        comments: chosen.comments,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        disabled,
        page,
    };
    render_with_status(status, &view)
}

/// "1 h 30 min" / "45 min".
pub(crate) fn duration(page: &Page, minutes: i64) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let args = [
        ("hours", onsite_i18n::Arg::Num(hours as f64)),
        ("minutes", onsite_i18n::Arg::Num(minutes as f64)),
    ];
    let id = match (hours, minutes) {
        (0, _) => "bookings-duration-minutes",
        (_, 0) => "bookings-duration-hours",
        _ => "bookings-duration-hours-minutes",
    };
    page.locale.text_with(id, &args)
}

/// `GET /bookings/new`: asset, service type, the day picker, and the slots of the chosen day.
pub async fn new_booking(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<NewQuery>,
) -> WebResult<Response> {
    let chosen = Chosen {
        query,
        ..Chosen::default()
    };
    new_booking_view(
        &state,
        page,
        &user,
        chosen,
        FieldErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `GET /bookings/new/slots?service_type=…&asset=…&date=…`: the slots of one day, as the
/// fragment the day picker swaps in (htmx). Without a service type or a day it says to choose.
pub async fn new_booking_slots(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<NewQuery>,
) -> WebResult<Response> {
    let request = service_request(query.service_type.as_deref(), query.asset.as_deref())?;
    let date = parse_date("date", query.date.as_deref())?;
    let slots = match (request, date) {
        (Some(request), Some(date)) => {
            let list = booking::slots(&state.app, user.grant()?, &request, date, state.clock.now())
                .await?;
            slots_view(&page, &list, "book-form", None, None)
        }
        _ => SlotsView::none("book-form"),
    };
    render(&SlotsFragment { page, slots })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BookForm {
    service_type: Option<String>,
    asset: Option<String>,
    date: Option<String>,
    slot: Option<String>,
    comments: Option<String>,
    idempotency_key: Option<String>,
}

/// `POST /bookings`: Book. Books once per form (its idempotency key), then shows the
/// confirmation; a time taken meanwhile brings back the slots of that day with the message.
pub async fn book(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(form): Form<BookForm>,
) -> WebResult<Response> {
    let chosen = |slot| Chosen {
        query: NewQuery {
            service_type: form.service_type.clone(),
            asset: form.asset.clone(),
            date: form.date.clone(),
        },
        slot,
        comments: form.comments.clone().unwrap_or_default(),
    };
    let refused = |page, errors, slot_error, slot, status| {
        new_booking_view(
            &state,
            page,
            &user,
            chosen(slot),
            errors,
            slot_error,
            status,
        )
    };
    let request = match service_request(form.service_type.as_deref(), form.asset.as_deref()) {
        Ok(Some(r)) => r,
        Ok(None) => {
            let errors = FieldErrors::with("service_type", page.t("bookings-error-choose-service"));
            return refused(page, errors, None, None, crate::error::INVALID).await;
        }
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add_invalid(page.locale, &e);
            return refused(page, errors, None, None, crate::error::INVALID).await;
        }
    };
    let slot = match parse_instant("slot", form.slot.as_deref()) {
        Ok(slot) => slot,
        Err(_) => {
            let message = page.t("bookings-error-choose-time");
            let errors = FieldErrors::with("slot", message.clone());
            return refused(page, errors, Some(message), None, crate::error::INVALID).await;
        }
    };
    let booked = booking::book(
        &state.app,
        user.grant()?,
        BookRequest {
            service: request,
            slot_start: slot,
            comments: form.comments.as_deref().unwrap_or_default(),
            idempotency_key: form
                .idempotency_key
                .as_deref()
                .filter(|k| !k.trim().is_empty()),
        },
        state.clock.now(),
    )
    .await;
    match booked {
        Ok(booked) => Ok(see_other(&format!(
            "/bookings/{}?booked=1",
            booked.visit.id
        ))),
        Err(e) if e.is_internal() => Err(e.into()),
        Err(e) => {
            let message = page.t(e.message_id());
            let status = crate::error::form_status(&e);
            let mut errors = FieldErrors::new();
            let slot_error = match &e {
                BookingError::SlotTaken | BookingError::InvalidSlot(_) => {
                    errors.add("slot", message.clone());
                    Some(message)
                }
                BookingError::Invalid(invalid) if invalid.field == "comments" => {
                    errors.add("comments", message);
                    None
                }
                // An unknown service type or asset: the page says so at the field.
                BookingError::NotFound => None,
                _ => {
                    errors.add(FORM, message);
                    None
                }
            };
            // Keep the chosen time checked unless it is the one that was just taken.
            let keep = (!matches!(e, BookingError::SlotTaken | BookingError::InvalidSlot(_)))
                .then_some(slot);
            refused(page, errors, slot_error, keep, status).await
        }
    }
}

// ---- A visit: confirmation, Modify ----------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    /// Just booked: show the confirmation.
    booked: Option<String>,
    /// The day whose slots to show for rescheduling.
    date: Option<String>,
}

#[derive(Template)]
#[template(path = "bookings/show.html")]
struct VisitPage {
    page: Page,
    visit: VisitCard,
    booked: bool,
    /// Where the confirmation email goes, when the person gets emails.
    email: Option<String>,
    errors: FieldErrors,
    /// The reschedule day picker (only while the visit may change).
    calendar: Option<Calendar>,
    slots: SlotsView,
    reason: String,
    /// Rescheduling online is not possible for this visit (its service type is not offered any
    /// more); canceling still is.
    reschedule_unavailable: bool,
}

#[derive(Debug, Default)]
struct VisitInput {
    date: Option<String>,
    slot: Option<Timestamp>,
    slot_error: Option<String>,
    reason: String,
}

#[allow(clippy::too_many_arguments)]
async fn visit_view(
    state: &AppState,
    page: Page,
    user: &SignedIn,
    id: BookingId,
    booked: bool,
    input: VisitInput,
    mut errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let now = state.clock.now();
    let visit = booking::booking_for_customer(&state.app, user.grant()?, id).await?;
    let date = match parse_date("date", input.date.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            errors.add_invalid(page.locale, &e);
            None
        }
    };
    let mut calendar_view = None;
    let mut slots = SlotsView::none("reschedule-form");
    let mut reschedule_unavailable = false;
    if visit.may_modify && !booked {
        let request = booking::service_request_of(&state.app, user.grant()?, id).await?;
        let (from, to) = horizon_query(now);
        match booking::available_days(&state.app, user.grant()?, &request, from, to, now).await {
            Ok(picker) => {
                calendar_view = Some(calendar(&page, &picker, date));
                if let Some(date) = date.filter(|_| picker.served) {
                    let list =
                        booking::slots(&state.app, user.grant()?, &request, date, now).await?;
                    slots = slots_view(
                        &page,
                        &list,
                        "reschedule-form",
                        input.slot,
                        input.slot_error,
                    );
                }
            }
            Err(BookingError::NotFound | BookingError::Disabled) => reschedule_unavailable = true,
            Err(e) => return Err(e.into()),
        }
    }
    let status = if status == StatusCode::OK && !errors.is_empty() {
        crate::error::INVALID
    } else {
        status
    };
    let email = user
        .user
        .notify_email
        .then(|| user.user.email.as_str().to_owned());
    let view = VisitPage {
        visit: visit_card(&page, &visit),
        booked,
        email,
        errors,
        calendar: calendar_view,
        slots,
        reason: input.reason,
        reschedule_unavailable,
        page,
    };
    render_with_status(status, &view)
}

/// `GET /bookings/{id}`: the visit; after booking, its confirmation; while Scheduled, Modify
/// (reschedule and Cancel appointment). The emails link here.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Query(query): Query<ShowQuery>,
) -> WebResult<Response> {
    let booked = query.booked.as_deref() == Some("1");
    let input = VisitInput {
        date: query.date,
        ..VisitInput::default()
    };
    visit_view(
        &state,
        page,
        &user,
        id,
        booked,
        input,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `GET /bookings/{id}/slots?date=…`: the slots of a day to move the visit to (the fragment
/// the reschedule day picker swaps in).
pub async fn visit_slots(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Query(query): Query<ShowQuery>,
) -> WebResult<Response> {
    let visit = booking::booking_for_customer(&state.app, user.grant()?, id).await?;
    if !visit.may_modify {
        return Err(BookingError::NotModifiable(visit.state).into());
    }
    let slots = match parse_date("date", query.date.as_deref())? {
        Some(date) => {
            let request = booking::service_request_of(&state.app, user.grant()?, id).await?;
            let list = booking::slots(&state.app, user.grant()?, &request, date, state.clock.now())
                .await?;
            slots_view(&page, &list, "reschedule-form", None, None)
        }
        None => SlotsView::none("reschedule-form"),
    };
    render(&SlotsFragment { page, slots })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RescheduleForm {
    date: Option<String>,
    slot: Option<String>,
}

/// `POST /bookings/{id}/reschedule`: moves the visit to the chosen slot.
pub async fn reschedule(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Form(form): Form<RescheduleForm>,
) -> WebResult<Response> {
    let again = |page, errors, slot_error, status| {
        let input = VisitInput {
            date: form.date.clone(),
            slot: None,
            slot_error,
            reason: String::new(),
        };
        visit_view(&state, page, &user, id, false, input, errors, status)
    };
    let slot = match parse_instant("slot", form.slot.as_deref()) {
        Ok(slot) => slot,
        Err(_) => {
            let message = page.t("bookings-error-choose-time");
            let errors = FieldErrors::with("slot", message.clone());
            return again(page, errors, Some(message), crate::error::INVALID).await;
        }
    };
    match booking::reschedule(&state.app, user.grant()?, id, slot, state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!(
            "/bookings/{id}?notice=booking-rescheduled"
        ))),
        Err(e) if e.is_internal() || matches!(e, BookingError::NotFound) => Err(e.into()),
        Err(e) => {
            let message = page.t(e.message_id());
            let status = crate::error::form_status(&e);
            let mut errors = FieldErrors::new();
            let slot_error = match &e {
                BookingError::SlotTaken | BookingError::InvalidSlot(_) => {
                    errors.add("slot", message.clone());
                    Some(message)
                }
                _ => {
                    errors.add(FORM, message);
                    None
                }
            };
            again(page, errors, slot_error, status).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CancelForm {
    reason: Option<String>,
}

/// `POST /bookings/{id}/cancel`: Cancel appointment, with the reason (required).
pub async fn cancel(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Form(form): Form<CancelForm>,
) -> WebResult<Response> {
    let reason = form.reason.unwrap_or_default();
    match booking::cancel(&state.app, user.grant()?, id, &reason, state.clock.now()).await {
        Ok(_) => Ok(see_other("/?tab=past&notice=booking-canceled")),
        Err(e) if e.is_internal() || matches!(e, BookingError::NotFound) => Err(e.into()),
        Err(e) => {
            let message = page.t(e.message_id());
            let status = crate::error::form_status(&e);
            let field = match &e {
                BookingError::Invalid(i) if i.field == "reason" => "reason",
                _ => FORM,
            };
            let errors = FieldErrors::with(field, message);
            let input = VisitInput {
                reason,
                ..VisitInput::default()
            };
            visit_view(&state, page, &user, id, false, input, errors, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Visitor;
    use onsite_schedule::{DayAvailability, Slot};

    fn page(tag: &str) -> Page {
        Page {
            locale: onsite_i18n::Locale::from_tag(tag).unwrap(),
            request_id: String::new(),
            path: "/".into(),
            visitor: Visitor::anonymous(),
        }
    }

    fn toronto() -> TimeZone {
        TimeZone::get("America/Toronto").unwrap()
    }

    #[test]
    fn the_hour_that_happens_twice_shows_its_offset() {
        // 1 November 2026: Toronto goes back from EDT (-04) to EST (-05) at 2:00, so 1:30
        // happens twice.
        let first = "2026-11-01T05:30:00Z".parse::<Timestamp>().unwrap();
        let second = "2026-11-01T06:30:00Z".parse::<Timestamp>().unwrap();
        let slot = |start: Timestamp, repeated| Slot {
            start,
            arrival_window_end: start,
            end: start + jiff::SignedDuration::from_hours(1),
            repeated_wall_time: repeated,
        };
        let list = SlotList {
            date: Date::constant(2026, 11, 1),
            slots: vec![slot(first, true), slot(second, true)],
            served: true,
            time_zone: toronto(),
        };
        let view = slots_view(&page("en"), &list, "book-form", Some(second), None);
        let labels: Vec<&str> = view.slots.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels.len(), 2);
        assert_ne!(labels[0], labels[1], "{labels:?}");
        assert!(
            labels[0].contains("1:30 AM") && labels[0].contains("-04"),
            "{labels:?}"
        );
        assert!(
            labels[1].contains("1:30 AM") && labels[1].contains("-05"),
            "{labels:?}"
        );
        assert!(view.slots[1].checked && !view.slots[0].checked);
        assert_eq!(view.slots[0].value, "2026-11-01T05:30:00Z");
    }

    #[test]
    fn the_day_picker_is_a_grid_of_months_with_full_days_disabled() {
        let today = Date::constant(2026, 6, 29);
        let last = Date::constant(2026, 7, 3);
        let days = [
            (29, 6, true),
            (30, 6, false),
            (1, 7, true),
            (2, 7, false),
            (3, 7, true),
        ]
        .map(|(d, m, available)| DayAvailability {
            date: Date::new(2026, m, d).unwrap(),
            available,
        });
        let picker = DayPicker {
            days: days.to_vec(),
            bookable: Some((today, last)),
            served: true,
        };
        let cal = calendar(&page("fr"), &picker, Some(Date::constant(2026, 7, 1)));
        assert_eq!(
            cal.months
                .iter()
                .map(|m| m.caption.as_str())
                .collect::<Vec<_>>(),
            ["Juin 2026", "Juillet 2026"]
        );
        // June 2026 starts on a Monday: no padding; every week has seven cells.
        let june = &cal.months[0];
        assert_eq!(june.weeks[0][0].day, 1);
        assert!(
            cal.months
                .iter()
                .flat_map(|m| &m.weeks)
                .all(|w| w.len() == 7)
        );
        let cell = |m: usize, value: &str| {
            cal.months[m]
                .weeks
                .iter()
                .flatten()
                .find(|c| c.value == value)
                .unwrap()
                .clone()
        };
        assert!(cell(0, "2026-06-29").available && cell(0, "2026-06-29").today);
        let full = cell(0, "2026-06-30");
        assert!(!full.available);
        assert!(full.label.ends_with("complet"), "{}", full.label);
        // Before the bookable period: disabled, without claiming it is full.
        let past = cell(0, "2026-06-10");
        assert!(!past.available && !past.label.contains("complet"));
        assert!(cell(1, "2026-07-01").selected);
        assert!(cal.any_available && cal.served);
        assert_eq!(cal.weekdays[0].0, "lun.");
    }

    #[test]
    fn durations_read_naturally() {
        let en = page("en");
        assert_eq!(duration(&en, 45), "45 min");
        assert_eq!(duration(&en, 60), "1 h");
        assert_eq!(duration(&en, 90), "1 h 30 min");
    }

    #[test]
    fn every_state_has_its_words_in_every_language() {
        for locale in onsite_i18n::SUPPORTED {
            let page = Page {
                locale: *locale,
                ..page("en")
            };
            for state in BookingState::ALL {
                for id in [
                    format!("bookings-state-{}", state.as_str()),
                    format!("bookings-locked-{}", state.as_str()),
                ] {
                    assert!(
                        !page.t(&id).starts_with("Unknown"),
                        "{id} in {}",
                        locale.tag()
                    );
                }
            }
        }
    }
}
