//! Feedback on completed visits (SPEC §7, issue 5), the survey behind it and the portal
//! settings page's group of settings.
//!
//! A customer — a contact with self-scheduling of the visit's account — may send feedback on a
//! Completed visit of their account, once, while surveys are enabled (`surveys/enabled`): a
//! 1–5 rating, an optional comment, and an answer to each active question of the survey
//! (required ones must be answered). Bad input is refused with every problem named and nothing
//! stored; another account's visit is [`FeedbackError::NotFound`], like a missing one. The
//! database keeps it to one response per visit whatever the race
//! ([`FeedbackError::AlreadySent`]).
//!
//! Staff (dispatchers, admins) read the responses, newest first, filtered by technician,
//! service type or month, with the average rating per technician, per service type and per
//! month; administrators edit the survey (add, edit, reorder, retire and restore questions).

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Admin, Customer, Grant, Staff};
use crate::settings::{self, SettingError, SettingRow};
use jiff::Timestamp;
use onsite_domain::AccountId;
use onsite_domain::booking::BookingState;
use onsite_domain::feedback::{
    Answer, COMMENT_MAX, DEFAULT_LABEL_LANGUAGE, QuestionKind, QuestionLabels, Stars,
};
use onsite_domain::settings::{self as site, InvalidSetting, Setting, SettingValue};
use onsite_domain::text::free_text;
use onsite_domain::{BookingId, InvalidInput, ServiceTypeId, SurveyQuestionId, TechnicianId};
use onsite_i18n::Locale;
use onsite_store::feedback::{
    self as store, Average, Grouping, NewResponse, Question, QuestionSummary, Response,
    ResponseFilter,
};
use onsite_store::records::{Page, Start};
use onsite_store::{StoreError, accounts, audit, visits};
use std::borrow::Cow;

/// How many responses a page of the staff list holds (Next / Previous for the others).
pub const RESPONSES_PER_PAGE: u32 = 50;

/// The portal settings page's group: tracking on/off, the map's tile server, how long
/// positions are kept, surveys on/off.
pub const PORTAL_SETTINGS: [&Setting; 4] = [
    &site::TRACKING_ENABLED,
    &site::TRACKING_TILE_URL,
    &site::POSITION_RETENTION_DAYS,
    &site::SURVEYS_ENABLED,
];

/// What a form field was refused for: the field (`rating`, `comment`, `q-<id>` for a question,
/// `kind`, `label-<lang>` on the survey page) and the reason (`invalid-<reason>` in Fluent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub reason: &'static str,
}

impl Problem {
    fn of(field: impl Into<String>, e: InvalidInput) -> Problem {
        Problem {
            field: field.into(),
            reason: e.reason,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// Unknown, or another account's visit or question (never revealed as such).
    #[error("not found")]
    NotFound,
    /// Surveys are turned off (site setting).
    #[error("surveys are disabled")]
    Disabled,
    /// Only a Completed visit can be rated.
    #[error("a {0:?} visit cannot be rated")]
    NotCompleted(BookingState),
    /// This visit was rated already.
    #[error("feedback was already sent for this visit")]
    AlreadySent,
    /// What was typed, field by field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<Problem>),
    /// A portal setting outside its range (named with its range).
    #[error(transparent)]
    Setting(InvalidSetting),
    /// The map tile address is not a web address with `{z}`, `{x}` and `{y}`.
    #[error("the tile address must be an http(s) URL with {{z}}, {{x}} and {{y}}")]
    TileUrl,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl FeedbackError {
    /// The Fluent message id that explains the error (`feedback.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            FeedbackError::NotFound => "feedback-error-not-found",
            FeedbackError::Disabled => "feedback-error-disabled",
            FeedbackError::NotCompleted(_) => "feedback-error-not-completed",
            FeedbackError::AlreadySent => "feedback-error-already-sent",
            FeedbackError::Invalid(_) => "feedback-error-invalid",
            FeedbackError::Setting(_) => "feedback-error-setting",
            FeedbackError::TileUrl => "feedback-error-tile-url",
            FeedbackError::Store(_) => "error-internal",
        }
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, FeedbackError::Store(_))
    }
}

