//! The staff's side of customer records (`Capability::Dispatch`, issue 6): each record's page —
//! work order, agreement, asset, invoice — with its account, what the customer decided, and
//! the **Expose to Customer** toggle; simple create and edit forms (a new record's account is
//! chosen first by searching the accounts; its related records are then picked by name among
//! that account's own, see [`onsite_app::pickers`]); and the staff's lists of each kind (every account, or one with
//! `?account=`), searchable and keyset-paged by the customer lists' own code. The approval
//! emails sent to dispatchers link here (`/staff/work-orders/{id}`, `/staff/agreements/{id}`).
//! Staff reach every account's records, hidden ones too.
//!
//! Every kind shares the same steps, written once: [`list`] (the list page), [`expose`] (the
//! toggle), [`form_head`] (a form's title and where it posts: a new record, or an edit at the
//! version shown) and [`after_save`] (the record's page with "Saved.", or the form again with
//! why it was refused and what was typed — nothing written).

use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::picker::Picker;
use crate::records::pages::{
    AgreementLine, AssetLine, Controls, DecisionLine, HistoryLine, InvoiceLine, LineRow, ListPage,
    STAFF, Shown, SortHeader, TaxLine, VisitLine, WorkOrderLine, WorkOrderParts, agreement_line,
    asset_line, decision_line, invoice_page, list_page, list_view, work_order_line,
};
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::pickers::{self, AccountChoices};
use onsite_app::policy::{Reviewer, Staff};
use onsite_app::records::{self, ListRequest, RecordsError, staff};
use onsite_domain::{AccountId, AgreementId, AssetId, InvoiceId, WorkOrderId};
use onsite_store::records::RecordKind;
use onsite_store::records::lists::RecordList;
use std::fmt::Display;

// ---- What every kind shares -----------------------------------------------------------------

/// Where a kind's staff pages are.
fn staff_base(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Agreement => "/staff/agreements",
        RecordKind::Asset => "/staff/assets",
        RecordKind::WorkOrder => "/staff/work-orders",
        RecordKind::Invoice => "/staff/invoices",
    }
}

/// The record's page, saying "Saved.".
fn saved(kind: RecordKind, id: impl Display) -> Response {
    see_other(&format!("{}/{id}?notice=record-saved", staff_base(kind)))
}

/// The Expose to Customer toggle: `exposed=true` shows the record to the customer's reviewers
/// and approvers, anything else hides it.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExposeForm {
    exposed: String,
}

/// `POST /staff/<list>/{id}/expose`, for every kind.
pub async fn expose<K: RecordList>(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Form(form): Form<ExposeForm>,
) -> WebResult<Response> {
    let exposed = form.exposed == "true";
    staff::set_exposed(&state.app, staff, K::KIND, id, exposed).await?;
    Ok(saved(K::KIND, id))
}

list_page!(
    WorkOrdersPage,
    "records/staff_work_orders.html",
    WorkOrderLine
);
list_page!(
    AgreementsPage,
    "records/staff_agreements.html",
    AgreementLine
);
list_page!(AssetsPage, "records/staff_assets.html", AssetLine);
list_page!(InvoicesPage, "records/staff_invoices.html", InvoiceLine);

/// `GET /staff/<list>`: every account's records of one kind (or one account's, `?account=`),
/// hidden ones too — the customer list's filters (awaiting approval among them), sorts,
/// search and keyset pages.
pub(crate) async fn list<K: Shown>(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let view = list_view::<K>(&state, &page, reviewer, &req, STAFF).await?;
    render(&K::StaffPage::new(page, view))
}

/// Which form is shown: a new record's, or the edit of one at the version the editor saw.
#[derive(Debug, Clone, Copy)]
enum Target {
    New,
    Edit { id: i64, seen_version: Option<i64> },
}

/// The top of a create or edit form.
#[derive(Debug)]
struct FormHead {
    title: String,
    /// Where it posts; an edit carries the version shown (`?seen_version=`).
    action: String,
    /// The record's account (fixed once created) by name.
    account: String,
    /// A new record: where to choose another account.
    change_account: Option<String>,
    /// Why the last submit was refused.
    error: Option<String>,
}

fn form_head(
    page: &Page,
    kind: RecordKind,
    target: Target,
    label: &str,
    choices: &AccountChoices,
    error: Option<String>,
) -> FormHead {
    let base = staff_base(kind);
    let account = choices.account.name.clone();
    match target {
        Target::New => FormHead {
            title: form_title(page, kind),
            action: base.to_owned(),
            account,
            change_account: Some(format!("{base}/new")),
            error,
        },
        Target::Edit { id, seen_version } => FormHead {
            title: format!("{} — {label}", page.t("records-staff-edit")),
            action: match seen_version {
                Some(v) => format!("{base}/{id}/edit?seen_version={v}"),
                None => format!("{base}/{id}/edit"),
            },
            account,
            change_account: None,
            error,
        },
    }
}

