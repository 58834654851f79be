//! Spawning the app for a test and reading its answers; a browser-like client that keeps
//! cookies and the CSRF token; and a small world of real people (every role) in a fresh
//! database.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use jiff::Timestamp;
use onsite_app::App;
use onsite_app::oidc::Oidc;
use onsite_app::secrets::Secret;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::text::{EmailAddress, PhoneNumber};
use onsite_domain::{AccountId, ContactId, UserId};
use onsite_store::accounts::{self, NewAccount, NewContact, NewUser};
use onsite_store::sessions::{self, NewSession};
use onsite_testkit::fixtures::{self, east_end_address};
use onsite_testkit::{FromTestDb, TestDb, TestRuntime};
use onsite_web::{AppState, WebConfig};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

pub const PUBLIC_URL: &str = "http://onsite.test";
pub const TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
/// The password of every person of the [`World`].
pub const PASSWORD: &str = "correct horse battery staple";

pub fn config() -> WebConfig {
    WebConfig {
        public_url: PUBLIC_URL.to_owned(),
        secure_cookies: false,
        map_tile_url: TILES.to_owned(),
        trust_forwarded_for: false,
        connections: onsite_web::ConnectionLimits::default(),
        lean_live_map: true,
        board_poll: Some(std::time::Duration::from_secs(1)),
        metrics_token: None,
        // The tests that deliver mail do so over real SMTP.
        emails_reach_inboxes: true,
    }
}

/// The state of the app on `db`, with the OpenID providers given.
pub fn state_on(db: &TestDb, oidc: Oidc, config: WebConfig) -> AppState {
    let app = App::new(
        db.store().clone(),
        Arc::new(tokio::sync::Notify::new()),
        &config.public_url,
    );
    AppState::new(app, oidc, config)
}

pub fn no_providers() -> Oidc {
    Oidc::new(Vec::new()).expect("no providers is a valid configuration")
}

/// The app on a fresh database. Keep it alive for the test: dropping it deletes the database.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(config()).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        Self::spawn_on(TestDb::sqlite().await, no_providers(), config)
    }

    pub fn spawn_on(db: TestDb, oidc: Oidc, config: WebConfig) -> TestApp {
        let state = state_on(&db, oidc, config);
        TestApp {
            router: onsite_web::router(state.clone()),
            state,
            db,
        }
    }

    /// The production edge around extra routes of the test's own (e.g. one that panics).
    pub async fn spawn_around(routes: axum::Router<AppState>) -> TestApp {
        let db = TestDb::sqlite().await;
        let state = state_on(&db, no_providers(), config());
        TestApp {
            router: onsite_web::edge(routes, state.clone()),
            state,
            db,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        // An event stream does not end: its first frame stands for it.
        let stream = headers
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let bytes = if stream {
            use futures_util::StreamExt;
            let mut frames = response.into_body().into_data_stream();
            match tokio::time::timeout(std::time::Duration::from_secs(5), frames.next()).await {
                Ok(Some(Ok(frame))) => frame,
                _ => axum::body::Bytes::new(),
            }
        } else {
            axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body")
        };
        TestResponse {
            status,
            headers,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub fn app(&self) -> &App {
        &self.state.app
    }

    /// A new session for `user`, as signing in would make: the cookie value and the session's
    /// CSRF token.
    pub async fn session_for(&self, user: UserId) -> (String, String) {
        let token = Secret::token();
        let csrf = Secret::token().expose().to_owned();
        let now = self.state.clock.now();
        let mut conn = self.db.store().conn().await.unwrap();
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
        .await
        .unwrap();
        (token.expose().to_owned(), csrf)
    }

    /// A browser signed in as `user` (through a fresh session).
    pub async fn browser_as(&self, user: UserId) -> Browser<'_> {
        let (token, csrf) = self.session_for(user).await;
        let mut browser = Browser::new(self);
        browser.set_cookie(onsite_web::session::SESSION_COOKIE, &token);
        browser.csrf = csrf;
        browser
    }
}

/// What `both_backends!(name, |app: TestApp| …)` gives: the app on the fresh database, with
/// the test configuration and no OpenID providers.
impl FromTestDb for TestApp {
    /// One thread, as every test of this suite (`#[tokio::test]`). On two workers the test of a
    /// keep-alive connection that asks for the live map after another request sometimes gets
    /// hyper's answer instead of the lean path's: hyper can read the next request before it
    /// goes idle and hands the connection back (`lean.rs`).
    const RUNTIME: TestRuntime = TestRuntime::CurrentThread;

    async fn from_test_db(db: TestDb) -> (TestApp, Option<TestDb>) {
        (TestApp::spawn_on(db, no_providers(), config()), None)
    }
}

pub fn get(path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::GET)
        .uri(path)
        .header("host", "onsite.test")
}

