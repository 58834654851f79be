//! Feedback pages (SPEC §7, issue 5): **Send Feedback** on a Completed visit (a 1–5 rating, an
//! optional comment, the survey's questions; "Thank you" with the rating once sent), the
//! staff's responses with the averages per technician, service type and month, the survey an
//! administrator edits, and the portal settings page (tracking on/off, map tiles, position
//! retention, surveys on/off), which validates and saves like the distribution settings page
//! and with the same form helpers.
//!
//! Everything goes through `onsite_app::feedback`, which scopes a customer to their own
//! account's visits: another account's visit is "not found", like a missing one.

use crate::charts::BarChart;
use crate::error::WebError;
use crate::feedback::{StaffQuery, filter_of, input_of};
use crate::forms::{FORM, FieldErrors};
use crate::guard::{encode_component, see_other};
use crate::input::PathId;
use crate::input::parse_id;
use crate::layout::{Page, render, render_with_status};
use crate::session::CurrentUser;
use crate::settings_form::{SettingField, labelled_setting_field, shown_value, submitted};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use onsite_app::distribution::text::setting_message;
use onsite_app::failure::invalid_message;
use onsite_app::feedback::{
    self, FeedbackError, FeedbackInput, PORTAL_SETTINGS, Problem, QuestionInput, StaffFeedback,
};
use onsite_app::settings;
use onsite_domain::feedback::{Answer, QuestionKind};
use onsite_domain::settings::{self as site, Setting, SettingValue};
use onsite_domain::{BookingId, SurveyQuestionId};
use onsite_i18n::{Arg, Locale, SUPPORTED, datetime};
use onsite_store::feedback::{Average, Question, Response as Feedback};
use onsite_store::records::Cursor;

/// The rating as read: "4 out of 5".
fn stars(page: &Page, stars: u8) -> String {
    page.tn("feedback-stars", "stars", stars)
}

/// An average rating to one decimal in the locale: "4.0" / "4,0".
fn average(locale: Locale, mean: f64) -> String {
    let text = format!("{mean:.1}");
    // The decimal separator as `plain_number` writes it in this language.
    match onsite_i18n::number::shortest(locale, 0.5).chars().nth(1) {
        Some(sep) if sep != '.' => text.replace('.', &sep.to_string()),
        _ => text,
    }
}

/// A question's label in the page's language (else the default one).
fn label(page: &Page, q: &Question) -> String {
    q.labels.get(page.locale.tag()).to_owned()
}

/// An answer as read: "Yes", "4 out of 5", the text.
fn answer_text(page: &Page, a: &Answer) -> String {
    match a {
        Answer::Rating(s) => stars(page, s.get()),
        Answer::YesNo(true) => page.t("feedback-yes"),
        Answer::YesNo(false) => page.t("feedback-no"),
        Answer::Text(t) => t.clone(),
    }
}

// ---- Send Feedback --------------------------------------------------------------------------

