//! Send Feedback and what staff see of it (SPEC §8): `pages` and `api`. What both read from a
//! request lives here: the answers of a form or JSON body, and the staff's filter of the
//! responses.

pub mod api;
pub mod pages;

use crate::input::parse_id;
use onsite_app::feedback::{self, FeedbackInput};
use onsite_domain::{InvalidInput, ServiceTypeId, SurveyQuestionId, TechnicianId};
use onsite_store::feedback::ResponseFilter;
use onsite_store::records::Start;
use utoipa::IntoParams;

/// The answers of a submitted form or JSON body: `rating`, `comment`, `q-<id>`.
pub(crate) fn input_of<'a>(pairs: impl Iterator<Item = (&'a str, String)>) -> FeedbackInput {
    let mut input = FeedbackInput::default();
    for (key, value) in pairs {
        match key {
            "rating" => input.rating = value,
            "comment" => input.comment = value,
            other => {
                if let Some(id) = other.strip_prefix("q-").and_then(parse_id) {
                    input.answers.push((SurveyQuestionId(id), value));
                }
            }
        }
    }
    input
}

/// The staff's view of the responses: its filter and page (`/staff/feedback`, and its query in
/// the API).
#[derive(Debug, Default, serde::Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// A technician id.
    #[param(value_type = Option<i64>)]
    technician: Option<String>,
    /// A service type id.
    #[param(value_type = Option<i64>)]
    service_type: Option<String>,
    /// `YYYY-MM`: visits of that month.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}$")]
    month: Option<String>,
    /// A page's `next` / `prev` token; none: the newest responses.
    cursor: Option<String>,
}

impl StaffQuery {
    /// Where the page of responses starts; an altered or foreign cursor is refused (`cursor`).
    pub(crate) fn start(&self) -> Result<Start, InvalidInput> {
        onsite_store::feedback::responses_start(self.cursor.as_deref().unwrap_or(""))
    }
}

/// The staff's filter from the query; an unreadable one is refused naming the field.
pub(crate) fn filter_of(q: &StaffQuery) -> Result<ResponseFilter, InvalidInput> {
    let id = |field: &'static str, raw: &Option<String>| -> Result<Option<i64>, InvalidInput> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_id(s)
                .map(Some)
                .ok_or(InvalidInput::new(field, "unknown")),
        }
    };
    Ok(ResponseFilter {
        technician: id("technician", &q.technician)?.map(TechnicianId),
        service_type: id("service_type", &q.service_type)?.map(ServiceTypeId),
        month: match q.month.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(m) => Some(feedback::parse_month(m)?),
        },
    })
}
