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
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onsite_app::identity::IdentityError;
use onsite_app::throttle::Throttled;
use onsite_domain::InvalidInput;
use onsite_i18n::Locale;
use onsite_store::StoreError;
use std::borrow::Cow;

pub type WebResult<T, E = WebError> = Result<T, E>;

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    /// The request is malformed in a way no field explains.
    #[error("bad request")]
    BadRequest,
    /// A value did not parse into its domain type: 422 naming the field and the reason.
    #[error("invalid input: {0}")]
    Invalid(#[from] InvalidInput),
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
    /// Too many attempts for now (`onsite_app::throttle`): 429 with `Retry-After` and a
    /// message saying how long to wait.
    #[error("too many attempts; retry after {} s", .0.seconds())]
    TooManyRequests(Throttled),
    /// A refusal with a message of its own: identity and external sign-in errors, whose use
    /// cases name the Fluent message that explains them.
    #[error("refused ({code}): {message_id}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message_id: &'static str,
        field: Option<&'static str>,
    },
    #[error("forbidden")]
    Forbidden,
    /// A unique constraint refused the write; the constraint is logged, not shown.
    #[error("conflict on {0}")]
    Conflict(String),
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

    /// The status and what the person is told: the one place where errors map to statuses.
    pub fn report(&self) -> (StatusCode, ErrorReport) {
        let (status, code, message) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "not_found", "web-error-not-found"),
            WebError::BadRequest => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "web-error-bad-request",
            ),
            WebError::Invalid(e) => {
                let report = ErrorReport {
                    code: "invalid",
                    message_id: Cow::Owned(format!("invalid-{}", e.reason)),
                    field: Some(e.field),
                    wait: None,
                };
                return (StatusCode::UNPROCESSABLE_ENTITY, report);
            }
            WebError::CrossSite => (StatusCode::FORBIDDEN, "cross_site", "web-error-cross-site"),
            WebError::Csrf => (StatusCode::FORBIDDEN, "csrf", "web-error-csrf"),
            WebError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "web-error-unauthorized",
            ),
            WebError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "web-error-payload-too-large",
            ),
            WebError::TooManyRequests(throttled) => {
                let report = ErrorReport {
                    code: "too_many_requests",
                    message_id: Cow::Borrowed("identity-rate-limited"),
                    field: None,
                    wait: Some(*throttled),
                };
                return (StatusCode::TOO_MANY_REQUESTS, report);
            }
            WebError::Refused {
                status,
                code,
                message_id,
                field,
            } => {
                let report = ErrorReport {
                    code,
                    message_id: Cow::Borrowed(message_id),
                    field: *field,
                    wait: None,
                };
                return (*status, report);
            }
            WebError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "web-error-forbidden"),
            WebError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "web-error-conflict"),
            WebError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "web-error-unavailable",
            ),
            WebError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "error-internal",
            ),
        };
        (
            status,
            ErrorReport {
                code,
                message_id: Cow::Borrowed(message),
                field: None,
                wait: None,
            },
        )
    }
}

impl From<IdentityError> for WebError {
    /// The statuses of identity refusals (API answers; pages show their own forms again).
    fn from(e: IdentityError) -> Self {
        use IdentityError as E;
        let message_id = e.message_id();
        let refused = |status, code, field| WebError::Refused {
            status,
            code,
            message_id,
            field,
        };
        match &e {
            _ if e.is_internal() => WebError::internal(e),
            E::Invalid(invalid) => WebError::Invalid(invalid.clone()),
            E::NotFound => WebError::NotFound,
            E::RateLimited(throttled) => WebError::TooManyRequests(*throttled),
            E::BadCredentials => refused(StatusCode::UNAUTHORIZED, "bad_credentials", None),
            E::UnknownCode | E::ExpiredCode | E::UsedCode => refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_code",
                Some("code"),
            ),
            E::EmailTaken
            | E::AccountInactive
            | E::AlreadyHasAccount
            | E::AlreadyInvited
            | E::OwnAdminRole => refused(StatusCode::CONFLICT, "conflict", None),
            E::InvalidResetLink => refused(StatusCode::BAD_REQUEST, "invalid_link", None),
            E::WrongCurrentPassword => refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Some("current_password"),
            ),
            E::WeakPassword(_) => refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Some("password"),
            ),
            E::Store(_) | E::Email(_) => WebError::internal(e),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict { constraint } => WebError::Conflict(constraint),
            other => WebError::internal(other),
        }
    }
}

