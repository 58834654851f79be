//! Request ids: generated or accepted, echoed, shown on error pages.

use crate::support::TestApp;

#[tokio::test]
async fn a_request_id_is_generated_and_echoed() {
    let app = TestApp::spawn().await;
    let first = app.get("/").await;
    let second = app.get("/").await;
    let id = first.header("x-request-id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_ne!(id, second.header("x-request-id"));
}

#[tokio::test]
async fn a_callers_request_id_is_kept_when_plain() {
    let app = TestApp::spawn().await;
    let kept = app
        .get_with("/no-page", &[("x-request-id", "lb-7f3a.1")])
        .await;
    assert_eq!(kept.header("x-request-id"), "lb-7f3a.1");
    assert!(
        kept.text()
            .contains("<code class=\"request-id\">lb-7f3a.1</code>")
    );

    let replaced = app
        .get_with("/", &[("x-request-id", "<script>alert(1)</script>")])
        .await;
    assert_eq!(replaced.header("x-request-id").len(), 36);
}
