//! Engine tests: every availability criterion at its boundaries, every weight at 0 and at both
//! ends of its range (and refused outside), the explanation's numbers, metrics from a
//! hand-built history, and deterministic ties.

use jiff::{SignedDuration, Timestamp};
use onsite_distribute::{
    Availability, Candidate, Criterion, Decision, EventKind, Excluded, HistoryEvent, Metric,
    MetricsPolicy, PRIOR_STRENGTH, Partners, Request, Tally, Weights, open_count, rank,
    rank_by_full_sort, tally,
};
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::opportunity::{Opportunity, OpportunityStatus, PartnerProfile};
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, OpportunityId, ProductId, TerritoryId};

// ---- Fixtures -------------------------------------------------------------------------------

const REVENUE: i64 = 1_000_000;
const BY_PREFIX: TerritoryId = TerritoryId(1);
/// A square whose southern edge passes exactly through the customer's point.
const EDGE_SQUARE: TerritoryId = TerritoryId(2);
const ELSEWHERE: TerritoryId = TerritoryId(3);

fn pt(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

fn customer_point() -> GeoPoint {
    pt(45.5, -73.5)
}

fn opportunity() -> Opportunity {
    Opportunity {
        id: OpportunityId(77),
        name: "Heat pump for a triplex".into(),
        customer_name: "Ana".into(),
        location: customer_point(),
        postal_code: "H2J 1A1".into(),
        estimated_revenue_minor: REVENUE,
        lead_type: "residential".into(),
        products: vec![ProductId(1), ProductId(2)],
        status: OpportunityStatus::New,
        stage: None,
        partner_account_id: None,
        internal: false,
        distributed_at: None,
        created_at: Timestamp::UNIX_EPOCH,
    }
}

fn territories() -> Vec<Territory> {
    vec![
        Territory {
            id: BY_PREFIX,
            name: "Plateau".into(),
            postal_prefixes: vec!["H2J".into()],
            polygon: None,
        },
        Territory {
            id: EDGE_SQUARE,
            name: "North".into(),
            postal_prefixes: vec![],
            polygon: Some(
                Polygon::new(vec![
                    pt(45.5, -74.0),
                    pt(45.5, -73.0),
                    pt(46.0, -73.0),
                    pt(46.0, -74.0),
                ])
                .unwrap(),
            ),
        },
        Territory {
            id: ELSEWHERE,
            name: "Quebec City".into(),
            postal_prefixes: vec!["G1".into()],
            polygon: None,
        },
    ]
}

/// A partner that passes every criterion for [`opportunity`].
fn partner(id: i64) -> Candidate {
    Candidate {
        profile: PartnerProfile {
            account_id: AccountId(id),
            capacity: 5,
            revenue_min_minor: 500_000,
            revenue_max_minor: 2_000_000,
            location: pt(45.6, -73.5),
            territories: vec![BY_PREFIX],
            lead_types: vec!["residential".into()],
            products: vec![ProductId(1), ProductId(2), ProductId(3)],
        },
        open: 0,
        tally: Tally::default(),
    }
}

fn decide(
    o: &Opportunity,
    partners: &[Candidate],
    weights: Weights,
    passed: &[AccountId],
) -> Decision {
    let territories = territories();
    let set = Partners::new(partners.to_vec());
    let req = Request {
        opportunity: o,
        partners: &set,
        territories: &territories,
        passed_over: passed,
        weights,
        top: 10,
    };
    let decision = rank(&req);
    // The partial selection must always agree with the full sort it replaces.
    assert_eq!(decision, rank_by_full_sort(&req));
    // And the fast filter over the prepared set with the check of one profile.
    let one_by_one = Availability::new(o, &territories, passed);
    let excluded: Vec<Excluded> = partners
        .iter()
        .filter_map(|c| {
            one_by_one
                .check(&c.profile, c.open)
                .err()
                .map(|criterion| Excluded {
                    partner: c.profile.account_id,
                    criterion,
                })
        })
        .collect();
    assert_eq!(decision.excluded, excluded);
    decision
}

// ---- Availability ---------------------------------------------------------------------------

/// One availability case: a change to the standard partner (and optionally the opportunity)
/// and the expected outcome.
struct Case {
    name: &'static str,
    partner: fn(&mut Candidate),
    opportunity: fn(&mut Opportunity),
    passed_over: bool,
    expected: Result<(), Criterion>,
}

fn same_opportunity(_: &mut Opportunity) {}

#[test]
fn availability_criteria_at_their_boundaries() {
    let cases = [
        Case {
            name: "standard partner is available",
            partner: |_| {},
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "one below capacity is available",
            partner: |c| c.open = 4,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "capacity exactly reached is excluded",
            partner: |c| c.open = 5,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Capacity {
                open: 5,
                capacity: 5,
            }),
        },
        Case {
            name: "over capacity is excluded",
            partner: |c| c.open = 9,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Capacity {
                open: 9,
                capacity: 5,
            }),
        },
        Case {
            name: "capacity zero takes nothing",
            partner: |c| c.profile.capacity = 0,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Capacity {
                open: 0,
                capacity: 0,
            }),
        },
        Case {
            name: "revenue exactly at the minimum is available",
            partner: |c| c.profile.revenue_min_minor = REVENUE,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "revenue one below the minimum is excluded",
            partner: |c| c.profile.revenue_min_minor = REVENUE + 1,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::RevenueBelowMin {
                revenue_minor: REVENUE,
                min_minor: REVENUE + 1,
            }),
        },
        Case {
            name: "revenue exactly at the maximum is available",
            partner: |c| c.profile.revenue_max_minor = REVENUE,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "revenue one above the maximum is excluded",
            partner: |c| c.profile.revenue_max_minor = REVENUE - 1,
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::RevenueAboveMax {
                revenue_minor: REVENUE,
                max_minor: REVENUE - 1,
            }),
        },
        Case {
            name: "min = max = revenue is available",
            partner: |c| {
                c.profile.revenue_min_minor = REVENUE;
                c.profile.revenue_max_minor = REVENUE;
            },
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "postal prefix matches whatever the case and spacing",
            partner: |_| {},
            opportunity: |o| o.postal_code = " h2j1a1 ".into(),
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "point on a territory's edge is inside",
            partner: |c| c.profile.territories = vec![EDGE_SQUARE],
            opportunity: |o| o.postal_code = String::new(),
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "point on a territory's corner is inside",
            partner: |c| c.profile.territories = vec![EDGE_SQUARE],
            opportunity: |o| {
                o.postal_code = String::new();
                o.location = pt(45.5, -74.0);
            },
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "point just outside a territory's edge is excluded",
            partner: |c| c.profile.territories = vec![EDGE_SQUARE],
            opportunity: |o| {
                o.postal_code = String::new();
                o.location = pt(45.4999, -73.5);
            },
            passed_over: false,
            expected: Err(Criterion::Territory { territories: 1 }),
        },
        Case {
            name: "territory elsewhere is excluded",
            partner: |c| c.profile.territories = vec![ELSEWHERE],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Territory { territories: 1 }),
        },
        Case {
            name: "one covering territory among others is enough",
            partner: |c| c.profile.territories = vec![ELSEWHERE, EDGE_SQUARE],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "no territory at all is excluded",
            partner: |c| c.profile.territories = vec![],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Territory { territories: 0 }),
        },
        Case {
            name: "a territory that does not exist covers nothing",
            partner: |c| c.profile.territories = vec![TerritoryId(999)],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Territory { territories: 1 }),
        },
        Case {
            name: "another lead type is excluded",
            partner: |c| c.profile.lead_types = vec!["commercial".into()],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::LeadType),
        },
        Case {
            name: "the lead type among several is available",
            partner: |c| c.profile.lead_types = vec!["commercial".into(), "residential".into()],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "a missing product is excluded and named",
            partner: |c| c.profile.products = vec![ProductId(1), ProductId(3)],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::MissingProduct {
                product: ProductId(2),
            }),
        },
        Case {
            name: "the first missing product is named",
            partner: |c| c.profile.products = vec![],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::MissingProduct {
                product: ProductId(1),
            }),
        },
        Case {
            name: "exactly the opportunity's products in another order is available",
            partner: |c| c.profile.products = vec![ProductId(2), ProductId(1)],
            opportunity: same_opportunity,
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "an opportunity without products needs none",
            partner: |c| c.profile.products = vec![],
            opportunity: |o| o.products = vec![],
            passed_over: false,
            expected: Ok(()),
        },
        Case {
            name: "a partner that declined it is not offered it again",
            partner: |_| {},
            opportunity: same_opportunity,
            passed_over: true,
            expected: Err(Criterion::PassedOver),
        },
        Case {
            name: "the first failed criterion is reported (capacity before revenue)",
            partner: |c| {
                c.open = 5;
                c.profile.revenue_min_minor = REVENUE + 1;
                c.profile.products = vec![];
            },
            opportunity: same_opportunity,
            passed_over: false,
            expected: Err(Criterion::Capacity {
                open: 5,
                capacity: 5,
            }),
        },
    ];
    for case in cases {
        let mut c = partner(1);
        (case.partner)(&mut c);
        let mut o = opportunity();
        (case.opportunity)(&mut o);
        let passed: &[AccountId] = if case.passed_over {
            &[AccountId(1)]
        } else {
            &[]
        };
        let d = decide(&o, &[c], Weights::default(), passed);
        match case.expected {
            Ok(()) => {
                assert_eq!(d.available_count, 1, "{}", case.name);
                assert_eq!(d.ranked.len(), 1, "{}", case.name);
                assert!(d.excluded.is_empty(), "{}", case.name);
            }
            Err(criterion) => {
                assert_eq!(d.available_count, 0, "{}", case.name);
                assert!(d.ranked.is_empty(), "{}", case.name);
                assert_eq!(
                    d.excluded,
                    vec![Excluded {
                        partner: AccountId(1),
                        criterion
                    }],
                    "{}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn open_opportunities_are_in_progress_and_distributed_but_not_internal_ones() {
    let mut held = Vec::new();
    for (status, internal, partner) in [
        (OpportunityStatus::Distributed, false, 1),
        (OpportunityStatus::InProgress, false, 1),
        (OpportunityStatus::InProgress, true, 1),
        (OpportunityStatus::Distributed, true, 1),
        (OpportunityStatus::Won, false, 1),
        (OpportunityStatus::Lost, false, 1),
        (OpportunityStatus::New, false, 1),
        (OpportunityStatus::InProgress, false, 2),
    ] {
        let mut o = opportunity();
        o.status = status;
        o.internal = internal;
        o.partner_account_id = Some(AccountId(partner));
        held.push(o);
    }
    assert_eq!(open_count(AccountId(1), &held), 2);
    assert_eq!(open_count(AccountId(2), &held), 1);
    assert_eq!(open_count(AccountId(3), &held), 0);
}

// ---- Weights --------------------------------------------------------------------------------

/// A history whose only non-zero ratio is `metric`'s, at `num / den`.
fn history_of(metric: Metric, num: u32, den: u32) -> Tally {
    let mut t = Tally::default();
    match metric {
        Metric::Distance => {}
        Metric::WinRate => (t.won, t.resolved) = (num, den),
        Metric::ReturnRate => (t.lost, t.resolved) = (num, den),
        // Closed = won + lost; keep won at den and give feedback to num of them.
        Metric::FeedbackRate => (t.closed_with_feedback, t.won, t.resolved) = (num, den, den),
        Metric::StallRate => (t.stalled, t.accepted) = (num, den),
        Metric::TouchRate => (t.touched, t.touch_due) = (num, den),
        Metric::AvgDaysToClose => {
            t.days_to_close = f64::from(num);
            (t.won, t.resolved) = (den, den);
        }
    }
    t
}

/// Weights with every metric at 0 but `metric` at `w`.
fn only(metric: Metric, w: f64) -> Weights {
    Weights::ZERO.with(metric, w).unwrap()
}

#[test]
fn each_weight_at_zero_and_at_its_range_ends() {
    for metric in Metric::ALL {
        let (min, max) = metric.range();
        assert!(min <= 0.0 && max >= 0.0 && min < max, "{metric:?}");
        // Partner 1 has the higher value of the metric, partner 2 the lower; both are otherwise
        // identical (and at the same place, except for the distance metric).
        let (mut high, mut low) = (partner(1), partner(2));
        if metric == Metric::Distance {
            high.profile.location = pt(45.9, -73.5);
        } else {
            high.tally = history_of(metric, 30, 40);
            low.tally = history_of(metric, 10, 40);
            low.profile.location = high.profile.location;
        }
        let nonzero_end = if max > 0.0 { max } else { min };
        for w in [0.0, min, max] {
            let d = decide(
                &opportunity(),
                &[low.clone(), high.clone()],
                only(metric, w),
                &[],
            );
            let name = format!("{} at {w}", metric.as_str());
            assert_eq!(d.ranked.len(), 2, "{name}");
            for r in &d.ranked {
                let k = Metric::ALL.iter().position(|m| *m == metric).unwrap();
                let c = r.contributions[k];
                assert_eq!(c.weight, w, "{name}");
                assert_eq!(c.contribution, w * c.value, "{name}");
                // Only this metric weighs: the score is its contribution.
                assert_eq!(r.score, c.contribution, "{name}");
                for (j, other) in r.contributions.iter().enumerate() {
                    if j != k {
                        assert_eq!(other.contribution, 0.0, "{name}");
                    }
                }
            }
            let first = d.ranked[0].partner;
            if w == 0.0 {
                // Disabled: every score is 0, and the tie goes to the closer, then lower id.
                assert!(d.ranked.iter().all(|r| r.score == 0.0), "{name}");
                let expected = if metric == Metric::Distance {
                    AccountId(2)
                } else {
                    AccountId(1)
                };
                assert_eq!(first, expected, "{name}");
            } else if w == nonzero_end && w > 0.0 {
                assert_eq!(
                    first,
                    AccountId(1),
                    "{name}: a positive weight rewards high values"
                );
                assert!(d.ranked[0].score > d.ranked[1].score, "{name}");
            } else {
                assert_eq!(
                    first,
                    AccountId(2),
                    "{name}: a negative weight rewards low values"
                );
                assert!(d.ranked[0].score > d.ranked[1].score, "{name}");
            }
        }
    }
}

#[test]
fn weights_outside_their_range_or_not_numbers_are_refused_naming_the_setting() {
    for metric in Metric::ALL {
        let (min, max) = metric.range();
        let key = metric.setting().key;
        let message = format!("{key} must be a number between {min} and {max}");
        for bad in [
            min - 1e-9,
            max + 1e-9,
            min - 1.0,
            max + 1.0,
            f64::NAN,
            f64::INFINITY,
        ] {
            let err = Weights::default().with(metric, bad).unwrap_err();
            assert_eq!(err.to_string(), message, "{bad}");
        }
        for good in [min, max, 0.0, (min + max) / 2.0] {
            assert_eq!(
                Weights::default().with(metric, good).unwrap().get(metric),
                good
            );
        }
        // Through the settings' text, as stored.
        for raw in ["abc", "", "1e999", &format!("{}", max + 1.0)] {
            let err = Weights::from_settings(|s| (s.key == key).then_some(raw)).unwrap_err();
            assert_eq!(err.to_string(), message, "{raw:?}");
        }
        let w = Weights::from_settings(|s| (s.key == key).then(|| format!(" {min} "))).unwrap();
        assert_eq!(w.get(metric), min);
    }
    // Missing settings take their defaults.
    assert_eq!(
        Weights::from_settings(|_| None::<String>).unwrap(),
        Weights::default()
    );
    // "-0" is accepted and shown as 0.
    let w = Weights::ZERO.with(Metric::Distance, -0.0).unwrap();
    assert!(w.get(Metric::Distance).is_sign_positive());
}

#[test]
fn weights_round_trip_through_json_and_refuse_out_of_range_values() {
    let w = Weights::default();
    let json = serde_json::to_value(w).unwrap();
    assert_eq!(json["distance"], -0.005);
    assert_eq!(json["win_rate"], 2.0);
    let back: Weights = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, w);
    let mut bad = json;
    bad["return_rate"] = serde_json::json!(1.0);
    let err = serde_json::from_value::<Weights>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("distribution/weights/returnrate"), "{err}");
}

// ---- Explanation ----------------------------------------------------------------------------

#[test]
fn the_explanation_gives_each_metric_value_weight_and_contribution() {
    // A: 3 wins of 4 finished assignments, 10 km north. B: no history, at the customer.
    // C: 0 wins of 6, excluded (another lead type) but still part of the averages.
    let mut a = partner(1);
    a.tally = Tally {
        distributed: 4,
        resolved: 4,
        won: 3,
        lost: 1,
        accepted: 4,
        ..Tally::default()
    };
    a.profile.location = pt(45.5 + 10.0 / 111.195, -73.5);
    let mut b = partner(2);
    b.profile.location = customer_point();
    let mut c = partner(3);
    c.profile.lead_types = vec!["commercial".into()];
    c.tally = Tally {
        distributed: 6,
        resolved: 6,
        lost: 6,
        accepted: 6,
        ..Tally::default()
    };
    let weights = Weights::ZERO
        .with(Metric::Distance, -0.01)
        .unwrap()
        .with(Metric::WinRate, 5.0)
        .unwrap()
        .with(Metric::ReturnRate, -1.0)
        .unwrap();
    let d = decide(&opportunity(), &[a, b, c], weights, &[]);

    assert_eq!(d.considered, 3);
    assert_eq!(d.available_count, 2);
    assert_eq!(
        d.excluded,
        vec![Excluded {
            partner: AccountId(3),
            criterion: Criterion::LeadType
        }]
    );
    assert_eq!(d.lead_type, "residential");

    // Averages over all partners: wins 3 of 10 finished, losses 7 of 10.
    let avg = |m| d.averages.iter().find(|a| a.metric == m).unwrap();
    assert_eq!(avg(Metric::WinRate).value, 0.3);
    assert_eq!(avg(Metric::WinRate).count, 10);
    assert_eq!(avg(Metric::ReturnRate).value, 0.7);
    // Nobody has closed with feedback data beyond the 4 + 6 closed: 0 of 10.
    assert_eq!(avg(Metric::FeedbackRate).value, 0.0);

    let [first, second] = &d.ranked[..] else {
        panic!("two ranked: {:?}", d.ranked)
    };
    // A: win rate (3 + 5 × 0.3) / (4 + 5) = 0.5; return rate (1 + 5 × 0.7) / 9 = 0.5.
    // B: the averages, 0.3 and 0.7.
    assert_eq!(first.partner, AccountId(1));
    assert_eq!(first.rank, 1);
    assert_eq!(second.partner, AccountId(2));
    assert_eq!(second.rank, 2);

    let win = &first.contributions[1];
    assert_eq!(win.metric, Metric::WinRate);
    assert!((win.value - 0.5).abs() < 1e-12, "{}", win.value);
    assert_eq!(win.weight, 5.0);
    assert!((win.contribution - 2.5).abs() < 1e-12);
    let basis = win.basis.unwrap();
    assert_eq!(basis.own, Some(0.75));
    assert_eq!(basis.count, 4);
    assert_eq!(basis.average, 0.3);
    let ret = &first.contributions[2];
    assert!((ret.value - 0.5).abs() < 1e-12);
    assert!((ret.contribution + 0.5).abs() < 1e-12);

    let dist = &first.contributions[0];
    assert_eq!(dist.metric, Metric::Distance);
    assert!((dist.value - 10.0).abs() < 0.01, "{}", dist.value);
    assert_eq!(dist.value, first.distance_km);
    assert!((dist.contribution + 0.1).abs() < 0.0001);
    assert_eq!(dist.basis, None);

    // B has no history: its values are exactly the averages, with nothing of its own.
    let b_win = &second.contributions[1];
    assert_eq!(b_win.value, 0.3);
    assert_eq!(
        b_win.basis.unwrap(),
        onsite_distribute::Basis {
            own: None,
            count: 0,
            average: 0.3
        }
    );
    assert_eq!(second.distance_km, 0.0);
    // B: 0 + 5 × 0.3 − 0.7 = 0.8; A: −0.1 + 2.5 − 0.5 = 1.9.
    assert!((second.score - 0.8).abs() < 1e-12, "{}", second.score);
    assert!((first.score - 1.9).abs() < 0.001, "{}", first.score);

    // The contributions add up to the score exactly, in the order shown.
    for r in &d.ranked {
        let sum = r
            .contributions
            .iter()
            .fold(0.0, |acc, c| acc + c.contribution);
        assert_eq!(sum, r.score);
    }

    // The JSON the API will serve.
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["excluded"][0]["criterion"]["kind"], "lead_type");
    assert_eq!(json["ranked"][0]["contributions"][1]["metric"], "win_rate");
    assert_eq!(json["ranked"][0]["contributions"][1]["basis"]["count"], 4);
    assert_eq!(json["weights"]["win_rate"], 5.0);
    let back: Decision = serde_json::from_value(json).unwrap();
    assert_eq!(back, d);
}

