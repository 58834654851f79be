//! Spawning the app for a test and reading its answers.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use onsite_store::testing::TestDb;
use onsite_web::{AppState, WebConfig};
use tower::ServiceExt;

pub const PUBLIC_URL: &str = "http://onsite.test";
pub const TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

pub fn config() -> WebConfig {
    WebConfig {
        public_url: PUBLIC_URL.to_owned(),
        secure_cookies: false,
        map_tile_url: TILES.to_owned(),
    }
}

/// The app on a fresh database. Keep it alive for the test: dropping it deletes the database.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(config()).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let db = TestDb::sqlite().await;
        let state = AppState::new(db.store().clone(), config);
        TestApp {
            router: onsite_web::router(state.clone()),
            state,
            _db: db,
        }
    }

    /// The production edge around extra routes of the test's own (e.g. one that panics).
    pub async fn spawn_around(routes: axum::Router<AppState>) -> TestApp {
        let db = TestDb::sqlite().await;
        let state = AppState::new(db.store().clone(), config());
        TestApp {
            router: onsite_web::edge(routes, state.clone()),
            state,
            _db: db,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        TestResponse {
            status,
            headers,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }
}

pub fn get(path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::GET)
        .uri(path)
        .header("host", "onsite.test")
}

/// A form post as a browser on the portal itself sends it.
pub fn same_origin_form(path: &str, body: &str) -> Request<Body> {
    form(path)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// A form post without the browser's origin headers; the test adds what it needs.
pub fn form(path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", "onsite.test")
        .header("content-type", "application/x-www-form-urlencoded")
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The `lang` attribute of the page's `<html>` element.
    pub fn html_lang(&self) -> String {
        let text = self.text();
        let start =
            text.find("<html lang=\"").expect("an <html lang> element") + "<html lang=\"".len();
        text[start..].split('"').next().unwrap().to_owned()
    }
}
