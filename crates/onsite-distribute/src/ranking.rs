//! Ranking: filter the partners by availability, score the available ones by the weighted
//! metrics, keep the best few with a full explanation, and say why every other partner was
//! excluded.
//!
//! Built for large partner lists (the benchmark ranks 100,000): one pass over the prepared
//! [`Partners`] filters every partner, scores each available one and offers it to a bounded
//! heap of the best `top` (a partial selection rather than a sort of every score); the
//! per-metric explanation is built only for those.

use crate::availability::Criterion;
use crate::history::Tally;
use crate::partners::{Filter, Partners, Place};
use crate::weights::{Metric, Weights};
use onsite_domain::opportunity::{Opportunity, PartnerProfile};
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, OpportunityId};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// How many assignments' worth of "average partner" is blended into every partner's history
/// rates: a partner with no history scores exactly the average, one with a long history
/// almost exactly its own rates, and one lucky win out of one does not make a 100 % win rate.
pub const PRIOR_STRENGTH: f64 = 5.0;

/// A partner as the engine sees it (prepared for ranking by [`Partners::new`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub profile: PartnerProfile,
    /// Its open opportunities ([`crate::open_count`]).
    pub open: u32,
    /// Its history over the look-back window ([`crate::tally`]).
    pub tally: Tally,
}

/// One ranking question.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub opportunity: &'a Opportunity,
    /// Every partner with a distribution profile, prepared once ([`Partners::new`]).
    pub partners: &'a Partners,
    /// The territories the partners reference.
    pub territories: &'a [Territory],
    /// Partners that already declined this opportunity or let it expire.
    pub passed_over: &'a [AccountId],
    pub weights: Weights,
    /// How many of the best available partners to return, explained.
    pub top: usize,
}

/// The answer: the best available partners with their scores explained, and every excluded
/// partner with the criterion that excluded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub opportunity: OpportunityId,
    /// The opportunity's lead type (what [`Criterion::LeadType`] refers to).
    pub lead_type: String,
    pub estimated_revenue_minor: i64,
    /// The weights the scores were computed with.
    pub weights: Weights,
    /// The average of all partners for each history metric: the value a partner without
    /// history gets, and what thin histories are blended with.
    pub averages: Vec<Average>,
    /// Partners considered.
    pub considered: usize,
    /// Partners that passed every availability criterion.
    pub available_count: usize,
    /// The best `top` available partners, best first.
    pub ranked: Vec<Ranked>,
    /// The partners that are not available, in input order.
    pub excluded: Vec<Excluded>,
}

/// The pooled average of one history metric over all partners.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Average {
    pub metric: Metric,
    /// Total numerator over total denominator; 0 when no partner has any evidence yet (then
    /// every partner gets the same value and the metric cannot change the order).
    pub value: f64,
    /// The total denominator (assignments, closed opportunities…) it rests on.
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1 for the best.
    pub rank: u32,
    pub partner: AccountId,
    /// The sum of the contributions.
    pub score: f64,
    pub distance_km: f64,
    /// One per metric, in [`Metric::ALL`] order.
    pub contributions: [Contribution; 7],
}

/// One metric's part in a score: `contribution = weight × value`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub metric: Metric,
    /// Kilometres for distance, 0…1 for rates, days for the average time to close.
    pub value: f64,
    pub weight: f64,
    pub contribution: f64,
    /// What a history metric's value rests on; `None` for distance (measured directly).
    pub basis: Option<Basis>,
}

/// How a history metric's value was obtained:
/// `value = (own × count + average × PRIOR_STRENGTH) / (count + PRIOR_STRENGTH)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    /// The partner's own rate (or mean days), `None` without evidence.
    pub own: Option<f64>,
    /// How many of its assignments (or closed opportunities) `own` is measured over.
    pub count: u32,
    /// The average of all partners it was blended with.
    pub average: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub partner: AccountId,
    pub criterion: Criterion,
}

/// Ranks the partners for the opportunity. Pure and deterministic: the same request gives the
/// same decision. Ties are broken by higher score, then shorter distance, then lower account id.
pub fn rank(req: &Request<'_>) -> Decision {
    rank_with(req, Selection::Partial)
}

/// The same decision reached by sorting every available partner's score: the baseline the
/// benchmark compares [`rank`] with. Not for production use.
#[doc(hidden)]
pub fn rank_by_full_sort(req: &Request<'_>) -> Decision {
    rank_with(req, Selection::FullSort)
}

#[derive(Clone, Copy, PartialEq)]
enum Selection {
    Partial,
    FullSort,
}

/// An available partner's place in the ranking, small so selection moves little memory.
#[derive(Clone, Copy)]
struct Scored {
    score: f64,
    distance: f64,
    partner: AccountId,
    index: usize,
}

