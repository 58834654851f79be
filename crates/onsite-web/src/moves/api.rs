//! `POST /api/v1/staff/visits/{id}/move`: the board's drag and drop (and any client) checks and
//! moves a visit. A refusal answers 409 with every reason, worded in the caller's language
//! and saying whether a dispatcher may override it (`MoveRefused`, the one 409 shape of this
//! route); `dry_run` only checks. See docs/dispatch.md and docs/api.md.

use super::technician_id;
use crate::input::{PathId, parse_instant};
use crate::locale::Lang;
use crate::openapi::{Errors, Invalid, JsonBody, NotFound};
use crate::session::Granted;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use onsite_app::failure::{Failure, Kind};
use onsite_app::moves::{self, MoveCheck, MoveError, Target};
use onsite_app::policy::Staff;
use onsite_domain::booking::BookingState;
use onsite_domain::{BookingId, InvalidInput};
use onsite_i18n::Locale;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::openapi::enum_schema!(
    /// The kinds of reasons a move is refused.
    ReasonCode,
    onsite_app::moves::REASON_CODES,
);

/// The body: where the visit goes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The technician to give the visit to (the one it has, to change only the time).
    #[schema(value_type = i64, required = true)]
    #[serde(default)]
    technician_id: Option<serde_json::Value>,
    /// The new start, an RFC 3339 instant; the visit keeps its length.
    #[schema(value_type = String, format = DateTime, required = true)]
    #[serde(default)]
    starts_at: Option<serde_json::Value>,
    /// The dispatcher's reason to override working hours, time off or travel time (recorded).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    reason: Option<serde_json::Value>,
    /// Only check: nothing changes.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    dry_run: Option<serde_json::Value>,
}

/// One reason a move is refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveReason {
    #[schema(value_type = ReasonCode)]
    code: &'static str,
    /// The reason in the caller's language ("Karim lacks Refrigeration ≥ 3").
    message: String,
    /// A dispatcher may move anyway, stating a `reason`.
    overridable: bool,
}

/// The visit's technician and time (after the move when it moved).
#[derive(Debug, Serialize, ToSchema)]
pub struct MovedVisit {
    id: i64,
    technician_id: i64,
    #[schema(format = DateTime)]
    starts_at: String,
    #[schema(format = DateTime)]
    ends_at: String,
    #[schema(value_type = crate::openapi::State)]
    state: BookingState,
}

/// A move done, not needed, or (`dry_run`) checked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveAnswer {
    /// `false` for a dry run, or when the visit already had that technician and time.
    moved: bool,
    visit: MovedVisit,
    /// What refuses the move (a dry run), or what the stated reason overrode.
    reasons: Vec<MoveReason>,
}

/// A move refused: this route's 409, whatever the cause.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveRefused {
    /// `move_refused` (see `reasons`), `not_modifiable` (only Scheduled visits move) or
    /// `changed` (someone changed the visit meanwhile: look again).
    error: &'static str,
    message: String,
    /// Every reason, when the move itself is refused.
    reasons: Vec<MoveReason>,
}

fn reasons(check: &MoveCheck, locale: Locale) -> Vec<MoveReason> {
    check
        .reasons(locale)
        .into_iter()
        .map(|r| MoveReason {
            code: r.code,
            message: r.message,
            overridable: r.overridable,
        })
        .collect()
}

fn visit_at(check: &MoveCheck, moved: bool) -> MovedVisit {
    let at = if moved { &check.to } else { &check.from };
    MovedVisit {
        id: check.visit.booking.id.0,
        technician_id: at.technician_id.0,
        starts_at: at.starts_at.to_string(),
        ends_at: at.ends_at.to_string(),
        state: check.visit.booking.state,
    }
}

/// The body read strictly, each member refused by name.
fn target(body: &MoveRequest) -> Result<(Target, Option<String>, bool), InvalidInput> {
    let text = |field: &'static str, v: &Option<serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(InvalidInput::new(field, "invalid")),
    };
    let technician = match &body.technician_id {
        Some(serde_json::Value::Number(n)) => technician_id(Some(&n.to_string()))?,
        _ => return Err(InvalidInput::new("technician_id", "required")),
    };
    let starts_at = match &body.starts_at {
        Some(serde_json::Value::String(s)) => parse_instant("starts_at", Some(s))?,
        _ => return Err(InvalidInput::new("starts_at", "required")),
    };
    let reason = match &body.reason {
        Some(serde_json::Value::Number(_)) => return Err(InvalidInput::new("reason", "invalid")),
        other => text("reason", other)?.filter(|r| !r.trim().is_empty()),
    };
    let dry_run = match &body.dry_run {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => return Err(InvalidInput::new("dry_run", "invalid")),
    };
    Ok((
        Target {
            technician,
            starts_at,
        },
        reason,
        dry_run,
    ))
}

/// `POST /api/v1/staff/visits/{id}/move`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/visits/{id}/move",
    tag = "dispatch",
    summary = "Move a visit to another technician or time",
    description = "Checks the move with the scheduling engine (eligibility, the technician's \
        other visits with travel before and after, working hours, time off) and applies it, \
        again under the technician's lock. Only Scheduled visits move; the visit keeps its \
        length. Working hours, time off and travel may be overridden with a `reason` (recorded \
        in the audit log); eligibility, an overlap and the past never. The customer gets the \
        new time by email with the updated calendar invitation. The same technician and time \
        changes nothing (`moved: false`). With `dry_run`, only the verdict.",
    params(PathId<BookingId>),
    request_body = MoveRequest,
    responses(
        (status = 200, description = "Moved, unchanged, or (dry run) checked.", body = MoveAnswer),
        (status = 409, description = "Refused: `move_refused` with every reason, \
            `not_modifiable` or `changed`.", body = MoveRefused),
        Errors<(JsonBody, NotFound, Invalid)>,
    ),
)]
pub async fn move_visit(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<BookingId>,
    Json(body): Json<MoveRequest>,
) -> WebResult<Response> {
    let (target, reason, dry_run) = target(&body)?;
    let now = state.clock.now();
    let done = if dry_run {
        moves::check_move(&state.app, staff, id, target, now)
            .await
            .map(|check| (false, check))
    } else {
        moves::move_visit(&state.app, staff, id, target, reason, now)
            .await
            .map(|m| (m.moved, m.check))
    };
    match done {
        Ok((moved, check)) => Ok(Json(MoveAnswer {
            moved,
            visit: visit_at(&check, moved),
            reasons: reasons(&check, locale),
        })
        .into_response()),
        Err(e) if e.kind() == Kind::Conflict => {
            let reasons = match &e {
                MoveError::Refused(check) => reasons(check, locale),
                _ => Vec::new(),
            };
            let body = MoveRefused {
                error: e.code(),
                message: e.message(locale),
                reasons,
            };
            Ok((crate::error::status(&e), Json(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
