//! Fresh databases for tests, on both backends (feature `testing`; the tests of every crate
//! reach it through `onsite-testkit`, whose `both_backends!` runs a test on each).
//!
//! SQLite: a new file in a temporary folder. PostgreSQL: a new database cloned from a migrated
//! template (`CREATE DATABASE … TEMPLATE`), which is far faster than migrating each time; the
//! template's name carries a hash of the migrations so a schema change builds a new one. The
//! server is `ONSITE_TEST_POSTGRES_URL`, by default the local one on 127.0.0.1:5432.

use crate::Store;
use sqlx::{Connection, Executor};
use std::hash::{Hash, Hasher};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn postgres_admin_url() -> String {
    std::env::var("ONSITE_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// PostgreSQL truncates names to 63 bytes, and a truncated name would no longer match in
/// `pg_stat_activity`: every name made here stays well under that.
///
/// A throw-away database; dropped (PostgreSQL) or deleted (SQLite) with the value.
pub struct TestDb {
    store: Store,
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("onsite.db").display());
        let store = Store::open(&url).await.expect("open SQLite test database");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            postgres_name: None,
        }
    }

    pub async fn postgres() -> TestDb {
        sqlx::any::install_default_drivers();
        let admin = postgres_admin_url();
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is needed for this test and is not reachable at {admin} ({e}); start it or set ONSITE_TEST_POSTGRES_URL")
        });
        let template = template_name();
        sqlx::query("SELECT pg_advisory_lock(7042)")
            .execute(&mut conn)
            .await
            .unwrap();
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&template)
                .fetch_optional(&mut conn)
                .await
                .unwrap();
        if exists.is_none() {
            // Build under a temporary name and rename when complete, so a process killed
            // half-way never leaves a broken template behind.
            let building = format!(
                "{template}_b{}",
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            );
            conn.execute(format!("CREATE DATABASE {building}").as_str())
                .await
                .unwrap();
            let store = Store::open(&with_database(&admin, &building))
                .await
                .expect("migrate template");
            store.close().await;
            // RENAME refuses while any session is on the database: the pool's closed
            // connections may linger a moment, and autovacuum can visit a fresh database at any
            // time. Terminate whatever is there and retry until the rename goes through.
            let mut renamed = false;
            for _ in 0..20 {
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                )
                .bind(&building)
                .execute(&mut conn)
                .await
                .unwrap();
                let rename = format!("ALTER DATABASE {building} RENAME TO {template}");
                if conn.execute(rename.as_str()).await.is_ok() {
                    renamed = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            assert!(
                renamed,
                "could not rename the freshly migrated template {building}"
            );
        }
        let name = format!("onsite_test_{}", uuid::Uuid::new_v4().simple());
        // Copying refuses while anyone (autovacuum, say) is on the template: retry likewise.
        let mut last_error = None;
        for _ in 0..20 {
            let create = format!("CREATE DATABASE {name} TEMPLATE {template}");
            match conn.execute(create.as_str()).await {
                Ok(_) => {
                    last_error = None;
                    break;
                }
                Err(e) => last_error = Some(e),
            }
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(&template)
            .execute(&mut conn)
            .await
            .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if let Some(e) = last_error {
            panic!("could not create a test database from {template}: {e}");
        }
        sqlx::query("SELECT pg_advisory_unlock(7042)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.ok();
        let url = with_database(&admin, &name);
        let store = Store::open(&url)
            .await
            .expect("open PostgreSQL test database");
        TestDb {
            store,
            url,
            _dir: None,
            postgres_name: Some(name),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The URL of this database, for tests that start another process on it.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        let admin = postgres_admin_url();
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
                    let _ = conn
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            });
        })
        .join();
    }
}

fn template_name() -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for m in crate::migrate::MIGRATIONS {
        m.version.hash(&mut h);
        m.sql.hash(&mut h);
    }
    format!("onsite_template_{:016x}", h.finish())
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}
