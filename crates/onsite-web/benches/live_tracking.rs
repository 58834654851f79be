//! Track my technician under load (issue 5): the real server in a child process on the
//! embedded database (SQLite, WAL, synchronous=FULL, as `onsite serve` opens it), driven over
//! loopback HTTP by this process.
//!
//! 1. **Memory per watching connection**: the server's resident anonymous memory (`RssAnon`
//!    of the child process, from `/proc`) before and after 1,000 customers open their live
//!    map's event stream (`GET /bookings/{id}/live/events`), divided by the connections.
//!    Measured for three ways of serving, each in a fresh server, in turn, seven rounds
//!    (medians): the lean path (`onsite_web::lean::serve`), plain hyper with tuned HTTP/1
//!    settings and every connection limit (`onsite_web::server::serve`, what
//!    `http.lean_live_map = false` runs), and `axum::serve` with hyper's defaults. The lean
//!    path stays only while it saves more than two thirds of what tuned hyper costs (issue 13).
//!    The server child uses the binary's allocator (mimalloc). The other phases run against
//!    the production server (`onsite_web::serve`).
//! 2. **Delay from ingestion to delivery**: 100 technicians post an OwnTracks position every
//!    second (`POST /track/owntracks`, each on its own keep-alive connection); each technician
//!    has 10 Traveling visits of 10 accounts, whose customers watch. The delay of a delivery is
//!    the time from just before the technician's request is written to the moment the watcher
//!    reads the event (so it includes the HTTP request, the validation, the group commit with
//!    its fsync, the fan-out and the watcher's own scheduling: an upper bound). p50/p99.
//!    Target p99 ≤ 250 ms.
//! 3. **Ingestion rate on SQLite**: positions per second, in process (no HTTP): the full use
//!    case a request runs (`record_with_token`: setting, token, Traveling check, the
//!    group-commit writer) from 256 concurrent tasks spread over 1,500 more technicians (each
//!    below its 20 positions/s limit), against the baseline of one transaction
//!    per position (`store_unbatched`) from 32 tasks, alternately, twice each; and over HTTP
//!    with 64 keep-alive connections posting as fast as they can (client and server share the
//!    machine's cores). Target ≥ 2,000 positions/s.
//!
//! Run (release build; about a minute):
//!
//! ```text
//! cargo bench -p onsite-web --bench live_tracking
//! cargo bench -p onsite-web --bench live_tracking -- --quick   # a smoke run, tiny sizes
//! ```
//!
//! The data (technicians with tokens, accounts, customers with sessions, Traveling visits) is
//! written directly through the store, in one transaction, before the server starts.

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::secrets::Secret;
use onsite_app::tracking::{self, Report};
use onsite_domain::account::AccountKind;
use onsite_domain::booking::BookingAction;
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::TimeZoneName;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{BookingId, TechnicianId};
use onsite_store::Store;
use onsite_store::accounts::{self, NewAccount, NewContact, NewUser};
use onsite_store::bookings::{self, NewBooking};
use onsite_store::catalog::{self, NewServiceType};
use onsite_store::positions::{self, Position, Source};
use onsite_store::sessions::{self, NewSession};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::fixtures::east_end_address;
use onsite_web::{AppState, WebConfig};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The binary's allocator (its default feature `mimalloc`), so that the server child's memory
/// is what a production server's would be.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Sizes {
    /// Technicians posting every second, each watched by `watchers_per_technician`.
    posting: usize,
    watchers_per_technician: usize,
    /// More technicians (one Traveling visit each) for the ingestion-rate phases, so that
    /// no technician exceeds the per-technician limit.
    extra: usize,
    live_phase: Duration,
    rate_phase: Duration,
    /// Servers measured for memory per way of serving.
    memory_rounds: usize,
}

/// The ways of serving whose memory per watcher phase 1 measures, with what they are.
const SERVERS: [(&str, &str); 3] = [
    ("lean", "the lean path, onsite_web::lean"),
    (
        "hyper",
        "plain hyper with tuned HTTP/1 settings, onsite_web::server",
    ),
    ("axum", "axum::serve with hyper's default settings"),
];

