//! A partner's recorded opportunity history turned into the counts behind its six history
//! metrics (win, return, feedback, stall and touch rates, average days to close). The exact
//! definitions are in `docs/distribution.md`; this module is their one implementation.
//!
//! The history is a list of events (`opportunity_events` in the store). Every `distributed`
//! event starts an *assignment* of that opportunity to the partner; the events that follow it,
//! up to the next `distributed` event of the same opportunity, belong to that assignment. An
//! assignment counts when its `distributed` event is inside the look-back window; whatever
//! happened to it since counts with it, so a metric never mixes half an assignment.

use crate::weights::Metric;
use jiff::Timestamp;
use onsite_domain::OpportunityId;
use serde::{Deserialize, Serialize};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What happened to an opportunity held by a partner.
pub use onsite_domain::opportunity::OpportunityEventKind as EventKind;

/// One event of a partner's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub opportunity: OpportunityId,
    pub kind: EventKind,
    pub at: Timestamp,
}

/// The windows the metrics are measured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsPolicy {
    /// Assignments distributed more than this many days before "now" are forgotten.
    pub lookback_days: u32,
    /// An accepted opportunity with a gap of more than this many days without progress has
    /// stalled.
    pub stall_days: u32,
    /// An assignment answered (accepted or declined) within this many hours of distribution
    /// was touched promptly.
    pub touch_hours: u32,
}

impl Default for MetricsPolicy {
    fn default() -> Self {
        Self {
            lookback_days: 180,
            stall_days: 14,
            touch_hours: 24,
        }
    }
}

/// The counts behind a partner's history metrics over the look-back window. Each rate is a
/// numerator over a denominator kept here, so the ranking can show what a value rests on and
/// blend thin evidence with the average of all partners.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Assignments distributed inside the window.
    pub distributed: u32,
    /// Of those, finished for this partner: won, lost, declined or expired.
    pub resolved: u32,
    pub won: u32,
    pub lost: u32,
    pub declined: u32,
    pub expired: u32,
    /// Accepted by the partner (whatever happened next).
    pub accepted: u32,
    /// Accepted ones that went more than `stall_days` without progress at some point.
    pub stalled: u32,
    /// Assignments whose answer is due: answered, expired, or distributed at least
    /// `touch_hours` ago.
    pub touch_due: u32,
    /// Answered within `touch_hours` of distribution.
    pub touched: u32,
    /// Closed (won or lost) and with feedback recorded.
    pub closed_with_feedback: u32,
    /// Sum over closed assignments of the days from acceptance to close.
    pub days_to_close: f64,
}

impl Tally {
    pub fn closed(&self) -> u32 {
        self.won + self.lost
    }

    /// The numerator and denominator of a history metric; `None` for distance, which is not
    /// measured from history.
    pub fn ratio(&self, metric: Metric) -> Option<(f64, u32)> {
        let (num, den) = match metric {
            Metric::Distance => return None,
            Metric::WinRate => (f64::from(self.won), self.resolved),
            Metric::ReturnRate => (f64::from(self.lost), self.resolved),
            Metric::FeedbackRate => (f64::from(self.closed_with_feedback), self.closed()),
            Metric::StallRate => (f64::from(self.stalled), self.accepted),
            Metric::TouchRate => (f64::from(self.touched), self.touch_due),
            Metric::AvgDaysToClose => (self.days_to_close, self.closed()),
        };
        Some((num, den))
    }

