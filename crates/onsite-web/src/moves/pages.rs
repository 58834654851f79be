//! The "Move…" dialog: the keyboard and screen-reader path for every drag on the board. A plain
//! form (no script needed): pick the technician, the date and the time (in the zone the page
//! names), **Check** (a GET: the verdict as a list of reasons) and **Move** (a POST: 303 back to
//! the board on the new day, or the page again with 422 and the reasons). When every reason
//! may be overridden, a required "Reason for the override" appears and **Move anyway** is
//! allowed.

use super::technician_id;
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::{PathId, parse_date};
use crate::layout::{Page, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Time;
use onsite_app::failure::{Failure, Kind};
use onsite_app::moves::{self, MoveCheck, MoveDialog, MoveError, Target};
use onsite_app::policy::Staff;
use onsite_domain::{BookingId, InvalidInput};
use onsite_i18n::{Arg, datetime};
use onsite_store::visibility::Visibility;

/// What the dialog's form carries (a link's query string and the form's body alike).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MoveForm {
    technician_id: Option<String>,
    date: Option<String>,
    time: Option<String>,
    reason: Option<String>,
    /// `check` (the Check button): the verdict only, nothing moves. The Check posts the form
    /// like Move does, so that the session's CSRF token never lands in a URL.
    intent: Option<String>,
}

#[derive(Debug, Clone)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Debug, Clone)]
struct ReasonView {
    message: String,
    overridable: bool,
}

#[derive(Debug, Clone)]
struct VerdictView {
    summary: String,
    overridable: bool,
    reasons: Vec<ReasonView>,
}

#[derive(Template)]
#[template(path = "moves/dialog.html")]
struct DialogPage {
    page: Page,
    errors: FieldErrors,
    id: i64,
    title: String,
    intro: String,
    zone_note: String,
    time_label: String,
    technicians: Vec<Choice>,
    date: String,
    time: String,
    reason: String,
    verdict: Option<VerdictView>,
    board: String,
}

fn verdict_view(page: &Page, check: &MoveCheck) -> VerdictView {
    VerdictView {
        summary: check.summary(page.locale),
        overridable: check.verdict.overridable(),
        reasons: check
            .reasons(page.locale)
            .into_iter()
            .map(|r| ReasonView {
                message: r.message,
                overridable: r.overridable,
            })
            .collect(),
    }
}

/// The form read: the target, with every field at fault recorded.
fn read(
    form: &MoveForm,
    dialog: &MoveDialog,
    errors: &mut FieldErrors,
    page: &Page,
) -> Option<Target> {
    let refuse = |errors: &mut FieldErrors, e: InvalidInput| {
        errors.add(e.field, page.t(MoveError::Invalid(e.clone()).message_id()))
    };
    let technician = technician_id(form.technician_id.as_deref())
        .map_err(|e| refuse(errors, e))
        .ok();
    let date = match parse_date("date", form.date.as_deref()) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            refuse(errors, InvalidInput::new("date", "required"));
            None
        }
        Err(e) => {
            refuse(errors, e);
            None
        }
    };
    let time = match form
        .time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) if t.len() <= 8 => t.parse::<Time>().ok(),
        _ => None,
    };
    if time.is_none() {
        refuse(errors, InvalidInput::new("time", "time"));
    }
    let starts_at = date
        .zip(time)
        .and_then(|(d, t)| d.to_datetime(t).to_zoned(dialog.zone.clone()).ok())
        .map(|z| z.timestamp());
    if date.is_some() && time.is_some() && starts_at.is_none() {
        refuse(errors, InvalidInput::new("date", "date"));
    }
    Some(Target {
        technician: technician?,
        starts_at: starts_at?,
    })
}

fn render(
    page: Page,
    dialog: &MoveDialog,
    form: &MoveForm,
    errors: FieldErrors,
    verdict: Option<VerdictView>,
    status: StatusCode,
) -> WebResult<Response> {
    let visit = &dialog.visit;
    let b = &visit.booking;
    let at = b.starts_at.to_zoned(dialog.zone.clone());
    let number = visit
        .records(Visibility::All)
        .work_order_number
        .unwrap_or_default()
        .to_owned();
    let when = datetime::date_time(page.locale, &at);
    let selected = form
        .technician_id
        .as_deref()
        .map(str::trim)
        .map(str::to_owned)
        .unwrap_or_else(|| b.technician_id.0.to_string());
    let technicians = dialog
        .technicians
        .iter()
        .map(|t| Choice {
            value: t.id.0.to_string(),
            label: if t.active {
                t.name.clone()
            } else {
                page.locale
                    .text_with("moves-technician-inactive", &[("name", Arg::Str(&t.name))])
            },
            selected: selected == t.id.0.to_string(),
        })
        .collect();
    let zone = dialog.zone.iana_name().unwrap_or("UTC");
    let view = DialogPage {
        errors,
        id: b.id.0,
        title: page
            .locale
            .text_with("moves-title", &[("number", Arg::Str(&number))]),
        intro: page.locale.text_with(
            "moves-intro",
            &[
                ("service", Arg::Str(&visit.service_type)),
                ("account", Arg::Str(&dialog.account_name)),
                ("technician", Arg::Str(&visit.technician_name)),
                ("when", Arg::Str(&when)),
            ],
        ),
        zone_note: page
            .locale
            .text_with("moves-zone-note", &[("zone", Arg::Str(zone))]),
        time_label: page
            .locale
            .text_with("moves-time", &[("zone", Arg::Str(zone))]),
        technicians,
        date: form.date.clone().unwrap_or_else(|| at.date().to_string()),
        time: form
            .time
            .clone()
            .unwrap_or_else(|| at.time().strftime("%H:%M").to_string()),
        reason: form.reason.clone().unwrap_or_default(),
        verdict,
        board: format!("/staff/visits?day={}", at.date()),
        page,
    };
    render_with_status(status, &view)
}