#[test]
fn excluded_reasons_carry_their_numbers_in_json() {
    let json = serde_json::to_value(Criterion::Capacity {
        open: 5,
        capacity: 5,
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "capacity", "open": 5, "capacity": 5})
    );
    let json = serde_json::to_value(Criterion::MissingProduct {
        product: ProductId(2),
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "missing_product", "product": 2})
    );
    let json = serde_json::to_value(Criterion::RevenueBelowMin {
        revenue_minor: 10,
        min_minor: 11,
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "revenue_below_min", "revenue_minor": 10, "min_minor": 11})
    );
}

#[test]
fn with_no_history_anywhere_only_distance_separates_partners() {
    let mut far = partner(1);
    far.profile.location = pt(45.9, -73.5);
    let near = partner(2);
    let d = decide(&opportunity(), &[far, near], Weights::default(), &[]);
    assert!(d.averages.iter().all(|a| a.value == 0.0 && a.count == 0));
    assert_eq!(d.ranked[0].partner, AccountId(2));
    for r in &d.ranked {
        for c in &r.contributions[1..] {
            assert_eq!(c.value, 0.0);
            assert_eq!(c.contribution, 0.0);
        }
    }
}

#[test]
fn thin_evidence_is_blended_with_the_average() {
    // One lucky win out of one does not beat a steady 8 of 10.
    let mut lucky = partner(1);
    lucky.tally = history_of(Metric::WinRate, 1, 1);
    let mut steady = partner(2);
    steady.tally = history_of(Metric::WinRate, 8, 10);
    let mut others = partner(3);
    others.tally = history_of(Metric::WinRate, 10, 40);
    let d = decide(
        &opportunity(),
        &[lucky, steady, others],
        only(Metric::WinRate, 5.0),
        &[],
    );
    let order: Vec<_> = d.ranked.iter().map(|r| r.partner.0).collect();
    assert_eq!(order, vec![2, 1, 3]);
    let lucky = d.ranked.iter().find(|r| r.partner.0 == 1).unwrap();
    let avg = 19.0 / 51.0;
    let expected = (1.0 + PRIOR_STRENGTH * avg) / (1.0 + PRIOR_STRENGTH);
    assert!((lucky.contributions[1].value - expected).abs() < 1e-12);
}

