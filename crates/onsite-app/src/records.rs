//! Customer records use cases (SPEC §8, issue 6): the lists and detail pages of agreements,
//! assets, work orders and invoices for a customer's reviewers and approvers, the approvers'
//! decisions, and the staff's side (Expose to Customer, create and edit).
//!
//! Who sees what: a reviewer or approver (`ReviewRecords`) reaches only their own account's
//! records with Expose to Customer set; staff (`Dispatch`) reach every record, of one account
//! when they name it. Anything outside the caller's reach — another account's record, an
//! unexposed one — is [`RecordsError::NotFound`], on lists (a foreign account or agreement named
//! in the request), details and searches alike, so its existence is never revealed. The rule
//! "each record's own flag decides" is the store's ([`onsite_store::records`]).
//!
//! - this module: list requests as pages and the API send them (raw strings, parsed here into
//!   typed queries), the four lists and the asset tree, the four detail use cases;
//! - [`approvals`]: Approve / Reject with a comment, checked against the version the approver
//!   saw, recorded and emailed to the staff in one transaction;
//! - [`staff`]: Expose to Customer, create and edit with validated inputs;
//! - [`text`]: money, quantities, rates and the Fluent ids of statuses, filters and sorts.

pub mod approvals;
pub mod staff;
pub mod text;

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Capability, Principal};
use jiff::civil::Date;
use onsite_domain::invoice::{InvoiceLine, Totals, totals};
use onsite_domain::{AccountId, AgreementId, AssetId, InvalidInput, InvoiceId, WorkOrderId};
use onsite_i18n::Locale;
use onsite_notify::emails::RenderError;
use onsite_store::StoreError;
use onsite_store::records::approvals::{self as store_approvals, Approval};
use onsite_store::records::details::{
    self, Coverage, HistoryEntry, HistoryEvent, VisitRow, VisitsOf,
};
use onsite_store::records::lists::{
    self, AgreementFilter, AgreementQuery, AgreementRow, AgreementSort, AssetFilter, AssetNode,
    AssetQuery, AssetRow, AssetSort, InvoiceFilter, InvoiceQuery, InvoiceRow, InvoiceSort, Paging,
    WorkOrderFilter, WorkOrderQuery, WorkOrderRow, WorkOrderSort,
};
use onsite_store::records::{DEFAULT_PAGE, MAX_PAGE, Page, RecordKind, Scope};
use serde::Deserialize;
use std::borrow::Cow;

pub use onsite_store::records::approvals::Decision;

/// Longest search text, in characters.
pub const SEARCH_MAX: usize = 100;
/// Related records a detail page shows before "see all" (the filtered list has the rest).
pub const RELATED_PAGE: u32 = 10;

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// Unknown, another account's, or not exposed (never revealed as such).
    #[error("not found")]
    NotFound,
    /// The person's roles do not allow this (a reviewer approving, a customer editing).
    #[error("not allowed")]
    NotAllowed,
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The record changed since the person looked at it: nothing was written.
    #[error("the record changed meanwhile")]
    Changed,
    /// This version of the record was already decided on (a second click, another approver).
    #[error("already decided")]
    AlreadyDecided,
    /// The record does not wait for a decision.
    #[error("nothing waits for a decision")]
    NotPending,
    /// Another record of this kind has that number.
    #[error("number already used")]
    NumberTaken,
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Email(#[from] RenderError),
}

impl From<StoreError> for RecordsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => RecordsError::NotFound,
            StoreError::Conflict { constraint } if constraint.contains("number") => {
                RecordsError::NumberTaken
            }
            other => RecordsError::Store(other),
        }
    }
}

