//! Feedback as JSON (issue 5): a customer reads the survey of a Completed visit of their
//! account and sends their feedback once; staff read the responses and the averages per
//! technician, service type and month. The same use cases as the pages, so the same scoping
//! (another account's visit is 404) and the same refusals. The bodies below describe
//! themselves in the OpenAPI document.

use crate::error::{ErrorBody, ErrorDetail, FieldError, WebError, status};
use crate::feedback::{StaffQuery, filter_of, input_of};
use crate::input::PathId;
use crate::layout::Page;
use crate::openapi::{Errors, JsonBody, NotFound, enum_schema, json_name, refusal};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use onsite_app::failure::{Kind, invalid_message};
use onsite_app::feedback::{self, FeedbackError, FeedbackInput, StaffFeedback};
use onsite_domain::BookingId;
use onsite_domain::feedback::{Answer as Given, QuestionKind};
use onsite_i18n::Locale;
use onsite_store::feedback::{Average, Question, Response as Sent};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use utoipa::ToSchema;

enum_schema!(
    /// The kind of a survey question.
    QuestionKindName,
    QuestionKind::ALL.map(json_name),
);

refusal!(
    /// Surveys are off.
    SurveysOff,
    Kind::Disabled,
    "Surveys are off (`disabled`).",
);
refusal!(
    /// The visit is not one feedback can be sent on.
    NotCompleted,
    Kind::Conflict,
    "The visit is not Completed (`not_completed`).",
);
refusal!(
    /// Feedback cannot be sent on the visit (again).
    CannotSend,
    Kind::Conflict,
    "The visit is not Completed (`not_completed`), or its feedback was sent already \
     (`already_sent`).",
);
refusal!(
    /// Refused answers.
    RefusedAnswers,
    Kind::Invalid,
    "Refused answers (`invalid`), with `fields`: each refused field and its message. Nothing \
     is stored.",
);
refusal!(
    /// An unreadable filter or cursor.
    BadFilter,
    Kind::Invalid,
    "An unreadable filter or cursor (`invalid`); `field` names it.",
);

/// A question of the survey.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SurveyQuestion)]
pub struct SurveyQuestionView {
    id: i64,
    #[schema(value_type = QuestionKindName)]
    kind: QuestionKind,
    /// In the caller's language, else English.
    label: String,
    required: bool,
    /// `false`: retired (no longer asked; its answers are kept).
    active: bool,
}

impl SurveyQuestionView {
    fn of(q: &Question, locale: Locale) -> SurveyQuestionView {
        SurveyQuestionView {
            id: q.id.0,
            kind: q.kind,
            label: q.labels.get(locale.tag()).to_owned(),
            required: q.required,
            active: q.active,
        }
    }
}

/// One answer, of its question's kind: 1–5 (rating), true/false (yes_no) or text.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Rating(u8),
    YesNo(bool),
    Text(String),
}

