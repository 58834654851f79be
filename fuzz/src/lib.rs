//! What the fuzz targets share: requests built the way hyper hands them to axum, axum's own
//! extractors run on them, and the checks every target makes of a refusal.

use axum::body::Body;
use axum::extract::{Form, FromRequest, Json, Query};
use axum::http::header::CONTENT_TYPE;
use axum::http::{Request, Uri};
use axum::response::IntoResponse;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

pub use onsite_i18n::SUPPORTED;

/// Runs a future that never waits on IO (an extractor over an in-memory body) to completion.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("an in-memory extraction did not finish");
}

/// Checks that a refusal is the client's fault (4xx), never a server error.
fn assert_client_error(rejection: impl IntoResponse, what: &str) {
    let status = rejection.into_response().status();
    assert!(
        status.is_client_error(),
        "{what}: a refusal answered {status}"
    );
}

/// `body` through axum's `Form` extractor, as a `POST` with a URL-encoded body reaches a
/// handler. A refusal must be a 4xx.
pub fn form<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let request = Request::builder()
        .method("POST")
        .uri("/form")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .expect("a valid request");
    match block_on(Form::<T>::from_request(request, &())) {
        Ok(Form(value)) => Some(value),
        Err(rejection) => {
            assert_client_error(rejection, std::any::type_name::<T>());
            None
        }
    }
}

/// `query` through axum's `Query` extractor, when it is a query string hyper would accept
/// (otherwise no request carries it). A refusal must be a 4xx.
pub fn query<T: DeserializeOwned>(query: &str) -> Option<T> {
    let uri: Uri = format!("/query?{query}").parse().ok()?;
    match Query::<T>::try_from_uri(&uri) {
        Ok(Query(value)) => Some(value),
        Err(rejection) => {
            assert_client_error(rejection, std::any::type_name::<T>());
            None
        }
    }
}

/// `body` through axum's `Json` extractor, as an API `POST` reaches a handler. A refusal must
/// be a 4xx.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let request = Request::builder()
        .method("POST")
        .uri("/json")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_vec()))
        .expect("a valid request");
    match block_on(Json::<T>::from_request(request, &())) {
        Ok(Json(value)) => Some(value),
        Err(rejection) => {
            assert_client_error(rejection, std::any::type_name::<T>());
            None
        }
    }
}

/// The fields of a URL-encoded body as the handlers that take `Form<Vec<(String, String)>>`
/// see them.
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// The value of field `name` (the first one).
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Whether `s` holds a control character (which no validated single-line value may).
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}
