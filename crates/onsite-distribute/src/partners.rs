//! The partner set prepared for ranking: built once from the candidates (when partners are
//! loaded, or whenever a profile or a history changes) and reused for every opportunity.
//!
//! Why: a `PartnerProfile` keeps its territories, lead types and products in separate heap
//! allocations, so filtering 100,000 of them chases hundreds of thousands of pointers to
//! scattered memory, and cache misses — not comparisons — dominate. Here the set is stored by
//! column (the numbers the filter compares sit in flat arrays walked in order), and the
//! membership criteria are indexed the other way round: for each territory, lead type and
//! product, the set of partners that have it. For one opportunity those become one bit per
//! partner ("in a covering territory", "works the lead type", "covers product p"), so each
//! partner's check is a few comparisons and bit tests. What does not depend on the opportunity
//! (the averages of all partners, each partner's blended history values) is computed here,
//! once, instead of per ranking.

use crate::availability::{Availability, Criterion};
use crate::ranking::{Average, Candidate, PRIOR_STRENGTH};
use crate::weights::Metric;
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::Opportunity;
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, ProductId, TerritoryId};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A multiplicative hash for the integer ids indexed here (millions of insertions when
/// preparing 100,000 partners). The keys are database ids of the operator's own catalog and
/// territories, not attacker-chosen, so SipHash's flooding resistance buys nothing.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// The mean Earth radius `onsite_domain::geo` uses (a test checks both give the same
/// distances, to the bit).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point with its latitude in radians and that latitude's cosine computed once, so the
/// distance of each pair costs two sines and an arcsine instead of also two cosines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Place {
    lat_rad: f64,
    cos_lat: f64,
    lon: f64,
}

impl Place {
    pub fn new(p: GeoPoint) -> Self {
        let lat_rad = p.lat().to_radians();
        Self {
            lat_rad,
            cos_lat: lat_rad.cos(),
            lon: p.lon(),
        }
    }

