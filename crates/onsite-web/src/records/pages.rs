//! Customer records (SPEC §8, issue 6): what a customer account's reviewers and approvers
//! (`Capability::ReviewRecords`) see of the agreements, assets, work orders and invoices the
//! service company exposed to them — sortable, searchable lists paged with keyset cursors,
//! the asset tree, detail pages linking related records, the invoice's print page — and the
//! approvers' Approve / Reject of an estimate or a renewal (`Capability::ApproveRecords`).
//!
//! Every read goes through `onsite_app::records`, which scopes the query to the person's own
//! account and to exposed records: anything else (another account's record, an unexposed one,
//! a list filtered by such a record) is `NotFound`, answered 404 like a missing id, so ids
//! cannot be probed. The pages only format what the use cases return.

use crate::error::WebError;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::records::staff;
use crate::session::{CurrentUser, Granted};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use onsite_app::policy::{Approver, Reviewer};
use onsite_app::records::approvals::{self, DecisionInput, Target};
use onsite_app::records::{self, Decision, ListRequest, Listed, Listing, RecordsError, text};
use onsite_domain::{AgreementId, AssetId, InvoiceId, WorkOrderId};
use onsite_i18n::{Arg, Locale};
use onsite_store::records::approvals::Approval;
use onsite_store::records::details::{HistoryEntry, HistoryEvent, VisitRow};
use onsite_store::records::lists::{
    AgreementRow, AgreementSort, Agreements, AssetNode, AssetRow, AssetSort, Assets, InvoiceRow,
    InvoiceSort, Invoices, Link as RecordLink, ListOption, WorkOrderRow, WorkOrderSort, WorkOrders,
};

// ---- Formatting -----------------------------------------------------------------------------

fn date(locale: Locale, d: Date) -> String {
    onsite_i18n::datetime::date(locale, d)
}

fn period(locale: Locale, start: Date, end: Date) -> String {
    let (start, end) = (date(locale, start), date(locale, end));
    locale.text_with(
        "records-period",
        &[("start", Arg::Str(&start)), ("end", Arg::Str(&end))],
    )
}

/// A related record beside a row: where it is and what people call it.
#[derive(Debug, Clone)]
pub(crate) struct Related {
    pub href: String,
    pub label: String,
}

fn related<Id: std::fmt::Display + Copy>(
    base: &str,
    link: &Option<RecordLink<Id>>,
) -> Option<Related> {
    link.as_ref().map(|l| Related {
        href: format!("{base}/{}", l.id),
        label: l.label.clone(),
    })
}

fn visit_state(locale: Locale, state: onsite_domain::booking::BookingState) -> String {
    locale.text(&format!(
        "records-visit-state-{}",
        state.as_str().replace('_', "-")
    ))
}

// ---- Lists ----------------------------------------------------------------------------------

/// One choice of a list's filter bar.
#[derive(Debug)]
pub(crate) struct Choice {
    pub(crate) href: String,
    pub(crate) label: String,
    pub(crate) current: bool,
}

/// A sortable column's header: a link that sorts by it (again: the other way round).
#[derive(Debug)]
pub(crate) struct SortHeader {
    pub(crate) href: String,
    pub(crate) label: String,
    /// `ascending` / `descending` for the sorted column (`aria-sort`), else empty.
    pub(crate) aria_sort: &'static str,
}

/// What every list page shares: the filter bar, the search box, the sort headers, the pager.
#[derive(Debug)]
pub(crate) struct Controls {
    pub(crate) action: String,
    pub(crate) filters: Vec<Choice>,
    pub(crate) search: String,
    /// The list's options the search form keeps (filter, sort, order, related record).
    pub(crate) hidden: Vec<(String, String)>,
    pub(crate) prev: Option<String>,
    pub(crate) next: Option<String>,
    pub(crate) empty: String,
}

/// The options of the list being shown, to write its links.
struct ListState {
    base: String,
    filter: Option<&'static str>,
    sort: &'static str,
    /// `Some` when the order is not the sort's default.
    order: Option<&'static str>,
    search: Option<String>,
    /// `Some` when the page size is not the default one.
    limit: Option<u32>,
    related: Vec<(&'static str, String)>,
}

impl ListState {
    /// The state of a list page as its listing answered it: the links it builds keep the
    /// filter, sort, order (when not `default_desc`), search, page size and related record.
    fn of<T, F, S>(
        base: String,
        listing: &Listing<T, F, S>,
        filter: Option<&'static str>,
        sort: &'static str,
        default_desc: bool,
        related: Vec<(&'static str, String)>,
    ) -> ListState {
        ListState {
            base,
            filter,
            sort,
            order: order_param(listing.descending, default_desc),
            search: listing.search.clone(),
            limit: page_size(listing.limit),
            related,
        }
    }

    fn href(
        &self,
        filter: Option<&str>,
        sort: &str,
        order: Option<&str>,
        cursor: Option<&str>,
    ) -> String {
        let mut params: Vec<(String, String)> = Vec::new();
        if let Some(f) = filter {
            params.push(("filter".into(), f.into()));
        }
        params.push(("sort".into(), sort.into()));
        if let Some(o) = order {
            params.push(("order".into(), o.into()));
        }
        if let Some(q) = &self.search {
            params.push(("q".into(), q.clone()));
        }
        if let Some(n) = self.limit {
            params.push(("limit".into(), n.to_string()));
        }
        for (k, v) in &self.related {
            params.push(((*k).into(), v.clone()));
        }
        if let Some(c) = cursor {
            params.push(("cursor".into(), c.into()));
        }
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::guard::encode_component(v)))
            .collect();
        format!("{}?{}", self.base, query.join("&"))
    }