/// An anonymous CSRF token the tests use as their double-submit cookie.
pub const TEST_CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A form post as a browser on the portal itself sends it, anonymous, with a valid
/// double-submit token (cookie and field).
pub fn same_origin_form(path: &str, body: &str) -> Request<Body> {
    let body = if body.is_empty() {
        format!("csrf={TEST_CSRF}")
    } else {
        format!("{body}&csrf={TEST_CSRF}")
    };
    form(path)
        .header("sec-fetch-site", "same-origin")
        .header("cookie", format!("onsite_csrf={TEST_CSRF}"))
        .body(Body::from(body))
        .unwrap()
}

/// A form post without the browser's origin headers or a token; the test adds what it needs.
pub fn form(path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", "onsite.test")
        .header("content-type", "application/x-www-form-urlencoded")
}

/// URL-encodes form fields.
pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                onsite_web::guard::encode_component(k),
                onsite_web::guard::encode_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` of the response.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The `Set-Cookie` of cookie `name`, if the response sets it.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.split('=').next() == Some(name))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The `lang` attribute of the page's `<html>` element.
    pub fn html_lang(&self) -> String {
        let text = self.text();
        let start =
            text.find("<html lang=\"").expect("an <html lang> element") + "<html lang=\"".len();
        text[start..].split('"').next().unwrap().to_owned()
    }

    /// The CSRF token the page gives its forms (`<meta name="csrf-token">`).
    pub fn csrf_meta(&self) -> Option<String> {
        let text = String::from_utf8_lossy(&self.bytes).into_owned();
        let marker = "<meta name=\"csrf-token\" content=\"";
        let start = text.find(marker)? + marker.len();
        Some(text[start..].split('"').next()?.to_owned())
    }
}

/// A browser on the portal: keeps cookies (whatever their path), sends the CSRF token of the
/// last page with its forms, and says that requests come from the portal itself.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
    pub csrf: String,
    pub accept_language: Option<&'static str>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: BTreeMap::new(),
            csrf: String::new(),
            accept_language: None,
        }
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, response: &TestResponse) {
        for set in response.set_cookies() {
            let pair = set.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        if let Some(token) = response.csrf_meta() {
            self.csrf = token;
        }
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "onsite.test");
        if !self.cookies.is_empty() {
            request = request.header("cookie", self.cookie_header());
        }
        if let Some(lang) = self.accept_language {
            request = request.header("accept-language", lang);
        }
        request
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let response = self
            .app
            .send(
                self.request(Method::GET, path)
                    .header("sec-fetch-site", "same-origin")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        self.absorb(&response);
        response
    }

    /// Submits a form of the portal (with the CSRF token of the last page; a first page is
    /// opened when there was none yet).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if self.csrf.is_empty() {
            self.get("/").await;
        }
        let csrf = self.csrf.clone();
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post_raw(path, &encode(&all), &[("sec-fetch-site", "same-origin")])
            .await
    }

    /// Posts `body` as a form with exactly the extra headers given (no token added).
    pub async fn post_raw(
        &mut self,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = self
            .request(Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .app
            .send(request.body(Body::from(body.to_owned())).unwrap())
            .await;
        self.absorb(&response);
        response
    }

    /// Posts JSON to the API with the CSRF token in its header, as the portal's scripts do.
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> TestResponse {
        if self.csrf.is_empty() {
            self.get("/").await;
        }
        let request = self
            .request(Method::POST, path)
            .header("content-type", "application/json")
            .header("sec-fetch-site", "same-origin")
            .header("x-csrf-token", self.csrf.clone())
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = self.app.send(request).await;
        self.absorb(&response);
        response
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> TestResponse {
        self.get("/sign-in").await;
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }
}

/// Someone of the [`World`].
#[derive(Debug, Clone)]
pub struct Person {
    pub who: &'static str,
    pub user: UserId,
    pub email: String,
}

/// Two customer accounts (A and B) and a partner account, with a person of every role, in a
/// fresh database. Account A's data carries distinctive markers, to look for where it must
/// not appear.
pub struct World {
    pub account_a: AccountId,
    pub account_b: AccountId,
    pub partner_account: AccountId,
    /// A contact of account A without a portal account (for invitations).
    pub contact_a_new: ContactId,
    pub people: Vec<Person>,
}

/// Text that belongs to account A only.
pub const A_MARKERS: [&str; 4] = [
    "Zephyrine Holdings",
    "ana.zephyrine@a-account.test",
    "Ana Zephyrine",
    "+15145550142",
];
/// Text that belongs to account B only.
pub const B_MARKERS: [&str; 3] = [
    "Borealis Freight",
    "bruno.borealis@b-account.test",
    "Bruno Borealis",
];

pub async fn insert_account(app: &TestApp, name: &str, kind: AccountKind) -> AccountId {
    let mut conn = app.db.store().conn().await.unwrap();
    accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind,
            name,
            active: true,
            address: &east_end_address(),
            territory_id: None,
        },
    )
    .await
    .unwrap()
}

pub async fn insert_contact(
    app: &TestApp,
    account: AccountId,
    first: &str,
    last: &str,
    email: &str,
    phone: Option<&str>,
) -> ContactId {
    let email = EmailAddress::parse(email).unwrap();
    let phone = phone.map(|p| PhoneNumber::parse(p).unwrap());
    let mut conn = app.db.store().conn().await.unwrap();
    accounts::insert_contact(
        &mut conn,
        &NewContact {
            account_id: account,
            first_name: first,
            last_name: last,
            email: &email,
            phone: phone.as_ref(),
        },
    )
    .await
    .unwrap()
}

/// A user with [`PASSWORD`] (hashed once per process: Argon2 is slow on purpose).
pub async fn insert_user(
    app: &TestApp,
    email: &str,
    name: &str,
    contact: Option<ContactId>,
    roles: &[Role],
) -> UserId {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = HASH
        .get_or_init(|| onsite_app::passwords::hash(PASSWORD.to_owned()))
        .await;
    let email = EmailAddress::parse(email).unwrap();
    let mut conn = app.db.store().conn().await.unwrap();
    accounts::insert_user(
        &mut conn,
        &NewUser {
            email: &email,
            password_hash: Some(hash),
            display_name: name,
            language: None,
            contact_id: contact,
            roles,
        },
    )
    .await
    .unwrap()
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        let account_a = insert_account(app, "Zephyrine Holdings", AccountKind::Customer).await;
        let account_b = insert_account(app, "Borealis Freight", AccountKind::Customer).await;
        let partner_account =
            insert_account(app, "Partner Plumbing Co", AccountKind::Partner).await;
        let mut people = Vec::new();
        let mut person = |who, user, email: &str| {
            people.push(Person {
                who,
                user,
                email: email.to_owned(),
            })
        };

        let contact = insert_contact(
            app,
            account_a,
            "Ana",
            "Zephyrine",
            "ana.zephyrine@a-account.test",
            Some("+1 514 555 0142"),
        )
        .await;
        let user = insert_user(
            app,
            "ana.zephyrine@a-account.test",
            "Ana Zephyrine",
            Some(contact),
            &[Role::SelfScheduling],
        )
        .await;
        person("customer of A", user, "ana.zephyrine@a-account.test");
        for (who, email, role) in [
            (
                "reviewer of A",
                "rita.reviewer@a-account.test",
                Role::CustomerReviewer,
            ),
            (
                "approver of A",
                "april.approver@a-account.test",
                Role::CustomerApprover,
            ),
        ] {
            let contact = insert_contact(app, account_a, "Staff", who, email, None).await;
            let user = insert_user(app, email, "", Some(contact), &[role]).await;
            person(who, user, email);
        }
        let contact = insert_contact(
            app,
            account_b,
            "Bruno",
            "Borealis",
            "bruno.borealis@b-account.test",
            None,
        )
        .await;
        let user = insert_user(
            app,
            "bruno.borealis@b-account.test",
            "Bruno Borealis",
            Some(contact),
            &[Role::SelfScheduling],
        )
        .await;
        person("customer of B", user, "bruno.borealis@b-account.test");
        let contact = insert_contact(
            app,
            partner_account,
            "Pia",
            "Partner",
            "pia@partner.test",
            None,
        )
        .await;
        let user = insert_user(
            app,
            "pia@partner.test",
            "Pia Partner",
            Some(contact),
            &[Role::Partner],
        )
        .await;
        person("partner", user, "pia@partner.test");
        let user = insert_user(
            app,
            "theo@staff.test",
            "Théo Technicien",
            None,
            &[Role::Technician],
        )
        .await;
        {
            let mut conn = app.db.store().conn().await.unwrap();
            fixtures::technician(&mut conn, "Théo Technicien", Some(user)).await;
        }
        person("technician", user, "theo@staff.test");
        let user = insert_user(
            app,
            "dora@staff.test",
            "Dora Dispatcher",
            None,
            &[Role::Dispatcher],
        )
        .await;
        person("dispatcher", user, "dora@staff.test");
        let user = insert_user(app, "adam@staff.test", "Adam Admin", None, &[Role::Admin]).await;
        person("admin", user, "adam@staff.test");

        let contact_a_new = insert_contact(
            app,
            account_a,
            "Nora",
            "Newcomer",
            "nora.newcomer@a-account.test",
            None,
        )
        .await;
        World {
            account_a,
            account_b,
            partner_account,
            contact_a_new,
            people,
        }
    }

    pub fn person(&self, who: &str) -> &Person {
        self.people
            .iter()
            .find(|p| p.who == who)
            .unwrap_or_else(|| panic!("no {who} in the world"))
    }

    pub fn user(&self, who: &str) -> UserId {
        self.person(who).user
    }
}

/// Now, as the app sees it.
pub fn now(app: &TestApp) -> Timestamp {
    app.state.clock.now()
}

// ---- Over a real socket: `onsite_web::serve` on a loopback port ---------------------------

/// The real server (`onsite_web::serve`, lean path in front) on a loopback port.
pub async fn serve_on_socket(app: &TestApp) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(onsite_web::serve(
        listener,
        app.state.clone(),
        std::future::pending(),
    ));
    addr
}

/// A raw HTTP/1.1 connection: the test writes the head itself (whole, or in slow parts).
pub struct Raw(pub tokio::io::BufReader<tokio::net::TcpStream>);

impl Raw {
    pub async fn open(addr: std::net::SocketAddr) -> Raw {
        Raw(tokio::io::BufReader::new(
            tokio::net::TcpStream::connect(addr).await.unwrap(),
        ))
    }

    pub async fn write(&mut self, bytes: &str) {
        use tokio::io::AsyncWriteExt;
        self.0.get_mut().write_all(bytes.as_bytes()).await.unwrap();
    }

    /// The status and the header lines (lower case) of the response.
    pub async fn head(&mut self) -> (u16, String) {
        use tokio::io::AsyncBufReadExt;
        let mut head = String::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let mut line = String::new();
                if self.0.read_line(&mut line).await.unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line.to_ascii_lowercase());
            }
        })
        .await
        .expect("a response head");
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head)
    }

    /// Everything until the server closes or `wait` passes.
    pub async fn rest(&mut self, wait: Duration) -> String {
        use tokio::io::AsyncReadExt;
        let mut bytes = Vec::new();
        let _ = tokio::time::timeout(wait, self.0.read_to_end(&mut bytes)).await;
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The body of a response whose head `head` (from [`Raw::head`]) gives its length.
    pub async fn sized_body(&mut self, head: &str) -> String {
        use tokio::io::AsyncReadExt;
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("a content-length in {head}"));
        let mut body = vec![0; length];
        tokio::time::timeout(Duration::from_secs(10), self.0.read_exact(&mut body))
            .await
            .expect("the whole body")
            .unwrap();
        String::from_utf8_lossy(&body).into_owned()
    }
}

/// The one-time secrets (reset tokens, invitation codes) the outbox keeps for the delivery of
/// messages not yet sent, read as only the delivery worker may: (message, secret), oldest
/// first.
pub async fn kept_secrets(app: &TestApp) -> Vec<(onsite_store::outbox::OutboxId, String)> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, secret FROM email_outbox WHERE secret IS NOT NULL ORDER BY id")
            .fetch_all(&mut *app.db.store().conn().await.unwrap())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(id, secret)| (onsite_store::outbox::OutboxId(id), secret))
        .collect()
}
