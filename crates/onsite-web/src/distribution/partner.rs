//! The partner portal (`Capability::WorkOpportunities`, SPEC §9.3): the opportunities
//! distributed to the person's partner account, in tabs (New, Accepted, In progress, Closed),
//! with the partner's own metrics; one opportunity's page, where the partner accepts or
//! declines it (with a reason: it goes at once to the next partner), moves it through the sales
//! stages, notes what happened and closes it won or lost with feedback; and the form for an
//! opportunity the partner found itself (internal: never counted against its capacity).
//!
//! `/partner/opportunities/{id}` is the link of the "new opportunity for you" email. Every use
//! case is scoped to the principal's own partner account: another partner's opportunity (or one
//! that does not exist) is a 404, the same answer, so ids cannot be probed.

use crate::distribution::form::{
    FormChoices, OpportunityFields, OpportunityFormPage, form_choices, form_refusal,
};
use crate::distribution::{money, refusal, stage_label, status_key, status_label};
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::CurrentUser;
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::distribution::{
    self, DistributionError, Filter, PartnerOpportunity, PartnerOpportunityDetail, Stage, text,
};
use onsite_distribute::{Metric, MetricsPolicy, Tally};
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::{InvalidInput, OpportunityId};
use onsite_i18n::{Arg, Locale};

/// The tabs of the portal, in the order a sale moves.
const TABS: [Filter; 4] = [
    Filter::New,
    Filter::Accepted,
    Filter::InProgress,
    Filter::Closed,
];

