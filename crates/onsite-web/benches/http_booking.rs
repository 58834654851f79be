//! Booking over HTTP (issue 4): the real router on a loopback port, the embedded database
//! (SQLite, WAL, synchronous=FULL, as `onsite serve` opens it) with the demo city loaded,
//! customers signed in with real sessions.
//!
//! 1. **Slots of one day**: one customer asks for the slots of a day, one request after the
//!    other, both as the page's fragment (`GET /bookings/new/slots`, what the day picker loads)
//!    and as JSON (`GET /api/v1/slots`). Target: median ≤ 10 ms.
//! 2. **Booking**: 32 concurrent clients, each a customer of a different account with its own
//!    session and one service type (spread over the catalogue), each doing what a person does:
//!    pick a random free day of its horizon, ask for its slots (`GET /api/v1/slots`), and
//!    **Book** the first one (`POST /api/v1/bookings` with an `Idempotency-Key`). A time taken
//!    meanwhile by another client is a 409: an attempt, not a success. Target: ≥ 500
//!    bookings/s. Run alternately with group commit (the default) and with the old path (each
//!    booking its own `BEGIN IMMEDIATE` transaction), three times each, each run on a fresh
//!    database; the medians and their ratio are printed.
//! 3. **Where the time goes**: the same use case called in-process, one booking after the
//!    other (no HTTP, no concurrency), for the cost of one booking itself.
//!
//! Run (release build; a few tens of seconds):
//!
//! ```text
//! cargo bench -p onsite-web --bench http_booking
//! cargo bench -p onsite-web --bench http_booking -- --quick   # a smoke run, tiny sizes
//! cargo bench -p onsite-web --bench http_booking -- --booking # one group-commit booking run
//! cargo bench -p onsite-web --bench http_booking -- --horizon 30 # the demo's own horizon
//! ```
//!
//! `--booking` runs phase 2 once, with group commit only: what to put under `perf record`.
//!
//! Sessions are created the way signing in creates them (`sessions::create`), rather than by
//! posting passwords: Argon2 is slow on purpose and is not what is measured here. The mail
//! worker does not run: confirmation emails are queued in the outbox inside each booking's
//! transaction, exactly as in production, and left there.

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::booking::{self, BookRequest, ServiceRequest};
use onsite_app::secrets::Secret;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::{ServiceTypeId, UserId};
use onsite_store::Store;
use onsite_store::accounts::{self, NewContact, NewUser};
use onsite_store::sessions::{self, NewSession};
use onsite_web::{AppState, WebConfig};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The sizes of a run.
#[derive(Clone)]
struct Sizes {
    slot_requests: usize,
    clients: usize,
    booking_phase: Duration,
    in_process_bookings: usize,
    /// Booking runs per path (old and group commit, alternately).
    rounds: usize,
    /// The booking horizon of the booking phase: room for the whole phase at the target rate
    /// (the demo's visits fill the first two weeks; 30 days leave room for about 2 s).
    horizon_days: u32,
}

const FULL: Sizes = Sizes {
    slot_requests: 300,
    clients: 32,
    booking_phase: Duration::from_secs(10),
    in_process_bookings: 100,
    rounds: 3,
    horizon_days: 120,
};

const QUICK: Sizes = Sizes {
    slot_requests: 20,
    clients: 4,
    booking_phase: Duration::from_secs(1),
    in_process_bookings: 5,
    rounds: 1,
    horizon_days: 30,
};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A customer with a live session.
#[derive(Clone)]
struct Customer {
    user: UserId,
    cookie: String,
    csrf: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "  {label:<44} n={:<6} median {:>9}  p90 {:>9}  p99 {:>9}  max {:>9}",
        samples.len(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 90.0)),
        ms(percentile(&samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
    );
}

