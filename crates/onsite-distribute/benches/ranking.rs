//! Benchmark (issue 7): ranking 100,000 partners for one opportunity — availability filter,
//! score, top 10 with the explanation for the top 10 — against the same filter and score
//! followed by a full sort of every score. Deterministic synthetic data from a fixed seed.
//!
//! Run: `cargo bench -p onsite-distribute --bench ranking`

use jiff::Timestamp;
use onsite_distribute::{
    Candidate, Decision, Partners, Request, Tally, Weights, rank, rank_by_full_sort,
};
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::opportunity::{Opportunity, OpportunityStatus, PartnerProfile};
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, OpportunityId, ProductId, TerritoryId};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const PARTNERS: usize = 100_000;
const TOP: usize = 10;
const RUNS: usize = 41;
const OPPORTUNITIES: usize = 7;

// A region split in a grid of territories: odd cells by polygon, even cells by postal prefix,
// plus one country-wide territory held by the national partners.
const LAT0: f64 = 45.0;
const LON0: f64 = -75.0;
const ROWS: usize = 5;
const COLS: usize = 8;
const CELL: f64 = 0.5;
const NATIONAL: i64 = 1000;
const LEAD_TYPES: [&str; 4] = ["residential", "commercial", "industrial", "institutional"];
const PRODUCTS: i64 = 40;

/// SplitMix64: tiny, fast, and the same numbers on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

fn point(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).expect("inside the region")
}

fn cell_of(lat: f64, lon: f64) -> usize {
    let r = (((lat - LAT0) / CELL) as usize).min(ROWS - 1);
    let c = (((lon - LON0) / CELL) as usize).min(COLS - 1);
    r * COLS + c
}

fn territories() -> Vec<Territory> {
    let mut out = Vec::new();
    for cell in 0..ROWS * COLS {
        let (r, c) = ((cell / COLS) as f64, (cell % COLS) as f64);
        let (la, lo) = (LAT0 + r * CELL, LON0 + c * CELL);
        let by_polygon = cell % 2 == 1;
        out.push(Territory {
            id: TerritoryId(cell as i64),
            name: format!("Cell {cell}"),
            postal_prefixes: if by_polygon {
                Vec::new()
            } else {
                vec![format!("Z{cell:02}")]
            },
            polygon: by_polygon.then(|| {
                Polygon::new(vec![
                    point(la, lo),
                    point(la, lo + CELL),
                    point(la + CELL, lo + CELL),
                    point(la + CELL, lo),
                ])
                .expect("four vertices")
            }),
        });
    }
    out.push(Territory {
        id: TerritoryId(NATIONAL),
        name: "Everywhere".into(),
        postal_prefixes: vec!["Z".into()],
        polygon: None,
    });
    out
}

fn random_location(rng: &mut Rng) -> (f64, f64) {
    (
        LAT0 + rng.unit() * ROWS as f64 * CELL,
        LON0 + rng.unit() * COLS as f64 * CELL,
    )
}

fn tally(rng: &mut Rng) -> Tally {
    // One partner in ten is new: no history at all.
    if rng.chance(0.1) {
        return Tally::default();
    }
    let distributed = 1 + rng.below(60) as u32;
    let resolved = rng.below(u64::from(distributed) + 1) as u32;
    let declined = rng.below(u64::from(resolved) / 3 + 1) as u32;
    let expired = rng.below(u64::from(resolved - declined) / 4 + 1) as u32;
    let closed = resolved - declined - expired;
    let won = rng.below(u64::from(closed) + 1) as u32;
    let accepted = closed + rng.below(u64::from(distributed - resolved) + 1) as u32;
    let touch_due = distributed - rng.below(3).min(u64::from(distributed)) as u32;
    Tally {
        distributed,
        resolved,
        won,
        lost: closed - won,
        declined,
        expired,
        accepted,
        stalled: rng.below(u64::from(accepted) / 2 + 1) as u32,
        touch_due,
        touched: touch_due - rng.below(u64::from(touch_due) / 3 + 1) as u32,
        closed_with_feedback: rng.below(u64::from(closed) + 1) as u32,
        days_to_close: f64::from(closed) * (5.0 + rng.unit() * 60.0),
    }
}

fn partners(rng: &mut Rng) -> Vec<Candidate> {
    (0..PARTNERS)
        .map(|i| {
            let (lat, lon) = random_location(rng);
            let home = cell_of(lat, lon);
            // A fifth are national partners; the others serve their cell and a few nearby.
            let mut territories = vec![TerritoryId(home as i64)];
            if rng.chance(0.2) {
                territories.push(TerritoryId(NATIONAL));
            } else {
                for _ in 0..rng.below(4) {
                    let near =
                        (home as i64 + rng.below(5) as i64 - 2).clamp(0, (ROWS * COLS - 1) as i64);
                    territories.push(TerritoryId(near));
                }
            }
            territories.sort_unstable();
            territories.dedup();
            let mut lead_types: Vec<String> = LEAD_TYPES
                .iter()
                .filter(|_| rng.chance(0.55))
                .map(|s| s.to_string())
                .collect();
            if lead_types.is_empty() {
                lead_types.push(LEAD_TYPES[rng.below(4) as usize].to_string());
            }
            let products: Vec<ProductId> = (0..PRODUCTS)
                .filter(|_| rng.chance(0.7))
                .map(ProductId)
                .collect();
            let capacity = 1 + rng.below(20) as u32;
            // About one partner in six is full.
            let open = if rng.chance(0.15) {
                capacity
            } else {
                rng.below(u64::from(capacity)) as u32
            };
            let min = [0, 100_000, 500_000, 2_000_000][rng.below(4) as usize];
            let max = min + 1_000_000 + rng.below(50_000_000) as i64;
            Candidate {
                profile: PartnerProfile {
                    account_id: AccountId(i as i64 + 1),
                    capacity,
                    revenue_min_minor: min,
                    revenue_max_minor: max,
                    location: point(lat, lon),
                    territories,
                    lead_types,
                    products,
                },
                open,
                tally: tally(rng),
            }
        })
        .collect()
}

