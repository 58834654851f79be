//! The one error type of the HTTP edge, and the layer that turns every error response into a
//! friendly page (or, under `/api/`, the JSON error shape).
//!
//! Handlers return [`WebResult`]. [`WebError::into_response`] only decides the status and
//! what to tell (an [`ErrorReport`] in the response's extensions) and logs server errors with
//! their cause chain; [`render_errors`], which knows the request (its language, its request
//! id, whether it is an API call), writes the body. Error responses made by the framework or
//! by tower layers (405, 413, a bad query string, a timeout, a caught panic) pass through the
//! same layer, so people never see a bare status or a Rust message.
//!
//! API errors look like (crates.io style):
//! `{"error": {"code": "not_found", "message": "…in the caller's language…", "field": null}}`

use crate::layout::{Page, render_with_status};
use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, VARY, WWW_AUTHENTICATE,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onsite_app::failure::{Failure, Kind};
use onsite_app::throttle::Throttled;
use onsite_domain::InvalidInput;
use onsite_i18n::Locale;
use onsite_store::StoreError;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;
use utoipa::ToSchema;

pub type WebResult<T, E = WebError> = Result<T, E>;

/// Everything that can go wrong while answering a request: a use case's [`Failure`], or one
/// of the edge's own refusals.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A use case's failure: its [`Kind`] decides the status ([`status_of`]).
    #[error(transparent)]
    Failed(Arc<dyn Failure>),
    /// A use case refused an option of the URL (a list's cursor, sort or filter): a read
    /// changes nothing and has no form to show again, so it is the request's fault (400),
    /// explained by the failure.
    #[error("bad query: {0}")]
    BadQuery(Arc<dyn Failure>),
    #[error("not found")]
    NotFound,
    /// The request is malformed in a way no field explains.
    #[error("bad request")]
    BadRequest,
    /// A state-changing request from another site (see `security::refuse_cross_site`).
    #[error("cross-site request refused")]
    CrossSite,
    /// A state-changing request without a valid CSRF token (see `csrf.rs`).
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Nobody is signed in where someone must be (API calls; pages redirect to sign in).
    #[error("not signed in")]
    Unauthorized,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("forbidden")]
    Forbidden,
    /// A request made with an API token that lacks the route's scope, or on a route no token
    /// may use (see `guard.rs`).
    #[error("the API token's scopes do not allow this route")]
    TokenScope,
    #[error("service unavailable")]
    Unavailable,
    /// A bug or a failing dependency: logged with its cause chain, shown as a plain 500 with
    /// the request id.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl WebError {
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> WebError {
        WebError::Internal(Box::new(error))
    }

    /// A use case's failure met while reading a URL's options: see [`WebError::BadQuery`].
    pub fn bad_query(failure: impl Failure) -> WebError {
        match failure.kind() {
            Kind::Invalid | Kind::Malformed => WebError::BadQuery(Arc::new(failure)),
            _ => WebError::Failed(Arc::new(failure)),
        }
    }

    /// The status and what the person is told.
    pub fn report(&self) -> (StatusCode, ErrorReport) {
        let edge = |kind: Kind, message: &'static str| ErrorReport {
            code: kind.code(),
            message: Message::Id(Cow::Borrowed(message)),
            field: None,
            wait: None,
        };
        let (kind, report) = match self {
            WebError::Failed(failure) => (failure.kind(), ErrorReport::of(failure)),
            WebError::BadQuery(failure) => (Kind::Malformed, ErrorReport::of(failure)),
            WebError::NotFound => (Kind::NotFound, edge(Kind::NotFound, "web-error-not-found")),
            WebError::BadRequest => (
                Kind::Malformed,
                edge(Kind::Malformed, "web-error-bad-request"),
            ),
            WebError::CrossSite => (
                Kind::NotAllowed,
                ErrorReport {
                    code: "cross_site",
                    ..edge(Kind::NotAllowed, "web-error-cross-site")
                },
            ),
            WebError::Csrf => (
                Kind::NotAllowed,
                ErrorReport {
                    code: "csrf",
                    ..edge(Kind::NotAllowed, "web-error-csrf")
                },
            ),
            WebError::Unauthorized => (
                Kind::Unauthenticated,
                edge(Kind::Unauthenticated, "web-error-unauthorized"),
            ),
            WebError::PayloadTooLarge => {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorReport::for_status(StatusCode::PAYLOAD_TOO_LARGE),
                );
            }
            WebError::Forbidden => (
                Kind::NotAllowed,
                edge(Kind::NotAllowed, "web-error-forbidden"),
            ),
            WebError::TokenScope => (
                Kind::NotAllowed,
                ErrorReport {
                    code: "insufficient_scope",
                    ..edge(Kind::NotAllowed, "web-error-token-scope")
                },
            ),
            WebError::Unavailable => (
                Kind::Unavailable,
                edge(Kind::Unavailable, "web-error-unavailable"),
            ),
            WebError::Internal(_) => (Kind::Internal, edge(Kind::Internal, "error-internal")),
        };
        (status_of(kind), report)
    }
}

