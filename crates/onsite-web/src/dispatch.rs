//! The dispatcher's board (staff, `Dispatch`): the visits of a day (or of the days after it),
//! by technician and state, with the visits flagged for attention first, and the buttons that
//! move a visit through its states — Start travel, Start work, Complete (with a note), Cancel
//! (with a reason) — through `onsite_app::booking::transition`, which records who and when and
//! sends the customer's emails. Reassigning visits by hand is the back office's (issue 10).

use crate::booking::pages::state_label;
use crate::forms::{FORM, FieldErrors};
use crate::guard::{encode_component, see_other};
use crate::input::PathId;
use crate::input::{parse_date, parse_id};
use crate::layout::{Page, render_with_status};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use onsite_app::board;
use onsite_app::booking::{self, BookingError};
use onsite_domain::BookingId;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::{InvalidInput, TechnicianId};
use onsite_i18n::datetime;
use onsite_store::visibility::Visibility;
use onsite_store::visit_board::{BoardFilter, BoardVisit};

/// Most visits one board shows (the page says when there are more: narrow the filters).
const BOARD_LIMIT: i64 = 400;
/// Most days one board spans.
const MAX_DAYS: i64 = 14;

/// The board's filters, as the query string (and the transition forms) carry them.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct BoardQuery {
    /// `YYYY-MM-DD`; today by default.
    pub day: Option<String>,
    /// How many days from `day`: 1 (that day) to 14.
    pub days: Option<String>,
    pub technician: Option<String>,
    pub state: Option<String>,
}

/// The filters, checked.
#[derive(Debug, Clone)]
struct Filters {
    day: Date,
    days: i64,
    technician: Option<TechnicianId>,
    state: Option<BookingState>,
}

impl Filters {
    fn parse(query: &BoardQuery, today: Date, errors: &mut FieldErrors, page: &Page) -> Filters {
        let mut invalid = |e: InvalidInput| errors.add_invalid(page.locale, &e);
        let day = parse_date("day", query.day.as_deref())
            .unwrap_or_else(|e| {
                invalid(e);
                None
            })
            .unwrap_or(today);
        let days = match query
            .days
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => 1,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if (1..=MAX_DAYS).contains(&n) => n,
                _ => {
                    invalid(InvalidInput::new("days", "out-of-range"));
                    1
                }
            },
        };
        let technician = match query
            .technician
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => match parse_id(raw) {
                Some(id) => Some(TechnicianId(id)),
                None => {
                    invalid(InvalidInput::new("technician", "unknown"));
                    None
                }
            },
        };
        let state = match query
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => BookingState::parse(raw).map(Some).unwrap_or_else(|e| {
                invalid(e);
                None
            }),
        };
        Filters {
            day,
            days,
            technician,
            state,
        }
    }

    /// The board's address with these filters.
    fn link(&self) -> String {
        let mut link = format!("/staff/visits?day={}&days={}", self.day, self.days);
        if let Some(t) = self.technician {
            link.push_str(&format!("&technician={t}"));
        }
        if let Some(s) = self.state {
            link.push_str(&format!("&state={}", encode_component(s.as_str())));
        }
        link
    }
}

/// A move the board offers for a visit in its state.
#[derive(Debug, Clone)]
struct Move {
    action: &'static str,
    label: String,
    /// Cancel needs a reason; Complete takes an optional note.
    note: Option<NoteField>,
    danger: bool,
}

#[derive(Debug, Clone)]
struct NoteField {
    label: String,
    required: bool,
}

fn moves(page: &Page, state: BookingState) -> Vec<Move> {
    let plain = |action, label: &str| Move {
        action,
        label: page.t(label),
        note: None,
        danger: false,
    };
    let cancel = Move {
        action: "cancel",
        label: page.t("dispatch-action-cancel"),
        note: Some(NoteField {
            label: page.t("dispatch-cancel-reason"),
            required: true,
        }),
        danger: true,
    };
    match state {
        BookingState::Scheduled => vec![
            plain("start_travel", "dispatch-action-start-travel"),
            cancel,
        ],
        BookingState::Traveling => vec![
            plain("start_work", "dispatch-action-start-work"),
            plain("stop_travel", "dispatch-action-stop-travel"),
            cancel,
        ],
        BookingState::InProgress => vec![Move {
            action: "complete",
            label: page.t("dispatch-action-complete"),
            note: Some(NoteField {
                label: page.t("dispatch-complete-note"),
                required: false,
            }),
            danger: false,
        }],
        BookingState::Completed | BookingState::Canceled => Vec::new(),
    }
}