/// A refusal the person can fix from the form (a bad field, a taken number, a record changed
/// meanwhile) as its status and message; anything else is the error page.
fn form_error(page: &Page, e: RecordsError) -> WebResult<(StatusCode, String)> {
    let Some(status) = crate::error::form_refusal_status(&e) else {
        return Err(e.into());
    };
    // An edit is no decision: say what to do about someone else's save in an editor's words.
    let message_id = match e {
        RecordsError::Changed => "records-staff-error-changed",
        e => e.message_id(),
    };
    Ok((status, page.t(message_id)))
}

/// After a create or an edit: the record's page, or the form (`again`) with why it was
/// refused and what was typed. The use case wrote nothing when it refused.
fn after_save<T: Display, V: Template>(
    page: Page,
    kind: RecordKind,
    result: Result<T, RecordsError>,
    again: impl FnOnce(Page, Option<String>) -> V,
) -> WebResult<Response> {
    match result {
        Ok(id) => Ok(saved(kind, id)),
        Err(e) => {
            let (status, message) = form_error(&page, e)?;
            render_with_status(status, &again(page, Some(message)))
        }
    }
}

/// The version the edit form was shown with (in its action's query).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SeenVersion {
    seen_version: Option<i64>,
}

/// One option of a status select.
#[derive(Debug)]
struct StatusOption {
    value: &'static str,
    label: String,
    selected: bool,
}

fn status_options<S: Copy>(
    page: &Page,
    all: impl IntoIterator<Item = S>,
    current: &str,
    name: fn(S) -> &'static str,
    label_id: fn(S) -> String,
) -> Vec<StatusOption> {
    all.into_iter()
        .map(|s| StatusOption {
            value: name(s),
            label: page.t(&label_id(s)),
            selected: name(s) == current,
        })
        .collect()
}