fn filter_label(locale: Locale, f: Filter) -> String {
    locale.text(&format!(
        "distribution-filter-{}",
        f.as_str().replace('_', "-")
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// `new` (the default), `accepted`, `in_progress` or `closed`.
    tab: Option<String>,
}

#[derive(Debug)]
struct Tab {
    href: String,
    label: String,
    current: bool,
}

#[derive(Debug)]
struct Row {
    id: OpportunityId,
    name: String,
    customer: String,
    revenue: String,
    lead_type: String,
    status: String,
    status_key: &'static str,
    stage: Option<String>,
    /// New ones: when it goes to another partner if not accepted.
    expires: Option<String>,
    received: String,
    internal: bool,
}

/// One line of the partner's metrics summary.
#[derive(Debug)]
struct MetricSummary {
    name: String,
    value: String,
}

#[derive(Template)]
#[template(path = "partner/opportunities.html")]
struct ListPage {
    page: Page,
    tabs: Vec<Tab>,
    current_label: String,
    rows: Vec<Row>,
    metrics: Vec<MetricSummary>,
    lookback_days: u32,
}

/// A history metric of the partner's own tally in words: "60 % — 3 of 5 finished
/// opportunities", or "No history yet".
pub(crate) fn own_metric(locale: Locale, tally: &Tally, metric: Metric) -> String {
    let Some((num, den)) = tally.ratio(metric) else {
        return String::new();
    };
    let Some(own) = tally.own(metric) else {
        return locale.text("partner-web-my-none");
    };
    let value = text::metric_value(locale, metric, own);
    let (id, count) = match metric {
        Metric::WinRate | Metric::ReturnRate => ("partner-web-count-finished", den),
        Metric::FeedbackRate | Metric::AvgDaysToClose => ("partner-web-count-closed", den),
        Metric::StallRate => ("partner-web-count-accepted", den),
        Metric::TouchRate | Metric::Distance => ("partner-web-count-answers", den),
    };
    let what = locale.text_with(id, &[("count", Arg::Num(f64::from(count)))]);
    if metric == Metric::AvgDaysToClose {
        locale.text_with(
            "partner-web-my-days",
            &[("value", Arg::Str(&value)), ("what", Arg::Str(&what))],
        )
    } else {
        let num = format!("{num:.0}");
        locale.text_with(
            "partner-web-my-rate",
            &[
                ("value", Arg::Str(&value)),
                ("num", Arg::Str(&num)),
                ("what", Arg::Str(&what)),
            ],
        )
    }
}

fn summary(locale: Locale, tally: &Tally) -> Vec<MetricSummary> {
    Metric::FROM_HISTORY
        .into_iter()
        .map(|m| MetricSummary {
            name: text::metric_name(locale, m),
            value: own_metric(locale, tally, m),
        })
        .collect()
}

fn row(page: &Page, o: &PartnerOpportunity) -> Row {
    let d = &o.dated.opportunity;
    let locale = page.locale;
    Row {
        id: d.id,
        name: d.name.clone(),
        customer: d.customer_name.clone(),
        revenue: money(locale, d.estimated_revenue_minor),
        lead_type: d.lead_type.clone(),
        status: status_label(locale, d.status),
        status_key: status_key(d.status),
        stage: d.stage.as_deref().map(|s| stage_label(locale, s)),
        expires: o.expires_at.map(|at| page.time(at)),
        received: page.time(d.distributed_at.unwrap_or(d.created_at)),
        internal: d.internal,
    }
}

/// `GET /partner/opportunities`: one tab of the partner's opportunities, and its metrics.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let wanted = query.tab.as_deref().map(str::trim).unwrap_or("new");
    let filter = TABS
        .into_iter()
        .find(|f| f.as_str() == wanted)
        .ok_or_else(|| InvalidInput::new("tab", "unknown"))?;
    let list = distribution::partner_opportunities(&state.app, user.grant()?, filter)
        .await
        .map_err(WebError::from)?;
    let tally = distribution::my_metrics(&state.app, user.grant()?, state.clock.now())
        .await
        .map_err(WebError::from)?;
    let locale = page.locale;
    let view = ListPage {
        tabs: TABS
            .into_iter()
            .map(|f| Tab {
                href: format!("/partner/opportunities?tab={}", f.as_str()),
                label: filter_label(locale, f),
                current: f == filter,
            })
            .collect(),
        current_label: filter_label(locale, filter),
        rows: list.iter().map(|o| row(&page, o)).collect(),
        metrics: summary(locale, &tally),
        lookback_days: MetricsPolicy::default().lookback_days,
        page,
    };
    render(&view)
}

// ---------------------------------------------------------------------------------------------
// One opportunity.

#[derive(Debug)]
struct HistoryLine {
    what: String,
    at: String,
    note: Option<String>,
}

#[derive(Debug)]
struct StageOption {
    value: &'static str,
    label: String,
    selected: bool,
}

/// What the forms of the page held when one was refused, shown again.
#[derive(Debug, Default)]
struct Typed {
    decline_reason: String,
    note: String,
    won_feedback: String,
    lost_reason: String,
    lost_feedback: String,
    feedback: String,
}

#[derive(Template)]
#[template(path = "partner/opportunity.html")]
struct DetailPage {
    page: Page,
    id: OpportunityId,
    name: String,
    customer: String,
    postal_code: String,
    revenue: String,
    lead_type: String,
    products: Vec<String>,
    status: String,
    status_key: &'static str,
    stage: Option<String>,
    internal: bool,
    received: String,
    expires: Option<String>,
    accepted: Option<String>,
    closed: Option<String>,
    history: Vec<HistoryLine>,
    stages: Vec<StageOption>,
    /// Offered: Accept and Decline show.
    offered: bool,
    /// In progress: stage, notes, close.
    working: bool,
    /// Won or lost: feedback.
    closed_now: bool,
    errors: FieldErrors,
    typed: Typed,
}

fn detail_page(
    page: Page,
    d: PartnerOpportunityDetail,
    errors: FieldErrors,
    typed: Typed,
) -> DetailPage {
    let locale = page.locale;
    let o = &d.opportunity.dated.opportunity;
    let history = d
        .history
        .iter()
        .map(|h| {
            let note = match (h.kind, &h.note) {
                ("stage", Some(n)) => Some(stage_label(locale, n)),
                (_, n) => n.clone(),
            };
            HistoryLine {
                what: locale.text(text::event_message_id(h.kind)),
                at: page.time(h.at),
                note,
            }
        })
        .collect();
    let stages = Stage::ALL
        .into_iter()
        .map(|s| StageOption {
            value: s.as_str(),
            label: locale.text(text::stage_message_id(s)),
            selected: o.stage.as_deref() == Some(s.as_str()),
        })
        .collect();
    DetailPage {
        id: o.id,
        name: o.name.clone(),
        customer: o.customer_name.clone(),
        postal_code: o.postal_code.clone(),
        revenue: money(locale, o.estimated_revenue_minor),
        lead_type: o.lead_type.clone(),
        products: d.products.iter().map(|p| p.name.clone()).collect(),
        status: status_label(locale, o.status),
        status_key: status_key(o.status),
        stage: o.stage.as_deref().map(|s| stage_label(locale, s)),
        internal: o.internal,
        received: page.time(o.distributed_at.unwrap_or(o.created_at)),
        expires: d.opportunity.expires_at.map(|at| page.time(at)),
        accepted: d.opportunity.dated.accepted_at.map(|at| page.time(at)),
        closed: d.opportunity.dated.closed_at.map(|at| page.time(at)),
        history,
        stages,
        offered: o.status == OpportunityStatus::Distributed,
        working: o.status == OpportunityStatus::InProgress,
        closed_now: matches!(o.status, OpportunityStatus::Won | OpportunityStatus::Lost),
        errors,
        typed,
        page,
    }
}

/// `GET /partner/opportunities/{id}`.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let d = distribution::opportunity_for_partner(&state.app, user.grant()?, OpportunityId(id))
        .await
        .map_err(WebError::from)?;
    render(&detail_page(page, d, FieldErrors::new(), Typed::default()))
}