/// The one place where a kind of failure becomes an HTTP status, for pages and the API alike.
pub fn status_of(kind: Kind) -> StatusCode {
    match kind {
        Kind::Malformed => StatusCode::BAD_REQUEST,
        Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
        Kind::NotAllowed | Kind::Disabled => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::Invalid => INVALID,
        Kind::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        Kind::Upstream => StatusCode::BAD_GATEWAY,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The status of a form shown again because a value the person typed is refused (by a use
/// case, or by the page's own checks: two passwords that differ, a field left empty).
pub const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The status a page shows a form again with, refused by `failure`.
pub fn status(failure: &impl Failure) -> StatusCode {
    status_of(failure.kind())
}

/// The status a form is shown again with, refused by `failure`: as [`status_of`], except that
/// an option the form named and that is gone (a service type, an asset) is the form's invalid
/// value, not a missing page.
pub fn form_status(failure: &impl Failure) -> StatusCode {
    match failure.kind() {
        Kind::NotFound => StatusCode::UNPROCESSABLE_ENTITY,
        kind => status_of(kind),
    }
}

/// The status of a refusal a form can show again for the person to fix (a value at fault, or
/// the state of things that changed meanwhile); `None`: anything else, which is the error
/// page.
pub fn form_refusal_status(failure: &impl Failure) -> Option<StatusCode> {
    match failure.kind() {
        kind @ (Kind::Invalid | Kind::Conflict) => Some(status_of(kind)),
        _ => None,
    }
}

/// Every use case's error converts into a [`WebError`] with `?`.
macro_rules! failures {
    ($($failure:ty),* $(,)?) => {$(
        impl From<$failure> for WebError {
            fn from(e: $failure) -> Self {
                WebError::Failed(Arc::new(e))
            }
        }
    )*};
}

failures!(
    onsite_app::api_tokens::ApiTokenError,
    onsite_app::booking::BookingError,
    onsite_app::catalog::CatalogError,
    onsite_app::customers::CustomerError,
    onsite_app::distribution::DistributionError,
    onsite_app::mailbox::MailboxError,
    onsite_app::moves::MoveError,
    onsite_app::feedback::FeedbackError,
    onsite_app::identity::IdentityError,
    onsite_app::oidc::OidcError,
    onsite_app::partners::PartnerError,
    onsite_app::records::RecordsError,
    onsite_app::settings::SettingError,
    onsite_app::territories::TerritoryError,
    onsite_app::tracking::TrackingError,
    onsite_app::webhooks::WebhookError,
    onsite_app::workforce::WorkforceError,
    onsite_domain::settings::InvalidSetting,
    InvalidInput,
    StoreError,
);

/// What an error response tells the person; [`render_errors`] turns it into a page or JSON.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    /// Stable, machine-readable (`not_found`, `invalid`…): API clients branch on it.
    pub code: &'static str,
    /// What the person is told, rendered in their language by [`render_errors`].
    pub message: Message,
    /// The input at fault, when one is.
    pub field: Option<Cow<'static, str>>,
    /// Too many attempts: how long to wait (the message says it, `Retry-After` too).
    pub wait: Option<Throttled>,
}

/// The message of an error response, before its language is known.
#[derive(Debug, Clone)]
pub enum Message {
    /// A Fluent message of the edge.
    Id(Cow<'static, str>),
    /// A use case's failure, which words itself (with its specifics).
    Failure(Arc<dyn Failure>),
}

impl ErrorReport {
    /// The report of a use case's failure.
    pub fn of(failure: &Arc<dyn Failure>) -> ErrorReport {
        ErrorReport {
            code: failure.code(),
            message: Message::Failure(failure.clone()),
            field: failure.field(),
            wait: match failure.kind() {
                Kind::RateLimited(wait) => Some(wait),
                _ => None,
            },
        }
    }

    /// The report for an error response that carries none (made by the framework or a tower
    /// layer), from its status alone.
    pub fn for_status(status: StatusCode) -> ErrorReport {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => ("not_found", "web-error-not-found"),
            StatusCode::METHOD_NOT_ALLOWED => {
                ("method_not_allowed", "web-error-method-not-allowed")
            }
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "web-error-payload-too-large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", "web-error-bad-request")
            }
            StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "web-error-bad-request"),
            StatusCode::FORBIDDEN => ("forbidden", "web-error-forbidden"),
            StatusCode::UNAUTHORIZED => ("unauthorized", "web-error-unauthorized"),
            StatusCode::CONFLICT => ("conflict", "web-error-conflict"),
            StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "web-error-too-many-requests"),
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
                ("unavailable", "web-error-unavailable")
            }
            s if s.is_server_error() => ("internal", "error-internal"),
            _ => ("bad_request", "web-error-bad-request"),
        };
        ErrorReport {
            code,
            message: Message::Id(Cow::Borrowed(message)),
            field: None,
            wait: None,
        }
    }

    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match &self.message {
            Message::Id(id) => locale.text(id),
            Message::Failure(failure) => failure.message(locale),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, report) = self.report();
        if status.is_server_error() {
            // The only place the cause is recorded: the person sees the request id, and the
            // log line carries the same id through the request's span.
            tracing::error!(error = %cause_chain(&self), "request failed");
        }
        let mut response = status.into_response();
        if let Some(wait) = report.wait {
            retry_after(&mut response, wait);
        }
        response.extensions_mut().insert(report);
        response
    }
}

