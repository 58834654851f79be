//! The four record lists (agreements, assets, work orders, invoices) and the asset tree: each a
//! [`Scope`], a filter, a sort, an optional search, and a keyset page.
//!
//! Sorts are the columns that have an `(account_id, key, id)` index (migration 0006); anything
//! else (sorting by a total, which is computed from the lines, or by a related record's name)
//! would be a sort of the whole account per page and is not offered. Searches are
//! case-insensitive "contains" matches (case folding is ASCII-only on SQLite, full Unicode on
//! PostgreSQL); they filter the rows while the index is walked in order.

use super::cursor::{Cursor, KeyKind, Start};
use super::query::{self, Arg, Keyset, Page, SortSpec, Where};
use super::{RecordKind, Scope};
use crate::{Conn, Result, RowExt, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus, Totals, totals};
use onsite_domain::money::Currency;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{
    AccountId, AgreementId, AssetId, InvalidInput, InvoiceId, ServiceTypeId, WorkOrderId,
};
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A list's filter or sort, by its stable name in URLs and the API.
pub trait ListOption: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    /// The option of this name; [`InvalidInput`] naming `filter` or `sort` otherwise.
    fn parse(s: &str) -> Result<Self, InvalidInput>;
}

/// A list's sort: it reads the page tokens made for it.
pub trait ListSort: ListOption {
    /// Reads a page token made for this sort and direction.
    fn cursor(self, token: &str, descending: bool) -> Result<Start, InvalidInput>;
}

/// Declares a list's sorts: the enum, its stable names, and each one's SQL expression and key
/// type (the expression must be the one indexed).
macro_rules! sorts {
    ($name:ident, $prefix:literal, $( $variant:ident => ($key:literal, $expr:literal, $kind:ident) ),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name in URLs and the API (`number`, `opened`…).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn parse(s: &str) -> Result<Self, InvalidInput> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or(InvalidInput::new("sort", "unknown"))
            }

            pub(crate) fn spec(self) -> &'static SortSpec {
                match self {
                    $($name::$variant => &SortSpec {
                        name: concat!($prefix, ".", $key),
                        expr: $expr,
                        kind: KeyKind::$kind,
                    }),+
                }
            }

            /// Reads a page token made for this sort and direction.
            pub fn cursor(self, token: &str, descending: bool) -> Result<Start, InvalidInput> {
                let spec = self.spec();
                Cursor::decode(token, spec.name, descending, spec.kind)
            }
        }

        impl ListOption for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(s: &str) -> Result<Self, InvalidInput> {
                $name::parse(s)
            }
        }

        impl ListSort for $name {
            fn cursor(self, token: &str, descending: bool) -> Result<Start, InvalidInput> {
                $name::cursor(self, token, descending)
            }
        }
    };
}

/// Declares a list's filter: the enum and its stable names.
macro_rules! filters {
    ($name:ident, $( $variant:ident => $key:literal ),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn parse(s: &str) -> Result<Self, InvalidInput> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or(InvalidInput::new("filter", "unknown"))
            }
        }

        impl ListOption for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(s: &str) -> Result<Self, InvalidInput> {
                $name::parse(s)
            }
        }
    };
}

/// Where a page starts and how long it is: the part every list shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub start: Start,
    /// Rows per page, 1..=[`query::MAX_PAGE`] (out of range values are clamped).
    pub limit: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            start: Start::First,
            limit: query::DEFAULT_PAGE,
        }
    }
}

/// One of the four lists, so that one function reads any of them: [`list`] for a page,
/// [`row`] for one record as its list shows it, [`explain`] for the engine's plan. Its
/// columns, joins and conditions stay in the store (sealed).
pub trait RecordList: sealed::Sql {
    /// Its records' kind (and table).
    const KIND: RecordKind;
    type Id: Copy + Send;
    type Filter: ListOption;
    type Sort: ListSort;
    /// Filter, sort, order, search, page, and the related records it may be limited to.
    type Query: Clone
        + Default
        + std::fmt::Debug
        + Send
        + Sync
        + From<Options<Self::Filter, Self::Sort>>;
    type Row: Send;
}

/// A list's sort, its order and where its page starts.
type Order<'q> = (&'static SortSpec, bool, &'q Paging);

mod sealed {
    use super::{Order, RecordList};
    use crate::records::Scope;
    use crate::records::query::Where;
    use crate::{Conn, Result};
    use sqlx::any::AnyRow;
    use std::future::Future;