/// Which form of the page a refused action came from: where its field errors go.
#[derive(Debug, Clone, Copy)]
enum Action {
    Accept,
    Decline,
    Stage,
    Note,
    Won,
    Lost,
    Feedback,
}

impl Action {
    /// The page's field for the use case's `field` in this form (ids are unique on the page).
    fn field(self, field: &str) -> &'static str {
        match (self, field) {
            (Action::Decline, "reason") => "decline-reason",
            (Action::Lost, "reason") => "lost-reason",
            (Action::Lost, "feedback") => "lost-feedback",
            (Action::Won, "feedback") => "won-feedback",
            (Action::Feedback, "feedback") => "feedback",
            (Action::Note, "note") => "note",
            (Action::Stage, "stage") => "stage",
            _ => FORM,
        }
    }

    /// Where the person lands after it worked.
    fn done(self, id: OpportunityId) -> String {
        let notice = match self {
            // Declined: it is no longer the partner's, so back to the list.
            Action::Decline => return "/partner/opportunities?notice=declined".to_owned(),
            Action::Accept => "accepted",
            Action::Stage => "stage-saved",
            Action::Note => "note-added",
            Action::Won => "closed-won",
            Action::Lost => "closed-lost",
            Action::Feedback => "feedback-added",
        };
        format!("/partner/opportunities/{id}?notice={notice}")
    }
}

/// After an action: on to the next page, or this page again with the refusal next to the field
/// at fault (or at the top) and what was typed.
async fn answer(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    id: OpportunityId,
    action: Action,
    outcome: Result<(), DistributionError>,
    typed: Typed,
) -> WebResult<Response> {
    let e = match outcome {
        Ok(()) => return Ok(see_other(&action.done(id))),
        Err(e) => e,
    };
    let locale = page.locale;
    let mut errors = FieldErrors::new();
    let status = match &e {
        DistributionError::Invalid(invalid) => {
            let field = action.field(invalid.field);
            if field == FORM {
                errors.add(FORM, e.message(locale));
            } else {
                errors.add(field, locale.text(&format!("invalid-{}", invalid.reason)));
            }
            crate::error::INVALID
        }
        _ => {
            let (status, message) = refusal(e, locale)?;
            errors.add(FORM, message);
            status
        }
    };
    // Shown again as it is now (a refused move may mean someone else moved it first).
    let d = distribution::opportunity_for_partner(&state.app, user.grant()?, id)
        .await
        .map_err(WebError::from)?;
    render_with_status(status, &detail_page(page, d, errors, typed))
}

/// `POST /partner/opportunities/{id}/accept`.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::accept(&state.app, user.grant()?, id, state.clock.now()).await;
    answer(
        &state,
        page,
        &user,
        id,
        Action::Accept,
        outcome,
        Typed::default(),
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
    feedback: String,
}