    fn controls<T, F, S>(
        &self,
        locale: Locale,
        list: &str,
        filters: &[(&'static str, bool)],
        listing: &Listing<T, F, S>,
    ) -> Controls {
        let mut hidden = Vec::new();
        if let Some(f) = self.filter {
            hidden.push(("filter".to_owned(), f.to_owned()));
        }
        hidden.push(("sort".to_owned(), self.sort.to_owned()));
        if let Some(o) = self.order {
            hidden.push(("order".to_owned(), o.to_owned()));
        }
        if let Some(n) = self.limit {
            hidden.push(("limit".to_owned(), n.to_string()));
        }
        for (k, v) in &self.related {
            hidden.push(((*k).to_owned(), v.clone()));
        }
        Controls {
            action: self.base.clone(),
            filters: filters
                .iter()
                .map(|(name, current)| Choice {
                    href: self.href(Some(name), self.sort, self.order, None),
                    label: locale.text(&text::filter_label(list, name)),
                    current: *current,
                })
                .collect(),
            search: self.search.clone().unwrap_or_default(),
            hidden,
            prev: listing
                .page
                .prev
                .as_ref()
                .map(|c| self.href(self.filter, self.sort, self.order, Some(c.as_str()))),
            next: listing
                .page
                .next
                .as_ref()
                .map(|c| self.href(self.filter, self.sort, self.order, Some(c.as_str()))),
            empty: match &self.search {
                Some(s) => locale.text_with("records-empty-search", &[("search", Arg::Str(s))]),
                None => locale.text("records-empty"),
            },
        }
    }

    /// The header of the column sorted by `sort`.
    fn header(
        &self,
        locale: Locale,
        label_id: &str,
        sort: &'static str,
        descending: bool,
    ) -> SortHeader {
        let current = self.sort == sort;
        // Clicking the sorted column turns its order round; another column sorts its way.
        let order = if current {
            Some(if descending { "asc" } else { "desc" })
        } else {
            None
        };
        SortHeader {
            href: self.href(self.filter, sort, order, None),
            label: locale.text(label_id),
            aria_sort: match (current, descending) {
                (false, _) => "",
                (true, true) => "descending",
                (true, false) => "ascending",
            },
        }
    }
}

/// The page size to keep in links: only when it is not the default.
fn page_size(limit: u32) -> Option<u32> {
    (limit != onsite_store::records::DEFAULT_PAGE).then_some(limit)
}

fn order_param(descending: bool, default_descending: bool) -> Option<&'static str> {
    (descending != default_descending).then_some(if descending { "desc" } else { "asc" })
}

fn related_params(req: &ListRequest) -> Vec<(&'static str, String)> {
    ListRequest::LIMITS
        .into_iter()
        .filter_map(|name| Some((name, req.limit_of(name)?.to_owned())))
        .collect()
}

#[derive(Debug)]
pub(crate) struct AgreementLine {
    pub(crate) id: AgreementId,
    pub(crate) number: String,
    pub(crate) name: String,
    pub(crate) status: String,
    pub(crate) status_key: &'static str,
    pub(crate) period: String,
    pub(crate) description: String,
    /// For the staff's pages: whose it is and whether the customer sees it.
    pub(crate) account: String,
    pub(crate) account_id: onsite_domain::AccountId,
    pub(crate) exposed: bool,
}

pub(crate) fn agreement_line(locale: Locale, a: &AgreementRow) -> AgreementLine {
    AgreementLine {
        id: a.id,
        number: a.number.clone(),
        name: a.name.clone(),
        status: locale.text(&text::agreement_status(a.status)),
        status_key: a.status.as_str(),
        period: period(locale, a.starts_on, a.ends_on),
        description: a.description.clone().unwrap_or_default(),
        account: a.account_name.clone(),
        account_id: a.account_id,
        exposed: a.expose_to_customer,
    }
}

/// Where a side's record pages are: [`CUSTOMER`] (`/records/…`) or [`STAFF`] (`/staff/…`).
pub(crate) type Root = &'static str;
pub(crate) const CUSTOMER: Root = "/records";
pub(crate) const STAFF: Root = "/staff";

#[derive(Debug)]
pub(crate) struct AssetLine {
    pub(crate) id: AssetId,
    pub(crate) name: String,
    pub(crate) product: String,
    pub(crate) serial: String,
    pub(crate) parent: Option<Related>,
    pub(crate) master: Option<Related>,
    pub(crate) components: i64,
    /// For the staff's pages: whose it is and whether the customer sees it.
    pub(crate) account: String,
    pub(crate) account_id: onsite_domain::AccountId,
    pub(crate) exposed: bool,
}

/// An asset's row, its parent and master linked to their pages under `root`.
pub(crate) fn asset_line(root: Root, a: &AssetRow) -> AssetLine {
    let assets = format!("{root}/assets");
    AssetLine {
        id: a.id,
        name: a.name.clone(),
        product: a.product.clone(),
        serial: a.serial_number.clone().unwrap_or_default(),
        parent: related(&assets, &a.parent),
        master: related(&assets, &a.master),
        components: a.children,
        account: a.account_name.clone(),
        account_id: a.account_id,
        exposed: a.expose_to_customer,
    }
}

/// A record list as its pages show it, for the customer (under [`CUSTOMER`]) and the staff
/// (under [`STAFF`]): its path, its sortable columns, its line and its two pages.
pub(crate) trait Shown: Listed {
    /// Its path under a side's root, also its name in Fluent ids (`work-orders`).
    const PATH: &'static str;
    /// Its sortable columns, in order: the header's Fluent id and the sort.
    const HEADERS: &'static [(&'static str, Self::Sort)];
    type Line;
    type CustomerPage: ListPage<Line = Self::Line>;
    type StaffPage: ListPage<Line = Self::Line>;
    /// A row, its related records linked under `root`.
    fn line(page: &Page, root: Root, row: &Self::Row) -> Self::Line;
}