impl RecordsError {
    /// The Fluent message id that explains the error to the person (`records.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            RecordsError::NotFound => "records-error-not-found",
            RecordsError::NotAllowed => "records-error-not-allowed",
            RecordsError::Changed => "records-error-changed",
            RecordsError::AlreadyDecided => "records-error-already-decided",
            RecordsError::NotPending => "records-error-not-pending",
            RecordsError::NumberTaken => "records-error-number-taken",
            RecordsError::Invalid(e) => match (e.field, e.reason) {
                ("cursor", _) => "records-error-cursor",
                ("sort" | "filter" | "order" | "limit", _) => "records-error-list-option",
                ("search", _) => "records-error-search-too-long",
                ("comment", "required") => "records-error-comment-required",
                ("comment", _) => "records-error-comment-too-long",
                ("number", "required") => "records-error-number-required",
                ("number", _) => "records-error-number",
                ("name", "required") => "records-error-name-required",
                ("name" | "product" | "serial_number", _) => "records-error-name",
                ("summary" | "description", _) => "records-error-text-too-long",
                ("status", _) => "records-error-status",
                (_, "order") => "records-error-date-order",
                ("starts_on" | "ends_on" | "issued_on" | "due_on", _) => "records-error-date",
                ("account", _) => "records-error-account",
                ("parent", "cycle") => "records-error-parent-cycle",
                ("asset" | "service_type" | "agreement" | "work_order" | "parent", _) => {
                    "records-error-reference"
                }
                ("currency", _) => "records-error-currency",
                ("lines", _) => "records-error-lines",
                ("line_description" | "quantity" | "unit_price" | "tax_rate", _) => {
                    "records-error-line"
                }
                ("version", _) => "records-error-changed",
                _ => "records-error-invalid",
            },
            RecordsError::Store(_) | RecordsError::Email(_) => "error-internal",
        }
    }

    /// Whether this is the system's fault (log it, answer 500) rather than the request's.
    pub fn is_internal(&self) -> bool {
        matches!(self, RecordsError::Store(_) | RecordsError::Email(_))
    }
}

impl Failure for RecordsError {
    fn kind(&self) -> Kind {
        match self {
            RecordsError::NotFound => Kind::NotFound,
            RecordsError::NotAllowed => Kind::NotAllowed,
            RecordsError::Invalid(_) => Kind::Invalid,
            RecordsError::Changed
            | RecordsError::AlreadyDecided
            | RecordsError::NotPending
            | RecordsError::NumberTaken => Kind::Conflict,
            RecordsError::Store(e) => e.kind(),
            RecordsError::Email(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            RecordsError::Changed => "changed",
            RecordsError::AlreadyDecided => "already_decided",
            RecordsError::NotPending => "not_pending",
            RecordsError::NumberTaken => "number_taken",
            RecordsError::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            RecordsError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            RecordsError::NumberTaken => Some(Cow::Borrowed("number")),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            RecordsError::Store(e) => e.message(locale),
            _ => locale.text(self.message_id()),
        }
    }
}

pub type Result<T, E = RecordsError> = std::result::Result<T, E>;

// ---- Who may see what -----------------------------------------------------------------------

/// How the caller reaches records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// A reviewer or approver: this account's exposed records.
    Customer(AccountId),
    /// A dispatcher or admin: every record.
    Staff,
}

pub(crate) fn reach(principal: &Principal) -> Result<Reach> {
    if principal.may(Capability::Dispatch) {
        return Ok(Reach::Staff);
    }
    if principal.may(Capability::ReviewRecords)
        && let Some(account) = principal.customer_account()
    {
        return Ok(Reach::Customer(account));
    }
    Err(RecordsError::NotAllowed)
}

impl Reach {
    /// The scope of a query; a customer naming another account finds nothing.
    pub(crate) fn scope(self, account: Option<AccountId>) -> Result<Scope> {
        match self {
            Reach::Customer(own) => match account {
                Some(other) if other != own => Err(RecordsError::NotFound),
                _ => Ok(Scope::customer(own)),
            },
            Reach::Staff => Ok(Scope::staff(account)),
        }
    }
}

// ---- List requests --------------------------------------------------------------------------

/// A list request as a page's query string or the JSON API sends it: every field raw and
/// optional, parsed here (a bad value is [`RecordsError::Invalid`] naming the field, never a
/// server error). Deserializable from a query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ListRequest {
    /// The list's filter (`active`, `expired`, `all`, `awaiting-approval`, `inactive`,
    /// `top-level`); each list has its default.
    pub filter: Option<String>,
    /// The sort column (`number`, `name`, `opened`, `ends`, `issued`, `due`, `status`,
    /// `product`, `added`).
    pub sort: Option<String>,
    /// `asc` or `desc`; by default, dates newest first and text A to Z.
    pub order: Option<String>,
    /// Search text (number, name, product, serial number…).
    #[serde(rename = "q")]
    pub search: Option<String>,
    /// The page token from a previous page's `next` / `prev`.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 100 (default 20).
    pub limit: Option<String>,
    /// Staff: only this account. Customers: their own or nothing.
    pub account: Option<String>,
    /// Work orders / invoices of this agreement.
    pub agreement: Option<String>,
    /// Work orders on this asset.
    pub asset: Option<String>,
    /// Invoices of this work order.
    pub work_order: Option<String>,
    /// Assets that are components of this one.
    pub parent: Option<String>,
}

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An id named by a list request (`account`, `agreement`, `asset`, `work_order`, `parent`).
pub fn id_param(raw: &Option<String>, field: &'static str) -> Result<Option<i64>> {
    match given(raw) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or(RecordsError::Invalid(InvalidInput::new(field, "unknown"))),
    }
}