/// A question of the form, with what was typed and its error.
struct QuestionField {
    name: String,
    label: String,
    kind: &'static str,
    required: bool,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback/form.html")]
struct FeedbackForm {
    page: Page,
    id: BookingId,
    intro: String,
    errors: FieldErrors,
    /// Errors of the survey's questions, for the summary: (field, message).
    question_errors: Vec<(String, String)>,
    rating: String,
    comment: String,
    questions: Vec<QuestionField>,
    /// The rating choices: ("4", "4 out of 5").
    scale: Vec<(String, String)>,
    /// Sent already: the thank-you, with the rating and the answers.
    sent: Option<SentView>,
}

struct SentView {
    rating: String,
    comment: Option<String>,
    answers: Vec<(String, String)>,
}

fn sent_view(page: &Page, questions: &[Question], r: &Feedback) -> SentView {
    SentView {
        rating: stars(page, r.rating.get()),
        comment: r.comment.clone(),
        answers: r
            .answers
            .iter()
            .filter_map(|(id, a)| {
                let q = questions.iter().find(|q| q.id == *id)?;
                Some((label(page, q), answer_text(page, a)))
            })
            .collect(),
    }
}

async fn form_view(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    id: BookingId,
    typed: Option<(&FeedbackInput, &[Problem])>,
) -> WebResult<FeedbackForm> {
    let data = feedback::feedback_page(&state.app, user.grant()?, id).await?;
    let zone = user
        .user
        .time_zone
        .as_deref()
        .or(user.user.account_time_zone.as_deref())
        .and_then(|z| jiff::tz::TimeZone::get(z).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let date = datetime::date(page.locale, data.starts_at.to_zoned(zone).date());
    let intro = page.locale.text_with(
        "feedback-intro",
        &[
            ("service", Arg::Str(&data.service_type)),
            ("technician", Arg::Str(&data.technician_name)),
            ("date", Arg::Str(&date)),
        ],
    );
    let problems = typed.map_or(&[][..], |(_, p)| p);
    let error_of = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| invalid_message(page.locale, p.reason))
    };
    let mut errors = FieldErrors::new();
    for (field, name) in [("rating", "rating"), ("comment", "comment")] {
        if let Some(message) = error_of(name) {
            errors.add(field, message);
        }
    }
    let questions: Vec<QuestionField> = data
        .questions
        .iter()
        .map(|q| {
            let name = format!("q-{}", q.id);
            let value = typed
                .and_then(|(input, _)| input.answers.iter().find(|(id, _)| *id == q.id))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            QuestionField {
                error: error_of(&name),
                name,
                label: label(&page, q),
                kind: q.kind.as_str(),
                required: q.required,
                value,
            }
        })
        .collect();
    let question_errors = questions
        .iter()
        .filter_map(|q| Some((q.name.clone(), q.error.clone()?)))
        .collect();
    let sent = data
        .sent
        .as_ref()
        .map(|r| sent_view(&page, &data.questions, r));
    Ok(FeedbackForm {
        id,
        intro,
        errors,
        question_errors,
        rating: typed.map(|(i, _)| i.rating.clone()).unwrap_or_default(),
        comment: typed.map(|(i, _)| i.comment.clone()).unwrap_or_default(),
        questions,
        scale: (1..=5u8)
            .map(|n| (n.to_string(), stars(&page, n)))
            .collect(),
        sent,
        page,
    })
}

/// `GET /bookings/{id}/feedback`: the Send Feedback form, or the thank-you once sent.
pub async fn form_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Response> {
    render(&form_view(&state, page, &user, id, None).await?)
}

/// `POST /bookings/{id}/feedback`: sends it; refused answers come back with their messages and
/// nothing is stored.
pub async fn send(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let input = input_of_owned(&pairs);
    match feedback::send_feedback(&state.app, user.grant()?, id, &input, state.clock.now()).await {
        Ok(_) => Ok(see_other("/?tab=past&notice=feedback-sent")),
        Err(FeedbackError::Invalid(problems)) => {
            let view = form_view(&state, page, &user, id, Some((&input, &problems))).await?;
            render_with_status(crate::error::INVALID, &view)
        }
        Err(FeedbackError::AlreadySent) => Ok(see_other(&format!("/bookings/{id}/feedback"))),
        Err(e) => Err(e.into()),
    }
}

/// The answers of a form whose keys are owned strings.
pub(crate) fn input_of_owned(pairs: &[(String, String)]) -> FeedbackInput {
    input_of(pairs.iter().map(|(k, v)| (k.as_str(), v.clone())))
}

// ---- Staff: responses and averages ----------------------------------------------------------

impl StaffQuery {
    /// This list (same filters) at the page of `cursor`.
    fn href(&self, cursor: &Cursor) -> String {
        let mut params: Vec<String> = [
            ("technician", &self.technician),
            ("service_type", &self.service_type),
            ("month", &self.month),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            Some(format!("{k}={}", encode_component(v)))
        })
        .collect();
        params.push(format!("cursor={}", encode_component(cursor.as_str())));
        format!("/staff/feedback?{}", params.join("&"))
    }
}

struct AverageRow {
    label: String,
    count: i64,
    average: String,
}

struct AverageTable {
    heading: &'static str,
    /// The first column's heading.
    first: &'static str,
    rows: Vec<AverageRow>,
}

struct ResponseRow {
    when: String,
    visit: String,
    customer: String,
    technician: String,
    rating: String,
    comment: Option<String>,
    answers: Vec<(String, String)>,
}

struct QuestionRow {
    label: String,
    retired: bool,
    summary: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "feedback/staff.html")]
struct StaffPage {
    page: Page,
    technicians: Vec<Choice>,
    service_types: Vec<Choice>,
    month: String,
    /// Per technician, per service type, per month.
    averages: Vec<AverageTable>,
    /// The average rating of each month, oldest first, as bars (none without responses).
    charts: Vec<BarChart>,
    questions: Vec<QuestionRow>,
    responses: Vec<ResponseRow>,
    /// Links to the newer and the older responses, with the same filters.
    newer: Option<String>,
    older: Option<String>,
}

