//! `/api/v1/records/…`: the customer records as JSON (issue 6), with the pages' scoping — a
//! reviewer or approver reaches their own account's exposed records only; anything else is 404
//! (`not_found`), on lists filtered by a related record and on details alike.
//!
//! Lists take the pages' query parameters (`filter`, `sort`, `order`, `q`, `cursor`, `limit`,
//! `agreement`, `asset`, `work_order`, `parent`) and answer a [`RecordPage`]: `{"items": […],
//! "next", "prev", "filter", "sort", "order", "q", "limit"}`; `next`/`prev` are opaque cursors
//! to pass back as `cursor`. Amounts are integers in the currency's minor unit, with the ISO
//! 4217 `currency`; dates `YYYY-MM-DD`; instants RFC 3339 in UTC. The bodies below describe
//! themselves in the OpenAPI document; see also `docs/api.md`.

use crate::error::WebError;
use crate::input::PathId;
use crate::openapi::{Errors, NotFound, State as VisitState, enum_schema, json_name, refusal};
use crate::session::{CurrentUser, Granted};
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_app::failure::Kind;
use onsite_app::policy::Reviewer;
use onsite_app::records::{self, ListRequest, Listed, Listing};
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::booking::BookingState;
use onsite_domain::invoice::InvoiceStatus;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AgreementId, AssetId, InvoiceId, WorkOrderId};
use onsite_store::records::approvals::{Approval, Decision};
use onsite_store::records::details::VisitRow;
use onsite_store::records::lists::{
    AgreementRow, Agreements, AssetNode, AssetRow, Assets, InvoiceRow, Invoices, Link, ListOption,
    WorkOrderRow, WorkOrders,
};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

enum_schema!(
    /// An agreement's status.
    AgreementStatusName,
    AgreementStatus::ALL.map(json_name),
);
enum_schema!(
    /// A work order's status.
    WorkOrderStatusName,
    WorkOrderStatus::ALL.map(json_name),
);
enum_schema!(
    /// An invoice's status.
    InvoiceStatusName,
    InvoiceStatus::ALL.map(json_name),
);
enum_schema!(
    /// An approver's decision.
    DecisionName,
    [Decision::Approved, Decision::Rejected].map(Decision::as_str),
);
enum_schema!(
    /// The order of a list.
    ListOrder,
    ["asc", "desc"],
);

refusal!(
    /// A list option that cannot be read.
    BadListOption,
    Kind::Malformed,
    "A list option is refused (`invalid`); `field` names it: `filter`, `sort`, `order`, `q`, \
     `cursor`, `limit`, or a related record's id.",
);
refusal!(
    /// A related record of a list's query out of reach.
    UnknownRelated,
    Kind::NotFound,
    "The related record the list is filtered by (`agreement`, `asset`, `work_order`, `parent`, \
     `account`) is not one the caller may see (`not_found`).",
);

/// The query of every records list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// The list's filter (each list's default is the first in docs/api.md).
    filter: Option<String>,
    /// The sort column.
    sort: Option<String>,
    /// `asc` or `desc`; by default, dates newest first and text A to Z.
    #[param(value_type = Option<ListOrder>)]
    order: Option<String>,
    /// Search text, at most 100 characters.
    q: Option<String>,
    /// `next` or `prev` of a previous page.
    cursor: Option<String>,
    /// Rows per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The caller's own account (any other is 404).
    account: Option<i64>,
}

/// A page of a records list, and the options it was read with.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage<T> {
    items: Vec<T>,
    /// The `cursor` of the next page; `null` on the last.
    #[schema(required = true)]
    next: Option<String>,
    /// The `cursor` of the previous page; `null` on the first.
    #[schema(required = true)]
    prev: Option<String>,
    filter: String,
    sort: String,
    #[schema(value_type = ListOrder)]
    order: &'static str,
    /// The search text, if any.
    #[schema(required = true)]
    q: Option<String>,
    limit: u32,
}

impl<T> RecordPage<T> {
    fn of<R, F: ListOption, S: ListOption>(l: &Listing<R, F, S>) -> Json<RecordPage<T>>
    where
        T: for<'a> From<&'a R>,
    {
        Json(RecordPage {
            items: all(&l.page.items),
            next: l.page.next.as_ref().map(|c| c.as_str().to_owned()),
            prev: l.page.prev.as_ref().map(|c| c.as_str().to_owned()),
            filter: l.filter.as_str().to_owned(),
            sort: l.sort.as_str().to_owned(),
            order: if l.descending { "desc" } else { "asc" },
            q: l.search.clone(),
            limit: l.limit,
        })
    }
}

