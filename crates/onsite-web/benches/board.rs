//! The dispatcher's schedule board (issue 15): the board of one day for 200 technicians,
//! rendered server-side. Target: median ≤ 50 ms.
//!
//! The database is the embedded one (SQLite, as `onsite serve` opens it) with the demo city
//! loaded for today, scaled from its 36 technicians to 200: each added technician copies a
//! demo technician (hours, exceptions, time off, territories, skills) and all of its visits,
//! history included, so the day has about as many visits per technician as the demo's and
//! the tables are as large as a 200-technician company's would be after the demo's eight
//! weeks. The dispatcher of the demo asks with a real session through the real router (every
//! edge layer), one request after the other:
//!
//! - **page**: `GET /staff/visits?day=<today>` — the whole page (what is measured);
//! - **fragment**: `GET /staff/visits/board?day=<today>` — the body the live updates fetch;
//! - **api**: `GET /api/v1/staff/board?day=<today>` — the same data as JSON;
//! - **baseline**: the use case alone (`onsite_app::board::schedule`, in-process, no HTTP, no
//!   HTML): what the reads and the layout cost, against which the rendering is a ratio;
//! - **fingerprint**: one poll of the live updates (`onsite_app::board::fingerprint`).
//!
//! The variants run interleaved, round after round, so the machine's load weighs on each alike.
//!
//! ```text
//! cargo bench -p onsite-web --bench board
//! cargo bench -p onsite-web --bench board -- --quick   # a smoke run
//! ```