// ---- Ties and selection ---------------------------------------------------------------------

#[test]
fn ties_are_broken_by_distance_then_account_id_whatever_the_input_order() {
    let mut partners: Vec<Candidate> = [5, 3, 9, 1, 7].into_iter().map(partner).collect();
    // 7 is closer than everyone (a better distance score); the rest tie on everything.
    partners[4].profile.location = customer_point();
    let d = decide(&opportunity(), &partners, Weights::default(), &[]);
    let order: Vec<i64> = d.ranked.iter().map(|r| r.partner.0).collect();
    assert_eq!(order, vec![7, 1, 3, 5, 9]);
    partners.reverse();
    let again = decide(&opportunity(), &partners, Weights::default(), &[]);
    assert_eq!(again.ranked, d.ranked);
}

#[test]
fn top_limits_the_explained_partners_but_not_the_count() {
    let partners = Partners::new((1..=30).map(partner).collect());
    let territories = territories();
    let o = opportunity();
    for top in [0, 1, 10, 30, 100] {
        let req = Request {
            opportunity: &o,
            partners: &partners,
            territories: &territories,
            passed_over: &[],
            weights: Weights::default(),
            top,
        };
        let d = rank(&req);
        assert_eq!(d.available_count, 30);
        assert_eq!(d.ranked.len(), top.min(30));
        assert_eq!(d, rank_by_full_sort(&req));
        let ranks: Vec<u32> = d.ranked.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, (1..=top.min(30) as u32).collect::<Vec<_>>());
    }
}

