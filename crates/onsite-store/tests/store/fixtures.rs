//! The shared fixtures (`onsite_testkit::fixtures`: Montréal, accounts, service types, t0) and
//! what only the repository tests need: a corrupt row.

pub use onsite_testkit::fixtures::*;

use onsite_store::Conn;

/// Overwrites one column of one row, bypassing the repositories: how a corrupt row is made.
pub async fn corrupt(conn: &mut Conn, table: &str, column: &str, value: &str, id: i64) {
    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
        .bind(value)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// [`corrupt`] for a numeric column.
pub async fn corrupt_number(conn: &mut Conn, table: &str, column: &str, value: f64, id: i64) {
    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
        .bind(value)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
}