/// A related record beside a row (`null` where the row has none the caller may see).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordLink {
    id: i64,
    /// Its number (work orders, agreements, invoices) or name (assets).
    label: String,
}

impl RecordLink {
    fn of<Id>(l: &Option<Link<Id>>, raw: impl Fn(&Id) -> i64) -> Option<RecordLink> {
        l.as_ref().map(|l| RecordLink {
            id: raw(&l.id),
            label: l.label.clone(),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordAgreement {
    id: i64,
    number: String,
    name: String,
    #[schema(value_type = AgreementStatusName)]
    status: AgreementStatus,
    starts_on: Date,
    ends_on: Date,
    #[schema(required = true)]
    description: Option<String>,
    version: i64,
}

impl From<&AgreementRow> for RecordAgreement {
    fn from(a: &AgreementRow) -> RecordAgreement {
        RecordAgreement {
            id: a.id.0,
            number: a.number.clone(),
            name: a.name.clone(),
            status: a.status,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            description: a.description.clone(),
            version: a.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordAsset {
    id: i64,
    name: String,
    product: String,
    #[schema(required = true)]
    serial_number: Option<String>,
    /// The asset it is a component of.
    #[schema(required = true)]
    parent: Option<RecordLink>,
    /// The top-level asset of its hierarchy.
    #[schema(required = true)]
    master: Option<RecordLink>,
    /// How many direct components the caller may see.
    components: i64,
    version: i64,
}

impl From<&AssetRow> for RecordAsset {
    fn from(a: &AssetRow) -> RecordAsset {
        RecordAsset {
            id: a.id.0,
            name: a.name.clone(),
            product: a.product.clone(),
            serial_number: a.serial_number.clone(),
            parent: RecordLink::of(&a.parent, |i| i.0),
            master: RecordLink::of(&a.master, |i| i.0),
            components: a.children,
            version: a.version,
        }
    }
}

/// A top-level asset of the tree, or a component, with its own components.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordAssetNode {
    id: i64,
    name: String,
    product: String,
    #[schema(required = true)]
    serial_number: Option<String>,
    #[schema(no_recursion)]
    children: Vec<RecordAssetNode>,
}

impl From<&AssetNode> for RecordAssetNode {
    fn from(n: &AssetNode) -> RecordAssetNode {
        RecordAssetNode {
            id: n.id.0,
            name: n.name.clone(),
            product: n.product.clone(),
            serial_number: n.serial_number.clone(),
            children: n.children.iter().map(RecordAssetNode::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordWorkOrder {
    id: i64,
    number: String,
    #[schema(value_type = WorkOrderStatusName)]
    status: WorkOrderStatus,
    #[schema(required = true)]
    summary: Option<String>,
    service_type: String,
    #[schema(required = true)]
    asset: Option<RecordLink>,
    #[schema(required = true)]
    agreement: Option<RecordLink>,
    /// Visits booked for it, canceled ones excepted.
    bookings: i64,
    opened_at: Timestamp,
    updated_at: Timestamp,
    version: i64,
}

impl From<&WorkOrderRow> for RecordWorkOrder {
    fn from(w: &WorkOrderRow) -> RecordWorkOrder {
        RecordWorkOrder {
            id: w.id.0,
            number: w.number.clone(),
            status: w.status,
            summary: w.summary.clone(),
            service_type: w.service_type.clone(),
            asset: RecordLink::of(&w.asset, |i| i.0),
            agreement: RecordLink::of(&w.agreement, |i| i.0),
            bookings: w.bookings,
            opened_at: w.opened_at,
            updated_at: w.updated_at,
            version: w.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordInvoice {
    id: i64,
    number: String,
    #[schema(value_type = InvoiceStatusName)]
    status: InvoiceStatus,
    /// ISO 4217.
    currency: String,
    issued_on: Date,
    due_on: Date,
    #[schema(required = true)]
    work_order: Option<RecordLink>,
    #[schema(required = true)]
    agreement: Option<RecordLink>,
    /// In the currency's minor unit, like every amount.
    net_minor: i64,
    tax_minor: i64,
    gross_minor: i64,
    version: i64,
}

impl From<&InvoiceRow> for RecordInvoice {
    fn from(i: &InvoiceRow) -> RecordInvoice {
        RecordInvoice {
            id: i.id.0,
            number: i.number.clone(),
            status: i.status,
            currency: i.currency.as_str().to_owned(),
            issued_on: i.issued_on,
            due_on: i.due_on,
            work_order: RecordLink::of(&i.work_order, |i| i.0),
            agreement: RecordLink::of(&i.agreement, |i| i.0),
            net_minor: i.totals.net_minor,
            tax_minor: i.totals.tax_minor,
            gross_minor: i.totals.gross_minor,
            version: i.version,
        }
    }
}

/// A visit of a record, latest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordVisit {
    booking_id: i64,
    work_order: RecordLink,
    #[schema(value_type = VisitState)]
    state: BookingState,
    starts_at: Timestamp,
    ends_at: Timestamp,
    /// The end of the promised arrival window; `null`: arrival at `starts_at`.
    #[schema(required = true)]
    arrival_window_end: Option<Timestamp>,
    technician: String,
    #[schema(required = true)]
    cancel_reason: Option<String>,
}

impl From<&VisitRow> for RecordVisit {
    fn from(v: &VisitRow) -> RecordVisit {
        RecordVisit {
            booking_id: v.booking_id.0,
            work_order: RecordLink {
                id: v.work_order_id.0,
                label: v.work_order_number.clone(),
            },
            state: v.state,
            starts_at: v.starts_at,
            ends_at: v.ends_at,
            arrival_window_end: v.arrival_window_end,
            technician: v.technician.clone(),
            cancel_reason: v.cancel_reason.clone(),
        }
    }
}

/// An approver's decision on a record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordDecision {
    #[schema(value_type = DecisionName)]
    decision: &'static str,
    #[schema(required = true)]
    comment: Option<String>,
    decided_by: String,
    decided_at: Timestamp,
    /// The version of the record decided on.
    record_version: i64,
    from_status: String,
    to_status: String,
}

impl From<&Approval> for RecordDecision {
    fn from(a: &Approval) -> RecordDecision {
        RecordDecision {
            decision: a.decision.as_str(),
            comment: a.comment.clone(),
            decided_by: a.decided_by_name.clone(),
            decided_at: a.decided_at,
            record_version: a.record_version,
            from_status: a.from_status.clone(),
            to_status: a.to_status.clone(),
        }
    }
}

/// A page of list `K` as the API sends it.
async fn list<K: Served>(
    state: &AppState,
    reviewer: Reviewer,
    req: &ListRequest,
) -> WebResult<Json<RecordPage<K::Item>>> {
    let l = records::list::<K>(&state.app, reviewer, req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(RecordPage::of(&l))
}

/// A list whose rows the API sends as [`Served::Item`].
trait Served: Listed {
    type Item: for<'a> From<&'a Self::Row>;
}

impl Served for Agreements {
    type Item = RecordAgreement;
}

impl Served for Assets {
    type Item = RecordAsset;
}

impl Served for WorkOrders {
    type Item = RecordWorkOrder;
}

impl Served for Invoices {
    type Item = RecordInvoice;
}

fn all<'a, R: 'a, T: From<&'a R>>(rows: impl IntoIterator<Item = &'a R>) -> Vec<T> {
    rows.into_iter().map(T::from).collect()
}

/// Declares the API endpoint of a list: its OpenAPI description and its handler, [`list`] of
/// its kind. After the summary and the description of a page: the query parameters beyond
/// [`ListParams`], then the operation's id where the handler's name is taken elsewhere.
macro_rules! list_endpoint {
    (
        $name:ident, $kind:ident, $item:ident, $path:tt, $summary:tt, $page:tt,
        [$($param:tt),* $(,)?] $(, operation_id = $op:tt)? $(,)?
    ) => {
        #[doc = concat!("`GET ", $path, "`.")]
        #[utoipa::path(
            get,
            path = $path,
            $(operation_id = $op,)?
            tag = "records",
            summary = $summary,
            params(ListParams $(, $param)*),
            responses(
                (status = 200, description = $page, body = RecordPage<$item>),
                Errors<(BadListOption, UnknownRelated)>,
            ),
        )]
        pub async fn $name(
            State(state): State<AppState>,
            Granted(reviewer): Granted<Reviewer>,
            Query(req): Query<ListRequest>,
        ) -> WebResult<Json<RecordPage<$item>>> {
            list::<$kind>(&state, reviewer, &req).await
        }
    };
}

list_endpoint!(
    agreements,
    Agreements,
    RecordAgreement,
    "/api/v1/records/agreements",
    "My account's agreements (default Active)",
    "A page of agreements.",
    [],
);
list_endpoint!(
    assets,
    Assets,
    RecordAsset,
    "/api/v1/records/assets",
    "My account's assets, with parent and master",
    "A page of assets.",
    [("parent" = Option<i64>, Query, description = "Components of this asset.")],
    operation_id = "record_assets",
);
list_endpoint!(
    work_orders,
    WorkOrders,
    RecordWorkOrder,
    "/api/v1/records/work-orders",
    "My account's work orders (default active)",
    "A page of work orders.",
    [
        ("agreement" = Option<i64>, Query, description = "Of this agreement."),
        ("asset" = Option<i64>, Query, description = "On this asset."),
    ],
);
list_endpoint!(
    invoices,
    Invoices,
    RecordInvoice,
    "/api/v1/records/invoices",
    "My account's invoices (default active)",
    "A page of invoices.",
    [
        ("work_order" = Option<i64>, Query, description = "Of this work order."),
        ("agreement" = Option<i64>, Query, description = "Of this agreement."),
    ],
);

/// `GET /api/v1/records/assets/tree`: top-level assets, each with its components.
#[utoipa::path(
    get,
    path = "/api/v1/records/assets/tree",
    tag = "records",
    summary = "The asset tree: top-level assets with their components",
    params(ListParams),
    responses(
        (
            status = 200,
            description = "A page of top-level assets.",
            body = RecordPage<RecordAssetNode>,
        ),
        Errors<(BadListOption, UnknownRelated)>,
    ),
)]
pub async fn asset_tree(
    State(state): State<AppState>,
    Granted(reviewer): Granted<Reviewer>,
    Query(req): Query<ListRequest>,
) -> WebResult<Json<RecordPage<RecordAssetNode>>> {
    let l = records::asset_tree(&state.app, reviewer, &req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(RecordPage::of(&l))
}

/// One agreement, what it covers, its work orders, invoices, visits and decisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDetail {
    agreement: RecordAgreement,
    covers: Coverage,
    /// Its first work orders (every status); the list filtered by `agreement` has the rest.
    work_orders: Vec<RecordWorkOrder>,
    invoices: Vec<RecordInvoice>,
    visits: Vec<RecordVisit>,
    decisions: Vec<RecordDecision>,
    /// Approve and Reject are offered: the caller is an approver and a renewal waits.
    can_decide: bool,
    /// The period an approved renewal would give.
    #[schema(required = true)]
    renewal: Option<Renewal>,
}

/// What an agreement covers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Coverage {
    assets: Vec<RecordLink>,
    /// Service types, by name.
    service_types: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Renewal {
    starts_on: Date,
    ends_on: Date,
}

/// `GET /api/v1/records/agreements/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/records/agreements/{id}",
    tag = "records",
    summary = "One agreement, what it covers, its work orders, invoices, visits and decisions",
    params(PathId<AgreementId>),
    responses(
        (status = 200, description = "The agreement.", body = AgreementDetail),
        Errors<NotFound>,
    ),
)]
pub async fn agreement(
    State(state): State<AppState>,
    Granted(reviewer): Granted<Reviewer>,
    user: CurrentUser,
    PathId(id): PathId<AgreementId>,
) -> WebResult<Json<AgreementDetail>> {
    let approver = user.principal().grant();
    let d = records::agreement(&state.app, reviewer, approver, id, None).await?;
    Ok(Json(AgreementDetail {
        agreement: (&d.agreement).into(),
        covers: Coverage {
            assets: d
                .coverage
                .assets
                .iter()
                .map(|l| RecordLink {
                    id: l.id.0,
                    label: l.label.clone(),
                })
                .collect(),
            service_types: d
                .coverage
                .service_types
                .iter()
                .map(|l| l.label.clone())
                .collect(),
        },
        work_orders: all(&d.work_orders.items),
        invoices: all(&d.invoices.items),
        visits: all(&d.visits),
        decisions: all(&d.approvals),
        can_decide: d.can_decide,
        renewal: d
            .renewal
            .map(|(starts_on, ends_on)| Renewal { starts_on, ends_on }),
    }))
}

/// One asset, its components, work orders and visits.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetDetail {
    asset: RecordAsset,
    /// Its first components, by name; the list filtered by `parent` has the rest.
    components: Vec<RecordAsset>,
    work_orders: Vec<RecordWorkOrder>,
    visits: Vec<RecordVisit>,
}

/// `GET /api/v1/records/assets/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/records/assets/{id}",
    tag = "records",
    summary = "One asset, its components, work orders and visits",
    params(PathId<AssetId>),
    responses(
        (status = 200, description = "The asset.", body = AssetDetail),
        Errors<NotFound>,
    ),
)]
pub async fn asset(
    State(state): State<AppState>,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<AssetId>,
) -> WebResult<Json<AssetDetail>> {
    let d = records::asset(&state.app, reviewer, id, None).await?;
    Ok(Json(AssetDetail {
        asset: (&d.asset).into(),
        components: all(&d.components.items),
        work_orders: all(&d.work_orders.items),
        visits: all(&d.visits),
    }))
}

/// One work order, its visits, invoices and decisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkOrderDetail {
    work_order: RecordWorkOrder,
    visits: Vec<RecordVisit>,
    invoices: Vec<RecordInvoice>,
    decisions: Vec<RecordDecision>,
    /// Approve and Reject are offered: the caller is an approver and the estimate waits.
    can_decide: bool,
}

/// `GET /api/v1/records/work-orders/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/records/work-orders/{id}",
    tag = "records",
    summary = "One work order, its visits, invoices and decisions",
    params(PathId<WorkOrderId>),
    responses(
        (status = 200, description = "The work order.", body = WorkOrderDetail),
        Errors<NotFound>,
    ),
)]
pub async fn work_order(
    State(state): State<AppState>,
    Granted(reviewer): Granted<Reviewer>,
    user: CurrentUser,
    PathId(id): PathId<WorkOrderId>,
) -> WebResult<Json<WorkOrderDetail>> {
    let approver = user.principal().grant();
    let d = records::work_order(&state.app, reviewer, approver, id, None).await?;
    Ok(Json(WorkOrderDetail {
        work_order: (&d.work_order).into(),
        visits: all(&d.visits),
        invoices: all(&d.invoices.items),
        decisions: all(&d.approvals),
        can_decide: d.can_decide,
    }))
}