    /// How the store reads a [`RecordList`].
    pub trait Sql {
        /// The columns of a row (on `x` and the joined aliases).
        fn columns(scope: &Scope) -> String;
        /// Joins for the names of related records the scope may show.
        fn joins(scope: &Scope) -> String;
        /// The query's conditions beyond the scope.
        fn conditions(scope: &Scope, q: &<Self as RecordList>::Query, w: &mut Where)
        where
            Self: RecordList;
        fn order(q: &<Self as RecordList>::Query) -> Order<'_>
        where
            Self: RecordList;
        fn from_row(r: &AnyRow) -> Result<<Self as RecordList>::Row>
        where
            Self: RecordList;
        fn raw(id: <Self as RecordList>::Id) -> i64
        where
            Self: RecordList;
        /// Completes rows with what one query over the page reads (an invoice's totals).
        fn complete(
            _conn: &mut Conn,
            _rows: &mut [<Self as RecordList>::Row],
        ) -> impl Future<Output = Result<()>> + Send
        where
            Self: RecordList,
        {
            async { Ok(()) }
        }
    }
}

/// A page of list `K`.
pub async fn list<K: RecordList>(
    conn: &mut Conn,
    scope: &Scope,
    q: &K::Query,
) -> Result<Page<K::Row>> {
    let mut page = query::page(conn, keyset::<K>(scope, q), K::from_row).await?;
    K::complete(conn, &mut page.items).await?;
    Ok(page)
}

/// One record of list `K` in the scope, as its list shows it; [`StoreError::NotFound`]
/// otherwise.
pub async fn row<K: RecordList>(conn: &mut Conn, scope: &Scope, id: K::Id) -> Result<K::Row> {
    let mut w = Where::new();
    let p = w.arg(Arg::I64(K::raw(id)));
    w.cond(format!("x.id = {p}"));
    scope.apply(&mut w);
    let table = K::KIND.table();
    let found = query::one(conn, table, &K::columns(scope), &K::joins(scope), w)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut rows = [K::from_row(&found)?];
    K::complete(conn, &mut rows).await?;
    let [row] = rows;
    Ok(row)
}

fn keyset<K: RecordList>(scope: &Scope, q: &K::Query) -> Keyset {
    let mut w = Where::new();
    scope.apply(&mut w);
    K::conditions(scope, q, &mut w);
    let (sort, descending, paging) = K::order(q);
    Keyset {
        w,
        table: K::KIND.table(),
        columns: K::columns(scope),
        joins: K::joins(scope),
        sort,
        descending,
        start: paging.start.clone(),
        limit: paging.limit,
    }
}

/// What a request chooses of any list: its filter, sort, order, search and page. A list's
/// query is made from them ([`RecordList::Query`] is `From<Options<…>>`), with no related record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options<F, S> {
    pub filter: F,
    pub sort: S,
    pub descending: bool,
    pub search: Option<String>,
    pub paging: Paging,
}

/// `From<Options<filter, sort>>` for a list's query, whose other fields keep their defaults.
macro_rules! from_options {
    ($query:ident, $filter:ident, $sort:ident) => {
        impl From<Options<$filter, $sort>> for $query {
            // A list without related records has no other field.
            #[allow(clippy::needless_update)]
            fn from(o: Options<$filter, $sort>) -> Self {
                $query {
                    filter: o.filter,
                    sort: o.sort,
                    descending: o.descending,
                    search: o.search,
                    paging: o.paging,
                    ..Default::default()
                }
            }
        }
    };
}

/// A related record shown beside a row, by what people call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<Id> {
    pub id: Id,
    /// Its number (work orders, agreements, invoices) or name (assets).
    pub label: String,
}

