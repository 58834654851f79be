//! Embedded assets: versioned URLs, right types, cached forever.

use crate::support::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn every_embedded_asset_is_served_with_its_type_and_cached_forever() {
    let app = TestApp::spawn().await;
    let assets = onsite_web::assets::all();
    let paths: Vec<&str> = assets.iter().map(|a| a.path).collect();
    for expected in [
        "vendor/pico.min.css",
        "vendor/htmx.min.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "onsite.css",
        "onsite.js",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} not embedded: {paths:?}"
        );
    }
    for asset in assets {
        let answer = app.get(&onsite_web::assets::url(asset.path)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", asset.path);
        assert_eq!(
            answer.header("cache-control"),
            "public, max-age=31536000, immutable",
            "{}",
            asset.path
        );
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        assert_eq!(answer.bytes, asset.bytes, "{}", asset.path);
        let expected_type = match asset.path.rsplit('.').next().unwrap() {
            "css" => "text/css; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "png" => "image/png",
            "svg" => "image/svg+xml",
            other => panic!("unexpected asset type {other}"),
        };
        assert_eq!(
            answer.header("content-type"),
            expected_type,
            "{}",
            asset.path
        );
    }
}

#[tokio::test]
async fn the_pinned_packages_are_the_ones_embedded() {
    let htmx = onsite_web::assets::get_asset("vendor/htmx.min.js").unwrap();
    assert!(
        String::from_utf8_lossy(htmx.bytes).contains("2.0."),
        "htmx 2.0.x"
    );
    let leaflet = onsite_web::assets::get_asset("vendor/leaflet/leaflet.js").unwrap();
    assert!(
        String::from_utf8_lossy(leaflet.bytes).contains("1.9."),
        "Leaflet 1.9.x"
    );
}

#[tokio::test]
async fn unknown_assets_are_404() {
    let app = TestApp::spawn().await;
    let url = onsite_web::assets::url("onsite.css").replace("onsite.css", "no-such-file.js");
    let answer = app.get(&url).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(!answer.header("cache-control").contains("immutable"));
}

#[tokio::test]
async fn another_version_is_served_but_not_cached() {
    let app = TestApp::spawn().await;
    let answer = app.get("/assets/0000000000000000/onsite.css").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn a_cached_copy_is_confirmed_without_the_bytes() {
    let app = TestApp::spawn().await;
    let url = onsite_web::assets::url("vendor/pico.min.css");
    let etag = app.get(&url).await.header("etag").to_owned();
    assert!(!etag.is_empty());
    let again = app.get_with(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
}