const FULL: Sizes = Sizes {
    posting: 100,
    watchers_per_technician: 10,
    extra: 1500,
    live_phase: Duration::from_secs(20),
    rate_phase: Duration::from_secs(4),
    memory_rounds: 7,
};

const QUICK: Sizes = Sizes {
    posting: 5,
    watchers_per_technician: 2,
    extra: 20,
    live_phase: Duration::from_secs(3),
    rate_phase: Duration::from_secs(1),
    memory_rounds: 1,
};

struct Tech {
    id: TechnicianId,
    token: String,
}

struct Watcher {
    tech: usize,
    booking: BookingId,
    cookie: String,
}

struct Fleet {
    techs: Vec<Tech>,
    watchers: Vec<Watcher>,
}

/// Technicians with tokens, and for each of the first `posting` of them
/// `watchers_per_technician` accounts with a customer (a session) and a Traveling visit;
/// the others one Traveling visit each. One transaction.
async fn build(store: &Store, sizes: &Sizes) -> Result<Fleet, Failure> {
    let now = Timestamp::now();
    let mut tx = store.begin().await?;
    let service_type = catalog::insert_service_type(
        &mut tx,
        &NewServiceType {
            name: "Furnace maintenance",
            description: "",
            duration: VisitDuration::from_minutes(60)?,
            required_skills: &[],
            self_scheduling: true,
            active: true,
        },
    )
    .await?;
    let zone = TimeZoneName::parse("America/Toronto")?;
    let addr = east_end_address();
    let mut techs = Vec::new();
    let mut watchers = Vec::new();
    let total = sizes.posting + sizes.extra;
    let mut n = 0;
    for t in 0..total {
        let id = technicians::insert_technician(
            &mut tx,
            &NewTechnician {
                name: &format!("Technician {t}"),
                kind: ResourceKind::User,
                user_id: None,
                home_base: GeoPoint::new(45.5, -73.6)?,
                time_zone: &zone,
                weekly_hours: &[],
                territories: &[],
                skills: &[],
                active: true,
            },
        )
        .await?;
        let token = Secret::token();
        positions::set_token(&mut tx, id, &token.hash(), now).await?;
        techs.push(Tech {
            id,
            token: token.expose().to_owned(),
        });
        let visits = if t < sizes.posting {
            sizes.watchers_per_technician
        } else {
            1
        };
        for v in 0..visits {
            n += 1;
            let account = accounts::insert_account(
                &mut tx,
                &NewAccount {
                    kind: AccountKind::Customer,
                    name: &format!("Account {n}"),
                    active: true,
                    address: &addr,
                    territory_id: None,
                },
            )
            .await?;
            let email = EmailAddress::parse(&format!("customer.{n}@bench.test"))?;
            let contact = accounts::insert_contact(
                &mut tx,
                &NewContact {
                    account_id: account,
                    first_name: "Bench",
                    last_name: &format!("Customer {n}"),
                    email: &email,
                    phone: None,
                },
            )
            .await?;
            let user = accounts::insert_user(
                &mut tx,
                &NewUser {
                    email: &email,
                    password_hash: None,
                    display_name: &format!("Customer {n}"),
                    language: None,
                    contact_id: Some(contact),
                    roles: &[Role::SelfScheduling],
                },
            )
            .await?;
            let session = Secret::token();
            sessions::create(
                &mut tx,
                &NewSession {
                    id_hash: &session.hash(),
                    user_id: user,
                    csrf_token: Secret::token().expose(),
                    now,
                    expires_at: now + onsite_app::identity::SESSION_ABSOLUTE,
                },
            )
            .await?;
            let work_order = work_orders::insert_work_order(
                &mut tx,
                &NewWorkOrder {
                    number: &format!("WO-B{n:06}"),
                    account_id: account,
                    asset_id: None,
                    service_type_id: service_type,
                    agreement_id: None,
                    status: WorkOrderStatus::Scheduled,
                    summary: None,
                    expose_to_customer: true,
                    created_at: now,
                },
            )
            .await?;
            // Visits of one technician two hours apart (they may not overlap).
            let starts_at = now + SignedDuration::from_hours(2 * v as i64);
            let booking = bookings::insert_booking(
                &mut tx,
                &NewBooking {
                    work_order_id: work_order,
                    technician_id: id,
                    starts_at,
                    ends_at: starts_at + SignedDuration::from_hours(1),
                    location: addr.location,
                    ics_uid: &format!("bench-{n}@bench.test"),
                    idempotency_key: None,
                    booked_by: None,
                    booked_at: now,
                },
            )
            .await?;
            bookings::transition_booking_at(
                &mut tx,
                booking,
                BookingAction::StartTravel,
                None,
                None,
                now - SignedDuration::from_mins(1),
            )
            .await
            .map_err(|e| format!("start travel: {e:?}"))?;
            if t < sizes.posting {
                watchers.push(Watcher {
                    tech: t,
                    booking,
                    cookie: format!("onsite_session={}", session.expose()),
                });
            }
        }
    }
    tx.commit().await?;
    Ok(Fleet { techs, watchers })
}

