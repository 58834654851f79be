//! The shapes of running a statement that every repository module needs, written once: one row
//! or [`StoreError::NotFound`], the row if any, every row (each read by a `…_from_row`
//! function), a change that must find its row, a guarded change that says whether it happened;
//! the `$n` lists of `IN (…)` and of multi-row `VALUES`; child rows attached to their parents; link tables (`owner → items`) written and replaced whole; claims on the work
//! queues; and the locks that differ between the engines.

use crate::{Conn, Result, StoreError, to_ms};
use jiff::{SignedDuration, Timestamp};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Encode, Row, Type};
use std::collections::HashMap;

/// A statement of the `Any` driver with its arguments bound.
pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Running a statement and reading its rows through a mapping function.
pub(crate) trait Run {
    /// The row the statement finds, read by `map`; [`StoreError::NotFound`] when there is none.
    async fn one<T>(self, conn: &mut Conn, map: impl FnOnce(&AnyRow) -> Result<T>) -> Result<T>;

    /// The row the statement finds, if any, read by `map`.
    async fn optional<T>(
        self,
        conn: &mut Conn,
        map: impl FnOnce(&AnyRow) -> Result<T>,
    ) -> Result<Option<T>>;

    /// Every row the statement finds, each read by `map`, in order.
    async fn all<T>(self, conn: &mut Conn, map: impl FnMut(&AnyRow) -> Result<T>)
    -> Result<Vec<T>>;

    /// Runs a guarded change (`UPDATE … WHERE id = $1 AND <the state it leaves>`): whether it
    /// changed a row.
    async fn changed(self, conn: &mut Conn) -> Result<bool>;

    /// Runs a change of one row by its key: [`StoreError::NotFound`] when no row has the key.
    async fn changed_or_not_found(self, conn: &mut Conn) -> Result<()>;
}

impl<'q> Run for AnyQuery<'q> {
    async fn one<T>(self, conn: &mut Conn, map: impl FnOnce(&AnyRow) -> Result<T>) -> Result<T> {
        self.optional(conn, map).await?.ok_or(StoreError::NotFound)
    }

    async fn optional<T>(
        self,
        conn: &mut Conn,
        map: impl FnOnce(&AnyRow) -> Result<T>,
    ) -> Result<Option<T>> {
        self.fetch_optional(&mut *conn)
            .await?
            .as_ref()
            .map(map)
            .transpose()
    }