impl From<&Given> for AnswerValue {
    fn from(a: &Given) -> AnswerValue {
        match a {
            Given::Rating(stars) => AnswerValue::Rating(stars.get()),
            Given::YesNo(yes) => AnswerValue::YesNo(*yes),
            Given::Text(text) => AnswerValue::Text(text.clone()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackAnswer {
    question_id: i64,
    answer: AnswerValue,
}

/// Something named, by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Named {
    id: i64,
    name: String,
}

/// Feedback sent on a visit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Feedback)]
pub struct FeedbackView {
    id: i64,
    booking_id: i64,
    #[schema(minimum = 1, maximum = 5)]
    rating: u8,
    #[schema(required = true)]
    comment: Option<String>,
    /// In the survey's order, retired questions included.
    answers: Vec<FeedbackAnswer>,
    author: String,
    submitted_at: Timestamp,
    technician: Named,
    service_type: Named,
    account: Named,
    /// `YYYY-MM`, in the account's time zone.
    visit_month: String,
    visit_starts_at: Timestamp,
}

impl From<&Sent> for FeedbackView {
    fn from(r: &Sent) -> FeedbackView {
        FeedbackView {
            id: r.id.0,
            booking_id: r.booking_id.0,
            rating: r.rating.get(),
            comment: r.comment.clone(),
            answers: r
                .answers
                .iter()
                .map(|(q, a)| FeedbackAnswer {
                    question_id: q.0,
                    answer: a.into(),
                })
                .collect(),
            author: r.author_name.clone(),
            submitted_at: r.submitted_at,
            technician: Named {
                id: r.technician_id.0,
                name: r.technician_name.clone(),
            },
            service_type: Named {
                id: r.service_type_id.0,
                name: r.service_type_name.clone(),
            },
            account: Named {
                id: r.account_id.0,
                name: r.account_name.clone(),
            },
            visit_month: r.visit_month.clone(),
            visit_starts_at: r.visit_starts_at,
        }
    }
}

/// The survey of a visit, and the feedback sent on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    booking_id: i64,
    /// The active questions.
    questions: Vec<SurveyQuestionView>,
    /// `null` until sent.
    #[schema(required = true)]
    feedback: Option<FeedbackView>,
}

/// `GET /api/v1/bookings/{id}/feedback`: the survey to answer and the feedback sent (or
/// `null`).
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}/feedback",
    operation_id = "get_feedback",
    tag = "feedback",
    summary = "The survey of one of my completed visits, and the feedback sent on it",
    params(PathId<BookingId>),
    responses(
        (
            status = 200,
            description = "The active questions and the feedback sent (null until sent).",
            body = FeedbackPage,
        ),
        Errors<(NotFound, SurveysOff, NotCompleted)>,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Json<FeedbackPage>> {
    let locale = page.locale;
    let page = feedback::feedback_page(&state.app, user.grant()?, id).await?;
    Ok(Json(FeedbackPage {
        booking_id: id.0,
        questions: page
            .questions
            .iter()
            .map(|q| SurveyQuestionView::of(q, locale))
            .collect(),
        feedback: page.sent.as_ref().map(FeedbackView::from),
    }))
}

/// A JSON value as the text a form would carry (`4`, `"yes"`, `true`).
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The answers of a JSON body (`rating`, `comment`, `answers` by question id), as the form's.
pub(crate) fn json_input(body: &Map<String, Value>) -> FeedbackInput {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for key in ["rating", "comment"] {
        if let Some(v) = body.get(key) {
            pairs.push((key.to_owned(), as_text(v)));
        }
    }
    if let Some(Value::Object(answers)) = body.get("answers") {
        for (q, v) in answers {
            pairs.push((format!("q-{q}"), as_text(v)));
        }
    }
    input_of(pairs.iter().map(|(k, v)| (k.as_str(), v.clone())))
}

/// `POST /api/v1/bookings/{id}/feedback`'s body (read as the form's fields: a number may come
/// as text, a yes/no as `true`/`false` or `"yes"`/`"no"`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct NewFeedback {
    #[schema(value_type = i64, minimum = 1, maximum = 5)]
    rating: Value,
    comment: Option<String>,
    /// Question id → answer: 1–5, true/false (or "yes"/"no"), or text (at most 1000
    /// characters). Required questions must be answered.
    #[schema(value_type = Option<Object>)]
    answers: Option<Map<String, Value>>,
}

/// `POST /api/v1/bookings/{id}/feedback` with `{"rating": 4, "comment": "…", "answers":
/// {"<question id>": 5 | true | "text"}}`: 201 with the feedback; refused answers are 422 with
/// every field and its message, and nothing is stored.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/feedback",
    tag = "feedback",
    summary = "Send Feedback on one of my completed visits (once)",
    params(PathId<BookingId>),
    request_body = NewFeedback,
    responses(
        (status = 201, description = "The feedback sent.", body = FeedbackView),
        Errors<(JsonBody, NotFound, SurveysOff, CannotSend, RefusedAnswers)>,
    ),
)]
pub async fn send(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Map<String, Value>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let input = json_input(&body);
    match feedback::send_feedback(&state.app, user.grant()?, id, &input, state.clock.now()).await {
        Ok(sent) => Ok((StatusCode::CREATED, Json(FeedbackView::from(&sent))).into_response()),
        Err(FeedbackError::Invalid(problems)) => {
            let fields = problems
                .iter()
                .map(|p| FieldError {
                    field: p.field.clone(),
                    message: invalid_message(locale, p.reason),
                })
                .collect();
            let e = FeedbackError::Invalid(problems.clone());
            let body = ErrorBody {
                error: ErrorDetail {
                    code: "invalid",
                    message: locale.text(e.message_id()),
                    field: problems.first().map(|p| Cow::Owned(p.field.clone())),
                    fields: Some(fields),
                },
            };
            Ok((status(&e), Json(body)).into_response())
        }
        Err(e) => Err(WebError::from(e)),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackAverage {
    /// The technician's or service type's id, or the month `YYYY-MM`.
    key: String,
    label: String,
    count: i64,
    average: f64,
}

/// The average ratings of all the responses that match.
#[derive(Debug, Serialize, ToSchema)]
pub struct Averages {
    technician: Vec<FeedbackAverage>,
    service_type: Vec<FeedbackAverage>,
    month: Vec<FeedbackAverage>,
}

fn averages(list: &[Average]) -> Vec<FeedbackAverage> {
    list.iter()
        .map(|a| FeedbackAverage {
            key: a.key.clone(),
            label: a.label.clone(),
            count: a.count,
            average: a.mean(),
        })
        .collect()
}

/// A page of the customers' feedback, and the averages.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffFeedbackPage {
    /// Newest first, 50 at most.
    responses: Vec<FeedbackView>,
    /// The token of the older responses, if any.
    #[schema(required = true)]
    next: Option<String>,
    /// The token of the newer responses, unless this is the first page.
    #[schema(required = true)]
    prev: Option<String>,
    averages: Averages,
    questions: Vec<SurveyQuestionView>,
}

/// `GET /api/v1/staff/feedback?technician=&service_type=&month=YYYY-MM&cursor=`: a page of the
/// responses, newest first (`next` / `prev` tokens), and the averages per technician, service
/// type and month over all that match.
#[utoipa::path(
    get,
    path = "/api/v1/staff/feedback",
    tag = "feedback",
    summary = "Customers' feedback: responses (newest first) and average ratings",
    params(StaffQuery),
    responses(
        (
            status = 200,
            description = "A page of 50 responses, newest first, and the averages of all that \
                match.",
            body = StaffFeedbackPage,
        ),
        Errors<BadFilter>,
    ),
)]
pub async fn staff(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<StaffQuery>,
) -> WebResult<Json<StaffFeedbackPage>> {
    let locale = page.locale;
    let filter = filter_of(&query)?;
    let start = query.start()?;
    let data: StaffFeedback =
        feedback::staff_feedback(&state.app, user.grant()?, filter, start).await?;
    Ok(Json(StaffFeedbackPage {
        responses: data
            .responses
            .items
            .iter()
            .map(FeedbackView::from)
            .collect(),
        next: data.responses.next.as_ref().map(|c| c.as_str().to_owned()),
        prev: data.responses.prev.as_ref().map(|c| c.as_str().to_owned()),
        averages: Averages {
            technician: averages(&data.by_technician),
            service_type: averages(&data.by_service_type),
            month: averages(&data.by_month),
        },
        questions: data
            .questions
            .iter()
            .map(|q| SurveyQuestionView::of(q, locale))
            .collect(),
    }))
}
