//! Background distribution work, safe to run on every app server at once: opportunities not
//! accepted within `distribution/accept_hours` expire and go to the next partner, and — when
//! `distribution/automatic` is on — New opportunities waiting for a partner are distributed.
//!
//! Each opportunity is handled in its own transaction that first takes the distribution lock
//! and then moves it with a guarded `UPDATE` (still Distributed, to the same partner, given at
//! the cutoff or earlier): when two servers sweep together, one does the work and the other's
//! update matches nothing, so nothing is expired or redistributed twice. [`tick`] is one
//! pass; [`distribution_worker`] repeats it until shutdown.

use super::{
    Choice, How, Result, accept_window, automatic_on, lock_distribution, place, record,
    redistribute,
};
use crate::context::App;
use jiff::Timestamp;
use onsite_store::distribution as store;
use onsite_store::partners::OpportunityEventKind;
use onsite_store::{StoreError, audit};
use std::time::Duration;

/// How often the worker sweeps.
pub const WORKER_INTERVAL: Duration = Duration::from_secs(60);

/// Opportunities handled per query of a sweep (the sweep loops until none is left).
const BATCH: i64 = 100;

/// What [`run_expiries`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    /// Taken back from a partner that did not accept in time.
    pub expired: usize,
    /// Of those, given to the next available partner (the others wait, New, for staff).
    pub redistributed: usize,
}

/// Expires every distributed opportunity not accepted in time as of `now` (an `expired`
/// event for the partner that let it expire) and offers it to the next available partner.
/// Idempotent: a second run at the same `now` finds nothing to do.
pub async fn run_expiries(app: &App, now: Timestamp) -> Result<ExpiryReport> {
    let cutoff = now - accept_window(&mut *app.store.conn().await?).await?;
    let mut report = ExpiryReport::default();
    let mut mailed = false;
    loop {
        let due = store::overdue(&mut *app.store.conn().await?, cutoff, BATCH).await?;
        let mut progressed = false;
        for o in &due {
            let mut tx = app.store.begin().await?;
            lock_distribution(app.store.backend(), &mut tx).await?;
            // Another server (or the partner accepting or declining) may have moved it since
            // the list was read: then this matches nothing and the opportunity is skipped.
            if !store::take_back(&mut tx, o.id, o.partner, Some(cutoff)).await? {
                continue;
            }
            record(
                &mut tx,
                o.id,
                o.partner,
                OpportunityEventKind::Expired,
                None,
                now,
            )
            .await?;
            audit::record(
                &mut tx,
                None,
                "opportunity.expire",
                "opportunity",
                Some(o.id.0),
                &serde_json::json!({ "partner": o.partner.0 }),
            )
            .await?;
            let next = redistribute(app, &mut tx, o.id, None, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
            progressed = true;
            report.expired += 1;
            if next.is_some() {
                report.redistributed += 1;
                mailed = true;
            }
        }
        // A short batch was the last one; a batch in which nothing could be expired (all
        // taken by another server meanwhile) would come back the same.
        if (due.len() as i64) < BATCH || !progressed {
            break;
        }
    }
    if mailed {
        app.mail_queued();
    }
    Ok(report)
}

/// With `distribution/automatic` on, gives every New opportunity to its top available
/// partner, oldest first; those for which nobody is available stay New (and are tried again
/// at the next pass, when a partner may have room). Returns how many were distributed.
pub async fn distribute_waiting(app: &App, now: Timestamp) -> Result<usize> {
    if !automatic_on(&mut *app.store.conn().await?).await? {
        return Ok(0);
    }
    let waiting = store::waiting(&mut *app.store.conn().await?, i64::MAX).await?;
    let mut placed = 0;
    for id in waiting {
        let mut tx = app.store.begin().await?;
        lock_distribution(app.store.backend(), &mut tx).await?;
        match place(app, &mut tx, id, Choice::Top, None, How::Automatic, now).await {
            Ok(Some(_)) => {
                tx.commit().await.map_err(StoreError::from)?;
                placed += 1;
            }
            // Nobody available, or no longer New (staff or another server distributed it).
            Ok(None) | Err(super::DistributionError::IllegalMove { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    if placed > 0 {
        app.mail_queued();
    }
    Ok(placed)
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub expiries: ExpiryReport,
    /// New opportunities distributed automatically.
    pub distributed: usize,
}

/// One pass: expiries first (so that what they free is offered at once), then automatic
/// distribution of waiting opportunities.
pub async fn tick(app: &App, now: Timestamp) -> Result<TickReport> {
    Ok(TickReport {
        expiries: run_expiries(app, now).await?,
        distributed: distribute_waiting(app, now).await?,
    })
}

/// Runs [`tick`] every [`WORKER_INTERVAL`] until `shutdown` completes. A failed pass is logged
/// and retried at the next one. Spawn one per app server:
/// `tokio::spawn(distribution_worker(app.clone(), shutdown_future))`.
pub async fn distribution_worker(app: App, shutdown: impl Future<Output = ()> + Send) {
    tokio::pin!(shutdown);
    let mut interval = tokio::time::interval(WORKER_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = interval.tick() => {
                match tick(&app, Timestamp::now()).await {
                    Ok(r) if r.expiries.expired > 0 || r.distributed > 0 => tracing::info!(
                        expired = r.expiries.expired,
                        redistributed = r.expiries.redistributed,
                        distributed = r.distributed,
                        "distribution sweep"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "distribution sweep failed"),
                }
            }
        }
    }
}