/// SplitMix64, for reproducible random cases.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

#[test]
fn partial_selection_always_matches_the_full_sort_even_with_many_ties() {
    let mut rng = Rng(42);
    for round in 0..200 {
        let n = 1 + rng.below(60) as i64;
        let partners: Vec<Candidate> = (1..=n)
            .map(|id| {
                let mut c = partner(id);
                // Few distinct places and histories: lots of exact ties.
                c.profile.location = pt(45.5 + rng.below(3) as f64 * 0.1, -73.5);
                c.tally = history_of(Metric::WinRate, rng.below(3) as u32, 2);
                c.open = rng.below(7) as u32;
                c
            })
            .collect();
        let top = rng.below(12) as usize;
        let territories = territories();
        let o = opportunity();
        let set = Partners::new(partners.clone());
        let req = Request {
            opportunity: &o,
            partners: &set,
            territories: &territories,
            passed_over: &[],
            weights: Weights::default(),
            top,
        };
        let d = rank(&req);
        assert_eq!(d, rank_by_full_sort(&req), "round {round}");
        assert_eq!(d.available_count + d.excluded.len(), partners.len());
        for pair in d.ranked.windows(2) {
            let (x, y) = (&pair[0], &pair[1]);
            assert!(
                x.score > y.score
                    || (x.score == y.score && x.distance_km < y.distance_km)
                    || (x.score == y.score
                        && x.distance_km == y.distance_km
                        && x.partner < y.partner),
                "round {round}"
            );
        }
    }
}

