//! Cross-site request forgery, second half: every state-changing request (POST, PUT, PATCH,
//! DELETE) must present a token the attacker's page cannot know, in addition to the browser's
//! origin signals checked by `security::refuse_cross_site`.
//!
//! - Signed in: the session's own `csrf_token` (random, stored with the session).
//! - Anonymous (sign in, redeem, forgot and reset password, language): the double-submit token,
//!   the value of the `onsite_csrf` cookie (HttpOnly, SameSite=Strict, see `session.rs`),
//!   which another site can neither read nor make the browser send.
//!
//! Where the token goes: forms carry it in the hidden field `csrf` (`Page::csrf`); htmx and
//! `fetch` send it in the `X-CSRF-Token` header, which `onsite.js` fills from
//! `<meta name="csrf-token">`. Tokens are compared in constant time.
//!
//! URL-encoded form bodies are read here (up to [`crate::BODY_LIMIT`]) and handed on unchanged.
//! Multipart forms (uploads, later) must send the header: their body is not parsed here.
//!
//! Not covered: requests authenticated by a token instead of a cookie. Browsers never attach
//! such a token by themselves, so they need no CSRF token; [`check`] lets them through: the
//! tracking apps' routes under [`TOKEN_AUTHENTICATED`] (their personal token is in the request
//! itself; a session cookie sent along grants nothing there), and `/api/` requests with an
//! `Authorization: Bearer` API token (`session.rs`: the cookie is then ignored, valid token or
//! not, so that a refused token is answered as such by the guard).

use crate::BODY_LIMIT;
use crate::error::WebError;
use crate::session::Visitor;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use onsite_app::secrets::constant_time_eq;

/// The form field that carries the token.
pub const FIELD: &str = "csrf";
/// The header that carries the token (htmx, fetch, API calls from the portal's pages).
pub const HEADER: &str = "x-csrf-token";

/// Routes that authenticate by a token in the request, never by the session cookie (tracking
/// apps: OwnTracks, Traccar Client).
pub const TOKEN_AUTHENTICATED: &str = "/track/";

/// Checks the token of a state-changing request; gives the request back (its body read and
/// restored when it was a form) or the refusal.
pub async fn check(request: Request) -> Result<Request, WebError> {
    let bearer = request
        .extensions()
        .get::<Visitor>()
        .is_some_and(|v| v.bearer.is_some());
    if bearer || request.uri().path().starts_with(TOKEN_AUTHENTICATED) {
        return Ok(request);
    }
    let expected = request
        .extensions()
        .get::<Visitor>()
        .and_then(|v| v.expected_csrf())
        .map(str::to_owned);
    let from_header = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (request, presented) = match from_header {
        Some(token) => (request, Some(token)),
        None if is_form(&request) => read_form_token(request).await?,
        None => (request, None),
    };
    match (expected, presented) {
        (Some(expected), Some(presented)) if constant_time_eq(&expected, &presented) => Ok(request),
        (expected, presented) => {
            tracing::info!(
                has_expected = expected.is_some(),
                has_presented = presented.is_some(),
                "refused a write without a valid CSRF token"
            );
            Err(WebError::Csrf)
        }
    }
}

fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|m| m.trim() == "application/x-www-form-urlencoded")
        })
}

/// Reads a URL-encoded body, finds the `csrf` field, and rebuilds the request with the same
/// bytes for the handler's `Form` extractor.
async fn read_form_token(request: Request) -> Result<(Request, Option<String>), WebError> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Err(WebError::PayloadTooLarge);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| WebError::PayloadTooLarge)?;
    let token = form_field(&bytes, FIELD);
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The raw value of field `name` in a URL-encoded body. Our tokens are hex, so a value that
/// needed decoding could not match anyway; it is returned as sent.
pub(crate) fn form_field(body: &[u8], name: &str) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let mut it = pair.splitn(2, |b| *b == b'=');
        let key = it.next()?;
        let value = it.next().unwrap_or_default();
        (key == name.as_bytes()).then(|| String::from_utf8_lossy(value).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(constant_time_eq("abc123", "abc123"));
        assert!(!constant_time_eq("abc123", "abc124"));
        assert!(!constant_time_eq("abc123", "abc12"));
        assert!(!constant_time_eq("", ""), "an empty token is never valid");
    }

    #[test]
    fn the_field_is_found_among_others() {
        assert_eq!(
            form_field(b"email=a%40b.c&csrf=ff00&x=1", "csrf").as_deref(),
            Some("ff00")
        );
        assert_eq!(form_field(b"csrf=", "csrf").as_deref(), Some(""));
        assert_eq!(form_field(b"notcsrf=1&xcsrf=2", "csrf"), None);
        assert_eq!(form_field(b"", "csrf"), None);
    }
}
