//! External sign-in through the pages, end to end against a real OpenID provider
//! (`oidc-provider` from npm, `tests/oidc-provider/server.mjs`), started by the test on a free
//! loopback port and killed when it ends: link an identity from the profile (Manage external
//! authentication), sign in with it from the sign-in page, unlink it; and the refusals.
//!
//! Needs Node.js; the provider's packages are installed with `npm ci` on first use (CI runs
//! `npm ci --prefix tests/oidc-provider` beforehand).

use crate::support::{Browser, PUBLIC_URL, TestApp, World, config};
use axum::http::StatusCode;
use onsite_app::oidc::{Oidc, OidcClientSecret, OidcProviderConfig};
use onsite_store::testing::TestDb;
use reqwest::Url;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

const PROVIDER_ID: &str = "corp";
const CLIENT_ID: &str = "onsite-web-test";
const CLIENT_SECRET: &str = "client-secret-for-web-tests-only-7d1e";

/// The callback as registered at the provider: the public URL plus the callback route.
fn redirect_uri() -> String {
    format!("{PUBLIC_URL}/auth/oidc/{PROVIDER_ID}/callback")
}

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider")
}

fn json_file(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// `npm ci` for the provider unless the pinned version is installed (under a lock: test
/// binaries may run at once).
fn ensure_installed(dir: &Path) {
    let lock = std::fs::File::create(std::env::temp_dir().join("onsite-oidc-provider-npm.lock"))
        .expect("lock file");
    lock.lock().expect("lock the npm install");
    let pinned = json_file(&dir.join("package.json")).and_then(|j| {
        j["dependencies"]["oidc-provider"]
            .as_str()
            .map(str::to_owned)
    });
    let installed = json_file(&dir.join("node_modules/oidc-provider/package.json"))
        .and_then(|j| j["version"].as_str().map(str::to_owned));
    if pinned.is_none() || pinned != installed {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(dir)
            .stdout(Stdio::null())
            .status();
        assert!(
            status.as_ref().is_ok_and(|s| s.success()),
            "the test OpenID provider is not installed and `npm ci` failed ({status:?}); run \
             `npm ci --prefix tests/oidc-provider --no-audit --no-fund` (Node.js 20.19 or later)"
        );
    }
}

/// The provider process; killed on drop.
struct TestProvider {
    child: Child,
    issuer: String,
    log: Arc<Mutex<String>>,
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestProvider {
    fn start() -> TestProvider {
        let dir = provider_dir();
        ensure_installed(&dir);
        for attempt in 1..=3 {
            // Free when asked, but another process could take it first: then try again.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new("node")
                .arg(dir.join("server.mjs"))
                .arg(port.to_string())
                .env("OIDC_CLIENT_ID", CLIENT_ID)
                .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
                .env("OIDC_REDIRECT_URIS", redirect_uri())
                .env("OIDC_EXIT_ON_STDIN_EOF", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js"));
            let mut provider = TestProvider {
                child,
                issuer: String::new(),
                log: Arc::default(),
            };
            let stdout = provider.child.stdout.take().unwrap();
            let (ready_tx, ready_rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(issuer) = line.strip_prefix("listening on ") {
                        let _ = ready_tx.send(issuer.to_owned());
                    }
                }
            });
            let mut stderr = provider.child.stderr.take().unwrap();
            let log = provider.log.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = stderr.read(&mut buf) {
                    log.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
            match ready_rx.recv_timeout(Duration::from_secs(30)) {
                Ok(issuer) => {
                    provider.issuer = issuer;
                    return provider;
                }
                Err(_) => {
                    let exited = provider.child.try_wait().ok().flatten();
                    std::thread::sleep(Duration::from_millis(100));
                    let log = provider.log.lock().unwrap().clone();
                    assert!(
                        exited.is_some() && attempt < 3,
                        "the test OpenID provider did not start ({exited:?}):\n{log}"
                    );
                }
            }
        }
        unreachable!("the loop returns or panics")
    }
}

/// What the person does at the provider.
#[derive(Clone, Copy)]
enum AtProvider<'a> {
    SignInAs(&'a str),
    Cancel,
}

/// The provider's side in a browser without JavaScript: follows redirects with its own
/// cookies, fills the login and consent forms, and stops at the redirect back to Onsite,
/// returned as the path and query to open on Onsite.
async fn through_provider(authorize_url: &str, act: AtProvider<'_>) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = Url::parse(authorize_url).expect("an absolute authorize URL");
    let mut form: Option<Vec<(&str, &str)>> = None;
    for _ in 0..20 {
        let request = match form.take() {
            Some(fields) => http.post(url.clone()).form(&fields),
            None => http.get(url.clone()),
        };
        let response = request.send().await.expect("the provider answers");
        let status = response.status();
        if status.is_redirection() {
            let location = response.headers()[reqwest::header::LOCATION]
                .to_str()
                .unwrap()
                .to_owned();
            let target = url.join(&location).unwrap();
            if target.as_str().starts_with(&redirect_uri()) {
                return target.as_str().trim_start_matches(PUBLIC_URL).to_owned();
            }
            url = target;
            continue;
        }
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{status} at {url}:\n{body}");
        if body.contains(r#"name="prompt" value="login""#) {
            match act {
                AtProvider::SignInAs(login) => {
                    form = Some(vec![
                        ("prompt", "login"),
                        ("login", login),
                        ("password", "any password"),
                    ])
                }
                AtProvider::Cancel => url = Url::parse(&format!("{url}/abort")).unwrap(),
            }
        } else if body.contains(r#"name="prompt" value="consent""#) {
            form = Some(vec![("prompt", "consent")]);
        } else {
            panic!("unexpected page at {url}:\n{body}");
        }
    }
    panic!("no redirect back to Onsite after 20 steps")
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
    let provider = TestProvider::start();
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
    let provider = TestProvider::start();
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