#[test]
fn the_prepared_filter_agrees_with_the_check_of_each_profile() {
    // Random partners and opportunities around every boundary; `decide` compares the fast
    // filter over the prepared set with `Availability::check` partner by partner.
    let mut rng = Rng(7);
    let mut pick = |n: u64| rng.below(n);
    for _ in 0..300 {
        let n = 1 + pick(40) as i64;
        let partners: Vec<Candidate> = (1..=n)
            .map(|i| {
                // Some account ids repeat: both rows must behave alike.
                let mut c = partner(if pick(10) == 0 { 1 } else { i });
                c.profile.capacity = pick(4) as u32;
                c.open = pick(5) as u32;
                c.profile.revenue_min_minor = REVENUE - 1 + pick(3) as i64;
                c.profile.revenue_max_minor = REVENUE - 1 + pick(3) as i64;
                c.profile.territories = (0..pick(4))
                    .map(|_| {
                        [BY_PREFIX, EDGE_SQUARE, ELSEWHERE, TerritoryId(999)][pick(4) as usize]
                    })
                    .collect();
                c.profile.lead_types = ["residential", "commercial"]
                    .into_iter()
                    .filter(|_| pick(2) == 0)
                    .map(String::from)
                    .collect();
                c.profile.products = (0..pick(5))
                    .map(|_| ProductId(1 + pick(3) as i64))
                    .collect();
                c
            })
            .collect();
        let mut o = opportunity();
        o.postal_code = ["H2J 1A1", "G1A 1A1", ""][pick(3) as usize].into();
        o.location = [customer_point(), pt(45.7, -73.5), pt(40.0, -80.0)][pick(3) as usize];
        o.lead_type = ["residential", "commercial", "industrial"][pick(3) as usize].into();
        o.products = (0..pick(3))
            .map(|_| ProductId(1 + pick(4) as i64))
            .collect();
        let passed: Vec<AccountId> = (0..pick(3))
            .map(|_| AccountId(1 + pick(n as u64) as i64))
            .collect();
        let d = decide(&o, &partners, Weights::default(), &passed);
        assert_eq!(d.available_count + d.excluded.len(), partners.len());
    }
}

