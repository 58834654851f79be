//! A real OpenID Connect provider for the external sign-in tests: `oidc-provider` from npm
//! (`tests/oidc-provider/server.mjs` at the workspace root), started on a free loopback port
//! with one confidential client and killed when dropped (even by a panic); and a browser
//! without JavaScript that goes through its sign-in and consent forms.
//!
//! Needs Node.js 20.19 or later; the provider's packages are installed with `npm ci` on first
//! use (CI runs `npm ci --prefix tests/oidc-provider` beforehand).

use crate::free_port;
use reqwest::Url;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The one client registered at the provider.
pub const CLIENT_ID: &str = "onsite-test";
pub const CLIENT_SECRET: &str = "client-secret-for-tests-only-4f9c2a7e";

/// The provider process; killed on drop.
pub struct TestProvider {
    child: Child,
    /// The issuer URL, `http://127.0.0.1:PORT`.
    pub issuer: String,
    log: Arc<Mutex<String>>,
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestProvider {
    /// Starts the provider with [`CLIENT_ID`] registered for `redirect_uri`, on a free port.
    pub fn start(redirect_uri: &str) -> TestProvider {
        let dir = provider_dir();
        ensure_installed(&dir);
        // The port is free when asked but could be taken before node binds it: try again.
        for attempt in 1..=3 {
            let child = Command::new("node")
                .arg(dir.join("server.mjs"))
                .arg(free_port().to_string())
                .env("OIDC_CLIENT_ID", CLIENT_ID)
                .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
                .env("OIDC_REDIRECT_URIS", redirect_uri)
                // If the test process dies without dropping us, the provider sees its stdin
                // close and quits.
                .env("OIDC_EXIT_ON_STDIN_EOF", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot run `node` ({e}): install Node.js 20.19 or later")
                });
            let mut provider = TestProvider {
                child,
                issuer: String::new(),
                log: Arc::default(),
            };
            let stdout = provider.child.stdout.take().expect("piped stdout");
            let (ready_tx, ready_rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(issuer) = line.strip_prefix("listening on ") {
                        let _ = ready_tx.send(issuer.to_owned());
                    }
                }
            });
            let mut stderr = provider.child.stderr.take().expect("piped stderr");
            let log = provider.log.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = stderr.read(&mut buf) {
                    log.lock()
                        .expect("the log lock")
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
                    let log = provider.log.lock().expect("the log lock").clone();
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

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider")
}

fn json_file(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// `npm ci` for the provider unless the pinned version is installed, under a file lock: test
/// binaries run in parallel processes.
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

/// What a person does at the provider's pages.
#[derive(Debug, Clone, Copy)]
pub enum AtProvider<'a> {
    /// Signs in with this login name (it becomes the subject; the email is
    /// `NAME@example.test`) and consents.
    SignInAs(&'a str),
    /// Cancels at the sign-in form.
    Cancel,
}

/// A browser without JavaScript at the provider: from `authorize_url`, keeps the provider's
/// cookies, follows its redirects one by one, fills its sign-in and consent forms as `act`
/// says, and stops at the redirect to `redirect_uri`, which it returns (with the code or the
/// error, and the state).
pub async fn through_provider(authorize_url: &str, redirect_uri: &str, act: AtProvider<'_>) -> Url {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let mut url = Url::parse(authorize_url).expect("an absolute authorize URL");
    let mut form: Option<Vec<(&str, &str)>> = None;
    for _ in 0..20 {
        let request = match form.take() {
            Some(fields) => http.post(url.clone()).form(&fields),
            None => http.get(url.clone()),
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("provider unreachable at {url}: {e}"));
        let status = response.status();
        if status.is_redirection() {
            let location = response.headers()[reqwest::header::LOCATION]
                .to_str()
                .expect("a readable Location")
                .to_owned();
            let target = url.join(&location).expect("a valid Location");
            if target.as_str().starts_with(redirect_uri) {
                return target;
            }
            url = target;
            continue;
        }
        let body = response.text().await.expect("the page's text");
        assert!(
            status.is_success(),
            "the provider answered {status} at {url}:\n{body}"
        );
        if body.contains(r#"name="prompt" value="login""#) {
            match act {
                AtProvider::SignInAs(login) => {
                    form = Some(vec![
                        ("prompt", "login"),
                        ("login", login),
                        ("password", "any password"),
                    ])
                }
                AtProvider::Cancel => {
                    url = Url::parse(&format!("{url}/abort")).expect("the abort URL")
                }
            }
        } else if body.contains(r#"name="prompt" value="consent""#) {
            form = Some(vec![("prompt", "consent")]);
        } else {
            panic!("unexpected page at {url}:\n{body}");
        }
    }
    panic!("no redirect to {redirect_uri} after 20 steps")
}