fn parse_or<T>(
    raw: &Option<String>,
    default: T,
    parse: fn(&str) -> Result<T, InvalidInput>,
) -> Result<T> {
    Ok(given(raw).map(parse).transpose()?.unwrap_or(default))
}

fn order(raw: &Option<String>, default_descending: bool) -> Result<bool> {
    match given(raw) {
        None => Ok(default_descending),
        Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(_) => Err(InvalidInput::new("order", "unknown").into()),
    }
}

fn limit(raw: &Option<String>) -> Result<u32> {
    match given(raw) {
        None => Ok(DEFAULT_PAGE),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or(RecordsError::Invalid(InvalidInput::new("limit", "range"))),
    }
}

/// The search text: trimmed, control characters dropped (PostgreSQL refuses a NUL), at most
/// [`SEARCH_MAX`] characters; blank is no search.
pub fn search_text(raw: &Option<String>) -> Result<Option<String>> {
    let Some(s) = raw.as_deref() else {
        return Ok(None);
    };
    let s: String = s.chars().filter(|c| !c.is_control()).collect();
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > SEARCH_MAX {
        return Err(InvalidInput::new("search", "too-long").into());
    }
    Ok(Some(s.to_owned()))
}

/// One page of a list, with the options it was read with (for the page's links).
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T, F, S> {
    pub page: Page<T>,
    pub filter: F,
    pub sort: S,
    pub descending: bool,
    pub search: Option<String>,
    pub limit: u32,
    /// The account the list is limited to (a customer's own; staff's choice).
    pub account: Option<AccountId>,
}

/// The caller's scope for a request, after checking that the account and the related record
/// it names (agreement, asset…) are within reach.
struct Resolved {
    scope: Scope,
}

async fn resolve(
    app: &App,
    principal: &Principal,
    req: &ListRequest,
    related: &[(RecordKind, Option<i64>)],
) -> Result<Resolved> {
    let reach = reach(principal)?;
    let account = id_param(&req.account, "account")?.map(AccountId);
    let scope = reach.scope(account)?;
    let mut conn = app.store.conn().await?;
    for (kind, id) in related {
        if let Some(id) = id
            && !lists::in_scope(&mut conn, &scope, *kind, *id).await?
        {
            return Err(RecordsError::NotFound);
        }
    }
    Ok(Resolved { scope })
}

fn default_descending_work_orders(sort: WorkOrderSort) -> bool {
    sort == WorkOrderSort::Opened
}

/// The work order list's query from a request (the agreement and asset ids read and checked
/// by the caller): default Active, newest first.
pub fn work_order_query(
    req: &ListRequest,
    agreement: Option<i64>,
    asset: Option<i64>,
) -> Result<WorkOrderQuery> {
    let filter = parse_or(&req.filter, WorkOrderFilter::Active, WorkOrderFilter::parse)?;
    let sort = parse_or(&req.sort, WorkOrderSort::Opened, WorkOrderSort::parse)?;
    let descending = order(&req.order, default_descending_work_orders(sort))?;
    let start = sort.cursor(req.cursor.as_deref().unwrap_or(""), descending)?;
    Ok(WorkOrderQuery {
        filter,
        sort,
        descending,
        search: search_text(&req.search)?,
        agreement: agreement.map(AgreementId),
        asset: asset.map(AssetId),
        paging: Paging {
            start,
            limit: limit(&req.limit)?,
        },
    })
}

