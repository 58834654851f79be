//! Where handlers get "now" from. In production it is the system clock; tests move it forward
//! ([`Clock::advance`]) to reach session timeouts and expiries without waiting, through the
//! very code paths people use (the use cases take `now` as a parameter).

use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system clock plus an offset that only tests change. Cheap to clone; clones share the
/// offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    pub fn now(&self) -> Timestamp {
        let offset = SignedDuration::from_millis(self.offset_ms.load(Ordering::Relaxed));
        Timestamp::now()
            .saturating_add(offset)
            .unwrap_or(Timestamp::MAX)
    }

    /// Moves this clock (and its clones) forward by `by`. For tests.
    pub fn advance(&self, by: SignedDuration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_move_together() {
        let clock = Clock::system();
        let other = clock.clone();
        let before = other.now();
        clock.advance(SignedDuration::from_hours(3));
        assert!(other.now().duration_since(before) >= SignedDuration::from_hours(3));
    }
}