/// Portal users for `count` customer accounts (one each, a new contact), signed in.
async fn customers(store: &Store, count: usize) -> Result<Vec<Customer>, Failure> {
    let mut conn = store.conn().await?;
    let accounts = accounts::list_accounts(&mut conn, AccountKind::Customer).await?;
    let now = Timestamp::now();
    let mut out = Vec::new();
    for (i, account) in accounts.iter().filter(|a| a.active).take(count).enumerate() {
        let email = EmailAddress::parse(&format!("bench.customer.{i}@bench.test"))?;
        let contact = accounts::insert_contact(
            &mut conn,
            &NewContact {
                account_id: account.id,
                first_name: "Bench",
                last_name: &format!("Customer {i}"),
                email: &email,
                phone: None,
            },
        )
        .await?;
        let user = accounts::insert_user(
            &mut conn,
            &NewUser {
                email: &email,
                password_hash: None,
                display_name: &format!("Bench Customer {i}"),
                language: None,
                contact_id: Some(contact),
                roles: &[Role::SelfScheduling],
            },
        )
        .await?;
        let token = Secret::token();
        let csrf = Secret::token().expose().to_owned();
        sessions::create(
            &mut conn,
            &NewSession {
                id_hash: &token.hash(),
                user_id: user,
                csrf_token: &csrf,
                now,
                expires_at: now + onsite_app::identity::SESSION_ABSOLUTE,
            },
        )
        .await?;
        out.push(Customer {
            user,
            cookie: format!("onsite_session={}", token.expose()),
            csrf,
        });
    }
    if out.len() < count {
        return Err(format!("only {} customer accounts", out.len()).into());
    }
    Ok(out)
}

async fn get_json(
    http: &reqwest::Client,
    base: &str,
    who: &Customer,
    path: &str,
) -> Result<Value, Failure> {
    let response = http
        .get(format!("{base}{path}"))
        .header("cookie", &who.cookie)
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("GET {path}: {status} {}", String::from_utf8_lossy(&body)).into());
    }
    Ok(serde_json::from_slice(&body)?)
}

/// The first free day (with at least a few slots) for `service_type`.
async fn busy_day(
    http: &reqwest::Client,
    base: &str,
    who: &Customer,
    service_type: ServiceTypeId,
) -> Result<String, Failure> {
    let days = get_json(
        http,
        base,
        who,
        &format!("/api/v1/availability?service_type={service_type}"),
    )
    .await?;
    for day in days["days"].as_array().into_iter().flatten() {
        if day["available"] != true {
            continue;
        }
        let date = day["date"].as_str().unwrap_or_default().to_owned();
        let slots = get_json(
            http,
            base,
            who,
            &format!("/api/v1/slots?service_type={service_type}&date={date}"),
        )
        .await?;
        if slots["slots"].as_array().is_some_and(|s| s.len() >= 4) {
            return Ok(date);
        }
    }
    Err("no free day".into())
}

/// The days a client may pick from: the free days of its own date picker (the horizon).
async fn free_days(
    http: &reqwest::Client,
    base: &str,
    who: &Customer,
    service_type: ServiceTypeId,
) -> Result<Vec<String>, Failure> {
    let picker = get_json(
        http,
        base,
        who,
        &format!("/api/v1/availability?service_type={service_type}"),
    )
    .await?;
    Ok(picker["days"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["available"] == true)
        .filter_map(|d| d["date"].as_str().map(str::to_owned))
        .collect())
}

/// A small deterministic random number generator (no dependency for it).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[derive(Default)]
struct ClientResult {
    successes: usize,
    taken: usize,
    searches: usize,
    other: Vec<String>,
    success_latency: Vec<Duration>,
    attempt_latency: Vec<Duration>,
}

