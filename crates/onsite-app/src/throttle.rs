//! Throttling of what can be guessed at (passwords, invitation codes) or costs something to
//! answer (reset emails, external sign-ins), after OWASP's Authentication Cheat Sheet: it slows
//! an attacker down per source and per account, and no stranger can lock the owner of an
//! account out. The counters are in the database (`onsite_store::rate_limits`), so every app
//! server counts the same; the windows are fixed, 15 minutes long. docs/sign-in.md gives the
//! rules in words.
//!
//! Signing in with a password ([`SignIn`]):
//! - only failures count: an attempt is counted before the password is checked (so that many
//!   at once cannot all slip under a limit) and taken back when it succeeds;
//! - per account and source: after [`SIGN_IN_PER_ACCOUNT_AND_SOURCE`] failures, that source is
//!   refused for that account until the window ends. Other sources are not: a stranger's
//!   failures from elsewhere never refuse the owner's own source;
//! - per source, across accounts (password spraying): [`SIGN_IN_PER_SOURCE`] failures;
//! - per account, a progressive delay: once the account has had [`FREE_FAILURES`] failures in
//!   the window, from anywhere, a source whose own last attempt on it failed must wait before
//!   the next, 1 s doubling with each further failure up to [`MAX_DELAY`]. A source without a
//!   failure of its own on the account is not delayed;
//! - a successful sign-in clears that source's failures for the account.
//!
//! A source is an IPv4 address, or the /64 network of an IPv6 address (what one subscriber
//! usually holds, so that walking through it does not make new sources).

use crate::identity::IdentityError;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::text::EmailAddress;
use onsite_i18n::{Arg, Locale};
use onsite_store::{Conn, StoreError, rate_limits};
use std::net::{IpAddr, Ipv6Addr};

/// The length of every counting window.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failed sign-ins per account and source, per window.
pub const SIGN_IN_PER_ACCOUNT_AND_SOURCE: i64 = 10;
/// Failed sign-ins per source, all accounts together, per window.
pub const SIGN_IN_PER_SOURCE: i64 = 50;
/// Failures of an account (from every source) before a wait is required after a failure.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait required after a failure.
pub const MAX_DELAY: SignedDuration = SignedDuration::from_secs(60);
/// Invitation codes that do not work, per source and window.
pub const REDEEM_PER_SOURCE: i64 = 10;
/// "Forgot password" requests per source and window.
pub const RESET_PER_SOURCE: i64 = 10;
/// Reset emails per address and window; beyond, requests are answered as usual but send
/// nothing (the address already received this many links).
pub const RESET_EMAILS_PER_ADDRESS: i64 = 3;
/// External sign-ins begun and not finished, per source and window (each stores a flow and
/// sends the browser to the provider).
pub const EXTERNAL_PER_SOURCE: i64 = 30;

/// An attempt refused for now: how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    retry_after: SignedDuration,
}

impl Throttled {
    pub fn after(retry_after: SignedDuration) -> Throttled {
        Throttled { retry_after }
    }

    /// The wait in whole seconds, at least one (the `Retry-After` header's value).
    pub fn seconds(&self) -> u64 {
        let millis = self.retry_after.as_millis().max(1) as u64;
        millis.div_ceil(1000)
    }

    /// "Too many attempts. Please wait 12 minutes and try again." in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        let seconds = self.seconds();
        let (id, count) = if seconds < 60 {
            ("identity-rate-limited-seconds", seconds)
        } else {
            ("identity-rate-limited-minutes", seconds.div_ceil(60))
        };
        locale.text_with(id, &[("count", Arg::Num(count as f64))])
    }
}

/// The source an attempt is counted under (see the module's documentation).
fn source(client: &str) -> String {
    match client.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", Ipv6Addr::from(network))
        }
        Ok(IpAddr::V6(v6)) => v6.to_canonical().to_string(),
        Ok(v4) => v4.to_string(),
        Err(_) => client.to_owned(),
    }
}

fn refused_until_window_ends(now: Timestamp) -> IdentityError {
    IdentityError::RateLimited(Throttled::after(
        rate_limits::window_end(now, WINDOW).duration_since(now),
    ))
}

/// Counts one attempt under `key`, refusing it (and taking it back) beyond `limit`.
async fn count_within(
    conn: &mut Conn,
    key: &str,
    limit: i64,
    now: Timestamp,
) -> Result<(), IdentityError> {
    if rate_limits::hit(conn, key, now, WINDOW).await? <= limit {
        return Ok(());
    }
    rate_limits::take_back(conn, key, now, WINDOW).await?;
    Err(refused_until_window_ends(now))
}

/// The wait required after `failures` failures of an account.
fn delay(failures: i64) -> SignedDuration {
    if failures < FREE_FAILURES {
        return SignedDuration::ZERO;
    }
    let doublings = (failures - FREE_FAILURES).min(16) as u32;
    SignedDuration::from_secs(1_i64 << doublings).min(MAX_DELAY)
}

/// One password sign-in, counted as a failure until [`SignIn::succeeded`] says otherwise.
#[derive(Debug)]
pub struct SignIn {
    source: String,
    /// The account's key and the account-and-source key; `None` for text that is no email
    /// address (only the source counts it).
    account: Option<(String, String)>,
    now: Timestamp,
}

