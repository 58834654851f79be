//! The dispatcher's phone order (`/staff/bookings/new`): find the customer's account (the
//! account search of the record forms), pick its asset (optional) and a service type, then a
//! day of the customer's own day picker and one of its times — each listing the technicians who
//! could come, closest first —, optionally a technician among them, and Book. Works as plain
//! forms; htmx reloads the slots of another day in place. After booking, the confirmation
//! (`/staff/bookings/{id}`) says whether the customer was emailed.

use super::{order, technician};
use crate::booking::pages::{Calendar, calendar, duration, visit_card, visit_times};
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::{PathId, parse_date, parse_instant};
use crate::layout::{Page, render, render_with_status};
use crate::picker::Picker;
use crate::records::staff::account_search;
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::booking::BookingError;
use onsite_app::failure::Failure as _;
use onsite_app::policy::Staff;
use onsite_app::staff_booking::Place;
use onsite_app::staff_booking::{
    self, Candidate, Order, OrderChoices, RankedSlots, StaffBookRequest,
};
use onsite_domain::{AccountId, BookingId, TechnicianId};
use onsite_i18n::{Arg, datetime};

/// Where the phone order starts.
const NEW: &str = "/staff/bookings/new";
/// The id of the form Book submits (its fields are spread over the page).
const BOOK_FORM: &str = "book-form";

/// What the page was asked for: `GET /staff/bookings/new` and `…/slots`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    /// The account search.
    q: Option<String>,
    account_id: Option<String>,
    service_type_id: Option<String>,
    asset_id: Option<String>,
    date: Option<String>,
}

/// One time of the chosen day, with who could come.
#[derive(Debug, Clone)]
pub struct SlotOption {
    /// The slot's start, RFC 3339: what the form sends back.
    value: String,
    label: String,
    checked: bool,
    /// "Karim Haddad: 12 min drive from the previous visit, 6.8 km", best first.
    technicians: Vec<String>,
}

/// The slots region of the page (replaced alone when another day is chosen).
#[derive(Debug, Clone)]
pub struct SlotsView {
    /// The chosen day, `YYYY-MM-DD`, and how it reads; `None` before a day is chosen.
    day: Option<(String, String)>,
    slots: Vec<SlotOption>,
    /// Everyone who could take some time of the day, by name: the technician select.
    technicians: Picker,
    /// Why the chosen time or technician was refused.
    error: Option<String>,
}