/// A list's page: the list's view in its template.
pub(crate) trait ListPage: Template {
    type Line;
    fn new(page: Page, view: ListView<Self::Line>) -> Self;
}

/// Declares a list page: its template shows the list's controls, headers and rows.
macro_rules! list_page {
    ($name:ident, $path:literal, $line:ty) => {
        #[derive(Template)]
        #[template(path = $path)]
        pub(crate) struct $name {
            page: Page,
            controls: Controls,
            headers: Vec<SortHeader>,
            rows: Vec<$line>,
        }

        impl ListPage for $name {
            type Line = $line;
            fn new(page: Page, view: $crate::records::pages::ListView<$line>) -> Self {
                $name {
                    page,
                    controls: view.controls,
                    headers: view.headers,
                    rows: view.rows,
                }
            }
        }
    };
}
pub(crate) use list_page;

list_page!(AgreementsPage, "records/agreements.html", AgreementLine);
list_page!(AssetsPage, "records/assets.html", AssetLine);
list_page!(WorkOrdersPage, "records/work_orders.html", WorkOrderLine);
list_page!(InvoicesPage, "records/invoices.html", InvoiceLine);

impl Shown for Agreements {
    const PATH: &'static str = "agreements";
    const HEADERS: &'static [(&'static str, AgreementSort)] = &[
        ("records-col-number", AgreementSort::Number),
        ("records-col-name", AgreementSort::Name),
        ("records-col-ends", AgreementSort::Ends),
    ];
    type Line = AgreementLine;
    type CustomerPage = AgreementsPage;
    type StaffPage = staff::AgreementsPage;
    fn line(page: &Page, _: Root, row: &AgreementRow) -> AgreementLine {
        agreement_line(page.locale, row)
    }
}

impl Shown for Assets {
    const PATH: &'static str = "assets";
    const HEADERS: &'static [(&'static str, AssetSort)] = &[
        ("records-col-name", AssetSort::Name),
        ("records-col-product", AssetSort::Product),
    ];
    type Line = AssetLine;
    type CustomerPage = AssetsPage;
    type StaffPage = staff::AssetsPage;
    fn line(_: &Page, root: Root, row: &AssetRow) -> AssetLine {
        asset_line(root, row)
    }
}

impl Shown for WorkOrders {
    const PATH: &'static str = "work-orders";
    const HEADERS: &'static [(&'static str, WorkOrderSort)] = &[
        ("records-col-number", WorkOrderSort::Number),
        ("records-col-status", WorkOrderSort::Status),
        ("records-col-opened", WorkOrderSort::Opened),
    ];
    type Line = WorkOrderLine;
    type CustomerPage = WorkOrdersPage;
    type StaffPage = staff::WorkOrdersPage;
    fn line(page: &Page, _: Root, row: &WorkOrderRow) -> WorkOrderLine {
        work_order_line(page, row)
    }
}

