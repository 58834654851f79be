//! Friendly, localized error pages; JSON errors under /api/; no input makes a 500.

use crate::support::{TEST_CSRF, TestApp, get, same_origin_form};
use axum::body::Body;
use axum::extract::Query;
use axum::http::{Method, Request, StatusCode};
use axum::routing::{get as get_route, post};
use axum::{Json, Router};
use onsite_web::{AppState, WebError, WebResult};

#[tokio::test]
async fn a_missing_page_gets_a_localized_404_with_the_request_id() {
    let app = TestApp::spawn().await;
    let en = app.get("/no/such/page").await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert_eq!(en.header("content-type"), "text/html; charset=utf-8");
    assert!(en.text().contains("Page not found"));
    assert!(en.text().contains(en.header("x-request-id")));

    let fr = app
        .get_with("/no/such/page", &[("accept-language", "fr")])
        .await;
    assert_eq!(fr.status, StatusCode::NOT_FOUND);
    assert_eq!(fr.html_lang(), "fr");
    assert!(fr.text().contains("Page introuvable"));
    // The switcher on the error page comes back to the same address.
    assert!(
        fr.text()
            .contains("name=\"return_to\" value=\"/no/such/page\"")
    );
}

#[tokio::test]
async fn api_errors_are_json_in_the_callers_language() {
    let app = TestApp::spawn().await;
    let en = app.get("/api/v1/nothing-here").await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert_eq!(en.header("content-type"), "application/json");
    let body = en.json();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("There is no page")
    );
    assert!(body["error"]["field"].is_null());

    let fr = app
        .get_with("/api/v1/nothing-here", &[("accept-language", "fr")])
        .await;
    assert!(
        fr.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Il n’y a pas de page")
    );
}

#[derive(Debug, serde::Deserialize)]
struct Paging {
    #[allow(dead_code)]
    page: u32,
}

#[derive(Debug, serde::Deserialize)]
struct Email {
    email: String,
}

async fn validates(Json(body): Json<Email>) -> WebResult<&'static str> {
    onsite_domain::text::EmailAddress::parse(&body.email)?;
    Ok("ok")
}

async fn boom() -> &'static str {
    panic!("the secret cause of the panic")
}

async fn fails() -> WebResult<&'static str> {
    Err(WebError::internal(std::io::Error::other(
        "disk /var/secret is full",
    )))
}

fn test_routes() -> Router<AppState> {
    Router::new()
        .route("/boom", get_route(boom))
        .route("/fails", get_route(fails))
        .route(
            "/paged",
            get_route(|Query(_p): Query<Paging>| async { "ok" }),
        )
        .route("/api/v1/emails", post(validates))
        .merge(onsite_web::routes())
}

#[tokio::test]
async fn a_panic_becomes_the_500_page_with_the_request_id_and_not_the_cause() {
    let app = TestApp::spawn_around(test_routes()).await;
    let page = app
        .get_with("/boom", &[("x-request-id", "support-ticket-42")])
        .await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    let html = page.text();
    assert!(html.contains("Something went wrong"));
    assert!(html.contains("support-ticket-42"));
    assert!(!html.contains("secret"), "the cause is logged, never shown");
    // The app keeps serving.
    assert_eq!(app.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_internal_error_shows_no_cause() {
    let app = TestApp::spawn_around(test_routes()).await;
    let page = app.get_with("/fails", &[("accept-language", "fr")]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.text().contains("Un problème est survenu"));
    assert!(!page.text().contains("secret"));
}

#[tokio::test]
async fn bad_query_strings_are_client_errors() {
    let app = TestApp::spawn_around(test_routes()).await;
    for query in [
        "?page=abc",
        "?page=-1",
        "?page=99999999999999",
        "",
        "?page=%FF%FE",
        "?%%%",
    ] {
        let page = app.get(&format!("/paged{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.text().contains("could not be understood"), "{query}");
    }
    assert_eq!(app.get("/paged?page=2").await.status, StatusCode::OK);
}

#[tokio::test]
async fn api_validation_errors_name_the_field() {
    let app = TestApp::spawn_around(test_routes()).await;
    let post = |body: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/emails")
            .header("host", "onsite.test")
            .header("content-type", "application/json")
            .header("accept-language", "fr")
            .header("cookie", format!("onsite_csrf={TEST_CSRF}"))
            .header("x-csrf-token", TEST_CSRF)
            .body(Body::from(body))
            .unwrap()
    };
    let invalid = app.send(post(r#"{"email":"not-an-address"}"#)).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = invalid.json();
    assert_eq!(body["error"]["code"], "invalid");
    assert_eq!(body["error"]["field"], "email");
    assert_eq!(
        body["error"]["message"],
        "Ce n’est pas une adresse e-mail valide."
    );

    for malformed in [r#"{"email":"#, "[]", r#"{"mail":"a@b.c"}"#, ""] {
        let answer = app.send(post(malformed)).await;
        assert!(
            answer.status.is_client_error(),
            "{malformed}: {}",
            answer.status
        );
        assert!(answer.json()["error"]["code"].is_string(), "{malformed}");
    }
    assert_eq!(
        app.send(post(r#"{"email":"ana@example.com"}"#))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn huge_bodies_are_refused_with_413() {
    let app = TestApp::spawn().await;
    let body = format!(
        "lang=fr&return_to=/{}",
        "a".repeat(onsite_web::BODY_LIMIT + 10)
    );
    let answer = app.send(same_origin_form("/language", &body)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.text().contains("too large"));
    assert!(answer.header("set-cookie").is_empty());
}

#[tokio::test]
async fn a_wrong_method_gets_a_page_and_the_allowed_methods() {
    let app = TestApp::spawn().await;
    let answer = app
        .send(get("/language").body(Body::empty()).unwrap())
        .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(answer.header("allow").contains("POST"));
    assert!(
        answer
            .text()
            .contains("does not accept this kind of request")
    );
}

#[tokio::test]
async fn odd_paths_are_not_server_errors() {
    let app = TestApp::spawn().await;
    for path in [
        "/%00",
        "/..%2F..%2Fetc%2Fpasswd",
        "/assets/../Cargo.toml",
        "/%E2%82",
        "/assets/x/%FF",
        "/api",
        "/api/",
    ] {
        let answer = app.get(path).await;
        assert!(answer.status.is_client_error(), "{path}: {}", answer.status);
    }
}
