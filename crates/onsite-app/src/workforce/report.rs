//! What a change to the workforce did to booked visits: the reassignment jobs it queued
//! ([`Reassignment`]) and, for the page shown after it, the visits they moved (to whom) and
//! the ones that wait for a new time ([`affected`]), read from the reports the jobs keep.

use super::{Result, WorkforceError};
use crate::context::App;
use crate::policy::Staff;
use crate::reassign::{self, Report, StaffChange};
use jiff::Timestamp;
use onsite_domain::{BookingId, TechnicianId, UserId};
use onsite_store::reassignment::{self, ChangeReason, JobId};
use onsite_store::{Conn, StoreError, accounts, outbox, technicians, visits};

/// At most this many jobs are read for one page (a template followed by many technicians).
const MAX_JOBS: usize = 200;

/// The reassignment jobs a change queued, each with its first run's report (`None`: it could
/// not run at once; the worker runs it).
#[derive(Debug, Clone, Default)]
pub struct Reassignment {
    pub changes: Vec<StaffChange>,
}

impl Reassignment {
    /// Nothing that could make a visit impossible changed: no job.
    pub fn none() -> Reassignment {
        Reassignment::default()
    }

    /// The jobs, for the page that shows what they did.
    pub fn jobs(&self) -> Vec<JobId> {
        self.changes.iter().map(|c| c.job).collect()
    }

    /// Every job's report together; `None` while one of them has not run.
    pub fn report(&self) -> Option<Report> {
        let mut all = Report::default();
        for change in &self.changes {
            let r = change.report.as_ref()?;
            all.kept.extend(&r.kept);
            all.reassigned.extend(&r.reassigned);
            all.flagged.extend(&r.flagged);
        }
        Some(all)
    }
}

/// Queues a job for `technician` in the change's transaction (the job exists if and only if
/// the change commits).
pub(super) async fn queue(
    tx: &mut Conn,
    technician: TechnicianId,
    reason: ChangeReason,
    by: UserId,
    now: Timestamp,
) -> Result<JobId> {
    Ok(reassignment::enqueue(tx, technician, reason, Some(by), now).await?)
}

/// Runs the jobs a committed change queued, one after the other.
pub(super) async fn run(app: &App, jobs: Vec<JobId>, now: Timestamp) -> Reassignment {
    let mut changes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let report = reassign::run_now(app, job, now).await;
        changes.push(StaffChange { job, report });
    }
    Reassignment { changes }
}

/// A visit a change took from its technician.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedVisit {
    pub booking: BookingId,
    pub starts_at: Timestamp,
    /// The zone of the visit's address: its time as the customer and technician know it.
    pub time_zone: jiff::tz::TimeZone,
    /// The customer's account.
    pub account: String,
    pub service_type: String,
    /// Who had it.
    pub from: String,
    /// Who has it now; `None`: nobody could take it at its time, it waits for a new one.
    pub to: Option<String>,
    /// For a visit waiting for a new time: the customer was emailed to pick one.
    pub customer_asked: bool,
}

/// What the jobs of a change did, as its page tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affected {
    /// Jobs that have not run to the end yet (the background worker runs them).
    pub pending: usize,
    /// Booked visits looked at, affected or not.
    pub checked: usize,
    /// The visits moved to another technician, then those waiting for a new time.
    pub visits: Vec<AffectedVisit>,
}

impl Affected {
    pub fn moved(&self) -> usize {
        self.visits.iter().filter(|v| v.to.is_some()).count()
    }

    pub fn waiting(&self) -> usize {
        self.visits.iter().filter(|v| v.to.is_none()).count()
    }
}

/// What the reassignment `jobs` did (unknown ids are skipped).
pub async fn affected(app: &App, _staff: Staff, jobs: &[JobId]) -> Result<Affected> {
    let mut conn = app.store.conn().await?;
    let ids: Vec<JobId> = jobs.iter().copied().take(MAX_JOBS).collect();
    let mut affected = Affected::default();
    let mut waiting = Vec::new();
    for job in reassignment::jobs(&mut conn, &ids).await? {
        let report = match (job.done, &job.report) {
            (true, Some(json)) => serde_json::from_str::<Report>(json)
                .map_err(|e| StoreError::Corrupt(format!("reassignment report: {e}")))?,
            (true, None) => continue,
            (false, _) => {
                affected.pending += 1;
                continue;
            }
        };
        let from = name_of(&mut conn, job.technician_id).await?;
        affected.checked += report.kept.len() + report.reassigned.len() + report.flagged.len();
        for (booking, to) in report.reassigned {
            let to = name_of(&mut conn, to).await?;
            if let Some(v) = visit(&mut conn, booking, &from, Some(to)).await? {
                affected.visits.push(v);
            }
        }
        for booking in report.flagged {
            if let Some(v) = visit(&mut conn, booking, &from, None).await? {
                waiting.push(v);
            }
        }
    }
    affected.visits.extend(waiting);
    Ok(affected)
}

async fn name_of(conn: &mut Conn, id: TechnicianId) -> Result<String> {
    match technicians::technician(conn, id).await {
        Ok(t) => Ok(t.name),
        Err(StoreError::NotFound) => Ok(String::new()),
        Err(e) => Err(e.into()),
    }
}

/// The visit as the report names it; `None` if it is gone.
async fn visit(
    conn: &mut Conn,
    booking: BookingId,
    from: &str,
    to: Option<String>,
) -> Result<Option<AffectedVisit>> {
    let v = match visits::visit(conn, booking).await {
        Ok(v) => v,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(WorkforceError::from(e)),
    };
    let account = accounts::account(conn, v.account_id).await?;
    let customer_asked = to.is_none()
        && outbox::queued_with_prefix(conn, &format!("booking:{booking}:new-time:")).await?;
    Ok(Some(AffectedVisit {
        booking,
        starts_at: v.booking.starts_at,
        time_zone: account.address.time_zone.time_zone(),
        account: account.name,
        service_type: v.service_type,
        from: from.to_owned(),
        to,
        customer_asked,
    }))
}
