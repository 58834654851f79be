//! The language switcher: remembers the choice, goes back only to pages of this site.

use crate::support::{TestApp, config, same_origin_form};
use axum::http::StatusCode;

#[tokio::test]
async fn switching_language_sets_the_cookie_and_goes_back() {
    let app = TestApp::spawn().await;
    let answer = app
        .send(same_origin_form(
            "/language",
            "lang=fr&return_to=%2Fbookings%3Ftab%3Dpast",
        ))
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/bookings?tab=past");
    let cookie = answer.header("set-cookie");
    assert!(cookie.starts_with("lang=fr; Path=/;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-HTTP deployments need the cookie back: {cookie}"
    );

    // The browser sends it back, and the page is in French whatever the browser prefers.
    let value = cookie.split(';').next().unwrap();
    let page = app
        .get_with("/", &[("cookie", value), ("accept-language", "en")])
        .await;
    assert_eq!(page.html_lang(), "fr");
    assert!(
        page.text()
            .contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>")
    );
}

#[tokio::test]
async fn the_switcher_never_sends_people_to_another_site() {
    let app = TestApp::spawn().await;
    for target in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "javascript%3Aalert(1)",
    ] {
        let answer = app
            .send(same_origin_form(
                "/language",
                &format!("lang=en&return_to={target}"),
            ))
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{target}");
        assert_eq!(answer.header("location"), "/", "{target}");
        assert!(
            answer.header("set-cookie").starts_with("lang=en;"),
            "the language still changes"
        );
    }
    let no_target = app.send(same_origin_form("/language", "lang=en")).await;
    assert_eq!(no_target.header("location"), "/");
}

#[tokio::test]
async fn an_unknown_language_is_refused_with_a_localized_page() {
    let app = TestApp::spawn().await;
    let mut request = same_origin_form("/language", "lang=xx&return_to=%2F");
    request
        .headers_mut()
        .insert("accept-language", "fr".parse().unwrap());
    let answer = app.send(request).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.header("set-cookie").is_empty());
    assert_eq!(answer.html_lang(), "fr");
    assert!(
        answer
            .text()
            .contains("Cette valeur ne nous est pas connue.")
    );
}

#[tokio::test]
async fn a_malformed_switcher_form_is_a_client_error() {
    let app = TestApp::spawn().await;
    let answer = app
        .send(same_origin_form("/language", "return_to=%2F"))
        .await;
    assert!(answer.status.is_client_error(), "{}", answer.status);
    assert_eq!(answer.header("content-type"), "text/html; charset=utf-8");
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_deployment_says_so() {
    let app = TestApp::spawn_with(onsite_web::WebConfig {
        secure_cookies: true,
        ..config()
    })
    .await;
    let answer = app.send(same_origin_form("/language", "lang=fr")).await;
    assert!(
        answer.header("set-cookie").ends_with("; Secure"),
        "{}",
        answer.header("set-cookie")
    );
}