// ---- Metrics from history -------------------------------------------------------------------

fn now() -> Timestamp {
    "2025-06-01T00:00:00Z".parse().unwrap()
}

fn days(d: f64) -> SignedDuration {
    SignedDuration::from_secs_f64(d * 86_400.0)
}

fn hours(h: f64) -> SignedDuration {
    SignedDuration::from_secs_f64(h * 3_600.0)
}

/// The events of opportunity `opp` distributed `ago` before now, each `(kind, offset after
/// distribution)`.
fn assignment(
    out: &mut Vec<HistoryEvent>,
    opp: i64,
    ago: SignedDuration,
    events: &[(EventKind, SignedDuration)],
) {
    let start = now() - ago;
    out.push(HistoryEvent {
        opportunity: OpportunityId(opp),
        kind: EventKind::Distributed,
        at: start,
    });
    for (kind, after) in events {
        out.push(HistoryEvent {
            opportunity: OpportunityId(opp),
            kind: *kind,
            at: start + *after,
        });
    }
}

#[test]
fn metrics_from_a_hand_built_history() {
    use EventKind::*;
    let mut h = Vec::new();
    // 1: answered in 2 h, steady progress, won after 20 days, feedback given.
    assignment(
        &mut h,
        1,
        days(100.0),
        &[
            (Accepted, hours(2.0)),
            (Stage, days(10.0)),
            (Won, days(20.0)),
            (Feedback, days(21.0)),
        ],
    );
    // 2: accepted after 30 h (not prompt), then 18.75 days without progress: stalled; lost.
    assignment(
        &mut h,
        2,
        days(90.0),
        &[
            (Accepted, hours(30.0)),
            (Touched, days(20.0)),
            (Lost, days(25.0)),
        ],
    );
    // 3: declined within the hour.
    assignment(&mut h, 3, days(80.0), &[(Declined, hours(1.0))]);
    // 4: never answered, expired after 48 h.
    assignment(&mut h, 4, days(60.0), &[(Expired, hours(48.0))]);
    // 5: accepted, a stage 8 days ago: still moving.
    assignment(
        &mut h,
        5,
        days(10.0),
        &[(Accepted, hours(1.0)), (Stage, days(2.0))],
    );
    // 6: accepted 30 days ago and nothing since: stalled while open.
    assignment(&mut h, 6, days(30.0), &[(Accepted, hours(1.0))]);
    // 7: distributed 3 hours ago, not answered yet (not due); an event "after now" is ignored.
    assignment(&mut h, 7, hours(3.0), &[(Accepted, hours(4.0))]);
    // 8: distributed before the 180-day window: forgotten, even its recent win.
    assignment(
        &mut h,
        8,
        days(200.0),
        &[(Accepted, hours(1.0)), (Won, days(50.0))],
    );
    // 9: the partner's own internal opportunity (never distributed): ignored.
    h.push(HistoryEvent {
        opportunity: OpportunityId(9),
        kind: Won,
        at: now() - days(5.0),
    });
    // 10: declined, then distributed to it again and won: two assignments.
    assignment(&mut h, 10, days(50.0), &[(Declined, hours(2.0))]);
    assignment(
        &mut h,
        10,
        days(40.0),
        &[(Accepted, hours(1.0)), (Won, days(5.0))],
    );
    // Order of the input does not matter.
    h.reverse();

    let t = tally(&h, now(), &MetricsPolicy::default());
    let expected = Tally {
        distributed: 9,
        resolved: 6,
        won: 2,
        lost: 1,
        declined: 2,
        expired: 1,
        accepted: 5,
        stalled: 2,
        touch_due: 8,
        touched: 6,
        closed_with_feedback: 1,
        days_to_close: 0.0,
    };
    assert_eq!(
        Tally {
            days_to_close: 0.0,
            ..t
        },
        expected
    );
    // (20 d − 2 h) + (25 d − 30 h) + (5 d − 1 h)
    let d2c = (20.0 - 2.0 / 24.0) + (25.0 - 30.0 / 24.0) + (5.0 - 1.0 / 24.0);
    assert!((t.days_to_close - d2c).abs() < 1e-9, "{}", t.days_to_close);

    assert_eq!(t.own(Metric::WinRate), Some(2.0 / 6.0));
    assert_eq!(t.own(Metric::ReturnRate), Some(1.0 / 6.0));
    assert_eq!(t.own(Metric::FeedbackRate), Some(1.0 / 3.0));
    assert_eq!(t.own(Metric::StallRate), Some(2.0 / 5.0));
    assert_eq!(t.own(Metric::TouchRate), Some(6.0 / 8.0));
    assert!((t.own(Metric::AvgDaysToClose).unwrap() - d2c / 3.0).abs() < 1e-9);
    assert_eq!(t.own(Metric::Distance), None);
}

