//! Onsite's HTTP edge: pages, JSON API, extractors, security headers, static assets, metrics.
//!
//! The router is assembled from one `router()` per module (pages, language switcher, health,
//! metrics, assets, API) and wrapped once in the edge layers ([`edge`]), so every response,
//! including errors, panics and 404s, gets a request id, security headers, a metrics sample
//! and a localized error page. A new feature adds a module with its own `router()` and merges
//! it in [`routes`]; it never adds layers of its own for these concerns.
//!
//! Every route is declared once, with the [`Capability`](onsite_app::policy::Capability) it
//! needs, in the route table ([`routes::table`]); the router is built from that table and the
//! access-matrix test is generated from it.
//!
//! Layers, outermost first (see [`edge`]):
//! request id → trace span → metrics → security headers → session (and `Cache-Control:
//! no-store` on personal answers) → error pages → panic catcher → `Host` check → metrics
//! scrapers with the token → cross-site and CSRF refusal → body limit → timeout → routes (each
//! behind its capability guard).

// The edge: what every request goes through.
pub mod assets;
pub mod charts;
pub mod clock;
pub mod csrf;
pub mod error;
pub mod forms;
#[doc(hidden)]
pub mod fuzzing;
pub mod guard;
pub mod health;
pub mod input;
pub mod layout;
pub mod lean;
pub mod locale;
pub mod map_point;
pub mod metrics;
pub mod openapi;
pub mod picker;
pub mod request_id;
pub mod routes;
pub mod security;
pub mod server;
pub mod session;
pub mod settings_form;

// The areas: each with its pages, API and views side by side.
pub mod booking;
pub mod dispatch;
pub mod distribution;
pub mod feedback;
pub mod home;
pub mod identity;
pub mod moves;
pub mod records;
pub mod staff;
pub mod technician;
pub mod tracking;

pub use clock::Clock;
pub use error::{WebError, WebResult};
pub use layout::Page;
pub use locale::ProfileLanguage;
pub use request_id::RequestId;
pub use session::{CurrentActor, CurrentUser, Visitor};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use onsite_app::App;
use onsite_app::oidc::Oidc;
use onsite_store::Store;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body any route accepts unless it raises its own limit with a
/// route-level `DefaultBodyLimit` (e.g. a future CSV import). Forms and JSON stay far below.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How long a handler may take to produce its response head. Streams (server-sent events)
/// are not cut: the timeout ends when the headers are ready.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(30);

/// What the web edge needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where people reach the portal, e.g. `http://localhost:8080` (links in emails, origin
    /// checks behind a proxy that rewrites `Host`).
    pub public_url: String,
    /// Mark cookies `Secure` (only sent over HTTPS). On for any deployment behind TLS.
    pub secure_cookies: bool,
    /// The map tile URL template, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`; its
    /// host is allowed as an image source by the content security policy.
    pub map_tile_url: String,
    /// Take the client address (for per-address rate limits) from the last `X-Forwarded-For`
    /// entry, the one the deployment's own proxy appended. Only for deployments whose proxy
    /// sets it: otherwise anyone could claim any address. Off: the TCP peer's address.
    pub trust_forwarded_for: bool,
    /// How long a connection may take to send a request head or stay idle, and how many are
    /// served at once ([`server`]).
    pub connections: ConnectionLimits,
    /// Serve the live map's event streams on the lean path ([`lean`]: without hyper's
    /// per-connection buffers); `false`: every request through hyper ([`server::serve`]).
    pub lean_live_map: bool,
    /// How often an open schedule board's event stream asks the database whether the board
    /// changed (`dispatch::pages`); `None`: boards do not update by themselves.
    pub board_poll: Option<Duration>,
    /// The bearer token a metrics scraper presents for `GET /metrics` (administrators need
    /// none, their session is enough); `None`: only administrators may read the metrics.
    pub metrics_token: Option<String>,
    /// Email leaves the portal (the SMTP transport). `false` with the embedded mailbox: nothing
    /// reaches an inbox, and a message's one-time secret (an invitation code, a reset link)
    /// reaches nobody, so pages that would say "an email is on its way" say so instead.
    pub emails_reach_inboxes: bool,
}

/// What a connection may cost the server: its time to send a request head, its idle time
/// between requests, and how many connections are served at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request head must be complete this long after its first byte; a new connection must
    /// send its first head completely this long after it opened (one that sends nothing is
    /// closed then). Slower clients are disconnected.
    pub header_timeout: Duration,
    /// A keep-alive connection that sends no new request for this long is closed.
    pub idle_timeout: Duration,
    /// Connections served at once; further ones wait in the listen backlog until one closes.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 10_000,
        }
    }
}

/// Everything handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The use cases' context (store, mail notifier, public URL).
    pub app: App,
    /// External sign-in (OpenID Connect providers).
    pub oidc: Oidc,
    /// Where handlers get "now" from (tests move it forward to reach timeouts).
    pub clock: Clock,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<metrics::Metrics>,
    /// Computed once from the configuration (it names the tile host).
    pub(crate) policy: Arc<security::Policy>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("oidc", &self.oidc)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(app: App, oidc: Oidc, config: WebConfig) -> AppState {
        let policy = security::Policy::new(&config);
        AppState {
            store: app.store.clone(),
            app,
            oidc,
            clock: Clock::system(),
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::new()),
            policy: Arc::new(policy),
        }
    }
}

/// Every route of the portal, without the edge layers: built from the route table
/// ([`routes::table`]), each route behind the guard of its capability.
pub fn routes() -> Router<AppState> {
    routes::router()
        // Only matched routes pass through this: it tells the metrics layer the route
        // template, so labels stay bounded whatever paths people try.
        .route_layer(from_fn(metrics::remember_route))
        .fallback(error::not_found)
}

/// The whole application: [`routes`] behind the edge layers.
pub fn router(state: AppState) -> Router {
    edge(routes(), state)
}

/// Wraps `routes` in the edge layers. Public so that tests (and any future sub-application)
/// get exactly the production behaviour around routes of their own.
pub fn edge(routes: Router<AppState>, state: AppState) -> Router {
    let layers = ServiceBuilder::new()
        .layer(from_fn(request_id::assign))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::make_span))
        .layer(from_fn_with_state(state.clone(), metrics::record))
        .layer(from_fn_with_state(state.clone(), security::headers))
        // Outside the error pages, so that they are in the person's profile language and
        // show their navigation.
        .layer(from_fn_with_state(state.clone(), session::resolve))
        .layer(from_fn(error::render_errors))
        .layer(CatchPanicLayer::custom(error::PanicToError))
        .layer(from_fn(security::require_host))
        .layer(from_fn_with_state(state.clone(), metrics::scrape))
        .layer(from_fn_with_state(
            state.clone(),
            security::refuse_cross_site,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            HANDLER_TIMEOUT,
        ));
    routes.with_state(state).layer(layers)
}

/// Serves the portal on `listener` until `shutdown` resolves, then finishes the requests in
/// flight, within the [`ConnectionLimits`]. Handlers can extract `ConnectInfo<SocketAddr>`
/// (the peer address). With [`WebConfig::lean_live_map`] (the default) the live map's event
/// streams take the lean path ([`lean`]) and everything else is served by [`router`] through
/// hyper; without it, everything is ([`server`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if state.config.lean_live_map {
        lean::serve(listener, state, shutdown).await
    } else {
        server::serve(listener, state, shutdown).await
    }
}
