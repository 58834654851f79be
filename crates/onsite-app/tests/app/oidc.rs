//! External sign-in end to end against a real OpenID provider (`onsite_testkit::oidc`:
//! `oidc-provider` from npm), started by each test on a free loopback port and killed when the
//! test ends, even by a panic. The provider's sign-in and consent forms are driven over plain
//! HTTP with a cookie jar, like a browser would.

use jiff::{SignedDuration, Timestamp};
use onsite_app::oidc::{
    Begun, Callback, Oidc, OidcClientSecret, OidcError, OidcProviderConfig, Outcome, Purpose,
};
use onsite_app::secrets::Secret;
use onsite_domain::UserId;
use onsite_domain::text::EmailAddress;
use onsite_store::accounts;
use onsite_testkit::oidc::{self, AtProvider, CLIENT_ID, CLIENT_SECRET, TestProvider};
use onsite_testkit::{TestDb, fixtures, free_port};
use openidconnect::url::Url;

const PROVIDER_ID: &str = "corp";
/// Never contacted: the test reads the code and state off the provider's redirect to it.
const REDIRECT_URI: &str = "http://127.0.0.1:9/auth/oidc/corp/callback";

/// The provider's side, up to its redirect to [`REDIRECT_URI`].
async fn through_provider(authorize_url: &Url, act: AtProvider<'_>) -> Url {
    oidc::through_provider(authorize_url.as_str(), REDIRECT_URI, act).await
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A fresh database, the provider process, and Onsite's OpenID Connect configured for it.
struct Harness {
    db: TestDb,
    oidc: Oidc,
    provider: TestProvider,
}

impl Harness {
    async fn start() -> Harness {
        let provider = TestProvider::start(REDIRECT_URI);
        let oidc = Oidc::new(vec![OidcProviderConfig {
            id: PROVIDER_ID.to_owned(),
            display_name: "Corp ID".to_owned(),
            issuer_url: provider.issuer.clone(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: OidcClientSecret::new(CLIENT_SECRET),
            scopes: vec!["email".to_owned()],
        }])
        .unwrap();
        Harness {
            db: TestDb::sqlite().await,
            oidc,
            provider,
        }
    }

    async fn user(&self, email: &str) -> UserId {
        let mut conn = self.db.store().conn().await.unwrap();
        fixtures::user(&mut conn, email, "", None, &[]).await
    }

    async fn begin(&self, purpose: Purpose, return_to: Option<&str>) -> Begun {
        self.oidc
            .begin(
                self.db.store(),
                PROVIDER_ID,
                purpose,
                REDIRECT_URI,
                return_to,
                Timestamp::now(),
            )
            .await
            .unwrap()
    }

    /// The callback as the page would pass it on, from this browser (`cookie_state`) with
    /// `signed_in` signed in.
    async fn finish_at(
        &self,
        callback: &Url,
        cookie_state: Option<&str>,
        signed_in: Option<UserId>,
        now: Timestamp,
    ) -> Result<Outcome, OidcError> {
        let (state, code, error) = (
            query(callback, "state"),
            query(callback, "code"),
            query(callback, "error"),
        );
        let cb = Callback {
            provider_id: PROVIDER_ID,
            state: state.as_deref(),
            code: code.as_deref(),
            error: error.as_deref(),
            cookie_state,
            signed_in_user: signed_in,
            redirect_uri: REDIRECT_URI,
            now,
        };
        self.oidc.finish(self.db.store(), cb).await
    }

    async fn finish(
        &self,
        callback: &Url,
        begun: &Begun,
        signed_in: Option<UserId>,
    ) -> Result<Outcome, OidcError> {
        self.finish_at(
            callback,
            Some(begun.state.expose()),
            signed_in,
            Timestamp::now(),
        )
        .await
    }

    /// The whole linking journey: `user` (signed in) links the provider account `login`.
    async fn link(&self, user: UserId, login: &str) -> Result<Outcome, OidcError> {
        let begun = self.begin(Purpose::Link(user), Some("/profile")).await;
        let callback = through_provider(&begun.authorize_url, AtProvider::SignInAs(login)).await;
        self.finish(&callback, &begun, Some(user)).await
    }

    /// The whole sign-in journey as the provider account `login`.
    async fn sign_in(&self, login: &str) -> Result<Outcome, OidcError> {
        let begun = self.begin(Purpose::SignIn, None).await;
        let callback = through_provider(&begun.authorize_url, AtProvider::SignInAs(login)).await;
        self.finish(&callback, &begun, None).await
    }
}

#[tokio::test]
async fn a_user_links_an_identity_then_signs_in_with_it() {
    let h = Harness::start().await;
    let ana = h.user("ana@example.com").await;

    let begun = h.begin(Purpose::Link(ana), Some("/profile")).await;
    // The authorization request: code flow, PKCE S256, nonce, our scopes and redirect.
    let url = &begun.authorize_url;
    assert!(
        url.as_str()
            .starts_with(&format!("{}/auth?", h.provider.issuer)),
        "{url}"
    );
    assert_eq!(query(url, "response_type").as_deref(), Some("code"));
    assert_eq!(query(url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(url, "scope").as_deref(), Some("openid email"));
    assert_eq!(query(url, "redirect_uri").as_deref(), Some(REDIRECT_URI));
    assert_eq!(query(url, "state").as_deref(), Some(begun.state.expose()));
    assert!(query(url, "nonce").is_some_and(|n| n.len() == 64));

    let callback = through_provider(url, AtProvider::SignInAs("ana.corp")).await;
    let outcome = h.finish(&callback, &begun, Some(ana)).await.unwrap();
    let Outcome::Linked {
        identity,
        return_to,
    } = outcome
    else {
        panic!("not linked: {outcome:?}")
    };
    assert_eq!(
        (
            identity.user_id,
            identity.provider.as_str(),
            identity.subject.as_str()
        ),
        (ana, PROVIDER_ID, "ana.corp")
    );
    assert_eq!(identity.email.as_deref(), Some("ana.corp@example.test"));
    assert_eq!(return_to.as_deref(), Some("/profile"));

    let links = h.oidc.linked_identities(h.db.store(), ana).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (
            links[0].id,
            links[0].provider_name.as_str(),
            links[0].email.as_deref()
        ),
        (identity.id, "Corp ID", Some("ana.corp@example.test"))
    );

    // The same callback again (a reload, or a stolen URL) finds no flow.
    let replay = h.finish(&callback, &begun, Some(ana)).await.unwrap_err();
    assert!(matches!(replay, OidcError::FlowNotFound), "{replay:?}");
    assert_eq!(replay.reason(), "oidc-error-flow-expired");

    // Signing in with the identity gives Ana.
    assert_eq!(
        h.sign_in("ana.corp").await.unwrap(),
        Outcome::SignedIn {
            user_id: ana,
            return_to: None
        }
    );

    // Once unlinked, it no longer signs anyone in; someone else's unlink does nothing.
    let bo = h.user("bo@example.com").await;
    assert!(!h.oidc.unlink(h.db.store(), bo, identity.id).await.unwrap());
    assert!(h.oidc.unlink(h.db.store(), ana, identity.id).await.unwrap());
    assert!(
        h.oidc
            .linked_identities(h.db.store(), ana)
            .await
            .unwrap()
            .is_empty()
    );
    let err = h.sign_in("ana.corp").await.unwrap_err();
    assert!(matches!(err, OidcError::NotLinked), "{err:?}");
}

#[tokio::test]
async fn signing_in_with_an_unlinked_identity_says_how_to_link_it() {
    let h = Harness::start().await;
    h.user("ana@example.com").await;
    let err = h.sign_in("stranger").await.unwrap_err();
    assert!(matches!(err, OidcError::NotLinked), "{err:?}");
    assert!(!err.is_server_error());
    let en = onsite_i18n::Locale::from_tag("en")
        .unwrap()
        .text(err.reason());
    assert!(
        en.contains("No Onsite account is linked") && en.contains("Manage external authentication"),
        "{en}"
    );
    let fr = onsite_i18n::Locale::from_tag("fr")
        .unwrap()
        .text(err.reason());
    assert!(fr.contains("Aucun compte Onsite"), "{fr}");
    // No account was made.
    let mut conn = h.db.store().conn().await.unwrap();
    assert!(
        accounts::user_by_email(
            &mut conn,
            &EmailAddress::parse("stranger@example.test").unwrap()
        )
        .await
        .unwrap()
        .is_none()
    );
}

#[tokio::test]
async fn an_identity_linked_to_one_user_cannot_be_linked_to_another() {
    let h = Harness::start().await;
    let ana = h.user("ana@example.com").await;
    let bo = h.user("bo@example.com").await;
    assert!(matches!(
        h.link(ana, "shared").await.unwrap(),
        Outcome::Linked { .. }
    ));
    // Linking again to the same user is harmless.
    assert!(matches!(
        h.link(ana, "shared").await.unwrap(),
        Outcome::Linked { .. }
    ));

    let err = h.link(bo, "shared").await.unwrap_err();
    assert!(matches!(err, OidcError::LinkedToAnotherUser), "{err:?}");
    assert_eq!(err.reason(), "oidc-error-linked-elsewhere");
    assert!(
        h.oidc
            .linked_identities(h.db.store(), bo)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.oidc
            .linked_identities(h.db.store(), ana)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        h.sign_in("shared").await.unwrap(),
        Outcome::SignedIn {
            user_id: ana,
            return_to: None
        }
    );
}

#[tokio::test]
async fn callbacks_that_do_not_belong_to_the_flow_are_refused() {
    let h = Harness::start().await;
    let ana = h.user("ana@example.com").await;
    let bo = h.user("bo@example.com").await;
    let refused = |r: Result<Outcome, OidcError>| r.unwrap_err();

    // A state nobody issued.
    let begun = h.begin(Purpose::SignIn, None).await;
    let callback = through_provider(&begun.authorize_url, AtProvider::SignInAs("ana.corp")).await;
    let mut forged = callback.clone();
    let code = query(&callback, "code").unwrap();
    let wrong_state = Secret::token();
    forged
        .query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", wrong_state.expose());
    let err = refused(
        h.finish_at(&forged, Some(wrong_state.expose()), None, Timestamp::now())
            .await,
    );
    assert!(matches!(err, OidcError::FlowNotFound), "{err:?}");

    // The right state from another browser (no cookie, or another flow's): refused, and the
    // flow is spent, so the genuine browser must start again too.
    let err = refused(h.finish_at(&callback, None, None, Timestamp::now()).await);
    assert!(matches!(err, OidcError::BrowserMismatch), "{err:?}");
    let err = refused(h.finish(&callback, &begun, None).await);
    assert!(matches!(err, OidcError::FlowNotFound), "{err:?}");

    // Too late: the flow lasts ten minutes.
    let begun = h.begin(Purpose::SignIn, None).await;
    let callback = through_provider(&begun.authorize_url, AtProvider::SignInAs("ana.corp")).await;
    let later = Timestamp::now() + SignedDuration::from_mins(11);
    let err = refused(
        h.finish_at(&callback, Some(begun.state.expose()), None, later)
            .await,
    );
    assert!(matches!(err, OidcError::FlowNotFound), "{err:?}");

    // A link begun by Ana cannot be finished in a browser where Bo, or nobody, is signed in.
    for signed_in in [Some(bo), None] {
        let begun = h.begin(Purpose::Link(ana), None).await;
        let callback =
            through_provider(&begun.authorize_url, AtProvider::SignInAs("ana.corp")).await;
        let err = refused(h.finish(&callback, &begun, signed_in).await);
        assert!(matches!(err, OidcError::LinkSessionMismatch), "{err:?}");
    }
    assert!(
        h.oidc
            .linked_identities(h.db.store(), ana)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        h.oidc
            .linked_identities(h.db.store(), bo)
            .await
            .unwrap()
            .is_empty()
    );

    // A code the provider never issued, with a genuine flow.
    let begun = h.begin(Purpose::Link(ana), None).await;
    let mut bogus = Url::parse(REDIRECT_URI).unwrap();
    bogus
        .query_pairs_mut()
        .append_pair("code", "not-a-code")
        .append_pair("state", begun.state.expose());
    let err = refused(h.finish(&bogus, &begun, Some(ana)).await);
    assert!(matches!(err, OidcError::TokenRejected { .. }), "{err:?}");
    assert_eq!(err.reason(), "oidc-error-not-verified");

    // The person cancels at the provider.
    let begun = h.begin(Purpose::Link(ana), None).await;
    let callback = through_provider(&begun.authorize_url, AtProvider::Cancel).await;
    let err = refused(h.finish(&callback, &begun, Some(ana)).await);
    assert!(
        matches!(&err, OidcError::Denied(e) if e == "access_denied"),
        "{err:?}"
    );
    assert!(
        h.oidc
            .linked_identities(h.db.store(), ana)
            .await
            .unwrap()
            .is_empty()
    );

    // A callback for another provider's route, an unknown provider, an unsafe return address.
    let err = h
        .oidc
        .begin(
            h.db.store(),
            "nope",
            Purpose::SignIn,
            REDIRECT_URI,
            None,
            Timestamp::now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, OidcError::UnknownProvider(_)), "{err:?}");
    let err = h
        .oidc
        .begin(
            h.db.store(),
            PROVIDER_ID,
            Purpose::SignIn,
            REDIRECT_URI,
            Some("//evil.example/"),
            Timestamp::now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, OidcError::UnsafeReturnTo), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_provider_is_reported_not_hidden() {
    let port = free_port();
    let oidc = Oidc::new(vec![OidcProviderConfig {
        id: "down".to_owned(),
        display_name: "Down".to_owned(),
        issuer_url: format!("http://127.0.0.1:{port}"),
        client_id: CLIENT_ID.to_owned(),
        client_secret: OidcClientSecret::new(CLIENT_SECRET),
        scopes: vec![],
    }])
    .unwrap();
    let db = TestDb::sqlite().await;
    let err = oidc
        .begin(
            db.store(),
            "down",
            Purpose::SignIn,
            REDIRECT_URI,
            None,
            Timestamp::now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, OidcError::ProviderUnavailable { .. }),
        "{err:?}"
    );
    assert!(err.is_server_error());
    assert!(!format!("{err:?}").contains(CLIENT_SECRET));
    assert!(!format!("{oidc:?}").contains(CLIENT_SECRET));
}
