//! What every page's layout needs (language, request id, asset URLs, the switcher's return
//! path), gathered once per request by the [`Page`] extractor, and [`render`], which turns a
//! template into an HTML response.
//!
//! Templates live in `templates/`; each page template `{% extends "layout.html" %}` and has a
//! `page: Page` field. Text is always looked up through `page.t("message-id")` so that every
//! word on screen comes from the Fluent files.

use crate::error::{WebError, WebResult};
use crate::{assets, locale, request_id::RequestId};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onsite_i18n::{Arg, Locale};
use std::convert::Infallible;

/// Where "Sign in" leads; the identity work serves this page.
pub const SIGN_IN_PATH: &str = "/sign-in";

/// The per-request context of the layout.
#[derive(Debug, Clone)]
pub struct Page {
    pub locale: Locale,
    pub request_id: String,
    /// The current path and query, where the language switcher comes back to.
    pub path: String,
}

/// One entry of the language switcher.
#[derive(Debug, Clone)]
pub struct LanguageChoice {
    pub tag: &'static str,
    pub name: &'static str,
    pub current: bool,
}

impl Page {
    pub fn from_parts(parts: &Parts) -> Page {
        Page {
            locale: locale::choose(parts),
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(ToString::to_string)
                .unwrap_or_default(),
            path: parts
                .uri
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned(),
        }
    }

    /// The message `id` in the page's language.
    pub fn t(&self, id: &str) -> String {
        self.locale.text(id)
    }

    /// The message `id` with one text argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.locale.text_with(id, &[(name, Arg::Str(value))])
    }

    /// The versioned URL of an embedded asset (see [`assets::url`]).
    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    pub fn dir(&self) -> &'static str {
        self.locale.dir()
    }

    /// The switcher's options, in the order Onsite lists its languages.
    pub fn languages(&self) -> Vec<LanguageChoice> {
        onsite_i18n::SUPPORTED
            .iter()
            .map(|l| LanguageChoice {
                tag: l.tag(),
                name: l.native_name,
                current: *l == self.locale,
            })
            .collect()
    }

    pub fn sign_in_path(&self) -> &'static str {
        SIGN_IN_PATH
    }

    /// Where the switcher should return: this page, if it is a plain local path.
    pub fn return_to(&self) -> &str {
        locale::local_path(&self.path).unwrap_or("/")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Page::from_parts(parts))
    }
}

/// Renders `template` as a `200` HTML page.
pub fn render(template: &impl Template) -> WebResult<Response> {
    render_with_status(StatusCode::OK, template)
}

/// Renders `template` as an HTML page with `status` (e.g. a form shown again with 422). Pages
/// depend on the language, which depends on the cookie and `Accept-Language`: caches must
/// keep one copy per combination, and shared caches none (pages may be personal).
pub fn render_with_status(status: StatusCode, template: &impl Template) -> WebResult<Response> {
    let html = template.render().map_err(WebError::internal)?;
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}