impl SignIn {
    /// Lets an attempt to sign in as `email` from `client` go ahead, or says how long to wait.
    /// The address need not have an account: unknown ones are counted the same way, so the
    /// answers do not tell which have one.
    pub async fn begin(
        conn: &mut Conn,
        email: Option<&EmailAddress>,
        client: &str,
        now: Timestamp,
    ) -> Result<SignIn, IdentityError> {
        let source = source(client);
        let attempt = SignIn {
            account: email.map(|e| {
                (
                    format!("sign-in:account:{e}"),
                    format!("sign-in:account:{e}:source:{source}"),
                )
            }),
            source: format!("sign-in:source:{source}"),
            now,
        };
        if let Some((account, pair)) = &attempt.account {
            let failures = rate_limits::peek(conn, account, now, WINDOW).await?.hits;
            let own = rate_limits::peek(conn, pair, now, WINDOW).await?;
            if let Some(last) = own.last_hit_at.filter(|_| own.hits > 0) {
                let wait = delay(failures) - now.duration_since(last);
                if wait.is_positive() {
                    return Err(IdentityError::RateLimited(Throttled::after(wait)));
                }
            }
        }
        count_within(conn, &attempt.source, SIGN_IN_PER_SOURCE, now).await?;
        if let Some((account, pair)) = &attempt.account {
            if let Err(e) = count_within(conn, pair, SIGN_IN_PER_ACCOUNT_AND_SOURCE, now).await {
                rate_limits::take_back(conn, &attempt.source, now, WINDOW).await?;
                return Err(e);
            }
            rate_limits::hit(conn, account, now, WINDOW).await?;
        }
        Ok(attempt)
    }

    /// The password was right: the attempt does not count, and the source's failures for
    /// the account are forgotten.
    pub async fn succeeded(self, conn: &mut Conn) -> Result<(), StoreError> {
        rate_limits::take_back(conn, &self.source, self.now, WINDOW).await?;
        if let Some((account, pair)) = &self.account {
            rate_limits::take_back(conn, account, self.now, WINDOW).await?;
            rate_limits::clear(conn, pair).await?;
        }
        Ok(())
    }
}

/// One try of an invitation code, counted as a failure until [`CodeTry::worked`].
#[derive(Debug)]
pub struct CodeTry {
    key: String,
    now: Timestamp,
}

impl CodeTry {
    /// Lets a try of a code from `client` go ahead, or says how long to wait.
    pub async fn begin(
        conn: &mut Conn,
        client: &str,
        now: Timestamp,
    ) -> Result<CodeTry, IdentityError> {
        let key = format!("redeem:source:{}", source(client));
        count_within(conn, &key, REDEEM_PER_SOURCE, now).await?;
        Ok(CodeTry { key, now })
    }

    /// The code was a working one: the try does not count.
    pub async fn worked(self, conn: &mut Conn) -> Result<(), StoreError> {
        rate_limits::take_back(conn, &self.key, self.now, WINDOW).await
    }
}

/// Counts a "Forgot password" request from `client` for `email`, refusing the source beyond
/// its limit. `Ok(false)`: the address had its reset emails for this window, send none.
pub async fn reset_requested(
    conn: &mut Conn,
    email: &EmailAddress,
    client: &str,
    now: Timestamp,
) -> Result<bool, IdentityError> {
    let key = format!("reset:source:{}", source(client));
    count_within(conn, &key, RESET_PER_SOURCE, now).await?;
    let sent = rate_limits::hit(conn, &format!("reset:email:{email}"), now, WINDOW).await?;
    Ok(sent <= RESET_EMAILS_PER_ADDRESS)
}

fn external_key(client: &str) -> String {
    format!("external-sign-in:source:{}", source(client))
}

/// Counts an external sign-in begun from `client`, refusing it beyond the limit.
pub async fn external_sign_in_begun(
    conn: &mut Conn,
    client: &str,
    now: Timestamp,
) -> Result<(), IdentityError> {
    count_within(conn, &external_key(client), EXTERNAL_PER_SOURCE, now).await
}

/// An external sign-in from `client` finished: it no longer counts (taken from the window of
/// `now`, where it was most likely begun: a flow lasts minutes).
pub async fn external_sign_in_finished(
    conn: &mut Conn,
    client: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    rate_limits::take_back(conn, &external_key(client), now, WINDOW).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_addresses_and_ipv6_networks() {
        assert_eq!(source("203.0.113.7"), "203.0.113.7");
        assert_eq!(source("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(source("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
        assert_eq!(source("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(source("unknown"), "unknown");
    }

    #[test]
    fn the_delay_doubles_after_the_free_failures_up_to_a_minute() {
        let secs = |n| delay(n).as_secs();
        assert_eq!((0..FREE_FAILURES).map(secs).max(), Some(0));
        assert_eq!(
            [5, 6, 7, 8, 9, 10, 11, 40, i64::MAX].map(secs),
            [1, 2, 4, 8, 16, 32, 60, 60, 60]
        );
    }

    #[test]
    fn waits_are_said_in_seconds_or_minutes_in_every_locale() {
        let en = Locale::from_tag("en").unwrap();
        let fr = Locale::from_tag("fr").unwrap();
        let wait = |ms| Throttled::after(SignedDuration::from_millis(ms));
        assert_eq!(wait(1).seconds(), 1);
        assert_eq!(wait(1500).seconds(), 2);
        assert_eq!(
            wait(1000).message(en),
            "Too many attempts. Please wait one second and try again."
        );
        assert_eq!(
            wait(42_000).message(en),
            "Too many attempts. Please wait 42 seconds and try again."
        );
        assert_eq!(
            wait(61_000).message(en),
            "Too many attempts. Please wait 2 minutes and try again."
        );
        assert_eq!(
            wait(60_000).message(fr),
            "Trop de tentatives. Patientez une minute, puis réessayez."
        );
        for locale in onsite_i18n::SUPPORTED {
            for ms in [1000, 42_000, 600_000] {
                let text = wait(ms).message(*locale);
                assert!(!text.contains("Unknown localization key"), "{text}");
                assert!(!text.contains('{'), "{text}");
            }
        }
    }
}
