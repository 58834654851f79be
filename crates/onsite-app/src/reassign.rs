//! Background reassignment (SPEC §3.5, issue 4 item 5): when a technician gets time off, loses
//! a territory or a skill, each of their future Scheduled visits they can no longer make goes to
//! another eligible technician free at the same time (travel included); if nobody is, the
//! visit is flagged for the dispatchers and the customer is asked by email to pick a new time.
//!
//! The back office's changes to a technician (`crate::workforce`: time off, territories,
//! skills, deactivation, working hours and their exceptions) queue a job in the transaction of
//! the change, then run it at once after commit ([`run_now`]), and the job keeps its [`Report`]
//! for the page that asked. Jobs are rows claimed with a lease like the email outbox, so a job whose run
//! failed or whose server died is picked up again by [`run_pending_reassignments`] on any app
//! server (the binary runs [`reassignment_worker`]). A run is idempotent: it only moves visits
//! the technician can no longer make, moving one is conditional on it being unchanged, the flag
//! is set once, and the email has an event key.

use crate::booking::{
    self, EmailParts, Result, around, commit, recipient, rollback, site_settings, territories_of,
};
use crate::context::App;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::booking::{Booking, BookingState};
use onsite_domain::service_type::VisitDuration;
use onsite_domain::technician::Technician;
use onsite_domain::{BookingId, TechnicianId};
use onsite_notify::booking_emails;
use onsite_schedule::{
    Commitment, GreatCircle, Planner, Request, SearchInput, Settings, check_eligibility,
    combined_skills, works_throughout,
};
use onsite_store::bookings::{self, Handover};
use onsite_store::reassignment::{self, ClaimedJob, JobId};
use onsite_store::{StoreError, accounts, assets, audit, technicians, visits};
use std::future::Future;
use std::time::Duration;

/// How long a worker holds a job before another may take it over.
const LEASE: SignedDuration = SignedDuration::from_mins(10);
/// How often the worker looks for jobs nobody ran (a crash, a failed run, another server's).
pub const POLL: Duration = Duration::from_secs(15);
/// At most this many jobs per call of [`run_pending_reassignments`].
const BATCH: usize = 100;
/// At most this many technicians tried for one visit under their lock.
const MAX_CANDIDATES: usize = 5;

/// What one run did to the technician's future visits (kept with the job, as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Visits the technician can still make: left alone.
    pub kept: Vec<BookingId>,
    /// Visits given to another technician at the same time, and to whom.
    pub reassigned: Vec<(BookingId, TechnicianId)>,
    /// Visits nobody can take at their time: flagged, customer asked to pick a new time.
    pub flagged: Vec<BookingId>,
}

/// A staff change that may take visits away from a technician, and what happened to them.
#[derive(Debug, Clone)]
pub struct StaffChange {
    pub job: JobId,
    /// The run right after the change; `None` if it failed (the worker retries it).
    pub report: Option<Report>,
}

/// Runs jobs another change just queued and committed (a territory's new coverage), one after
/// the other: the reports of those that ran; a failed one is left to the worker.
pub(crate) async fn run_queued(app: &App, jobs: &[JobId], now: Timestamp) -> Vec<Report> {
    let mut reports = Vec::new();
    for job in jobs {
        reports.extend(run_now(app, *job, now).await);
    }
    reports
}

/// Runs a just-queued job in the caller's request. A failure is logged and left to the worker:
/// the change itself has committed and stands.
pub(crate) async fn run_now(app: &App, job: JobId, now: Timestamp) -> Option<Report> {
    let claimed = match app.store.conn().await {
        Ok(mut conn) => reassignment::claim(&mut conn, job, now, LEASE).await,
        Err(e) => Err(e),
    };
    match claimed {
        Ok(Some(job)) => finish(app, job, now).await,
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, job = job.0, "cannot claim the reassignment job; the worker will");
            None
        }
    }
}

/// Runs a claimed job and records its outcome.
async fn finish(app: &App, job: ClaimedJob, now: Timestamp) -> Option<Report> {
    let outcome = run_job(app, &job, now).await;
    let recorded = match app.store.conn().await {
        Ok(mut conn) => match &outcome {
            Ok(report) => {
                let kept = serde_json::to_string(report).unwrap_or_default();
                reassignment::mark_done(&mut conn, &job, now, &kept).await
            }
            Err(e) => {
                // 2, 4, 8… minutes, at most an hour.
                let minutes = 1_i64 << job.attempts.clamp(1, 6);
                let retry = now + SignedDuration::from_mins(minutes);
                reassignment::mark_failed(&mut conn, &job, &e.to_string(), retry).await
            }
        },
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, job = job.id.0, "cannot record the reassignment outcome");
    }
    match outcome {
        Ok(report) => Some(report),
        Err(e) => {
            tracing::error!(error = %e, job = job.id.0, technician = job.technician_id.0, "reassignment failed; will retry");
            None
        }
    }
}