    async fn all<T>(
        self,
        conn: &mut Conn,
        map: impl FnMut(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.fetch_all(&mut *conn).await?.iter().map(map).collect()
    }

    async fn changed(self, conn: &mut Conn) -> Result<bool> {
        Ok(self.execute(&mut *conn).await?.rows_affected() > 0)
    }

    async fn changed_or_not_found(self, conn: &mut Conn) -> Result<()> {
        if self.changed(conn).await? {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}

/// Whether `conn` is a PostgreSQL connection (else SQLite).
pub(crate) fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgresql")
}

/// What a claim's sub-select ([`claim_due`]) ends with so that concurrent workers each
/// take a different row: on PostgreSQL `FOR UPDATE SKIP LOCKED`, skipping the rows another
/// worker is claiming right now instead of waiting for them; SQLite has no row locks and needs
/// none (one writer at a time, so the sub-select and the update see the same state).
fn skip_locked(conn: &Conn) -> &'static str {
    if is_postgres(conn) {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    }
}

/// The end of a lease of `lease` taken at `now`, as stored.
pub(crate) fn lease_end(now: Timestamp, lease: SignedDuration) -> Result<i64> {
    let end = now
        .saturating_add(lease)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(to_ms(end))
}

/// Claims the row of a work queue (`table`, with the columns `attempts`, `claim_token`,
/// `locked_until` and `next_attempt_at`) that has been due longest among those `open` (a
/// condition) that nobody holds at `now`: counts the attempt, bumps the fencing token and holds
/// the row until `now + lease`, in one statement. The claimed row's `returning` columns; `None`
/// when nothing is due.
pub(crate) async fn claim_due(
    conn: &mut Conn,
    (table, open): (&str, &str),
    returning: &str,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<AnyRow>> {
    // The one place the engines differ (see `skip_locked`); in READ COMMITTED a row re-checked
    // after a concurrent claim fails the lease test.
    let lock = skip_locked(conn);
    let sql = format!(
        "UPDATE {table} \
         SET attempts = attempts + 1, claim_token = claim_token + 1, locked_until = $2 \
         WHERE id = (SELECT id FROM {table} \
                     WHERE {open} AND next_attempt_at <= $1 \
                       AND (locked_until IS NULL OR locked_until <= $1) \
                     ORDER BY next_attempt_at, id LIMIT 1 {lock}) \
         RETURNING {returning}"
    );
    Ok(sqlx::query(&sql)
        .bind(to_ms(now))
        .bind(lease_end(now, lease)?)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Takes PostgreSQL's advisory lock `key` until the end of the current transaction.
pub(crate) async fn advisory_xact_lock(conn: &mut Conn, key: i64) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// FNV-1a (64 bits) of `prefix` then `bytes`: a stable hash for checksums and lock keys.
pub(crate) fn fnv1a(prefix: &[u8], bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.iter().chain(bytes) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The rows of `sql`, its `$1…$n` bound to `args` in order.
pub(crate) async fn rows(conn: &mut Conn, sql: &str, args: &[i64]) -> Result<Vec<AnyRow>> {
    let mut q = sqlx::query(sql);
    for v in args {
        q = q.bind(*v);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// `$from, $from+1, …` for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `VALUES` of a multi-row INSERT of `rows` rows, numbered from `$1`: each row is `row`'s
/// expressions with `?` standing for the next parameter, e.g. `values(2, &["?", "NULLIF(?, -1)"])`
/// is `($1, NULLIF($2, -1)), ($3, NULLIF($4, -1))`.
pub(crate) fn values(rows: usize, row: &[&str]) -> String {
    let mut next = 0;
    (0..rows)
        .map(|_| {
            let exprs = row
                .iter()
                .map(|expr| {
                    next += 1;
                    expr.replace('?', &format!("${next}"))
                })
                .collect::<Vec<_>>();
            format!("({})", exprs.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value any statement can bind, whatever its lifetime.
pub(crate) trait Value: for<'q> Encode<'q, Any> + Type<Any> + Send {}

impl<V: for<'q> Encode<'q, Any> + Type<Any> + Send> Value for V {}

/// Gives each of `parents` its child rows: the rows of `sql` (its `$1…$n` bound to `args`)
/// whose column `parent` holds the parent's id, each read by `map`, in row order, go into the
/// list `slot` names (with the parent's id). No query when there is no parent.
pub(crate) async fn attach<P, C>(
    conn: &mut Conn,
    parents: &mut [P],
    (sql, args): (&str, &[i64]),
    parent: &str,
    mut map: impl FnMut(&AnyRow) -> Result<C>,
    slot: fn(&mut P) -> (i64, &mut Vec<C>),
) -> Result<()> {
    if parents.is_empty() {
        return Ok(());
    }
    let mut children: HashMap<i64, Vec<C>> = HashMap::new();
    for r in rows(conn, sql, args).await? {
        children
            .entry(r.try_get(parent)?)
            .or_default()
            .push(map(&r)?);
    }
    for p in parents {
        let (id, list) = slot(p);
        *list = children.remove(&id).unwrap_or_default();
    }
    Ok(())
}

/// A link table: one row per owner and item (a technician's territories, a user's roles).
pub(crate) struct Links {
    table: &'static str,
    /// The owner's column.
    owner: &'static str,
    /// The item's column.
    item: &'static str,
}

impl Links {
    /// The link table `table` with the columns `owner` and `item`.
    pub(crate) const fn new(table: &'static str, owner: &'static str, item: &'static str) -> Self {
        Links { table, owner, item }
    }

    /// Adds a row for each of `items` to the owner's, in one statement.
    pub(crate) async fn insert(
        &self,
        conn: &mut Conn,
        owner: i64,
        items: impl IntoIterator<Item = impl Value>,
    ) -> Result<()> {
        let items: Vec<_> = items.into_iter().collect();
        if items.is_empty() {
            return Ok(());
        }
        let Links {
            table,
            owner: owner_col,
            item,
        } = self;
        let sql = format!(
            "INSERT INTO {table} ({owner_col}, {item}) VALUES {}",
            values(items.len(), &["?", "?"])
        );
        let mut q = sqlx::query(&sql);
        for item in items {
            q = q.bind(owner).bind(item);
        }
        q.execute(&mut *conn).await?;
        Ok(())
    }

    /// Replaces the owner's rows with one for each of `items`.
    pub(crate) async fn replace(
        &self,
        conn: &mut Conn,
        owner: i64,
        items: impl IntoIterator<Item = impl Value>,
    ) -> Result<()> {
        let Links {
            table,
            owner: owner_col,
            ..
        } = self;
        sqlx::query(&format!("DELETE FROM {table} WHERE {owner_col} = $1"))
            .bind(owner)
            .execute(&mut *conn)
            .await?;
        self.insert(conn, owner, items).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_number_the_parameters_row_after_row() {
        assert_eq!(values(1, &["?"]), "($1)");
        assert_eq!(
            values(2, &["?", "NULLIF(?, -1)"]),
            "($1, NULLIF($2, -1)), ($3, NULLIF($4, -1))"
        );
        assert_eq!(placeholders(5, 3), "$5, $6, $7");
    }
}