fn status_in(w: &mut Where, statuses: &[&'static str]) {
    // Our own constants, never input: inlined.
    let list: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
    w.cond(format!("x.status IN ({})", list.join(", ")));
}

fn searchable(search: Option<&str>) -> Option<&str> {
    search.map(str::trim).filter(|s| !s.is_empty())
}

fn link<Id>(r: &AnyRow, id: &str, label: &str, make: fn(i64) -> Id) -> Result<Option<Link<Id>>> {
    Ok(match r.opt_i64(id)? {
        Some(n) => Some(Link {
            id: make(n),
            label: r.opt_text(label)?.unwrap_or_default(),
        }),
        None => None,
    })
}

// ---- Work orders ----------------------------------------------------------------------------

sorts!(WorkOrderSort, "work-orders",
    Number => ("number", "x.number", Text),
    Opened => ("opened", "x.created_at", Int),
    Status => ("status", "x.status", Text),
);

filters!(WorkOrderFilter,
    Active => "active",
    Inactive => "inactive",
    All => "all",
    AwaitingApproval => "awaiting-approval",
);

impl WorkOrderFilter {
    fn statuses(self) -> Option<Vec<&'static str>> {
        let pick = |active: bool| {
            WorkOrderStatus::ALL
                .iter()
                .filter(|s| s.is_active() == active)
                .map(|s| s.as_str())
                .collect()
        };
        match self {
            WorkOrderFilter::Active => Some(pick(true)),
            WorkOrderFilter::Inactive => Some(pick(false)),
            WorkOrderFilter::All => None,
            WorkOrderFilter::AwaitingApproval => {
                Some(vec![WorkOrderStatus::EstimatePending.as_str()])
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOrderQuery {
    pub filter: WorkOrderFilter,
    pub sort: WorkOrderSort,
    pub descending: bool,
    /// Matches the number, the summary, the service type, and the asset's name, product and
    /// serial number.
    pub search: Option<String>,
    /// Only the work orders of this agreement / on this asset (detail pages).
    pub agreement: Option<AgreementId>,
    pub asset: Option<AssetId>,
    pub paging: Paging,
}

impl Default for WorkOrderQuery {
    fn default() -> Self {
        WorkOrderQuery {
            filter: WorkOrderFilter::Active,
            sort: WorkOrderSort::Opened,
            descending: true,
            search: None,
            agreement: None,
            asset: None,
            paging: Paging::default(),
        }
    }
}

from_options!(WorkOrderQuery, WorkOrderFilter, WorkOrderSort);

/// A work order as lists and its detail page show it.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrderRow {
    pub id: WorkOrderId,
    pub number: String,
    pub account_id: AccountId,
    pub account_name: String,
    pub status: WorkOrderStatus,
    pub summary: Option<String>,
    pub service_type_id: ServiceTypeId,
    pub service_type: String,
    /// Its asset, if it has one the reader may see.
    pub asset: Option<Link<AssetId>>,
    /// Its agreement, if it has one the reader may see.
    pub agreement: Option<Link<AgreementId>>,
    /// Visits booked for it, canceled ones excepted.
    pub bookings: i64,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped on every change: what an approval decision is checked against.
    pub version: i64,
    pub expose_to_customer: bool,
}

const WORK_ORDER_COLUMNS: &str = "x.id, x.number, x.account_id, acc.name AS account_name, x.status, x.summary, \
     x.service_type_id, s.name AS service_type_name, a.id AS asset_link, a.name AS asset_label, \
     g.id AS agreement_link, g.number AS agreement_label, x.created_at, x.updated_at, x.version, \
     x.expose_to_customer, \
     (SELECT COUNT(*) FROM bookings b WHERE b.work_order_id = x.id AND b.state <> 'canceled') AS bookings_count";

/// The work order list.
#[derive(Debug, Clone, Copy)]
pub struct WorkOrders;

impl RecordList for WorkOrders {
    const KIND: RecordKind = RecordKind::WorkOrder;
    type Id = WorkOrderId;
    type Filter = WorkOrderFilter;
    type Sort = WorkOrderSort;
    type Query = WorkOrderQuery;
    type Row = WorkOrderRow;
}

impl sealed::Sql for WorkOrders {
    fn columns(_: &Scope) -> String {
        WORK_ORDER_COLUMNS.to_owned()
    }

    fn joins(scope: &Scope) -> String {
        format!(
            "JOIN accounts acc ON acc.id = x.account_id JOIN service_types s ON s.id = x.service_type_id \
             LEFT JOIN assets a ON a.id = x.asset_id AND {} \
             LEFT JOIN agreements g ON g.id = x.agreement_id AND {}",
            scope.related("a"),
            scope.related("g")
        )
    }

    fn conditions(scope: &Scope, q: &WorkOrderQuery, w: &mut Where) {
        if let Some(statuses) = q.filter.statuses() {
            status_in(w, &statuses);
        }
        if let Some(agreement) = q.agreement {
            let p = w.arg(Arg::I64(agreement.0));
            w.cond(format!("x.agreement_id = {p}"));
        }
        if let Some(asset) = q.asset {
            let p = w.arg(Arg::I64(asset.0));
            w.cond(format!("x.asset_id = {p}"));
        }
        if let Some(needle) = searchable(q.search.as_deref()) {
            let p = w.arg(Arg::Text(query::like_pattern(needle)));
            let like = |e: &str| format!("LOWER({e}) LIKE {p} ESCAPE '\\'");
            w.cond(format!(
                "({} OR {} OR EXISTS (SELECT 1 FROM service_types s WHERE s.id = x.service_type_id AND {}) \
                 OR EXISTS (SELECT 1 FROM assets a WHERE a.id = x.asset_id AND {} AND ({} OR {} OR {})))",
                like("x.number"),
                like("x.summary"),
                like("s.name"),
                scope.related("a"),
                like("a.name"),
                like("a.product"),
                like("a.serial_number"),
            ));
        }
    }

    fn raw(id: WorkOrderId) -> i64 {
        id.0
    }

    fn order(q: &WorkOrderQuery) -> Order<'_> {
        (q.sort.spec(), q.descending, &q.paging)
    }

    fn from_row(r: &AnyRow) -> Result<WorkOrderRow> {
        Ok(WorkOrderRow {
            id: WorkOrderId(r.i64("id")?),
            number: r.text("number")?,
            account_id: AccountId(r.i64("account_id")?),
            account_name: r.text("account_name")?,
            status: WorkOrderStatus::parse(&r.text("status")?)?,
            summary: r.opt_text("summary")?,
            service_type_id: ServiceTypeId(r.i64("service_type_id")?),
            service_type: r.text("service_type_name")?,
            asset: link(r, "asset_link", "asset_label", AssetId)?,
            agreement: link(r, "agreement_link", "agreement_label", AgreementId)?,
            bookings: r.i64("bookings_count")?,
            opened_at: r.ts("created_at")?,
            updated_at: r.ts("updated_at")?,
            version: r.i64("version")?,
            expose_to_customer: r.bool("expose_to_customer")?,
        })
    }
}

// ---- Agreements -----------------------------------------------------------------------------

sorts!(AgreementSort, "agreements",
    Number => ("number", "x.number", Text),
    Name => ("name", "LOWER(x.name)", Text),
    Ends => ("ends", "x.ends_on", Text),
);

filters!(AgreementFilter,
    Active => "active",
    Expired => "expired",
    All => "all",
    AwaitingApproval => "awaiting-approval",
);

impl AgreementFilter {
    fn statuses(self) -> Option<Vec<&'static str>> {
        match self {
            // A renewal waiting for approval is still an active agreement.
            AgreementFilter::Active => Some(vec![
                AgreementStatus::Active.as_str(),
                AgreementStatus::RenewalPending.as_str(),
            ]),
            AgreementFilter::Expired => Some(vec![AgreementStatus::Expired.as_str()]),
            AgreementFilter::All => None,
            AgreementFilter::AwaitingApproval => {
                Some(vec![AgreementStatus::RenewalPending.as_str()])
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementQuery {
    /// Default: Active (the seed's default view).
    pub filter: AgreementFilter,
    pub sort: AgreementSort,
    pub descending: bool,
    /// Matches the number, the name and the description.
    pub search: Option<String>,
    pub paging: Paging,
}

impl Default for AgreementQuery {
    fn default() -> Self {
        AgreementQuery {
            filter: AgreementFilter::Active,
            sort: AgreementSort::Ends,
            descending: true,
            search: None,
            paging: Paging::default(),
        }
    }
}

from_options!(AgreementQuery, AgreementFilter, AgreementSort);

#[derive(Debug, Clone, PartialEq)]
pub struct AgreementRow {
    pub id: AgreementId,
    pub number: String,
    pub account_id: AccountId,
    pub account_name: String,
    pub name: String,
    pub status: AgreementStatus,
    pub starts_on: Date,
    pub ends_on: Date,
    pub description: Option<String>,
    pub version: i64,
    pub expose_to_customer: bool,
}

const AGREEMENT_COLUMNS: &str = "x.id, x.number, x.account_id, acc.name AS account_name, x.name, x.status, \
     x.starts_on, x.ends_on, x.description, x.version, x.expose_to_customer";

/// The agreement list.
#[derive(Debug, Clone, Copy)]
pub struct Agreements;

impl RecordList for Agreements {
    const KIND: RecordKind = RecordKind::Agreement;
    type Id = AgreementId;
    type Filter = AgreementFilter;
    type Sort = AgreementSort;
    type Query = AgreementQuery;
    type Row = AgreementRow;
}

impl sealed::Sql for Agreements {
    fn columns(_: &Scope) -> String {
        AGREEMENT_COLUMNS.to_owned()
    }

    fn joins(_: &Scope) -> String {
        "JOIN accounts acc ON acc.id = x.account_id".to_owned()
    }

    fn conditions(_: &Scope, q: &AgreementQuery, w: &mut Where) {
        if let Some(statuses) = q.filter.statuses() {
            status_in(w, &statuses);
        }
        if let Some(needle) = searchable(q.search.as_deref()) {
            w.search(needle, &["x.number", "x.name", "x.description"]);
        }
    }

    fn raw(id: AgreementId) -> i64 {
        id.0
    }

    fn order(q: &AgreementQuery) -> Order<'_> {
        (q.sort.spec(), q.descending, &q.paging)
    }

    fn from_row(r: &AnyRow) -> Result<AgreementRow> {
        Ok(AgreementRow {
            id: AgreementId(r.i64("id")?),
            number: r.text("number")?,
            account_id: AccountId(r.i64("account_id")?),
            account_name: r.text("account_name")?,
            name: r.text("name")?,
            status: AgreementStatus::parse(&r.text("status")?)?,
            starts_on: r.date("starts_on")?,
            ends_on: r.date("ends_on")?,
            description: r.opt_text("description")?,
            version: r.i64("version")?,
            expose_to_customer: r.bool("expose_to_customer")?,
        })
    }
}

// ---- Assets ---------------------------------------------------------------------------------

sorts!(AssetSort, "assets",
    Name => ("name", "LOWER(x.name)", Text),
    Product => ("product", "LOWER(x.product)", Text),
    Added => ("added", "x.id", Int),
);

filters!(AssetFilter,
    All => "all",
    // TopLevel: roots of the tree, assets without a parent the reader may see.
    TopLevel => "top-level",
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetQuery {
    pub filter: AssetFilter,
    pub sort: AssetSort,
    pub descending: bool,
    /// Matches the name, the product and the serial number.
    pub search: Option<String>,
    /// Only the direct components of this asset.
    pub parent: Option<AssetId>,
    pub paging: Paging,
}

impl Default for AssetQuery {
    fn default() -> Self {
        AssetQuery {
            filter: AssetFilter::All,
            sort: AssetSort::Name,
            descending: false,
            search: None,
            parent: None,
            paging: Paging::default(),
        }
    }
}

from_options!(AssetQuery, AssetFilter, AssetSort);

#[derive(Debug, Clone, PartialEq)]
pub struct AssetRow {
    pub id: AssetId,
    pub account_id: AccountId,
    pub account_name: String,
    pub name: String,
    pub product: String,
    pub serial_number: Option<String>,
    /// Its parent, if it has one the reader may see.
    pub parent: Option<Link<AssetId>>,
    /// Its master (top-level) asset, if it has one the reader may see.
    pub master: Option<Link<AssetId>>,
    /// Direct components the reader may see.
    pub children: i64,
    pub version: i64,
    pub expose_to_customer: bool,
}

const ASSET_COLUMNS: &str = "x.id, x.account_id, acc.name AS account_name, x.name, x.product, x.serial_number, \
     pa.id AS parent_link, pa.name AS parent_label, ma.id AS master_link, ma.name AS master_label, \
     x.version, x.expose_to_customer";

/// The asset list.
#[derive(Debug, Clone, Copy)]
pub struct Assets;

impl RecordList for Assets {
    const KIND: RecordKind = RecordKind::Asset;
    type Id = AssetId;
    type Filter = AssetFilter;
    type Sort = AssetSort;
    type Query = AssetQuery;
    type Row = AssetRow;
}

impl sealed::Sql for Assets {
    fn columns(scope: &Scope) -> String {
        // The children count reads `c` against `x`: `related` compares with `x`'s account.
        format!(
            "{ASSET_COLUMNS}, (SELECT COUNT(*) FROM assets c WHERE c.parent_id = x.id AND {}) AS children_count",
            scope.related("c")
        )
    }

    fn joins(scope: &Scope) -> String {
        format!(
            "JOIN accounts acc ON acc.id = x.account_id \
             LEFT JOIN assets pa ON pa.id = x.parent_id AND {} \
             LEFT JOIN assets ma ON ma.id = x.master_id AND {}",
            scope.related("pa"),
            scope.related("ma")
        )
    }

    fn conditions(scope: &Scope, q: &AssetQuery, w: &mut Where) {
        if q.filter == AssetFilter::TopLevel {
            w.cond(format!(
                "(x.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM assets pa WHERE pa.id = x.parent_id AND {}))",
                scope.related("pa")
            ));
        }
        if let Some(parent) = q.parent {
            let p = w.arg(Arg::I64(parent.0));
            w.cond(format!("x.parent_id = {p}"));
        }
        if let Some(needle) = searchable(q.search.as_deref()) {
            w.search(needle, &["x.name", "x.product", "x.serial_number"]);
        }
    }

    fn raw(id: AssetId) -> i64 {
        id.0
    }

    fn order(q: &AssetQuery) -> Order<'_> {
        (q.sort.spec(), q.descending, &q.paging)
    }

    fn from_row(r: &AnyRow) -> Result<AssetRow> {
        Ok(AssetRow {
            id: AssetId(r.i64("id")?),
            account_id: AccountId(r.i64("account_id")?),
            account_name: r.text("account_name")?,
            name: r.text("name")?,
            product: r.text("product")?,
            serial_number: r.opt_text("serial_number")?,
            parent: link(r, "parent_link", "parent_label", AssetId)?,
            master: link(r, "master_link", "master_label", AssetId)?,
            children: r.i64("children_count")?,
            version: r.i64("version")?,
            expose_to_customer: r.bool("expose_to_customer")?,
        })
    }
}

/// A node of the asset tree: an asset and its visible components, recursively, by name.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetNode {
    pub id: AssetId,
    pub name: String,
    pub product: String,
    pub serial_number: Option<String>,
    pub children: Vec<AssetNode>,
}

/// The asset tree, one page of roots at a time: the roots are the [`AssetFilter::TopLevel`]
/// list (sorted and searched like any list), each with every visible descendant reached through
/// visible parents, components by name. The descendants of a page's roots are read in one query
/// over their master hierarchies (`assets_master` index).
pub async fn asset_tree(conn: &mut Conn, scope: &Scope, q: &AssetQuery) -> Result<Page<AssetNode>> {
    let roots = list::<Assets>(
        conn,
        scope,
        &AssetQuery {
            filter: AssetFilter::TopLevel,
            parent: None,
            ..q.clone()
        },
    )
    .await?;
    let mut nodes: HashMap<i64, AssetNode> = HashMap::new();
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    if !roots.items.is_empty() {
        let mut w = Where::new();
        scope.apply(&mut w);
        let list: Vec<String> = roots
            .items
            .iter()
            .map(|r| w.arg(Arg::I64(r.id.0)))
            .collect();
        let list = list.join(", ");
        // The roots, their hierarchies when they are masters, and their masters' hierarchies
        // when they are components (of a hidden parent) themselves.
        w.cond(format!(
            "(x.id IN ({list}) OR x.master_id IN ({list}) \
             OR x.master_id IN (SELECT r.master_id FROM assets r WHERE r.id IN ({list})))"
        ));
        let sql = format!(
            "SELECT x.id, x.parent_id, x.name, x.product, x.serial_number FROM assets x \
             WHERE {} ORDER BY LOWER(x.name), x.id",
            w.to_sql()
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
        let mut links = Vec::new();
        for r in &rows {
            let id = r.i64("id")?;
            if let Some(parent) = r.opt_i64("parent_id")? {
                links.push((parent, id));
            }
            nodes.insert(
                id,
                AssetNode {
                    id: AssetId(id),
                    name: r.text("name")?,
                    product: r.text("product")?,
                    serial_number: r.opt_text("serial_number")?,
                    children: Vec::new(),
                },
            );
        }
        for (parent, id) in links {
            // Only through a visible parent: a hidden asset's components are roots themselves.
            if nodes.contains_key(&parent) {
                children.entry(parent).or_default().push(id);
            }
        }
    }
    fn build(
        id: i64,
        nodes: &HashMap<i64, AssetNode>,
        children: &HashMap<i64, Vec<i64>>,
        depth: usize,
    ) -> Option<AssetNode> {
        let mut node = nodes.get(&id)?.clone();
        // Hierarchies are acyclic by construction; the bound only guards against corrupt data.
        if depth < 64 {
            node.children = children
                .get(&id)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|c| build(*c, nodes, children, depth + 1))
                        .collect()
                })
                .unwrap_or_default();
        }
        Some(node)
    }
    let items = roots
        .items
        .iter()
        .map(|r| {
            build(r.id.0, &nodes, &children, 0).unwrap_or_else(|| AssetNode {
                id: r.id,
                name: r.name.clone(),
                product: r.product.clone(),
                serial_number: r.serial_number.clone(),
                children: Vec::new(),
            })
        })
        .collect();
    Ok(Page {
        items,
        next: roots.next,
        prev: roots.prev,
    })
}

// ---- Invoices -------------------------------------------------------------------------------

sorts!(InvoiceSort, "invoices",
    Number => ("number", "x.number", Text),
    Issued => ("issued", "x.issued_on", Text),
    Due => ("due", "x.due_on", Text),
    Status => ("status", "x.status", Text),
);

filters!(InvoiceFilter,
    Active => "active",
    Inactive => "inactive",
    All => "all",
);

impl InvoiceFilter {
    fn statuses(self) -> Option<Vec<&'static str>> {
        let pick = |active: bool| {
            InvoiceStatus::ALL
                .iter()
                .filter(|s| s.is_active() == active)
                .map(|s| s.as_str())
                .collect()
        };
        match self {
            InvoiceFilter::Active => Some(pick(true)),
            InvoiceFilter::Inactive => Some(pick(false)),
            InvoiceFilter::All => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceQuery {
    pub filter: InvoiceFilter,
    pub sort: InvoiceSort,
    pub descending: bool,
    /// Matches the invoice's number and its work order's.
    pub search: Option<String>,
    pub work_order: Option<WorkOrderId>,
    pub agreement: Option<AgreementId>,
    pub paging: Paging,
}

impl Default for InvoiceQuery {
    fn default() -> Self {
        InvoiceQuery {
            filter: InvoiceFilter::Active,
            sort: InvoiceSort::Issued,
            descending: true,
            search: None,
            work_order: None,
            agreement: None,
            paging: Paging::default(),
        }
    }
}

from_options!(InvoiceQuery, InvoiceFilter, InvoiceSort);

#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub number: String,
    pub account_id: AccountId,
    pub account_name: String,
    pub status: InvoiceStatus,
    pub currency: Currency,
    pub issued_on: Date,
    pub due_on: Date,
    pub work_order: Option<Link<WorkOrderId>>,
    pub agreement: Option<Link<AgreementId>>,
    /// Computed from the lines ([`onsite_domain::invoice::totals`]), in `currency`.
    pub totals: Totals,
    pub version: i64,
    pub expose_to_customer: bool,
}

const INVOICE_COLUMNS: &str = "x.id, x.number, x.account_id, acc.name AS account_name, x.status, x.currency, \
     x.issued_on, x.due_on, w.id AS work_order_link, w.number AS work_order_label, \
     g.id AS agreement_link, g.number AS agreement_label, x.version, x.expose_to_customer";

/// The invoice list; its rows' totals are computed from their lines.
#[derive(Debug, Clone, Copy)]
pub struct Invoices;

impl RecordList for Invoices {
    const KIND: RecordKind = RecordKind::Invoice;
    type Id = InvoiceId;
    type Filter = InvoiceFilter;
    type Sort = InvoiceSort;
    type Query = InvoiceQuery;
    type Row = InvoiceRow;
}

impl sealed::Sql for Invoices {
    fn columns(_: &Scope) -> String {
        INVOICE_COLUMNS.to_owned()
    }

    fn joins(scope: &Scope) -> String {
        format!(
            "JOIN accounts acc ON acc.id = x.account_id \
             LEFT JOIN work_orders w ON w.id = x.work_order_id AND {} \
             LEFT JOIN agreements g ON g.id = x.agreement_id AND {}",
            scope.related("w"),
            scope.related("g")
        )
    }

    fn conditions(scope: &Scope, q: &InvoiceQuery, w: &mut Where) {
        if let Some(statuses) = q.filter.statuses() {
            status_in(w, &statuses);
        }
        if let Some(work_order) = q.work_order {
            let p = w.arg(Arg::I64(work_order.0));
            w.cond(format!("x.work_order_id = {p}"));
        }
        if let Some(agreement) = q.agreement {
            let p = w.arg(Arg::I64(agreement.0));
            w.cond(format!("x.agreement_id = {p}"));
        }
        if let Some(needle) = searchable(q.search.as_deref()) {
            let p = w.arg(Arg::Text(query::like_pattern(needle)));
            w.cond(format!(
                "(LOWER(x.number) LIKE {p} ESCAPE '\\' OR EXISTS (SELECT 1 FROM work_orders w \
                 WHERE w.id = x.work_order_id AND {} AND LOWER(w.number) LIKE {p} ESCAPE '\\'))",
                scope.related("w")
            ));
        }
    }

    fn raw(id: InvoiceId) -> i64 {
        id.0
    }

    fn order(q: &InvoiceQuery) -> Order<'_> {
        (q.sort.spec(), q.descending, &q.paging)
    }

    fn from_row(r: &AnyRow) -> Result<InvoiceRow> {
        Ok(InvoiceRow {
            id: InvoiceId(r.i64("id")?),
            number: r.text("number")?,
            account_id: AccountId(r.i64("account_id")?),
            account_name: r.text("account_name")?,
            status: InvoiceStatus::parse(&r.text("status")?)?,
            currency: Currency::parse(&r.text("currency")?)?,
            issued_on: r.date("issued_on")?,
            due_on: r.date("due_on")?,
            work_order: link(r, "work_order_link", "work_order_label", WorkOrderId)?,
            agreement: link(r, "agreement_link", "agreement_label", AgreementId)?,
            totals: totals(&[]),
            version: r.i64("version")?,
            expose_to_customer: r.bool("expose_to_customer")?,
        })
    }

    async fn complete(conn: &mut Conn, rows: &mut [InvoiceRow]) -> Result<()> {
        let ids: Vec<InvoiceId> = rows.iter().map(|i| i.id).collect();
        let mut lines = invoice_lines(conn, &ids).await?;
        for inv in rows {
            inv.totals = totals(lines.remove(&inv.id).as_deref().unwrap_or_default());
        }
        Ok(())
    }
}

/// The lines of these invoices, each invoice's in order, in one query.
pub async fn invoice_lines(
    conn: &mut Conn,
    ids: &[InvoiceId],
) -> Result<HashMap<InvoiceId, Vec<InvoiceLine>>> {
    let mut out: HashMap<InvoiceId, Vec<InvoiceLine>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT invoice_id, description, quantity_milli, unit_price_minor, tax_rate_milli_percent \
         FROM invoice_lines WHERE invoice_id IN ({}) ORDER BY invoice_id, position, id",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(id.0);
    }
    for r in q.fetch_all(&mut *conn).await? {
        out.entry(InvoiceId(r.i64("invoice_id")?))
            .or_default()
            .push(InvoiceLine {
                description: r.text("description")?,
                quantity_milli: r.i64("quantity_milli")?,
                unit_price_minor: r.i64("unit_price_minor")?,
                tax_rate_milli_percent: r.i64("tax_rate_milli_percent")?,
            });
    }
    Ok(out)
}

