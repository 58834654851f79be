//! Webhooks: the signed events the portal POSTs to administrators' endpoints.
//!
//! A use case queues an event with [`queue`] in the transaction of the change that causes it
//! (one delivery per active endpoint that wants its type, see `onsite_store::webhooks`); the
//! [`WebhookWorker`] (one per app server) claims due deliveries one at a time and POSTs each
//! body with its signature, retrying failures with backoff until the site's bound
//! (`webhooks/max_attempts`). docs/webhooks.md is the receiver's side.
//!
//! The signature is Stripe's scheme: `Onsite-Signature: t=<unix seconds>,v1=<hex
//! HMAC-SHA256(secret, "<t>.<body>")>`. [`verify`] is the receiver's check (used by the tests,
//! and the model of the documentation's example).

use crate::worker::{WorkerOptions, retry_delay};
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::settings::{self, SettingValue};
use onsite_domain::webhook::EventType;
use onsite_store::webhooks::{self as store, Attempt, Claim, Claimed, DeliveryId, Next};
use onsite_store::{Conn, Store, StoreError};
use serde::Serialize;
use sha2::Sha256;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::sync::Notify;
use tracing::Instrument;

/// The header with the event's id (the same on every attempt: receivers deduplicate on it).
pub const EVENT_ID_HEADER: &str = "Onsite-Event-Id";
/// The header with the event's type.
pub const EVENT_TYPE_HEADER: &str = "Onsite-Event-Type";
/// The header with the signature.
pub const SIGNATURE_HEADER: &str = "Onsite-Signature";

/// The body of an event as sent: `{"id", "type", "created_at", "data"}`.
#[derive(Debug, Serialize)]
struct Envelope<'a, T: Serialize> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: EventType,
    created_at: Timestamp,
    data: &'a T,
}