/// The account's work orders: default Active, newest first.
pub async fn work_orders(
    app: &App,
    principal: &Principal,
    req: &ListRequest,
) -> Result<Listing<WorkOrderRow, WorkOrderFilter, WorkOrderSort>> {
    let agreement = id_param(&req.agreement, "agreement")?;
    let asset = id_param(&req.asset, "asset")?;
    let r = resolve(
        app,
        principal,
        req,
        &[
            (RecordKind::Agreement, agreement),
            (RecordKind::Asset, asset),
        ],
    )
    .await?;
    let q = work_order_query(req, agreement, asset)?;
    let mut conn = app.store.conn().await?;
    let page = lists::list_work_orders(&mut conn, &r.scope, &q).await?;
    Ok(Listing {
        page,
        filter: q.filter,
        sort: q.sort,
        descending: q.descending,
        search: q.search,
        limit: q.paging.limit,
        account: r.scope.account,
    })
}

/// The agreement list's query from a request: default Active, latest ending first.
pub fn agreement_query(req: &ListRequest) -> Result<AgreementQuery> {
    let filter = parse_or(&req.filter, AgreementFilter::Active, AgreementFilter::parse)?;
    let sort = parse_or(&req.sort, AgreementSort::Ends, AgreementSort::parse)?;
    let descending = order(&req.order, sort == AgreementSort::Ends)?;
    let start = sort.cursor(req.cursor.as_deref().unwrap_or(""), descending)?;
    Ok(AgreementQuery {
        filter,
        sort,
        descending,
        search: search_text(&req.search)?,
        paging: Paging {
            start,
            limit: limit(&req.limit)?,
        },
    })
}

/// The account's agreements: default Active (the seed's default view), latest ending first.
pub async fn agreements(
    app: &App,
    principal: &Principal,
    req: &ListRequest,
) -> Result<Listing<AgreementRow, AgreementFilter, AgreementSort>> {
    let r = resolve(app, principal, req, &[]).await?;
    let q = agreement_query(req)?;
    let mut conn = app.store.conn().await?;
    let page = lists::list_agreements(&mut conn, &r.scope, &q).await?;
    Ok(Listing {
        page,
        filter: q.filter,
        sort: q.sort,
        descending: q.descending,
        search: q.search,
        limit: q.paging.limit,
        account: r.scope.account,
    })
}

/// The asset list's query from a request (the parent's id read and checked by the caller):
/// default all, by name.
pub fn asset_query(req: &ListRequest, parent: Option<i64>) -> Result<AssetQuery> {
    let filter = parse_or(&req.filter, AssetFilter::All, AssetFilter::parse)?;
    let sort = parse_or(&req.sort, AssetSort::Name, AssetSort::parse)?;
    let descending = order(&req.order, sort == AssetSort::Added)?;
    let start = sort.cursor(req.cursor.as_deref().unwrap_or(""), descending)?;
    Ok(AssetQuery {
        filter,
        sort,
        descending,
        search: search_text(&req.search)?,
        parent: parent.map(AssetId),
        paging: Paging {
            start,
            limit: limit(&req.limit)?,
        },
    })
}

/// The account's assets, each with its parent and master: default all, by name.
pub async fn assets(
    app: &App,
    principal: &Principal,
    req: &ListRequest,
) -> Result<Listing<AssetRow, AssetFilter, AssetSort>> {
    let parent = id_param(&req.parent, "parent")?;
    let r = resolve(app, principal, req, &[(RecordKind::Asset, parent)]).await?;
    let q = asset_query(req, parent)?;
    let mut conn = app.store.conn().await?;
    let page = lists::list_assets(&mut conn, &r.scope, &q).await?;
    Ok(Listing {
        page,
        filter: q.filter,
        sort: q.sort,
        descending: q.descending,
        search: q.search,
        limit: q.paging.limit,
        account: r.scope.account,
    })
}

/// The asset tree: a page of top-level assets (sorted, searched and paged like the list), each
/// with its visible components to any depth.
pub async fn asset_tree(
    app: &App,
    principal: &Principal,
    req: &ListRequest,
) -> Result<Listing<AssetNode, AssetFilter, AssetSort>> {
    let r = resolve(app, principal, req, &[]).await?;
    let q = asset_query(req, None)?;
    let mut conn = app.store.conn().await?;
    let page = lists::asset_tree(&mut conn, &r.scope, &q).await?;
    Ok(Listing {
        page,
        filter: AssetFilter::TopLevel,
        sort: q.sort,
        descending: q.descending,
        search: q.search,
        limit: q.paging.limit,
        account: r.scope.account,
    })
}