/// Tells the client how long to wait before trying again (`Retry-After`, in seconds) when
/// `failure` is a wait: on every 429, the API's and the forms' shown again alike.
pub fn set_retry_after(response: &mut Response, failure: &impl Failure) {
    if let Kind::RateLimited(wait) = failure.kind() {
        retry_after(response, wait);
    }
}

fn retry_after(response: &mut Response, wait: Throttled) {
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(wait.seconds()));
}

/// `error: cause: cause…`, so one log line tells the whole story.
fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

/// The fallback route: no page here.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// Whether a path belongs to the JSON API, whose errors are JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Whether an error answers in JSON: the API, the tracking apps' `/track/` routes, and any
/// request that sent JSON (the technician page's position reports).
fn answers_json(parts: &axum::http::request::Parts) -> bool {
    let path = parts.uri.path();
    is_api(path)
        || path.starts_with("/track/")
        || parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"))
}

/// A response that already has a real body of its own (a form shown again with 422, a JSON
/// health report) is left alone; bare statuses and framework text are rewritten.
fn has_own_body(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("text/html")
                || ct.starts_with("application/json")
                || ct.starts_with("text/event-stream")
        })
}

/// The API's one error shape (crates.io style): `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, in an error body (`Error`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable: clients branch on it (`not_found`, `invalid`,
    /// `slot_taken`…).
    pub code: &'static str,
    /// In the caller's language.
    pub message: String,
    /// The input at fault (a JSON member, a query parameter, a setting key), or `null`.
    #[schema(required = true, value_type = Option<String>)]
    pub field: Option<Cow<'static, str>>,
    /// When several inputs are refused at once (Send Feedback's answers): each with its
    /// message, `field` being the first. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
}