/// Queues the event `id` of type `event_type`, about `data`, for every endpoint that wants
/// it, in the caller's transaction: how many deliveries were queued (0 when nobody listens, or
/// when the same id was queued before). The body is written once here, so every attempt and
/// every "Redeliver" sends the very same bytes.
pub async fn queue(
    conn: &mut Conn,
    event_type: EventType,
    id: &str,
    data: &impl Serialize,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let body = serde_json::to_string(&Envelope {
        id,
        event_type,
        created_at: now,
        data,
    })
    .map_err(|e| StoreError::Corrupt(format!("webhook body: {e}")))?;
    let event = store::NewEvent {
        id,
        event_type,
        body: &body,
    };
    store::enqueue(conn, &event, now).await
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length: this never fails.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `Onsite-Signature` header of `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(digest))
}

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature header is not t=<seconds>,v1=<hex>")]
    Malformed,
    #[error("the signature's time is too far from now (a replay?)")]
    Stale,
    #[error("no v1 signature matches")]
    Mismatch,
}

/// The receiver's check: that `header` signs `body` with `secret`, and that its time is within
/// `tolerance` of `now` (refusing replays of old deliveries). Compares in constant time.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: Timestamp,
    tolerance: SignedDuration,
) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => {
                timestamp = Some(t.parse::<i64>().map_err(|_| VerifyError::Malformed)?)
            }
            Some(("v1", hex_sig)) => {
                signatures.push(hex::decode(hex_sig).map_err(|_| VerifyError::Malformed)?)
            }
            // Other schemes a later version may add are ignored, as Stripe's receivers do.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(VerifyError::Malformed)?;
    if signatures.is_empty() {
        return Err(VerifyError::Malformed);
    }
    let age = SignedDuration::from_secs(now.as_second().saturating_sub(timestamp));
    if age.abs() > tolerance {
        return Err(VerifyError::Stale);
    }
    let expected = mac(secret, timestamp, body).finalize().into_bytes();
    let matches = signatures.iter().fold(subtle::Choice::from(0), |any, s| {
        any | expected.as_slice().ct_eq(s)
    });
    if bool::from(matches) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Tuning; the defaults suit production. The number of attempts is the site setting
/// `webhooks/max_attempts`, read at each claim.
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// How long an idle worker waits before looking again (a poke wakes it sooner).
    pub idle_poll: Duration,
    /// How long a claim lasts; far longer than `timeout`, so a claim never expires during a
    /// request.
    pub lease: Duration,
    /// How long one request may take, connecting included.
    pub timeout: Duration,
    /// Delay after the first failure, doubled after each further one…
    pub retry_base: Duration,
    /// …up to this; the second half of each delay is random.
    pub retry_max: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            idle_poll: Duration::from_secs(2),
            lease: Duration::from_secs(120),
            timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(60 * 60),
        }
    }
}

/// What one step of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookOutcome {
    NoWork,
    Delivered {
        id: DeliveryId,
        status: u16,
    },
    RetryLater {
        id: DeliveryId,
        at: Timestamp,
        error: String,
    },
    GaveUp {
        id: DeliveryId,
        error: String,
    },
    /// The claim expired before the outcome could be recorded (another worker has it now).
    Lost {
        id: DeliveryId,
    },
}

type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// Delivers queued webhook events; any number can run against one database.
pub struct WebhookWorker {
    store: Store,
    client: reqwest::Client,
    notify: Arc<Notify>,
    options: WebhookOptions,
    clock: Clock,
}

impl WebhookWorker {
    pub fn new(store: Store) -> WebhookWorker {
        WebhookWorker::with_options(store, WebhookOptions::default())
    }

    pub fn with_options(store: Store, options: WebhookOptions) -> WebhookWorker {
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            // A redirect is an answer that is not 2xx: the endpoint's address needs fixing.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Onsite-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        WebhookWorker {
            store,
            client,
            notify: Arc::new(Notify::new()),
            options,
            clock: Arc::new(Timestamp::now),
        }
    }

    /// Replaces the clock (tests: to let the backoff pass at once).
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Poke it after committing a transaction that queued events.
    pub fn notifier(&self) -> Arc<Notify> {
        Arc::clone(&self.notify)
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Claims the next due delivery, if any, and makes one attempt.
    pub async fn try_execute_task(&self) -> Result<WebhookOutcome, StoreError> {
        let lease =
            SignedDuration::try_from(self.options.lease).unwrap_or(SignedDuration::from_mins(2));
        let (claimed, max_attempts) = {
            // Only for the claim: no connection is held during the request.
            let mut conn = self.store.conn().await?;
            let Some(claimed) = store::claim_next(&mut conn, self.now(), lease).await? else {
                return Ok(WebhookOutcome::NoWork);
            };
            let max = match onsite_store::settings::get(&mut conn, &settings::WEBHOOK_MAX_ATTEMPTS)
                .await?
            {
                SettingValue::Integer(n) => n,
                _ => 15,
            };
            (claimed, max)
        };
        let span = tracing::info_span!(
            "webhook",
            delivery = %claimed.claim.id,
            event = %claimed.event_id,
            attempt = claimed.attempts,
        );
        self.attempt(claimed, max_attempts).instrument(span).await
    }

    async fn attempt(
        &self,
        claimed: Claimed,
        max_attempts: i64,
    ) -> Result<WebhookOutcome, StoreError> {
        let Claimed {
            claim,
            event_id,
            event_type,
            body,
            attempts,
            url,
            secret,
        } = claimed;
        let id = claim.id;
        if attempts > max_attempts {
            // The earlier attempts never recorded an outcome: the worker died during each.
            let error = format!("gave up: {} attempts never finished", attempts - 1);
            let attempt = Attempt {
                error: Some(&error),
                ..Attempt::default()
            };
            return self
                .finish(
                    claim,
                    &attempt,
                    Next::GiveUp,
                    WebhookOutcome::GaveUp {
                        id,
                        error: error.clone(),
                    },
                )
                .await;
        }
        let sent_at = self.now();
        let request = self
            .client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_ID_HEADER, &event_id)
            .header(EVENT_TYPE_HEADER, &event_type)
            .header(
                SIGNATURE_HEADER,
                signature(&secret, sent_at.as_second(), body.as_bytes()),
            )
            .body(body);
        let (status, excerpt, error) = match request.send().await {
            Ok(mut response) => {
                let status = response.status();
                let excerpt = read_excerpt(&mut response, self.options.timeout).await;
                let error = (!status.is_success()).then(|| format!("answered {status}"));
                (Some(status.as_u16()), Some(excerpt), error)
            }
            Err(e) => (None, None, Some(describe(&e))),
        };
        let attempt = Attempt {
            status_code: status,
            error: error.as_deref(),
            excerpt: excerpt.as_deref(),
        };
        match (&error, status) {
            (None, Some(code)) => {
                tracing::info!(status = code, "webhook delivered");
                self.finish(
                    claim,
                    &attempt,
                    Next::Delivered,
                    WebhookOutcome::Delivered { id, status: code },
                )
                .await
            }
            (Some(e), _) if attempts < max_attempts => {
                let options = WorkerOptions {
                    retry_base: self.options.retry_base,
                    retry_max: self.options.retry_max,
                    ..WorkerOptions::default()
                };
                let delay = retry_delay(attempts, &options, random());
                let at = later(self.now(), delay);
                tracing::warn!(error = %e, retry_in_s = delay.as_secs(), "webhook not delivered, will retry");
                let outcome = WebhookOutcome::RetryLater {
                    id,
                    at,
                    error: e.clone(),
                };
                self.finish(claim, &attempt, Next::RetryAt(at), outcome)
                    .await
            }
            (e, _) => {
                let error = e.clone().unwrap_or_default();
                tracing::error!(%error, "webhook not delivered, giving up");
                let outcome = WebhookOutcome::GaveUp { id, error };
                self.finish(claim, &attempt, Next::GiveUp, outcome).await
            }
        }
    }

    /// Records an outcome under the claim; a moment's database trouble right after a request
    /// must not lose it (the delivery would be sent again when its lease expires), so this
    /// tries a few times.
    async fn finish(
        &self,
        claim: Claim,
        attempt: &Attempt<'_>,
        next: Next,
        outcome: WebhookOutcome,
    ) -> Result<WebhookOutcome, StoreError> {
        let mut wait = Duration::from_millis(200);
        let mut tries = 0;
        loop {
            let result = async {
                let mut conn = self.store.conn().await?;
                store::record(&mut conn, claim, attempt, next, self.now()).await
            }
            .await;
            match result {
                Ok(true) => return Ok(outcome),
                Ok(false) => {
                    tracing::warn!(
                        "the claim on this delivery expired before its outcome was recorded"
                    );
                    return Ok(WebhookOutcome::Lost { id: claim.id });
                }
                Err(e) if tries < 5 => {
                    tracing::warn!(error = %e, "cannot record the delivery's outcome yet");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    tries += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Delivers due events until `shutdown` completes; shutdown is honoured between
    /// deliveries, never in the middle of one.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        tracing::info!("webhook worker started");
        loop {
            let idle = match self.try_execute_task().await {
                Ok(WebhookOutcome::NoWork) => true,
                Ok(_) => false,
                Err(e) => {
                    tracing::error!(error = %e, "webhook worker cannot use the database");
                    true
                }
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = self.notify.notified(), if idle => {}
                () = tokio::time::sleep(self.options.idle_poll), if idle => {}
                () = std::future::ready(()), if !idle => {}
            }
        }
        tracing::info!("webhook worker stopped");
    }
}

/// The start of an answer's body (what the delivery log shows), as text; reading stops at
/// [`store::EXCERPT_MAX`] bytes or after `within`.
async fn read_excerpt(response: &mut reqwest::Response, within: Duration) -> String {
    let mut bytes = Vec::new();
    let reading = async {
        while bytes.len() < store::EXCERPT_MAX {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(within, reading).await;
    bytes.truncate(store::EXCERPT_MAX);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A failed request in a few words (the error's chain, without the URL, which the log shows).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "no answer in time"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut text = what.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn random() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}

fn later(now: Timestamp, delay: Duration) -> Timestamp {
    SignedDuration::try_from(delay)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_or_old_time_does_not() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let body = br#"{"id":"booking.created:1"}"#;
        let header = signature("whsec_x", now.as_second(), body);
        let five = SignedDuration::from_mins(5);
        assert_eq!(verify("whsec_x", &header, body, now, five), Ok(()));
        assert_eq!(
            verify("whsec_y", &header, body, now, five),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify("whsec_x", &header, b"{}", now, five),
            Err(VerifyError::Mismatch)
        );
        let later = now.checked_add(SignedDuration::from_mins(6)).unwrap();
        assert_eq!(
            verify("whsec_x", &header, body, later, five),
            Err(VerifyError::Stale)
        );
        assert_eq!(
            verify("whsec_x", "v1=00", body, now, five),
            Err(VerifyError::Malformed)
        );
        // A known vector: HMAC-SHA256("key", "1.body").
        assert_eq!(
            signature("key", 1, b"body"),
            format!(
                "t=1,v1={}",
                hex::encode(mac("key", 1, b"body").finalize().into_bytes())
            )
        );
    }
}