/// The choices of the account a form names (`?account=` or its hidden field), or `None` when
/// it names none that exists: the person then chooses one ([`choose_account`]).
async fn account_choices(
    state: &AppState,
    staff: Staff,
    kind: RecordKind,
    account: Option<&str>,
) -> WebResult<Option<AccountChoices>> {
    let Some(id) = account.and_then(|a| a.trim().parse::<i64>().ok()) else {
        return Ok(None);
    };
    match pickers::of_account(&state.app, staff, AccountId(id), kind).await {
        Ok(choices) => Ok(Some(choices)),
        Err(onsite_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// One account found by the search of [`choose_account`].
#[derive(Debug)]
struct AccountOption {
    href: String,
    name: String,
    /// Its contacts' names, to tell two accounts of the same name apart.
    contacts: String,
    active: bool,
}

/// The first step of a new record: which account is it for?
#[derive(Template)]
#[template(path = "records/staff_choose_account.html")]
struct ChooseAccountPage {
    page: Page,
    title: String,
    /// This page's own path (the search submits to it).
    path: String,
    search: String,
    found: Vec<AccountOption>,
    more: bool,
    /// Why the form was refused (an account that does not exist).
    error: Option<String>,
}

/// `GET /staff/<kind>/new` without an account: a search of the accounts (name, contact name or
/// email), each result a link to the form for that account. htmx refreshes the results as one
/// types; without JavaScript the search is a plain form.
async fn choose_account(
    state: &AppState,
    page: Page,
    staff: Staff,
    kind: RecordKind,
    search: Option<&str>,
    error: Option<String>,
) -> WebResult<Response> {
    let base = staff_base(kind);
    let title = form_title(&page, kind);
    account_search(
        state,
        page,
        staff,
        title,
        &format!("{base}/new"),
        |id| format!("{base}/new?account={id}"),
        search,
        error,
    )
    .await
}

/// The first step of a form that is for one account (a new record, a phone order): a search of
/// the accounts at `path` (name, contact name or email), each result a link (`link`) to the
/// next step for that account.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn account_search(
    state: &AppState,
    page: Page,
    staff: Staff,
    title: String,
    path: &str,
    link: impl Fn(AccountId) -> String,
    search: Option<&str>,
    error: Option<String>,
) -> WebResult<Response> {
    let search = search.unwrap_or_default().trim().to_owned();
    let found = pickers::accounts(&state.app, staff, &search).await?;
    let view = ChooseAccountPage {
        title,
        path: path.to_owned(),
        found: found
            .items
            .into_iter()
            .map(|a| AccountOption {
                href: link(a.id),
                contacts: a
                    .contacts
                    .iter()
                    .map(|c| format!("{} {}", c.first_name, c.last_name))
                    .collect::<Vec<_>>()
                    .join(", "),
                name: a.name,
                active: a.active,
            })
            .collect(),
        more: found.has_more,
        search,
        error,
        page,
    };
    let status = if view.error.is_some() {
        crate::error::INVALID
    } else {
        StatusCode::OK
    };
    render_with_status(status, &view)
}

/// A save whose account does not exist (an edited request): the account search again.
async fn unknown_account(
    state: &AppState,
    page: Page,
    staff: Staff,
    kind: RecordKind,
) -> WebResult<Response> {
    let error = page.t("records-staff-choose-account-unknown");
    choose_account(state, page, staff, kind, None, Some(error)).await
}

/// The title of a kind's "new" form.
fn form_title(page: &Page, kind: RecordKind) -> String {
    page.t(match kind {
        RecordKind::Agreement => "records-staff-new-agreement",
        RecordKind::Asset => "records-staff-new-asset",
        RecordKind::WorkOrder => "records-staff-new-work-order",
        RecordKind::Invoice => "records-staff-new-invoice",
    })
}

/// The service types a work order may take: the active ones, and its own even if retired.
fn service_type_picker(page: &Page, choices: &AccountChoices, current: &str) -> Picker {
    let retired = page.t("catalog-retired");
    let options = choices
        .service_types
        .iter()
        .filter(|t| t.active || t.id.to_string() == current.trim())
        .map(|t| {
            let label = if t.active {
                t.name.clone()
            } else {
                format!("{} ({retired})", t.name)
            };
            (t.id.to_string(), label)
        });
    Picker::new(
        "service_type",
        page.t("records-col-service-type"),
        current,
        options,
    )
}

/// The account's assets (a serial number tells twins apart), except `except` (an asset
/// cannot be its own parent).
fn asset_picker(
    page: &Page,
    choices: &AccountChoices,
    name: &'static str,
    label_id: &str,
    current: &str,
    except: Option<AssetId>,
) -> Picker {
    let options = choices
        .assets
        .iter()
        .filter(|a| Some(a.id) != except)
        .map(|a| {
            let label = match &a.serial_number {
                Some(serial) => format!("{} · {serial}", a.name),
                None => a.name.clone(),
            };
            (a.id.to_string(), label)
        });
    Picker::new(name, page.t(label_id), current, options).optional(page.t("records-staff-none"))
}

/// The account's agreements, by number and name.
fn agreement_picker(page: &Page, choices: &AccountChoices, current: &str) -> Picker {
    let options = choices
        .agreements
        .iter()
        .map(|a| (a.id.to_string(), format!("{} · {}", a.number, a.name)));
    Picker::new(
        "agreement",
        page.t("records-col-agreement"),
        current,
        options,
    )
    .optional(page.t("records-staff-none"))
}

/// The account's work orders, by number and service type.
fn work_order_picker(page: &Page, choices: &AccountChoices, current: &str) -> Picker {
    let options = choices.work_orders.iter().map(|w| {
        let service = choices
            .service_types
            .iter()
            .find(|t| t.id == w.service_type_id)
            .map(|t| t.name.as_str())
            .unwrap_or_default();
        (w.id.to_string(), format!("{} · {service}", w.number))
    });
    Picker::new(
        "work_order",
        page.t("records-col-work-order"),
        current,
        options,
    )
    .optional(page.t("records-staff-none"))
}

// ---- Work orders ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "records/staff_work_order.html")]
struct WorkOrderPage {
    page: Page,
    w: WorkOrderLine,
    account: String,
    account_id: AccountId,
    exposed: bool,
    expose_action: String,
    /// The record's history in the audit log, for administrators.
    audit_history: Option<String>,
    visits: Vec<VisitLine>,
    invoices: Vec<InvoiceLine>,
    history: Vec<HistoryLine>,
    decisions: Vec<DecisionLine>,
}

/// `GET /staff/work-orders/{id}`: any account's work order, with what the customer decided.
pub async fn work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let d = records::work_order(&state.app, reviewer, None, WorkOrderId(id), None).await?;
    let WorkOrderParts {
        w,
        visits,
        invoices,
        history,
        decisions,
    } = WorkOrderParts::of(&page, STAFF, &d);
    let view = WorkOrderPage {
        w,
        account: d.work_order.account_name.clone(),
        account_id: d.work_order.account_id,
        exposed: d.work_order.expose_to_customer,
        expose_action: format!("/staff/work-orders/{id}/expose"),
        audit_history: page.history(RecordKind::WorkOrder.as_str(), id),
        visits,
        invoices,
        history,
        decisions,
        page,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "records/staff_work_order_form.html")]
struct WorkOrderFormPage {
    page: Page,
    head: FormHead,
    input: staff::WorkOrderInput,
    /// Service type, asset, agreement.
    pickers: Vec<Picker>,
    statuses: Vec<StatusOption>,
}

fn work_order_form(
    page: Page,
    target: Target,
    input: staff::WorkOrderInput,
    choices: &AccountChoices,
    error: Option<String>,
) -> WorkOrderFormPage {
    use onsite_domain::work_order::WorkOrderStatus as S;
    WorkOrderFormPage {
        head: form_head(
            &page,
            RecordKind::WorkOrder,
            target,
            &input.number,
            choices,
            error,
        ),
        pickers: vec![
            service_type_picker(&page, choices, &input.service_type),
            asset_picker(
                &page,
                choices,
                "asset",
                "records-col-asset",
                &input.asset,
                None,
            ),
            agreement_picker(&page, choices, &input.agreement),
        ],
        statuses: status_options(
            &page,
            S::ALL,
            &input.status,
            S::as_str,
            records::text::work_order_status,
        ),
        input,
        page,
    }
}

/// `GET /staff/work-orders/new` (`?account=`, `?asset=` and `?agreement=` fill those fields:
/// the links from an asset's or an agreement's page); without an account, the account search.
pub async fn new_work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let kind = RecordKind::WorkOrder;
    let Some(choices) = account_choices(&state, staff, kind, req.account.as_deref()).await? else {
        return choose_account(&state, page, staff, kind, req.search.as_deref(), None).await;
    };
    let input = staff::WorkOrderInput {
        account: choices.account.id.to_string(),
        asset: req.asset.unwrap_or_default(),
        agreement: req.agreement.unwrap_or_default(),
        status: "estimate_pending".into(),
        ..Default::default()
    };
    render(&work_order_form(page, Target::New, input, &choices, None))
}