/// The average rating of each month as bars on the 5-star scale, oldest month first.
fn months_chart(page: &Page, by_month: &[Average]) -> BarChart {
    let locale = page.locale;
    BarChart::new(
        "feedback-months",
        page.t("feedback-chart-title"),
        (page.t("feedback-col-month"), page.t("feedback-col-average")),
        5.0,
        by_month.iter().rev().map(|a| {
            let mean = average(locale, a.mean());
            let shown = locale.text_with(
                "feedback-chart-value",
                &[
                    ("average", Arg::Str(&mean)),
                    ("count", Arg::Num(a.count as f64)),
                ],
            );
            (a.label.clone(), a.mean(), shown)
        }),
    )
}

fn average_rows(locale: Locale, list: &[Average]) -> Vec<AverageRow> {
    list.iter()
        .map(|a| AverageRow {
            label: a.label.clone(),
            count: a.count,
            average: average(locale, a.mean()),
        })
        .collect()
}

fn choices<T: Copy + PartialEq + std::fmt::Display>(
    all: &[(T, String)],
    selected: Option<T>,
) -> Vec<Choice> {
    all.iter()
        .map(|(id, name)| Choice {
            value: id.to_string(),
            label: name.clone(),
            selected: Some(*id) == selected,
        })
        .collect()
}

fn staff_view(page: Page, data: StaffFeedback, query: &StaffQuery) -> StaffPage {
    let locale = page.locale;
    let questions = data
        .questions
        .iter()
        .filter_map(|q| {
            let s = data
                .question_summaries
                .iter()
                .find(|s| s.question_id == q.id)?;
            let count = Arg::Num(s.answers as f64);
            let summary = match q.kind {
                QuestionKind::Rating => {
                    let mean = average(locale, s.rating_sum as f64 / s.answers.max(1) as f64);
                    locale.text_with(
                        "feedback-question-average",
                        &[("average", Arg::Str(&mean)), ("count", count)],
                    )
                }
                QuestionKind::YesNo => locale.text_with(
                    "feedback-question-yes",
                    &[("yes", Arg::Num(s.yes as f64)), ("count", count)],
                ),
                QuestionKind::Text => {
                    locale.text_with("feedback-question-texts", &[("count", count)])
                }
            };
            Some(QuestionRow {
                label: label(&page, q),
                retired: !q.active,
                summary,
            })
        })
        .collect();
    let responses = data
        .responses
        .items
        .iter()
        .map(|r| ResponseRow {
            when: page.time(r.submitted_at),
            visit: format!("{} · {}", r.service_type_name, r.visit_month),
            customer: format!("{} ({})", r.author_name, r.account_name),
            technician: r.technician_name.clone(),
            rating: stars(&page, r.rating.get()),
            comment: r.comment.clone(),
            answers: sent_view(&page, &data.questions, r).answers,
        })
        .collect();
    StaffPage {
        technicians: choices(&data.technicians, data.filter.technician),
        service_types: choices(&data.service_types, data.filter.service_type),
        month: data.filter.month.clone().unwrap_or_default(),
        charts: Some(months_chart(&page, &data.by_month))
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect(),
        averages: vec![
            AverageTable {
                heading: "feedback-by-technician",
                first: "feedback-col-name",
                rows: average_rows(locale, &data.by_technician),
            },
            AverageTable {
                heading: "feedback-by-service-type",
                first: "feedback-col-name",
                rows: average_rows(locale, &data.by_service_type),
            },
            AverageTable {
                heading: "feedback-by-month",
                first: "feedback-col-month",
                rows: average_rows(locale, &data.by_month),
            },
        ],
        questions,
        responses,
        newer: data.responses.prev.as_ref().map(|c| query.href(c)),
        older: data.responses.next.as_ref().map(|c| query.href(c)),
        page,
    }
}

/// `GET /staff/feedback`: the responses, newest first, and the averages, filtered by
/// technician, service type and month.
pub async fn staff_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<StaffQuery>,
) -> WebResult<Response> {
    let filter = filter_of(&query)?;
    let start = query.start()?;
    let data = feedback::staff_feedback(&state.app, user.grant()?, filter, start).await?;
    render(&staff_view(page, data, &query))
}

// ---- Administrators: the survey -------------------------------------------------------------

