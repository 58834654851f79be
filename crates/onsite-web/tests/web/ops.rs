//! Probes and metrics.

use crate::support::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn healthz_says_alive() {
    let app = TestApp::spawn().await;
    let answer = app.get("/healthz").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "ok");
}

#[tokio::test]
async fn readyz_follows_the_database() {
    let app = TestApp::spawn().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["checks"]["database"], "up");

    app.state.store.close().await;
    let down = app.get("/readyz").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(down.json()["status"], "unavailable");
    assert_eq!(down.json()["checks"]["database"], "down");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn().await;
    app.get("/").await;
    app.get("/").await;
    app.get("/no/such/page/42").await;
    app.get(&onsite_web::assets::url("onsite.css")).await;
    let answer = app.get("/metrics").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .header("content-type")
            .starts_with("text/plain; version=0.0.4")
    );
    let text = answer.text();
    for line in [
        "onsite_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2",
        "onsite_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
        "onsite_http_requests_total{method=\"GET\",route=\"/assets/{version}/{*path}\",status=\"200\"} 1",
        "onsite_http_request_duration_seconds_count{method=\"GET\",route=\"/\"} 2",
        "onsite_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"+Inf\"} 2",
        "# TYPE onsite_http_request_duration_seconds histogram",
        "onsite_http_requests_in_flight 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert!(text.contains(&format!(
        "onsite_build_info{{version=\"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    // The path of a missing page never becomes a label.
    assert!(!text.contains("/no/such/page/42"));
}