/// `GET /staff/visits/{id}/move`: the dialog; with the form's fields (its Check button), the
/// verdict too.
pub async fn dialog(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<BookingId>,
    Query(form): Query<MoveForm>,
) -> WebResult<Response> {
    let now = state.clock.now();
    let dialog = moves::dialog(&state.app, staff, id).await?;
    let asked = form.technician_id.is_some() || form.date.is_some() || form.time.is_some();
    let mut errors = FieldErrors::new();
    if !asked {
        return render(page, &dialog, &form, errors, None, StatusCode::OK);
    }
    let Some(target) = read(&form, &dialog, &mut errors, &page) else {
        return render(page, &dialog, &form, errors, None, crate::error::INVALID);
    };
    verdict(&state, page, staff, id, &dialog, &form, target, now).await
}

/// The dialog with the verdict of moving the visit to `target`; nothing moves.
#[allow(clippy::too_many_arguments)]
async fn verdict(
    state: &AppState,
    page: Page,
    staff: Staff,
    id: BookingId,
    dialog: &MoveDialog,
    form: &MoveForm,
    target: Target,
    now: jiff::Timestamp,
) -> WebResult<Response> {
    match moves::check_move(&state.app, staff, id, target, now).await {
        Ok(check) => {
            let verdict = verdict_view(&page, &check);
            render(
                page,
                dialog,
                form,
                FieldErrors::new(),
                Some(verdict),
                StatusCode::OK,
            )
        }
        Err(e) => refused(page, dialog, form, e),
    }
}

/// `POST /staff/visits/{id}/move`: checks and moves, back to the board on the new day; with
/// `intent=check` (the Check button), the verdict only.
pub async fn move_visit(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<BookingId>,
    Form(form): Form<MoveForm>,
) -> WebResult<Response> {
    let now = state.clock.now();
    let dialog = moves::dialog(&state.app, staff, id).await?;
    let mut errors = FieldErrors::new();
    let Some(target) = read(&form, &dialog, &mut errors, &page) else {
        return render(page, &dialog, &form, errors, None, crate::error::INVALID);
    };
    if form.intent.as_deref() == Some("check") {
        return verdict(&state, page, staff, id, &dialog, &form, target, now).await;
    }
    let reason = form.reason.clone().filter(|r| !r.trim().is_empty());
    match moves::move_visit(&state.app, staff, id, target, reason, now).await {
        Ok(done) => {
            let day = done
                .check
                .to
                .starts_at
                .to_zoned(done.check.zone.clone())
                .date();
            let notice = if done.moved {
                "visit-moved"
            } else {
                "visit-unchanged"
            };
            Ok(see_other(&format!(
                "/staff/visits?day={day}&notice={notice}"
            )))
        }
        Err(e) => refused(page, &dialog, &form, e),
    }
}

/// The dialog again with what refused it: the reasons of a refused move (422: the target typed
/// is refused), a field at fault (422), a visit that is no longer Scheduled or changed
/// meanwhile (409); anything else is the error page.
fn refused(page: Page, dialog: &MoveDialog, form: &MoveForm, e: MoveError) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    match e {
        MoveError::Refused(check) => {
            let verdict = verdict_view(&page, &check);
            if check.verdict.overridable()
                && form.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
            {
                // Unreachable in practice (an overridable verdict with a reason moves).
                errors.add(FORM, check.summary(page.locale));
            }
            render(
                page,
                dialog,
                form,
                errors,
                Some(verdict),
                crate::error::INVALID,
            )
        }
        e if matches!(e.kind(), Kind::Invalid | Kind::Conflict) => {
            let status = crate::error::form_refusal_status(&e).unwrap_or(crate::error::INVALID);
            errors.add_failure(page.locale, &e);
            render(page, dialog, form, errors, None, status)
        }
        e => Err(e.into()),
    }
}
