//! Probes and metrics: who may read the metrics, and labels that stay bounded.

use crate::support::{TestApp, World, config, get};
use axum::body::Body;
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

const METRICS_TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";

async fn app_with_metrics_token() -> TestApp {
    TestApp::spawn_with(onsite_web::WebConfig {
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        ..config()
    })
    .await
}

/// `GET /metrics` as a scraper presenting `token`.
async fn scrape(app: &TestApp, token: &str) -> crate::support::TestResponse {
    app.send(
        get("/metrics")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = app_with_metrics_token().await;
    app.get("/").await;
    app.get("/").await;
    app.get("/no/such/page/42").await;
    app.get(&onsite_web::assets::url("onsite.css")).await;
    let answer = scrape(&app, METRICS_TOKEN).await;
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

#[tokio::test]
async fn only_administrators_and_scrapers_with_the_token_read_the_metrics() {
    let app = app_with_metrics_token().await;
    let world = World::build(&app).await;

    let anonymous = app.get("/metrics").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "sent to sign in");
    assert!(anonymous.header("location").starts_with("/sign-in"));
    for who in ["dispatcher", "technician", "customer of A", "partner"] {
        let answer = app.browser_as(world.user(who)).await.get("/metrics").await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{who}");
        assert!(
            !answer.text().contains("onsite_http_requests_total"),
            "{who}"
        );
    }
    let admin = app
        .browser_as(world.user("admin"))
        .await
        .get("/metrics")
        .await;
    assert_eq!(admin.status, StatusCode::OK);
    assert!(admin.text().contains("onsite_http_requests_total"));
    assert_eq!(admin.header("cache-control"), "no-store");

    let scraped = scrape(&app, METRICS_TOKEN).await;
    assert_eq!(scraped.status, StatusCode::OK);
    assert!(scraped.text().contains("onsite_build_info"));
    assert_eq!(scraped.header("cache-control"), "no-store");
    for wrong in [
        "",
        "nope",
        &METRICS_TOKEN[1..],
        &format!("{METRICS_TOKEN}0"),
    ] {
        let refused = scrape(&app, wrong).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
        assert_eq!(refused.header("www-authenticate"), "Bearer");
        assert!(!refused.text().contains("onsite_http_requests_total"));
    }

    // Without a configured token, no bearer token opens them.
    let without = TestApp::spawn().await;
    assert_eq!(
        scrape(&without, METRICS_TOKEN).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn metrics_labels_stay_bounded_whatever_paths_and_methods_are_tried() {
    let app = app_with_metrics_token().await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                l.split_once('{').map(|(name, rest)| {
                    (
                        name.to_owned(),
                        rest.split("} ").next().unwrap_or_default().to_owned(),
                    )
                })
            })
            .collect::<std::collections::BTreeSet<_>>()
    };
    let probe = async |i: usize| {
        let method = ["GET", "POST", "DELETE", "BREW", "PROPFIND"][i % 5];
        app.send(
            axum::http::Request::builder()
                .method(method)
                .uri(format!("/probe-{i}/{}/x%2F{i}?q={i}", i * 7919))
                .header("host", "onsite.test")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    };
    for i in 0..5 {
        probe(i).await;
    }
    // A first scrape, so that the scrapes' own series exist before counting.
    scrape(&app, METRICS_TOKEN).await;
    let before = series(&scrape(&app, METRICS_TOKEN).await.text());
    for i in 5..2_000 {
        probe(i).await;
    }
    let after = series(&scrape(&app, METRICS_TOKEN).await.text());
    assert_eq!(
        after,
        before,
        "2,000 requests to made-up paths add no series: {:?}",
        after.difference(&before).collect::<Vec<_>>()
    );
}
