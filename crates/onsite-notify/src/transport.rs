//! Where queued emails go: the embedded mailbox (the default; messages stay readable in the
//! back office and nothing leaves the server) or an SMTP server.
//!
//! One-time secrets: a message that carries one (a password-reset token, an invitation code)
//! gets it in place of its placeholder only in the copy built for SMTP ([`build_message`]),
//! right before it is handed over. The mailbox delivers to no one, so there the secret is
//! shown to nobody: it is erased when the message is recorded as delivered, and password
//! resets and emailed invitations need SMTP to reach their recipients.
//!
//! Duplicates and SMTP: the outbox hands each message to one worker at a time and records the
//! outcome, but one window cannot be closed by any sender: the SMTP server accepted the message
//! and the worker died (or lost the database) before recording it. The message is then sent
//! again once its lease expires. Every message therefore carries a `Message-ID` derived from
//! its event key, the same on every attempt, which receiving systems use to recognize the
//! duplicate.

use crate::secret::Secret;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use onsite_store::outbox::{OutboxMessage, fill_secret};
use std::sync::OnceLock;
use std::time::Duration;

/// How the worker delivers messages.
#[derive(Debug, Clone, Default)]
pub enum Transport {
    /// The embedded mailbox: a message is "delivered" by being marked so; staff read it in the
    /// back office, with any one-time secret hidden (and erased, as after any delivery).
    #[default]
    Mailbox,
    Smtp(SmtpConfig),
}

impl Transport {
    /// The name recorded with each message it delivers.
    pub fn name(&self) -> &'static str {
        match self {
            Transport::Mailbox => "mailbox",
            Transport::Smtp(_) => "smtp",
        }
    }

    /// Checks the settings without connecting anywhere, so a bad one is reported at start-up.
    pub fn validate(&self) -> Result<(), InvalidSmtpConfig> {
        match self {
            Transport::Mailbox => Ok(()),
            Transport::Smtp(config) => config.validate(),
        }
    }
}

/// How to reach the SMTP server.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The sender: `noreply@example.com` or `Example Service <noreply@example.com>`.
    pub from: String,
    /// Limit for connecting and for each SMTP command.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

fn default_timeout_secs() -> u64 {
    30
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text (a relay on the same host or network only).
    None,
    /// Connect in plain text, then require an upgrade to TLS (`STARTTLS`, usually port 587).
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

impl TlsMode {
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        }
    }
}

impl std::str::FromStr for TlsMode {
    type Err = InvalidSmtpConfig;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(TlsMode::None),
            "starttls" => Ok(TlsMode::StartTls),
            "tls" => Ok(TlsMode::Tls),
            _ => Err(InvalidSmtpConfig {
                field: "tls",
                reason: "must be none, starttls or tls".into(),
            }),
        }
    }
}

/// A setting of [`SmtpConfig`] that cannot work, named after its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("smtp {field}: {reason}")]
pub struct InvalidSmtpConfig {
    pub field: &'static str,
    pub reason: String,
}

impl SmtpConfig {
    pub fn validate(&self) -> Result<(), InvalidSmtpConfig> {
        self.sender_mailbox()?;
        self.builder()?;
        Ok(())
    }

    fn sender_mailbox(&self) -> Result<Mailbox, InvalidSmtpConfig> {
        self.from
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| InvalidSmtpConfig {
                field: "from",
                reason: format!("{:?} is not an email address ({e})", self.from),
            })
    }

    /// The client's settings. Building the client itself starts its connection pool on the
    /// async runtime, so that waits for the first message.
    fn builder(&self) -> Result<AsyncSmtpTransportBuilder, InvalidSmtpConfig> {
        let err = |field, reason: &str| InvalidSmtpConfig {
            field,
            reason: reason.to_owned(),
        };
        let host = self.host.trim();
        if host.is_empty() {
            return Err(err("host", "is required"));
        }
        if self.port == 0 {
            return Err(err("port", "must be between 1 and 65535"));
        }
        if self.timeout_secs == 0 {
            return Err(err("timeout_secs", "must be at least 1"));
        }
        let tls_parameters = || {
            TlsParameters::new(host.to_owned()).map_err(|e| InvalidSmtpConfig {
                field: "host",
                reason: format!("cannot be used for TLS ({e})"),
            })
        };
        let tls = match self.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => Tls::Required(tls_parameters()?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(self.timeout_secs)));
        match (&self.username, &self.password) {
            (Some(user), Some(password)) => {
                builder = builder
                    .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
            }
            (None, None) => {}
            (Some(_), None) => return Err(err("password", "is required with a username")),
            (None, Some(_)) => return Err(err("username", "is required with a password")),
        }
        Ok(builder)
    }
}

/// Why a delivery attempt failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SendError {
    /// Retry later: the server is unreachable, busy (4xx), or refuses our credentials (a
    /// setting staff can fix without losing the message).
    Transient(String),
    /// Never retry: the server refused this message for good (5xx), or it cannot be built.
    Permanent(String),
}

/// The transport as the worker uses it. The SMTP client (a connection pool, which starts a task
/// on the async runtime) is built on first use, inside the runtime.
pub(crate) enum Sender {
    Mailbox,
    Smtp {
        config: SmtpConfig,
        client: OnceLock<Result<(AsyncSmtpTransport<Tokio1Executor>, Mailbox), String>>,
    },
}

impl Sender {
    pub(crate) fn new(transport: Transport) -> Sender {
        match transport {
            Transport::Mailbox => Sender::Mailbox,
            Transport::Smtp(config) => Sender::Smtp {
                config,
                client: OnceLock::new(),
            },
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Sender::Mailbox => "mailbox",
            Sender::Smtp { .. } => "smtp",
        }
    }