impl Failure for FeedbackError {
    fn kind(&self) -> Kind {
        match self {
            FeedbackError::NotFound => Kind::NotFound,
            FeedbackError::Disabled => Kind::Disabled,
            FeedbackError::NotCompleted(_) | FeedbackError::AlreadySent => Kind::Conflict,
            FeedbackError::Invalid(_) | FeedbackError::Setting(_) | FeedbackError::TileUrl => {
                Kind::Invalid
            }
            FeedbackError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            FeedbackError::NotCompleted(_) => "not_completed",
            FeedbackError::AlreadySent => "already_sent",
            FeedbackError::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            FeedbackError::Setting(s) => s.field(),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            FeedbackError::Store(e) => e.message(locale),
            _ => locale.text(self.message_id()),
        }
    }
}

impl From<SettingError> for FeedbackError {
    fn from(e: SettingError) -> Self {
        match e {
            SettingError::Invalid(i) => FeedbackError::Setting(i),
            SettingError::Store(s) => FeedbackError::Store(s),
        }
    }
}

pub type Result<T, E = FeedbackError> = std::result::Result<T, E>;

/// Whether surveys are on.
pub async fn surveys_enabled(conn: &mut onsite_store::Conn) -> Result<bool, StoreError> {
    Ok(matches!(
        onsite_store::settings::get(conn, &site::SURVEYS_ENABLED).await?,
        SettingValue::Bool(true)
    ))
}

// ---- The customer's side --------------------------------------------------------------------

/// What the Send Feedback page shows: the survey's active questions, and the response when it
/// was sent already.
#[derive(Debug, Clone)]
pub struct FeedbackPage {
    pub booking_id: BookingId,
    pub service_type: String,
    pub technician_name: String,
    pub starts_at: Timestamp,
    pub questions: Vec<Question>,
    pub sent: Option<Response>,
}

/// The visit, checked: the caller is a self-scheduling contact of its account, surveys are on,
/// it is Completed.
async fn rateable_visit(
    conn: &mut onsite_store::Conn,
    customer: Customer,
    id: BookingId,
) -> Result<visits::Visit> {
    let account = customer.account;
    let visit = match visits::visit(conn, id).await {
        Err(StoreError::NotFound) => return Err(FeedbackError::NotFound),
        other => other?,
    };
    if visit.account_id != account {
        return Err(FeedbackError::NotFound);
    }
    if !surveys_enabled(conn).await? {
        return Err(FeedbackError::Disabled);
    }
    if visit.booking.state != BookingState::Completed {
        return Err(FeedbackError::NotCompleted(visit.booking.state));
    }
    Ok(visit)
}

/// `GET` Send Feedback: the form, or what was sent.
pub async fn feedback_page(app: &App, customer: Customer, id: BookingId) -> Result<FeedbackPage> {
    let mut conn = app.store.conn().await?;
    let visit = rateable_visit(&mut conn, customer, id).await?;
    Ok(FeedbackPage {
        booking_id: id,
        service_type: visit.service_type.clone(),
        technician_name: visit.technician_name.clone(),
        starts_at: visit.booking.starts_at,
        questions: store::questions(&mut conn, false).await?,
        sent: store::response_for_booking(&mut conn, id).await?,
    })
}

/// What the customer typed (from the form or the API), field by field, as text.
#[derive(Debug, Clone, Default)]
pub struct FeedbackInput {
    pub rating: String,
    pub comment: String,
    /// Question → what was typed; questions left out count as unanswered.
    pub answers: Vec<(SurveyQuestionId, String)>,
}

/// A response's values, validated: rating, comment, answers.
pub(crate) struct Valid {
    rating: Stars,
    comment: Option<String>,
    answers: Vec<(SurveyQuestionId, Answer)>,
}

