//! The app's integration tests, one binary: use cases against a fresh database and, for
//! external sign-in, a real OpenID provider process.

/// Runs an async test on a fresh SQLite and a fresh PostgreSQL database:
/// `both!(name, |db: TestDb| async move { … })` makes `name::sqlite` and `name::postgres`.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(TestDb::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(TestDb::postgres().await).await;
            }
        }
    };
}

mod booking;
mod distribution;
mod feedback;
mod fixtures;
mod identity;
mod oidc;
mod records;
mod technician;
mod tracking;