/// One refused input of an error's `fields`.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    /// Why, in the caller's language.
    pub message: String,
}

impl ErrorBody {
    pub fn new(report: &ErrorReport, message: String) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: report.code,
                message,
                field: report.field.clone(),
                fields: None,
            },
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: &'a Page,
    status: u16,
    title: String,
    message: String,
    server_error: bool,
}

/// Middleware: gives every error response its page (or JSON) in the request's language, with
/// the request id. The session layer, when it comes, must sit outside this one so that error
/// pages see the person's profile language.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let page = Page::from_parts(&parts);
    let api = answers_json(&parts);
    let response = next.run(Request::from_parts(parts, body)).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if has_own_body(&response) => return response,
        None => ErrorReport::for_status(status),
    };
    let (mut head, _) = response.into_parts();
    head.headers.remove(CONTENT_LENGTH);
    let message = report.text(page.locale);
    let mut response = if api {
        let body = ErrorBody::new(&report, message);
        head.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Response::from_parts(head, Body::from(body.to_json()))
    } else {
        let template = ErrorPage {
            page: &page,
            status: status.as_u16(),
            title: page.t(title_id(status)),
            message,
            server_error: status.is_server_error(),
        };
        match render_with_status(status, &template) {
            Ok(rendered) => {
                let (rendered_head, body) = rendered.into_parts();
                head.headers.extend(rendered_head.headers);
                Response::from_parts(head, body)
            }
            Err(e) => {
                tracing::error!(error = %cause_chain(&e), "cannot render the error page");
                head.headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                Response::from_parts(
                    head,
                    Body::from(format!("{} — {}", status, page.request_id)),
                )
            }
        }
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    // An API token refused: the challenge RFC 6750 (section 3) gives a Bearer client.
    let challenge = match report.code {
        "invalid_token" => Some(r#"Bearer error="invalid_token""#),
        "insufficient_scope" => Some(r#"Bearer error="insufficient_scope""#),
        _ => None,
    };
    if let Some(challenge) = challenge {
        headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

fn title_id(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "web-error-title-not-found",
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "web-error-title-forbidden",
        s if s.is_server_error() => "web-error-title-server",
        _ => "web-error-title-request",
    }
}

/// The panic catcher's answer: log what panicked, answer as any internal error.
#[derive(Debug, Clone, Copy)]
pub struct PanicToError;

impl tower_http::catch_panic::ResponseForPanic for PanicToError {
    type ResponseBody = Body;

    fn response_for_panic(
        &mut self,
        panic: Box<dyn std::any::Any + Send + 'static>,
    ) -> Response<Body> {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        tracing::error!(panic = %what, "handler panicked");
        let (status, report) = WebError::Internal(what.into()).report();
        let mut response = status.into_response();
        response.extensions_mut().insert(report);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onsite_app::identity::IdentityError;

    fn assert_worded(report: &ErrorReport, what: &str) {
        for locale in onsite_i18n::SUPPORTED {
            let text = report.text(*locale);
            assert!(
                !text.starts_with("Unknown localization key"),
                "{what} in {}",
                locale.tag()
            );
        }
    }

    #[test]
    fn every_status_mapping_has_messages_in_every_locale() {
        let errors = [
            WebError::NotFound,
            WebError::BadRequest,
            WebError::from(InvalidInput::new("email", "required")),
            WebError::CrossSite,
            WebError::Csrf,
            WebError::Unauthorized,
            WebError::PayloadTooLarge,
            WebError::Forbidden,
            WebError::from(StoreError::Conflict {
                constraint: "x".into(),
            }),
            WebError::Unavailable,
            WebError::internal(std::io::Error::other("disk")),
        ];
        let statuses = (400..600).filter_map(|s| StatusCode::from_u16(s).ok());
        let reports = errors
            .iter()
            .map(|e| e.report().1)
            .chain(statuses.map(ErrorReport::for_status));
        for report in reports {
            assert_worded(&report, report.code);
        }
    }

    #[test]
    fn every_kind_has_one_status() {
        let wait = Throttled::after(jiff::SignedDuration::from_secs(5));
        let expected = [
            (Kind::Malformed, 400),
            (Kind::Unauthenticated, 401),
            (Kind::NotAllowed, 403),
            (Kind::Disabled, 403),
            (Kind::NotFound, 404),
            (Kind::Conflict, 409),
            (Kind::Invalid, 422),
            (Kind::RateLimited(wait), 429),
            (Kind::Internal, 500),
            (Kind::Upstream, 502),
            (Kind::Unavailable, 503),
        ];
        for (kind, status) in expected {
            assert_eq!(status_of(kind).as_u16(), status, "{kind:?}");
            assert_eq!(status_of(kind).is_server_error(), kind.is_server_side());
        }
    }

    #[test]
    fn domain_validation_reasons_have_messages() {
        // The reasons onsite-domain uses today; a new one falls back to a generic message.
        for reason in [
            "required",
            "too-long",
            "control-characters",
            "out-of-range",
            "unknown",
            "email",
            "phone",
            "time-zone",
            "currency",
            "too-few-vertices",
            "start-before-end",
        ] {
            let (status, report) = WebError::from(InvalidInput::new("f", reason)).report();
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(report.field.as_deref(), Some("f"));
            assert_worded(&report, reason);
        }
        let (_, unknown) = WebError::from(InvalidInput::new("f", "brand-new-reason")).report();
        assert_eq!(
            unknown.text(onsite_i18n::DEFAULT),
            onsite_i18n::DEFAULT.text("web-error-invalid")
        );
    }

    #[test]
    fn identity_errors_have_statuses_and_messages_in_every_locale() {
        use onsite_app::passwords::WeakPassword;
        let errors = [
            IdentityError::RateLimited(Throttled::after(jiff::SignedDuration::from_secs(90))),
            IdentityError::BadCredentials,
            IdentityError::UnknownCode,
            IdentityError::ExpiredCode,
            IdentityError::UsedCode,
            IdentityError::EmailTaken,
            IdentityError::AccountInactive,
            IdentityError::AlreadyHasAccount,
            IdentityError::AlreadyInvited,
            IdentityError::InvalidResetLink,
            IdentityError::WrongCurrentPassword,
            IdentityError::OwnAdminRole,
            IdentityError::WeakPassword(WeakPassword::TooShort),
            IdentityError::WeakPassword(WeakPassword::TooLong),
            IdentityError::WeakPassword(WeakPassword::TooCommon),
        ];
        for e in errors {
            let id = e.message_id();
            let (status, report) = WebError::from(e).report();
            assert!(status.is_client_error(), "{id}: {status}");
            assert_worded(&report, id);
        }
        let internal = IdentityError::Store(StoreError::UnsupportedUrl);
        assert_eq!(
            WebError::from(internal).report().0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn store_errors_map_to_statuses() {
        assert_eq!(
            WebError::from(StoreError::NotFound).report().0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            WebError::from(StoreError::Conflict {
                constraint: "c".into()
            })
            .report()
            .0,
            StatusCode::CONFLICT
        );
        assert_eq!(
            WebError::from(StoreError::UnsupportedUrl).report().0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        // A use case that met a missing row answers as the store would, not as a bug.
        assert_eq!(
            WebError::from(onsite_app::booking::BookingError::Store(
                StoreError::NotFound
            ))
            .report()
            .0,
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn too_many_attempts_say_how_long_to_wait() {
        let wait = Throttled::after(jiff::SignedDuration::from_millis(89_500));
        let response = WebError::from(IdentityError::RateLimited(wait)).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[RETRY_AFTER], "90");
        let report = response.extensions().get::<ErrorReport>().unwrap();
        assert_eq!(
            report.text(onsite_i18n::DEFAULT),
            "Too many attempts. Please wait 2 minutes and try again."
        );
    }

    #[test]
    fn cause_chains_are_joined() {
        let e = WebError::internal(std::io::Error::other("disk full"));
        assert_eq!(cause_chain(&e), "internal error: disk full");
    }
}
