//! The staff's side of customer records (`Capability::Dispatch`, issue 6): a work order's and
//! an agreement's page — the record, its account, its decisions and history — with the
//! **Expose to Customer** toggle. The approval emails sent to dispatchers link here
//! (`/staff/work-orders/{id}`, `/staff/agreements/{id}`). Staff reach every account's records.
//! Agreements and work orders can be created and edited from simple forms here (accounts and
//! related records by their ids); assets' and invoices' forms come with the back office (their
//! use cases are in `onsite_app::records::staff`).

use crate::guard::see_other;
use crate::layout::{Page, render, render_with_status};
use crate::pages::records::{
    AgreementLine, DecisionLine, HistoryLine, InvoiceLine, VisitLine, WorkOrderLine,
    agreement_line, decision_line, history_line, invoice_line, visit_line, work_order_line,
};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::records::{self, staff};
use onsite_domain::{AgreementId, WorkOrderId};
use onsite_store::records::RecordKind;

#[derive(Template)]
#[template(path = "records/staff_work_order.html")]
struct WorkOrderPage {
    page: Page,
    w: WorkOrderLine,
    account: String,
    exposed: bool,
    expose_action: String,
    visits: Vec<VisitLine>,
    invoices: Vec<InvoiceLine>,
    history: Vec<HistoryLine>,
    decisions: Vec<DecisionLine>,
}

/// `GET /staff/work-orders/{id}`: any account's work order, with what the customer decided.
pub async fn work_order(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let d = records::work_order(&state.app, &user.principal(), WorkOrderId(id), None).await?;
    let view = WorkOrderPage {
        w: work_order_line(&page, &d.work_order),
        account: d.work_order.account_name.clone(),
        exposed: d.work_order.expose_to_customer,
        expose_action: format!("/staff/work-orders/{id}/expose"),
        visits: d.visits.iter().map(|v| visit_line(&page, v)).collect(),
        invoices: d
            .invoices
            .items
            .iter()
            .map(|i| invoice_line(page.locale, i))
            .collect(),
        history: d.history.iter().map(|h| history_line(&page, h)).collect(),
        decisions: d
            .approvals
            .iter()
            .map(|a| decision_line(&page, a))
            .collect(),
        page,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "records/staff_agreement.html")]
struct AgreementPage {
    page: Page,
    a: AgreementLine,
    account: String,
    exposed: bool,
    expose_action: String,
    work_orders: Vec<WorkOrderLine>,
    decisions: Vec<DecisionLine>,
}

/// `GET /staff/agreements/{id}`: any account's agreement, with what the customer decided.
pub async fn agreement(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let d = records::agreement(&state.app, &user.principal(), AgreementId(id), None).await?;
    let view = AgreementPage {
        a: agreement_line(page.locale, &d.agreement),
        account: d.agreement.account_name.clone(),
        exposed: d.agreement.expose_to_customer,
        expose_action: format!("/staff/agreements/{id}/expose"),
        work_orders: d
            .work_orders
            .items
            .iter()
            .map(|w| work_order_line(&page, w))
            .collect(),
        decisions: d
            .approvals
            .iter()
            .map(|a| decision_line(&page, a))
            .collect(),
        page,
    };
    render(&view)
}

/// The Expose to Customer toggle: `exposed=true` shows the record to the customer's reviewers
/// and approvers, anything else hides it.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExposeForm {
    exposed: String,
}

/// `POST /staff/work-orders/{id}/expose`.
pub async fn expose_work_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ExposeForm>,
) -> WebResult<Response> {
    let exposed = form.exposed == "true";
    staff::set_exposed(
        &state.app,
        &user.principal(),
        RecordKind::WorkOrder,
        id,
        exposed,
    )
    .await?;
    Ok(see_other(&format!(
        "/staff/work-orders/{id}?notice=record-saved"
    )))
}

/// `POST /staff/agreements/{id}/expose`.
pub async fn expose_agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ExposeForm>,
) -> WebResult<Response> {
    let exposed = form.exposed == "true";
    staff::set_exposed(
        &state.app,
        &user.principal(),
        RecordKind::Agreement,
        id,
        exposed,
    )
    .await?;
    Ok(see_other(&format!(
        "/staff/agreements/{id}?notice=record-saved"
    )))
}