/// `POST /staff/work-orders`: numbered `WO-<id>` when the number is left blank.
pub async fn create_work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(input): Form<staff::WorkOrderInput>,
) -> WebResult<Response> {
    let kind = RecordKind::WorkOrder;
    let Some(choices) = account_choices(&state, staff, kind, Some(&input.account)).await? else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let now = state.clock.now();
    let result = staff::create_work_order(&state.app, staff, &input, now).await;
    after_save(page, kind, result, |page, error| {
        work_order_form(page, Target::New, input, &choices, error)
    })
}

/// `GET /staff/work-orders/{id}/edit`.
pub async fn edit_work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let reviewer = Reviewer::from(staff);
    let d = records::work_order(&state.app, reviewer, None, WorkOrderId(id), None).await?;
    let choices = pickers::of_account(
        &state.app,
        staff,
        d.work_order.account_id,
        RecordKind::WorkOrder,
    )
    .await?;
    let w = &d.work_order;
    let input = staff::WorkOrderInput {
        account: w.account_id.to_string(),
        number: w.number.clone(),
        service_type: w.service_type_id.to_string(),
        asset: link_id(&w.asset),
        agreement: link_id(&w.agreement),
        status: w.status.as_str().to_owned(),
        summary: w.summary.clone().unwrap_or_default(),
        expose_to_customer: w.expose_to_customer,
    };
    let target = Target::Edit {
        id,
        seen_version: Some(w.version),
    };
    render(&work_order_form(page, target, input, &choices, None))
}

/// `POST /staff/work-orders/{id}/edit`: refused as changed when someone saved it meanwhile
/// (or an approver decided on it).
pub async fn update_work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Query(seen): Query<SeenVersion>,
    Form(input): Form<staff::WorkOrderInput>,
) -> WebResult<Response> {
    let kind = RecordKind::WorkOrder;
    let Some(choices) = account_choices(&state, staff, kind, Some(&input.account)).await? else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let result = staff::update_work_order(
        &state.app,
        staff,
        WorkOrderId(id),
        &input,
        seen.seen_version,
        state.clock.now(),
    )
    .await
    .map(|()| id);
    let target = Target::Edit {
        id,
        seen_version: seen.seen_version,
    };
    after_save(page, kind, result, |page, error| {
        work_order_form(page, target, input, &choices, error)
    })
}

/// A related record's id for a form field; blank when there is none.
fn link_id<Id: Display>(link: &Option<onsite_store::records::lists::Link<Id>>) -> String {
    link.as_ref().map(|l| l.id.to_string()).unwrap_or_default()
}

// ---- Agreements -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "records/staff_agreement.html")]
struct AgreementPage {
    page: Page,
    a: AgreementLine,
    account: String,
    account_id: AccountId,
    exposed: bool,
    expose_action: String,
    /// The record's history in the audit log, for administrators.
    audit_history: Option<String>,
    work_orders: Vec<WorkOrderLine>,
    decisions: Vec<DecisionLine>,
}

