//! Passwords: the rules for choosing one (NIST SP 800-63B: long enough, no composition rules,
//! not a common one) and Argon2id hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1,
//! the `password-auth` defaults).
//!
//! Hashing is deliberately slow and needs 19 MiB of working memory, so it runs on a few threads
//! of its own ([`HASHERS`], one per core, at most four), one hash at a time on each, and
//! requests wait their turn:
//! - a flood of sign-in attempts queues instead of occupying up to 512 threads of tokio's
//!   blocking pool (and 19 MiB each) at once;
//! - memory stays bounded: once a block that large was freed, glibc raises its mmap threshold
//!   and serves the next ones from the allocating thread's arena, which keeps them after use.
//!   Hashing on the blocking pool's ever-changing threads spread those blocks over every arena
//!   (up to 8 per core): a demo server reached 580 MiB resident after 20 s of sign-in attempts
//!   (docs/benchmarks.md, "Memory under a request storm"). On a fixed set of threads, at most
//!   that many blocks are kept.

use std::sync::mpsc;
use std::sync::{LazyLock, Mutex};

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

/// Most threads that hash passwords (see the module doc).
const MAX_HASHERS: usize = 4;

/// The threads that hash passwords and the queue they take work from.
static HASHERS: LazyLock<mpsc::Sender<Box<dyn FnOnce() + Send>>> = LazyLock::new(|| {
    let (queue, work) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
    let work = std::sync::Arc::new(Mutex::new(work));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_HASHERS));
    for i in 0..threads {
        let work = work.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("onsite-hasher-{i}"))
            .spawn(move || {
                loop {
                    // The lock is held only while taking one job; a poisoned one still hands
                    // out jobs (a job that panicked left nothing half-done in the queue).
                    let job = work.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password hashing thread");
        }
    }
    queue
});

/// Runs `work` on a hashing thread; `None` if it could not run (no thread, or it panicked).
/// Work whose caller went away before its turn (the request timed out) is skipped.
async fn on_hasher<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, answer) = tokio::sync::oneshot::channel();
    let job = Box::new(move || {
        if !done.is_closed() {
            let _ = done.send(work());
        }
    });
    HASHERS.send(job).ok()?;
    answer.await.ok()
}

/// Argon2id PHC string of `password`.
pub async fn hash(password: String) -> String {
    on_hasher(move || password_auth::generate_hash(password))
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
    on_hasher(move || match stored {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn hashing_runs_on_a_few_threads_of_its_own_one_job_at_a_time_each() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = std::sync::Arc::new(AtomicUsize::new(0));
        let most = std::sync::Arc::new(AtomicUsize::new(0));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..32 {
            let (running, most) = (running.clone(), most.clone());
            jobs.spawn(on_hasher(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
                std::thread::current().name().unwrap_or_default().to_owned()
            }));
        }
        let names: std::collections::BTreeSet<String> = jobs
            .join_all()
            .await
            .into_iter()
            .map(|name| name.expect("every job ran"))
            .collect();
        assert!(
            names.iter().all(|n| n.starts_with("onsite-hasher-")),
            "{names:?}"
        );
        assert!(names.len() <= MAX_HASHERS, "{names:?}");
        assert!(most.load(Ordering::SeqCst) <= MAX_HASHERS);
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
