//! The commands: wiring configuration to the store, the mail worker, the web server and the
//! demo loader.

use crate::config::{Config, MailTransport, SmtpTls};
use anyhow::Context;
use onsite_store::Store;
use std::net::SocketAddr;

/// How a command failed: bad input (exit code 2) or anything else (exit code 1).
pub enum Failure {
    BadInput(String),
    Other(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Other(e.into())
    }
}

pub async fn open_store(config: &Config) -> Result<Store, Failure> {
    Store::open(&config.database_url)
        .await
        .map(|store| store.with_group_commit(config.group_commit))
        .with_context(|| {
            format!(
                "cannot open the database ({})",
                redact(&config.database_url)
            )
        })
        .map_err(Failure::Other)
}

/// Hides the password of a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub async fn migrate(config: &Config) -> Result<(), Failure> {
    let store = open_store(config).await?;
    store.close().await;
    println!("The database is up to date.");
    Ok(())
}

pub async fn demo(config: &Config, today: Option<jiff::civil::Date>) -> Result<(), Failure> {
    let store = open_store(config).await?;
    let today = today.unwrap_or_else(demo_today);
    match onsite_demo::load(&store, today).await {
        Ok(summary) => {
            println!("Loaded the demo city:\n{summary}");
            print_sign_ins();
            Ok(())
        }
        Err(
            e @ (onsite_demo::DemoError::AlreadyLoaded | onsite_demo::DemoError::NotEmpty { .. }),
        ) => Err(Failure::BadInput(e.to_string())),
        Err(e) => Err(Failure::Other(e.into())),
    }
}

/// Today in the demo city, so visits "today" are today where they happen.
fn demo_today() -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("America/Toronto").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz).date()
}

fn print_sign_ins() {
    println!("Demo sign-ins (password: {}):", onsite_demo::PASSWORD);
    for (email, what) in onsite_demo::SIGN_INS {
        println!("  {email:<24} {what}");
    }
}

pub async fn send_test_email(config: &Config, to: &str, lang: &str) -> Result<(), Failure> {
    let to = onsite_domain::text::EmailAddress::parse(to)
        .map_err(|_| Failure::BadInput(format!("--to: {to:?} is not an email address")))?;
    let locale = onsite_i18n::Locale::from_tag(lang)
        .ok_or_else(|| Failure::BadInput(format!("--lang: {lang:?} is not a shipped language")))?;
    let store = open_store(config).await?;
    onsite_notify::queue_test_email(&store, &to, locale).await?;
    println!("Queued a test email to {to}; the running server sends it.");
    Ok(())
}