fn better(a: &Scored, b: &Scored) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.distance.total_cmp(&b.distance))
        .then(a.partner.cmp(&b.partner))
}

fn rank_with(req: &Request<'_>, selection: Selection) -> Decision {
    let opp = req.opportunity;
    let set = req.partners;
    let filter = Filter::new(set, opp, req.territories, req.passed_over);
    let w: [f64; 7] = Metric::ALL.map(|m| req.weights.get(m));
    let customer = Place::new(opp.location);

    // One pass: every partner is filtered, and each available one is scored on the spot and
    // offered to the selection.
    let mut best = Best::new(req.top, selection);
    let mut available_count = 0;
    // Most partners are usually excluded: one allocation up front instead of a dozen regrowths.
    let mut excluded: Vec<Excluded> = Vec::with_capacity(set.len());
    for row in 0..set.len() {
        match filter.check(set, row) {
            Ok(()) => {
                available_count += 1;
                let distance = set.place(row).distance_km(customer);
                best.offer(Scored {
                    score: score(&w, distance, set.values(row)),
                    distance,
                    partner: set.id(row),
                    index: row,
                });
            }
            Err(criterion) => excluded.push(Excluded {
                partner: set.id(row),
                criterion,
            }),
        }
    }

    let ranked = best
        .into_sorted()
        .iter()
        .enumerate()
        .map(|(i, s)| explain(i, s, set, &w))
        .collect();

    Decision {
        opportunity: opp.id,
        lead_type: opp.lead_type.clone(),
        estimated_revenue_minor: opp.estimated_revenue_minor,
        weights: req.weights,
        averages: set.averages().to_vec(),
        considered: set.len(),
        available_count,
        ranked,
        excluded,
    }
}

/// Ordered worst-last by [`better`], so a max-heap keeps its worst element on top.
struct ByRank(Scored);

impl PartialEq for ByRank {
    fn eq(&self, other: &Self) -> bool {
        better(&self.0, &other.0) == Ordering::Equal
    }
}

impl Eq for ByRank {}

impl PartialOrd for ByRank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByRank {
    fn cmp(&self, other: &Self) -> Ordering {
        better(&self.0, &other.0)
    }
}

/// The best `top` partners seen so far.
enum Best {
    /// A bounded heap: each partner costs one comparison with the worst kept (and a
    /// logarithmic replacement when better), and no list of every available partner is built.
    Heap {
        top: usize,
        heap: BinaryHeap<ByRank>,
    },
    /// The baseline: keep everything, sort at the end.
    All { top: usize, all: Vec<Scored> },
}

impl Best {
    fn new(top: usize, selection: Selection) -> Self {
        match selection {
            Selection::Partial => Best::Heap {
                top,
                heap: BinaryHeap::with_capacity(top.min(1024) + 1),
            },
            Selection::FullSort => Best::All {
                top,
                all: Vec::new(),
            },
        }
    }

    fn offer(&mut self, s: Scored) {
        match self {
            Best::Heap { top, heap } => {
                if heap.len() < *top {
                    heap.push(ByRank(s));
                } else if let Some(mut worst) = heap.peek_mut()
                    && better(&s, &worst.0) == Ordering::Less
                {
                    *worst = ByRank(s);
                }
            }
            Best::All { all, .. } => all.push(s),
        }
    }

    fn into_sorted(self) -> Vec<Scored> {
        match self {
            Best::Heap { heap, .. } => heap.into_sorted_vec().into_iter().map(|b| b.0).collect(),
            Best::All { top, mut all } => {
                all.sort_unstable_by(better);
                all.truncate(top);
                all
            }
        }
    }
}

/// The weighted sum, term by term in [`Metric::ALL`] order (distance first, then the history
/// metrics): [`explain`] shows the same terms, so the explanation adds up to the score exactly.
fn score(w: &[f64; 7], distance: f64, history: &[f64; 6]) -> f64 {
    let mut acc = 0.0 + w[0] * distance;
    for k in 0..6 {
        acc += w[k + 1] * history[k];
    }
    acc
}

fn explain(i: usize, s: &Scored, set: &Partners, w: &[f64; 7]) -> Ranked {
    let tally: &Tally = &set.candidates()[s.index].tally;
    let history = set.values(s.index);
    let averages = set.averages();
    let contributions = std::array::from_fn(|k| {
        let metric = Metric::ALL[k];
        let (value, average) = if k == 0 {
            (s.distance, 0.0)
        } else {
            (history[k - 1], averages[k - 1].value)
        };
        Contribution {
            metric,
            value,
            weight: w[k],
            contribution: w[k] * value,
            basis: tally.ratio(metric).map(|(_, count)| Basis {
                own: tally.own(metric),
                count,
                average,
            }),
        }
    });
    Ranked {
        rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
        partner: s.partner,
        score: s.score,
        distance_km: s.distance,
        contributions,
    }
}