/// Whether a record of this kind exists in the scope (existence checks for links and actions).
pub async fn in_scope(conn: &mut Conn, scope: &Scope, kind: RecordKind, id: i64) -> Result<bool> {
    let mut w = Where::new();
    let p = w.arg(Arg::I64(id));
    w.cond(format!("x.id = {p}"));
    scope.apply(&mut w);
    let sql = format!("SELECT x.id FROM {} x WHERE {}", kind.table(), w.to_sql());
    Ok(w.bind(sqlx::query(&sql))
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
}

/// Any of the four lists, to ask the engine for its plan.
#[derive(Debug, Clone)]
pub enum ListQuery {
    WorkOrders(WorkOrderQuery),
    Agreements(AgreementQuery),
    Assets(AssetQuery),
    Invoices(InvoiceQuery),
}

/// The engine's plan for a list query, one line per step (`EXPLAIN QUERY PLAN` on SQLite,
/// `EXPLAIN` on PostgreSQL): how the benchmark and the tests check that a page is an index
/// range scan without a sort of the whole account.
pub async fn explain(
    conn: &mut Conn,
    backend: crate::Backend,
    scope: &Scope,
    q: &ListQuery,
) -> Result<Vec<String>> {
    let keyset = match q {
        ListQuery::WorkOrders(q) => keyset::<WorkOrders>(scope, q),
        ListQuery::Agreements(q) => keyset::<Agreements>(scope, q),
        ListQuery::Assets(q) => keyset::<Assets>(scope, q),
        ListQuery::Invoices(q) => keyset::<Invoices>(scope, q),
    };
    query::explain(conn, backend, &keyset).await
}
