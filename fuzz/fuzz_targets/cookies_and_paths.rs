//! What browsers send besides forms: `Cookie` headers (session, CSRF and language cookies),
//! session ids, the CSRF field of a URL-encoded body, and the `return_to` paths that sign-in,
//! external sign-in and the language switcher redirect to. A path accepted as a return target
//! stays on this site and is a valid `Location` header (the switcher inserts it with
//! `expect`); a cookie value found is one the header held.

#![no_main]

use arbitrary::Arbitrary;
use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use onsite_app::oidc::is_local_path;
use onsite_app::secrets::constant_time_eq;
use onsite_web::fuzzing;
use onsite_web::identity::external::STATE_COOKIE;
use onsite_web::locale::{COOKIE_NAME, cookie, local_path};
use onsite_web::session::{CSRF_COOKIE, SESSION_COOKIE, plausible_token};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    cookies: Vec<&'a [u8]>,
    name: &'a str,
    path: &'a str,
    body: &'a [u8],
    token: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let mut headers = HeaderMap::new();
    for raw in &input.cookies {
        if let Ok(v) = HeaderValue::from_bytes(raw) {
            headers.append(COOKIE, v);
        }
    }
    for name in [
        input.name,
        SESSION_COOKIE,
        CSRF_COOKIE,
        COOKIE_NAME,
        STATE_COOKIE,
    ] {
        if let Some(value) = cookie(&headers, name) {
            let held = headers
                .get_all(COOKIE)
                .iter()
                .any(|h| String::from_utf8_lossy(h.as_bytes()).contains(value.as_str()));
            assert!(held, "{value:?} is not in the Cookie headers");
            if plausible_token(&value) {
                assert!(value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()));
            }
        }
    }
    if let Some(path) = local_path(input.path) {
        assert!(path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'));
        assert!(
            HeaderValue::from_str(path).is_ok(),
            "{path:?} is not a valid Location"
        );
        assert!(is_local_path(path), "the OpenID flow would refuse {path:?}");
    }
    if let Some(path) = fuzzing::return_path(Some(input.path)) {
        assert_eq!(local_path(path), Some(path));
    }
    if is_local_path(input.path) {
        assert!(input.path.starts_with('/') && !input.path.starts_with("//"));
    }
    if let Some(token) = fuzzing::csrf_form_field(input.body) {
        if constant_time_eq(&token, input.token) {
            assert!(!token.is_empty() && token == input.token);
        }
    }
    assert_eq!(
        constant_time_eq(input.token, input.name),
        !input.token.is_empty() && input.token == input.name
    );
});