#[test]
fn history_windows_at_their_boundaries() {
    use EventKind::*;
    let policy = MetricsPolicy::default();
    let one = |ago: SignedDuration, events: &[(EventKind, SignedDuration)]| {
        let mut h = Vec::new();
        assignment(&mut h, 1, ago, events);
        tally(&h, now(), &policy)
    };
    // Look-back: distributed exactly 180 days ago still counts; a millisecond more does not.
    assert_eq!(one(days(180.0), &[]).distributed, 1);
    assert_eq!(
        one(days(180.0) + SignedDuration::from_millis(1), &[]).distributed,
        0
    );
    // Touch: answered exactly 24 h after distribution is prompt; a millisecond later is not.
    assert_eq!(one(days(5.0), &[(Declined, hours(24.0))]).touched, 1);
    let late = hours(24.0) + SignedDuration::from_millis(1);
    assert_eq!(one(days(5.0), &[(Declined, late)]).touched, 0);
    // An unanswered assignment is due for touch from 24 h on.
    assert_eq!(one(hours(24.0), &[]).touch_due, 1);
    assert_eq!(one(hours(23.0), &[]).touch_due, 0);
    // Stall: exactly 14 days without progress is not a stall; more is.
    let t = one(
        days(40.0),
        &[
            (Accepted, days(1.0)),
            (Stage, days(15.0)),
            (Won, days(20.0)),
        ],
    );
    assert_eq!((t.accepted, t.stalled), (1, 0));
    let t = one(
        days(40.0),
        &[
            (Accepted, days(1.0)),
            (Stage, days(15.01)),
            (Won, days(20.0)),
        ],
    );
    assert_eq!((t.accepted, t.stalled), (1, 1));
    let t = one(days(15.0), &[(Accepted, days(1.0))]);
    assert_eq!(t.stalled, 0, "open for exactly 14 days since acceptance");
    let t = one(days(15.1), &[(Accepted, days(1.0))]);
    assert_eq!(t.stalled, 1);
    // Feedback counts only on closed assignments.
    let t = one(days(10.0), &[(Accepted, days(1.0)), (Feedback, days(2.0))]);
    assert_eq!(t.closed_with_feedback, 0);
    // Events of a finished assignment other than feedback change nothing.
    let t = one(
        days(10.0),
        &[(Won, days(1.0)), (Lost, days(2.0)), (Feedback, days(3.0))],
    );
    assert_eq!((t.won, t.lost, t.closed_with_feedback), (1, 0, 1));
    // Closing without a recorded acceptance measures from the distribution.
    assert!((one(days(10.0), &[(Won, days(4.0))]).days_to_close - 4.0).abs() < 1e-9);
}