// ---- The server process ---------------------------------------------------------------------

/// The child: serves the portal on the database at `url` and prints its port.
fn serve(url: &str) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let store = Store::open(url).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}");
        let app = App::new(store, Arc::new(tokio::sync::Notify::new()), &base);
        let state = AppState::new(
            app,
            onsite_app::oidc::Oidc::new(Vec::new())?,
            WebConfig {
                public_url: base,
                secure_cookies: false,
                map_tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
                trust_forwarded_for: false,
                connections: onsite_web::ConnectionLimits::default(),
                lean_live_map: true,
                board_poll: Some(std::time::Duration::from_secs(1)),
                metrics_token: None,
                emails_reach_inboxes: false,
            },
        );
        println!("PORT {port}");
        match std::env::var("LIVE_TRACKING_SERVER").as_deref() {
            Ok("lean") => onsite_web::lean::serve(listener, state, std::future::pending()).await?,
            Ok("hyper") => {
                onsite_web::server::serve(listener, state, std::future::pending()).await?
            }
            Ok("axum") => {
                let app = onsite_web::router(state)
                    .into_make_service_with_connect_info::<std::net::SocketAddr>();
                axum::serve(listener, app).await?
            }
            _ => onsite_web::serve(listener, state, std::future::pending()).await?,
        }
        Ok(())
    })
}

/// The process's resident anonymous memory (`RssAnon`: its heap and stacks, not the pages of
/// its program file), KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

// ---- A small HTTP/1.1 client (keep-alive; a few bytes per connection) -----------------------

/// Writes a POST and reads its answer; the status.
async fn post(conn: &mut BufReader<TcpStream>, path: &str, body: &str) -> Result<u16, Failure> {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.get_mut().write_all(request.as_bytes()).await?;
    read_answer(conn).await
}

async fn read_answer(conn: &mut BufReader<TcpStream>) -> Result<u16, Failure> {
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).await?;
    Ok(status)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// When each (technician, sequence number) position was sent.
type Sent = Arc<Mutex<HashMap<(usize, u64), Instant>>>;

/// The latitude that carries a position's sequence number (so a watcher knows which one it got).
fn latitude_of(seq: u64) -> f64 {
    45.0 + seq as f64 * 1e-5
}

fn seq_of(latitude: f64) -> u64 {
    ((latitude - 45.0) * 1e5).round() as u64
}

/// Opens a watcher's event stream; its reader task records each position's delay.
async fn watch(
    port: u16,
    watcher: &Watcher,
    sent: Sent,
    delays: Arc<Mutex<Vec<Duration>>>,
) -> Result<tokio::task::JoinHandle<()>, Failure> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut conn = BufReader::with_capacity(1024, stream);
    let request = format!(
        "GET /bookings/{}/live/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: {}\r\n\r\n",
        watcher.booking, watcher.cookie
    );
    conn.get_mut().write_all(request.as_bytes()).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    if !line.contains(" 200 ") {
        return Err(format!("the event stream answered {line:?}").into());
    }
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        if line.trim_end().is_empty() {
            break;
        }
    }
    let tech = watcher.tech;
    Ok(tokio::spawn(async move {
        let mut line = String::new();
        let mut position_next = false;
        loop {
            line.clear();
            match conn.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = line.trim_end();
            if text == "event: position" {
                position_next = true;
            } else if let Some(data) = text.strip_prefix("data: ")
                && position_next
            {
                position_next = false;
                let now = Instant::now();
                let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else {
                    continue;
                };
                let Some(lat) = value["latitude"].as_f64() else {
                    continue;
                };
                let at = sent.lock().unwrap().get(&(tech, seq_of(lat))).copied();
                if let Some(at) = at {
                    delays.lock().unwrap().push(now - at);
                }
            }
        }
    }))
}

