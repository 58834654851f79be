//! The technician's day (SPEC §4, issue 5), phone-first: today's visits in order with what is
//! needed at the door (address, customer and contact, service type, asset, the customer's
//! comments) and the buttons that move each one — **Start travel**, **Start work**,
//! **Complete** (with a note) — then tomorrow's list. A mistaken Start travel can be undone
//! for a few minutes (**Undo Start travel**); Start travel while on the way to another visit is
//! refused with **Go here instead**, which stops that travel and starts this one in one step.
//! A completed visit shows its note. A move swaps its visit's card in place with htmx (and the
//! card of a visit whose travel stopped, out of band), or without JavaScript submits the form
//! and comes back to the page. While a visit is Traveling, `technician.js` shares the phone's
//! position (`POST /technician/position`).
//!
//! Everything goes through `onsite_app::technician`: another technician's visit is not found,
//! and an illegal move is refused with the reason, nothing changed.

use crate::booking::pages::{state_label, visit_times};
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use onsite_app::booking::BookingError;
use onsite_app::technician::{self, DayVisit, TechnicianDay};
use onsite_domain::BookingId;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_i18n::datetime;
use onsite_store::visibility::Visibility;
use std::sync::LazyLock;

/// The tracking-app setup page (issue 5, location sharing): linked only once it exists in the
/// route table, so the link never leads to a 404.
const TRACKING_SETUP_ROUTE: &str = "/technician/tracking";

static TRACKING_SETUP_EXISTS: LazyLock<bool> = LazyLock::new(|| {
    crate::routes::table()
        .iter()
        .any(|r| r.path == TRACKING_SETUP_ROUTE)
});

/// A button of a visit card: the move it makes in the visit's state.
#[derive(Debug, Clone)]
struct Move {
    action: &'static str,
    label: String,
    /// Complete takes an optional note.
    note: bool,
}

fn moves(page: &Page, v: &DayVisit) -> Vec<Move> {
    let plain = |action, label: &str| Move {
        action,
        label: page.t(label),
        note: false,
    };
    match v.state() {
        BookingState::Scheduled => vec![plain("start_travel", "technician-action-start-travel")],
        BookingState::Traveling => {
            let mut moves = vec![plain("start_work", "technician-action-start-work")];
            if v.undo_until.is_some() {
                moves.push(plain("stop_travel", "technician-action-undo-travel"));
            }
            moves
        }
        BookingState::InProgress => vec![Move {
            note: true,
            ..plain("complete", "technician-action-complete")
        }],
        BookingState::Completed | BookingState::Canceled => Vec::new(),
    }
}

/// A visit as its card shows it, every text in the technician's language and zone.
#[derive(Debug, Clone)]
struct Card {
    id: BookingId,
    times: String,
    state_key: &'static str,
    state: String,
    customer: String,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    /// The phone for a `tel:` link (digits and the leading `+`).
    contact_tel: Option<String>,
    contact_email: Option<String>,
    address: String,
    /// The address on a map (OpenStreetMap), for directions.
    map_link: String,
    service_type: String,
    asset: Option<String>,
    comments: Option<String>,
    work_order: String,
    /// The buttons (none on tomorrow's list).
    moves: Vec<Move>,
    /// The technician's completion note.
    completion_note: Option<String>,
    /// Why the last move was refused.
    error: Option<String>,
    /// Refused because the technician is on the way to another visit: offer to go here
    /// instead (the other visit's customer).
    travel_instead: Option<String>,
    /// Swapped in out of band (another card an htmx answer also changed).
    out_of_band: bool,
}

fn card(page: &Page, v: &DayVisit, act: bool) -> Card {
    let b = &v.visit.booking;
    // Technicians are staff: they see every record.
    let records = v.visit.records(Visibility::All);
    let zone = &v.time_zone;
    let (lat, lon) = (v.location.lat(), v.location.lon());
    Card {
        id: b.id,
        times: visit_times(
            page,
            b.starts_at,
            v.visit.arrival_window_end.unwrap_or(b.starts_at),
            b.ends_at,
            zone,
        ),
        state_key: b.state.as_str(),
        state: state_label(page, b.state),
        customer: v.account_name.clone(),
        contact_name: v.contact.as_ref().map(|c| c.name.clone()),
        contact_phone: v.contact.as_ref().and_then(|c| c.phone.clone()),
        contact_tel: v
            .contact
            .as_ref()
            .and_then(|c| c.phone.as_deref())
            .map(|p| {
                p.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect()
            }),
        contact_email: v.contact.as_ref().map(|c| c.email.clone()),
        address: v.address.clone(),
        map_link: format!(
            "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}"
        ),
        service_type: v.visit.service_type.clone(),
        asset: records.asset.map(str::to_owned),
        comments: records
            .comments
            .filter(|c| !c.trim().is_empty())
            .map(str::to_owned),
        work_order: records.work_order_number.unwrap_or_default().to_owned(),
        moves: if act { moves(page, v) } else { Vec::new() },
        completion_note: v.completion_note.clone(),
        error: None,
        travel_instead: None,
        out_of_band: false,
    }
}

#[derive(Template)]
#[template(path = "technician/day.html")]
struct DayPage {
    page: Page,
    errors: FieldErrors,
    today: String,
    tomorrow: String,
    zone: String,
    today_visits: Vec<Card>,
    tomorrow_visits: Vec<Card>,
    /// Tracking is on: the page may share the phone's position.
    tracking: bool,
    /// A visit is Traveling: the page shares the phone's position.
    traveling: bool,
    tracking_setup: Option<&'static str>,
}

