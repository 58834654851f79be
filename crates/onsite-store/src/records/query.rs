//! The one keyset list query, written once for both engines: each record type's list states its
//! table, its conditions and its sorts, and this builds the SQL, binds the arguments and turns
//! the rows into a [`Page`] with its Next / Previous cursors.
//!
//! The shape, whatever the record:
//!
//! ```sql
//! SELECT <columns> FROM (
//!     -- the page's ids: after the cursor (key a, id b), ascending
//!     SELECT * FROM (SELECT x.id, <key> AS k FROM <table> x
//!         WHERE <scope and filters> AND <key> = $a AND x.id > $b ORDER BY x.id LIMIT n+1) p1
//!     UNION ALL
//!     SELECT * FROM (SELECT x.id, <key> AS k FROM <table> x
//!         WHERE <scope and filters> AND <key> > $a ORDER BY <key>, x.id LIMIT n+1) p2
//!     ORDER BY k, id LIMIT n+1) p
//! JOIN <table> x ON x.id = p.id <joins for names> ORDER BY p.k, p.id
//! ```
//!
//! The id queries read one table only, so both planners walk the `(account_id, key, id)`
//! index from the cursor: two range scans of at most one page each, the same cost for page 1
//! and page 500. Searches over related records are `EXISTS` conditions rather than joins for
//! the same reason. The outer query adds names for the page's rows only.

use super::cursor::{Cursor, KeyKind, Position, SortKey, Start};
use crate::{Backend, Conn, Result, RowExt, StoreError};
use sqlx::any::AnyRow;

/// Most rows one page may hold.
pub const MAX_PAGE: u32 = 100;
/// Rows per page when the caller does not say.
pub const DEFAULT_PAGE: u32 = 20;

/// One page of a sorted list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The token of the next page, if there are more rows after this one.
    pub next: Option<Cursor>,
    /// The token of the previous page, if this is not the first.
    pub prev: Option<Cursor>,
}

impl<T> Page<T> {
    pub fn empty() -> Page<T> {
        Page {
            items: Vec::new(),
            next: None,
            prev: None,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            prev: self.prev,
        }
    }
}

/// A sortable column of a list.
pub struct SortSpec {
    /// Stable name carried by cursors, e.g. `work-orders.number`.
    pub name: &'static str,
    /// The SQL expression on alias `x` (the same expression as in the index).
    pub expr: &'static str,
    pub kind: KeyKind,
}

/// A bound argument.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(i64),
    Text(String),
}

/// The conditions of a list under construction; `arg` hands out `$n` placeholders in order.
#[derive(Debug, Clone)]
pub struct Where {
    conds: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    pub fn new() -> Where {
        Where {
            conds: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    pub fn cond(&mut self, c: impl Into<String>) {
        self.conds.push(c.into());
    }

    /// A case-insensitive "contains" over `exprs` (SQL expressions that may be NULL): one
    /// pattern argument, `%` and `_` in the needle taken literally.
    pub fn search(&mut self, needle: &str, exprs: &[&str]) {
        let p = self.arg(Arg::Text(like_pattern(needle)));
        let any: Vec<String> = exprs
            .iter()
            .map(|e| format!("LOWER({e}) LIKE {p} ESCAPE '\\'"))
            .collect();
        self.cond(format!("({})", any.join(" OR ")));
    }

    /// The conditions, ANDed.
    pub fn to_sql(&self) -> String {
        if self.conds.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.conds.join(" AND ")
        }
    }
}

impl Where {
    /// Binds the arguments, in placeholder order.
    pub fn bind<'q>(&self, mut q: AnyQuery<'q>) -> AnyQuery<'q> {
        for a in &self.args {
            q = match a {
                Arg::I64(n) => q.bind(*n),
                Arg::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }
}

pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// `%needle%`, lower-cased, with LIKE's wildcards and the escape character escaped.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// One list's query, ready to run or to explain.
pub(crate) struct Keyset {
    pub w: Where,
    /// The table, aliased `x` in both the inner and the outer query.
    pub table: &'static str,
    /// Columns of the outer query (on `x` and the joined aliases); must include `x.id`.
    pub columns: String,
    /// Joins of the outer query, for names of related records.
    pub joins: String,
    pub sort: &'static SortSpec,
    pub descending: bool,
    pub start: Start,
    pub limit: u32,
}

impl Keyset {
    fn limit(&self) -> u32 {
        self.limit.clamp(1, MAX_PAGE)
    }

    fn backwards(&self) -> bool {
        matches!(self.start, Start::Before(_))
    }

