//! Checking a dispatcher's move (issue 15 item 2) on the demo city: target ≤ 10 ms median.
//!
//! A fresh SQLite database opened as `onsite serve` opens it, the demo city loaded, the
//! demo's dispatcher. For each of the demo's upcoming Scheduled visits (up to `VISITS`), in
//! turn:
//!
//! 1. **Move check**: `onsite_app::moves::check_move` of that visit to another technician (the
//!    next one of the demo's list) one hour later — what the board's drop and the dialog's
//!    Check call (the JSON API's `dry_run` is this plus the HTTP edge): the visit, the
//!    reference snapshot, the account, the asset's skills, the target's visits around the
//!    time, the engine's verdict and, when a skill is lacking, the skills' names.
//! 2. **Baseline, measured in the same run**: `onsite_app::booking::slots` for the same
//!    visit's service, account and day — the plain slot search a customer's day picker makes.
//!
//! Medians, 90th percentiles and the ratio of the medians are printed.
//!
//! ```text
//! cargo bench -p onsite-web --bench move_check
//! cargo bench -p onsite-web --bench move_check -- --quick   # a smoke run
//! ```

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::booking::{self, ServiceRequest};
use onsite_app::moves::{self, Target};
use onsite_app::policy::Staff;
use onsite_domain::text::EmailAddress;
use onsite_domain::{BookingId, TechnicianId};
use onsite_store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Failure = Box<dyn std::error::Error>;

fn median_and_p90(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    if v.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    (v[v.len() / 2], v[(v.len() * 9 / 10).min(v.len() - 1)])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run(visits_wanted: usize) -> Result<(), Failure> {
    let dir = std::env::temp_dir().join(format!("onsite-move-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/onsite.db", dir.display());
    let store = Store::open(&url).await?;
    let tz = jiff::tz::TimeZone::get("America/Toronto")?;
    let now = Timestamp::now();
    let started = Instant::now();
    onsite_demo::load(&store, now.to_zoned(tz.clone()).date()).await?;
    println!(
        "Demo city loaded in {:.1} s (SQLite at {})",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    let app = App::new(
        store.clone(),
        Arc::new(tokio::sync::Notify::new()),
        "https://bench.example",
    );
    let mut conn = store.conn().await?;
    let dispatcher = onsite_store::accounts::user_by_email(
        &mut conn,
        &EmailAddress::parse("dispatcher@demo.test")?,
    )
    .await?
    .ok_or("the demo has no dispatcher")?;
    let staff: Staff = onsite_web::session::principal_of(&dispatcher)
        .grant()
        .ok_or("the demo's dispatcher is not staff")?;
    let technicians: Vec<TechnicianId> = sqlx::query_scalar(
        "SELECT id FROM technicians WHERE kind = 'user' AND active = $1 ORDER BY id",
    )
    .bind(true)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(TechnicianId)
    .collect();
    let upcoming: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, technician_id FROM bookings WHERE state = 'scheduled' AND starts_at > $1 \
         ORDER BY starts_at, id LIMIT $2",
    )
    .bind(now.as_millisecond())
    .bind(visits_wanted as i64)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    println!(
        "{} upcoming Scheduled visits, {} active technicians",
        upcoming.len(),
        technicians.len()
    );
    let (mut checks, mut searches) = (Vec::new(), Vec::new());
    let (mut clear, mut refused) = (0, 0);
    // Warm-up: the reference snapshot and the connections.
    for &(id, _) in upcoming.iter().take(5) {
        let _ = moves::dialog(&app, staff, BookingId(id)).await?;
    }
    for (k, &(id, tech)) in upcoming.iter().enumerate() {
        let id = BookingId(id);
        let dialog = moves::dialog(&app, staff, id).await?;
        let others: Vec<&TechnicianId> = technicians.iter().filter(|t| t.0 != tech).collect();
        // Every other visit: the same technician one hour later; the others: the next
        // technician of the list at the same time.
        let target = if k % 2 == 0 {
            Target {
                technician: TechnicianId(tech),
                starts_at: dialog.visit.booking.starts_at + SignedDuration::from_hours(1),
            }
        } else {
            Target {
                technician: *others[k % others.len().max(1)],
                starts_at: dialog.visit.booking.starts_at,
            }
        };
        let t = Instant::now();
        let check = moves::check_move(&app, staff, id, target, now).await?;
        checks.push(t.elapsed());
        if check.verdict.is_clear() {
            clear += 1;
        } else {
            refused += 1;
        }
        let request = ServiceRequest {
            service_type: dialog.visit.service_type_id,
            asset: dialog.visit.asset_id,
            account: Some(dialog.visit.account_id),
        };
        let day = dialog.visit.booking.starts_at.to_zoned(tz.clone()).date();
        let t = Instant::now();
        let _ = booking::slots(&app, staff.into(), &request, day, now).await;
        searches.push(t.elapsed());
    }
    let (check_median, check_p90) = median_and_p90(checks);
    let (search_median, search_p90) = median_and_p90(searches);
    println!(
        "move check     median {:6.2} ms   p90 {:6.2} ms   ({clear} clear, {refused} refused)",
        ms(check_median),
        ms(check_p90)
    );
    println!(
        "slot search    median {:6.2} ms   p90 {:6.2} ms   (baseline: the same visit's day)",
        ms(search_median),
        ms(search_p90)
    );
    println!(
        "ratio (move check / slot search, medians): {:.2}; target ≤ 10 ms median: {}",
        check_median.as_secs_f64() / search_median.as_secs_f64().max(1e-9),
        if check_median <= Duration::from_millis(10) {
            "met"
        } else {
            "MISSED"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "Move check (issue 15); {} CPU(s); {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if quick { "quick smoke run" } else { "full run" }
    );
    if let Err(e) = runtime.block_on(run(if quick { 20 } else { 300 })) {
        eprintln!("move check benchmark failed: {e}");
        std::process::exit(1);
    }
}
