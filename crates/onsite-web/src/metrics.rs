//! Prometheus metrics, hand-rolled (a counter and a histogram do not need a crate):
//! `onsite_http_requests_total{method,route,status}`, `onsite_http_request_duration_seconds`
//! (histogram by method and route), `onsite_http_requests_in_flight`, `onsite_build_info` and
//! `process_start_time_seconds`, served at `GET /metrics` in the text exposition format.
//!
//! Labels stay bounded whatever people send: the route is the matched route template
//! (`/assets/{version}/{*path}`), or `unmatched`; unusual methods count as `OTHER`.
//!
//! Who may read them: an administrator (the route table gives `/metrics` the `Administer`
//! capability, so a signed-in administrator opens it like any page), or a scraper presenting
//! the configured token (`WebConfig::metrics_token`) as `Authorization: Bearer <token>`, which
//! [`scrape`] answers before routing. Route names and counts say how the portal is used, and
//! the build version tells an attacker what to look for: not for anyone who can reach the port.

use crate::AppState;
use crate::error::WebError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onsite_app::secrets::constant_time_eq;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// Upper bounds of the duration buckets, in seconds (Prometheus' defaults: from a cached
/// page to a slow report).
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
struct Histogram {
    /// Count per bucket (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Debug, Default)]
struct Samples {
    requests: BTreeMap<(&'static str, String, u16), u64>,
    durations: BTreeMap<(&'static str, String), Histogram>,
}

/// The registry: one per process (in [`AppState`]).
#[derive(Debug)]
pub struct Metrics {
    samples: Mutex<Samples>,
    in_flight: AtomicI64,
    started: SystemTime,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        Metrics {
            samples: Mutex::new(Samples::default()),
            in_flight: AtomicI64::new(0),
            started: SystemTime::now(),
        }
    }

    /// Records one finished request.
    pub fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        // A poisoned lock only means another request panicked while counting: the numbers
        // are still usable.
        let mut samples = self
            .samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *samples
            .requests
            .entry((method, route.to_owned(), status))
            .or_default() += 1;
        let histogram = samples
            .durations
            .entry((method, route.to_owned()))
            .or_default();
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.buckets[i] += 1;
        }
        histogram.sum += seconds;
        histogram.count += 1;
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let samples = self
            .samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);

        out.push_str("# HELP onsite_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE onsite_http_requests_total counter\n");
        for ((method, route, status), count) in &samples.requests {
            let route = escape(route);
            let _ = writeln!(
                out,
                "onsite_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }

        out.push_str("# HELP onsite_http_request_duration_seconds Time to answer HTTP requests, by method and route.\n");
        out.push_str("# TYPE onsite_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &samples.durations {
            let route = escape(route);
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(h.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "onsite_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "onsite_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "onsite_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "onsite_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        drop(samples);

        out.push_str("# HELP onsite_http_requests_in_flight HTTP requests being answered now.\n");
        out.push_str("# TYPE onsite_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "onsite_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );

        out.push_str("# HELP onsite_build_info The running build of Onsite (always 1).\n");
        out.push_str("# TYPE onsite_build_info gauge\n");
        let _ = writeln!(
            out,
            "onsite_build_info{{version=\"{}\",assets=\"{}\"}} 1",
            escape(env!("CARGO_PKG_VERSION")),
            crate::assets::VERSION
        );

        out.push_str(
            "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n",
        );
        out.push_str("# TYPE process_start_time_seconds gauge\n");
        let started = self
            .started
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let _ = writeln!(out, "process_start_time_seconds {started}");
        out
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Label values escape backslash, double quote and newline.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The matched route template, passed from [`remember_route`] to [`record`].
#[derive(Debug, Clone)]
struct RouteTemplate(String);

/// Route layer: copies the matched route onto the response, where the outer [`record`]
/// layer (which runs before routing, so cannot see it on the request) finds it.
pub async fn remember_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteTemplate(route));
    }
    response
}

/// Counts a request in flight until dropped, also when the client goes away mid-request
/// (the request's future is then dropped, not finished).
struct InFlight<'a>(&'a AtomicI64);

impl<'a> InFlight<'a> {
    fn enter(gauge: &'a AtomicI64) -> InFlight<'a> {
        gauge.fetch_add(1, Ordering::Relaxed);
        InFlight(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Middleware: counts and times every request.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let started = Instant::now();
    let in_flight = InFlight::enter(&state.metrics.in_flight);
    let response = next.run(request).await;
    drop(in_flight);
    let route = response
        .extensions()
        .get::<RouteTemplate>()
        .map_or("unmatched", |r| r.0.as_str());
    state.metrics.observe(
        &method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`, for a signed-in administrator (the route's guard checks it) or a scraper
/// with the token ([`scrape`]).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Middleware: answers `GET /metrics` with `Authorization: Bearer <token>` when the token is
/// the configured one, and refuses it (401) when it is not or none is configured. Every other
/// request, `/metrics` without a bearer token included (an administrator's browser), goes on
/// to the router.
pub async fn scrape(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let presented = (request.uri().path() == PATH)
        .then(|| request.headers().get(AUTHORIZATION))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(presented) = presented else {
        return next.run(request).await;
    };
    let expected = state.config.metrics_token.as_deref().unwrap_or_default();
    let mut response = if constant_time_eq(expected, presented) {
        metrics(State(state)).await
    } else {
        tracing::info!("refused a metrics scrape with a wrong token");
        let mut refused = WebError::Unauthorized.into_response();
        refused
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        refused
    };
    response
        .extensions_mut()
        .insert(RouteTemplate(PATH.to_owned()));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_counters_count() {
        let m = Metrics::new();
        m.observe(&Method::GET, "/", 200, 0.003);
        m.observe(&Method::GET, "/", 200, 0.2);
        m.observe(&Method::GET, "/", 404, 20.0);
        m.observe(
            &Method::from_bytes(b"BREW").unwrap(),
            "unmatched",
            405,
            0.001,
        );
        let text = m.render();
        assert!(
            text.contains(
                "onsite_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "onsite_http_requests_total{method=\"GET\",route=\"/\",status=\"404\"} 1\n"
            )
        );
        assert!(text.contains(
            "onsite_http_requests_total{method=\"OTHER\",route=\"unmatched\",status=\"405\"} 1\n"
        ));
        assert!(text.contains("onsite_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"0.005\"} 1\n"));
        assert!(text.contains("onsite_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"0.25\"} 2\n"));
        assert!(text.contains(
            "onsite_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"10\"} 2\n"
        ));
        assert!(text.contains("onsite_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"+Inf\"} 3\n"));
        assert!(text.contains(
            "onsite_http_request_duration_seconds_count{method=\"GET\",route=\"/\"} 3\n"
        ));
        assert!(text.contains("onsite_build_info{version=\""));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