impl Shown for Invoices {
    const PATH: &'static str = "invoices";
    const HEADERS: &'static [(&'static str, InvoiceSort)] = &[
        ("records-col-number", InvoiceSort::Number),
        ("records-col-status", InvoiceSort::Status),
        ("records-col-issued", InvoiceSort::Issued),
        ("records-col-due", InvoiceSort::Due),
    ];
    type Line = InvoiceLine;
    type CustomerPage = InvoicesPage;
    type StaffPage = staff::InvoicesPage;
    fn line(page: &Page, root: Root, row: &InvoiceRow) -> InvoiceLine {
        invoice_line(root, page.locale, row)
    }
}

/// What a list page shows: its filter bar, search box and pager, the sortable headers and
/// the rows. Built once for the customer's list and the staff's.
pub(crate) struct ListView<L> {
    pub(crate) controls: Controls,
    pub(crate) headers: Vec<SortHeader>,
    pub(crate) rows: Vec<L>,
}

/// List `K` under `root` (`/records/…` or `/staff/…`), as the reviewer reaches it.
pub(crate) async fn list_view<K: Shown>(
    state: &AppState,
    page: &Page,
    reviewer: Reviewer,
    req: &ListRequest,
    root: Root,
) -> WebResult<ListView<K::Line>> {
    let listing = records::list::<K>(&state.app, reviewer, req)
        .await
        .map_err(WebError::bad_query)?;
    let locale = page.locale;
    let list = ListState::of(
        format!("{root}/{}", K::PATH),
        &listing,
        Some(listing.filter.as_str()),
        listing.sort.as_str(),
        K::descending_by_default(listing.sort),
        related_params(req),
    );
    let filters: Vec<(&'static str, bool)> = K::Filter::ALL
        .iter()
        .map(|f| (f.as_str(), *f == listing.filter))
        .collect();
    Ok(ListView {
        controls: list.controls(locale, K::PATH, &filters, &listing),
        headers: K::HEADERS
            .iter()
            .map(|(label, sort)| list.header(locale, label, sort.as_str(), listing.descending))
            .collect(),
        rows: listing
            .page
            .items
            .iter()
            .map(|row| K::line(page, root, row))
            .collect(),
    })
}

/// `GET /records/<list>`: the account's exposed records of one kind, with the list's filters
/// (each list's default first), sorts, search and keyset pages; work orders of one agreement
/// or asset with `?agreement=` / `?asset=`, invoices of one work order or agreement, an
/// asset's components with `?parent=`.
pub(crate) async fn list<K: Shown>(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let view = list_view::<K>(&state, &page, reviewer, &req, CUSTOMER).await?;
    render(&K::CustomerPage::new(page, view))
}

/// One asset of the tree, flattened with its depth (the template nests by depth).
#[derive(Debug)]
struct TreeLine {
    id: AssetId,
    name: String,
    product: String,
    serial: String,
    /// The master (top-level) asset of this one; itself for a root.
    master: String,
    parent: Option<String>,
    depth: usize,
}

fn flatten(
    node: &AssetNode,
    depth: usize,
    master: &str,
    parent: Option<&str>,
    out: &mut Vec<TreeLine>,
) {
    out.push(TreeLine {
        id: node.id,
        name: node.name.clone(),
        product: node.product.clone(),
        serial: node.serial_number.clone().unwrap_or_default(),
        master: master.to_owned(),
        parent: parent.map(str::to_owned),
        depth,
    });
    for child in &node.children {
        flatten(child, depth + 1, master, Some(&node.name), out);
    }
}

#[derive(Template)]
#[template(path = "records/asset_tree.html")]
struct AssetTreePage {
    page: Page,
    controls: Controls,
    lines: Vec<TreeLine>,
}

/// `GET /records/assets/tree`: the top-level assets, each with its components below it.
pub async fn asset_tree(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let listing = records::asset_tree(&state.app, reviewer, &req)
        .await
        .map_err(WebError::bad_query)?;
    let locale = page.locale;
    let list = ListState::of(
        "/records/assets/tree".to_owned(),
        &listing,
        None,
        listing.sort.as_str(),
        listing.sort.as_str() == "added",
        Vec::new(),
    );
    let mut lines = Vec::new();
    for root in &listing.page.items {
        flatten(root, 0, &root.name, None, &mut lines);
    }
    let view = AssetTreePage {
        controls: list.controls(locale, "assets", &[], &listing),
        lines,
        page,
    };
    render(&view)
}

#[derive(Debug)]
pub(crate) struct WorkOrderLine {
    pub(crate) id: WorkOrderId,
    pub(crate) number: String,
    pub(crate) summary: String,
    pub(crate) status: String,
    pub(crate) status_key: &'static str,
    pub(crate) service_type: String,
    pub(crate) asset: Option<Related>,
    pub(crate) agreement: Option<Related>,
    pub(crate) bookings: i64,
    pub(crate) opened: String,
    /// For the staff's pages: whose it is and whether the customer sees it.
    pub(crate) account: String,
    pub(crate) account_id: onsite_domain::AccountId,
    pub(crate) exposed: bool,
}

pub(crate) fn work_order_line(page: &Page, w: &WorkOrderRow) -> WorkOrderLine {
    WorkOrderLine {
        id: w.id,
        number: w.number.clone(),
        summary: w.summary.clone().unwrap_or_default(),
        status: page.t(&text::work_order_status(w.status)),
        status_key: w.status.as_str(),
        service_type: w.service_type.clone(),
        asset: related("/records/assets", &w.asset),
        agreement: related("/records/agreements", &w.agreement),
        bookings: w.bookings,
        opened: page.time(w.opened_at),
        account: w.account_name.clone(),
        account_id: w.account_id,
        exposed: w.expose_to_customer,
    }
}

#[derive(Debug)]
pub(crate) struct InvoiceLine {
    pub(crate) id: InvoiceId,
    pub(crate) number: String,
    pub(crate) status: String,
    pub(crate) status_key: &'static str,
    pub(crate) issued: String,
    pub(crate) due: String,
    pub(crate) total: String,
    pub(crate) work_order: Option<Related>,
    pub(crate) agreement: Option<Related>,
    /// For the staff's pages: whose it is and whether the customer sees it.
    pub(crate) account: String,
    pub(crate) account_id: onsite_domain::AccountId,
    pub(crate) exposed: bool,
}

/// An invoice's row, its work order and agreement linked to their pages under `root`.
pub(crate) fn invoice_line(root: Root, locale: Locale, i: &InvoiceRow) -> InvoiceLine {
    InvoiceLine {
        id: i.id,
        number: i.number.clone(),
        status: locale.text(&text::invoice_status(i.status)),
        status_key: i.status.as_str(),
        issued: date(locale, i.issued_on),
        due: date(locale, i.due_on),
        total: text::money(locale, i.totals.gross_minor, i.currency),
        work_order: related(&format!("{root}/work-orders"), &i.work_order),
        agreement: related(&format!("{root}/agreements"), &i.agreement),
        account: i.account_name.clone(),
        account_id: i.account_id,
        exposed: i.expose_to_customer,
    }
}

// ---- Details --------------------------------------------------------------------------------

#[derive(Debug)]
pub(crate) struct VisitLine {
    pub(crate) work_order: Related,
    pub(crate) when: String,
    pub(crate) state: String,
    pub(crate) technician: String,
    pub(crate) cancel_reason: String,
}

pub(crate) fn visit_line(page: &Page, v: &VisitRow) -> VisitLine {
    VisitLine {
        work_order: Related {
            href: format!("/records/work-orders/{}", v.work_order_id),
            label: v.work_order_number.clone(),
        },
        when: page.time(v.starts_at),
        state: visit_state(page.locale, v.state),
        technician: v.technician.clone(),
        cancel_reason: v.cancel_reason.clone().unwrap_or_default(),
    }
}

#[derive(Debug)]
pub(crate) struct DecisionLine {
    pub(crate) what: String,
    pub(crate) comment: String,
}

pub(crate) fn decision_line(page: &Page, a: &Approval) -> DecisionLine {
    let id = match a.decision {
        Decision::Approved => "records-decided-approved",
        Decision::Rejected => "records-decided-rejected",
    };
    let when = page.time(a.decided_at);
    DecisionLine {
        what: page.locale.text_with(
            id,
            &[
                ("name", Arg::Str(&a.decided_by_name)),
                ("date", Arg::Str(&when)),
            ],
        ),
        comment: a.comment.clone().unwrap_or_default(),
    }
}

/// The Approve / Reject forms of a record waiting for the approver.
#[derive(Debug)]
struct DecisionForm {
    action: String,
    seen_version: i64,
    /// What waits ("This estimate waits for your approval").
    prompt: String,
    /// Why the last attempt was refused, shown above the forms.
    error: Option<String>,
    comment: String,
}

#[derive(Template)]
#[template(path = "records/agreement.html")]
struct AgreementPage {
    page: Page,
    a: AgreementLine,
    covered_assets: Vec<Related>,
    covered_services: Vec<String>,
    work_orders: Vec<WorkOrderLine>,
    work_orders_more: Option<String>,
    invoices: Vec<InvoiceLine>,
    invoices_more: Option<String>,
    visits: Vec<VisitLine>,
    decisions: Vec<DecisionLine>,
    form: Option<DecisionForm>,
}

async fn agreement_page(
    state: &AppState,
    page: Page,
    (reviewer, approver): (Reviewer, Option<Approver>),
    id: AgreementId,
    refusal: Option<(StatusCode, String, String)>,
) -> WebResult<Response> {
    let d = records::agreement(&state.app, reviewer, approver, id, None).await?;
    let locale = page.locale;
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.0);
    let form = d.can_decide.then(|| DecisionForm {
        action: format!("/records/agreements/{id}/decision"),
        seen_version: d.agreement.version,
        prompt: match d.renewal {
            Some((s, e)) => {
                let (s, e) = (date(locale, s), date(locale, e));
                locale.text_with(
                    "records-approval-renewal-waiting",
                    &[("start", Arg::Str(&s)), ("end", Arg::Str(&e))],
                )
            }
            None => locale.text("records-agreement-status-renewal-pending"),
        },
        error: refusal.as_ref().map(|r| r.1.clone()),
        comment: refusal.as_ref().map(|r| r.2.clone()).unwrap_or_default(),
    });
    let view = AgreementPage {
        a: agreement_line(locale, &d.agreement),
        covered_assets: d
            .coverage
            .assets
            .iter()
            .map(|l| Related {
                href: format!("/records/assets/{}", l.id),
                label: l.label.clone(),
            })
            .collect(),
        covered_services: d
            .coverage
            .service_types
            .iter()
            .map(|l| l.label.clone())
            .collect(),
        work_orders: d
            .work_orders
            .items
            .iter()
            .map(|w| work_order_line(&page, w))
            .collect(),
        work_orders_more: d
            .work_orders
            .next
            .is_some()
            .then(|| format!("/records/work-orders?filter=all&agreement={id}")),
        invoices: d
            .invoices
            .items
            .iter()
            .map(|i| invoice_line(CUSTOMER, locale, i))
            .collect(),
        invoices_more: d
            .invoices
            .next
            .is_some()
            .then(|| format!("/records/invoices?filter=all&agreement={id}")),
        visits: d.visits.iter().map(|v| visit_line(&page, v)).collect(),
        decisions: d
            .approvals
            .iter()
            .map(|a| decision_line(&page, a))
            .collect(),
        form,
        page,
    };
    render_with_status(status, &view)
}

