//! The app's integration tests, one binary: use cases against a fresh database and, for
//! external sign-in, a real OpenID provider process.

use onsite_app::App;
use onsite_testkit::TestDb;
use std::sync::Arc;

mod audit_log;
mod booking;
mod catalog;
mod customers;
mod distribution;
mod export;
mod feedback;
mod identity;
mod import;
mod oidc;
mod records;
mod team;
mod technician;
mod territories;
mod tracking;

/// The app on a test's database, at the public URL `https://portal.example.com`, with a mail
/// worker nobody runs (the tests read the outbox or deliver it themselves).
fn app_on(db: &TestDb) -> App {
    App::new(
        db.store().clone(),
        Arc::new(tokio::sync::Notify::new()),
        "https://portal.example.com",
    )
}