// ---- Create and edit (simple forms; the full back office comes later) -----------------------

/// One option of a status select.
#[derive(Debug)]
struct StatusOption {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "records/staff_agreement_form.html")]
struct AgreementFormPage {
    page: Page,
    title: String,
    action: String,
    /// The account is fixed once the record exists.
    new: bool,
    input: staff::AgreementInput,
    statuses: Vec<StatusOption>,
    error: Option<String>,
}

fn agreement_statuses(page: &Page, current: &str) -> Vec<StatusOption> {
    onsite_domain::agreement::AgreementStatus::ALL
        .into_iter()
        .map(|s| StatusOption {
            value: s.as_str(),
            label: page.t(&records::text::agreement_status(s)),
            selected: s.as_str() == current,
        })
        .collect()
}

fn form_error(page: &Page, e: records::RecordsError) -> WebResult<(StatusCode, String)> {
    let status = match &e {
        records::RecordsError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        records::RecordsError::Changed | records::RecordsError::NumberTaken => StatusCode::CONFLICT,
        _ => return Err(e.into()),
    };
    Ok((status, page.t(e.message_id())))
}

/// The version the edit form was shown with (in its action's query).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SeenVersion {
    seen_version: Option<i64>,
}

/// `GET /staff/agreements/new`.
pub async fn new_agreement(page: Page) -> WebResult<Response> {
    let input = staff::AgreementInput {
        status: "active".into(),
        ..Default::default()
    };
    render(&AgreementFormPage {
        title: page.t("records-staff-new-agreement"),
        action: "/staff/agreements".into(),
        new: true,
        statuses: agreement_statuses(&page, &input.status),
        input,
        error: None,
        page,
    })
}

/// `POST /staff/agreements`.
pub async fn create_agreement(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(input): Form<staff::AgreementInput>,
) -> WebResult<Response> {
    match staff::create_agreement(&state.app, &user.principal(), &input).await {
        Ok(id) => Ok(see_other(&format!(
            "/staff/agreements/{id}?notice=record-saved"
        ))),
        Err(e) => {
            let (status, message) = form_error(&page, e)?;
            render_with_status(
                status,
                &AgreementFormPage {
                    title: page.t("records-staff-new-agreement"),
                    action: "/staff/agreements".into(),
                    new: true,
                    statuses: agreement_statuses(&page, &input.status),
                    input,
                    error: Some(message),
                    page,
                },
            )
        }
    }
}

/// `GET /staff/agreements/{id}/edit`.
pub async fn edit_agreement(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let d = records::agreement(&state.app, &user.principal(), AgreementId(id), None).await?;
    let a = &d.agreement;
    let input = staff::AgreementInput {
        account: a.account_id.to_string(),
        number: a.number.clone(),
        name: a.name.clone(),
        status: a.status.as_str().to_owned(),
        starts_on: a.starts_on.to_string(),
        ends_on: a.ends_on.to_string(),
        description: a.description.clone().unwrap_or_default(),
        expose_to_customer: a.expose_to_customer,
    };
    render(&AgreementFormPage {
        title: format!("{} — {}", page.t("records-staff-edit"), a.number),
        action: format!("/staff/agreements/{id}/edit?seen_version={}", a.version),
        new: false,
        statuses: agreement_statuses(&page, &input.status),
        input,
        error: None,
        page,
    })
}

