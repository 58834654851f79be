//! A booking load over HTTP against a running `onsite serve` with the demo city: the demo
//! customer signs in as a browser does (the sign-in page's CSRF token, the session cookie,
//! the session's token from a page), then clients book over the JSON API as the booking
//! benchmark's clients do — a free day, its slots, **Book** one — and record every booking the
//! server confirmed (a `201` with its id). A request cut off by a dying server
//! confirmed nothing and is not counted.

use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The demo's self-scheduling customer.
const CUSTOMER: &str = "customer@demo.test";

/// A signed-in person: the cookies (kept across server restarts: cookies ignore the port) and
/// the session's CSRF token.
#[derive(Clone)]
pub struct Session {
    jar: Arc<reqwest::cookie::Jar>,
    csrf: String,
}

impl Session {
    /// A client that sends this session's cookies, with fresh connections (a new one after
    /// each restart of the server).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_provider(self.jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap()
    }
}

/// The value of `<meta name="csrf-token" content="…">` in a page.
fn csrf_of(page: &str) -> String {
    let marker = r#"<meta name="csrf-token" content=""#;
    let start = page.find(marker).expect("a page with a CSRF token") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Signs the demo customer in through the sign-in form.
pub async fn sign_in(base: &str) -> Session {
    let mut session = Session {
        jar: Arc::default(),
        csrf: String::new(),
    };
    let http = session.client();
    let page = http.get(format!("{base}/sign-in")).send().await.unwrap();
    let anonymous = csrf_of(&page.text().await.unwrap());
    let body = format!(
        "email={}&password={}&csrf={anonymous}",
        CUSTOMER.replace('@', "%40"),
        onsite_demo::PASSWORD
    );
    let signed_in = http
        .post(format!("{base}/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status().as_u16(), 303, "sign-in refused");
    let home = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status().as_u16(), 200);
    session.csrf = csrf_of(&home.text().await.unwrap());
    session
}

async fn get_json(http: &reqwest::Client, base: &str, path: &str) -> Result<Value, String> {
    let response = http
        .get(format!("{base}{path}"))
        .send()
        .await
        .map_err(|e| format!("GET {path}: {e}"))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("GET {path}: {status}"));
    }
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

/// What the customer may book: each service type with the free days of its date picker.
pub async fn bookable(session: &Session, base: &str) -> Vec<(i64, Vec<String>)> {
    let http = session.client();
    let types = get_json(&http, base, "/api/v1/service-types")
        .await
        .unwrap();
    let mut out = Vec::new();
    for id in types["service_types"]
        .as_array()
        .expect("service types")
        .iter()
        .filter_map(|t| t["id"].as_i64())
    {
        let picker = get_json(
            &http,
            base,
            &format!("/api/v1/availability?service_type={id}"),
        )
        .await
        .unwrap();
        let days: Vec<String> = picker["days"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["available"] == true)
            .filter_map(|d| d["date"].as_str().map(str::to_owned))
            .collect();
        if !days.is_empty() {
            out.push((id, days));
        }
    }
    assert!(!out.is_empty(), "nothing to book");
    out
}

/// A small deterministic random number generator (the booking benchmark's).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// What the clients saw, shared while they run.
#[derive(Default)]
pub struct Outcome {
    /// The ids of the bookings the server confirmed, in the order the answers came.
    pub confirmed: Vec<i64>,
    /// "This time was just taken" (409): an attempt, not a failure.
    pub taken: usize,
    /// Requests that got no answer (the server was killed, or not up yet).
    pub cut_off: usize,
    /// Any other answer: a bug.
    pub unexpected: Vec<String>,
}

/// Clients booking against one server until stopped.
pub struct Storm {
    pub outcome: Arc<Mutex<Outcome>>,
    stop: Arc<AtomicBool>,
    clients: Vec<tokio::task::JoinHandle<()>>,
}

impl Storm {
    /// Starts `clients` clients of `session` booking on the server at `base`, each with its
    /// own service type and random days (`seed`), recording into `outcome`.
    pub fn start(
        session: &Session,
        base: &str,
        bookable: &[(i64, Vec<String>)],
        clients: usize,
        seed: u64,
        outcome: Arc<Mutex<Outcome>>,
    ) -> Storm {
        let stop = Arc::new(AtomicBool::new(false));
        let clients = (0..clients)
            .map(|i| {
                let (service_type, days) = bookable[i % bookable.len()].clone();
                tokio::spawn(book_until_stopped(Client {
                    http: session.client(),
                    base: base.to_owned(),
                    csrf: session.csrf.clone(),
                    service_type,
                    days,
                    random: Lcg(seed.wrapping_add(i as u64)),
                    key_prefix: format!("storm-{seed}-{i}"),
                    stop: stop.clone(),
                    outcome: outcome.clone(),
                }))
            })
            .collect();
        Storm {
            outcome,
            stop,
            clients,
        }
    }

    /// How many bookings have been confirmed so far.
    pub fn confirmed(&self) -> usize {
        self.outcome.lock().unwrap().confirmed.len()
    }

    /// Waits until at least `n` bookings are confirmed (in all), at most `limit`.
    pub async fn wait_for(&self, n: usize, limit: Duration) {
        let started = std::time::Instant::now();
        while self.confirmed() < n {
            assert!(
                started.elapsed() < limit,
                "only {} bookings confirmed in {limit:?}; unexpected answers: {:?}",
                self.confirmed(),
                self.outcome.lock().unwrap().unexpected
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the clients and waits for them.
    pub async fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for client in self.clients {
            client.await.unwrap();
        }
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
    service_type: i64,
    days: Vec<String>,
    random: Lcg,
    key_prefix: String,
    stop: Arc<AtomicBool>,
    outcome: Arc<Mutex<Outcome>>,
}

/// How many of the first free days and of a day's first slots a client picks from: few, so
/// that clients compete for the same times (the loser gets a 409).
const NEAREST: usize = 3;

/// One client, over and over: one of the nearest free days, its slots, **Book** one of the
/// first.
async fn book_until_stopped(mut c: Client) {
    let mut n = 0;
    while !c.stop.load(Ordering::Relaxed) && !c.days.is_empty() {
        let pick = c.random.below(c.days.len().min(NEAREST));
        let path = format!(
            "/api/v1/slots?service_type={}&date={}",
            c.service_type, c.days[pick]
        );
        let slots = match get_json(&c.http, &c.base, &path).await {
            Ok(v) => v["slots"].as_array().cloned().unwrap_or_default(),
            Err(_) => {
                // The server is down (killed, or restarting): wait to be stopped.
                c.outcome.lock().unwrap().cut_off += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if slots.is_empty() {
            c.days.remove(pick);
            continue;
        }
        let slot = slots[c.random.below(slots.len().min(NEAREST))]["start"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        n += 1;
        let sent = c
            .http
            .post(format!("{}/api/v1/bookings", c.base))
            .header("x-csrf-token", &c.csrf)
            .header("content-type", "application/json")
            .header("idempotency-key", format!("{}-{n}", c.key_prefix))
            .body(format!(
                r#"{{"service_type":{},"slot_start":"{slot}"}}"#,
                c.service_type
            ))
            .send()
            .await;
        let answer = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let mut outcome = c.outcome.lock().unwrap();
        match answer {
            Ok((201, body)) => {
                let booking: Value = serde_json::from_slice(&body).unwrap();
                let id = booking["booking"]["id"].as_i64().expect("a booking id");
                outcome.confirmed.push(id);
            }
            Ok((409, _)) => outcome.taken += 1,
            Ok((status, body)) => outcome.unexpected.push(format!(
                "POST /api/v1/bookings: {status} {}",
                String::from_utf8_lossy(&body)
            )),
            Err(_) => outcome.cut_off += 1,
        }
    }
}
