//! Housekeeping: removes what has expired — sessions past their timeouts, rate-limit windows
//! long over, abandoned external sign-in flows, technicians' positions past their retention
//! period — and moves agreements past their end date to
//! Expired. Every statement is idempotent, so any number of app servers may run it.

use crate::context::App;
use crate::identity::SESSION_IDLE;
use jiff::{SignedDuration, Timestamp};
use onsite_store::{StoreError, external_identities, rate_limits, sessions};
use std::future::Future;
use std::time::Duration;

/// How often the worker sweeps.
pub const INTERVAL: Duration = Duration::from_secs(600);

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub rate_limit_windows: u64,
    pub sign_in_flows: u64,
    pub agreements_expired: u64,
    /// Technicians' positions past the retention period (`tracking/retention_days`).
    pub positions: u64,
}

pub async fn sweep(app: &App, now: Timestamp) -> Result<Swept, StoreError> {
    let mut conn = app.store.conn().await?;
    Ok(Swept {
        sessions: sessions::purge_expired(&mut conn, now, SESSION_IDLE).await?,
        // Windows are at most 15 minutes long; a day leaves room for any longer one later.
        rate_limit_windows: rate_limits::purge(&mut conn, now - SignedDuration::from_hours(24))
            .await?,
        sign_in_flows: external_identities::purge_expired_flows(&mut conn, now).await?,
        agreements_expired: crate::records::expire_ended_agreements(app, last_ended_day(now))
            .await
            .map_err(|e| match e {
                crate::records::RecordsError::Store(e) => e,
                other => StoreError::Corrupt(other.to_string()),
            })?,
        positions: crate::tracking::purge_old_positions(app, now).await?,
    })
}

/// The day after which an agreement's last day is over everywhere: today in the last time
/// zone on Earth (UTC−12). An agreement ending on day D stays Active until D has ended for
/// every customer, whatever their zone.
fn last_ended_day(now: Timestamp) -> jiff::civil::Date {
    let last_zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(-12));
    now.to_zoned(last_zone).date()
}

/// Sweeps every [`INTERVAL`] until `shutdown` resolves.
pub async fn housekeeping_worker(app: App, shutdown: impl Future<Output = ()> + Send) {
    tokio::pin!(shutdown);
    let mut interval = tokio::time::interval(INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = interval.tick() => match sweep(&app, Timestamp::now()).await {
                Ok(s) => tracing::debug!(?s, "housekeeping"),
                Err(e) => tracing::error!(error = %e, "housekeeping failed"),
            },
        }
    }
}
