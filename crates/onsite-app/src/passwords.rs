//! Passwords: the rules for choosing one (NIST SP 800-63B: long enough, no composition rules,
//! not a common one) and Argon2id hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1,
//! the `password-auth` defaults). Hashing is deliberately slow, so it runs on the blocking pool.

use std::sync::LazyLock;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("password-too-short")]
    TooShort,
    #[error("password-too-long")]
    TooLong,
    #[error("password-too-common")]
    TooCommon,
}

impl WeakPassword {
    /// The Fluent message id that explains the refusal.
    pub fn message_id(self) -> &'static str {
        match self {
            WeakPassword::TooShort => "password-too-short",
            WeakPassword::TooLong => "password-too-long",
            WeakPassword::TooCommon => "password-too-common",
        }
    }
}

static COMMON: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Checks a new password against the rules. `email` is refused too, as is any password that is
/// one of the most common ones (case-insensitively).
pub fn check(password: &str, email: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(WeakPassword::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str())
        || lower == email.to_lowercase()
        || lower == email.split('@').next().unwrap_or("").to_lowercase()
    {
        return Err(WeakPassword::TooCommon);
    }
    Ok(())
}

/// Argon2id PHC string of `password`.
pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .expect("password hashing does not panic")
}

/// A hash of a password nobody knows, verified against when the email is unknown so that
/// signing in takes as long whether or not the account exists.
static DECOY: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash("decoy password for timing"));

/// Whether `password` matches `stored` (or, with no stored hash, spends the same time and
/// says no).
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, &DECOY);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(check("short", "a@b.c"), Err(WeakPassword::TooShort));
        assert_eq!(check(&"x".repeat(129), "a@b.c"), Err(WeakPassword::TooLong));
        assert!(
            check(&"é".repeat(64), "a@b.c").is_ok(),
            "64 characters at least are allowed"
        );
        assert_eq!(check("Password1", "a@b.c"), Err(WeakPassword::TooCommon));
        assert_eq!(check("qwertyuiop", "a@b.c"), Err(WeakPassword::TooCommon));
        assert_eq!(
            check("ana.silva@example.com", "ana.silva@example.com"),
            Err(WeakPassword::TooCommon)
        );
        assert!(check("correct horse battery staple", "a@b.c").is_ok());
        assert!(
            check("lowercaseonly", "a@b.c").is_ok(),
            "no composition rules"
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery staple".into()).await;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery staple".into(), Some(h.clone())).await);
        assert!(!verify("wrong".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