/// `POST /partner/opportunities/{id}/decline`: with a reason (required); the opportunity goes
/// to the next available partner at once.
pub async fn decline(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<ReasonForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::decline(
        &state.app,
        user.grant()?,
        id,
        &form.reason,
        state.clock.now(),
    )
    .await;
    let typed = Typed {
        decline_reason: form.reason,
        ..Typed::default()
    };
    answer(&state, page, &user, id, Action::Decline, outcome, typed).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StageForm {
    stage: String,
}

/// `POST /partner/opportunities/{id}/stage`.
pub async fn set_stage(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<StageForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = match Stage::parse(&form.stage) {
        Ok(stage) => {
            distribution::set_stage(&state.app, user.grant()?, id, stage, state.clock.now()).await
        }
        Err(invalid) => Err(invalid.into()),
    };
    answer(
        &state,
        page,
        &user,
        id,
        Action::Stage,
        outcome,
        Typed::default(),
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NoteForm {
    note: String,
}

/// `POST /partner/opportunities/{id}/notes`: a call, a visit… (counts as partner activity).
pub async fn add_note(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<NoteForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome =
        distribution::add_note(&state.app, user.grant()?, id, &form.note, state.clock.now()).await;
    let typed = Typed {
        note: form.note,
        ..Typed::default()
    };
    answer(&state, page, &user, id, Action::Note, outcome, typed).await
}

/// `POST /partner/opportunities/{id}/won`: closes it won, with optional feedback.
pub async fn close_won(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<ReasonForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::close_won(
        &state.app,
        user.grant()?,
        id,
        &form.feedback,
        state.clock.now(),
    )
    .await;
    let typed = Typed {
        won_feedback: form.feedback,
        ..Typed::default()
    };
    answer(&state, page, &user, id, Action::Won, outcome, typed).await
}

/// `POST /partner/opportunities/{id}/lost`: closes it lost (returned), with the reason
/// (required) and optional feedback.
pub async fn close_lost(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<ReasonForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::close_lost(
        &state.app,
        user.grant()?,
        id,
        &form.reason,
        &form.feedback,
        state.clock.now(),
    )
    .await;
    let typed = Typed {
        lost_reason: form.reason,
        lost_feedback: form.feedback,
        ..Typed::default()
    };
    answer(&state, page, &user, id, Action::Lost, outcome, typed).await
}

/// `POST /partner/opportunities/{id}/feedback`: feedback on a closed opportunity, after the
/// close.
pub async fn add_feedback(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<ReasonForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::add_feedback(
        &state.app,
        user.grant()?,
        id,
        &form.feedback,
        state.clock.now(),
    )
    .await;
    let typed = Typed {
        feedback: form.feedback,
        ..Typed::default()
    };
    answer(&state, page, &user, id, Action::Feedback, outcome, typed).await
}

// ---------------------------------------------------------------------------------------------
// An internal opportunity.

const PARTNER_FORM: (&str, &str) = ("partner-web-internal-title", "partner-web-internal-intro");

fn form_page(
    page: Page,
    choices: &FormChoices,
    fields: OpportunityFields,
    errors: FieldErrors,
) -> OpportunityFormPage {
    OpportunityFormPage::new(
        page,
        PARTNER_FORM,
        "/partner/opportunities",
        "/partner/opportunities",
        choices,
        fields,
        errors,
    )
}

/// `GET /partner/opportunities/new`.
pub async fn new_form(State(state): State<AppState>, page: Page) -> WebResult<Response> {
    let choices = form_choices(&state).await?;
    let view = form_page(
        page,
        &choices,
        OpportunityFields::default(),
        FieldErrors::new(),
    );
    render(&view)
}

/// `POST /partner/opportunities`: records an opportunity the partner found itself, in progress
/// at once; refused fields show the form again with what was typed.
pub async fn create_internal(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let choices = form_choices(&state).await?;
    let (fields, bad_product) = OpportunityFields::from_pairs(&pairs);
    let locale = page.locale;
    let (status, errors) = match fields.parse(locale, &choices.territories, bad_product) {
        Ok(input) => {
            let now: Timestamp = state.clock.now();
            match distribution::create_internal_opportunity(&state.app, user.grant()?, &input, now)
                .await
            {
                Ok(id) => {
                    return Ok(see_other(&format!(
                        "/partner/opportunities/{id}?notice=internal-created"
                    )));
                }
                Err(e) => form_refusal(locale, e)?,
            }
        }
        Err(errors) => (crate::error::INVALID, errors),
    };
    render_with_status(status, &form_page(page, &choices, fields, errors))
}
