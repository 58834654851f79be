//! External references: the id a record has in the system it was imported from (a CRM's
//! customer number, an ERP's equipment id), which a CSV import matches its rows on and an
//! export writes back (migration 0022). Unique per table where set; `NULL` for a record made in
//! Onsite and never given one: an export writes `onsite:<kind>:<id>` for it ([`reference`]),
//! which [`find`] matches back to that row as long as it has no reference of its own.

use crate::sql::Run;
use crate::{Conn, Result, RowExt};
use onsite_domain::AccountId;
use std::collections::HashMap;

/// The tables whose rows carry an external reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefTable {
    Accounts,
    Contacts,
    Assets,
}

impl RefTable {
    fn table(self) -> &'static str {
        match self {
            RefTable::Accounts => "accounts",
            RefTable::Contacts => "contacts",
            RefTable::Assets => "assets",
        }
    }
}

impl RefTable {
    fn prefix(self) -> &'static str {
        match self {
            RefTable::Accounts => "onsite:account:",
            RefTable::Contacts => "onsite:contact:",
            RefTable::Assets => "onsite:asset:",
        }
    }
}

/// The reference an export writes for row `id`: its own, else `onsite:<kind>:<id>`.
pub fn reference(table: RefTable, id: i64, own: Option<&str>) -> String {
    match own {
        Some(own) => own.to_owned(),
        None => format!("{}{id}", table.prefix()),
    }
}

/// The id of the row of `table` with this reference, if any: the row that has it, else, for
/// `onsite:<kind>:<id>`, that row if it has no reference of its own.
pub async fn find(conn: &mut Conn, table: RefTable, reference: &str) -> Result<Option<i64>> {
    let found = sqlx::query(&format!(
        "SELECT id FROM {} WHERE external_ref = $1",
        table.table()
    ))
    .bind(reference)
    .optional(conn, |r| r.i64("id"))
    .await?;
    let own = reference
        .strip_prefix(table.prefix())
        .and_then(|id| id.parse::<i64>().ok());
    match (found, own) {
        (Some(id), _) => Ok(Some(id)),
        (None, Some(id)) => {
            sqlx::query(&format!(
                "SELECT id FROM {} WHERE id = $1 AND external_ref IS NULL",
                table.table()
            ))
            .bind(id)
            .optional(conn, |r| r.i64("id"))
            .await
        }
        (None, None) => Ok(None),
    }
}

/// Gives the row `id` of `table` its reference; [`crate::StoreError::Conflict`] when another
/// row has it, [`crate::StoreError::NotFound`] when there is no such row.
pub async fn set(conn: &mut Conn, table: RefTable, id: i64, reference: &str) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE {} SET external_ref = $1 WHERE id = $2",
        table.table()
    ))
    .bind(reference)
    .bind(id)
    .changed_or_not_found(conn)
    .await
}

/// The references of the rows `ids` of `table` that have one.
pub async fn refs_of(
    conn: &mut Conn,
    table: RefTable,
    ids: &[i64],
) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = crate::sql::placeholders(1, ids.len());
    let sql = format!(
        "SELECT id, external_ref FROM {} WHERE id IN ({list}) AND external_ref IS NOT NULL",
        table.table()
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query
        .all(conn, |r| Ok((r.i64("id")?, r.text("external_ref")?)))
        .await?;
    Ok(rows.into_iter().collect())
}

/// An asset as the export writes it: with its account's and parent's references.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetLine {
    pub id: i64,
    pub reference: String,
    pub account_ref: String,
    pub parent_ref: Option<String>,
    pub name: String,
    pub product: String,
    pub serial_number: Option<String>,
    pub expose_to_customer: bool,
}

/// Which assets an export writes.
#[derive(Debug, Clone, Default)]
pub struct AssetExport {
    /// Only this account's.
    pub account: Option<AccountId>,
    /// Only those whose name, product or serial number holds this text (any case).
    pub search: Option<String>,
    /// Only top-level assets.
    pub top_level: bool,
}

/// Up to `limit` assets after `after` (an id) of one level — top-level assets (`components`
/// false), then components — by id: parents come before the components made under them, so
/// that importing the file finds each parent first.
pub async fn assets_after(
    conn: &mut Conn,
    which: &AssetExport,
    components: bool,
    after: i64,
    limit: i64,
) -> Result<Vec<AssetLine>> {
    let mut sql = String::from(
        "SELECT x.id, x.external_ref, x.account_id, a.external_ref AS account_ref, x.parent_id, \
         p.external_ref AS parent_ref, x.name, x.product, x.serial_number, x.expose_to_customer \
         FROM assets x JOIN accounts a ON a.id = x.account_id \
         LEFT JOIN assets p ON p.id = x.parent_id WHERE x.id > $1",
    );
    sql.push_str(if components {
        " AND x.parent_id IS NOT NULL"
    } else {
        " AND x.parent_id IS NULL"
    });
    if which.account.is_some() {
        sql.push_str(" AND x.account_id = $2");
    }
    let needle = which
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.to_lowercase()));
    if needle.is_some() {
        let n = if which.account.is_some() { 3 } else { 2 };
        sql.push_str(&format!(
            " AND (lower(x.name) LIKE ${n} OR lower(x.product) LIKE ${n} \
             OR lower(COALESCE(x.serial_number, '')) LIKE ${n})"
        ));
    }
    sql.push_str(&format!(" ORDER BY x.id LIMIT {}", limit.clamp(1, 10_000)));
    let mut query = sqlx::query(&sql).bind(after);
    if let Some(account) = which.account {
        query = query.bind(account.0);
    }
    if let Some(needle) = needle {
        query = query.bind(needle);
    }
    query
        .all(conn, |r| {
            let id = r.i64("id")?;
            let account = r.i64("account_id")?;
            let parent = r.opt_i64("parent_id")?;
            Ok(AssetLine {
                id,
                reference: reference(RefTable::Assets, id, r.opt_text("external_ref")?.as_deref()),
                account_ref: reference(
                    RefTable::Accounts,
                    account,
                    r.opt_text("account_ref")?.as_deref(),
                ),
                parent_ref: match parent {
                    Some(p) => Some(reference(
                        RefTable::Assets,
                        p,
                        r.opt_text("parent_ref")?.as_deref(),
                    )),
                    None => None,
                },
                name: r.text("name")?,
                product: r.text("product")?,
                serial_number: r.opt_text("serial_number")?,
                expose_to_customer: r.bool("expose_to_customer")?,
            })
        })
        .await
}