    /// The SQL and its arguments.
    fn build(&self) -> Result<(String, Where)> {
        let mut w = self.w.clone();
        // Going backwards reads the list in the opposite order from the cursor, then flips the
        // rows back.
        let descending = self.descending != self.backwards();
        let dir = if descending { "DESC" } else { "ASC" };
        let expr = self.sort.expr;
        let table = self.table;
        let fetch = self.limit() + 1;
        let ids = match &self.start {
            Start::First => format!(
                "SELECT x.id, {expr} AS k FROM {table} x WHERE {cond} \
                 ORDER BY {expr} {dir}, x.id {dir} LIMIT {fetch}",
                cond = w.to_sql()
            ),
            Start::After(pos) | Start::Before(pos) => {
                if pos.key.kind() != self.sort.kind {
                    return Err(StoreError::Corrupt("cursor of another sort".into()));
                }
                let cond = w.to_sql();
                let key = match &pos.key {
                    SortKey::Int(n) => w.arg(Arg::I64(*n)),
                    SortKey::Text(s) => w.arg(Arg::Text(s.clone())),
                };
                let id = w.arg(Arg::I64(pos.id));
                let op = if descending { "<" } else { ">" };
                // "After (key, id)" as two ranges of the index, each read in order and cut at
                // one page: the rest of the cursor's key (key = k AND id beyond), then the keys
                // beyond. A row-value comparison `(k, id) > (a, b)` says the same, but SQLite
                // bounds only its first column (reading every row that ties with the cursor's
                // key, thousands when sorting by status) and none for an indexed expression.
                format!(
                    "SELECT u.id, u.k FROM (\
                       SELECT * FROM (SELECT x.id, {expr} AS k FROM {table} x \
                         WHERE {cond} AND {expr} = {key} AND x.id {op} {id} \
                         ORDER BY x.id {dir} LIMIT {fetch}) p1 \
                       UNION ALL \
                       SELECT * FROM (SELECT x.id, {expr} AS k FROM {table} x \
                         WHERE {cond} AND {expr} {op} {key} \
                         ORDER BY {expr} {dir}, x.id {dir} LIMIT {fetch}) p2\
                     ) u ORDER BY u.k {dir}, u.id {dir} LIMIT {fetch}"
                )
            }
        };
        let sql = format!(
            "SELECT {columns}, p.k AS sort_key FROM ({ids}) p \
             JOIN {table} x ON x.id = p.id {joins} ORDER BY p.k {dir}, p.id {dir}",
            columns = self.columns,
            joins = self.joins,
        );
        Ok((sql, w))
    }
}

/// The engine's plan for a list query, one line per step: `EXPLAIN QUERY PLAN` on SQLite,
/// `EXPLAIN` on PostgreSQL. For the benchmark and the plan tests.
pub(crate) async fn explain(conn: &mut Conn, backend: Backend, q: &Keyset) -> Result<Vec<String>> {
    let (sql, w) = q.build()?;
    let explain = match backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => format!("EXPLAIN {sql}"),
    };
    let rows = w.bind(sqlx::query(&explain)).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| match backend {
            Backend::Sqlite => r.text("detail"),
            Backend::Postgres => r.text("QUERY PLAN"),
        })
        .collect()
}

/// Runs the keyset query and maps each row with `f`.
pub(crate) async fn page<T>(
    conn: &mut Conn,
    q: Keyset,
    f: impl Fn(&AnyRow) -> Result<T>,
) -> Result<Page<T>> {
    let (sql, w) = q.build()?;
    let limit = q.limit();
    let backwards = q.backwards();
    let mut rows = w.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    let position = |r: &AnyRow| -> Result<Position> {
        let key = match q.sort.kind {
            KeyKind::Int => SortKey::Int(r.i64("sort_key")?),
            KeyKind::Text => SortKey::Text(r.text("sort_key")?),
        };
        Ok(Position {
            key,
            id: r.i64("id")?,
        })
    };
    let first = rows.first().map(position).transpose()?;
    let last = rows.last().map(position).transpose()?;
    let cursor = |s: Start| Cursor::encode(q.sort.name, q.descending, &s);
    let after_last = || last.clone().and_then(|p| cursor(Start::After(p)));
    let before_first = || first.clone().and_then(|p| cursor(Start::Before(p)));
    let (next, prev) = match &q.start {
        Start::First => (if more { after_last() } else { None }, None),
        Start::After(from) => (
            if more { after_last() } else { None },
            // Something precedes the cursor's row (that row at least, unless it was deleted).
            before_first().or_else(|| cursor(Start::Before(from.clone()))),
        ),
        Start::Before(from) => (
            after_last().or_else(|| cursor(Start::After(from.clone()))),
            if more { before_first() } else { None },
        ),
    };
    let items = rows.iter().map(f).collect::<Result<Vec<_>>>()?;
    Ok(Page { items, next, prev })
}

/// The same columns and joins as a list, for one row: the detail pages read a record exactly
/// as its list shows it, under the same scope (a record outside it is `None`).
pub(crate) async fn one(
    conn: &mut Conn,
    table: &str,
    columns: &str,
    joins: &str,
    w: Where,
) -> Result<Option<AnyRow>> {
    let sql = format!(
        "SELECT {columns} FROM {table} x {joins} WHERE {}",
        w.to_sql()
    );
    Ok(w.bind(sqlx::query(&sql)).fetch_optional(&mut *conn).await?)
}