/// One invoice with its lines and its taxes by rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDetail {
    invoice: RecordInvoice,
    lines: Vec<InvoiceLine>,
    /// By rate, lowest first; rates of zero included (they say "no tax").
    taxes: Vec<InvoiceTax>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLine {
    description: String,
    /// Thousandths of a unit.
    quantity_milli: i64,
    unit_price_minor: i64,
    /// Thousandths of a percent: 14.975 % is 14975.
    tax_rate_milli_percent: i64,
    net_minor: i64,
    tax_minor: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceTax {
    /// Thousandths of a percent.
    rate_milli_percent: i64,
    /// The net amount taxed at this rate.
    base_minor: i64,
    tax_minor: i64,
}

/// `GET /api/v1/records/invoices/{id}`: with its lines and taxes by rate.
#[utoipa::path(
    get,
    path = "/api/v1/records/invoices/{id}",
    tag = "records",
    summary = "One invoice with its lines and taxes",
    params(PathId<InvoiceId>),
    responses(
        (status = 200, description = "The invoice.", body = InvoiceDetail),
        Errors<NotFound>,
    ),
)]
pub async fn invoice(
    State(state): State<AppState>,
    Granted(reviewer): Granted<Reviewer>,
    PathId(id): PathId<InvoiceId>,
) -> WebResult<Json<InvoiceDetail>> {
    let d = records::invoice(&state.app, reviewer, id, None).await?;
    Ok(Json(InvoiceDetail {
        invoice: (&d.invoice).into(),
        lines: d
            .lines
            .iter()
            .map(|l| InvoiceLine {
                description: l.line.description.clone(),
                quantity_milli: l.line.quantity_milli,
                unit_price_minor: l.line.unit_price_minor,
                tax_rate_milli_percent: l.line.tax_rate_milli_percent,
                net_minor: l.net_minor,
                tax_minor: l.tax_minor,
            })
            .collect(),
        taxes: d
            .taxes
            .iter()
            .map(|t| InvoiceTax {
                rate_milli_percent: t.rate_milli_percent,
                base_minor: t.base_minor,
                tax_minor: t.tax_minor,
            })
            .collect(),
    }))
}