    /// The partner's own value of a history metric, `None` when it has no evidence for it.
    pub fn own(&self, metric: Metric) -> Option<f64> {
        match self.ratio(metric)? {
            (_, 0) => None,
            (num, den) => Some(num / f64::from(den)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Won,
    Lost,
    Declined,
    Expired,
}

/// One distribution of one opportunity to the partner, followed through its events.
#[derive(Debug)]
struct Assignment {
    distributed: i64,
    answered: Option<i64>,
    accepted: Option<i64>,
    end: Option<(Outcome, i64)>,
    feedback: bool,
    /// Last progress since acceptance (for stall gaps).
    last_progress: i64,
    stalled: bool,
}

impl Assignment {
    fn new(at: i64) -> Self {
        Self {
            distributed: at,
            answered: None,
            accepted: None,
            end: None,
            feedback: false,
            last_progress: at,
            stalled: false,
        }
    }

    fn apply(&mut self, kind: EventKind, at: i64, stall_ms: i64) {
        if self.end.is_some() {
            // A finished assignment only takes feedback (given with or after the close).
            if kind == EventKind::Feedback {
                self.feedback = true;
            }
            return;
        }
        // Every partner action after acceptance is progress; a gap longer than the stall
        // window between two of them (or between acceptance and the first) is a stall.
        if self.accepted.is_some() && !matches!(kind, EventKind::Distributed | EventKind::Expired) {
            if at - self.last_progress > stall_ms {
                self.stalled = true;
            }
            self.last_progress = at;
        }
        match kind {
            EventKind::Distributed => {}
            EventKind::Accepted => {
                self.answered.get_or_insert(at);
                if self.accepted.is_none() {
                    self.accepted = Some(at);
                    self.last_progress = at;
                }
            }
            EventKind::Declined => {
                self.answered.get_or_insert(at);
                self.end = Some((Outcome::Declined, at));
            }
            EventKind::Expired => self.end = Some((Outcome::Expired, at)),
            EventKind::Touched | EventKind::Stage => {}
            // Closing implies the partner took it, even if no `accepted` was recorded.
            EventKind::Won | EventKind::Lost => {
                self.answered.get_or_insert(at);
                let outcome = if kind == EventKind::Won {
                    Outcome::Won
                } else {
                    Outcome::Lost
                };
                self.end = Some((outcome, at));
            }
            EventKind::Feedback => self.feedback = true,
        }
    }

    fn finish(self, now: i64, policy: &MetricsPolicy, t: &mut Tally) {
        let stall_ms = i64::from(policy.stall_days) * DAY_MS;
        let touch_ms = i64::from(policy.touch_hours) * HOUR_MS;
        t.distributed += 1;
        if let Some((outcome, at)) = self.end {
            t.resolved += 1;
            match outcome {
                Outcome::Won => t.won += 1,
                Outcome::Lost => t.lost += 1,
                Outcome::Declined => t.declined += 1,
                Outcome::Expired => t.expired += 1,
            }
            if matches!(outcome, Outcome::Won | Outcome::Lost) {
                let start = self.accepted.unwrap_or(self.distributed);
                t.days_to_close += (at - start).max(0) as f64 / DAY_MS as f64;
                if self.feedback {
                    t.closed_with_feedback += 1;
                }
            }
        }
        if self.accepted.is_some() {
            t.accepted += 1;
            // Still open: the time since the last progress counts too.
            let stalled_now = self.end.is_none() && now - self.last_progress > stall_ms;
            if self.stalled || stalled_now {
                t.stalled += 1;
            }
        }
        let expired = matches!(self.end, Some((Outcome::Expired, _)));
        let touched = self
            .answered
            .is_some_and(|at| at - self.distributed <= touch_ms);
        if self.answered.is_some() || expired || now - self.distributed >= touch_ms {
            t.touch_due += 1;
        }
        if touched {
            t.touched += 1;
        }
    }
}

/// Counts one partner's history (its events only, in any order) as of `now`. Events after
/// `now` are ignored; so are events of opportunities never distributed to the partner (its
/// internal ones) and assignments distributed before the look-back window.
pub fn tally(events: &[HistoryEvent], now: Timestamp, policy: &MetricsPolicy) -> Tally {
    let now_ms = now.as_millisecond();
    let from = now_ms.saturating_sub(i64::from(policy.lookback_days) * DAY_MS);
    let stall_ms = i64::from(policy.stall_days) * DAY_MS;
    let mut order: Vec<&HistoryEvent> = events.iter().filter(|e| e.at <= now).collect();
    // Stable: events at the same instant keep the store's order (by id).
    order.sort_by_key(|e| (e.opportunity, e.at));

    let mut t = Tally::default();
    let mut current: Option<(OpportunityId, Assignment)> = None;
    let close = |a: Assignment, t: &mut Tally| {
        if a.distributed >= from {
            a.finish(now_ms, policy, t);
        }
    };
    for e in order {
        let at = e.at.as_millisecond();
        if e.kind == EventKind::Distributed {
            if let Some((_, a)) = current.take() {
                close(a, &mut t);
            }
            current = Some((e.opportunity, Assignment::new(at)));
            continue;
        }
        match &mut current {
            Some((opp, a)) if *opp == e.opportunity => a.apply(e.kind, at, stall_ms),
            // An event without a preceding distribution of that opportunity (an internal
            // opportunity, or one distributed before the events given) starts nothing.
            Some(_) => {
                if let Some((_, a)) = current.take() {
                    close(a, &mut t);
                }
            }
            None => {}
        }
    }
    if let Some((_, a)) = current.take() {
        close(a, &mut t);
    }
    t
}
