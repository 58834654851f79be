//! Customer records use cases (SPEC §8, issue 6): the lists and detail pages of agreements,
//! assets, work orders and invoices for a customer's reviewers and approvers, the approvers'
//! decisions, and the staff's side (Expose to Customer, create and edit).
//!
//! Who sees what is what the policy granted: a [`Reviewer`] of a customer account (a reviewer
//! or approver, `ReviewRecords`) reaches only their own account's records with Expose to
//! Customer set; a staff [`Reviewer`] (`Dispatch`) reaches every record, of one account when
//! they name it. Only an [`Approver`] decides, and only [`Staff`](crate::policy::Staff) edit.
//! Anything outside the caller's reach — another account's record, an unexposed one — is
//! [`RecordsError::NotFound`], on lists (a foreign account or agreement named in the request),
//! details and searches alike, so its existence is never revealed. The rule "each record's own
//! flag decides" is the store's ([`onsite_store::records`]).
//!
//! - this module: list requests as pages and the API send them (raw strings, parsed here into
//!   typed queries), one [`list`] for the four kinds ([`Listed`]: each list's defaults and
//!   related records), the asset tree, the four detail use cases;
//! - [`approvals`]: Approve / Reject with a comment, checked against the version the approver
//!   saw, recorded and emailed to the staff in one transaction;
//! - [`staff`]: Expose to Customer, create and edit with validated inputs;
//! - [`text`]: money, quantities, rates and the Fluent ids of statuses, filters and sorts.

pub mod approvals;
pub mod staff;
pub mod text;

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Approver, Reach, Reviewer};
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
    self, AgreementFilter, AgreementQuery, AgreementRow, AgreementSort, Agreements, AssetFilter,
    AssetNode, AssetQuery, AssetRow, AssetSort, Assets, InvoiceFilter, InvoiceQuery, InvoiceRow,
    InvoiceSort, Invoices, ListOption, ListSort, Options, Paging, RecordList, WorkOrderFilter,
    WorkOrderQuery, WorkOrderRow, WorkOrderSort, WorkOrders,
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

/// The store's scope for what the policy granted: a customer's own account (naming another
/// finds nothing), or every account for staff, or the one they name.
fn scope(reviewer: Reviewer, account: Option<AccountId>) -> Result<Scope> {
    match reviewer.reach {
        Reach::Account(own) => match account {
            Some(other) if other != own => Err(RecordsError::NotFound),
            _ => Ok(Scope::customer(own)),
        },
        Reach::Staff(_) => Ok(Scope::staff(account)),
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

impl ListRequest {
    /// The fields that limit a list to an account or a related record, in the order pages
    /// write them into their links.
    pub const LIMITS: [&'static str; 5] = ["account", "agreement", "asset", "work_order", "parent"];

    /// The non-blank value of one of the [`LIMITS`](Self::LIMITS) fields.
    pub fn limit_of(&self, field: &str) -> Option<&str> {
        let raw = match field {
            "account" => &self.account,
            "agreement" => &self.agreement,
            "asset" => &self.asset,
            "work_order" => &self.work_order,
            "parent" => &self.parent,
            _ => return None,
        };
        given(raw)
    }
}

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An id named by a list request (`account`, `agreement`, `asset`, `work_order`, `parent`).
pub fn id_param(raw: Option<&str>, field: &'static str) -> Result<Option<i64>> {
    match raw {
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

/// A list as requests name it: its defaults, and the related records a request may limit it
/// to. [`list`] reads any of them.
pub trait Listed: RecordList {
    const FILTER: Self::Filter;
    const SORT: Self::Sort;
    /// The request fields naming a related record this list may be limited to, with its kind.
    const RELATED: &'static [(&'static str, RecordKind)];
    /// Whether `sort` reads newest first unless the request says otherwise.
    fn descending_by_default(sort: Self::Sort) -> bool;
    /// Limits the query to the related records named (ids in [`RELATED`](Self::RELATED)'s order).
    fn relate(q: &mut Self::Query, ids: &[Option<i64>]);
}

impl Listed for WorkOrders {
    const FILTER: WorkOrderFilter = WorkOrderFilter::Active;
    const SORT: WorkOrderSort = WorkOrderSort::Opened;
    const RELATED: &'static [(&'static str, RecordKind)] = &[
        ("agreement", RecordKind::Agreement),
        ("asset", RecordKind::Asset),
    ];
    fn descending_by_default(sort: WorkOrderSort) -> bool {
        sort == WorkOrderSort::Opened
    }
    fn relate(q: &mut WorkOrderQuery, ids: &[Option<i64>]) {
        q.agreement = ids[0].map(AgreementId);
        q.asset = ids[1].map(AssetId);
    }
}

impl Listed for Agreements {
    /// The seed's default view; latest ending first.
    const FILTER: AgreementFilter = AgreementFilter::Active;
    const SORT: AgreementSort = AgreementSort::Ends;
    const RELATED: &'static [(&'static str, RecordKind)] = &[];
    fn descending_by_default(sort: AgreementSort) -> bool {
        sort == AgreementSort::Ends
    }
    fn relate(_: &mut AgreementQuery, _: &[Option<i64>]) {}
}