/// `POST /staff/agreements/{id}/edit`: refused as changed when someone saved it meanwhile.
pub async fn update_agreement(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(seen): Query<SeenVersion>,
    Form(input): Form<staff::AgreementInput>,
) -> WebResult<Response> {
    let result = staff::update_agreement(
        &state.app,
        &user.principal(),
        AgreementId(id),
        &input,
        seen.seen_version,
    )
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/staff/agreements/{id}?notice=record-saved"
        ))),
        Err(e) => {
            let (status, message) = form_error(&page, e)?;
            render_with_status(
                status,
                &AgreementFormPage {
                    title: page.t("records-staff-edit"),
                    action: format!(
                        "/staff/agreements/{id}/edit?seen_version={}",
                        seen.seen_version.unwrap_or_default()
                    ),
                    new: false,
                    statuses: agreement_statuses(&page, &input.status),
                    input,
                    error: Some(message),
                    page,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "records/staff_work_order_form.html")]
struct WorkOrderFormPage {
    page: Page,
    title: String,
    action: String,
    new: bool,
    input: staff::WorkOrderInput,
    statuses: Vec<StatusOption>,
    error: Option<String>,
}

fn work_order_statuses(page: &Page, current: &str) -> Vec<StatusOption> {
    onsite_domain::work_order::WorkOrderStatus::ALL
        .into_iter()
        .map(|s| StatusOption {
            value: s.as_str(),
            label: page.t(&records::text::work_order_status(s)),
            selected: s.as_str() == current,
        })
        .collect()
}

/// `GET /staff/work-orders/new`.
pub async fn new_work_order(page: Page) -> WebResult<Response> {
    let input = staff::WorkOrderInput {
        status: "estimate_pending".into(),
        ..Default::default()
    };
    render(&WorkOrderFormPage {
        title: page.t("records-staff-new-work-order"),
        action: "/staff/work-orders".into(),
        new: true,
        statuses: work_order_statuses(&page, &input.status),
        input,
        error: None,
        page,
    })
}

/// `POST /staff/work-orders`: numbered `WO-<id>` when the number is left blank.
pub async fn create_work_order(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(input): Form<staff::WorkOrderInput>,
) -> WebResult<Response> {
    let now = state.clock.now();
    match staff::create_work_order(&state.app, &user.principal(), &input, now).await {
        Ok(id) => Ok(see_other(&format!(
            "/staff/work-orders/{id}?notice=record-saved"
        ))),
        Err(e) => {
            let (status, message) = form_error(&page, e)?;
            render_with_status(
                status,
                &WorkOrderFormPage {
                    title: page.t("records-staff-new-work-order"),
                    action: "/staff/work-orders".into(),
                    new: true,
                    statuses: work_order_statuses(&page, &input.status),
                    input,
                    error: Some(message),
                    page,
                },
            )
        }
    }
}

/// `GET /staff/work-orders/{id}/edit`.
pub async fn edit_work_order(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let d = records::work_order(&state.app, &user.principal(), WorkOrderId(id), None).await?;
    let w = &d.work_order;
    let input = staff::WorkOrderInput {
        account: w.account_id.to_string(),
        number: w.number.clone(),
        service_type: w.service_type_id.to_string(),
        asset: w
            .asset
            .as_ref()
            .map(|l| l.id.to_string())
            .unwrap_or_default(),
        agreement: w
            .agreement
            .as_ref()
            .map(|l| l.id.to_string())
            .unwrap_or_default(),
        status: w.status.as_str().to_owned(),
        summary: w.summary.clone().unwrap_or_default(),
        expose_to_customer: w.expose_to_customer,
    };
    render(&WorkOrderFormPage {
        title: format!("{} — {}", page.t("records-staff-edit"), w.number),
        action: format!("/staff/work-orders/{id}/edit?seen_version={}", w.version),
        new: false,
        statuses: work_order_statuses(&page, &input.status),
        input,
        error: None,
        page,
    })
}

/// `POST /staff/work-orders/{id}/edit`: refused as changed when someone saved it meanwhile
/// (or an approver decided on it).
pub async fn update_work_order(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(seen): Query<SeenVersion>,
    Form(input): Form<staff::WorkOrderInput>,
) -> WebResult<Response> {
    let result = staff::update_work_order(
        &state.app,
        &user.principal(),
        WorkOrderId(id),
        &input,
        seen.seen_version,
        state.clock.now(),
    )
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/staff/work-orders/{id}?notice=record-saved"
        ))),
        Err(e) => {
            let (status, message) = form_error(&page, e)?;
            render_with_status(
                status,
                &WorkOrderFormPage {
                    title: page.t("records-staff-edit"),
                    action: format!(
                        "/staff/work-orders/{id}/edit?seen_version={}",
                        seen.seen_version.unwrap_or_default()
                    ),
                    new: false,
                    statuses: work_order_statuses(&page, &input.status),
                    input,
                    error: Some(message),
                    page,
                },
            )
        }
    }
}
