//! Configuration: built-in defaults, then a TOML file, then `ONSITE_*` environment variables,
//! then command-line flags — each later source overriding the earlier. Every setting is
//! validated in one place; a bad one is reported with its name and where it came from, and the
//! program exits with code 2.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One setting: its name in the file (dotted for tables), its environment variable, and help.
struct Key {
    file: &'static str,
    env: &'static str,
}

const KEYS: &[Key] = &[
    Key {
        file: "data_dir",
        env: "ONSITE_DATA_DIR",
    },
    Key {
        file: "database_url",
        env: "ONSITE_DATABASE_URL",
    },
    Key {
        file: "database.group_commit",
        env: "ONSITE_DATABASE_GROUP_COMMIT",
    },
    Key {
        file: "listen",
        env: "ONSITE_LISTEN",
    },
    Key {
        file: "port",
        env: "ONSITE_PORT",
    },
    Key {
        file: "public_url",
        env: "ONSITE_PUBLIC_URL",
    },
    Key {
        file: "trust_forwarded_for",
        env: "ONSITE_TRUST_FORWARDED_FOR",
    },
    Key {
        file: "metrics_token",
        env: "ONSITE_METRICS_TOKEN",
    },
    Key {
        file: "http.header_timeout_secs",
        env: "ONSITE_HTTP_HEADER_TIMEOUT_SECS",
    },
    Key {
        file: "http.idle_timeout_secs",
        env: "ONSITE_HTTP_IDLE_TIMEOUT_SECS",
    },
    Key {
        file: "http.max_connections",
        env: "ONSITE_HTTP_MAX_CONNECTIONS",
    },
    Key {
        file: "http.lean_live_map",
        env: "ONSITE_HTTP_LEAN_LIVE_MAP",
    },
    Key {
        file: "http.board_poll_ms",
        env: "ONSITE_HTTP_BOARD_POLL_MS",
    },
    Key {
        file: "log",
        env: "ONSITE_LOG",
    },
    Key {
        file: "map_tile_url",
        env: "ONSITE_MAP_TILE_URL",
    },
    Key {
        file: "mail.transport",
        env: "ONSITE_MAIL_TRANSPORT",
    },
    Key {
        file: "mail.from",
        env: "ONSITE_MAIL_FROM",
    },
    Key {
        file: "mail.smtp_host",
        env: "ONSITE_SMTP_HOST",
    },
    Key {
        file: "mail.smtp_port",
        env: "ONSITE_SMTP_PORT",
    },
    Key {
        file: "mail.smtp_tls",
        env: "ONSITE_SMTP_TLS",
    },
    Key {
        file: "mail.smtp_username",
        env: "ONSITE_SMTP_USERNAME",
    },
    Key {
        file: "mail.smtp_password",
        env: "ONSITE_SMTP_PASSWORD",
    },
    Key {
        file: "mail.smtp_timeout_secs",
        env: "ONSITE_SMTP_TIMEOUT_SECS",
    },
];

/// Environment variables that start with `ONSITE_` but are not settings (used by the test
/// suites), so they are not reported as typos.
const NOT_SETTINGS: &[&str] = &["ONSITE_CONFIG", "ONSITE_BIN", "ONSITE_TEST_POSTGRES_URL"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// Messages stay in the database, readable by staff in the app.
    Mailbox,
    Smtp(Smtp),
}

#[derive(Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout_secs: u64,
}

impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; by default a SQLite file in the data directory.
    pub database_url: String,
    /// Bookings on SQLite share their commits (`Store::turn`, group commit); `false`: each is
    /// a `BEGIN IMMEDIATE` transaction of its own.
    pub group_commit: bool,
    pub listen: IpAddr,
    pub port: u16,
    /// The address people reach the portal at (links in emails); by default derived from
    /// `listen` and `port`.
    pub public_url: Option<String>,
    /// Whether a reverse proxy in front sets `X-Forwarded-For` (then per-address rate limits
    /// use it; otherwise anyone could spoof it).
    pub trust_forwarded_for: bool,
    /// The bearer token metrics scrapers present for `/metrics` (administrators need none).
    pub metrics_token: Option<String>,
    /// Head and idle timeouts, and the cap on connections served at once.
    pub connections: onsite_web::ConnectionLimits,
    /// The live map's event streams take the lean path (`onsite_web::lean`); `false`: hyper
    /// serves them as every other request.
    pub lean_live_map: bool,
    /// How often a schedule board's live updates poll the database; `None` (0): off.
    pub board_poll: Option<std::time::Duration>,
    pub log: String,
    pub map_tile_url: String,
    pub mail_from: String,
    pub mail: MailTransport,
    /// OpenID Connect providers people may link and sign in with (`[[oidc]]` tables in the
    /// file only: a list does not fit in environment variables).
    pub oidc: Vec<onsite_app::oidc::OidcProviderConfig>,
}