/// Runs every due job (at most a batch), on any app server: returns how many ran.
pub async fn run_pending_reassignments(app: &App, now: Timestamp) -> Result<usize> {
    let mut ran = 0;
    while ran < BATCH {
        let job = {
            let mut conn = app.store.conn().await?;
            reassignment::claim_next(&mut conn, now, LEASE).await?
        };
        let Some(job) = job else { break };
        finish(app, job, now).await;
        ran += 1;
    }
    Ok(ran)
}

/// The background loop the binary spawns: runs due jobs, then waits [`POLL`], until
/// `shutdown` completes (honoured between jobs, never in the middle of one).
pub async fn reassignment_worker(app: App, shutdown: impl Future<Output = ()> + Send) {
    reassignment_worker_with_clock(app, Timestamp::now, shutdown).await
}

/// [`reassignment_worker`] with its own clock (tests).
pub async fn reassignment_worker_with_clock(
    app: App,
    clock: impl Fn() -> Timestamp + Send,
    shutdown: impl Future<Output = ()> + Send,
) {
    tokio::pin!(shutdown);
    tracing::info!("reassignment worker started");
    loop {
        match run_pending_reassignments(&app, clock()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "reassignment jobs run"),
            Err(e) => tracing::error!(error = %e, "reassignment worker cannot use the database"),
        }
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = tokio::time::sleep(POLL) => {}
        }
    }
    tracing::info!("reassignment worker stopped");
}

/// Looks at every future Scheduled visit of the job's technician.
async fn run_job(app: &App, job: &ClaimedJob, now: Timestamp) -> Result<Report> {
    let mut conn = app.store.conn().await?;
    let reference = app.store.reference(&mut conn).await?;
    // Deleted since: their visits went with them (or staff moved them).
    let Some(tech) = reference.technician(job.technician_id).cloned() else {
        return Ok(Report::default());
    };
    let site = site_settings(&reference)?;
    let upcoming = bookings::scheduled_of_technician_from(&mut conn, tech.id, now).await?;
    drop(conn);
    let mut report = Report::default();
    for b in &upcoming {
        match reassign_visit(app, job, &tech, b, &site, now).await? {
            Outcome::Kept => report.kept.push(b.id),
            Outcome::Moved(to) => report.reassigned.push((b.id, to)),
            Outcome::Flagged => report.flagged.push(b.id),
            Outcome::Skipped => {}
        }
    }
    Ok(report)
}

enum Outcome {
    Kept,
    Moved(TechnicianId),
    Flagged,
    /// Someone changed the visit meanwhile: whatever they did stands.
    Skipped,
}

/// The engine's question for an existing visit: the same place, skills and territories, and a
/// reservation exactly as long as the visit (its arrival window, then the rest).
struct Question {
    request: Request,
    settings: Settings,
}

async fn question(
    conn: &mut onsite_store::Conn,
    reference: &onsite_store::reference::Reference,
    visit: &visits::Visit,
    account: &onsite_domain::account::Account,
    site: &booking::SiteSettings,
) -> Result<Option<Question>> {
    let b = &visit.booking;
    let window_end = visit
        .arrival_window_end
        .unwrap_or(b.starts_at)
        .clamp(b.starts_at, b.ends_at);
    let minutes_between = |a: Timestamp, z: Timestamp| {
        let ms = z.as_millisecond() - a.as_millisecond();
        (ms + 59_999) / 60_000
    };
    let window = minutes_between(b.starts_at, window_end);
    let on_site = minutes_between(window_end, b.ends_at);
    // A visit the engine cannot describe (a staff booking longer than any service type): only
    // a dispatcher can move it.
    let (Ok(duration), Ok(settings)) = (
        VisitDuration::from_minutes(on_site),
        Settings::new(
            site.engine.slot_minutes(),
            window,
            site.engine.horizon_days(),
            site.engine.lead_time_minutes(),
        ),
    ) else {
        return Ok(None);
    };
    Ok(Some(Question {
        request: visit_request(conn, reference, visit, account, duration).await?,
        settings,
    }))
}

