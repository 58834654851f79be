//! The working-hours templates' pages: the list, **New template**, and each template's form —
//! its name and one line per weekday (`08:00-12:00, 13:00-16:30`; empty: not working). Saving
//! new hours changes the hours of every technician who follows the template, and the page then
//! says what happened to their booked visits.

use super::{
    JobsQuery, ReportView, WORKING_HOURS, after_change, parse_version, report_view, weekday_label,
};
use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::policy::Staff;
use onsite_app::workforce::{self, TemplateInput, WorkforceError};
use onsite_domain::WorkingHoursTemplateId;
use onsite_domain::working_hours::{WEEKDAYS, weekday_field};
use onsite_store::reassignment::JobId;
use onsite_store::working_hours::Template as HoursTemplate;

/// A template's line of the list: its name and each day's hours.
struct Row {
    id: WorkingHoursTemplateId,
    name: String,
    days: Vec<String>,
    technicians: i64,
}

#[derive(Template)]
#[template(path = "staff/workforce/working_hours.html")]
struct ListPage {
    page: Page,
    /// The weekdays' names, Monday first.
    days: Vec<String>,
    rows: Vec<Row>,
}

/// `GET /staff/working-hours`: every template, by name.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
) -> WebResult<Response> {
    let templates = workforce::templates(&state.app, staff).await?;
    let not_working = page.t("workforce-not-working");
    let rows = templates
        .into_iter()
        .map(|t| Row {
            days: t
                .hours
                .texts()
                .into_iter()
                .map(|d| if d.is_empty() { not_working.clone() } else { d })
                .collect(),
            id: t.id,
            name: t.name,
            technicians: t.technicians,
        })
        .collect();
    let days = WEEKDAYS.iter().map(|d| weekday_label(&page, *d)).collect();
    render(&ListPage { page, days, rows })
}

/// The form as typed: `name`, `monday` … `sunday`, and `seen_version` when editing.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    name: String,
    monday: String,
    tuesday: String,
    wednesday: String,
    thursday: String,
    friday: String,
    saturday: String,
    sunday: String,
    seen_version: String,
}

impl TemplateForm {
    fn input(&self) -> TemplateInput {
        TemplateInput {
            name: self.name.clone(),
            days: [
                self.monday.clone(),
                self.tuesday.clone(),
                self.wednesday.clone(),
                self.thursday.clone(),
                self.friday.clone(),
                self.saturday.clone(),
                self.sunday.clone(),
            ],
        }
    }
}

/// A weekday's field of the form.
struct DayField {
    field: &'static str,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "staff/workforce/working_hours_form.html")]
struct FormPage {
    page: Page,
    /// `None`: a new template; else (id, version, how many technicians follow it).
    editing: Option<(WorkingHoursTemplateId, i64, i64)>,
    name: String,
    days: Vec<DayField>,
    report: Option<ReportView>,
    history: Option<String>,
    errors: FieldErrors,
}

fn form_page(
    page: Page,
    editing: Option<&HoursTemplate>,
    input: &TemplateInput,
    report: Option<ReportView>,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let days = WEEKDAYS
        .into_iter()
        .zip(&input.days)
        .map(|(day, value)| DayField {
            field: weekday_field(day),
            label: weekday_label(&page, day),
            value: value.clone(),
        })
        .collect();
    let view = FormPage {
        editing: editing.map(|t| (t.id, t.version, t.technicians)),
        history: editing.and_then(|t| page.history("working_hours_template", t.id)),
        name: input.name.clone(),
        days,
        report,
        errors,
        page,
    };
    render_with_status(status, &view)
}

fn refusal(page: &Page, e: &WorkforceError) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new();
    errors.add_failure(page.locale, e);
    (errors, crate::error::form_status(e))
}

/// `GET /staff/working-hours/new`: the form of a new template (weekdays 08:00–16:30 until
/// changed).
pub async fn new_template(Granted(_staff): Granted<Staff>, page: Page) -> WebResult<Response> {
    let weekday = "08:00-12:00, 12:30-16:30".to_owned();
    let input = TemplateInput {
        name: String::new(),
        days: std::array::from_fn(|i| {
            if i < 5 {
                weekday.clone()
            } else {
                String::new()
            }
        }),
    };
    form_page(
        page,
        None,
        &input,
        None,
        (FieldErrors::new(), StatusCode::OK),
    )
}

/// `POST /staff/working-hours`: adds a template, or shows the form again with why not.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(form): Form<TemplateForm>,
) -> WebResult<Response> {
    let input = form.input();
    match workforce::create_template(&state.app, staff, &input, state.clock.now()).await {
        Ok(id) => Ok(see_other(&format!(
            "{WORKING_HOURS}/{id}?notice=template-created"
        ))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            form_page(page, None, &input, None, refused)
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    (id, jobs): (WorkingHoursTemplateId, &[JobId]),
    typed: Option<TemplateInput>,
    refused: (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let template = workforce::template(&state.app, staff, id).await?;
    let affected = workforce::affected(&state.app, staff, jobs).await?;
    let report = report_view(&page, jobs, &affected);
    let input = typed.unwrap_or_else(|| TemplateInput::of(&template));
    form_page(page, Some(&template), &input, report, refused)
}

/// `GET /staff/working-hours/{id}`: the template's form; after a change, what it did to the
/// booked visits of its technicians (`?jobs=`).
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<WorkingHoursTemplateId>,
    Query(query): Query<JobsQuery>,
) -> WebResult<Response> {
    let fresh = (FieldErrors::new(), StatusCode::OK);
    edit_page(&state, page, staff, (id, &query.ids()), None, fresh).await
}

/// `POST /staff/working-hours/{id}`: saves the template from the version the form showed.
/// Someone else's save in between: the form comes back with their version and says so.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<WorkingHoursTemplateId>,
    Form(form): Form<TemplateForm>,
) -> WebResult<Response> {
    let input = form.input();
    let saved = match parse_version(&form.seen_version) {
        Ok(version) => {
            let now = state.clock.now();
            workforce::update_template(&state.app, staff, id, version, &input, now).await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(changed) => Ok(see_other(&after_change(
            &format!("{WORKING_HOURS}/{id}"),
            "template-saved",
            &changed,
        ))),
        Err(e @ WorkforceError::Changed) => {
            let refused = refusal(&page, &e);
            edit_page(&state, page, staff, (id, &[]), None, refused).await
        }
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            edit_page(&state, page, staff, (id, &[]), Some(input), refused).await
        }
        Err(e) => Err(e.into()),
    }
}