/// `GET /records/agreements/{id}`.
pub async fn agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let approver = user.principal().grant();
    agreement_page(&state, page, (reviewer, approver), AgreementId(id), None).await
}

#[derive(Template)]
#[template(path = "records/asset.html")]
struct AssetPage {
    page: Page,
    a: AssetLine,
    components: Vec<AssetLine>,
    work_orders: Vec<WorkOrderLine>,
    work_orders_more: Option<String>,
    visits: Vec<VisitLine>,
}

/// `GET /records/assets/{id}`: the asset, its parent and master, components, work, visits.
pub async fn asset(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let id = AssetId(id);
    let d = records::asset(&state.app, reviewer, id, None).await?;
    let view = AssetPage {
        a: asset_line(CUSTOMER, &d.asset),
        components: d
            .components
            .items
            .iter()
            .map(|c| asset_line(CUSTOMER, c))
            .collect(),
        work_orders: d
            .work_orders
            .items
            .iter()
            .map(|w| work_order_line(&page, w))
            .collect(),
        work_orders_more: d
            .work_orders
            .next
            .is_some()
            .then(|| format!("/records/work-orders?filter=all&asset={id}")),
        visits: d.visits.iter().map(|v| visit_line(&page, v)).collect(),
        page,
    };
    render(&view)
}