    /// Delivers one message, with its one-time secret (if it carries one) in the copy handed to
    /// SMTP; `Ok` carries the server's answer for the log.
    pub(crate) async fn send(
        &self,
        message: &OutboxMessage,
        secret: Option<&str>,
    ) -> Result<String, SendError> {
        let (config, client) = match self {
            Sender::Mailbox => return Ok("stored in the mailbox".to_owned()),
            Sender::Smtp { config, client } => (config, client),
        };
        let (transport, from) = client
            .get_or_init(|| {
                let from = config.sender_mailbox().map_err(|e| e.to_string())?;
                Ok((config.builder().map_err(|e| e.to_string())?.build(), from))
            })
            .as_ref()
            // A setting staff must fix; retrying keeps the message until they do.
            .map_err(|e| SendError::Transient(e.clone()))?;
        let mime = build_message(message, secret, from).map_err(SendError::Permanent)?;
        match transport.send(mime).await {
            Ok(response) => Ok(response.message().collect::<Vec<_>>().join(" ")),
            Err(e) => Err(classify(&e)),
        }
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let text = error_chain(e);
    let code = e.status().map(|c| c.to_string());
    let message = match &code {
        Some(code) if !text.contains(code.as_str()) => format!("{code} {text}"),
        _ => text,
    };
    // 530/534/535/538: authentication refused or required. Permanent by the SMTP rules, but
    // the fault is our settings, not this message: keep retrying until staff fix them.
    let auth = code
        .as_deref()
        .is_some_and(|c| matches!(c, "530" | "534" | "535" | "538"));
    if e.is_permanent() && !auth {
        SendError::Permanent(message)
    } else {
        SendError::Transient(message)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// The MIME message: text and HTML alternatives, then any attachments; the one-time `secret`
/// in place of its placeholder.
fn build_message(
    message: &OutboxMessage,
    secret: Option<&str>,
    from: &Mailbox,
) -> Result<Message, String> {
    let to: Address = message
        .recipient
        .as_str()
        .parse()
        .map_err(|e| format!("recipient {}: {e}", message.recipient.as_str()))?;
    let for_recipient = |text: &str| match secret {
        Some(secret) => fill_secret(text, secret),
        None => text.to_owned(),
    };
    let alternative = MultiPart::alternative_plain_html(
        for_recipient(&message.text_body),
        for_recipient(&message.html_body),
    );
    let body = if message.attachments.is_empty() {
        alternative
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for a in &message.attachments {
            let content_type = ContentType::parse(&a.content_type).map_err(|e| {
                format!(
                    "attachment {}: content type {:?}: {e}",
                    a.filename, a.content_type
                )
            })?;
            mixed = mixed.singlepart(
                MimeAttachment::new(a.filename.clone()).body(a.content.clone(), content_type),
            );
        }
        mixed
    };
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(for_recipient(&message.subject))
        .message_id(Some(message_id(&message.event_key, from.email.domain())))
        .date_now()
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            message.locale.clone(),
        ))
        // RFC 3834: tells auto-responders (vacation replies) not to answer.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ))
        .multipart(body)
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// `<onsite.KEY@DOMAIN>`, the same for every attempt at one event. The key is encoded so that
/// any key gives a valid and distinct id: letters, digits, `-` and `_` stay, every other byte
/// becomes `=XX`.
pub(crate) fn message_id(event_key: &str, domain: &str) -> String {
    let mut local = String::from("onsite.");
    for b in event_key.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            local.push(b as char);
        } else {
            local.push_str(&format!("={b:02X}"));
        }
    }
    format!("<{local}@{domain}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SmtpConfig {
        SmtpConfig {
            host: "smtp.example.com".into(),
            port: 587,
            tls: TlsMode::StartTls,
            username: Some("onsite".into()),
            password: Some(Secret::new("hunter2")),
            from: "Onsite <noreply@example.com>".into(),
            timeout_secs: 30,
        }
    }

    #[test]
    fn message_ids_are_stable_valid_and_distinct() {
        assert_eq!(
            message_id("booking:42:confirmed:v3", "example.com"),
            "<onsite.booking=3A42=3Aconfirmed=3Av3@example.com>"
        );
        assert_ne!(message_id("a:b", "x.org"), message_id("a=3Ab", "x.org"));
        assert_ne!(message_id("a.b", "x.org"), message_id("a:b", "x.org"));
        assert_eq!(
            message_id("é <x>", "x.org"),
            "<onsite.=C3=A9=20=3Cx=3E@x.org>"
        );
    }

    #[test]
    fn a_valid_config_passes_and_bad_settings_are_named() {
        assert_eq!(config().validate(), Ok(()));
        let field = |c: SmtpConfig| c.validate().unwrap_err().field;
        assert_eq!(
            field(SmtpConfig {
                host: " ".into(),
                ..config()
            }),
            "host"
        );
        assert_eq!(
            field(SmtpConfig {
                port: 0,
                ..config()
            }),
            "port"
        );
        assert_eq!(
            field(SmtpConfig {
                from: "not an address".into(),
                ..config()
            }),
            "from"
        );
        assert_eq!(
            field(SmtpConfig {
                password: None,
                ..config()
            }),
            "password"
        );
        assert_eq!(
            field(SmtpConfig {
                username: None,
                ..config()
            }),
            "username"
        );
        assert_eq!(
            field(SmtpConfig {
                timeout_secs: 0,
                ..config()
            }),
            "timeout_secs"
        );
        assert_eq!("STARTTLS".parse::<TlsMode>(), Ok(TlsMode::StartTls));
        assert!("ssl".parse::<TlsMode>().is_err());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let shown = format!("{:?}", Transport::Smtp(config()));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
    }
}
