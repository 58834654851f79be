//! Webhooks: the events an administrator's endpoint can subscribe to, and the address it is
//! sent to (HTTPS; plain HTTP only to this machine, for tests and local receivers).

use crate::InvalidInput;
use serde::{Deserialize, Serialize};

text_enum! {
    /// What happened, as the `type` of an event sent to an endpoint.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum EventType ("events") {
        BookingCreated = "booking.created",
        BookingRescheduled = "booking.rescheduled",
        BookingCanceled = "booking.canceled",
        BookingStateChanged = "booking.state_changed",
        FeedbackReceived = "feedback.received",
        OpportunityAccepted = "opportunity.accepted",
        OpportunityDeclined = "opportunity.declined",
        OpportunityClosed = "opportunity.closed",
        InvoiceExposed = "invoice.exposed",
    }
}

/// The longest endpoint address accepted.
pub const URL_MAX: usize = 2000;

/// An endpoint's address: an absolute `https://` URL without credentials, or `http://` to a
/// loopback host (`localhost`, `127.0.0.0/8`, `::1`) — a receiver on this very machine, which
/// is what tests and local relays use; anything else over plain HTTP would carry the signed
/// events, personal data included, in clear over a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Reasons: `required`, `too-long`, `webhook-url` (not an absolute http(s) URL with a
    /// host, or with a user name or password), `webhook-https` (plain HTTP to another host).
    pub fn parse(raw: &str) -> Result<WebhookUrl, InvalidInput> {
        const FIELD: &str = "url";
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InvalidInput::new(FIELD, "required"));
        }
        if raw.len() > URL_MAX {
            return Err(InvalidInput::new(FIELD, "too-long"));
        }
        let bad = InvalidInput::new(FIELD, "webhook-url");
        let url = url::Url::parse(raw).map_err(|_| bad.clone())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad);
        }
        let loopback = match url.host() {
            None => return Err(bad),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(InvalidInput::new(FIELD, "webhook-https")),
            _ => return Err(bad),
        }
        Ok(WebhookUrl(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(WebhookUrl);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        for ok in [
            "https://erp.example.com/hooks/onsite",
            "https://10.0.0.5:8443/x?y=1",
            "http://127.0.0.1:4000/hook",
            "http://localhost/hook",
            "http://[::1]:9/",
        ] {
            assert!(WebhookUrl::parse(ok).is_ok(), "{ok}");
        }
        let reason = |s: &str| WebhookUrl::parse(s).unwrap_err().reason;
        assert_eq!(reason("http://erp.example.com/hook"), "webhook-https");
        assert_eq!(reason("http://192.168.1.4/hook"), "webhook-https");
        assert_eq!(reason("http://localhost.example.com/"), "webhook-https");
        assert_eq!(reason("ftp://example.com/"), "webhook-url");
        assert_eq!(reason("https://user:pw@example.com/"), "webhook-url");
        assert_eq!(reason("erp.example.com/hook"), "webhook-url");
        assert_eq!(reason("  "), "required");
        assert_eq!(
            reason(&format!("https://a.com/{}", "x".repeat(URL_MAX))),
            "too-long"
        );
    }

    #[test]
    fn event_types_read_back() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Ok(t));
        }
        assert!(EventType::parse("booking.deleted").is_err());
    }
}
