//! Cross-site request forgery: every state-changing route of the route table refuses (403) a
//! request without a valid token, or with a valid token from another site; on both backends.

use crate::support::{Browser, TEST_CSRF, TestApp, World, encode};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use onsite_testkit::both_backends;
use onsite_web::routes::table;

/// Every path of a state-changing route, its parameters filled with any value: the check
/// happens before the route is even looked at. The tracking apps' routes are left out: they
/// authenticate by a personal token, never by the session cookie, so there is nothing to forge
/// (their refusals are tested in `tracking.rs`).
fn write_paths() -> Vec<String> {
    let paths: Vec<String> = table()
        .into_iter()
        .filter(|r| r.method != Method::GET && r.method != Method::HEAD)
        .filter(|r| !r.path.starts_with(onsite_web::csrf::TOKEN_AUTHENTICATED))
        .map(|r| {
            r.path
                .replace("{id}", "1")
                .replace("{token}", &"ab".repeat(32))
        })
        .collect();
    assert!(paths.len() >= 15, "{paths:?}");
    paths
}

fn post(path: &str, cookie: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", "onsite.test")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept-language", "fr");
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

both_backends!(
    every_write_without_a_valid_token_or_from_another_site_is_refused,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let (session, session_csrf) = app.session_for(world.user("admin")).await;
        let signed_in = format!("onsite_session={session}");
        let anonymous = format!("onsite_csrf={TEST_CSRF}");
        let same_origin = [("sec-fetch-site", "same-origin")];
        let wrong = "f".repeat(64);
        for path in write_paths() {
            let cases: Vec<(&str, Request<Body>)> = vec![
                (
                    "anonymous, no token at all",
                    post(&path, "", &same_origin, ""),
                ),
                (
                    "anonymous, cookie but no field",
                    post(&path, &anonymous, &same_origin, ""),
                ),
                (
                    "anonymous, field without the cookie",
                    post(&path, "", &same_origin, &format!("csrf={TEST_CSRF}")),
                ),
                (
                    "anonymous, field and cookie differ",
                    post(&path, &anonymous, &same_origin, &format!("csrf={wrong}")),
                ),
                (
                    "signed in, no token",
                    post(&path, &signed_in, &same_origin, ""),
                ),
                (
                    "signed in, wrong token",
                    post(&path, &signed_in, &same_origin, &format!("csrf={wrong}")),
                ),
                (
                    "signed in, wrong header",
                    post(
                        &path,
                        &signed_in,
                        &[("sec-fetch-site", "same-origin"), ("x-csrf-token", &wrong)],
                        "",
                    ),
                ),
                (
                    "signed in, the anonymous token instead of the session's",
                    post(
                        &path,
                        &format!("{signed_in}; {anonymous}"),
                        &same_origin,
                        &format!("csrf={TEST_CSRF}"),
                    ),
                ),
                (
                    "signed in, valid token, cross-site",
                    post(
                        &path,
                        &signed_in,
                        &[
                            ("sec-fetch-site", "cross-site"),
                            ("origin", "https://evil.example"),
                        ],
                        &format!("csrf={session_csrf}"),
                    ),
                ),
                (
                    "signed in, valid token, foreign Origin (no Sec-Fetch-Site)",
                    post(
                        &path,
                        &signed_in,
                        &[("origin", "https://evil.example")],
                        &format!("csrf={session_csrf}"),
                    ),
                ),
                (
                    "anonymous, valid token, cross-site",
                    post(
                        &path,
                        &anonymous,
                        &[("sec-fetch-site", "cross-site")],
                        &format!("csrf={TEST_CSRF}"),
                    ),
                ),
            ];
            for (case, request) in cases {
                let answer = app.send(request).await;
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}: {case}");
                let text = answer.text();
                if path.starts_with("/api/") {
                    let code = &answer.json()["error"]["code"];
                    assert!(
                        code == "csrf" || code == "cross_site",
                        "{path}: {case}: {code}"
                    );
                } else {
                    assert!(
                        text.contains("Rechargez la page") || text.contains("autre site web"),
                        "{path}: {case}: a clear page in the person's language"
                    );
                }
                assert!(
                    answer.set_cookie("onsite_session").is_none(),
                    "{path}: {case}"
                );
                assert!(answer.set_cookie("lang").is_none(), "{path}: {case}");
            }
        }
    }
);

both_backends!(a_refused_write_changes_nothing, |app: TestApp| async move {
    let world = World::build(&app).await;
    let ana = world.user("customer of A");
    let mut browser = app.browser_as(ana).await;
    browser.get("/profile").await;
    let forged = encode(&[("display_name", "Forged"), ("csrf", &"0".repeat(64))]);
    let answer = browser
        .post_raw("/profile", &forged, &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let user = onsite_store::accounts::user_by_id(&mut app.db.store().conn().await.unwrap(), ana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.display_name, "Ana Zephyrine");
    // The same form with the page's token goes through.
    let ok = browser
        .post("/profile", &[("display_name", "Ana Z.")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
});

#[tokio::test]
async fn pages_give_their_token_to_scripts_and_forms() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut browser = app.browser_as(world.user("dispatcher")).await;
    let session_token = browser.csrf.clone();
    let page = browser.get("/staff/accounts").await;
    let html = page.text();
    assert!(html.contains(&format!(
        r#"<meta name="csrf-token" content="{session_token}">"#
    )));
    // Every form that posts carries it.
    let posting_forms = html.matches(r#"method="post""#).count();
    let tokens = html
        .matches(&format!(r#"name="csrf" value="{session_token}""#))
        .count();
    assert!(posting_forms >= 3);
    assert_eq!(posting_forms, tokens, "every form posts the token");
    // Our script sends it as a header with htmx and fetch requests.
    let script = onsite_web::assets::get_asset("onsite.js").unwrap();
    let script = String::from_utf8_lossy(script.bytes);
    assert!(script.contains("X-CSRF-Token") && script.contains("csrf-token"));
    // No GET changes state: reading a page twice gives the same page and sets nothing but the
    // form token.
    let mut anonymous = Browser::new(&app);
    let first = anonymous.get("/sign-in").await;
    let second = anonymous.get("/sign-in").await;
    assert!(first.set_cookie("onsite_csrf").is_some());
    assert!(
        second.set_cookies().is_empty(),
        "{:?}",
        second.set_cookies()
    );
}