impl fmt::Debug for Config {
    // The database URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_url.split(':').next())
            .field("group_commit", &self.group_commit)
            .field("listen", &self.listen)
            .field("port", &self.port)
            .field("public_url", &self.public_url)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("connections", &self.connections)
            .field("lean_live_map", &self.lean_live_map)
            .field("mail", &self.mail)
            .field("oidc", &self.oidc)
            .finish_non_exhaustive()
    }
}

/// A setting that could not be used: which one, from where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {reason}")]
pub struct ConfigError {
    pub source_name: String,
    pub reason: String,
}

/// Where a raw value came from, for error messages.
#[derive(Debug, Clone)]
enum Origin {
    File(PathBuf),
    Env(&'static str),
    Flag(&'static str),
}

impl Origin {
    fn describe(&self, key: &str) -> String {
        match self {
            Origin::File(p) => format!("setting {key} in {}", p.display()),
            Origin::Env(var) => format!("environment variable {var}"),
            Origin::Flag(flag) => format!("option {flag}"),
        }
    }
}

/// Raw values by file key, with their origin; later inserts override earlier ones.
#[derive(Debug, Default)]
pub struct Layers {
    values: BTreeMap<&'static str, (String, Origin)>,
    /// The `[[oidc]]` tables of the file, with the file's path.
    oidc: Option<(Vec<toml::Value>, PathBuf)>,
    warnings: Vec<String>,
}

impl Layers {
    /// Reads the TOML file at `path`. Unknown keys are errors: a typo must not be silently
    /// ignored.
    pub fn file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let err = |reason: String| ConfigError {
            source_name: format!("configuration file {}", path.display()),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let mut table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| err(e.message().to_owned()))?;
        match table.remove("oidc") {
            None => {}
            Some(toml::Value::Array(providers)) => self.oidc = Some((providers, path.to_owned())),
            Some(_) => return Err(err("oidc must be a list of [[oidc]] tables".into())),
        }
        let mut flat = Vec::new();
        flatten("", &table, &mut flat);
        for (key, value) in flat {
            let known = KEYS
                .iter()
                .find(|k| k.file == key)
                .ok_or_else(|| err(format!("unknown setting {key}")))?;
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Float(f) => f.to_string(),
                _ => return Err(err(format!("setting {key} must be a string or a number"))),
            };
            self.values
                .insert(known.file, (value, Origin::File(path.to_owned())));
        }
        Ok(())
    }

    /// Takes every `ONSITE_*` variable from `vars`. Unknown ones are remembered as warnings.
    pub fn env(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        for (name, value) in vars {
            if !name.starts_with("ONSITE_") || NOT_SETTINGS.contains(&name.as_str()) {
                continue;
            }
            match KEYS.iter().find(|k| k.env == name) {
                Some(k) => {
                    self.values.insert(k.file, (value, Origin::Env(k.env)));
                }
                None => self
                    .warnings
                    .push(format!("ignoring unknown environment variable {name}")),
            }
        }
    }