    /// Great-circle (haversine) distance in kilometres: `GeoPoint::distance_km` with the same
    /// operations in the same order, so exactly the same result.
    pub fn distance_km(self, other: Place) -> f64 {
        let dp = other.lat_rad - self.lat_rad;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// A bit per partner row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowSet(Vec<u64>);

impl RowSet {
    fn empty(rows: usize) -> Self {
        Self(vec![0; rows.div_ceil(64)])
    }

    fn full(rows: usize) -> Self {
        Self(vec![u64::MAX; rows.div_ceil(64)])
    }

    #[inline]
    fn contains(&self, row: usize) -> bool {
        self.0
            .get(row / 64)
            .is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    fn insert(&mut self, row: usize) {
        if let Some(w) = self.0.get_mut(row / 64) {
            *w |= 1 << (row % 64);
        }
    }

    fn intersect(&mut self, other: &RowSet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    fn add(&mut self, members: &Members) {
        match members {
            Members::Bits(bits) => {
                for (a, b) in self.0.iter_mut().zip(&bits.0) {
                    *a |= b;
                }
            }
            Members::Rows(rows) => {
                for &r in rows {
                    self.insert(r as usize);
                }
            }
        }
    }
}

/// The partners (row numbers) having one territory, lead type or product: a bit set when that
/// is the smaller form (many partners have it), else the sorted row numbers — either way at
/// most about 4 bytes per (partner, item) pair.
#[derive(Debug, Clone)]
enum Members {
    Bits(RowSet),
    Rows(Vec<u32>),
}

/// Turns per-item row lists (rows in increasing order) into their compact form.
fn members<K: Eq + Hash>(
    lists: impl IntoIterator<Item = (K, Vec<u32>)>,
    n: usize,
) -> Vec<(K, Members)> {
    lists
        .into_iter()
        .map(|(key, list)| {
            // A bit set takes n/8 bytes, a list 4 bytes a member.
            let m = if list.len() * 32 >= n {
                let mut bits = RowSet::empty(n);
                for &r in &list {
                    bits.insert(r as usize);
                }
                Members::Bits(bits)
            } else {
                Members::Rows(list)
            };
            (key, m)
        })
        .collect()
}

fn push_row(list: &mut Vec<u32>, row: u32) {
    // Rows arrive in order, so a duplicate item of one partner can only repeat the last row.
    if list.last() != Some(&row) {
        list.push(row);
    }
}

/// The candidates, prepared for fast ranking. See the module documentation.
#[derive(Debug, Clone)]
pub struct Partners {
    candidates: Vec<Candidate>,
    // One entry per partner (row), in the candidates' order.
    ids: Vec<AccountId>,
    capacity: Vec<u32>,
    open: Vec<u32>,
    revenue_min: Vec<i64>,
    revenue_max: Vec<i64>,
    territory_counts: Vec<u32>,
    places: Vec<Place>,
    /// Each partner's six history values (blended with the averages), in
    /// [`Metric::FROM_HISTORY`] order.
    values: Vec<[f64; 6]>,
    // Who has what.
    by_territory: IdMap<TerritoryId, Members>,
    by_lead_type: HashMap<String, Members>,
    by_product: IdMap<ProductId, Members>,
    /// (account, row), sorted: finds the rows of passed-over partners.
    rows_of: Vec<(AccountId, u32)>,
    averages: Vec<Average>,
}

impl Partners {
    pub fn new(candidates: Vec<Candidate>) -> Self {
        let n = candidates.len();
        let mut territory_rows: IdMap<TerritoryId, Vec<u32>> = IdMap::default();
        let mut lead_type_rows: HashMap<String, Vec<u32>> = HashMap::new();
        let mut product_rows: IdMap<ProductId, Vec<u32>> = IdMap::default();
        let mut totals = [(0.0f64, 0u64); 6];
        for (row, c) in candidates.iter().enumerate() {
            // More than four billion partners cannot be loaded in the first place.
            let row = u32::try_from(row).unwrap_or(u32::MAX);
            let p = &c.profile;
            for t in &p.territories {
                push_row(territory_rows.entry(*t).or_default(), row);
            }
            for l in &p.lead_types {
                match lead_type_rows.get_mut(l.as_str()) {
                    Some(list) => push_row(list, row),
                    None => {
                        lead_type_rows.insert(l.clone(), vec![row]);
                    }
                }
            }
            for product in &p.products {
                push_row(product_rows.entry(*product).or_default(), row);
            }
            for (k, m) in Metric::FROM_HISTORY.into_iter().enumerate() {
                if let Some((num, den)) = c.tally.ratio(m) {
                    totals[k].0 += num;
                    totals[k].1 += u64::from(den);
                }
            }
        }
        let averages: Vec<Average> = Metric::FROM_HISTORY
            .into_iter()
            .zip(totals)
            .map(|(metric, (num, den))| Average {
                metric,
                value: if den == 0 { 0.0 } else { num / den as f64 },
                count: den,
            })
            .collect();
        let values = candidates
            .iter()
            .map(|c| {
                std::array::from_fn(|k| {
                    let prior = averages[k].value;
                    match c.tally.ratio(Metric::FROM_HISTORY[k]) {
                        // No evidence: exactly the average (the formula would be, up to rounding).
                        Some((_, 0)) | None => prior,
                        Some((num, den)) => {
                            (num + PRIOR_STRENGTH * prior) / (f64::from(den) + PRIOR_STRENGTH)
                        }
                    }
                })
            })
            .collect();
        let column = |f: &dyn Fn(&Candidate) -> u32| candidates.iter().map(f).collect::<Vec<_>>();
        let mut rows_of: Vec<(AccountId, u32)> = candidates
            .iter()
            .enumerate()
            .map(|(row, c)| (c.profile.account_id, u32::try_from(row).unwrap_or(u32::MAX)))
            .collect();
        rows_of.sort_unstable();
        Self {
            ids: candidates.iter().map(|c| c.profile.account_id).collect(),
            capacity: column(&|c| c.profile.capacity),
            open: column(&|c| c.open),
            revenue_min: candidates
                .iter()
                .map(|c| c.profile.revenue_min_minor)
                .collect(),
            revenue_max: candidates
                .iter()
                .map(|c| c.profile.revenue_max_minor)
                .collect(),
            territory_counts: column(&|c| {
                u32::try_from(c.profile.territories.len()).unwrap_or(u32::MAX)
            }),
            places: candidates
                .iter()
                .map(|c| Place::new(c.profile.location))
                .collect(),
            values,
            by_territory: members(territory_rows, n).into_iter().collect(),
            by_lead_type: members(lead_type_rows, n).into_iter().collect(),
            by_product: members(product_rows, n).into_iter().collect(),
            rows_of,
            averages,
            candidates,
        }
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The average of all partners for each history metric ([`Metric::FROM_HISTORY`] order).
    pub fn averages(&self) -> &[Average] {
        &self.averages
    }

    pub(crate) fn id(&self, row: usize) -> AccountId {
        self.ids[row]
    }

    pub(crate) fn place(&self, row: usize) -> Place {
        self.places[row]
    }

    pub(crate) fn values(&self, row: usize) -> &[f64; 6] {
        &self.values[row]
    }

    fn rows_having<K: Eq + Hash, Q>(&self, map: &HashMap<K, Members, Q>, keys: &[K]) -> RowSet
    where
        Q: std::hash::BuildHasher,
    {
        let mut set = RowSet::empty(self.len());
        for k in keys {
            if let Some(m) = map.get(k) {
                set.add(m);
            }
        }
        set
    }
}

/// The availability test of one opportunity against the prepared set: the same criteria, in
/// the same order, with the same result as [`Availability::check`] on each profile (tested).
pub(crate) struct Filter {
    passed_over: RowSet,
    revenue: i64,
    /// Partners with a territory covering the customer's address.
    in_territory: RowSet,
    /// Partners working the opportunity's lead type.
    lead_type: RowSet,
    /// Each product of the opportunity, in its order, with the partners covering it.
    products: Vec<(ProductId, RowSet)>,
    /// The partners covering every product.
    all_products: RowSet,
}

impl Filter {
    pub fn new(
        set: &Partners,
        opp: &Opportunity,
        territories: &[Territory],
        passed_over: &[AccountId],
    ) -> Self {
        let n = set.len();
        let covering = Availability::new(opp, territories, passed_over)
            .covering()
            .to_vec();
        let mut passed = RowSet::empty(n);
        for a in passed_over {
            let from = set.rows_of.partition_point(|(id, _)| id < a);
            for (_, row) in set.rows_of[from..].iter().take_while(|(id, _)| id == a) {
                passed.insert(*row as usize);
            }
        }
        let products: Vec<(ProductId, RowSet)> = opp
            .products
            .iter()
            .map(|&p| (p, set.rows_having(&set.by_product, &[p])))
            .collect();
        let mut all_products = RowSet::full(n);
        for (_, rows) in &products {
            all_products.intersect(rows);
        }
        Self {
            passed_over: passed,
            revenue: opp.estimated_revenue_minor,
            in_territory: set.rows_having(&set.by_territory, &covering),
            lead_type: set.rows_having(&set.by_lead_type, std::slice::from_ref(&opp.lead_type)),
            products,
            all_products,
        }
    }

    /// `Ok` if the partner in `row` may receive the opportunity, else the first criterion it
    /// fails.
    #[inline]
    pub fn check(&self, set: &Partners, row: usize) -> Result<(), Criterion> {
        if self.passed_over.contains(row) {
            return Err(Criterion::PassedOver);
        }
        let (open, capacity) = (set.open[row], set.capacity[row]);
        if open >= capacity {
            return Err(Criterion::Capacity { open, capacity });
        }
        let revenue = self.revenue;
        if revenue < set.revenue_min[row] {
            return Err(Criterion::RevenueBelowMin {
                revenue_minor: revenue,
                min_minor: set.revenue_min[row],
            });
        }
        if revenue > set.revenue_max[row] {
            return Err(Criterion::RevenueAboveMax {
                revenue_minor: revenue,
                max_minor: set.revenue_max[row],
            });
        }
        if !self.in_territory.contains(row) {
            return Err(Criterion::Territory {
                territories: set.territory_counts[row],
            });
        }
        if !self.lead_type.contains(row) {
            return Err(Criterion::LeadType);
        }
        if !self.all_products.contains(row) {
            // Only excluded partners pay for finding which product is the first missing.
            if let Some((product, _)) = self.products.iter().find(|(_, c)| !c.contains(row)) {
                return Err(Criterion::MissingProduct { product: *product });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_distance_is_the_domain_distance_to_the_bit() {
        // SplitMix64 over the whole globe, poles and antimeridian included.
        let mut x: u64 = 7;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut points = vec![
            GeoPoint::new(90.0, 0.0).unwrap(),
            GeoPoint::new(-90.0, 180.0).unwrap(),
            GeoPoint::new(0.0, -180.0).unwrap(),
            GeoPoint::new(45.5, -73.5).unwrap(),
        ];
        for _ in 0..2000 {
            points.push(GeoPoint::new(next() * 180.0 - 90.0, next() * 360.0 - 180.0).unwrap());
        }
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let expected = a.distance_km(b);
            let got = Place::new(a).distance_km(Place::new(b));
            assert_eq!(got.to_bits(), expected.to_bits(), "{a:?} {b:?}");
        }
    }

    #[test]
    fn common_items_are_bit_sets_and_rare_ones_lists() {
        let m = members([(1, (0..100).collect()), (2, vec![3])], 100);
        assert!(matches!(m[0].1, Members::Bits(_)));
        assert!(matches!(m[1].1, Members::Rows(_)));
        let mut set = RowSet::empty(100);
        set.add(&m[1].1);
        assert!(set.contains(3) && !set.contains(4) && !set.contains(1000));
    }
}