/// The answer to an htmx move: the visit's card, and the cards of other visits the move
/// changed (swapped out of band).
#[derive(Template)]
#[template(path = "technician/card_fragment.html")]
struct CardFragment {
    page: Page,
    card: Card,
    others: Vec<Card>,
}

fn day_page(page: Page, day: &TechnicianDay, errors: FieldErrors) -> DayPage {
    let zone = &day.time_zone;
    let cards = |visits: &[DayVisit], act: bool| -> Vec<Card> {
        visits.iter().map(|v| card(&page, v, act)).collect()
    };
    DayPage {
        today: datetime::date(page.locale, day.today),
        tomorrow: datetime::date(page.locale, day.tomorrow),
        zone: zone.iana_name().unwrap_or("UTC").to_owned(),
        today_visits: cards(&day.today_visits, true),
        tomorrow_visits: cards(&day.tomorrow_visits, false),
        tracking: day.tracking,
        traveling: day.traveling(),
        tracking_setup: (*TRACKING_SETUP_EXISTS && day.tracking).then_some(TRACKING_SETUP_ROUTE),
        errors,
        page,
    }
}

/// `GET /technician`: the day.
pub async fn day(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let day = technician::day(&state.app, user.grant()?, state.clock.now()).await?;
    render(&day_page(page, &day, FieldErrors::new()))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TransitionForm {
    action: Option<String>,
    note: Option<String>,
}

/// The moves a technician makes; anything else (canceling included) is not one.
pub(crate) fn parse_action(raw: Option<&str>) -> Option<BookingAction> {
    match raw.map(str::trim) {
        Some("start_travel") => Some(BookingAction::StartTravel),
        Some("stop_travel") => Some(BookingAction::StopTravel),
        Some("start_work") => Some(BookingAction::StartWork),
        Some("complete") => Some(BookingAction::Complete),
        _ => None,
    }
}

/// Why a move was refused, in words the technician can act on.
fn refusal(page: &Page, e: &BookingError) -> String {
    match e {
        BookingError::NotModifiable(now) => {
            page.t1("technician-move-refused", "state", state_label(page, *now))
        }
        BookingError::Changed => page.t("technician-move-changed"),
        other => page.t(other.message_id()),
    }
}

/// `POST /technician/visits/{id}/transition`: moves one of the technician's visits
/// (`action`: `start_travel`, `stop_travel`, `start_work`, `complete` with `note`, or
/// `travel_instead`). With htmx the answer is the visit's card (refused: the card with the
/// reason, 409/422, which the page announces); without, back to the day (refused: the day with
/// the reason).
pub async fn transition(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    headers: HeaderMap,
    PathId(id): PathId<BookingId>,
    Form(form): Form<TransitionForm>,
) -> WebResult<Response> {
    let htmx = headers.get("hx-request").is_some_and(|v| v == "true");
    let now = state.clock.now();
    let on_duty = user.grant()?;
    let done = if form.action.as_deref().map(str::trim) == Some("travel_instead") {
        technician::travel_instead(&state.app, on_duty, id, now).await
    } else {
        match parse_action(form.action.as_deref()) {
            Some(action) => {
                let note = form.note.as_deref().filter(|n| !n.trim().is_empty());
                technician::transition(&state.app, on_duty, id, action, note, now)
                    .await
                    .map(|visit| (visit, None))
            }
            None => Err(BookingError::Invalid(onsite_domain::InvalidInput::new(
                "action", "unknown",
            ))),
        }
    };
    let (status, message, other) = match done {
        Ok((visit, stopped)) if htmx => {
            let card = card(&page, &visit, true);
            let others = stopped
                .iter()
                .map(|v| Card {
                    out_of_band: true,
                    ..self::card(&page, v, true)
                })
                .collect();
            return render(&CardFragment { page, card, others });
        }
        Ok(_) => {
            return Ok(see_other(&format!(
                "/technician?notice=visit-updated#visit-{id}"
            )));
        }
        Err(e) if e.is_internal() || matches!(e, BookingError::NotFound) => return Err(e.into()),
        Err(e) => {
            let status = crate::error::status(&e);
            let other = match e {
                BookingError::AlreadyTraveling(other) => Some(other),
                _ => None,
            };
            let message = match &e {
                BookingError::Invalid(i) if i.field == "action" => {
                    page.t("technician-unknown-action")
                }
                _ => refusal(&page, &e),
            };
            (status, message, other)
        }
    };
    // Where the technician is on the way to, to offer going here instead.
    let traveling_to = match other {
        Some(other) => Some(technician::visit(&state.app, on_duty, other, now).await?),
        None => None,
    };
    let instead = traveling_to.map(|v| {
        page.t1(
            "technician-travel-instead-question",
            "customer",
            v.account_name.clone(),
        )
    });
    if htmx {
        // The card as it is now, with the reason.
        let visit = technician::visit(&state.app, on_duty, id, now).await?;
        let mut card = card(&page, &visit, true);
        card.error = Some(message);
        card.travel_instead = instead;
        let html = CardFragment {
            page,
            card,
            others: Vec::new(),
        };
        return render_with_status(status, &html);
    }
    let day = technician::day(&state.app, on_duty, now).await?;
    let mut view = day_page(page, &day, FieldErrors::with(FORM, message));
    if let Some(card) = view.today_visits.iter_mut().find(|c| c.id == id) {
        card.travel_instead = instead;
    }
    render_with_status(status, &view)
}
