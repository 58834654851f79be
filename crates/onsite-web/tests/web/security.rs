//! Security headers on every response; cross-site writes refused.

use crate::support::{TEST_CSRF, TestApp, World, form, same_origin_form};
use axum::body::Body;
use axum::http::StatusCode;

const HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("permissions-policy", "geolocation=(self)"),
    ("content-security-policy", "frame-ancestors 'none'"),
];

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let asset = onsite_web::assets::url("onsite.css");
    let responses = [
        app.get("/").await,
        app.get("/no-such-page").await,
        app.get("/api/v1/nothing").await,
        app.get(&asset).await,
        app.get("/healthz").await,
        app.get("/metrics").await,
        app.send(
            form("/language")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from("lang=fr"))
                .unwrap(),
        )
        .await,
    ];
    for response in responses {
        for (name, expected) in HEADERS {
            assert!(
                response.header(name).contains(expected),
                "{name} on a {} response: {:?}",
                response.status,
                response.header(name)
            );
        }
    }
}

#[tokio::test]
async fn the_content_security_policy_allows_nothing_inline() {
    let app = TestApp::spawn().await;
    let csp = app
        .get("/")
        .await
        .header("content-security-policy")
        .to_owned();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://tile.openstreetmap.org",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    let cross_site = form("/language")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .header("accept-language", "fr")
        .body(Body::from("lang=fr"))
        .unwrap();
    let refused = app.send(cross_site).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.set_cookie("lang").is_none(), "nothing changed");
    assert!(refused.text().contains("envoyé depuis un autre site web"));

    // Older browsers without Sec-Fetch-Site: the Origin header decides.
    let foreign_origin = form("/language")
        .header("origin", "https://evil.example")
        .body(Body::from("lang=fr"))
        .unwrap();
    assert_eq!(app.send(foreign_origin).await.status, StatusCode::FORBIDDEN);
    let same_site = form("/language")
        .header("sec-fetch-site", "same-site")
        .body(Body::from("lang=fr"))
        .unwrap();
    assert_eq!(app.send(same_site).await.status, StatusCode::FORBIDDEN);
    let api_delete = axum::http::Request::delete("/api/v1/anything")
        .header("host", "onsite.test")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let api_refused = app.send(api_delete).await;
    assert_eq!(api_refused.status, StatusCode::FORBIDDEN);
    assert_eq!(api_refused.json()["error"]["code"], "cross_site");
}

#[tokio::test]
async fn same_origin_posts_pass() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.send(same_origin_form("/language", "lang=fr"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let by_origin = form("/language")
        .header("origin", "http://onsite.test")
        .header("cookie", format!("onsite_csrf={TEST_CSRF}"))
        .body(Body::from(format!("lang=fr&csrf={TEST_CSRF}")))
        .unwrap();
    assert_eq!(app.send(by_origin).await.status, StatusCode::SEE_OTHER);
    // A script sends neither header (no other site can make it send anything); it still needs
    // the token, like any browser.
    let client = form("/language")
        .header("cookie", format!("onsite_csrf={TEST_CSRF}"))
        .header("x-csrf-token", TEST_CSRF)
        .body(Body::from("lang=fr"))
        .unwrap();
    assert_eq!(app.send(client).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn no_cache_keeps_what_a_signed_in_person_or_an_api_caller_is_answered() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    for who in ["customer of A", "technician", "dispatcher", "admin"] {
        let mut browser = app.browser_as(world.user(who)).await;
        for path in [
            "/",
            "/profile",
            "/no-such-page",
            "/api/v1/bookings",
            "/staff/accounts",
        ] {
            let answer = browser.get(path).await;
            assert_eq!(
                answer.header("cache-control"),
                "no-store",
                "{who}: {} {path}",
                answer.status
            );
        }
        // Static files stay cacheable for everyone.
        let asset = browser.get(&onsite_web::assets::url("onsite.css")).await;
        assert!(asset.header("cache-control").contains("immutable"));
    }
    for path in ["/api/v1/bookings", "/api/openapi.json", "/api/v1/nothing"] {
        let answer = app.get(path).await;
        assert_eq!(
            answer.header("cache-control"),
            "no-store",
            "anonymous {path}"
        );
    }
    // An anonymous page may be kept, by the browser only, and checked again before use.
    assert_eq!(
        app.get("/").await.header("cache-control"),
        "private, no-cache"
    );
}