impl SlotsView {
    /// Before a day is chosen.
    fn none() -> SlotsView {
        SlotsView {
            day: None,
            slots: Vec::new(),
            technicians: Picker::new("technician_id", String::new(), "", []),
            error: None,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/booking_new.html")]
struct NewPage {
    page: Page,
    errors: FieldErrors,
    title: String,
    account_id: i64,
    account_active: bool,
    /// The asset and service type pickers.
    pickers: Vec<Picker>,
    /// The chosen service type and asset, as the next forms carry them.
    service_type_id: String,
    asset_id: String,
    calendar: Option<Calendar>,
    slots: SlotsView,
    comments: String,
    /// Generated for each rendering of the form: a repeated submission books once.
    idempotency_key: String,
    /// The form's value of each field, for the day picker and slots forms.
    form_id: &'static str,
}

#[derive(Template)]
#[template(path = "staff/booking_slots.html")]
struct SlotsFragment {
    page: Page,
    slots: SlotsView,
    form_id: &'static str,
}

/// What was chosen so far, kept across a refused submission.
#[derive(Debug, Default)]
struct Chosen {
    query: NewQuery,
    slot: Option<Timestamp>,
    technician: Option<TechnicianId>,
    comments: String,
}

/// `GET /staff/bookings/new`: the account search until an account is chosen, then the order.
pub async fn new(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(query): Query<NewQuery>,
) -> WebResult<Response> {
    let chosen = Chosen {
        query,
        ..Chosen::default()
    };
    order_page(
        &state,
        page,
        staff,
        chosen,
        FieldErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The account search of the phone order (`error`: why the account named was refused).
async fn choose_account(
    state: &AppState,
    page: Page,
    staff: Staff,
    search: Option<&str>,
    error: Option<String>,
) -> WebResult<Response> {
    let title = page.t("staff-booking-title");
    account_search(
        state,
        page,
        staff,
        title,
        NEW,
        |id| format!("{NEW}?account_id={id}"),
        search,
        error,
    )
    .await
}

/// Renders the order for what was chosen so far.
async fn order_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    chosen: Chosen,
    mut errors: FieldErrors,
    slot_error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let query = &chosen.query;
    let account = match super::optional_id("account_id", query.account_id.as_deref()) {
        Ok(Some(id)) => AccountId(id),
        Ok(None) => return choose_account(state, page, staff, query.q.as_deref(), None).await,
        Err(_) => return unknown_account(state, page, staff).await,
    };
    let choices = match staff_booking::choices(&state.app, staff, account, page.locale).await {
        Ok(choices) => choices,
        Err(BookingError::NotFound) => return unknown_account(state, page, staff).await,
        Err(e) => return Err(e.into()),
    };
    let now = state.clock.now();
    let order = match order(
        query.account_id.as_deref(),
        query.service_type_id.as_deref(),
        query.asset_id.as_deref(),
    ) {
        Ok(order) => order,
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
    let mut calendar_view = None;
    let mut slots = SlotsView::none();
    if let Some(order) = &order {
        match staff_booking::days(&state.app, staff, order, now).await {
            Ok(picker) => {
                calendar_view = Some(calendar(&page, &picker, date));
                if let Some(date) = date.filter(|_| picker.served) {
                    let list = staff_booking::slots(&state.app, staff, order, date, now).await?;
                    slots = slots_view(&page, &list, chosen.slot, chosen.technician, slot_error);
                }
            }
            Err(e) if crate::error::form_refusal_status(&e).is_some() => {
                errors.add_failure(page.locale, &e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let status = if status == StatusCode::OK && !errors.is_empty() {
        crate::error::INVALID
    } else {
        status
    };
    let view = NewPage {
        title: page.t1("staff-booking-title-for", "account", &choices.account.name),
        account_id: choices.account.id.0,
        account_active: choices.account.active,
        pickers: pickers(&page, &choices, order.as_ref(), query),
        service_type_id: order
            .map(|o| o.service_type.to_string())
            .unwrap_or_default(),
        asset_id: order
            .and_then(|o| o.asset)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        calendar: calendar_view,
        slots,
        comments: chosen.comments,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        form_id: BOOK_FORM,
        errors,
        page,
    };
    render_with_status(status, &view)
}

/// An account that does not exist (an edited address): the search again, saying so.
async fn unknown_account(state: &AppState, page: Page, staff: Staff) -> WebResult<Response> {
    let error = page.t("staff-booking-account-unknown");
    choose_account(state, page, staff, None, Some(error)).await
}

/// The asset picker (optional; hidden assets say so) and the service type picker (every
/// active one; staff-only ones say so).
fn pickers(
    page: &Page,
    choices: &OrderChoices,
    order: Option<&Order>,
    query: &NewQuery,
) -> Vec<Picker> {
    let hidden = page.t("staff-booking-asset-hidden");
    let asset = order
        .and_then(|o| o.asset)
        .map(|a| a.to_string())
        .or_else(|| query.asset_id.clone())
        .unwrap_or_default();
    let assets = Picker::new(
        "asset_id",
        page.t("staff-booking-asset-label"),
        &asset,
        choices.assets.iter().map(|a| {
            let mut label = a.name.clone();
            if !a.product.trim().is_empty() {
                label = format!("{label} ({})", a.product);
            }
            if !a.expose_to_customer {
                label = format!("{label} — {hidden}");
            }
            (a.id.to_string(), label)
        }),
    )
    .optional(page.t("staff-booking-asset-none"));
    let staff_only = page.t("staff-booking-staff-only");
    let service_type = query.service_type_id.clone().unwrap_or_default();
    let mut service_types = Picker::new(
        "service_type_id",
        page.t("staff-booking-service-type-label"),
        &service_type,
        choices.service_types.iter().map(|s| {
            let mut label = page.locale.text_with(
                "bookings-service-type-option",
                &[
                    ("name", Arg::Str(&s.name)),
                    ("duration", Arg::Str(&duration(page, s.duration.minutes()))),
                ],
            );
            if !s.self_scheduling {
                label = format!("{label} — {staff_only}");
            }
            (s.id.to_string(), label)
        }),
    );
    if service_types.nothing_selected() {
        service_types = service_types.optional(page.t("staff-booking-service-type-choose"));
    }
    vec![assets, service_types]
}

/// "Karim Haddad: 12 min drive from the previous visit, 6.8 km".
fn candidate_line(page: &Page, c: &Candidate) -> String {
    let km = format!("{:.1}", c.travel_before.km)
        .replace('.', &onsite_i18n::number::decimal_mark(page.locale));
    page.locale.text_with(
        "staff-booking-candidate",
        &[
            ("name", Arg::Str(&c.name)),
            ("minutes", Arg::Num(c.travel_before.minutes as f64)),
            (
                "from",
                Arg::Str(match c.comes_from {
                    Place::HomeBase => "home",
                    Place::Visit => "visit",
                }),
            ),
            ("km", Arg::Str(&km)),
        ],
    )
}

fn slots_view(
    page: &Page,
    list: &RankedSlots,
    checked: Option<Timestamp>,
    technician: Option<TechnicianId>,
    error: Option<String>,
) -> SlotsView {
    let zone = &list.time_zone;
    let best = page.t("staff-booking-engine-choice");
    let slots = list
        .slots
        .iter()
        .map(|r| {
            let s = &r.slot;
            let start = s.start.to_zoned(zone.clone());
            let label = if s.repeated_wall_time {
                datetime::time_with_offset(page.locale, &start)
            } else if s.arrival_window_end > s.start {
                let end = s.arrival_window_end.to_zoned(zone.clone());
                datetime::time_range(page.locale, &start, &end)
            } else {
                datetime::time(page.locale, start.time())
            };
            SlotOption {
                value: s.start.to_string(),
                label,
                checked: checked == Some(s.start),
                technicians: r
                    .technicians
                    .iter()
                    .enumerate()
                    .map(|(k, c)| match k {
                        0 => format!("{} ({best})", candidate_line(page, c)),
                        _ => candidate_line(page, c),
                    })
                    .collect(),
            }
        })
        .collect();
    let mut everyone: Vec<(TechnicianId, String)> = list
        .slots
        .iter()
        .flat_map(|r| {
            r.technicians
                .iter()
                .map(|c| (c.technician_id, c.name.clone()))
        })
        .collect();
    everyone.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    everyone.dedup_by_key(|t| t.0);
    let technicians = Picker::new(
        "technician_id",
        page.t("staff-booking-technician-label"),
        &technician.map(|t| t.to_string()).unwrap_or_default(),
        everyone
            .into_iter()
            .map(|(id, name)| (id.to_string(), name)),
    )
    .optional(page.t("staff-booking-technician-best"));
    SlotsView {
        day: Some((
            list.date.to_string(),
            datetime::date(page.locale, list.date),
        )),
        slots,
        technicians,
        error,
    }
}

/// `GET /staff/bookings/new/slots?account_id=…&service_type_id=…&asset_id=…&date=…`: the slots
/// of one day with their technicians, as the fragment the day picker swaps in (htmx).
pub async fn slots(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(query): Query<NewQuery>,
) -> WebResult<Response> {
    let order = order(
        query.account_id.as_deref(),
        query.service_type_id.as_deref(),
        query.asset_id.as_deref(),
    )?;
    let date = parse_date("date", query.date.as_deref())?;
    let slots = match (order, date) {
        (Some(order), Some(date)) => {
            let list =
                staff_booking::slots(&state.app, staff, &order, date, state.clock.now()).await?;
            slots_view(&page, &list, None, None, None)
        }
        _ => SlotsView::none(),
    };
    render(&SlotsFragment {
        page,
        slots,
        form_id: BOOK_FORM,
    })
}

/// `POST /staff/bookings`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BookForm {
    account_id: Option<String>,
    service_type_id: Option<String>,
    asset_id: Option<String>,
    date: Option<String>,
    starts_at: Option<String>,
    technician_id: Option<String>,
    comments: Option<String>,
    idempotency_key: Option<String>,
}

/// `POST /staff/bookings`: Book for the customer, then the confirmation; a refusal shows the
/// order again with what was chosen and why (a time taken meanwhile: that day's slots again).
pub async fn book(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(form): Form<BookForm>,
) -> WebResult<Response> {
    let chosen = |slot, technician| Chosen {
        query: NewQuery {
            q: None,
            account_id: form.account_id.clone(),
            service_type_id: form.service_type_id.clone(),
            asset_id: form.asset_id.clone(),
            date: form.date.clone(),
        },
        slot,
        technician,
        comments: form.comments.clone().unwrap_or_default(),
    };
    let refused = |page, errors, slot_error, slot, technician, status| {
        order_page(
            &state,
            page,
            staff,
            chosen(slot, technician),
            errors,
            slot_error,
            status,
        )
    };
    let parsed = order(
        form.account_id.as_deref(),
        form.service_type_id.as_deref(),
        form.asset_id.as_deref(),
    )
    .and_then(|o| Ok((o, technician(form.technician_id.as_deref())?)));
    let (order, named) = match parsed {
        Ok((Some(order), named)) => (order, named),
        Ok((None, _)) => {
            let errors = FieldErrors::with(
                "service_type_id",
                page.t("staff-booking-service-type-unknown"),
            );
            return refused(page, errors, None, None, None, crate::error::INVALID).await;
        }
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add_invalid(page.locale, &e);
            return refused(page, errors, None, None, None, crate::error::INVALID).await;
        }
    };
    let Ok(slot) = parse_instant("starts_at", form.starts_at.as_deref()) else {
        let message = page.t("staff-booking-choose-time");
        let errors = FieldErrors::with("starts_at", message.clone());
        return refused(
            page,
            errors,
            Some(message),
            None,
            named,
            crate::error::INVALID,
        )
        .await;
    };
    let booked = staff_booking::book(
        &state.app,
        staff,
        StaffBookRequest {
            order,
            starts_at: slot,
            technician: named,
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
        Ok(booked) => Ok(see_other(&format!("/staff/bookings/{}", booked.visit.id))),
        Err(e) => {
            let Some(status) = crate::error::form_refusal_status(&e) else {
                return Err(e.into());
            };
            let message = e.message(page.locale);
            let mut errors = FieldErrors::new();
            let taken = matches!(e, BookingError::SlotTaken | BookingError::InvalidSlot(_));
            let slot_error = match &e {
                _ if taken => {
                    errors.add("starts_at", message.clone());
                    Some(message)
                }
                BookingError::TechnicianIneligible(_) | BookingError::TechnicianBusy => {
                    errors.add("technician_id", message.clone());
                    Some(message)
                }
                _ => {
                    errors.add_failure(page.locale, &e);
                    if errors.is_empty() {
                        errors.add(FORM, message);
                    }
                    None
                }
            };
            // Keep the chosen time checked unless it is the one that was just taken.
            let keep = (!taken).then_some(slot);
            refused(page, errors, slot_error, keep, named, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/booking_show.html")]
struct BookedPage {
    page: Page,
    title: String,
    account_id: i64,
    service_type: String,
    date: String,
    times: String,
    technician: String,
    asset: Option<String>,
    work_order: Option<String>,
    address: String,
    state: String,
    emailed: bool,
}

/// `GET /staff/bookings/{id}`: the visit just booked, and whether its customer was emailed.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let booked = staff_booking::booked(&state.app, staff, BookingId(id)).await?;
    let card = visit_card(&page, &booked.visit);
    let v = &booked.visit;
    let view = BookedPage {
        title: page.t1("staff-booking-visit-title", "account", &booked.account.name),
        account_id: booked.account.id.0,
        service_type: card.service_type,
        date: card.date,
        times: visit_times(
            &page,
            v.starts_at,
            v.arrival_window_end,
            v.ends_at,
            &v.time_zone,
        ),
        technician: card.technician,
        asset: card.asset,
        work_order: card.work_order,
        address: card.address,
        state: card.state,
        emailed: booked.emailed_to.is_some(),
        page,
    };
    render(&view)
}
