//! Onsite's test support, used only as a dev-dependency: [`both_backends!`] (one async test
//! body run on a fresh SQLite and a fresh PostgreSQL database), the [`fixtures`] several suites
//! build the same way, and the test providers run as real processes: an SMTP server
//! ([`smtp`]) and an OpenID Connect provider ([`oidc`]).
//!
//! It sits above `onsite-store` and `onsite-notify` and below nothing: the integration tests
//! and benchmarks of every crate (the store's and notify's included) dev-depend on it. Cargo
//! links an integration test against the same library its testkit uses, so their types are one;
//! a `#[cfg(test)]` unit test inside `onsite-store` or `onsite-notify` would see a second copy
//! of its own crate through the testkit, so unit tests do not use it. The fresh databases
//! themselves stay in `onsite_store::testing` (re-exported here as [`TestDb`]): naming the
//! migrated template needs the store's private list of migrations.

pub mod fixtures;
pub mod oidc;
pub mod smtp;

pub use onsite_store::Backend;
pub use onsite_store::testing::TestDb;

use onsite_store::Store;
use std::future::Future;

/// Runs an async test on a fresh SQLite database and on a fresh PostgreSQL one:
/// `both_backends!(name, |store: Store| async move { … })` makes the tests `name::sqlite` and
/// `name::postgres`.
///
/// The body is a closure or the name of an async function, taking one argument whose type
/// says what it is made from the fresh database ([`FromTestDb`]): a [`Store`], the
/// [`TestDb`] itself, or a suite's own world (a test app, a set of people). That type also
/// chooses the runtime the test runs on ([`FromTestDb::RUNTIME`]).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr $(,)?) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                $crate::run_on($crate::Backend::Sqlite, $body);
            }

            #[test]
            fn postgres() {
                $crate::run_on($crate::Backend::Postgres, $body);
            }
        }
    };
}

/// The tokio runtime a [`both_backends!`] test runs on.
#[derive(Debug, Clone, Copy)]
pub enum TestRuntime {
    /// One thread, which also runs the test body (what `#[tokio::test]` gives by default).
    CurrentThread,
    /// A multi-threaded runtime with this many workers, as a server runs.
    MultiThread { workers: usize },
}

/// What a [`both_backends!`] body receives, made from the fresh database of one engine.
pub trait FromTestDb: Sized {
    /// The runtime the test runs on: two workers unless the type says otherwise.
    const RUNTIME: TestRuntime = TestRuntime::MultiThread { workers: 2 };

    /// Makes the value on `db`. A value that holds the database (a [`TestDb`], a test app)
    /// takes it and gives back `None`; one that only uses it (a [`Store`]) gives it back, and
    /// the test keeps it, so that the database outlives the body.
    fn from_test_db(db: TestDb) -> impl Future<Output = (Self, Option<TestDb>)>;
}

impl FromTestDb for TestDb {
    async fn from_test_db(db: TestDb) -> (TestDb, Option<TestDb>) {
        (db, None)
    }
}

impl FromTestDb for Store {
    async fn from_test_db(db: TestDb) -> (Store, Option<TestDb>) {
        (db.store().clone(), Some(db))
    }
}

/// Runs `body` on a fresh database of `backend`, on the runtime `T` asks for: what
/// [`both_backends!`] expands to.
pub fn run_on<T, F, Fut>(backend: Backend, body: F)
where
    T: FromTestDb,
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut builder = match T::RUNTIME {
        TestRuntime::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        TestRuntime::MultiThread { workers } => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(workers);
            builder
        }
    };
    let runtime = builder.enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await,
        };
        let (subject, kept) = T::from_test_db(db).await;
        body(subject).await;
        drop(kept);
    });
}

/// The names of the files in `dir`, sorted: what a test compares before and after an
/// operation on database files (a backup, a restore) that must leave nothing behind.
pub fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A loopback port nothing listens on (yet): bind port 0, note the port, let it go. A test
/// provider started on it may still lose it to another process, and retries.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("a bound address").port()
}
