//! The staff's side of customer records (`Capability::Dispatch`, issue 6): a work order's and
//! an agreement's page — the record, its account, its decisions and history — with the
//! **Expose to Customer** toggle. The approval emails sent to dispatchers link here
//! (`/staff/work-orders/{id}`, `/staff/agreements/{id}`). Staff reach every account's records;
//! creating and editing them from forms comes with the back office (the use cases exist in
//! `onsite_app::records::staff`).

use crate::guard::see_other;
use crate::layout::{Page, render};
use crate::pages::records::{
    AgreementLine, DecisionLine, HistoryLine, InvoiceLine, VisitLine, WorkOrderLine,
    agreement_line, decision_line, history_line, invoice_line, visit_line, work_order_line,
};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
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
