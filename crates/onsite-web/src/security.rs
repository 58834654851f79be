//! Browser-facing protections on every response, and the refusal of cross-site writes.
//!
//! Headers: a content security policy that allows no inline script or style (htmx is told not
//! to inject its indicator style; our CSS carries it), so an injected `<script>` or `style=`
//! never runs; no framing; no MIME sniffing; a referrer policy that still gives the map tile
//! server the origin its usage policy asks for; geolocation for this site only (technicians
//! share their position).
//!
//! Cross-site request forgery, first half: a state-changing request (POST, PUT, PATCH,
//! DELETE) is refused with 403 unless the browser says it comes from this very origin. The
//! rule follows the browsers' own signals, as Go's `http.CrossOriginProtection` does:
//! `Sec-Fetch-Site` when present (`same-origin`, or `none` for a person's own action, pass;
//! `same-site` does not, since a sibling subdomain may belong to someone else); otherwise the
//! `Origin` header must name this host or the configured public URL; a request with neither
//! comes from a non-browser client (API tokens, scripts), which no other site can drive.
//! The second half, a token in every write, is checked right after, in the same middleware
//! (see `csrf.rs`), so both halves live in one place.
//!
//! `Host`: an HTTP/1.1 request without a `Host` header, and any request with more than one, is
//! refused with 400, as RFC 9112 (section 3.2) requires. Its value is not compared with the public URL: links and
//! emails are built from the configured public URL, never from `Host`, and a proxy in front
//! may pass its own upstream name.

use crate::error::WebError;
use crate::{AppState, WebConfig};
use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Version};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The headers set on every response, computed once from the configuration.
#[derive(Debug)]
pub struct Policy {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// `scheme://host[:port]` of the public URL, for the `Origin` check behind proxies.
    public_origin: Option<String>,
}

impl Policy {
    pub fn new(config: &WebConfig) -> Policy {
        let csp = content_security_policy(&config.map_tile_url);
        let fixed = [
            ("content-security-policy", csp.as_str()),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "strict-origin-when-cross-origin"),
            (
                "permissions-policy",
                "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
            ),
            ("cross-origin-opener-policy", "same-origin"),
        ];
        let headers = fixed
            .into_iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_str(value).expect("the policy is built from checked parts"),
                )
            })
            .collect();
        Policy {
            headers,
            public_origin: origin_of(&config.public_url).map(str::to_ascii_lowercase),
        }
    }

    /// The `Content-Security-Policy` value.
    pub fn csp(&self) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == "content-security-policy")
            .and_then(|(_, v)| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// The policy: only our own files, plus map tiles (images) from the configured tile host.
fn content_security_policy(map_tile_url: &str) -> String {
    let mut img = String::from("'self' data:");
    match tile_source(map_tile_url) {
        Some(source) => {
            img.push(' ');
            img.push_str(&source);
        }
        None if map_tile_url.starts_with('/') => {} // tiles served by this site: 'self' covers them
        None => tracing::warn!(
            map_tile_url,
            "the map tile URL has no usable host; maps will show no tiles"
        ),
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src {img}; connect-src 'self'; \
         font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}

/// The CSP source for a tile URL template: `https://{s}.tile.example.org/{z}/{x}/{y}.png`
/// gives `https://*.tile.example.org` (Leaflet's `{s}` subdomains become a wildcard).
fn tile_source(template: &str) -> Option<String> {
    let origin = origin_of(template)?;
    let (scheme, authority) = origin.split_once("://")?;
    let host = authority.replace("{s}", "*");
    let plain = host.split(':').next().is_some_and(|h| {
        let h = h.strip_prefix("*.").unwrap_or(h);
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    });
    let port_ok = host
        .split_once(':')
        .is_none_or(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (plain && port_ok).then(|| format!("{scheme}://{host}"))
}

/// `scheme://authority` of an http(s) URL, if it is one.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if authority_len == 0 || rest[..authority_len].contains('@') {
        return None;
    }
    Some(&url[..scheme.len() + 3 + authority_len])
}

/// Middleware: sets the security headers on every response that does not set its own.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in &state.policy.headers {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    response
}

/// Middleware: refuses (400) an HTTP/1.1 request without a `Host` header, and any request
/// with more than one.
pub async fn require_host(request: Request, next: Next) -> Response {
    let hosts = request.headers().get_all(HOST).iter().count();
    if hosts > 1 || (hosts == 0 && request.version() == Version::HTTP_11) {
        tracing::info!(hosts, "refused a request without exactly one Host header");
        return WebError::BadRequest.into_response();
    }
    next.run(request).await
}

/// Middleware: refuses (403) state-changing requests that come from another site or carry no
/// valid CSRF token.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if writes && !same_origin(request.headers(), state.policy.public_origin.as_deref()) {
        tracing::info!(
            sec_fetch_site = ?request.headers().get("sec-fetch-site"),
            origin = ?request.headers().get(ORIGIN),
            "refused a cross-site request"
        );
        return WebError::CrossSite.into_response();
    }
    if !writes {
        return next.run(request).await;
    }
    match crate::csrf::check(request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// Whether the browser's own signals say a request comes from this origin (see module doc).
pub fn same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin = origin.to_ascii_lowercase();
    if public_origin == Some(origin.as_str()) {
        return true;
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    match (origin_of(&origin), host) {
        (Some(o), Some(host)) => o
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn tile_hosts_become_image_sources() {
        assert_eq!(
            tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.org")
        );
        assert_eq!(
            tile_source("http://localhost:8081/{z}/{x}/{y}.png").as_deref(),
            Some("http://localhost:8081")
        );
        assert_eq!(tile_source("/tiles/{z}/{x}/{y}.png"), None);
        assert_eq!(tile_source("javascript:alert(1)"), None);
        assert_eq!(tile_source("https://a b/{z}"), None);
        assert_eq!(tile_source("https://x; script-src *;/{z}"), None);
        assert_eq!(tile_source("https://user@host/{z}"), None);
    }

    #[test]
    fn the_policy_has_no_inline_allowance() {
        let csp = content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(
            csp.contains("img-src 'self' data: https://tile.openstreetmap.org;"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn browsers_signals_decide_same_origin() {
        let public = Some("https://portal.example.com");
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            public
        ));
        assert!(same_origin(&headers(&[("sec-fetch-site", "none")]), public));
        assert!(!same_origin(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://portal.example.com")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            public
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            public
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "https://portal.example.com"),
                ("host", "10.0.0.5:8080")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "portal.example.com")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("origin", "null"), ("host", "portal.example.com")]),
            public
        ));
        assert!(
            same_origin(&HeaderMap::new(), public),
            "non-browser clients send neither header"
        );
    }
}