/// The invoice list's query from a request (the work order and agreement ids read and checked
/// by the caller): default Active, latest issued first.
pub fn invoice_query(
    req: &ListRequest,
    work_order: Option<i64>,
    agreement: Option<i64>,
) -> Result<InvoiceQuery> {
    let filter = parse_or(&req.filter, InvoiceFilter::Active, InvoiceFilter::parse)?;
    let sort = parse_or(&req.sort, InvoiceSort::Issued, InvoiceSort::parse)?;
    let descending = order(
        &req.order,
        matches!(sort, InvoiceSort::Issued | InvoiceSort::Due),
    )?;
    let start = sort.cursor(req.cursor.as_deref().unwrap_or(""), descending)?;
    Ok(InvoiceQuery {
        filter,
        sort,
        descending,
        search: search_text(&req.search)?,
        work_order: work_order.map(WorkOrderId),
        agreement: agreement.map(AgreementId),
        paging: Paging {
            start,
            limit: limit(&req.limit)?,
        },
    })
}

/// The account's invoices with their totals: default Active, latest issued first.
pub async fn invoices(
    app: &App,
    principal: &Principal,
    req: &ListRequest,
) -> Result<Listing<InvoiceRow, InvoiceFilter, InvoiceSort>> {
    let work_order = id_param(&req.work_order, "work_order")?;
    let agreement = id_param(&req.agreement, "agreement")?;
    let r = resolve(
        app,
        principal,
        req,
        &[
            (RecordKind::WorkOrder, work_order),
            (RecordKind::Agreement, agreement),
        ],
    )
    .await?;
    let q = invoice_query(req, work_order, agreement)?;
    let mut conn = app.store.conn().await?;
    let page = lists::list_invoices(&mut conn, &r.scope, &q).await?;
    Ok(Listing {
        page,
        filter: q.filter,
        sort: q.sort,
        descending: q.descending,
        search: q.search,
        limit: q.paging.limit,
        account: r.scope.account,
    })
}

// ---- Details --------------------------------------------------------------------------------

fn first_page(limit: u32) -> Paging {
    Paging {
        start: Default::default(),
        limit,
    }
}

/// An agreement's page: its period and status, what it covers, its work orders, visits and
/// invoices, its decisions, and whether the caller may decide on its renewal now.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementDetail {
    pub agreement: AgreementRow,
    pub coverage: Coverage,
    /// The first work orders of the agreement (every status); the list filtered by
    /// `agreement` has the rest.
    pub work_orders: Page<WorkOrderRow>,
    pub invoices: Page<InvoiceRow>,
    /// Latest first.
    pub visits: Vec<VisitRow>,
    pub approvals: Vec<Approval>,
    /// Approve / Reject are offered: the caller is an approver and a renewal waits.
    pub can_decide: bool,
    /// The period an approved renewal would give ([`approvals::renewal_period`]).
    pub renewal: Option<(Date, Date)>,
}