/// The engine's request for an existing visit: its place, the account's zone and territories,
/// and the skills of its service type and asset together; `duration` as the caller counts it.
pub(crate) async fn visit_request(
    conn: &mut onsite_store::Conn,
    reference: &onsite_store::reference::Reference,
    visit: &visits::Visit,
    account: &onsite_domain::account::Account,
    duration: VisitDuration,
) -> Result<Request> {
    let service_type = reference
        .service_type(visit.service_type_id)
        .ok_or(StoreError::NotFound)?;
    let asset_skills = match visit.asset_id {
        Some(a) => match assets::asset(conn, a).await {
            Ok(asset) => asset.required_skills,
            Err(StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        },
        None => Vec::new(),
    };
    Ok(Request {
        location: visit.booking.location,
        time_zone: account.address.time_zone.time_zone(),
        territories: territories_of(reference, account),
        duration,
        required_skills: combined_skills(&service_type.required_skills, &asset_skills),
    })
}

fn planner<'a>(
    q: &'a Question,
    technicians: &'a [Technician],
    commitments: &'a [Commitment],
    travel: &'a GreatCircle,
    now: Timestamp,
) -> Planner<'a, GreatCircle> {
    Planner::new(
        SearchInput {
            request: &q.request,
            technicians,
            commitments,
            settings: q.settings,
            now,
        },
        travel,
    )
}

async fn reassign_visit(
    app: &App,
    job: &ClaimedJob,
    tech: &Technician,
    b: &Booking,
    site: &booking::SiteSettings,
    now: Timestamp,
) -> Result<Outcome> {
    let mut conn = app.store.conn().await?;
    let visit = match visits::visit(&mut conn, b.id).await {
        Ok(v) => v,
        Err(StoreError::NotFound) => return Ok(Outcome::Skipped),
        Err(e) => return Err(e.into()),
    };
    let account = accounts::account(&mut conn, visit.account_id).await?;
    let reference = app.store.reference(&mut conn).await?;
    let Some(q) = question(&mut conn, &reference, &visit, &account, site).await? else {
        drop(conn);
        return flag(app, job, &visit, &account, now).await;
    };
    // Only what a change can have taken away: eligibility (territory, skills, still an
    // active person), time off over the visit, and working hours that still hold the visit. A
    // visit that was tight before the change (its travel) is not this job's business.
    let off = tech
        .time_off
        .iter()
        .any(|o| o.starts_at < b.ends_at && o.ends_at > b.starts_at);
    let working = works_throughout(tech, b.starts_at, b.ends_at);
    if check_eligibility(tech, &q.request).is_ok() && !off && working {
        return Ok(Outcome::Kept);
    }
    let others: Vec<Technician> = reference
        .active_in_territories(&q.request.territories)
        .into_iter()
        .filter(|t| t.id != tech.id)
        .collect();
    let (from, to) = around(b.starts_at);
    let ids: Vec<TechnicianId> = others.iter().map(|t| t.id).collect();
    let commitments: Vec<Commitment> =
        bookings::open_bookings_of(&mut conn, &ids, from, to, Some(b.id))
            .await?
            .iter()
            .map(Commitment::from)
            .collect();
    drop(conn);
    let mut tried: Vec<TechnicianId> = Vec::new();
    while tried.len() < MAX_CANDIDATES {
        let left: Vec<Technician> = others
            .iter()
            .filter(|t| !tried.contains(&t.id))
            .cloned()
            .collect();
        let Some(choice) =
            planner(&q, &left, &commitments, &site.travel, now).assign_at(b.starts_at)
        else {
            break;
        };
        let Some(new_tech) = left.iter().find(|t| t.id == choice.technician_id) else {
            break;
        };
        match hand_over(app, job, &q, site, tech, new_tech, b, now).await? {
            Handed::Done => return Ok(Outcome::Moved(new_tech.id)),
            Handed::Taken => tried.push(new_tech.id),
            Handed::Changed => return Ok(Outcome::Skipped),
        }
    }
    flag(app, job, &visit, &account, now).await
}

enum Handed {
    Done,
    Taken,
    Changed,
}