#[derive(Debug, Clone)]
struct Row {
    id: i64,
    date: String,
    times: String,
    technician: String,
    customer: String,
    service_type: String,
    asset: Option<String>,
    work_order: String,
    state_key: &'static str,
    state: String,
    needs_new_time: bool,
    cancel_reason: Option<String>,
    /// The technician's note on completing it.
    completion_note: Option<String>,
    moves: Vec<Move>,
}

fn row(page: &Page, v: &BoardVisit, zone: &TimeZone) -> Row {
    let b = &v.visit.booking;
    let records = v.visit.records(Visibility::All);
    Row {
        id: b.id.0,
        date: datetime::date(page.locale, b.starts_at.to_zoned(zone.clone()).date()),
        // The zone is said once above the table: the times go without it.
        times: datetime::time_range(
            page.locale,
            &b.starts_at.to_zoned(zone.clone()),
            &b.ends_at.to_zoned(zone.clone()),
        ),
        technician: v.visit.technician_name.clone(),
        customer: v.account_name.clone(),
        service_type: v.visit.service_type.clone(),
        asset: records.asset.map(str::to_owned),
        work_order: records.work_order_number.unwrap_or_default().to_owned(),
        state_key: b.state.as_str(),
        state: state_label(page, b.state),
        needs_new_time: v.visit.needs_new_time,
        cancel_reason: b.cancel_reason.clone(),
        completion_note: v.completion_note.clone(),
        moves: moves(page, b.state),
    }
}

#[derive(Debug, Clone)]
struct Option_ {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "dispatch/visits.html")]
struct BoardPage {
    page: Page,
    errors: FieldErrors,
    /// "Tuesday, June 9, 2026" (or the period), and the zone the times are in.
    period: String,
    zone: String,
    day: String,
    days: i64,
    previous: String,
    next: String,
    technicians: Vec<Option_>,
    states: Vec<Option_>,
    attention: Vec<Row>,
    rows: Vec<Row>,
    truncated: bool,
    /// The filters as hidden fields of the transition forms (to come back to the same board).
    technician: String,
    state: String,
}

/// The zone the board reads days and times in: the dispatcher's profile zone, else the zone
/// of the first technician (the company's own), else UTC.
fn board_zone(user: &CurrentUser, first_technician: Option<&TimeZone>) -> TimeZone {
    user.user
        .time_zone
        .as_deref()
        .and_then(|z| TimeZone::get(z).ok())
        .or_else(|| first_technician.cloned())
        .unwrap_or(TimeZone::UTC)
}

