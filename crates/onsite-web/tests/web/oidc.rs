//! External sign-in through the pages, end to end against a real OpenID provider
//! (`onsite_testkit::oidc`: `oidc-provider` from npm), started by the test on a free loopback
//! port and killed when it ends: link an identity from the profile (Manage external
//! authentication), sign in with it from the sign-in page, unlink it; and the refusals.

use crate::support::{Browser, PUBLIC_URL, TestApp, World, config};
use axum::http::StatusCode;
use onsite_app::oidc::{Oidc, OidcClientSecret, OidcProviderConfig};
use onsite_testkit::TestDb;
use onsite_testkit::oidc::{self, AtProvider, CLIENT_ID, CLIENT_SECRET, TestProvider};

const PROVIDER_ID: &str = "corp";
/// The callback as registered at the provider: the public URL plus the callback route.
fn redirect_uri() -> String {
    format!("{PUBLIC_URL}/auth/oidc/{PROVIDER_ID}/callback")
}

/// The provider's side, up to its redirect back to Onsite, returned as the path and query to
/// open on Onsite.
async fn through_provider(authorize_url: &str, act: AtProvider<'_>) -> String {
    let callback = oidc::through_provider(authorize_url, &redirect_uri(), act).await;
    callback.as_str().trim_start_matches(PUBLIC_URL).to_owned()
}

async fn spawn_with_provider(provider: &TestProvider) -> TestApp {
    let oidc = Oidc::new(vec![OidcProviderConfig {
        id: PROVIDER_ID.to_owned(),
        display_name: "Corp ID".to_owned(),
        issuer_url: provider.issuer.clone(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: OidcClientSecret::new(CLIENT_SECRET),
        scopes: vec!["email".to_owned()],
    }])
    .unwrap();
    TestApp::spawn_on(TestDb::sqlite().await, oidc, config())
}

#[tokio::test]
async fn a_customer_links_an_identity_signs_in_with_it_and_unlinks_it() {
    let provider = TestProvider::start(&redirect_uri());
    let app = spawn_with_provider(&provider).await;
    let world = World::build(&app).await;

    // Linking, from the profile.
    let mut laptop = app.browser_as(world.user("customer of A")).await;
    let profile = laptop.get("/profile").await.text();
    assert!(profile.contains("Manage external authentication"));
    assert!(profile.contains(">Link Corp ID</button>"));
    assert!(profile.contains("No external account is linked yet."));
    let begun = laptop.post("/profile/external/corp/link", &[]).await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER, "{}", begun.text());
    let authorize = begun.header("location").to_owned();
    assert!(authorize.starts_with(&provider.issuer), "{authorize}");
    assert!(authorize.contains(&format!(
        "redirect_uri={}",
        onsite_web::guard::encode_component(&redirect_uri())
    )));
    let state_cookie = begun.set_cookie("onsite_oidc").expect("the flow's cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/auth/oidc/",
        "Max-Age=600",
    ] {
        assert!(
            state_cookie.contains(attribute),
            "{attribute} in {state_cookie}"
        );
    }
    let callback = through_provider(&authorize, AtProvider::SignInAs("ana-corp")).await;
    let linked = laptop.get(&callback).await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.text());
    assert_eq!(linked.header("location"), "/profile?notice=linked");
    assert!(
        linked
            .set_cookie("onsite_oidc")
            .unwrap()
            .contains("Max-Age=0")
    );
    let profile = laptop.get("/profile?notice=linked").await.text();
    assert!(profile.contains("The external account is linked."));
    assert!(profile.contains("ana-corp@example.test"));
    assert!(profile.contains(">Unlink Corp ID</button>"));

    // A replayed callback is refused with a clear message.
    let replay = laptop.get(&callback).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert!(replay.text().contains("has expired or was already used"));

    // Signing in with it, from the sign-in page, on another device.
    let mut phone = Browser::new(&app);
    let sign_in = phone.get("/sign-in").await.text();
    assert!(sign_in.contains(">Sign in with Corp ID</button>"));
    let begun = phone
        .post("/auth/oidc/corp/begin", &[("return_to", "/profile")])
        .await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER, "{}", begun.text());
    let callback =
        through_provider(begun.header("location"), AtProvider::SignInAs("ana-corp")).await;
    let signed_in = phone.get(&callback).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.text()
    );
    assert_eq!(signed_in.header("location"), "/profile");
    let session = signed_in.set_cookie("onsite_session").expect("a session");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    let profile = phone.get("/profile").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.text().contains("ana.zephyrine@a-account.test"));

    // Unlinking: then the identity no longer signs anyone in.
    let id = profile
        .text()
        .split("/profile/external/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let unlinked = phone
        .post(&format!("/profile/external/{id}/unlink"), &[])
        .await;
    assert_eq!(unlinked.header("location"), "/profile?notice=unlinked");
    let mut third = Browser::new(&app);
    third.get("/sign-in").await;
    let begun = third.post("/auth/oidc/corp/begin", &[]).await;
    let callback =
        through_provider(begun.header("location"), AtProvider::SignInAs("ana-corp")).await;
    let refused = third.get(&callback).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .text()
            .contains("No Onsite account is linked to this identity.")
    );
    assert!(third.cookie("onsite_session").is_none());
}

#[tokio::test]
async fn external_sign_in_refusals_are_explained_and_sign_nobody_in() {
    let provider = TestProvider::start(&redirect_uri());
    let app = spawn_with_provider(&provider).await;

    // The person cancels at the provider.
    let mut browser = Browser::new(&app);
    browser.get("/sign-in").await;
    let begun = browser.post("/auth/oidc/corp/begin", &[]).await;
    let callback = through_provider(begun.header("location"), AtProvider::Cancel).await;
    let cancelled = browser.get(&callback).await;
    assert_eq!(cancelled.status, StatusCode::BAD_REQUEST);
    assert!(cancelled.text().contains("did not confirm your identity"));

    // A callback opened in another browser (without the flow's cookie).
    let begun = browser.post("/auth/oidc/corp/begin", &[]).await;
    let callback =
        through_provider(begun.header("location"), AtProvider::SignInAs("someone")).await;
    let mut elsewhere = Browser::new(&app);
    elsewhere.accept_language = Some("fr");
    let mismatch = elsewhere.get(&callback).await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert_eq!(mismatch.html_lang(), "fr");
    assert!(elsewhere.cookie("onsite_session").is_none());

    // An unknown provider, and a made-up callback.
    let unknown = browser.post("/auth/oidc/nobody/begin", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown
            .text()
            .contains("This sign-in provider is not available.")
    );
    let made_up = browser.get("/auth/oidc/corp/callback?code=x").await;
    assert_eq!(made_up.status, StatusCode::BAD_REQUEST);
    let return_elsewhere = browser
        .post(
            "/auth/oidc/corp/begin",
            &[("return_to", "https://evil.example/")],
        )
        .await;
    assert_eq!(
        return_elsewhere.status,
        StatusCode::SEE_OTHER,
        "a foreign return address is dropped, not followed"
    );
}