/// Under the new technician's lock: re-checks them at the visit's time against their visits as
/// committed now, then gives them the visit if it is still the old technician's at that time.
#[allow(clippy::too_many_arguments)]
async fn hand_over(
    app: &App,
    job: &ClaimedJob,
    q: &Question,
    site: &booking::SiteSettings,
    from: &Technician,
    to: &Technician,
    b: &Booking,
    now: Timestamp,
) -> Result<Handed> {
    let mut tx = app.store.begin().await?;
    bookings::lock_technician(&mut tx, to.id).await?;
    let fresh = match technicians::technician(&mut tx, to.id).await {
        Ok(t) => t,
        Err(StoreError::NotFound) => {
            rollback(tx).await?;
            return Ok(Handed::Taken);
        }
        Err(e) => return Err(e.into()),
    };
    let (lo, hi) = around(b.starts_at);
    let theirs: Vec<Commitment> =
        bookings::open_bookings_between(&mut tx, lo, hi, Some(to.id), Some(b.id))
            .await?
            .iter()
            .map(Commitment::from)
            .collect();
    let only = [fresh];
    let fits = planner(q, &only, &theirs, &site.travel, now)
        .assign_at(b.starts_at)
        .is_some_and(|a| a.ends_at >= b.ends_at);
    if !fits || bookings::overlapping(&mut tx, to.id, b.starts_at, b.ends_at, Some(b.id)).await? > 0
    {
        rollback(tx).await?;
        return Ok(Handed::Taken);
    }
    let note = format!(
        "technician changed from {} to {} ({})",
        from.name,
        to.name,
        job.reason.as_str().replace('_', " ")
    );
    let handed = bookings::change_technician(
        &mut tx,
        &Handover {
            id: b.id,
            from: from.id,
            starts_at: b.starts_at,
            to: to.id,
            actor: job.requested_by,
            note: &note,
            at: now,
        },
    )
    .await;
    match handed {
        Ok(true) => {}
        Ok(false) => {
            rollback(tx).await?;
            return Ok(Handed::Changed);
        }
        Err(e) if e.is_overlap() => {
            rollback(tx).await?;
            return Ok(Handed::Taken);
        }
        Err(e) => return Err(e.into()),
    }
    reassignment::resolve(&mut tx, b.id, now).await?;
    let handed_over = visits::visit(&mut tx, b.id).await?;
    let change = crate::webhooks::VisitChange::Reassigned {
        from: from.id,
        job: job.id.0,
    };
    crate::webhooks::booking_event(&mut tx, &handed_over, change, now).await?;
    audit::record(
        &mut tx,
        job.requested_by,
        "booking.reassign",
        "booking",
        Some(b.id.0),
        &serde_json::json!({
            "from": from.id.0,
            "to": to.id.0,
            "reason": job.reason.as_str(),
            "job": job.id.0,
        }),
    )
    .await?;
    commit(tx).await?;
    Ok(Handed::Done)
}

/// Nobody can take the visit at its time: flag it for the dispatchers and ask the customer to
/// pick a new time (once per flag).
async fn flag(
    app: &App,
    job: &ClaimedJob,
    visit: &visits::Visit,
    account: &onsite_domain::account::Account,
    now: Timestamp,
) -> Result<Outcome> {
    let id = visit.booking.id;
    let mut tx = app.store.begin().await?;
    // Still the visit the job looked at? (A customer may have moved it meanwhile.)
    let current = match bookings::booking(&mut tx, id).await {
        Ok(b) => b,
        Err(StoreError::NotFound) => return Ok(Outcome::Skipped),
        Err(e) => return Err(e.into()),
    };
    if current.state != BookingState::Scheduled
        || current.technician_id != visit.booking.technician_id
        || current.starts_at != visit.booking.starts_at
    {
        rollback(tx).await?;
        return Ok(Outcome::Skipped);
    }
    let newly = reassignment::flag(&mut tx, id, job.reason.as_str(), now).await?;
    if newly {
        audit::record(
            &mut tx,
            job.requested_by,
            "booking.needs-new-time",
            "booking",
            Some(id.0),
            &serde_json::json!({ "reason": job.reason.as_str(), "job": job.id.0 }),
        )
        .await?;
        if let Some(to) = recipient(&mut tx, None, id, account).await? {
            let parts = EmailParts::new(app, visit, account, &to);
            booking_emails::booking_new_time(&to.user.email, to.locale, &parts.facts(), now)?
                .enqueue(&mut tx)
                .await?;
        }
    }
    commit(tx).await?;
    if newly {
        app.mail_queued();
    }
    Ok(Outcome::Flagged)
}