struct SurveyQuestion {
    id: SurveyQuestionId,
    kind: String,
    required: bool,
    labels: Vec<LabelField>,
    first: bool,
    last: bool,
}

struct LabelField {
    lang: &'static str,
    name: String,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "feedback/survey.html")]
struct SurveyPage {
    page: Page,
    errors: FieldErrors,
    active: Vec<SurveyQuestion>,
    retired: Vec<SurveyQuestion>,
    /// The add form: what was typed when refused.
    new_labels: Vec<LabelField>,
    new_kind: String,
    new_required: bool,
    kinds: Vec<(String, String)>,
}

fn label_fields(page: &Page, prefix: &str, value: impl Fn(&str) -> String) -> Vec<LabelField> {
    SUPPORTED
        .iter()
        .map(|l| LabelField {
            lang: l.tag(),
            name: format!("{prefix}label-{}", l.tag()),
            label: page.t(&format!("feedback-survey-label-{}", l.tag())),
            value: value(l.tag()),
        })
        .collect()
}

fn survey_view(
    page: Page,
    questions: &[Question],
    errors: FieldErrors,
    typed: Option<&[(String, String)]>,
) -> SurveyPage {
    let typed_value = |key: &str| {
        typed
            .and_then(|t| t.iter().find(|(k, _)| k == key))
            .map(|(_, v)| v.clone())
    };
    let active_count = questions.iter().filter(|q| q.active).count();
    let view = |(i, q): (usize, &Question)| SurveyQuestion {
        id: q.id,
        kind: page.t(&format!("feedback-kind-{}", q.kind.as_str())),
        required: q.required,
        labels: label_fields(&page, &format!("q{}-", q.id), |lang| {
            q.labels.exactly(lang).to_owned()
        }),
        first: i == 0,
        last: i + 1 == active_count,
    };
    let active = questions
        .iter()
        .filter(|q| q.active)
        .enumerate()
        .map(view)
        .collect();
    let retired = questions
        .iter()
        .filter(|q| !q.active)
        .enumerate()
        .map(view)
        .collect();
    let new_labels = label_fields(&page, "", |lang| {
        typed_value(&format!("label-{lang}")).unwrap_or_default()
    });
    let kinds = QuestionKind::ALL
        .iter()
        .map(|k| {
            let value = k.as_str();
            (value.to_owned(), page.t(&format!("feedback-kind-{value}")))
        })
        .collect();
    SurveyPage {
        errors,
        active,
        retired,
        new_labels,
        new_kind: typed_value("kind").unwrap_or_else(|| "rating".into()),
        new_required: typed_value("required").is_some(),
        kinds,
        page,
    }
}

/// `GET /staff/settings/survey`: the questions, the add form.
pub async fn survey_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let questions = feedback::survey(&state.app, user.grant()?).await?;
    render(&survey_view(page, &questions, FieldErrors::new(), None))
}

/// The labels typed for a question: fields `<prefix>label-<lang>`.
fn typed_labels(pairs: &[(String, String)], prefix: &str) -> QuestionInput {
    let labels = SUPPORTED
        .iter()
        .map(|l| {
            let key = format!("{prefix}label-{}", l.tag());
            let value = pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            (l.tag().to_owned(), value)
        })
        .collect();
    let required_key = format!("{prefix}required");
    QuestionInput {
        labels,
        required: pairs.iter().any(|(k, _)| *k == required_key),
    }
}