/// `GET /staff/agreements/{id}`: any account's agreement, with what the customer decided.
pub async fn agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let d = records::agreement(&state.app, reviewer, None, AgreementId(id), None).await?;
    let view = AgreementPage {
        a: agreement_line(page.locale, &d.agreement),
        account: d.agreement.account_name.clone(),
        account_id: d.agreement.account_id,
        exposed: d.agreement.expose_to_customer,
        expose_action: format!("/staff/agreements/{id}/expose"),
        audit_history: page.history(RecordKind::Agreement.as_str(), id),
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

#[derive(Template)]
#[template(path = "records/staff_agreement_form.html")]
struct AgreementFormPage {
    page: Page,
    head: FormHead,
    input: staff::AgreementInput,
    statuses: Vec<StatusOption>,
}

fn agreement_form(
    page: Page,
    target: Target,
    input: staff::AgreementInput,
    choices: &AccountChoices,
    error: Option<String>,
) -> AgreementFormPage {
    use onsite_domain::agreement::AgreementStatus as S;
    AgreementFormPage {
        head: form_head(
            &page,
            RecordKind::Agreement,
            target,
            &input.number,
            choices,
            error,
        ),
        statuses: status_options(
            &page,
            S::ALL,
            &input.status,
            S::as_str,
            records::text::agreement_status,
        ),
        input,
        page,
    }
}

/// `GET /staff/agreements/new` (`?account=`); without an account, the account search.
pub async fn new_agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let kind = RecordKind::Agreement;
    let Some(choices) = account_choices(&state, staff, kind, req.account.as_deref()).await? else {
        return choose_account(&state, page, staff, kind, req.search.as_deref(), None).await;
    };
    let input = staff::AgreementInput {
        account: choices.account.id.to_string(),
        status: "active".into(),
        ..Default::default()
    };
    render(&agreement_form(page, Target::New, input, &choices, None))
}

/// `POST /staff/agreements`.
pub async fn create_agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(input): Form<staff::AgreementInput>,
) -> WebResult<Response> {
    let kind = RecordKind::Agreement;
    let Some(choices) = account_choices(&state, staff, kind, Some(&input.account)).await? else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let result = staff::create_agreement(&state.app, staff, &input).await;
    after_save(page, kind, result, |page, error| {
        agreement_form(page, Target::New, input, &choices, error)
    })
}

/// `GET /staff/agreements/{id}/edit`.
pub async fn edit_agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let reviewer = Reviewer::from(staff);
    let d = records::agreement(&state.app, reviewer, None, AgreementId(id), None).await?;
    let choices = pickers::of_account(
        &state.app,
        staff,
        d.agreement.account_id,
        RecordKind::Agreement,
    )
    .await?;
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
    let target = Target::Edit {
        id,
        seen_version: Some(a.version),
    };
    render(&agreement_form(page, target, input, &choices, None))
}

/// `POST /staff/agreements/{id}/edit`: refused as changed when someone saved it meanwhile.
pub async fn update_agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Query(seen): Query<SeenVersion>,
    Form(input): Form<staff::AgreementInput>,
) -> WebResult<Response> {
    let kind = RecordKind::Agreement;
    let Some(choices) = account_choices(&state, staff, kind, Some(&input.account)).await? else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let result = staff::update_agreement(
        &state.app,
        staff,
        AgreementId(id),
        &input,
        seen.seen_version,
    )
    .await
    .map(|()| id);
    let target = Target::Edit {
        id,
        seen_version: seen.seen_version,
    };
    after_save(page, kind, result, |page, error| {
        agreement_form(page, target, input, &choices, error)
    })
}

// ---- Assets ---------------------------------------------------------------------------------

/// A skill working on the asset requires, as shown.
#[derive(Debug)]
struct SkillLine {
    name: String,
    rating: u8,
}

#[derive(Template)]
#[template(path = "records/staff_asset.html")]
struct AssetPage {
    page: Page,
    a: AssetLine,
    exposed: bool,
    expose_action: String,
    /// The record's history in the audit log, for administrators.
    audit_history: Option<String>,
    components: Vec<AssetLine>,
    skills: Vec<SkillLine>,
    work_orders: Vec<WorkOrderLine>,
}