/// One customer, over and over: a random day of the horizon, its slots (`GET /api/v1/slots`),
/// then **Book** on the first free one (`POST /api/v1/bookings`). A day with no slot left is
/// dropped from the client's list. A 409 ("this time was just taken") is a failed attempt.
/// The first client left without any free day stops the phase: the rate is measured only
/// while every client is booking.
async fn book_until(
    http: reqwest::Client,
    base: String,
    who: Customer,
    service_type: ServiceTypeId,
    mut days: Vec<String>,
    stop: Arc<AtomicBool>,
) -> ClientResult {
    let mut result = ClientResult::default();
    let mut random = Lcg(who.user.0 as u64);
    let mut n = 0;
    while !days.is_empty() && !stop.load(Ordering::Relaxed) {
        let pick = random.below(days.len());
        let date = days[pick].clone();
        result.searches += 1;
        let slots = get_json(
            &http,
            &base,
            &who,
            &format!("/api/v1/slots?service_type={service_type}&date={date}"),
        )
        .await;
        let first = match &slots {
            Ok(v) => v["slots"][0]["start"].as_str().map(str::to_owned),
            Err(e) => {
                result.other.push(format!("search: {e}"));
                continue;
            }
        };
        let Some(slot) = first else {
            days.swap_remove(pick);
            if days.is_empty() {
                // Booked every free time of its horizon: from now on fewer than all the
                // clients would be booking, so the phase ends for everyone.
                stop.store(true, Ordering::Relaxed);
            }
            continue;
        };
        n += 1;
        let body = format!(r#"{{"service_type":{service_type},"slot_start":"{slot}"}}"#);
        let started = Instant::now();
        let sent = http
            .post(format!("{base}/api/v1/bookings"))
            .header("cookie", &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .header("content-type", "application/json")
            .header("idempotency-key", format!("bench-{}-{n}", who.user))
            .body(body)
            .send()
            .await;
        let status = match sent {
            Ok(response) => {
                let status = response.status();
                let _ = response.bytes().await;
                status.as_u16()
            }
            Err(e) => {
                result.other.push(format!("transport: {e}"));
                continue;
            }
        };
        let took = started.elapsed();
        result.attempt_latency.push(took);
        match status {
            201 => {
                result.successes += 1;
                result.success_latency.push(took);
            }
            409 => result.taken += 1,
            other => result.other.push(format!("HTTP {other}")),
        }
    }
    result
}

/// CPU time this process has used so far (every thread: server, database, load generator),
/// from `/proc/self/stat` (Linux; zero elsewhere).
fn cpu_used() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 ticks/s.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// What one booking phase came to.
struct Phase {
    successes: usize,
    attempts: usize,
    searches: usize,
    seconds: f64,
    /// The process's CPU time during the phase per successful booking, in ms.
    cpu_per_booking: f64,
}

/// A fresh database with the demo city, the real router on a loopback port, signed-in
/// customers of `clients` accounts.
struct Site {
    dir: std::path::PathBuf,
    store: Store,
    app: App,
    base: String,
    people: Vec<Customer>,
    today: jiff::civil::Date,
    stop_server: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A fresh database with the demo city, customers signed in, and the router serving it;
/// `horizon_days` replaces the booking horizon (30 days by default).
async fn site(
    tag: &str,
    clients: usize,
    group_commit: bool,
    horizon_days: Option<u32>,
) -> Result<Site, Failure> {
    let dir = std::env::temp_dir().join(format!("onsite-http-bench-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/onsite.db", dir.display());
    let store = Store::open(&url).await?;
    let tz = jiff::tz::TimeZone::get("America/Toronto")?;
    let today = Timestamp::now().to_zoned(tz).date();
    let started = Instant::now();
    onsite_demo::load(&store, today).await?;
    println!(
        "Demo city loaded in {:.1} s (SQLite at {}; group commit {})",
        started.elapsed().as_secs_f64(),
        dir.display(),
        if group_commit { "on" } else { "off" }
    );
    if let Some(days) = horizon_days {
        let mut conn = store.conn().await?;
        onsite_store::settings::set(
            &mut conn,
            onsite_domain::settings::HORIZON_DAYS.key,
            &days.to_string(),
        )
        .await?
        .map_err(|e| format!("horizon: {e:?}"))?;
    }
    let people = customers(&store, clients).await?;
    let store = store.with_group_commit(group_commit);

    // The real router on a loopback port, as `onsite serve` builds it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let config = WebConfig {
        public_url: base.clone(),
        secure_cookies: false,
        map_tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
        trust_forwarded_for: false,
        connections: onsite_web::ConnectionLimits::default(),
        lean_live_map: true,
        board_poll: Some(std::time::Duration::from_secs(1)),
        metrics_token: None,
        emails_reach_inboxes: false,
    };
    let app = App::new(store.clone(), Arc::new(tokio::sync::Notify::new()), &base);
    let state = AppState::new(
        app.clone(),
        onsite_app::oidc::Oidc::new(Vec::new())?,
        config,
    );
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(onsite_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    Ok(Site {
        dir,
        store,
        app,
        base,
        people,
        today,
        stop_server,
        server,
    })
}

impl Site {
    async fn close(self) {
        let _ = self.stop_server.send(());
        let _ = self.server.await;
        self.store.close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// 2. Booking: the clients at once for the phase's duration, on a fresh site.
async fn booking_phase(
    sizes: &Sizes,
    http: &reqwest::Client,
    label: &str,
    group_commit: bool,
) -> Result<Phase, Failure> {
    let tag = label.replace([' ', ','], "-");
    let site = site(&tag, sizes.clients, group_commit, Some(sizes.horizon_days)).await?;
    let types: Vec<ServiceTypeId> = booking::service_types(&site.app, onsite_i18n::DEFAULT)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut prepared = Vec::new();
    for (i, who) in site.people.iter().enumerate() {
        let service_type = types[i % types.len()];
        let days = free_days(http, &site.base, who, service_type).await?;
        prepared.push((who.clone(), service_type, days));
    }
    let days: usize = prepared.iter().map(|(_, _, d)| d.len()).sum();
    println!(
        "  {label}: {} clients, {:.1} free days each on average in the {}-day horizon",
        sizes.clients,
        days as f64 / sizes.clients as f64,
        sizes.horizon_days
    );
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let cpu_before = cpu_used();
    let tasks: Vec<_> = prepared
        .into_iter()
        .map(|(who, service_type, days)| {
            tokio::spawn(book_until(
                http.clone(),
                site.base.clone(),
                who,
                service_type,
                days,
                stop.clone(),
            ))
        })
        .collect();
    let deadline = sizes.booking_phase;
    let stopper = {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(deadline).await;
            stop.store(true, Ordering::Relaxed);
        })
    };
    let mut total = ClientResult::default();
    for task in tasks {
        let r = task.await?;
        total.successes += r.successes;
        total.taken += r.taken;
        total.searches += r.searches;
        total.other.extend(r.other);
        total.success_latency.extend(r.success_latency);
        total.attempt_latency.extend(r.attempt_latency);
    }
    let elapsed = started.elapsed();
    let cpu = cpu_used().saturating_sub(cpu_before);
    stopper.abort();
    let attempts = total.attempt_latency.len();
    println!(
        "  {} bookings, {} attempts ({} 'this time was just taken', {} other), {} searches in {:.2} s",
        total.successes,
        attempts,
        total.taken,
        total.other.len(),
        total.searches,
        elapsed.as_secs_f64()
    );
    if elapsed + Duration::from_millis(200) < deadline {
        println!("  (ended early: a client had booked every free time of its horizon)");
    }
    println!(
        "  successes: {:.1} bookings/s; attempts: {:.1}/s; searches: {:.1}/s",
        total.successes as f64 / elapsed.as_secs_f64(),
        attempts as f64 / elapsed.as_secs_f64(),
        total.searches as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  CPU used by the process: {:.1} s of {:.1} s × {} cores; {:.2} ms per booking \
         (its search, its attempts and both ends of HTTP included)",
        cpu.as_secs_f64(),
        elapsed.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu.as_secs_f64() * 1000.0 / total.successes.max(1) as f64
    );
    summary("booking latency, successes", total.success_latency);
    summary("booking latency, all attempts", total.attempt_latency);
    if !total.other.is_empty() {
        let mut kinds = total.other.clone();
        kinds.sort();
        kinds.dedup();
        println!("  other answers: {kinds:?}");
    }
    // Overlaps would be a bug: the database refuses them, check anyway.
    let overlapping =
        onsite_store::bookings::overlapping_pairs(&mut *site.store.conn().await?).await?;
    println!("  overlapping visits in the database: {overlapping}");
    site.close().await;
    Ok(Phase {
        successes: total.successes,
        attempts,
        searches: total.searches,
        seconds: elapsed.as_secs_f64(),
        cpu_per_booking: cpu.as_secs_f64() * 1000.0 / total.successes.max(1) as f64,
    })
}

async fn run(sizes: &Sizes) -> Result<(), Failure> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let main = site("main", sizes.clients, true, None).await?;
    let (store, app, base, people, today) = (
        main.store.clone(),
        main.app.clone(),
        main.base.clone(),
        main.people.clone(),
        main.today,
    );

    let service_types = booking::service_types(&app, onsite_i18n::DEFAULT).await?;
    let types: Vec<ServiceTypeId> = service_types.iter().map(|s| s.id).collect();

    // 1. The slots of one day.
    println!(
        "\n1. Slots of one day, one request after the other ({} each):",
        sizes.slot_requests
    );
    let who = &people[0];
    let service_type = types[0];
    let day = busy_day(&http, &base, who, service_type).await?;
    for (label, path) in [
        (
            "GET /bookings/new/slots (the page's fragment)",
            format!("/bookings/new/slots?service_type={service_type}&date={day}"),
        ),
        (
            "GET /api/v1/slots (JSON)",
            format!("/api/v1/slots?service_type={service_type}&date={day}"),
        ),
    ] {
        let mut samples = Vec::new();
        for i in 0..sizes.slot_requests + 20 {
            let t = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .header("cookie", &who.cookie)
                .send()
                .await?;
            let status = response.status();
            let body = response.bytes().await?;
            let took = t.elapsed();
            if !status.is_success() || body.is_empty() {
                return Err(format!("{path}: {status}").into());
            }
            if i >= 20 {
                samples.push(took); // the first 20 warm the caches and the pool
            }
        }
        summary(label, samples);
    }
    let slots = get_json(
        &http,
        &base,
        who,
        &format!("/api/v1/slots?service_type={service_type}&date={day}"),
    )
    .await?;
    println!(
        "  ({} slots on {day}; {} technicians in the city)",
        slots["slots"].as_array().map_or(0, Vec::len),
        onsite_store::technicians::list_technicians(&mut *store.conn().await?)
            .await?
            .len()
    );

    // 2. Booking with concurrent clients: the old path (each booking its own transaction) and
    // group commit, alternately, each on a fresh database.
    println!(
        "\n2. Booking: {} concurrent clients, each a customer of its own account, {} s per run; \
         each client: a random free day of its horizon, its slots, Book the first:",
        sizes.clients,
        sizes.booking_phase.as_secs()
    );
    let mut old = Vec::new();
    let mut grouped = Vec::new();
    for round in 1..=sizes.rounds {
        old.push(
            booking_phase(
                sizes,
                &http,
                &format!("run {round}, one transaction per booking"),
                false,
            )
            .await?,
        );
        grouped
            .push(booking_phase(sizes, &http, &format!("run {round}, group commit"), true).await?);
    }
    let median = |phases: &[Phase], f: fn(&Phase) -> usize| {
        let mut rates: Vec<f64> = phases.iter().map(|p| f(p) as f64 / p.seconds).collect();
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    println!("  medians of {} runs:", sizes.rounds);
    for (label, phases) in [
        ("one transaction per booking", &old),
        ("group commit", &grouped),
    ] {
        let mut cpu: Vec<f64> = phases.iter().map(|p| p.cpu_per_booking).collect();
        cpu.sort_by(f64::total_cmp);
        println!(
            "    {label:<28} {:>7.1} bookings/s  {:>7.1} attempts/s  {:>7.1} searches/s  \
             {:>5.2} ms CPU per booking",
            median(phases, |p| p.successes),
            median(phases, |p| p.attempts),
            median(phases, |p| p.searches),
            cpu[cpu.len() / 2],
        );
    }
    println!(
        "    group commit / one transaction per booking: {:.2}× bookings/s",
        median(&grouped, |p| p.successes) / median(&old, |p| p.successes).max(1e-9)
    );

    // 3. The use case alone, in-process, one after the other.
    println!(
        "\n3. The same booking in-process, one after the other ({}):",
        sizes.in_process_bookings
    );
    let who = people.last().ok_or("no customer")?;
    let principal = {
        let record = accounts::user_by_id(&mut *store.conn().await?, who.user)
            .await?
            .ok_or("no user")?;
        onsite_web::session::principal_of(&record)
    };
    let mut samples = Vec::new();
    'types: for service_type in &types {
        let now = Timestamp::now();
        let request = ServiceRequest::new(*service_type, None);
        let picker = booking::available_days(
            &app,
            principal.grant().unwrap(),
            &request,
            today,
            today.checked_add(jiff::Span::new().days(60))?,
            now,
        )
        .await?;
        for day in picker.days.iter().filter(|d| d.available) {
            let list =
                booking::slots(&app, principal.grant().unwrap(), &request, day.date, now).await?;
            for slot in list.slots.iter().step_by(3) {
                let t = Instant::now();
                let done = booking::book(
                    &app,
                    principal.grant().unwrap(),
                    BookRequest {
                        service: request,
                        slot_start: slot.start,
                        comments: "",
                        idempotency_key: None,
                    },
                    Timestamp::now(),
                )
                .await;
                if done.is_ok() {
                    samples.push(t.elapsed());
                }
                if samples.len() >= sizes.in_process_bookings {
                    break 'types;
                }
            }
        }
    }
    let mean = samples.iter().sum::<Duration>() / samples.len().max(1) as u32;
    summary("booking::book, successes", samples);
    println!(
        "  mean {} per booking → at most {:.0} bookings/s one at a time",
        ms(mean),
        1.0 / mean.as_secs_f64().max(1e-9)
    );

    // 4. Its parts: what one booking does besides the transaction's own writes.
    println!(
        "\n4. Where a booking's time goes (in-process, {} each):",
        sizes.slot_requests
    );
    let request = ServiceRequest::new(types[0], None);
    let mut reads = Vec::new();
    for _ in 0..sizes.slot_requests {
        let t = Instant::now();
        booking::slots(
            &app,
            principal.grant().unwrap(),
            &request,
            today,
            Timestamp::now(),
        )
        .await?;
        reads.push(t.elapsed());
    }
    summary("reads + engine: booking::slots of a day", reads);
    let mut renders = Vec::new();
    let zone = jiff::tz::TimeZone::get("America/Toronto")?;
    let to = EmailAddress::parse("bench@bench.test")?;
    let starts = Timestamp::now() + SignedDuration::from_hours(30);
    for i in 0..sizes.slot_requests {
        let facts = onsite_notify::booking_emails::VisitFacts {
            booking_id: onsite_domain::BookingId(i as i64 + 1),
            recipient_name: "Bench Customer",
            service_type: "Appliance repair",
            asset: Some("Walk-in cooler"),
            technician: "Geneviève Girard",
            address: "4325 Rue Fabre, Montréal H2J 3V3",
            work_order: Some("WO-000001"),
            comments: Some("Side door"),
            starts_at: starts,
            arrival_window_end: None,
            ends_at: starts + SignedDuration::from_hours(1),
            time_zone: &zone,
            link: "http://127.0.0.1/bookings/1",
            ics_uid: "0123456789abcdef@127.0.0.1",
            ics_sequence: 0,
            organizer_email: "no-reply@127.0.0.1",
        };
        let t = Instant::now();
        let email = onsite_notify::booking_emails::booking_confirmed(
            &to,
            onsite_i18n::DEFAULT,
            &facts,
            Timestamp::now(),
        )?;
        renders.push(t.elapsed());
        std::hint::black_box(email);
    }
    summary("rendering the confirmation email + .ics", renders);
    let mut commits = Vec::new();
    for _ in 0..sizes.slot_requests {
        let t = Instant::now();
        let mut tx = store.begin().await?;
        onsite_store::audit::record(
            &mut tx,
            None,
            "bench.write",
            "bench",
            None,
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        commits.push(t.elapsed());
    }
    summary(
        "one-row write transaction (BEGIN IMMEDIATE … COMMIT)",
        commits,
    );

    main.close().await;
    Ok(())
}

/// Phase 2 once, with group commit (`--booking`).
async fn one_booking_run(sizes: &Sizes) -> Result<(), Failure> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    booking_phase(sizes, &http, "one run, group commit", true).await?;
    Ok(())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let booking_only = std::env::args().any(|a| a == "--booking");
    let mut sizes = if quick { QUICK } else { FULL };
    // `--horizon N`: the booking phase's horizon in days (see `Sizes::horizon_days`).
    let args: Vec<String> = std::env::args().collect();
    if let Some(days) = args
        .windows(2)
        .find(|w| w[0] == "--horizon")
        .and_then(|w| w[1].parse().ok())
    {
        sizes.horizon_days = days;
    }
    let sizes = &sizes;
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
        "Booking over HTTP (issue 4); {} CPU(s); {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if quick { "quick smoke run" } else { "full run" }
    );
    let outcome = if booking_only {
        runtime.block_on(one_booking_run(sizes))
    } else {
        runtime.block_on(run(sizes))
    };
    if let Err(e) = outcome {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}
