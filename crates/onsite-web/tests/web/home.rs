//! The home page: localized, accessible layout, nothing inline.

use crate::support::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn home_page_is_in_english_by_default() {
    let app = TestApp::spawn().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(page.html_lang(), "en");
    let html = page.text();
    assert!(html.contains("dir=\"ltr\""));
    assert!(html.contains("Book a new appointment"));
    assert!(html.contains(">Sign in</a>"));
    assert!(html.contains("Redeem invitation"));
}

#[tokio::test]
async fn home_page_follows_the_browser_language() {
    let app = TestApp::spawn().await;
    let page = app
        .get_with("/", &[("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.html_lang(), "fr");
    let html = page.text();
    assert!(html.contains("Prendre un nouveau rendez-vous"));
    assert!(html.contains(">Se connecter</a>"));
    assert!(html.contains("Accepter l’invitation"));
    assert!(!html.contains("Book a new appointment"));
    // The language is part of the cache key.
    assert!(page.header("vary").contains("Accept-Language"));
    assert!(page.header("vary").contains("Cookie"));
}

#[tokio::test]
async fn the_language_cookie_beats_the_browser_language() {
    let app = TestApp::spawn().await;
    let fr = app
        .get_with(
            "/",
            &[("accept-language", "en"), ("cookie", "other=1; lang=fr")],
        )
        .await;
    assert_eq!(fr.html_lang(), "fr");
    let en = app
        .get_with("/", &[("accept-language", "fr"), ("cookie", "lang=en")])
        .await;
    assert_eq!(en.html_lang(), "en");
    // An unknown value is ignored, not an error.
    let fallback = app
        .get_with(
            "/",
            &[("accept-language", "fr"), ("cookie", "lang=klingon")],
        )
        .await;
    assert_eq!(fallback.status, StatusCode::OK);
    assert_eq!(fallback.html_lang(), "fr");
}

#[tokio::test]
async fn the_layout_has_landmarks_a_skip_link_and_a_language_switcher() {
    let app = TestApp::spawn().await;
    let html = app.get("/").await.text();
    for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
        assert!(html.contains(landmark), "missing {landmark}");
    }
    let skip = html
        .find("class=\"skip-link\" href=\"#main\"")
        .expect("a skip link");
    assert!(
        skip < html.find("<header").unwrap(),
        "the skip link comes first"
    );
    assert!(
        html.contains("<form class=\"language-switcher\" method=\"post\" action=\"/language\">")
    );
    assert!(
        html.contains("<label for=\"language-select\" class=\"visually-hidden\">Language</label>")
    );
    assert!(html.contains("<option value=\"fr\" lang=\"fr\">Français</option>"));
    assert!(html.contains("<option value=\"en\" lang=\"en\" selected>English</option>"));
    assert!(html.contains("name=\"return_to\" value=\"/\""));
    assert!(
        html.contains(r#"<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>"#)
    );
}

#[tokio::test]
async fn pages_have_no_inline_script_or_style() {
    let app = TestApp::spawn().await;
    for path in ["/", "/no-such-page"] {
        let html = app.get(path).await.text();
        assert!(!html.contains("<style"), "{path}: inline <style>");
        assert!(!html.contains(" style="), "{path}: style attribute");
        assert!(
            !has_event_handler_attribute(&html),
            "{path}: inline event handler"
        );
        for tag in html.split("<script").skip(1) {
            assert!(
                tag.trim_start().starts_with("src="),
                "{path}: inline <script>"
            );
        }
    }
}

#[tokio::test]
async fn every_asset_the_layout_links_is_served() {
    let app = TestApp::spawn().await;
    let html = app.get("/").await.text();
    let urls: Vec<&str> = html
        .split('"')
        .filter(|s| s.starts_with("/assets/"))
        .collect();
    assert!(urls.len() >= 5, "{urls:?}");
    for url in urls {
        let asset = app.get(url).await;
        assert_eq!(asset.status, StatusCode::OK, "{url}");
        assert!(asset.header("cache-control").contains("immutable"), "{url}");
    }
}

/// ` onclick=`, ` onload=`… anywhere in the markup.
fn has_event_handler_attribute(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}