/// `GET /staff/assets/{id}`: any account's asset, with its parent, master, components, the
/// skills working on it requires, and its work orders.
pub async fn asset(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let d = records::asset(&state.app, reviewer, AssetId(id), None).await?;
    let skills = staff::asset_skills(&state.app, staff, AssetId(id)).await?;
    let view = AssetPage {
        a: asset_line(STAFF, &d.asset),
        exposed: d.asset.expose_to_customer,
        expose_action: format!("/staff/assets/{id}/expose"),
        audit_history: page.history(RecordKind::Asset.as_str(), id),
        components: d
            .components
            .items
            .iter()
            .map(|c| asset_line(STAFF, c))
            .collect(),
        skills: skills
            .into_iter()
            .map(|(name, rating)| SkillLine { name, rating })
            .collect(),
        work_orders: d
            .work_orders
            .items
            .iter()
            .map(|w| work_order_line(&page, w))
            .collect(),
        page,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "records/staff_asset_form.html")]
struct AssetFormPage {
    page: Page,
    head: FormHead,
    input: staff::AssetInput,
    /// The parent asset.
    pickers: Vec<Picker>,
}

fn asset_form(
    page: Page,
    target: Target,
    input: staff::AssetInput,
    choices: &AccountChoices,
    error: Option<String>,
) -> AssetFormPage {
    let this = match target {
        Target::Edit { id, .. } => Some(AssetId(id)),
        Target::New => None,
    };
    AssetFormPage {
        head: form_head(
            &page,
            RecordKind::Asset,
            target,
            &input.name,
            choices,
            error,
        ),
        pickers: vec![asset_picker(
            &page,
            choices,
            "parent",
            "records-col-parent",
            &input.parent,
            this,
        )],
        input,
        page,
    }
}

/// `GET /staff/assets/new` (`?account=` and `?parent=` fill those fields: "add a component");
/// without an account, the account search.
pub async fn new_asset(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let kind = RecordKind::Asset;
    let Some(choices) = account_choices(&state, staff, kind, req.account.as_deref()).await? else {
        return choose_account(&state, page, staff, kind, req.search.as_deref(), None).await;
    };
    let input = staff::AssetInput {
        account: choices.account.id.to_string(),
        parent: req.parent.unwrap_or_default(),
        ..Default::default()
    };
    render(&asset_form(page, Target::New, input, &choices, None))
}

/// `POST /staff/assets`: refused with the reason for a parent of another account.
pub async fn create_asset(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(input): Form<staff::AssetInput>,
) -> WebResult<Response> {
    let kind = RecordKind::Asset;
    let Some(choices) = account_choices(&state, staff, kind, Some(&input.account)).await? else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let result = staff::create_asset(&state.app, staff, &input).await;
    after_save(page, kind, result, |page, error| {
        asset_form(page, Target::New, input, &choices, error)
    })
}

/// `GET /staff/assets/{id}/edit`.
pub async fn edit_asset(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let reviewer = Reviewer::from(staff);
    let d = records::asset(&state.app, reviewer, AssetId(id), None).await?;
    let choices =
        pickers::of_account(&state.app, staff, d.asset.account_id, RecordKind::Asset).await?;
    let a = &d.asset;
    let input = staff::AssetInput {
        account: a.account_id.to_string(),
        parent: link_id(&a.parent),
        name: a.name.clone(),
        product: a.product.clone(),
        serial_number: a.serial_number.clone().unwrap_or_default(),
        expose_to_customer: a.expose_to_customer,
    };
    let target = Target::Edit {
        id,
        seen_version: Some(a.version),
    };
    render(&asset_form(page, target, input, &choices, None))
}

/// `POST /staff/assets/{id}/edit`: refused with the reason for a parent of another account, a
/// parent among its own components (a cycle), or an asset changed meanwhile.
pub async fn update_asset(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Query(seen): Query<SeenVersion>,
    Form(input): Form<staff::AssetInput>,
) -> WebResult<Response> {
    let kind = RecordKind::Asset;
    let Some(choices) = account_choices(&state, staff, kind, Some(&input.account)).await? else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let result = staff::update_asset(&state.app, staff, AssetId(id), &input, seen.seen_version)
        .await
        .map(|()| id);
    let target = Target::Edit {
        id,
        seen_version: seen.seen_version,
    };
    after_save(page, kind, result, |page, error| {
        asset_form(page, target, input, &choices, error)
    })
}

// ---- Invoices -------------------------------------------------------------------------------

/// The customer's invoice page (`records/invoice_body.html`) with the staff's additions.
#[derive(Template)]
#[template(path = "records/staff_invoice.html")]
struct InvoicePage {
    page: Page,
    i: InvoiceLine,
    currency: String,
    lines: Vec<LineRow>,
    taxes: Vec<TaxLine>,
    net: String,
    tax: String,
    gross: String,
    title: String,
    exposed: bool,
    expose_action: String,
    /// The record's history in the audit log, for administrators.
    audit_history: Option<String>,
}