#[derive(Debug)]
pub(crate) struct HistoryLine {
    pub(crate) at: String,
    pub(crate) what: String,
    pub(crate) by: String,
    pub(crate) comment: String,
}

pub(crate) fn history_line(page: &Page, h: &HistoryEntry) -> HistoryLine {
    let locale = page.locale;
    let wo = |s| locale.text(&text::work_order_status(s));
    let (what, comment) = match &h.event {
        HistoryEvent::Opened => (locale.text("records-history-opened"), None),
        HistoryEvent::StatusChanged { from: Some(f), to } => {
            let (f, t) = (wo(*f), wo(*to));
            (
                locale.text_with(
                    "records-history-status",
                    &[("from", Arg::Str(&f)), ("to", Arg::Str(&t))],
                ),
                None,
            )
        }
        HistoryEvent::StatusChanged { from: None, to } => {
            let t = wo(*to);
            (
                locale.text_with("records-history-status-set", &[("to", Arg::Str(&t))]),
                None,
            )
        }
        HistoryEvent::Decided { decision, comment } => (
            locale.text(match decision {
                Decision::Approved => "records-history-approved",
                Decision::Rejected => "records-history-rejected",
            }),
            comment.clone(),
        ),
        HistoryEvent::Exposed(true) => (locale.text("records-history-exposed"), None),
        HistoryEvent::Exposed(false) => (locale.text("records-history-hidden"), None),
        HistoryEvent::Edited => (locale.text("records-history-edited"), None),
        HistoryEvent::Visit {
            from: None, note, ..
        } => (locale.text("records-history-visit-booked"), note.clone()),
        HistoryEvent::Visit { to, note, .. } => {
            let s = visit_state(locale, *to);
            (
                locale.text_with("records-history-visit", &[("state", Arg::Str(&s))]),
                note.clone(),
            )
        }
    };
    HistoryLine {
        at: page.time(h.at),
        what,
        by: h
            .actor
            .as_deref()
            .map(|n| locale.text_with("records-history-by", &[("name", Arg::Str(n))]))
            .unwrap_or_default(),
        comment: comment.unwrap_or_default(),
    }
}