/// Checks the input against the survey: every problem, or the values to store.
pub(crate) fn validate(
    input: &FeedbackInput,
    questions: &[Question],
) -> Result<Valid, Vec<Problem>> {
    let mut problems = Vec::new();
    let rating = Stars::parse("rating", &input.rating)
        .map_err(|e| problems.push(Problem::of("rating", e)))
        .ok();
    let comment = free_text("comment", &input.comment, COMMENT_MAX)
        .map_err(|e| problems.push(Problem::of("comment", e)))
        .ok()
        .flatten();
    for (id, _) in &input.answers {
        if !questions.iter().any(|q| q.id == *id) {
            problems.push(Problem {
                field: format!("q-{id}"),
                reason: "unknown",
            });
        }
    }
    let mut answers = Vec::new();
    for q in questions {
        let field = format!("q-{}", q.id);
        let raw = input
            .answers
            .iter()
            .find(|(id, _)| *id == q.id)
            .map_or("", |(_, raw)| raw.as_str());
        match Answer::parse("answer", q.kind, raw) {
            Ok(Some(a)) => answers.push((q.id, a)),
            Ok(None) if q.required => problems.push(Problem {
                field,
                reason: "required",
            }),
            Ok(None) => {}
            Err(e) => problems.push(Problem::of(field, e)),
        }
    }
    match rating {
        Some(rating) if problems.is_empty() => Ok(Valid {
            rating,
            comment,
            answers,
        }),
        _ => Err(problems),
    }
}