/// Starts the server child on the database at `url`, serving with `server` (one of
/// [`SERVERS`], or `production` for `onsite_web::serve`); the child, its pid and its port.
async fn spawn_server(
    url: &str,
    server: &str,
) -> Result<(tokio::process::Child, u32, u16), Failure> {
    // In a child process so that its memory is its own.
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .env("LIVE_TRACKING_SERVE", url)
        .env("LIVE_TRACKING_SERVER", server)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().ok_or("no child pid")?;
    let mut out = BufReader::new(child.stdout.take().ok_or("no child stdout")?);
    let mut line = String::new();
    out.read_line(&mut line).await?;
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("the server said {line:?}"))?;
    Ok((child, pid, port))
}

/// What phase 2 goes on with: the open streams and their bookkeeping.
type Watching = (
    Sent,
    Arc<Mutex<Vec<Duration>>>,
    Vec<tokio::task::JoinHandle<()>>,
);

/// Phase 1 on the server `pid` at `port`: KiB per open stream, the RSS before and after (KiB),
/// and the open streams.
async fn memory(port: u16, pid: u32, fleet: &Fleet) -> Result<(f64, u64, u64, Watching), Failure> {
    {
        // Warm up: every code path once (a page, a stream, a post), so that lazily made
        // structures are not counted as the connections' memory.
        let sent: Sent = Arc::default();
        let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let warm = watch(port, &fleet.watchers[0], sent.clone(), delays.clone()).await?;
        let mut conn = BufReader::new(TcpStream::connect(("127.0.0.1", port)).await?);
        let body = format!(
            r#"{{"_type":"location","lat":45.0,"lon":-73.6,"tst":{},"acc":10}}"#,
            Timestamp::now().as_second()
        );
        post(
            &mut conn,
            &format!("/track/owntracks?token={}", fleet.techs[0].token),
            &body,
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        warm.abort();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(pid);
    let sent: Sent = Arc::default();
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let mut readers = Vec::new();
    for w in &fleet.watchers {
        readers.push(watch(port, w, sent.clone(), delays.clone()).await?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    let per = (after.saturating_sub(before)) as f64 / fleet.watchers.len() as f64;
    Ok((per, before, after, (sent, delays, readers)))
}

async fn run(sizes: &Sizes) -> Result<(), Failure> {
    let dir = std::env::temp_dir().join(format!("onsite-live-tracking-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("onsite.db").display());
    let store = Store::open(&url).await?;
    let started = Instant::now();
    let fleet = build(&store, sizes).await?;
    println!(
        "data: {} technicians, {} watched visits (customers with sessions), built in {:.1} s",
        fleet.techs.len(),
        fleet.watchers.len(),
        started.elapsed().as_secs_f64()
    );
    store.close().await;

    // 1. Memory per watching connection: each way of serving in a fresh server of its own,
    // in turn, `memory_rounds` times; then the production server, which the other phases use.
    let connections = fleet.watchers.len();
    let mut figures: Vec<Vec<f64>> = vec![Vec::new(); SERVERS.len()];
    println!();
    println!("1. memory per watching connection (server RSS delta / {connections} open streams)");
    for round in 1..=sizes.memory_rounds {
        for (i, (server, _)) in SERVERS.iter().enumerate() {
            let (mut child, pid, port) = spawn_server(&url, server).await?;
            let (per, before, after, (_, _, readers)) = memory(port, pid, &fleet).await?;
            for r in readers {
                r.abort();
            }
            child.kill().await?;
            println!(
                "   round {round}, {server:<5}: server RSS {before} KiB before, {after} KiB after: {per:.1} KiB per connection"
            );
            figures[i].push(per);
        }
    }
    let medians: Vec<f64> = figures.iter().map(|f| median(f.clone())).collect();
    for ((server, what), per) in SERVERS.iter().zip(&medians) {
        println!("   median {server:<5} ({what}): {per:.1} KiB per connection");
    }
    println!(
        "   ratio lean / hyper: {:.2} (the lean path stays only below 0.33)",
        medians[0] / medians[1]
    );
    println!("   ratio hyper / axum: {:.2}", medians[1] / medians[2]);
    let (mut child, pid, port) = spawn_server(&url, "production").await?;
    let (_, _, _, (sent, delays, readers)) = memory(port, pid, &fleet).await?;

    // 2. Delay from ingestion to delivery.
    let stop = Arc::new(AtomicBool::new(false));
    let posted = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let mut posters = Vec::new();
    for (i, tech) in fleet.techs.iter().take(sizes.posting).enumerate() {
        let path = format!("/track/owntracks?token={}", tech.token);
        let sent = sent.clone();
        let stop = stop.clone();
        let posted = posted.clone();
        let refused = refused.clone();
        let offset = Duration::from_millis((i as u64 * 1000) / sizes.posting as u64);
        posters.push(tokio::spawn(async move {
            let mut conn = BufReader::new(TcpStream::connect(("127.0.0.1", port)).await?);
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut seq = 0u64;
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                seq += 1;
                let body = format!(
                    r#"{{"_type":"location","lat":{},"lon":-73.6,"tst":{},"acc":10,"vel":40}}"#,
                    latitude_of(seq),
                    Timestamp::now().as_second()
                );
                sent.lock().unwrap().insert((i, seq), Instant::now());
                match post(&mut conn, &path, &body).await? {
                    200 => posted.fetch_add(1, Ordering::Relaxed),
                    _ => refused.fetch_add(1, Ordering::Relaxed),
                };
            }
            Ok::<(), Failure>(())
        }));
    }
    tokio::time::sleep(sizes.live_phase).await;
    stop.store(true, Ordering::Relaxed);
    for p in posters {
        p.await??;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut samples = std::mem::take(&mut *delays.lock().unwrap());
    samples.sort();
    let posted = posted.load(Ordering::Relaxed);
    println!();
    println!(
        "2. delay from ingestion to delivery ({} technicians posting every second for {} s, {} watchers)",
        sizes.posting,
        sizes.live_phase.as_secs(),
        connections
    );
    println!(
        "   {posted} positions acknowledged ({} refused); {} deliveries of {} expected",
        refused.load(Ordering::Relaxed),
        samples.len(),
        posted * sizes.watchers_per_technician as u64
    );
    println!(
        "   delay p50 {}  p90 {}  p99 {}  max {}  (target p99 ≤ 250 ms)",
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 90.0)),
        ms(percentile(&samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default())
    );
    for r in readers {
        r.abort();
    }

    // 3a. Ingestion over HTTP: 64 connections as fast as they go, spread over the extra
    // technicians (each below its per-second limit).
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicU64::new(0));
    let extra: Arc<Vec<String>> = Arc::new(
        fleet
            .techs
            .iter()
            .skip(sizes.posting)
            .map(|t| t.token.clone())
            .collect(),
    );
    let mut blasters = Vec::new();
    for c in 0..64usize {
        let stop = stop.clone();
        let acked = acked.clone();
        let extra = extra.clone();
        blasters.push(tokio::spawn(async move {
            let mut conn = BufReader::new(TcpStream::connect(("127.0.0.1", port)).await?);
            let mut k = c;
            while !stop.load(Ordering::Relaxed) {
                let token = &extra[k % extra.len()];
                k += 64;
                let body = format!(
                    r#"{{"_type":"location","lat":45.5,"lon":-73.6,"tst":{},"acc":10}}"#,
                    Timestamp::now().as_second()
                );
                if post(&mut conn, &format!("/track/owntracks?token={token}"), &body).await? == 200
                {
                    acked.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok::<(), Failure>(())
        }));
    }
    let t0 = Instant::now();
    tokio::time::sleep(sizes.rate_phase).await;
    stop.store(true, Ordering::Relaxed);
    let http_rate = acked.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64();
    for b in blasters {
        b.await??;
    }
    child.kill().await?;

    // 3b. In process: the use case with its group-commit writer, against one transaction
    // per position.
    let store = Store::open(&url).await?;
    let extra_ids: Vec<TechnicianId> = fleet
        .techs
        .iter()
        .skip(sizes.posting)
        .map(|t| t.id)
        .collect();
    let mut batched = Vec::new();
    let mut single = Vec::new();
    for _round in 0..2 {
        single.push(rate_unbatched(&store, &extra_ids, sizes.rate_phase).await?);
        batched.push(rate_batched(&store, &extra, sizes.rate_phase).await?);
    }
    println!();
    println!("3. ingestion rate on SQLite (synchronous=FULL)");
    println!(
        "   in process, one transaction per position (32 tasks): {} positions/s (runs: {})",
        median(single.clone()).round(),
        single
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "   in process, record_with_token + group commit (256 tasks): {} positions/s (runs: {})",
        median(batched.clone()).round(),
        batched
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "   ratio group commit / one transaction each: {:.1}×",
        median(batched) / median(single)
    );
    println!(
        "   over HTTP (OwnTracks posts, 64 keep-alive connections): {:.0} positions/s (target ≥ 2,000)",
        http_rate
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn rate_unbatched(
    store: &Store,
    techs: &[TechnicianId],
    phase: Duration,
) -> Result<f64, Failure> {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..32usize {
        let store = store.clone();
        let stop = stop.clone();
        let done = done.clone();
        let tech = techs[c % techs.len()];
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let now = Timestamp::now();
                let p = Position {
                    technician_id: tech,
                    recorded_at: now,
                    received_at: now,
                    latitude: 45.5,
                    longitude: -73.6,
                    accuracy_m: Some(10.0),
                    speed_kmh: None,
                    heading_deg: None,
                    source: Source::OwnTracks,
                };
                tracking::store_unbatched(&store, p).await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), Failure>(())
        }));
    }
    let t0 = Instant::now();
    tokio::time::sleep(phase).await;
    stop.store(true, Ordering::Relaxed);
    let rate = done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64();
    for t in tasks {
        t.await??;
    }
    Ok(rate)
}

async fn rate_batched(
    store: &Store,
    tokens: &Arc<Vec<String>>,
    phase: Duration,
) -> Result<f64, Failure> {
    let app = App::new(
        store.clone(),
        Arc::new(tokio::sync::Notify::new()),
        "http://127.0.0.1",
    );
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..256usize {
        let app = app.clone();
        let stop = stop.clone();
        let done = done.clone();
        let tokens = tokens.clone();
        tasks.push(tokio::spawn(async move {
            let mut k = c;
            while !stop.load(Ordering::Relaxed) {
                let token = &tokens[k % tokens.len()];
                k += 256;
                let now = Timestamp::now();
                let report = Report {
                    latitude: 45.5,
                    longitude: -73.6,
                    accuracy_m: Some(10.0),
                    recorded_at: now,
                    speed_kmh: None,
                    heading_deg: None,
                };
                match tracking::record_with_token(
                    &app,
                    Some(token),
                    &report,
                    Source::OwnTracks,
                    now,
                )
                .await
                {
                    Ok(tracking::Recorded::Stored) => {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    // Over the per-technician limit this second: not counted.
                    Err(tracking::TrackingError::TooMany) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    other => return Err(format!("{other:?}").into()),
                }
            }
            Ok::<(), Failure>(())
        }));
    }
    let t0 = Instant::now();
    tokio::time::sleep(phase).await;
    stop.store(true, Ordering::Relaxed);
    let rate = done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64();
    for t in tasks {
        t.await??;
    }
    Ok(rate)
}

fn main() {
    if let Ok(url) = std::env::var("LIVE_TRACKING_SERVE") {
        if let Err(e) = serve(&url) {
            eprintln!("server failed: {e}");
            std::process::exit(1);
        }
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes = if quick { &QUICK } else { &FULL };
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
        "Track my technician under load (issue 5); {} CPU(s); {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if quick { "quick smoke run" } else { "full run" }
    );
    if let Err(e) = runtime.block_on(run(sizes)) {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}