    /// A value given on the command line.
    pub fn flag(&mut self, key: &'static str, flag: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.values.insert(key, (v, Origin::Flag(flag)));
        }
    }

    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn get(&self, key: &str) -> Option<(&str, &Origin)> {
        self.values.get(key).map(|(v, o)| (v.as_str(), o))
    }

    /// Validates every value into a [`Config`].
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        let fail = |key: &str, reason: String| {
            let origin = self
                .get(key)
                .map(|(_, o)| o.describe(key))
                .unwrap_or_else(|| key.to_owned());
            ConfigError {
                source_name: origin,
                reason,
            }
        };
        let text = |key: &str| {
            self.get(key)
                .map(|(v, _)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let data_dir = PathBuf::from(text("data_dir").unwrap_or_else(|| "data".to_owned()));
        let database_url = match text("database_url") {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://") =>
            {
                url
            }
            Some(_) => {
                return Err(fail(
                    "database_url",
                    "must start with sqlite:// or postgres://".into(),
                ));
            }
            None => format!("sqlite://{}", data_dir.join("onsite.db").display()),
        };
        // A setting that is true or false.
        let switch = |key: &str, default: bool| match text(key).as_deref() {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(_) => Err(fail(key, "must be true or false".into())),
        };
        let group_commit = switch("database.group_commit", true)?;
        let listen = match text("listen") {
            Some(v) => v.parse().map_err(|_| {
                fail(
                    "listen",
                    format!("{v:?} is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)"),
                )
            })?,
            None => IpAddr::from([127, 0, 0, 1]),
        };
        let port = parse_number(text("port"), 8080, 0, u16::MAX as u64)
            .map_err(|r| fail("port", r))? as u16;
        let public_url = match text("public_url") {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                Some(u.trim_end_matches('/').to_owned())
            }
            Some(_) => {
                return Err(fail(
                    "public_url",
                    "must start with http:// or https://".into(),
                ));
            }
            None => None,
        };
        let trust_forwarded_for = switch("trust_forwarded_for", false)?;
        let metrics_token = match text("metrics_token") {
            Some(t) if t.len() >= 32 && t.bytes().all(|b| b.is_ascii_graphic()) => Some(t),
            Some(_) => {
                return Err(fail(
                    "metrics_token",
                    "must be at least 32 characters without spaces (e.g. from openssl rand -hex 32)"
                        .into(),
                ));
            }
            None => None,
        };
        let defaults = onsite_web::ConnectionLimits::default();
        let seconds = |key: &str, default: Duration, max: u64| {
            parse_number(text(key), default.as_secs(), 1, max)
                .map(Duration::from_secs)
                .map_err(|r| fail(key, r))
        };
        let connections = onsite_web::ConnectionLimits {
            header_timeout: seconds("http.header_timeout_secs", defaults.header_timeout, 300)?,
            idle_timeout: seconds("http.idle_timeout_secs", defaults.idle_timeout, 3600)?,
            max_connections: parse_number(
                text("http.max_connections"),
                defaults.max_connections as u64,
                1,
                1_000_000,
            )
            .map_err(|r| fail("http.max_connections", r))? as usize,
        };
        let lean_live_map = switch("http.lean_live_map", true)?;
        let board_poll_ms = parse_number(text("http.board_poll_ms"), 1000, 0, 60_000)
            .map_err(|r| fail("http.board_poll_ms", r))?;
        let board_poll =
            (board_poll_ms > 0).then(|| std::time::Duration::from_millis(board_poll_ms));
        let log = text("log").unwrap_or_else(|| "info,sqlx=warn,tower_http=info".to_owned());
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(fail(
                "log",
                format!("is not a log filter such as info or onsite=debug,info ({e})"),
            ));
        }
        let map_tile_url = match text("map_tile_url") {
            Some(u) if u.starts_with("https://") || u.starts_with("http://") || u.is_empty() => u,
            Some(_) => {
                return Err(fail(
                    "map_tile_url",
                    "must be an http(s) URL with {z}/{x}/{y}".into(),
                ));
            }
            None => "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
        };
        let mail_from =
            text("mail.from").unwrap_or_else(|| "Onsite <no-reply@onsite.localhost>".to_owned());
        if !mail_from.contains('@') {
            return Err(fail(
                "mail.from",
                "must be an email address, e.g. Onsite <no-reply@example.com>".into(),
            ));
        }
        let mail = match text("mail.transport").as_deref() {
            None | Some("mailbox") => MailTransport::Mailbox,
            Some("smtp") => {
                let host = text("mail.smtp_host").ok_or_else(|| {
                    fail(
                        "mail.smtp_host",
                        "is required when mail.transport is smtp".into(),
                    )
                })?;
                let tls = match text("mail.smtp_tls").as_deref() {
                    None | Some("starttls") => SmtpTls::StartTls,
                    Some("tls") => SmtpTls::Tls,
                    Some("none") => SmtpTls::None,
                    Some(_) => {
                        return Err(fail(
                            "mail.smtp_tls",
                            "must be one of starttls, tls, none".into(),
                        ));
                    }
                };
                let default_port = match tls {
                    SmtpTls::Tls => 465,
                    SmtpTls::StartTls => 587,
                    SmtpTls::None => 25,
                };
                let port = parse_number(text("mail.smtp_port"), default_port, 1, u16::MAX as u64)
                    .map_err(|r| fail("mail.smtp_port", r))? as u16;
                let timeout_secs = parse_number(text("mail.smtp_timeout_secs"), 30, 1, 600)
                    .map_err(|r| fail("mail.smtp_timeout_secs", r))?;
                MailTransport::Smtp(Smtp {
                    host,
                    port,
                    tls,
                    username: text("mail.smtp_username"),
                    password: text("mail.smtp_password"),
                    timeout_secs,
                })
            }
            Some(_) => return Err(fail("mail.transport", "must be mailbox or smtp".into())),
        };
        let mut oidc = Vec::new();
        if let Some((providers, path)) = &self.oidc {
            for (i, value) in providers.iter().enumerate() {
                let provider =
                    value
                        .clone()
                        .try_into()
                        .map_err(|e: toml::de::Error| ConfigError {
                            source_name: format!("setting oidc[{i}] in {}", path.display()),
                            reason: e.message().to_owned(),
                        })?;
                oidc.push(provider);
            }
        }
        Ok(Config {
            data_dir,
            database_url,
            group_commit,
            listen,
            port,
            public_url,
            trust_forwarded_for,
            metrics_token,
            connections,
            lean_live_map,
            board_poll,
            log,
            map_tile_url,
            mail_from,
            mail,
            oidc,
        })
    }
}