/// `account`: staff may name the account they expect the record in (the same filter as the
/// lists); customers always reach their own.
pub async fn agreement(
    app: &App,
    principal: &Principal,
    id: AgreementId,
    account: Option<AccountId>,
) -> Result<AgreementDetail> {
    let reach = reach(principal)?;
    let scope = reach.scope(account)?;
    let mut conn = app.store.conn().await?;
    let agreement = lists::agreement_row(&mut conn, &scope, id).await?;
    let coverage = details::coverage(&mut conn, &scope, id).await?;
    let work_orders = lists::list_work_orders(
        &mut conn,
        &scope,
        &WorkOrderQuery {
            filter: WorkOrderFilter::All,
            agreement: Some(id),
            paging: first_page(RELATED_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let invoices = lists::list_invoices(
        &mut conn,
        &scope,
        &InvoiceQuery {
            filter: InvoiceFilter::All,
            agreement: Some(id),
            paging: first_page(RELATED_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let visits = details::visits(
        &mut conn,
        &scope,
        VisitsOf::Agreement(id),
        details::VISITS_MAX,
    )
    .await?;
    let approvals = store_approvals::approvals_of(&mut conn, RecordKind::Agreement, id.0).await?;
    let pending = agreement.status == onsite_domain::agreement::AgreementStatus::RenewalPending;
    Ok(AgreementDetail {
        can_decide: pending && approvals::may_decide(principal),
        renewal: pending
            .then(|| approvals::renewal_period(agreement.starts_on, agreement.ends_on))
            .flatten(),
        agreement,
        coverage,
        work_orders,
        invoices,
        visits,
        approvals,
    })
}

/// An asset's page: its parent and master, its components, its work orders and visits.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetDetail {
    pub asset: AssetRow,
    /// Its visible components, by name (the list filtered by `parent` has the rest).
    pub components: Page<AssetRow>,
    pub work_orders: Page<WorkOrderRow>,
    /// Latest first.
    pub visits: Vec<VisitRow>,
}

pub async fn asset(
    app: &App,
    principal: &Principal,
    id: AssetId,
    account: Option<AccountId>,
) -> Result<AssetDetail> {
    let reach = reach(principal)?;
    let scope = reach.scope(account)?;
    let mut conn = app.store.conn().await?;
    let asset = lists::asset_row(&mut conn, &scope, id).await?;
    let components = lists::list_assets(
        &mut conn,
        &scope,
        &AssetQuery {
            parent: Some(id),
            paging: first_page(MAX_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let work_orders = lists::list_work_orders(
        &mut conn,
        &scope,
        &WorkOrderQuery {
            filter: WorkOrderFilter::All,
            asset: Some(id),
            paging: first_page(RELATED_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let visits =
        details::visits(&mut conn, &scope, VisitsOf::Asset(id), details::VISITS_MAX).await?;
    Ok(AssetDetail {
        asset,
        components,
        work_orders,
        visits,
    })
}

/// A work order's page: status, service type, asset, agreement, its visits, its invoices, its
/// history, and whether the caller may decide on its estimate now.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrderDetail {
    pub work_order: WorkOrderRow,
    /// Latest first.
    pub visits: Vec<VisitRow>,
    pub invoices: Page<InvoiceRow>,
    /// Oldest first. Customers see what happened to the work, not the staff's bookkeeping
    /// (exposing, editing).
    pub history: Vec<HistoryEntry>,
    pub approvals: Vec<Approval>,
    /// Approve / Reject are offered: the caller is an approver and the estimate waits.
    pub can_decide: bool,
}

pub async fn work_order(
    app: &App,
    principal: &Principal,
    id: WorkOrderId,
    account: Option<AccountId>,
) -> Result<WorkOrderDetail> {
    let reach = reach(principal)?;
    let scope = reach.scope(account)?;
    let mut conn = app.store.conn().await?;
    let work_order = lists::work_order_row(&mut conn, &scope, id).await?;
    let visits = details::visits(
        &mut conn,
        &scope,
        VisitsOf::WorkOrder(id),
        details::VISITS_MAX,
    )
    .await?;
    let invoices = lists::list_invoices(
        &mut conn,
        &scope,
        &InvoiceQuery {
            filter: InvoiceFilter::All,
            work_order: Some(id),
            paging: first_page(RELATED_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let mut history = details::work_order_history(&mut conn, id).await?;
    if matches!(reach, Reach::Customer(_)) {
        history.retain(|h| !matches!(h.event, HistoryEvent::Exposed(_) | HistoryEvent::Edited));
    }
    let approvals = store_approvals::approvals_of(&mut conn, RecordKind::WorkOrder, id.0).await?;
    let pending = work_order.status == onsite_domain::work_order::WorkOrderStatus::EstimatePending;
    Ok(WorkOrderDetail {
        can_decide: pending && approvals::may_decide(principal),
        work_order,
        visits,
        invoices,
        history,
        approvals,
    })
}

/// One invoice line with its amounts (minor units of the invoice's currency).
#[derive(Debug, Clone, PartialEq)]
pub struct LineView {
    pub line: InvoiceLine,
    pub net_minor: i64,
    pub tax_minor: i64,
}

/// The taxes of an invoice, one row per rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRow {
    pub rate_milli_percent: i64,
    /// The net amount taxed at this rate.
    pub base_minor: i64,
    pub tax_minor: i64,
}

/// An invoice's page (and its print view): lines, taxes by rate, totals in its currency.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceDetail {
    pub invoice: InvoiceRow,
    pub lines: Vec<LineView>,
    /// By rate, lowest first; rates of zero included (they say "no tax").
    pub taxes: Vec<TaxRow>,
    pub totals: Totals,
}

pub async fn invoice(
    app: &App,
    principal: &Principal,
    id: InvoiceId,
    account: Option<AccountId>,
) -> Result<InvoiceDetail> {
    let reach = reach(principal)?;
    let scope = reach.scope(account)?;
    let mut conn = app.store.conn().await?;
    let invoice = lists::invoice_row(&mut conn, &scope, id).await?;
    let lines = lists::invoice_lines(&mut conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(invoice_detail(invoice, lines))
}

/// Lines, taxes and totals from the lines alone (the totals are the domain's).
pub fn invoice_detail(invoice: InvoiceRow, lines: Vec<InvoiceLine>) -> InvoiceDetail {
    let totals = totals(&lines);
    let mut taxes: Vec<TaxRow> = Vec::new();
    for l in &lines {
        match taxes
            .iter_mut()
            .find(|t| t.rate_milli_percent == l.tax_rate_milli_percent)
        {
            Some(t) => {
                t.base_minor += l.net_minor();
                t.tax_minor += l.tax_minor();
            }
            None => taxes.push(TaxRow {
                rate_milli_percent: l.tax_rate_milli_percent,
                base_minor: l.net_minor(),
                tax_minor: l.tax_minor(),
            }),
        }
    }
    taxes.sort_by_key(|t| t.rate_milli_percent);
    let lines = lines
        .into_iter()
        .map(|line| LineView {
            net_minor: line.net_minor(),
            tax_minor: line.tax_minor(),
            line,
        })
        .collect();
    InvoiceDetail {
        invoice,
        lines,
        taxes,
        totals,
    }
}

/// Expires the active agreements that ended before `today` (the service company's date), so
/// they move from the Active to the Expired filter. For the housekeeping sweep; idempotent.
pub async fn expire_ended_agreements(app: &App, today: Date) -> Result<u64> {
    let mut conn = app.store.conn().await?;
    let n = onsite_store::records::staff::expire_ended_agreements(&mut conn, today).await?;
    if n > 0 {
        tracing::info!(expired = n, "agreements expired");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&str, &str)]) -> ListRequest {
        let mut req = ListRequest::default();
        for (k, v) in pairs {
            let field = match *k {
                "filter" => &mut req.filter,
                "sort" => &mut req.sort,
                "order" => &mut req.order,
                "q" => &mut req.search,
                "cursor" => &mut req.cursor,
                "limit" => &mut req.limit,
                other => panic!("no field {other}"),
            };
            *field = Some((*v).to_owned());
        }
        req
    }

    fn refused<T: std::fmt::Debug>(result: Result<T>) -> &'static str {
        match result {
            Err(RecordsError::Invalid(e)) => e.field,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn list_requests_become_queries_with_each_lists_defaults() {
        let none = ListRequest::default();
        let q = work_order_query(&none, Some(3), None).unwrap();
        assert_eq!(
            (q.filter, q.sort, q.descending, q.agreement),
            (
                WorkOrderFilter::Active,
                WorkOrderSort::Opened,
                true,
                Some(AgreementId(3))
            )
        );
        let q = agreement_query(&request(&[("sort", "name"), ("q", " boiler\u{0} ")])).unwrap();
        assert_eq!((q.sort, q.descending), (AgreementSort::Name, false));
        assert_eq!(q.search.as_deref(), Some("boiler"));
        let q = invoice_query(&request(&[("order", "asc"), ("limit", "100")]), None, None).unwrap();
        assert_eq!((q.descending, q.paging.limit), (false, 100));
        assert_eq!(
            asset_query(&none, Some(7)).unwrap().parent,
            Some(AssetId(7))
        );
    }

    #[test]
    fn bad_list_requests_name_the_field() {
        assert_eq!(refused(agreement_query(&request(&[("sort", "x")]))), "sort");
        assert_eq!(
            refused(asset_query(&request(&[("filter", "x")]), None)),
            "filter"
        );
        assert_eq!(
            refused(agreement_query(&request(&[("order", "up")]))),
            "order"
        );
        assert_eq!(
            refused(agreement_query(&request(&[("limit", "101")]))),
            "limit"
        );
        assert_eq!(
            refused(agreement_query(&request(&[("cursor", "AAAA")]))),
            "cursor"
        );
        assert_eq!(
            refused(work_order_query(
                &request(&[("q", &"x".repeat(101))]),
                None,
                None
            )),
            "search"
        );
        assert_eq!(refused(id_param(&Some("-1".into()), "asset")), "asset");
    }
}