fn opportunity(rng: &mut Rng, n: usize) -> Opportunity {
    let (lat, lon) = random_location(rng);
    let cell = cell_of(lat, lon);
    let mut products: Vec<ProductId> = (0..1 + rng.below(3))
        .map(|_| ProductId(rng.below(PRODUCTS as u64) as i64))
        .collect();
    products.sort_unstable();
    products.dedup();
    Opportunity {
        id: OpportunityId(n as i64 + 1),
        name: format!("Opportunity {n}"),
        customer_name: "Customer".into(),
        location: point(lat, lon),
        postal_code: format!("Z{cell:02} 1A1"),
        estimated_revenue_minor: 50_000 + rng.below(5_000_000) as i64,
        lead_type: LEAD_TYPES[rng.below(4) as usize].to_string(),
        products,
        status: OpportunityStatus::New,
        stage: None,
        partner_account_id: None,
        internal: false,
        distributed_at: None,
        created_at: Timestamp::UNIX_EPOCH,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `rank` and the full-sort baseline on the same requests, alternating which goes first
/// so neither always runs on a warmer cache, and checks they agree. Returns the two medians.
fn time_both(
    partners: &Partners,
    territories: &[Territory],
    opportunities: &[Opportunity],
    passed_over: &[AccountId],
    runs: usize,
) -> (Duration, Duration) {
    let (mut partial, mut full) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let req = Request {
            opportunity: &opportunities[run % opportunities.len()],
            partners,
            territories,
            passed_over,
            weights: Weights::default(),
            top: TOP,
        };
        let timed = |f: fn(&Request<'_>) -> Decision, into: &mut Vec<Duration>| {
            let t = Instant::now();
            let d = black_box(f(black_box(&req)));
            into.push(t.elapsed());
            d
        };
        let (a, b) = if run % 2 == 0 {
            let a = timed(rank, &mut partial);
            (a, timed(rank_by_full_sort, &mut full))
        } else {
            let b = timed(rank_by_full_sort, &mut full);
            (timed(rank, &mut partial), b)
        };
        assert_eq!(a.ranked.len(), TOP.min(a.available_count));
        assert_eq!(
            a.ranked, b.ranked,
            "partial selection and full sort disagree"
        );
        assert_eq!(a.excluded, b.excluded);
    }
    (median(partial), median(full))
}

fn report(title: &str, (p, f): (Duration, Duration)) {
    println!("{title}");
    println!(
        "  rank (filter + score + top {TOP} by partial selection + explanation): median {:.3} ms",
        ms(p)
    );
    println!(
        "  baseline (same filter + score + full sort of all scores):          median {:.3} ms",
        ms(f)
    );
    println!(
        "  ratio rank / full sort: {:.2}; same top {TOP} in every run",
        ms(p) / ms(f)
    );
}

fn main() {
    let mut rng = Rng(0x0D15_7815_07E5);
    let territories = territories();
    let candidates = partners(&mut rng);
    // The worst case for scoring and selection: the same partners, every one available.
    let everyone: Vec<Candidate> = candidates
        .iter()
        .cloned()
        .map(|mut c| {
            c.open = 0;
            c.profile.revenue_min_minor = 0;
            c.profile.revenue_max_minor = i64::MAX;
            c.profile.territories = vec![TerritoryId(NATIONAL)];
            c.profile.lead_types = LEAD_TYPES.iter().map(|s| s.to_string()).collect();
            c.profile.products = (0..PRODUCTS).map(ProductId).collect();
            c
        })
        .collect();
    let t = Instant::now();
    let partners = Partners::new(candidates);
    let prepared = t.elapsed();
    let everyone = Partners::new(everyone);
    let opportunities: Vec<Opportunity> = (0..OPPORTUNITIES)
        .map(|n| opportunity(&mut rng, n))
        .collect();
    let passed_over: Vec<AccountId> = (0..3)
        .map(|_| AccountId(1 + rng.below(PARTNERS as u64) as i64))
        .collect();

    println!(
        "onsite-distribute ranking: {PARTNERS} partners, top {TOP} explained, {RUNS} runs over {OPPORTUNITIES} opportunities"
    );
    let request = |o| Request {
        opportunity: o,
        partners: &partners,
        territories: &territories,
        passed_over: &passed_over,
        weights: Weights::default(),
        top: TOP,
    };
    let first = rank(&request(&opportunities[0]));
    let mut by_criterion: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &first.excluded {
        *by_criterion.entry(e.criterion.as_str()).or_default() += 1;
    }
    println!(
        "opportunity 1: {} available, excluded by criterion: {by_criterion:?}",
        first.available_count
    );
    let available: Vec<usize> = opportunities
        .iter()
        .map(|o| rank(&request(o)).available_count)
        .collect();
    println!("available per opportunity: {available:?}");

    report(
        "realistic mix (most partners excluded, a few thousand available):",
        time_both(&partners, &territories, &opportunities, &passed_over, RUNS),
    );
    report(
        "worst case (every one of the 100,000 partners available):",
        time_both(&everyone, &territories, &opportunities, &[], RUNS),
    );
    println!(
        "preparing the {PARTNERS} partners (Partners::new, once, reused for every opportunity): {:.1} ms",
        ms(prepared)
    );
}