use axum::body::Body;
use axum::http::Request;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_app::App;
use onsite_app::board::{self, Request as BoardRequest, View};
use onsite_app::policy::Staff;
use onsite_app::secrets::Secret;
use onsite_store::Store;
use onsite_store::sessions::{self, NewSession};
use onsite_web::{AppState, WebConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const TECHNICIANS: i64 = 200;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Adds copies of the demo's technicians, each with all of its source's visits, until there
/// are `target` active ones.
async fn scale(store: &Store, target: i64) -> Res<i64> {
    let mut conn = store.conn().await?;
    let sources: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM technicians WHERE active = TRUE AND kind = 'user' ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let have = sources.len() as i64;
    drop(conn);
    let mut tx = store.begin().await?;
    for n in 0..(target - have).max(0) {
        let source = sources[(n as usize) % sources.len()];
        let copy = n + 1;
        sqlx::query(
            "INSERT INTO technicians (name, kind, home_latitude, home_longitude, time_zone, active, \
             created_at, search_key) \
             SELECT name || ' ' || $2, kind, home_latitude, home_longitude, time_zone, active, \
             created_at, search_key || ' ' || $2 FROM technicians WHERE id = $1",
        )
        .bind(source)
        .bind(copy.to_string())
        .execute(&mut *tx)
        .await?;
        let new: i64 = sqlx::query_scalar("SELECT MAX(id) FROM technicians")
            .fetch_one(&mut *tx)
            .await?;
        for sql in [
            "INSERT INTO working_hours (technician_id, weekday, start_minute, end_minute) \
             SELECT $1, weekday, start_minute, end_minute FROM working_hours WHERE technician_id = $2",
            "INSERT INTO working_exceptions (technician_id, day, start_minute, end_minute) \
             SELECT $1, day, start_minute, end_minute FROM working_exceptions WHERE technician_id = $2",
            "INSERT INTO time_off (technician_id, starts_at, ends_at, reason) \
             SELECT $1, starts_at, ends_at, reason FROM time_off WHERE technician_id = $2",
            "INSERT INTO technician_territories (technician_id, territory_id) \
             SELECT $1, territory_id FROM technician_territories WHERE technician_id = $2",
            "INSERT INTO technician_skills (technician_id, characteristic_id, rating) \
             SELECT $1, characteristic_id, rating FROM technician_skills WHERE technician_id = $2",
            "INSERT INTO bookings (work_order_id, technician_id, state, starts_at, ends_at, latitude, \
             longitude, ics_uid, ics_sequence, cancel_reason, created_at, updated_at, arrival_window_end) \
             SELECT work_order_id, $1, state, starts_at, ends_at, latitude, longitude, \
             ics_uid || '-' || $1, ics_sequence, cancel_reason, created_at, updated_at, arrival_window_end \
             FROM bookings WHERE technician_id = $2",
        ] {
            sqlx::query(sql)
                .bind(new)
                .bind(source)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    let mut conn = store.conn().await?;
    let active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM technicians WHERE active = TRUE AND kind = 'user'",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(active)
}

async fn run(rounds: usize) -> Res<()> {
    let dir = std::env::temp_dir().join(format!("onsite-board-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = Store::open(&format!("sqlite://{}/onsite.db", dir.display())).await?;
    let zone = TimeZone::get("America/Toronto")?;
    let today = Timestamp::now().to_zoned(zone.clone()).date();
    let started = Instant::now();
    onsite_demo::load(&store, today).await?;
    let technicians = scale(&store, TECHNICIANS).await?;
    let mut conn = store.conn().await?;
    let (from, to) = {
        let r = BoardRequest::new(today, View::Day, zone.clone())?;
        (r.period().from, r.period().to)
    };
    let visits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE starts_at >= $1 AND starts_at < $2",
    )
    .bind(from.as_millisecond())
    .bind(to.as_millisecond())
    .fetch_one(&mut *conn)
    .await?;
    let all_visits: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings")
        .fetch_one(&mut *conn)
        .await?;
    let dispatcher: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'dispatcher@demo.test'")
            .fetch_one(&mut *conn)
            .await?;
    let token = Secret::token();
    let now = Timestamp::now();
    sessions::create(
        &mut conn,
        &NewSession {
            id_hash: &token.hash(),
            user_id: onsite_domain::UserId(dispatcher),
            csrf_token: "bench",
            now,
            expires_at: now + onsite_app::identity::SESSION_ABSOLUTE,
        },
    )
    .await?;
    drop(conn);
    println!(
        "demo city for {today} scaled to {technicians} technicians in {:.1} s: {visits} visits today, {all_visits} in all",
        started.elapsed().as_secs_f64()
    );

    let config = WebConfig {
        public_url: "http://onsite.test".to_owned(),
        secure_cookies: false,
        map_tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
        trust_forwarded_for: false,
        connections: onsite_web::ConnectionLimits::default(),
        lean_live_map: true,
        board_poll: Some(std::time::Duration::from_secs(1)),
        metrics_token: None,
        emails_reach_inboxes: false,
    };
    let app = App::new(
        store.clone(),
        Arc::new(tokio::sync::Notify::new()),
        "http://onsite.test",
    );
    let state = AppState::new(
        app.clone(),
        onsite_app::oidc::Oidc::new(Vec::new())?,
        config,
    );
    let router = onsite_web::router(state);
    let cookie = format!("onsite_session={}", token.expose());
    let get = |path: String| {
        let router = router.clone();
        let cookie = cookie.clone();
        async move {
            let request = Request::get(&path)
                .header("host", "onsite.test")
                .header("cookie", cookie)
                .header("accept-language", "en")
                .body(Body::empty())?;
            let started = Instant::now();
            let response = router.oneshot(request).await?;
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
            let took = started.elapsed();
            if !status.is_success() {
                return Err(format!("{path}: {status}").into());
            }
            Res::Ok((took, bytes.len()))
        }
    };
    // Grant: the dispatcher's own, as the router would derive it.
    let mut conn = store.conn().await?;
    let record = onsite_store::accounts::user_by_id(&mut conn, onsite_domain::UserId(dispatcher))
        .await?
        .ok_or("no dispatcher")?;
    drop(conn);
    let staff: Staff = onsite_web::session::principal_of(&record)
        .grant()
        .ok_or("the dispatcher is not staff")?;
    let request = BoardRequest::new(today, View::Day, zone.clone())?;

    let (mut page, mut fragment, mut api, mut baseline, mut poll) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut page_bytes, mut lanes, mut shown) = (0, 0, 0);
    // One warm-up round (the reference snapshot, SQLite's page cache), then the measured ones.
    for round in 0..=rounds {
        let (p, size) = get(format!("/staff/visits?day={today}")).await?;
        let (f, _) = get(format!("/staff/visits/board?day={today}")).await?;
        let (a, _) = get(format!("/api/v1/staff/board?day={today}")).await?;
        let started = Instant::now();
        let schedule = board::schedule(&app, staff, &request, Timestamp::now()).await?;
        let b = started.elapsed();
        let started = Instant::now();
        board::fingerprint(&app, staff, &request).await?;
        let fp = started.elapsed();
        if round > 0 {
            page.push(p);
            fragment.push(f);
            api.push(a);
            baseline.push(b);
            poll.push(fp);
        }
        page_bytes = size;
        lanes = schedule.lanes.len();
        shown = schedule.lanes.iter().map(|l| l.visits.len()).sum::<usize>();
    }
    let (page, fragment, api, baseline, poll) = (
        median(page),
        median(fragment),
        median(api),
        median(baseline),
        median(poll),
    );
    println!(
        "board of {today}: {lanes} technician lanes, {shown} visits, page {} KiB; {rounds} rounds, medians:",
        page_bytes / 1024
    );
    println!("  page      GET /staff/visits            {}", ms(page));
    println!("  fragment  GET /staff/visits/board      {}", ms(fragment));
    println!("  api       GET /api/v1/staff/board      {}", ms(api));
    println!("  baseline  board::schedule in-process   {}", ms(baseline));
    println!("  poll      board::fingerprint           {}", ms(poll));
    println!(
        "  ratio page / baseline: {:.2}; target page <= 50 ms: {}",
        page.as_secs_f64() / baseline.as_secs_f64(),
        if page <= Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        }
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 3 } else { 41 };
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
        "The schedule board (issue 15); {} CPU(s); {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if quick { "quick smoke run" } else { "full run" }
    );
    if let Err(e) = runtime.block_on(run(rounds)) {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}
