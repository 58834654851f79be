//! Feedback as JSON (issue 5): a customer reads the survey of a Completed visit of their
//! account and sends their feedback once; staff read the responses and the averages per
//! technician, service type and month. The same use cases as the pages, so the same scoping
//! (another account's visit is 404) and the same refusals. Described in `openapi.json`.

use crate::error::WebError;
use crate::feedback::pages::{StaffQuery, filter_of, input_of};
use crate::input::PathId;
use crate::layout::Page;
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onsite_app::failure::invalid_message;
use onsite_app::feedback::{self, FeedbackError, FeedbackInput, StaffFeedback};
use onsite_domain::BookingId;
use onsite_i18n::Locale;
use onsite_store::feedback::{Average, Question, Response as Feedback};
use serde_json::{Map, Value, json};

fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn question_json(q: &Question, locale: Locale) -> Value {
    json!({
        "id": q.id.0,
        "kind": q.kind.as_str(),
        "label": q.labels.get(locale.tag()),
        "required": q.required,
        "active": q.active,
    })
}

fn feedback_json(r: &Feedback) -> Value {
    let answers: Vec<Value> = r
        .answers
        .iter()
        .map(|(q, a)| json!({ "question_id": q.0, "answer": a }))
        .collect();
    json!({
        "id": r.id.0,
        "booking_id": r.booking_id.0,
        "rating": r.rating.get(),
        "comment": r.comment,
        "answers": answers,
        "author": r.author_name,
        "submitted_at": r.submitted_at.to_string(),
        "technician": { "id": r.technician_id.0, "name": r.technician_name },
        "service_type": { "id": r.service_type_id.0, "name": r.service_type_name },
        "account": { "id": r.account_id.0, "name": r.account_name },
        "visit_month": r.visit_month,
        "visit_starts_at": r.visit_starts_at.to_string(),
    })
}

/// `GET /api/v1/bookings/{id}/feedback`: the survey to answer and the feedback sent (or
/// `null`).
pub async fn get(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Response> {
    let locale = page.locale;
    let page = feedback::feedback_page(&state.app, &user.principal(), id).await?;
    let questions: Vec<Value> = page
        .questions
        .iter()
        .map(|q| question_json(q, locale))
        .collect();
    Ok(answer(
        StatusCode::OK,
        json!({
            "booking_id": id.0,
            "questions": questions,
            "feedback": page.sent.as_ref().map(feedback_json),
        }),
    ))
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

/// `POST /api/v1/bookings/{id}/feedback` with `{"rating": 4, "comment": "…", "answers":
/// {"<question id>": 5 | true | "text"}}`: 201 with the feedback; refused answers are 422 with
/// every field and its message, and nothing is stored.
pub async fn send(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Json(body): Json<Map<String, Value>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let input = json_input(&body);
    match feedback::send_feedback(&state.app, &user.principal(), id, &input, state.clock.now())
        .await
    {
        Ok(sent) => Ok(answer(StatusCode::CREATED, feedback_json(&sent))),
        Err(FeedbackError::Invalid(problems)) => {
            let fields: Vec<Value> = problems
                .iter()
                .map(|p| json!({ "field": p.field, "message": invalid_message(locale, p.reason) }))
                .collect();
            let e = FeedbackError::Invalid(problems.clone());
            Ok(answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": {
                    "code": "invalid",
                    "message": locale.text(e.message_id()),
                    "field": problems.first().map(|p| p.field.clone()),
                    "fields": fields,
                }}),
            ))
        }
        Err(e) => Err(WebError::from(e)),
    }
}

fn averages_json(list: &[Average]) -> Vec<Value> {
    list.iter()
        .map(|a| json!({ "key": a.key, "label": a.label, "count": a.count, "average": a.mean() }))
        .collect()
}

/// `GET /api/v1/staff/feedback?technician=&service_type=&month=YYYY-MM&cursor=`: a page of the
/// responses, newest first (`next` / `prev` tokens), and the averages per technician, service
/// type and month over all that match.
pub async fn staff(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<StaffQuery>,
) -> WebResult<Response> {
    let locale = page.locale;
    let filter = filter_of(&query)?;
    let start = query.start()?;
    let data: StaffFeedback =
        feedback::staff_feedback(&state.app, &user.principal(), filter, start).await?;
    let responses: Vec<Value> = data.responses.items.iter().map(feedback_json).collect();
    let questions: Vec<Value> = data
        .questions
        .iter()
        .map(|q| question_json(q, locale))
        .collect();
    Ok(answer(
        StatusCode::OK,
        json!({
            "responses": responses,
            "next": data.responses.next.as_ref().map(|c| c.as_str()),
            "prev": data.responses.prev.as_ref().map(|c| c.as_str()),
            "averages": {
                "technician": averages_json(&data.by_technician),
                "service_type": averages_json(&data.by_service_type),
                "month": averages_json(&data.by_month),
            },
            "questions": questions,
        }),
    ))
}