async fn board_view(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    query: &BoardQuery,
    mut errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let grant = user.principal().staff().ok_or(crate::WebError::Forbidden)?;
    let technicians = board::technicians(&state.app, grant).await?;
    let staff = &technicians;
    let zone = board_zone(
        user,
        staff.first().map(|t| t.time_zone.time_zone()).as_ref(),
    );
    let today = state.clock.now().to_zoned(zone.clone()).date();
    let filters = Filters::parse(query, today, &mut errors, &page);
    let start = filters
        .day
        .to_zoned(zone.clone())
        .map_err(|_| InvalidInput::new("day", "date"))?;
    let end = filters
        .day
        .checked_add(filters.days.days())
        .and_then(|d| d.to_zoned(zone.clone()))
        .map_err(|_| InvalidInput::new("day", "date"))?;
    let board::Board {
        visits: found,
        attention,
    } = board::board(
        &state.app,
        grant,
        &BoardFilter {
            from: start.timestamp(),
            to: end.timestamp(),
            technician: filters.technician,
            state: filters.state,
            limit: BOARD_LIMIT + 1,
        },
    )
    .await?;
    let status = if status == StatusCode::OK && !errors.is_empty() {
        crate::error::INVALID
    } else {
        status
    };
    let truncated = found.len() as i64 > BOARD_LIMIT;
    let rows = found
        .iter()
        .take(BOARD_LIMIT as usize)
        .map(|v| row(&page, v, &zone))
        .collect();
    let attention = attention.iter().map(|v| row(&page, v, &zone)).collect();
    let first = datetime::date(page.locale, filters.day);
    let period = if filters.days == 1 {
        first
    } else {
        let last = filters
            .day
            .checked_add((filters.days - 1).days())
            .unwrap_or(filters.day);
        page.locale.text_with(
            "dispatch-period",
            &[
                ("from", onsite_i18n::Arg::Str(&first)),
                (
                    "to",
                    onsite_i18n::Arg::Str(&datetime::date(page.locale, last)),
                ),
            ],
        )
    };
    let shifted = |by: i64| Filters {
        day: filters.day.checked_add(by.days()).unwrap_or(filters.day),
        ..filters.clone()
    };
    let view = BoardPage {
        errors,
        period,
        zone: zone.iana_name().unwrap_or("UTC").to_owned(),
        day: filters.day.to_string(),
        days: filters.days,
        previous: shifted(-filters.days).link(),
        next: shifted(filters.days).link(),
        technicians: staff
            .iter()
            .map(|t| Option_ {
                value: t.id.to_string(),
                label: t.name.clone(),
                selected: filters.technician == Some(t.id),
            })
            .collect(),
        states: BookingState::ALL
            .iter()
            .map(|s| Option_ {
                value: s.as_str().to_owned(),
                label: state_label(&page, *s),
                selected: filters.state == Some(*s),
            })
            .collect(),
        attention,
        rows,
        truncated,
        technician: filters
            .technician
            .map(|t| t.to_string())
            .unwrap_or_default(),
        state: filters
            .state
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        page,
    };
    render_with_status(status, &view)
}

/// `GET /staff/visits`: the board.
pub async fn board(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<BoardQuery>,
) -> WebResult<Response> {
    board_view(
        &state,
        page,
        &user,
        &query,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TransitionForm {
    action: Option<String>,
    note: Option<String>,
    day: Option<String>,
    days: Option<String>,
    technician: Option<String>,
    state: Option<String>,
}

/// The board the transition form came from, with the confirmation.
fn return_link(query: &BoardQuery) -> String {
    let mut link = "/staff/visits?notice=visit-updated".to_owned();
    for (key, value) in [
        ("day", &query.day),
        ("days", &query.days),
        ("technician", &query.technician),
        ("state", &query.state),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            link.push_str(&format!("&{key}={}", encode_component(v)));
        }
    }
    link
}

pub(crate) fn parse_action(raw: Option<&str>) -> Result<BookingAction, InvalidInput> {
    match raw.map(str::trim) {
        Some("start_travel") => Ok(BookingAction::StartTravel),
        Some("stop_travel") => Ok(BookingAction::StopTravel),
        Some("start_work") => Ok(BookingAction::StartWork),
        Some("complete") => Ok(BookingAction::Complete),
        Some("cancel") => Ok(BookingAction::Cancel),
        None | Some("") => Err(InvalidInput::new("action", "required")),
        Some(_) => Err(InvalidInput::new("action", "unknown")),
    }
}

/// `POST /staff/visits/{id}/transition`: moves the visit (action, and the note or the cancel
/// reason), then back to the same board.
pub async fn transition(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Form(form): Form<TransitionForm>,
) -> WebResult<Response> {
    let query = BoardQuery {
        day: form.day.clone(),
        days: form.days.clone(),
        technician: form.technician.clone(),
        state: form.state.clone(),
    };
    let action = match parse_action(form.action.as_deref()) {
        Ok(a) => a,
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add_invalid(page.locale, &e);
            return board_view(&state, page, &user, &query, errors, crate::error::INVALID).await;
        }
    };
    let note = form.note.as_deref().filter(|n| !n.trim().is_empty());
    let done = booking::transition(
        &state.app,
        user.grant()?,
        id,
        action,
        note,
        state.clock.now(),
    )
    .await;
    match done {
        Ok(_) => Ok(see_other(&return_link(&query))),
        Err(e) if e.is_internal() || matches!(e, BookingError::NotFound) => Err(e.into()),
        Err(e) => {
            let status = crate::error::status(&e);
            let mut errors = FieldErrors::new();
            errors.add(FORM, page.t(e.message_id()));
            board_view(&state, page, &user, &query, errors, status).await
        }
    }
}