/// What a work order's page shows of it on either side, related records linked under a root.
pub(crate) struct WorkOrderParts {
    pub(crate) w: WorkOrderLine,
    pub(crate) visits: Vec<VisitLine>,
    pub(crate) invoices: Vec<InvoiceLine>,
    pub(crate) history: Vec<HistoryLine>,
    pub(crate) decisions: Vec<DecisionLine>,
}

impl WorkOrderParts {
    pub(crate) fn of(page: &Page, root: Root, d: &records::WorkOrderDetail) -> WorkOrderParts {
        WorkOrderParts {
            w: work_order_line(page, &d.work_order),
            visits: d.visits.iter().map(|v| visit_line(page, v)).collect(),
            invoices: d
                .invoices
                .items
                .iter()
                .map(|i| invoice_line(root, page.locale, i))
                .collect(),
            history: d.history.iter().map(|h| history_line(page, h)).collect(),
            decisions: d.approvals.iter().map(|a| decision_line(page, a)).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "records/work_order.html")]
struct WorkOrderPage {
    page: Page,
    w: WorkOrderLine,
    visits: Vec<VisitLine>,
    invoices: Vec<InvoiceLine>,
    history: Vec<HistoryLine>,
    decisions: Vec<DecisionLine>,
    form: Option<DecisionForm>,
}

async fn work_order_page(
    state: &AppState,
    page: Page,
    (reviewer, approver): (Reviewer, Option<Approver>),
    id: WorkOrderId,
    refusal: Option<(StatusCode, String, String)>,
) -> WebResult<Response> {
    let d = records::work_order(&state.app, reviewer, approver, id, None).await?;
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.0);
    let form = d.can_decide.then(|| DecisionForm {
        action: format!("/records/work-orders/{id}/decision"),
        seen_version: d.work_order.version,
        prompt: page.t("records-approval-estimate-waiting"),
        error: refusal.as_ref().map(|r| r.1.clone()),
        comment: refusal.as_ref().map(|r| r.2.clone()).unwrap_or_default(),
    });
    let WorkOrderParts {
        w,
        visits,
        invoices,
        history,
        decisions,
    } = WorkOrderParts::of(&page, CUSTOMER, &d);
    let view = WorkOrderPage {
        w,
        visits,
        invoices,
        history,
        decisions,
        form,
        page,
    };
    render_with_status(status, &view)
}

/// `GET /records/work-orders/{id}`.
pub async fn work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let approver = user.principal().grant();
    work_order_page(&state, page, (reviewer, approver), WorkOrderId(id), None).await
}

#[derive(Debug)]
pub(crate) struct LineRow {
    pub(crate) description: String,
    pub(crate) quantity: String,
    pub(crate) unit_price: String,
    pub(crate) tax_rate: String,
    pub(crate) net: String,
    pub(crate) tax: String,
}

#[derive(Debug)]
pub(crate) struct TaxLine {
    pub(crate) label: String,
    pub(crate) base: String,
    pub(crate) tax: String,
}

/// What `records/invoice_body.html` shows of an invoice (also the staff's invoice page).
#[derive(Template)]
#[template(path = "records/invoice.html")]
pub(crate) struct InvoicePage {
    pub(crate) page: Page,
    pub(crate) i: InvoiceLine,
    pub(crate) currency: String,
    pub(crate) lines: Vec<LineRow>,
    pub(crate) taxes: Vec<TaxLine>,
    pub(crate) net: String,
    pub(crate) tax: String,
    pub(crate) gross: String,
    pub(crate) title: String,
}

#[derive(Template)]
#[template(path = "records/invoice_print.html")]
struct InvoicePrintPage {
    page: Page,
    i: InvoiceLine,
    currency: String,
    lines: Vec<LineRow>,
    taxes: Vec<TaxLine>,
    net: String,
    tax: String,
    gross: String,
    title: String,
}

async fn invoice_view(
    state: &AppState,
    page: Page,
    reviewer: Reviewer,
    id: InvoiceId,
) -> WebResult<InvoicePage> {
    let d = records::invoice(&state.app, reviewer, id, None).await?;
    Ok(invoice_page(page, CUSTOMER, &d))
}

