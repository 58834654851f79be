//! Slot search benchmark (issue 4): the fast planner against the straightforward reference
//! (every slot × every technician × every booking), on the synthetic city of the issue — 200
//! technicians × 14 days and 1,000 technicians × 30 days, six visits per technician-day, a
//! 30-minute grid. Each run is the whole search a booking page needs: prepare the technicians
//! and compute the slots of every day of the horizon. Prints medians and the ratio, and fails if
//! the two ever disagree.
//!
//! Run: `cargo bench -p onsite-schedule --bench slot_search` (release profile).

#[allow(dead_code)]
#[path = "../tests/schedule/synthetic.rs"]
mod synthetic;

use onsite_schedule::{GreatCircle, Planner, reference};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = black_box(f());
        times.push(t.elapsed());
        last = Some(out);
    }
    (median(times), last.expect("at least one run"))
}

fn bench(technicians: usize, days: i64, budget: Duration, fast_runs: usize, naive_runs: usize) {
    let world = synthetic::city(technicians, days, 42);
    let input = world.input();
    let model = GreatCircle::default();
    let (first, last) = Planner::new(input, &model)
        .bookable_days()
        .expect("a horizon");

    // Warm-up (page faults, tz database caches), not measured.
    black_box(Planner::new(input, &model).days(first, last));

    let (fast, fast_days) = time(fast_runs, || {
        Planner::new(input, &model).days(black_box(first), black_box(last))
    });
    let (picker, _) = time(fast_runs, || {
        Planner::new(input, &model).available_days(black_box(first), black_box(last))
    });
    let (naive, naive_days) = time(naive_runs, || {
        reference::days(&input, &model, black_box(first), black_box(last))
    });
    assert_eq!(
        fast_days, naive_days,
        "the planner and the reference disagree"
    );

    // Assigning a technician to a slot (the Book button): a slot in the middle of the list.
    let all: Vec<_> = fast_days.iter().flat_map(|d| d.slots.iter()).collect();
    let chosen = all[all.len() / 2].start;
    let (assign, a) = time(fast_runs, || Planner::new(input, &model).assign(chosen));
    let a = a.expect("the offered slot can be assigned");
    assert_eq!(Ok(a), reference::assign(&input, &model, chosen));

    // Staff booking for a customer: one day's slots, each with every technician who could
    // take it, ranked (the customer's search above never asks for this).
    let busiest = fast_days
        .iter()
        .max_by_key(|d| d.slots.len())
        .map_or(first, |d| d.date);
    let (one_day, _) = time(fast_runs, || {
        Planner::new(input, &model).slots(black_box(busiest))
    });
    let (ranked, r) = time(fast_runs, || {
        Planner::new(input, &model).ranked_slots(black_box(busiest))
    });
    assert!(
        r.iter()
            .all(|(s, c)| c.first().map(|a| a.starts_at) == Some(s.start))
    );

    let offered: usize = fast_days.iter().map(|d| d.slots.len()).sum();
    let open_days = fast_days.iter().filter(|d| !d.slots.is_empty()).count();
    println!(
        "{technicians} technicians × {days} days ({} visits): {offered} slots on {open_days}/{} days",
        world.commitments.len(),
        fast_days.len()
    );
    println!(
        "  slot search, all days   median {:>12} over {fast_runs} runs (budget {}: {})",
        ms(fast),
        ms(budget),
        if fast <= budget { "met" } else { "MISSED" }
    );
    println!(
        "  reference (naive)       median {:>12} over {naive_runs} runs — {:.0}× slower",
        ms(naive),
        naive.as_secs_f64() / fast.as_secs_f64()
    );
    println!("  date picker (any slot?) median {:>12}", ms(picker));
    println!("  assign one slot         median {:>12}", ms(assign));
    println!("  one day's slots         median {:>12}", ms(one_day));
    println!(
        "  …ranked for staff       median {:>12} ({:.1}× the day's slots)",
        ms(ranked),
        ranked.as_secs_f64() / one_day.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it once quickly instead.
    let quick = !std::env::args().any(|a| a == "--bench");
    println!(
        "slot_search: {} hardware threads available, release={}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        !cfg!(debug_assertions)
    );
    if quick {
        bench(20, 3, Duration::from_millis(2), 1, 1);
        return;
    }
    bench(200, 14, Duration::from_millis(2), 101, 5);
    bench(1000, 30, Duration::from_millis(20), 31, 3);
}