/// `GET /staff/invoices/{id}`: any account's invoice, its lines, taxes and totals.
pub async fn invoice(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let d = records::invoice(&state.app, reviewer, InvoiceId(id), None).await?;
    let audit_history = page.history(RecordKind::Invoice.as_str(), id);
    let v = invoice_page(page, STAFF, &d);
    render(&InvoicePage {
        page: v.page,
        i: v.i,
        currency: v.currency,
        lines: v.lines,
        taxes: v.taxes,
        net: v.net,
        tax: v.tax,
        gross: v.gross,
        title: v.title,
        exposed: d.invoice.expose_to_customer,
        expose_action: format!("/staff/invoices/{id}/expose"),
        audit_history,
    })
}

/// Blank line rows an invoice form offers below its lines.
const SPARE_LINES: usize = 2;

/// The invoice form as posted: its fields, one row per line (`line_description`,
/// `line_quantity`, `line_unit_price`, `line_tax_rate`, repeated in the rows' order), and
/// whether **Add a line** was pressed (the form again with one more row, nothing saved).
#[derive(Debug, Default)]
pub(crate) struct InvoiceForm {
    /// The lines typed (blank rows left out).
    pub(crate) input: staff::InvoiceInput,
    /// Blank rows to show below them.
    spare: usize,
    add_line: bool,
}

impl InvoiceForm {
    pub(crate) fn read(pairs: Vec<(String, String)>) -> InvoiceForm {
        let mut form = InvoiceForm::default();
        let i = &mut form.input;
        let mut columns: [Vec<String>; 4] = Default::default();
        for (name, value) in pairs {
            match name.as_str() {
                "account" => i.account = value,
                "number" => i.number = value,
                "work_order" => i.work_order = value,
                "agreement" => i.agreement = value,
                "status" => i.status = value,
                "currency" => i.currency = value,
                "issued_on" => i.issued_on = value,
                "due_on" => i.due_on = value,
                "expose_to_customer" => i.expose_to_customer = value == "true",
                "add_line" => form.add_line = true,
                "line_description" => columns[0].push(value),
                "line_quantity" => columns[1].push(value),
                "line_unit_price" => columns[2].push(value),
                "line_tax_rate" => columns[3].push(value),
                _ => {}
            }
        }
        let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
        let mut cells = columns.map(Vec::into_iter);
        for _ in 0..rows {
            let [description, quantity, unit_price, tax_rate] =
                cells.each_mut().map(|c| c.next().unwrap_or_default());
            let line = staff::LineInput {
                description,
                quantity,
                unit_price,
                tax_rate,
            };
            if [
                &line.description,
                &line.quantity,
                &line.unit_price,
                &line.tax_rate,
            ]
            .iter()
            .all(|s| s.trim().is_empty())
            {
                form.spare += 1;
            } else {
                form.input.lines.push(line);
            }
        }
        form.spare = form.spare.max(1) + usize::from(form.add_line);
        form
    }
}

#[derive(Template)]
#[template(path = "records/staff_invoice_form.html")]
struct InvoiceFormPage {
    page: Page,
    head: FormHead,
    input: staff::InvoiceInput,
    /// The lines typed, then blank rows.
    rows: Vec<staff::LineInput>,
    /// Work order, agreement.
    pickers: Vec<Picker>,
    statuses: Vec<StatusOption>,
}

fn invoice_form(
    page: Page,
    target: Target,
    form: InvoiceForm,
    choices: &AccountChoices,
    error: Option<String>,
) -> InvoiceFormPage {
    use onsite_domain::invoice::InvoiceStatus as S;
    let input = form.input;
    let mut rows = input.lines.clone();
    rows.extend((0..form.spare).map(|_| staff::LineInput::default()));
    InvoiceFormPage {
        head: form_head(
            &page,
            RecordKind::Invoice,
            target,
            &input.number,
            choices,
            error,
        ),
        pickers: vec![
            work_order_picker(&page, choices, &input.work_order),
            agreement_picker(&page, choices, &input.agreement),
        ],
        statuses: status_options(
            &page,
            S::ALL,
            &input.status,
            S::as_str,
            records::text::invoice_status,
        ),
        rows,
        input,
        page,
    }
}

/// `GET /staff/invoices/new` (`?account=`, `?work_order=` and `?agreement=` fill those
/// fields); without an account, the account search.
pub async fn new_invoice(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let kind = RecordKind::Invoice;
    let Some(choices) = account_choices(&state, staff, kind, req.account.as_deref()).await? else {
        return choose_account(&state, page, staff, kind, req.search.as_deref(), None).await;
    };
    let form = InvoiceForm {
        input: staff::InvoiceInput {
            account: choices.account.id.to_string(),
            work_order: req.work_order.unwrap_or_default(),
            agreement: req.agreement.unwrap_or_default(),
            status: "draft".into(),
            currency: "CAD".into(),
            ..Default::default()
        },
        spare: SPARE_LINES + 1,
        add_line: false,
    };
    render(&invoice_form(page, Target::New, form, &choices, None))
}

