//! Request ids: every request gets one (the caller's `x-request-id` if it is sane, else a new
//! UUID), carried in the request's extensions and tracing span, echoed on the response, and
//! shown on error pages so a person can quote it to support and staff can find the log lines.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;

pub const HEADER: &str = "x-request-id";

/// The id of the current request (in the request's extensions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An id from a proxy or client is kept only when it is short and plain, so that it can go
/// into logs, headers and pages without escaping surprises.
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Middleware: chooses the id, stores it on the request (header and extension) and copies it
/// onto the response.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let value = HeaderValue::from_str(&id).expect("ids are checked or generated as plain ASCII");
    // The trace layer reads the extension when it opens the request's span.
    request.headers_mut().insert(HEADER, value.clone());
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// The tracing span of a request: method, path (never the query string, which may carry
/// one-time tokens) and request id, so every log line of the request can be found by its id.
pub fn make_span(request: &Request) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .map_or("", RequestId::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
        request_id = %id,
    )
}

/// Paths that carry a secret (the password-reset token) are logged without it: logs are read
/// by more people, and kept longer, than the link is valid.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    const SECRET_PREFIXES: [&str; 1] = ["/reset-password/"];
    for prefix in SECRET_PREFIXES {
        if path.starts_with(prefix) {
            return format!("{prefix}***").into();
        }
    }
    path.into()
}

#[cfg(test)]
mod tests {
    use super::{acceptable, loggable_path};

    #[test]
    fn reset_tokens_stay_out_of_logs() {
        assert_eq!(
            loggable_path("/reset-password/abcdef"),
            "/reset-password/***"
        );
        assert_eq!(loggable_path("/profile"), "/profile");
    }

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(acceptable("3f2a-bc_9.1"));
        assert!(acceptable(&"a".repeat(64)));
        assert!(!acceptable(""));
        assert!(!acceptable(&"a".repeat(65)));
        assert!(!acceptable("a b"));
        assert!(!acceptable("<script>"));
        assert!(!acceptable("id\nforged: log"));
    }
}