/// `POST /staff/settings/survey`: `action` = `add` (kind, labels, required), or `save`, `up`,
/// `down`, `retire`, `restore` of the question `question`.
pub async fn survey_save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let field = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let now = state.clock.now();
    let app = &state.app;
    let question = parse_id(field("question")).map(SurveyQuestionId);
    let outcome = match (field("action"), question) {
        ("add", _) => feedback::add_question(
            app,
            user.grant()?,
            field("kind"),
            &typed_labels(&pairs, ""),
            now,
        )
        .await
        .map(|_| ()),
        ("save", Some(id)) => {
            let input = typed_labels(&pairs, &format!("q{id}-"));
            feedback::edit_question(app, user.grant()?, id, &input, now).await
        }
        ("up", Some(id)) => feedback::move_question(app, user.grant()?, id, true).await,
        ("down", Some(id)) => feedback::move_question(app, user.grant()?, id, false).await,
        ("retire", Some(id)) => {
            feedback::set_question_active(app, user.grant()?, id, false, now).await
        }
        ("restore", Some(id)) => {
            feedback::set_question_active(app, user.grant()?, id, true, now).await
        }
        _ => return Err(WebError::BadRequest),
    };
    match outcome {
        Ok(()) => Ok(see_other("/staff/settings/survey?notice=survey-saved")),
        Err(FeedbackError::Invalid(problems)) => {
            let mut errors = FieldErrors::new();
            let adding = field("action") == "add";
            for p in &problems {
                let message = invalid_message(page.locale, p.reason);
                // The add form's fields have fixed names; an edited question's error goes on top.
                let key = match p.field.as_str() {
                    "kind" if adding => "kind",
                    "label-en" if adding => "label-en",
                    "label-fr" if adding => "label-fr",
                    _ => FORM,
                };
                errors.add(key, message);
            }
            let questions = feedback::survey(app, user.grant()?).await?;
            let typed = adding.then_some(&pairs[..]);
            render_with_status(
                crate::error::INVALID,
                &survey_view(page, &questions, errors, typed),
            )
        }
        Err(FeedbackError::NotFound) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

// ---- Administrators: portal settings --------------------------------------------------------

#[derive(Template)]
#[template(path = "feedback/portal.html")]
struct PortalPage {
    page: Page,
    errors: FieldErrors,
    /// Tracking, then surveys (not `sections`: the layout's navigation is named so).
    groups: Vec<PortalSection>,
}

struct PortalSection {
    legend: &'static str,
    fields: Vec<SettingField>,
}

fn portal_label(locale: Locale, s: &Setting) -> String {
    locale.text(match s.key {
        k if k == site::TRACKING_ENABLED.key => "feedback-setting-tracking-enabled",
        k if k == site::TRACKING_TILE_URL.key => "feedback-setting-tile-url",
        k if k == site::POSITION_RETENTION_DAYS.key => "feedback-setting-retention",
        _ => "feedback-setting-surveys",
    })
}

fn portal_field(locale: Locale, s: &'static Setting, value: String, on: bool) -> SettingField {
    let mut field = labelled_setting_field(locale, s, portal_label(locale, s), value, on);
    if s.key == site::TRACKING_TILE_URL.key {
        field.hint = locale.text("feedback-setting-tile-url-hint");
        field.inputmode = "url";
    }
    field
}

fn portal_view(page: Page, fields: Vec<SettingField>, errors: FieldErrors) -> PortalPage {
    let (surveys, tracking): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|f| f.key == site::SURVEYS_ENABLED.key);
    PortalPage {
        page,
        errors,
        groups: vec![
            PortalSection {
                legend: "feedback-portal-tracking",
                fields: tracking,
            },
            PortalSection {
                legend: "feedback-portal-surveys",
                fields: surveys,
            },
        ],
    }
}

/// `GET /staff/settings/portal`.
pub async fn portal_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let rows = feedback::portal_settings(&state.app, user.grant()?).await?;
    let locale = page.locale;
    let fields = rows
        .iter()
        .map(|r| {
            portal_field(
                locale,
                r.setting,
                shown_value(locale, &r.value),
                r.value == SettingValue::Bool(true),
            )
        })
        .collect();
    render(&portal_view(page, fields, FieldErrors::new()))
}

fn portal_error(locale: Locale, e: &FeedbackError) -> String {
    match e {
        FeedbackError::Setting(invalid) => setting_message(locale, invalid),
        other => locale.text(other.message_id()),
    }
}

/// `POST /staff/settings/portal`: checks every value first; if any is refused (out of its
/// range, a tile address without its placeholders), the form comes back with what was typed
/// and each message naming the setting and its range, and nothing is saved. Otherwise saves
/// the values that changed.
pub async fn portal_save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::with_capacity(PORTAL_SETTINGS.len());
    let mut fields = Vec::with_capacity(PORTAL_SETTINGS.len());
    for sent in submitted(locale, &PORTAL_SETTINGS, &pairs) {
        match feedback::check_portal_setting(sent.setting, &sent.raw) {
            Ok(_) => wanted.push((sent.setting, sent.raw)),
            Err(e) => errors.add(sent.setting.key, portal_error(locale, &e)),
        }
        fields.push(portal_field(locale, sent.setting, sent.shown, sent.on));
    }
    if !errors.is_empty() {
        return render_with_status(crate::error::INVALID, &portal_view(page, fields, errors));
    }
    settings::save(&state.app, user.grant()?, &wanted).await?;
    Ok(see_other("/staff/settings/portal?notice=portal-saved"))
}
