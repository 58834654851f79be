//! Which language a page is in, and the language switcher.
//!
//! The choice, first match wins: the signed-in person's profile ([`ProfileLanguage`], put in
//! the request's extensions by the session layer), then the `lang` cookie the switcher sets,
//! then the browser's `Accept-Language`, then English. An unknown or unsupported value at any
//! step is skipped, never an error. When someone signed in uses the switcher, the choice is
//! saved to their profile too, so it follows them to their other devices.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::session::CurrentActor;
use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onsite_app::identity;
use onsite_app::oidc::is_local_path;
use onsite_domain::InvalidInput;
use onsite_i18n::Locale;
use std::convert::Infallible;

/// The cookie that remembers the switcher's choice.
pub const COOKIE_NAME: &str = "lang";
/// A year: the choice should outlive a browser restart, not a person's whole life.
const COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 3600;

/// The preferred language stored in the signed-in person's profile, inserted into the
/// request's extensions by the session layer (`session::resolve`).
#[derive(Debug, Clone, Default)]
pub struct ProfileLanguage(pub Option<String>);

/// Chooses the language of a request (see the module doc for the order).
pub fn choose(parts: &Parts) -> Locale {
    choose_from(parts.extensions.get::<ProfileLanguage>(), &parts.headers)
}

pub(crate) fn choose_from(profile: Option<&ProfileLanguage>, headers: &HeaderMap) -> Locale {
    let from_profile = profile
        .and_then(|p| p.0.as_deref())
        .and_then(Locale::from_tag);
    from_profile
        .or_else(|| cookie(headers, COOKIE_NAME).and_then(|v| Locale::from_tag(&v)))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or(onsite_i18n::DEFAULT)
}

/// The value of cookie `name`, if the request carries it (several `Cookie` headers allowed).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
}

/// Extractor: the language of this request.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(choose(parts)))
    }
}

/// The switcher's form: a language tag and the page to go back to.
#[derive(Debug, serde::Deserialize)]
pub struct SwitchForm {
    pub lang: String,
    #[serde(default)]
    pub return_to: Option<String>,
}

/// `POST /language`: remembers the language in a cookie and goes back (303) to the page the
/// person was on, if that is a page of this site; anywhere else becomes the home page, so the
/// form cannot be used to bounce people to another site.
pub async fn switch(
    State(state): State<AppState>,
    CurrentActor(visitor): CurrentActor,
    Form(form): Form<SwitchForm>,
) -> WebResult<Response> {
    let locale = Locale::from_tag(&form.lang)
        .filter(|l| l.tag().eq_ignore_ascii_case(form.lang.trim()))
        .ok_or(WebError::from(InvalidInput::new("lang", "unknown")))?;
    if let Some(signed_in) = &visitor.signed_in {
        identity::set_language(&state.app, signed_in.user.id, Some(locale.tag())).await?;
    }
    let target = form
        .return_to
        .as_deref()
        .and_then(local_path)
        .unwrap_or("/");
    let mut cookie = format!(
        "{COOKIE_NAME}={}; Path=/; Max-Age={COOKIE_MAX_AGE_SECS}; SameSite=Lax; HttpOnly",
        locale.tag()
    );
    if state.config.secure_cookies {
        cookie.push_str("; Secure");
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        LOCATION,
        HeaderValue::from_str(target).expect("local paths are valid header values"),
    );
    headers.insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("tags are plain ASCII"),
    );
    Ok(response)
}

/// `candidate` if it is a path on this site (`onsite_app::oidc::is_local_path`, the one rule
/// for return addresses) and a valid HTTP path-and-query.
pub fn local_path(candidate: &str) -> Option<&str> {
    (is_local_path(candidate) && candidate.parse::<PathAndQuery>().is_ok()).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use onsite_app::oidc::MAX_LOCAL_PATH;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn profile_then_cookie_then_browser_then_english() {
        let fr = Some(ProfileLanguage(Some("fr".into())));
        let both = headers(&[("cookie", "a=1; lang=en"), ("accept-language", "fr")]);
        assert_eq!(choose_from(fr.as_ref(), &both).tag(), "fr");
        assert_eq!(choose_from(None, &both).tag(), "en");
        assert_eq!(
            choose_from(None, &headers(&[("accept-language", "de, fr;q=0.5")])).tag(),
            "fr"
        );
        assert_eq!(
            choose_from(
                None,
                &headers(&[("cookie", "lang=xx"), ("accept-language", "fr")])
            )
            .tag(),
            "fr"
        );
        let unknown_profile = Some(ProfileLanguage(Some("zz".into())));
        assert_eq!(
            choose_from(unknown_profile.as_ref(), &headers(&[("cookie", "lang=fr")])).tag(),
            "fr"
        );
        assert_eq!(choose_from(None, &HeaderMap::new()).tag(), "en");
    }

    #[test]
    fn cookies_are_found_across_headers() {
        let h = headers(&[("cookie", "x=1"), ("cookie", "session=abc; lang=\"fr\"")]);
        assert_eq!(cookie(&h, "lang").as_deref(), Some("fr"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn only_local_paths_are_return_targets() {
        for ok in ["/", "/bookings?tab=past", "/a/b#top"] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/\tevil",
            "javascript:alert(1)",
            "evil.example",
            "/a b",
            "/\u{0}",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(
            local_path(&format!("/{}", "a".repeat(MAX_LOCAL_PATH))),
            None
        );
    }
}