#[test]
fn event_kinds_use_the_store_names() {
    for (name, kind) in [
        ("distributed", EventKind::Distributed),
        ("accepted", EventKind::Accepted),
        ("declined", EventKind::Declined),
        ("expired", EventKind::Expired),
        ("touched", EventKind::Touched),
        ("stage", EventKind::Stage),
        ("won", EventKind::Won),
        ("lost", EventKind::Lost),
        ("feedback", EventKind::Feedback),
    ] {
        assert_eq!(EventKind::parse(name).unwrap(), kind);
        assert_eq!(kind.as_str(), name);
    }
    assert!(EventKind::parse("teleported").is_err());
}

#[test]
fn metrics_from_history_feed_the_ranking() {
    use EventKind::*;
    // The browser journey in miniature: partner 1 declines, partner 2 accepts and wins.
    let mut h1 = Vec::new();
    assignment(&mut h1, 1, days(3.0), &[(Declined, hours(1.0))]);
    let mut h2 = Vec::new();
    assignment(
        &mut h2,
        1,
        days(2.0),
        &[(Accepted, hours(1.0)), (Won, days(1.0))],
    );
    let mut p1 = partner(1);
    p1.tally = tally(&h1, now(), &MetricsPolicy::default());
    let mut p2 = partner(2);
    p2.tally = tally(&h2, now(), &MetricsPolicy::default());
    assert_eq!(p1.tally.own(Metric::WinRate), Some(0.0));
    assert_eq!(p2.tally.own(Metric::WinRate), Some(1.0));
    let d = decide(&opportunity(), &[p1, p2], only(Metric::WinRate, 2.0), &[]);
    assert_eq!(d.ranked[0].partner, AccountId(2));
    // And partner 1 is not offered the same opportunity again.
    let d = decide(
        &opportunity(),
        &[partner(1), partner(2)],
        Weights::default(),
        &[AccountId(1)],
    );
    assert_eq!(d.ranked.len(), 1);
    assert_eq!(d.excluded[0].criterion, Criterion::PassedOver);
}