/// An invoice's lines, taxes by rate and totals in its currency, formatted for the reader,
/// its related records linked under `root`.
pub(crate) fn invoice_page(page: Page, root: Root, d: &records::InvoiceDetail) -> InvoicePage {
    let locale = page.locale;
    let currency = d.invoice.currency;
    let money = |minor| text::money(locale, minor, currency);
    InvoicePage {
        i: invoice_line(root, locale, &d.invoice),
        currency: currency.as_str().to_owned(),
        lines: d
            .lines
            .iter()
            .map(|l| LineRow {
                description: l.line.description.clone(),
                quantity: text::quantity(locale, l.line.quantity_milli),
                unit_price: money(l.line.unit_price_minor),
                tax_rate: text::percent(locale, l.line.tax_rate_milli_percent),
                net: money(l.net_minor),
                tax: money(l.tax_minor),
            })
            .collect(),
        taxes: d
            .taxes
            .iter()
            .map(|t| {
                let rate = text::percent(locale, t.rate_milli_percent);
                TaxLine {
                    label: locale.text_with("records-tax-row", &[("rate", Arg::Str(&rate))]),
                    base: money(t.base_minor),
                    tax: money(t.tax_minor),
                }
            })
            .collect(),
        net: money(d.totals.net_minor),
        tax: money(d.totals.tax_minor),
        gross: money(d.totals.gross_minor),
        title: locale.text_with(
            "records-invoice-print-title",
            &[("number", Arg::Str(&d.invoice.number))],
        ),
        page,
    }
}

/// `GET /records/invoices/{id}`: lines, taxes by rate and totals in the invoice's currency.
pub async fn invoice(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let view = invoice_view(&state, page, reviewer, InvoiceId(id)).await?;
    render(&view)
}

/// `GET /records/invoices/{id}/print`: the same invoice on a page of its own, without the
/// portal's navigation, with a print stylesheet.
pub async fn invoice_print(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let v = invoice_view(&state, page, reviewer, InvoiceId(id)).await?;
    render(&InvoicePrintPage {
        page: v.page,
        i: v.i,
        currency: v.currency,
        lines: v.lines,
        taxes: v.taxes,
        net: v.net,
        tax: v.tax,
        gross: v.gross,
        title: v.title,
    })
}

// ---- Approvals ------------------------------------------------------------------------------

/// The Approve / Reject form: which button, the comment, the version the page showed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DecisionFields {
    decision: String,
    comment: String,
    seen_version: String,
}

fn decision_input(target: Target, form: &DecisionFields) -> Result<DecisionInput, WebError> {
    let decision = match form.decision.as_str() {
        "approve" => Decision::Approved,
        "reject" => Decision::Rejected,
        _ => return Err(WebError::BadRequest),
    };
    let seen_version = form
        .seen_version
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest)?;
    Ok(DecisionInput {
        target,
        decision,
        comment: form.comment.clone(),
        seen_version,
    })
}

/// A refusal the approver can act on (a comment missing, the record changed meanwhile): the
/// page again, with why, and the comment they typed.
fn shown_refusal(
    page: &Page,
    e: &RecordsError,
    comment: &str,
) -> Option<(StatusCode, String, String)> {
    let status = crate::error::form_refusal_status(e)?;
    Some((status, page.t(e.message_id()), comment.to_owned()))
}

/// Approve or reject what waits on `target`: its page with the decision's notice, or the page
/// again with why the decision was refused.
async fn decide(
    state: &AppState,
    page: Page,
    (reviewer, approver): (Reviewer, Approver),
    target: Target,
    form: &DecisionFields,
) -> WebResult<Response> {
    let input = decision_input(target, form)?;
    match approvals::decide(&state.app, approver, &input, state.clock.now()).await {
        Ok(d) => {
            let approved = d.decision == Decision::Approved;
            Ok(see_other(&match target {
                Target::WorkOrder(id) => {
                    let notice = if approved {
                        "estimate-approved"
                    } else {
                        "estimate-rejected"
                    };
                    format!("/records/work-orders/{id}?notice={notice}")
                }
                Target::Agreement(id) => {
                    let notice = if approved {
                        "renewal-approved"
                    } else {
                        "renewal-rejected"
                    };
                    format!("/records/agreements/{id}?notice={notice}")
                }
            }))
        }
        Err(e) => {
            let Some(refusal) = shown_refusal(&page, &e, &form.comment) else {
                return Err(e.into());
            };
            let grants = (reviewer, Some(approver));
            match target {
                Target::WorkOrder(id) => {
                    work_order_page(state, page, grants, id, Some(refusal)).await
                }
                Target::Agreement(id) => {
                    agreement_page(state, page, grants, id, Some(refusal)).await
                }
            }
        }
    }
}

/// `POST /records/work-orders/{id}/decision`: approve or reject the estimate.
pub async fn decide_work_order(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    Granted(approver): Granted<Approver>,
    PathId(id): PathId<i64>,
    Form(form): Form<DecisionFields>,
) -> WebResult<Response> {
    let target = Target::WorkOrder(WorkOrderId(id));
    decide(&state, page, (reviewer, approver), target, &form).await
}

/// `POST /records/agreements/{id}/decision`: approve or reject the renewal.
pub async fn decide_agreement(
    State(state): State<AppState>,
    page: Page,
    Granted(reviewer): Granted<Reviewer>,
    Granted(approver): Granted<Approver>,
    PathId(id): PathId<i64>,
    Form(form): Form<DecisionFields>,
) -> WebResult<Response> {
    let target = Target::Agreement(AgreementId(id));
    decide(&state, page, (reviewer, approver), target, &form).await
}
