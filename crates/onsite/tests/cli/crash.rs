//! Crash safety under load (issue 12), on both engines: the real server, with the demo city,
//! is killed with SIGKILL [`KILLS`] times while clients book over HTTP, each time at a random
//! moment after the storm's first confirmation, and started again. Afterwards every booking
//! the server confirmed (a `201` with its id) is in the database, no technician has two open
//! visits at once, and the server answered its health check after every restart.
//!
//! The figures (bookings confirmed, kills, lost, overlaps, restart times) are printed; run
//! `cargo nextest run -p onsite --test cli crash --no-capture` to see them
//! (docs/operations.md records a run).

use crate::load::{Lcg, Outcome, Storm, bookable, sign_in};
use crate::{Running, get, onsite, run, start_server, text};
use onsite_domain::BookingId;
use onsite_domain::booking::BookingState;
use onsite_testkit::TestDb;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many times the server is killed.
const KILLS: usize = 20;
/// Concurrent booking clients (one signed-in customer, as many tabs).
const CLIENTS: usize = 6;
/// The longest a storm runs after its first confirmation before the kill.
const LONGEST_STORM_MS: usize = 1000;

/// Starts the server and waits for its health check; the time both took.
fn start_healthy(data_dir: &Path, extra: &[&str]) -> (Running, String, Duration) {
    let started = Instant::now();
    let (child, addr, _) = start_server(data_dir, extra);
    let child = Running(child);
    let health = get(&addr, "/healthz");
    assert!(
        health.starts_with("HTTP/1.1 200"),
        "after a restart: {health}"
    );
    let ready = get(&addr, "/readyz");
    assert!(
        ready.starts_with("HTTP/1.1 200"),
        "after a restart: {ready}"
    );
    (child, addr, started.elapsed())
}

async fn killed_server_loses_no_confirmed_booking(engine: &str, database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_owned();
    let extra: Vec<&str> = database_url
        .map(|url| vec!["--database-url", url])
        .unwrap_or_default();
    let url = database_url.map_or_else(
        || format!("sqlite://{}", data.join("onsite.db").display()),
        str::to_owned,
    );
    let demo = {
        let mut cmd = onsite();
        cmd.args(["demo", "--data-dir"]).arg(&data).args(&extra);
        tokio::task::spawn_blocking(move || run(&mut cmd))
            .await
            .unwrap()
    };
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    // A year of days to book, as an administrator may set it: the demo customer's 30 days
    // would fill up before the last kill.
    let store = onsite_store::Store::open(&url).await.unwrap();
    onsite_store::settings::set(
        &mut store.conn().await.unwrap(),
        onsite_domain::settings::HORIZON_DAYS.key,
        "365",
    )
    .await
    .unwrap()
    .unwrap();
    store.close().await;

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut random = Lcg(seed);
    let outcome: Arc<Mutex<Outcome>> = Arc::default();
    let mut restarts = Vec::new();
    let mut signed_in = None;
    for kill in 0..KILLS {
        let (mut server, addr, took) = start_healthy(&data, &extra);
        restarts.push(took);
        let base = format!("http://{addr}");
        // Signed in once: the session is in the database and survives every kill.
        let (session, bookable) = match signed_in.take() {
            Some(s) => s,
            None => {
                let session = sign_in(&base).await;
                let bookable = bookable(&session, &base).await;
                (session, bookable)
            }
        };
        let storm = Storm::start(
            &session,
            &base,
            &bookable,
            CLIENTS,
            seed.wrapping_add(kill as u64 * 1000),
            outcome.clone(),
        );
        storm
            .wait_for(storm.confirmed() + 1, Duration::from_secs(30))
            .await;
        let delay = random.below(LONGEST_STORM_MS) as u64;
        tokio::time::sleep(Duration::from_millis(delay)).await;
        server.kill();
        storm.stop().await;
        signed_in = Some((session, bookable));
    }
    // Once more: it starts cleanly after the last kill, and the session still books.
    let (mut server, addr, took) = start_healthy(&data, &extra);
    restarts.push(took);
    let (session, bookable) = signed_in.unwrap();
    let base = format!("http://{addr}");
    let last = seed.wrapping_add(KILLS as u64 * 1000);
    let storm = Storm::start(&session, &base, &bookable, 1, last, outcome.clone());
    storm
        .wait_for(storm.confirmed() + 1, Duration::from_secs(30))
        .await;
    storm.stop().await;
    server.kill();

    let outcome = std::mem::take(&mut *outcome.lock().unwrap());
    assert!(
        outcome.unexpected.is_empty(),
        "unexpected answers: {:?}",
        outcome.unexpected
    );
    let store = onsite_store::Store::open(&url).await.unwrap();
    let mut conn = store.conn().await.unwrap();
    let mut lost = Vec::new();
    for &id in &outcome.confirmed {
        match onsite_store::bookings::booking(&mut conn, BookingId(id)).await {
            Ok(b) if b.state != BookingState::Canceled => {}
            Ok(b) => lost.push((id, format!("{:?}", b.state))),
            Err(e) => lost.push((id, e.to_string())),
        }
    }
    let overlaps = onsite_store::bookings::overlapping_pairs(&mut conn)
        .await
        .unwrap();
    drop(conn);
    store.close().await;

    restarts.sort();
    let ms = |d: &Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    eprintln!(
        "crash under load, {engine}: {KILLS} kills with SIGKILL, {CLIENTS} clients, seed {seed}; \
         {} bookings confirmed, {} taken by another client (409), {} requests cut off; \
         lost {}, overlapping pairs {overlaps}; restart to healthy: min {}, median {}, max {}",
        outcome.confirmed.len(),
        outcome.taken,
        outcome.cut_off,
        lost.len(),
        ms(&restarts[0]),
        ms(&restarts[restarts.len() / 2]),
        ms(&restarts[restarts.len() - 1]),
    );
    assert!(
        outcome.confirmed.len() >= KILLS,
        "a storm without bookings proves nothing"
    );
    assert!(
        lost.is_empty(),
        "{} of {} confirmed bookings lost: {lost:?}",
        lost.len(),
        outcome.confirmed.len()
    );
    assert_eq!(overlaps, 0, "overlapping open visits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_server_loses_no_confirmed_booking() {
    killed_server_loses_no_confirmed_booking("SQLite", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_server_loses_no_confirmed_booking() {
    let db = TestDb::postgres().await;
    db.store().close().await;
    killed_server_loses_no_confirmed_booking("PostgreSQL", Some(db.url())).await;
}