/// What an error response tells the person; [`render_errors`] turns it into a page or JSON.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    /// Stable, machine-readable (`not_found`, `invalid`…): API clients branch on it.
    pub code: &'static str,
    /// The Fluent message shown to the person.
    pub message_id: Cow<'static, str>,
    /// The input at fault, when one is.
    pub field: Option<&'static str>,
    /// Too many attempts: how long to wait (the message says it).
    pub wait: Option<Throttled>,
}

impl ErrorReport {
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
            message_id: Cow::Borrowed(message),
            field: None,
            wait: None,
        }
    }

    /// The message in `locale`; a validation reason without a message of its own (a new one
    /// added to the domain) falls back to the generic "invalid value" text.
    pub fn message(&self, locale: Locale) -> String {
        if let Some(wait) = self.wait {
            return wait.message(locale);
        }
        let text = locale.text(&self.message_id);
        if text.starts_with("Unknown localization key") {
            tracing::warn!(message_id = %self.message_id, "no localized message; add it to web.ftl");
            return locale.text("web-error-invalid");
        }
        text
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
            set_retry_after(&mut response, wait);
        }
        response.extensions_mut().insert(report);
        response
    }
}

/// Tells the client how long to wait before trying again (`Retry-After`, in seconds): on every
/// 429, the API's and the forms' shown again alike.
pub fn set_retry_after(response: &mut Response, wait: Throttled) {
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
    let api = is_api(parts.uri.path());
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
    let message = report.message(page.locale);
    let mut response = if api {
        let body = serde_json::json!({
            "error": { "code": report.code, "message": message, "field": report.field }
        });
        head.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Response::from_parts(head, Body::from(body.to_string()))
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

    #[test]
    fn every_status_mapping_has_messages_in_every_locale() {
        let errors = [
            WebError::NotFound,
            WebError::BadRequest,
            WebError::Invalid(InvalidInput::new("email", "required")),
            WebError::CrossSite,
            WebError::Csrf,
            WebError::Unauthorized,
            WebError::PayloadTooLarge,
            WebError::TooManyRequests(Throttled::after(jiff::SignedDuration::from_secs(5))),
            WebError::Forbidden,
            WebError::Conflict("x".into()),
            WebError::Unavailable,
            WebError::internal(std::io::Error::other("disk")),
        ];
        let statuses = (400..600).filter_map(|s| StatusCode::from_u16(s).ok());
        let reports = errors
            .iter()
            .map(|e| e.report().1)
            .chain(statuses.map(ErrorReport::for_status));
        for report in reports {
            for locale in onsite_i18n::SUPPORTED {
                let text = locale.text(&report.message_id);
                assert!(
                    !text.starts_with("Unknown localization key"),
                    "{} in {}",
                    report.message_id,
                    locale.tag()
                );
            }
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
            let (_, report) = WebError::Invalid(InvalidInput::new("f", reason)).report();
            for locale in onsite_i18n::SUPPORTED {
                let text = locale.text(&report.message_id);
                assert!(
                    !text.starts_with("Unknown localization key"),
                    "{reason} in {}",
                    locale.tag()
                );
            }
        }
        let (_, unknown) = WebError::Invalid(InvalidInput::new("f", "brand-new-reason")).report();
        assert_eq!(
            unknown.message(onsite_i18n::DEFAULT),
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
            assert_eq!(report.message_id, id);
            for locale in onsite_i18n::SUPPORTED {
                let text = report.message(*locale);
                assert!(
                    !text.starts_with("Unknown localization key"),
                    "{id} in {}",
                    locale.tag()
                );
            }
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
    }

    #[test]
    fn too_many_attempts_say_how_long_to_wait() {
        let wait = Throttled::after(jiff::SignedDuration::from_millis(89_500));
        let response = WebError::TooManyRequests(wait).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[RETRY_AFTER], "90");
        let report = response.extensions().get::<ErrorReport>().unwrap();
        assert_eq!(
            report.message(onsite_i18n::DEFAULT),
            "Too many attempts. Please wait 2 minutes and try again."
        );
    }

    #[test]
    fn cause_chains_are_joined() {
        let e = WebError::internal(std::io::Error::other("disk full"));
        assert_eq!(cause_chain(&e), "internal error: disk full");
    }
}