impl Listed for Assets {
    const FILTER: AssetFilter = AssetFilter::All;
    const SORT: AssetSort = AssetSort::Name;
    const RELATED: &'static [(&'static str, RecordKind)] = &[("parent", RecordKind::Asset)];
    fn descending_by_default(sort: AssetSort) -> bool {
        sort == AssetSort::Added
    }
    fn relate(q: &mut AssetQuery, ids: &[Option<i64>]) {
        q.parent = ids[0].map(AssetId);
    }
}

impl Listed for Invoices {
    const FILTER: InvoiceFilter = InvoiceFilter::Active;
    const SORT: InvoiceSort = InvoiceSort::Issued;
    const RELATED: &'static [(&'static str, RecordKind)] = &[
        ("work_order", RecordKind::WorkOrder),
        ("agreement", RecordKind::Agreement),
    ];
    fn descending_by_default(sort: InvoiceSort) -> bool {
        matches!(sort, InvoiceSort::Issued | InvoiceSort::Due)
    }
    fn relate(q: &mut InvoiceQuery, ids: &[Option<i64>]) {
        q.work_order = ids[0].map(WorkOrderId);
        q.agreement = ids[1].map(AgreementId);
    }
}

/// List `K`'s options from a request: each list's defaults, a bad option refused naming its
/// field.
pub fn list_options<K: Listed>(req: &ListRequest) -> Result<Options<K::Filter, K::Sort>> {
    let filter = parse_or(&req.filter, K::FILTER, K::Filter::parse)?;
    let sort = parse_or(&req.sort, K::SORT, K::Sort::parse)?;
    let descending = order(&req.order, K::descending_by_default(sort))?;
    let start = sort.cursor(req.cursor.as_deref().unwrap_or(""), descending)?;
    Ok(Options {
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

impl<T, F, S> Listing<T, F, S> {
    fn of(page: Page<T>, o: Options<F, S>, account: Option<AccountId>) -> Self {
        Listing {
            page,
            filter: o.filter,
            sort: o.sort,
            descending: o.descending,
            search: o.search,
            limit: o.paging.limit,
            account,
        }
    }
}

/// A page of list `K` in the reviewer's reach: the account and the related records the request
/// names must be within it (else [`RecordsError::NotFound`]).
pub async fn list<K: Listed>(
    app: &App,
    reviewer: Reviewer,
    req: &ListRequest,
) -> Result<Listing<K::Row, K::Filter, K::Sort>> {
    let ids = K::RELATED
        .iter()
        .map(|(field, _)| id_param(req.limit_of(field), field))
        .collect::<Result<Vec<_>>>()?;
    let scope = requested_scope(reviewer, req)?;
    let mut conn = app.store.conn().await?;
    for ((_, kind), id) in K::RELATED.iter().zip(&ids) {
        if let Some(id) = id
            && !lists::in_scope(&mut conn, &scope, *kind, *id).await?
        {
            return Err(RecordsError::NotFound);
        }
    }
    let o = list_options::<K>(req)?;
    let mut q = K::Query::from(o.clone());
    K::relate(&mut q, &ids);
    let page = lists::list::<K>(&mut conn, &scope, &q).await?;
    Ok(Listing::of(page, o, scope.account))
}

/// The scope of a list request: the reviewer's, limited to the account it names.
fn requested_scope(reviewer: Reviewer, req: &ListRequest) -> Result<Scope> {
    let account = id_param(req.limit_of("account"), "account")?.map(AccountId);
    scope(reviewer, account)
}

/// The asset tree: a page of top-level assets (sorted, searched and paged like the list), each
/// with its visible components to any depth.
pub async fn asset_tree(
    app: &App,
    reviewer: Reviewer,
    req: &ListRequest,
) -> Result<Listing<AssetNode, AssetFilter, AssetSort>> {
    let scope = requested_scope(reviewer, req)?;
    let o = list_options::<Assets>(req)?;
    let mut conn = app.store.conn().await?;
    let page = lists::asset_tree(&mut conn, &scope, &AssetQuery::from(o.clone())).await?;
    Ok(Listing {
        filter: AssetFilter::TopLevel,
        ..Listing::of(page, o, scope.account)
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
    reviewer: Reviewer,
    approver: Option<Approver>,
    id: AgreementId,
    account: Option<AccountId>,
) -> Result<AgreementDetail> {
    let scope = scope(reviewer, account)?;
    let mut conn = app.store.conn().await?;
    let agreement = lists::row::<Agreements>(&mut conn, &scope, id).await?;
    let coverage = details::coverage(&mut conn, &scope, id).await?;
    let work_orders = lists::list::<WorkOrders>(
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
    let invoices = lists::list::<Invoices>(
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
        can_decide: pending && approver.is_some_and(|a| reviewer.reach.sees(a.account)),
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
    reviewer: Reviewer,
    id: AssetId,
    account: Option<AccountId>,
) -> Result<AssetDetail> {
    let scope = scope(reviewer, account)?;
    let mut conn = app.store.conn().await?;
    let asset = lists::row::<Assets>(&mut conn, &scope, id).await?;
    let components = lists::list::<Assets>(
        &mut conn,
        &scope,
        &AssetQuery {
            parent: Some(id),
            paging: first_page(MAX_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let work_orders = lists::list::<WorkOrders>(
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
    reviewer: Reviewer,
    approver: Option<Approver>,
    id: WorkOrderId,
    account: Option<AccountId>,
) -> Result<WorkOrderDetail> {
    let scope = scope(reviewer, account)?;
    let mut conn = app.store.conn().await?;
    let work_order = lists::row::<WorkOrders>(&mut conn, &scope, id).await?;
    let visits = details::visits(
        &mut conn,
        &scope,
        VisitsOf::WorkOrder(id),
        details::VISITS_MAX,
    )
    .await?;
    let invoices = lists::list::<Invoices>(
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
    if matches!(reviewer.reach, Reach::Account(_)) {
        history.retain(|h| !matches!(h.event, HistoryEvent::Exposed(_) | HistoryEvent::Edited));
    }
    let approvals = store_approvals::approvals_of(&mut conn, RecordKind::WorkOrder, id.0).await?;
    let pending = work_order.status == onsite_domain::work_order::WorkOrderStatus::EstimatePending;
    Ok(WorkOrderDetail {
        can_decide: pending && approver.is_some_and(|a| reviewer.reach.sees(a.account)),
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
    reviewer: Reviewer,
    id: InvoiceId,
    account: Option<AccountId>,
) -> Result<InvoiceDetail> {
    let scope = scope(reviewer, account)?;
    let mut conn = app.store.conn().await?;
    let invoice = lists::row::<Invoices>(&mut conn, &scope, id).await?;
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

    fn query<K: Listed>(req: &ListRequest, ids: &[Option<i64>]) -> Result<K::Query> {
        let mut q = K::Query::from(list_options::<K>(req)?);
        K::relate(&mut q, ids);
        Ok(q)
    }

    #[test]
    fn list_requests_become_queries_with_each_lists_defaults() {
        let none = ListRequest::default();
        let q = query::<WorkOrders>(&none, &[Some(3), None]).unwrap();
        assert_eq!(
            (q.filter, q.sort, q.descending, q.agreement),
            (
                WorkOrderFilter::Active,
                WorkOrderSort::Opened,
                true,
                Some(AgreementId(3))
            )
        );
        let q = query::<Agreements>(&request(&[("sort", "name"), ("q", " boiler\u{0} ")]), &[])
            .unwrap();
        assert_eq!((q.sort, q.descending), (AgreementSort::Name, false));
        assert_eq!(q.search.as_deref(), Some("boiler"));
        let q = query::<Invoices>(
            &request(&[("order", "asc"), ("limit", "100")]),
            &[None, None],
        )
        .unwrap();
        assert_eq!((q.descending, q.paging.limit), (false, 100));
        assert_eq!(
            query::<Assets>(&none, &[Some(7)]).unwrap().parent,
            Some(AssetId(7))
        );
    }

    #[test]
    fn bad_list_requests_name_the_field() {
        let agreements = |pairs: &[(&str, &str)]| query::<Agreements>(&request(pairs), &[]);
        assert_eq!(refused(agreements(&[("sort", "x")])), "sort");
        assert_eq!(
            refused(query::<Assets>(&request(&[("filter", "x")]), &[None])),
            "filter"
        );
        assert_eq!(refused(agreements(&[("order", "up")])), "order");
        assert_eq!(refused(agreements(&[("limit", "101")])), "limit");
        assert_eq!(refused(agreements(&[("cursor", "AAAA")])), "cursor");
        assert_eq!(
            refused(query::<WorkOrders>(
                &request(&[("q", &"x".repeat(101))]),
                &[None, None]
            )),
            "search"
        );
        assert_eq!(refused(id_param(Some("-1"), "asset")), "asset");
    }
}