/// `POST /staff/invoices`: the invoice with its lines, or the form again with why.
pub async fn create_invoice(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = InvoiceForm::read(pairs);
    let kind = RecordKind::Invoice;
    let Some(choices) = account_choices(&state, staff, kind, Some(&form.input.account)).await?
    else {
        return unknown_account(&state, page, staff, kind).await;
    };
    if form.add_line {
        return render(&invoice_form(page, Target::New, form, &choices, None));
    }
    let result = staff::create_invoice(&state.app, staff, &form.input).await;
    after_save(page, kind, result, |page, error| {
        invoice_form(page, Target::New, form, &choices, error)
    })
}

/// `GET /staff/invoices/{id}/edit`: its lines as typed ("1.5", "95.00", "14.975").
pub async fn edit_invoice(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let reviewer = Reviewer::from(staff);
    let d = records::invoice(&state.app, reviewer, InvoiceId(id), None).await?;
    let choices =
        pickers::of_account(&state.app, staff, d.invoice.account_id, RecordKind::Invoice).await?;
    let i = &d.invoice;
    let digits = records::text::minor_digits(i.currency);
    let form = InvoiceForm {
        input: staff::InvoiceInput {
            account: i.account_id.to_string(),
            number: i.number.clone(),
            work_order: link_id(&i.work_order),
            agreement: link_id(&i.agreement),
            status: i.status.as_str().to_owned(),
            currency: i.currency.as_str().to_owned(),
            issued_on: i.issued_on.to_string(),
            due_on: i.due_on.to_string(),
            lines: d
                .lines
                .iter()
                .map(|l| staff::LineInput {
                    description: l.line.description.clone(),
                    quantity: staff::decimal_text(l.line.quantity_milli, 3, true),
                    unit_price: staff::decimal_text(l.line.unit_price_minor, digits, false),
                    tax_rate: staff::decimal_text(l.line.tax_rate_milli_percent, 3, true),
                })
                .collect(),
            expose_to_customer: i.expose_to_customer,
        },
        spare: SPARE_LINES,
        add_line: false,
    };
    let target = Target::Edit {
        id,
        seen_version: Some(i.version),
    };
    render(&invoice_form(page, target, form, &choices, None))
}

/// `POST /staff/invoices/{id}/edit`: replaces its lines; refused as changed when someone saved
/// it meanwhile.
pub async fn update_invoice(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Query(seen): Query<SeenVersion>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = InvoiceForm::read(pairs);
    let kind = RecordKind::Invoice;
    let Some(choices) = account_choices(&state, staff, kind, Some(&form.input.account)).await?
    else {
        return unknown_account(&state, page, staff, kind).await;
    };
    let target = Target::Edit {
        id,
        seen_version: seen.seen_version,
    };
    if form.add_line {
        return render(&invoice_form(page, target, form, &choices, None));
    }
    let result = staff::update_invoice(
        &state.app,
        staff,
        InvoiceId(id),
        &form.input,
        seen.seen_version,
    )
    .await
    .map(|()| id);
    after_save(page, kind, result, |page, error| {
        invoice_form(page, target, form, &choices, error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_invoice_form_reads_its_rows_in_order_and_keeps_blank_ones_aside() {
        let form = InvoiceForm::read(pairs(&[
            ("number", "INV-9"),
            ("line_description", "Labour"),
            ("line_quantity", "1.5"),
            ("line_unit_price", "95.00"),
            ("line_tax_rate", "14.975"),
            ("line_description", ""),
            ("line_quantity", ""),
            ("line_unit_price", ""),
            ("line_tax_rate", ""),
            ("line_description", "Parts"),
            ("line_quantity", "2"),
            ("line_unit_price", "10"),
            ("line_tax_rate", ""),
            ("expose_to_customer", "true"),
        ]));
        assert_eq!(form.input.number, "INV-9");
        assert!(form.input.expose_to_customer);
        let descriptions: Vec<&str> = form
            .input
            .lines
            .iter()
            .map(|l| l.description.as_str())
            .collect();
        assert_eq!(descriptions, ["Labour", "Parts"]);
        assert_eq!(form.input.lines[1].quantity, "2");
        assert_eq!((form.spare, form.add_line), (1, false));
        let more = InvoiceForm::read(pairs(&[("add_line", "")]));
        assert_eq!((more.spare, more.add_line), (2, true));
    }
}