fn parse_number(raw: Option<String>, default: u64, min: u64, max: u64) -> Result<u64, String> {
    match raw {
        None => Ok(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "{v:?} is not a whole number between {min} and {max}"
            )),
        },
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            other => out.push((key, other.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Layers {
        let mut l = Layers::default();
        l.env(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        l
    }

    #[test]
    fn defaults_give_an_embedded_database_in_the_data_dir() {
        let c = Layers::default().resolve().unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(c.database_url, "sqlite://data/onsite.db");
        assert_eq!(c.mail, MailTransport::Mailbox);
    }

    #[test]
    fn later_sources_override_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("onsite.toml");
        std::fs::write(&file, "port = 9000\ndata_dir = \"/srv/onsite\"\n[mail]\ntransport = \"smtp\"\nsmtp_host = \"mx\"\nsmtp_password = \"hunter2\"\n").unwrap();
        let mut l = Layers::default();
        l.file(&file).unwrap();
        l.env([("ONSITE_PORT".to_string(), "9100".to_string())]);
        let c = l.resolve().unwrap();
        assert_eq!(c.port, 9100);
        assert_eq!(c.data_dir, PathBuf::from("/srv/onsite"));
        let MailTransport::Smtp(smtp) = &c.mail else {
            panic!("smtp expected")
        };
        assert_eq!(
            (smtp.host.as_str(), smtp.port, smtp.tls),
            ("mx", 587, SmtpTls::StartTls)
        );
        assert!(!format!("{c:?}").contains("hunter2"), "secrets never print");
        l.flag("port", "--port", Some("0".into()));
        assert_eq!(l.resolve().unwrap().port, 0);
    }

    #[test]
    fn bad_values_name_the_setting_and_its_source() {
        let e = env(&[("ONSITE_PORT", "eighty")]).resolve().unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable ONSITE_PORT: \"eighty\" is not a whole number between 0 and 65535"
        );
        let e = env(&[("ONSITE_DATABASE_URL", "mysql://x")])
            .resolve()
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("environment variable ONSITE_DATABASE_URL:")
        );
        let e = env(&[("ONSITE_MAIL_TRANSPORT", "smtp")])
            .resolve()
            .unwrap_err();
        assert!(e.to_string().contains("mail.smtp_host"), "{e}");
        let e = env(&[("ONSITE_LOG", "info,[[[")]).resolve().unwrap_err();
        assert!(
            e.to_string()
                .starts_with("environment variable ONSITE_LOG:"),
            "{e}"
        );
        let e = env(&[("ONSITE_LISTEN", "localhost:80")])
            .resolve()
            .unwrap_err();
        assert!(e.to_string().contains("ONSITE_LISTEN"));
    }

    #[test]
    fn boards_poll_every_second_unless_told_otherwise() {
        let second = Some(std::time::Duration::from_secs(1));
        assert_eq!(Layers::default().resolve().unwrap().board_poll, second);
        let c = env(&[("ONSITE_HTTP_BOARD_POLL_MS", "0")])
            .resolve()
            .unwrap();
        assert_eq!(c.board_poll, None);
        let c = env(&[("ONSITE_HTTP_BOARD_POLL_MS", "2000")])
            .resolve()
            .unwrap();
        assert_eq!(c.board_poll, Some(std::time::Duration::from_secs(2)));
        for bad in ["-1", "60001", "soon"] {
            let e = env(&[("ONSITE_HTTP_BOARD_POLL_MS", bad)])
                .resolve()
                .unwrap_err();
            assert!(e.to_string().contains("ONSITE_HTTP_BOARD_POLL_MS"), "{e}");
        }
    }

    #[test]
    fn the_lean_live_map_path_is_on_unless_turned_off() {
        assert!(Layers::default().resolve().unwrap().lean_live_map);
        let c = env(&[("ONSITE_HTTP_LEAN_LIVE_MAP", "false")])
            .resolve()
            .unwrap();
        assert!(!c.lean_live_map);
        let e = env(&[("ONSITE_HTTP_LEAN_LIVE_MAP", "no")])
            .resolve()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable ONSITE_HTTP_LEAN_LIVE_MAP: must be true or false"
        );
    }

    #[test]
    fn group_commit_is_on_unless_turned_off() {
        assert!(Layers::default().resolve().unwrap().group_commit);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("onsite.toml");
        std::fs::write(&file, "[database]\ngroup_commit = false\n").unwrap();
        let mut l = Layers::default();
        l.file(&file).unwrap();
        assert!(!l.resolve().unwrap().group_commit);
        l.env([(
            "ONSITE_DATABASE_GROUP_COMMIT".to_string(),
            "true".to_string(),
        )]);
        assert!(l.resolve().unwrap().group_commit);
        let e = env(&[("ONSITE_DATABASE_GROUP_COMMIT", "off")])
            .resolve()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable ONSITE_DATABASE_GROUP_COMMIT: must be true or false"
        );
    }

    #[test]
    fn connection_limits_and_the_metrics_token_are_checked() {
        let c = Layers::default().resolve().unwrap();
        assert_eq!(c.connections, onsite_web::ConnectionLimits::default());
        assert_eq!(c.metrics_token, None);
        let c = env(&[
            ("ONSITE_HTTP_HEADER_TIMEOUT_SECS", "5"),
            ("ONSITE_HTTP_IDLE_TIMEOUT_SECS", "30"),
            ("ONSITE_HTTP_MAX_CONNECTIONS", "500"),
            ("ONSITE_METRICS_TOKEN", &"ab12".repeat(8)),
        ])
        .resolve()
        .unwrap();
        assert_eq!(c.connections.header_timeout, Duration::from_secs(5));
        assert_eq!(c.connections.idle_timeout, Duration::from_secs(30));
        assert_eq!(c.connections.max_connections, 500);
        assert_eq!(c.metrics_token.as_deref(), Some("ab12".repeat(8).as_str()));
        assert!(
            !format!("{c:?}").contains("ab12ab12"),
            "the token never prints"
        );
        let e = env(&[("ONSITE_HTTP_HEADER_TIMEOUT_SECS", "0")])
            .resolve()
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("environment variable ONSITE_HTTP_HEADER_TIMEOUT_SECS:"),
            "{e}"
        );
        let e = env(&[("ONSITE_METRICS_TOKEN", "short")])
            .resolve()
            .unwrap_err();
        assert!(e.to_string().contains("at least 32 characters"), "{e}");
    }

    #[test]
    fn openid_providers_come_from_oidc_tables() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("onsite.toml");
        std::fs::write(
            &file,
            "[[oidc]]\nid = \"corp\"\ndisplay_name = \"Corp SSO\"\nissuer_url = \"https://id.example.com\"\nclient_id = \"onsite\"\nclient_secret = \"s3cret\"\n",
        )
        .unwrap();
        let mut l = Layers::default();
        l.file(&file).unwrap();
        let c = l.resolve().unwrap();
        assert_eq!(c.oidc.len(), 1);
        assert_eq!(c.oidc[0].id, "corp");
        assert!(!format!("{c:?}").contains("s3cret"));
        std::fs::write(&file, "[[oidc]]\nid = \"corp\"\n").unwrap();
        let mut l = Layers::default();
        l.file(&file).unwrap();
        let e = l.resolve().unwrap_err();
        assert!(e.to_string().starts_with("setting oidc[0] in"), "{e}");
    }

    #[test]
    fn unknown_file_keys_are_errors_and_unknown_env_vars_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("onsite.toml");
        std::fs::write(&file, "prot = 80\n").unwrap();
        let e = Layers::default().file(&file).unwrap_err();
        assert!(e.to_string().ends_with("unknown setting prot"), "{e}");
        std::fs::write(&file, "port = [1]\n").unwrap();
        assert!(Layers::default().file(&file).is_err());
        let l = env(&[("ONSITE_PROT", "1"), ("ONSITE_TEST_POSTGRES_URL", "x")]);
        assert_eq!(
            l.warnings(),
            ["ignoring unknown environment variable ONSITE_PROT"]
        );
    }
}