/// Send Feedback: validated against the survey, stored once in one transaction.
pub async fn send_feedback(
    app: &App,
    customer: Customer,
    id: BookingId,
    input: &FeedbackInput,
    now: Timestamp,
) -> Result<Response> {
    let mut tx = app.store.begin().await?;
    let visit = rateable_visit(&mut tx, customer, id).await?;
    if store::response_for_booking(&mut tx, id).await?.is_some() {
        return Err(FeedbackError::AlreadySent);
    }
    let questions = store::questions(&mut tx, false).await?;
    let Valid {
        rating,
        comment,
        answers,
    } = validate(input, &questions).map_err(FeedbackError::Invalid)?;
    let account = accounts::account(&mut tx, visit.account_id).await?;
    let month = visit
        .booking
        .starts_at
        .to_zoned(account.address.time_zone.time_zone())
        .strftime("%Y-%m")
        .to_string();
    let author = accounts::user_by_id(&mut tx, customer.user())
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let written = store::insert_response(
        &mut tx,
        &NewResponse {
            booking_id: id,
            account_id: visit.account_id,
            technician_id: visit.booking.technician_id,
            service_type_id: visit.service_type_id,
            visit_month: &month,
            rating,
            comment: comment.as_deref(),
            user_id: Some(customer.user()),
            author_name: &author,
            submitted_at: now,
            answers: &answers,
        },
    )
    .await;
    match written {
        Err(e) if e.is_conflict() => return Err(FeedbackError::AlreadySent),
        other => other?,
    };
    let data = crate::webhooks::FeedbackData {
        booking_id: id,
        account_id: visit.account_id,
        technician_id: visit.booking.technician_id,
        rating: rating.get(),
        comment: comment.as_deref(),
        submitted_at: now,
    };
    crate::webhooks::feedback_received(&mut tx, &data, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.events_queued();
    let mut conn = app.store.conn().await?;
    store::response_for_booking(&mut conn, id)
        .await?
        .ok_or(FeedbackError::Store(StoreError::NotFound))
}

/// The visits of `account` that were rated (for the customer's homepage).
pub async fn rated_visits(
    conn: &mut onsite_store::Conn,
    account: AccountId,
) -> Result<Vec<BookingId>, StoreError> {
    store::answered_bookings(conn, account).await
}

// ---- The staff's side -----------------------------------------------------------------------

/// Responses and averages, as the staff page and API show them.
#[derive(Debug, Clone)]
pub struct StaffFeedback {
    pub filter: ResponseFilter,
    /// One page of the responses, newest first.
    pub responses: Page<Response>,
    pub by_technician: Vec<Average>,
    pub by_service_type: Vec<Average>,
    pub by_month: Vec<Average>,
    /// Every question (retired ones too: old answers name them).
    pub questions: Vec<Question>,
    pub question_summaries: Vec<QuestionSummary>,
    /// For the filters.
    pub technicians: Vec<(TechnicianId, String)>,
    pub service_types: Vec<(ServiceTypeId, String)>,
}

/// A month as typed in a filter: `YYYY-MM`.
pub fn parse_month(raw: &str) -> Result<String, InvalidInput> {
    let raw = raw.trim();
    let ok = raw.len() == 7
        && raw.as_bytes()[4] == b'-'
        && raw[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(raw[5..].parse::<u8>(), Ok(1..=12));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(InvalidInput::new("month", "month"))
    }
}

/// The staff's view of the feedback: one page of the responses matching `filter` from `start`
/// (see `onsite_store::feedback::responses_start`), and the averages of all that match.
pub async fn staff_feedback(
    app: &App,
    _staff: Staff,
    filter: ResponseFilter,
    start: Start,
) -> Result<StaffFeedback> {
    let mut conn = app.store.conn().await?;
    // The filters' choices, from the reference snapshot (every technician and service type).
    let reference = app.store.reference(&mut conn).await?;
    let technicians = reference
        .technicians
        .iter()
        .map(|t| (t.id, t.name.clone()))
        .collect();
    let service_types = reference
        .service_types
        .iter()
        .map(|s| (s.id, s.name.clone()))
        .collect();
    Ok(StaffFeedback {
        responses: store::responses(&mut conn, &filter, start, RESPONSES_PER_PAGE).await?,
        by_technician: store::averages(&mut conn, Grouping::Technician, &filter).await?,
        by_service_type: store::averages(&mut conn, Grouping::ServiceType, &filter).await?,
        by_month: store::averages(&mut conn, Grouping::Month, &filter).await?,
        questions: store::questions(&mut conn, true).await?,
        question_summaries: store::question_summaries(&mut conn, &filter).await?,
        technicians,
        service_types,
        filter,
    })
}

// ---- The survey (administrators) ------------------------------------------------------------

/// Every question, active first in order, then the retired ones.
pub async fn survey(app: &App, _admin: Admin) -> Result<Vec<Question>> {
    Ok(store::questions(&mut *app.store.conn().await?, true).await?)
}

/// A question as typed on the survey page: its labels per language and whether it is required.
#[derive(Debug, Clone, Default)]
pub struct QuestionInput {
    /// `(language tag, label)`; the default language's is required.
    pub labels: Vec<(String, String)>,
    pub required: bool,
}

fn labels_of(input: &QuestionInput) -> Result<QuestionLabels> {
    QuestionLabels::new(input.labels.iter().map(|(l, t)| (l.as_str(), t.as_str()))).map_err(|e| {
        let lang = if e.reason == "required" {
            DEFAULT_LABEL_LANGUAGE.to_owned()
        } else {
            // The first label that fails on its own.
            input
                .labels
                .iter()
                .find(|(_, t)| QuestionLabels::new([(DEFAULT_LABEL_LANGUAGE, t.as_str())]).is_err())
                .map_or(DEFAULT_LABEL_LANGUAGE.to_owned(), |(l, _)| l.clone())
        };
        FeedbackError::Invalid(vec![Problem::of(format!("label-{lang}"), e)])
    })
}

async fn audited(
    tx: &mut onsite_store::Conn,
    admin: Admin,
    action: &str,
    id: SurveyQuestionId,
) -> Result<()> {
    audit::record(
        tx,
        Some(admin.user()),
        action,
        "survey_question",
        Some(id.0),
        &serde_json::json!({}),
    )
    .await?;
    Ok(())
}

fn found<T>(r: Result<T, StoreError>) -> Result<T> {
    match r {
        Err(StoreError::NotFound) => Err(FeedbackError::NotFound),
        other => Ok(other?),
    }
}

/// Adds a question at the end of the survey.
pub async fn add_question(
    app: &App,
    admin: Admin,
    kind: &str,
    input: &QuestionInput,
    now: Timestamp,
) -> Result<SurveyQuestionId> {
    let kind = QuestionKind::parse(kind)
        .map_err(|e| FeedbackError::Invalid(vec![Problem::of("kind", e)]))?;
    let labels = labels_of(input)?;
    let mut tx = app.store.begin().await?;
    let id = store::insert_question(&mut tx, kind, &labels, input.required, now).await?;
    audited(&mut tx, admin, "survey.question.add", id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// Changes a question's labels and whether it is required (its kind stays: answers exist).
pub async fn edit_question(
    app: &App,
    admin: Admin,
    id: SurveyQuestionId,
    input: &QuestionInput,
    now: Timestamp,
) -> Result<()> {
    let labels = labels_of(input)?;
    let mut tx = app.store.begin().await?;
    found(store::update_question(&mut tx, id, &labels, input.required, now).await)?;
    audited(&mut tx, admin, "survey.question.edit", id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Moves an active question one place up or down.
pub async fn move_question(app: &App, _admin: Admin, id: SurveyQuestionId, up: bool) -> Result<()> {
    let mut tx = app.store.begin().await?;
    found(store::move_question(&mut tx, id, up).await)?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Retires a question (off the form; its answers stay) or brings it back (at its old place).
pub async fn set_question_active(
    app: &App,
    admin: Admin,
    id: SurveyQuestionId,
    active: bool,
    now: Timestamp,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    found(store::set_active(&mut tx, id, active, now).await)?;
    let action = if active {
        "survey.question.restore"
    } else {
        "survey.question.retire"
    };
    audited(&mut tx, admin, action, id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

// ---- Portal settings (administrators) -------------------------------------------------------

/// The portal settings with their values.
pub async fn portal_settings(app: &App, _admin: Admin) -> Result<Vec<SettingRow>> {
    Ok(settings::values(&mut *app.store.conn().await?, &PORTAL_SETTINGS).await?)
}

/// Checks a portal setting's value without saving it: its range (from the domain), and for
/// the tile address an `http(s)` URL with `{z}`, `{x}` and `{y}` (or empty: no map tiles).
pub fn check_portal_setting(setting: &Setting, raw: &str) -> Result<SettingValue> {
    let value = setting.parse(raw).map_err(FeedbackError::Setting)?;
    if setting.key == site::TRACKING_TILE_URL.key
        && let SettingValue::Text(url) = &value
        && !url.is_empty()
    {
        let web = url.starts_with("https://") || url.starts_with("http://");
        let tiles = ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
        if !web || !tiles || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FeedbackError::TileUrl);
        }
    }
    Ok(value)
}

/// An administrator changes a portal setting; refused (naming the setting and its range) and
/// nothing changed when the value is not valid.
pub async fn set_portal_setting(
    app: &App,
    admin: Admin,
    key: &str,
    raw: &str,
) -> Result<SettingValue> {
    let setting = PORTAL_SETTINGS
        .iter()
        .find(|s| s.key == key.trim())
        .ok_or_else(|| FeedbackError::Setting(InvalidSetting::Unknown(key.trim().to_owned())))?;
    check_portal_setting(setting, raw)?;
    Ok(settings::set(app, admin, &PORTAL_SETTINGS, key, raw).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_year_dash_month() {
        assert_eq!(parse_month(" 2026-05 ").unwrap(), "2026-05");
        for bad in ["2026-13", "2026-5", "26-05-01", "abcd-01", ""] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tile_addresses_need_the_three_placeholders() {
        let s = &site::TRACKING_TILE_URL;
        assert!(check_portal_setting(s, "https://tile.openstreetmap.org/{z}/{x}/{y}.png").is_ok());
        assert!(check_portal_setting(s, "").is_ok());
        assert!(matches!(
            check_portal_setting(s, "ftp://tiles/{z}/{x}/{y}"),
            Err(FeedbackError::TileUrl)
        ));
        assert!(matches!(
            check_portal_setting(s, "https://tiles.example/{z}/{x}.png"),
            Err(FeedbackError::TileUrl)
        ));
        assert!(matches!(
            check_portal_setting(&site::POSITION_RETENTION_DAYS, "0"),
            Err(FeedbackError::Setting(
                InvalidSetting::IntegerOutOfRange { .. }
            ))
        ));
    }
}