pub async fn invite(
    config: &Config,
    contact: Option<i64>,
    account: Option<i64>,
    roles: &[String],
) -> Result<(), Failure> {
    let roles = roles
        .iter()
        .map(|r| {
            r.parse::<onsite_domain::role::Role>()
                .map_err(|_| Failure::BadInput(format!("--role: {r:?} is not a role")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let store = open_store(config).await?;
    // The running server's mail worker sends what this queues.
    let app = onsite_app::App::new(store.clone(), Default::default(), public_url(config));
    let now = jiff::Timestamp::now();
    use onsite_app::identity::{self, IdentityError, InviteMode};
    let refused = |e: IdentityError| match e {
        IdentityError::NotFound => Failure::BadInput("no such contact or account".into()),
        e if e.is_internal() => Failure::Other(e.into()),
        e => Failure::BadInput(e.to_string()),
    };
    if let Some(id) = contact {
        let contact = onsite_domain::ContactId(id);
        let invited = identity::invite(&app, contact, &roles, None, InviteMode::Manual, now)
            .await
            .map_err(refused)?;
        println!(
            "Invited {} (code {}, valid until {}); the invitation email is queued.",
            invited.email,
            invited.code.expose(),
            invited.expires_at
        );
    } else if let Some(id) = account {
        let done = identity::invite_account(&app, onsite_domain::AccountId(id), &roles, None, now)
            .await
            .map_err(refused)?;
        println!(
            "Invited {} contacts; {} were invited before, {} already have an account.",
            done.invited.len(),
            done.already_invited.len(),
            done.already_have_account.len()
        );
    }
    store.close().await;
    Ok(())
}

/// `onsite admin create`: the first administrator of an empty installation, with the link
/// where they choose their password.
pub async fn create_first_admin(config: &Config, email: &str, name: &str) -> Result<(), Failure> {
    let store = open_store(config).await?;
    let app = onsite_app::App::new(store.clone(), Default::default(), public_url(config));
    let made = onsite_app::team::create_first_admin(&app, email, name, jiff::Timestamp::now())
        .await
        .map_err(|e| {
            if e.is_internal() {
                Failure::Other(e.into())
            } else {
                use onsite_app::failure::Failure as _;
                let message = onsite_app::failure::Failure::message(&e, onsite_i18n::DEFAULT);
                match e.field() {
                    Some(field) => Failure::BadInput(format!("--{field}: {message}")),
                    None => Failure::BadInput(message),
                }
            }
        })?;
    println!(
        "Created the administrator {email}. Within {} hours, open this link to choose the \
         password, then sign in:\n{}",
        onsite_app::team::ACCESS_LINK_LIFETIME.as_hours(),
        made.link.expose()
    );
    store.close().await;
    Ok(())
}

/// The portal's address as people reach it (for links in emails and printed links).
fn public_url(config: &Config) -> String {
    config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}:{}", config.listen, config.port))
}

fn transport(config: &Config) -> onsite_notify::Transport {
    match &config.mail {
        MailTransport::Mailbox => onsite_notify::Transport::Mailbox,
        MailTransport::Smtp(smtp) => onsite_notify::Transport::Smtp(onsite_notify::SmtpConfig {
            host: smtp.host.clone(),
            port: smtp.port,
            tls: match smtp.tls {
                SmtpTls::None => onsite_notify::TlsMode::None,
                SmtpTls::StartTls => onsite_notify::TlsMode::StartTls,
                SmtpTls::Tls => onsite_notify::TlsMode::Tls,
            },
            username: smtp.username.clone(),
            password: smtp.password.clone().map(onsite_notify::Secret::new),
            from: config.mail_from.clone(),
            timeout_secs: smtp.timeout_secs,
        }),
    }
}

pub async fn serve(config: Config, demo: bool) -> Result<(), Failure> {
    // Settings that can only be checked as a whole are checked before anything starts.
    let transport = transport(&config);
    transport
        .validate()
        .map_err(|e| Failure::BadInput(format!("mail setting {e}")))?;
    let oidc = onsite_app::oidc::Oidc::new(config.oidc.clone())
        .map_err(|e| Failure::BadInput(format!("oidc: {e}")))?;
    let store = open_store(&config).await?;
    if demo {
        match onsite_demo::load(&store, demo_today()).await {
            Ok(summary) => println!("Loaded the demo city:\n{summary}"),
            Err(onsite_demo::DemoError::AlreadyLoaded) => {
                println!("The demo city is already loaded.")
            }
            // Another database: serve it as it is rather than refuse to start.
            Err(e @ onsite_demo::DemoError::NotEmpty { .. }) => {
                println!("Not loading the demo: {e}.")
            }
            Err(e) => return Err(Failure::Other(e.into())),
        }
    }
    let addr = SocketAddr::new(config.listen, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => Failure::BadInput(format!(
                "port {} is already in use; pick another with --port",
                config.port
            )),
            std::io::ErrorKind::PermissionDenied => {
                Failure::BadInput(format!("no permission to listen on {addr}"))
            }
            _ => Failure::Other(anyhow::Error::new(e).context(format!("cannot listen on {addr}"))),
        })?;
    let bound = listener.local_addr()?;
    let shown_host = if bound.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        bound.ip().to_string()
    };
    let local_url = format!("http://{shown_host}:{}", bound.port());
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| local_url.clone());

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };
    let worker = onsite_notify::Worker::new(store.clone(), transport);
    let mut app = onsite_app::App::new(store.clone(), worker.notifier(), public_url.clone());
    let webhooks = onsite_notify::WebhookWorker::new(store.clone());
    app.webhooks = webhooks.notifier();
    // Background work; each is safe to run on every app server at once.
    let background = [
        tokio::spawn(worker.run(stopped())),
        tokio::spawn(webhooks.run(stopped())),
        tokio::spawn(onsite_app::distribution::distribution_worker(
            app.clone(),
            stopped(),
        )),
        tokio::spawn(onsite_app::housekeeping::housekeeping_worker(
            app.clone(),
            stopped(),
        )),
        tokio::spawn(onsite_app::reassign::reassignment_worker(
            app.clone(),
            stopped(),
        )),
    ];

    let state = onsite_web::AppState::new(
        app,
        oidc,
        onsite_web::WebConfig {
            // Cookies are marked Secure whenever people reach the portal over HTTPS.
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            map_tile_url: config.map_tile_url.clone(),
            // Per-address rate limits use the TCP peer unless the deployment says its proxy
            // sets X-Forwarded-For.
            trust_forwarded_for: config.trust_forwarded_for,
            connections: config.connections,
            lean_live_map: config.lean_live_map,
            board_poll: config.board_poll,
            metrics_token: config.metrics_token.clone(),
            emails_reach_inboxes: matches!(config.mail, MailTransport::Smtp(_)),
        },
    );
    if demo {
        print_sign_ins();
    }
    let setup = state.app.setup.clone();
    match onsite_app::team::first_admin_needed(&state.app).await {
        Ok(true) => {
            let code = setup.open();
            // Printed for the operator; the code opens the setup page of this process only.
            println!(
                "No administrator yet. Open {local_url}/setup with the setup code {} \
                 (or run `onsite admin create --email …`).",
                code.expose()
            );
            tracing::warn!(
                "no administrator yet: the setup page at /setup is open with the setup code printed at start"
            );
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not tell whether an administrator exists"),
    }
    println!("Onsite is listening on {local_url}");
    let server = onsite_web::serve(listener, state, stopped());
    let server = tokio::spawn(server);
    shutdown_signal().await;
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    server
        .await
        .context("web server task")?
        .context("web server")?;
    for task in background {
        let _ = task.await;
    }
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://app:s3cret@db/onsite"),
            "postgres://app:***@db/onsite"
        );
        assert_eq!(
            super::redact("postgres://app@db/onsite"),
            "postgres://app@db/onsite"
        );
        assert_eq!(
            super::redact("sqlite://data/onsite.db"),
            "sqlite://data/onsite.db"
        );
    }
}
