//! Benchmark (issues 6 and 14): keyset pagination at 100,000 rows, on SQLite and on PostgreSQL.
//!
//! - A customer's work orders (100,000 records of one account): page 1 and page 500 (page size
//!   20) of the customer's list (their account, Expose to Customer).
//! - The staff's accounts list (100,000 accounts with their contacts): page 1 and page 500 of
//!   `/staff/accounts` as it opens (active accounts by name), and of every account.
//!
//! Medians of many runs, and OFFSET pagination's page 500 as the contrast. The program checks
//! that page 500 reached by walking the cursors holds the same rows as OFFSET 9,980, that the
//! two medians are within 2× of each other, and prints each engine's plan of the page-500
//! query.
//!
//! Run: `cargo bench -p onsite-store --bench keyset` (PostgreSQL at `ONSITE_TEST_POSTGRES_URL`,
//! by default the local server; each list and engine gets a fresh throw-away database).

use jiff::{SignedDuration, Timestamp};
use onsite_domain::AccountId;
use onsite_domain::account::AccountKind;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_store::Store;
use onsite_store::directory::{self, AccountFilter};
use onsite_store::records::lists::{
    self, ListQuery, Paging, WorkOrderFilter, WorkOrderQuery, WorkOrderSort, WorkOrders,
};
use onsite_store::records::{Scope, Start};
use onsite_testkit::TestDb;
use onsite_testkit::fixtures::{customer_accounts, service_type};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ROWS: usize = 100_000;
/// Another account's rows around ours, so the account prefix of the index matters.
const OTHER_ROWS: usize = 20_000;
const PAGE: u32 = 20;
const TARGET_PAGE: usize = 500;
const RUNS: usize = 101;
/// Rows per INSERT statement (10 parameters each, well under both engines' limits).
const BATCH: usize = 500;

/// SplitMix64: the same data on every machine.
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
}

/// Inserts `n` work orders of `account` in one transaction, `BATCH` rows per statement:
/// opened over five years at minute granularity (so some share a minute), every status, one
/// in twenty hidden from the customer.
async fn bulk_insert(
    store: &Store,
    account: AccountId,
    service: i64,
    n: usize,
    prefix: &str,
    seed: u64,
) {
    let mut rng = Rng(seed);
    let start = Timestamp::from_second(1_640_995_200).unwrap(); // 2022-01-01
    let minutes = 5 * 365 * 24 * 60;
    let mut tx = store.begin().await.unwrap();
    let mut done = 0;
    while done < n {
        let rows = BATCH.min(n - done);
        let mut sql = String::from(
            "INSERT INTO work_orders (number, account_id, service_type_id, status, summary, \
             expose_to_customer, created_at, updated_at) VALUES ",
        );
        for r in 0..rows {
            let p = r * 8;
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6,
                p + 7,
                p + 8
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in 0..rows {
            let i = done + r;
            let opened = start + SignedDuration::from_mins(rng.below(minutes) as i64);
            let status = WorkOrderStatus::ALL[rng.below(7) as usize];
            q = q
                .bind(format!("{prefix}-{i:07}"))
                .bind(account.0)
                .bind(service)
                .bind(status.as_str())
                .bind(format!("Maintenance visit {i}"))
                .bind(rng.below(20) != 0)
                .bind(opened.as_millisecond())
                .bind(opened.as_millisecond());
        }
        q.execute(&mut *tx).await.unwrap();
        done += rows;
    }
    tx.commit().await.unwrap();
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

struct Outcome {
    ratio: f64,
}

async fn run(name: &str, db: TestDb) -> Outcome {
    let store = db.store().clone();
    let mut conn = store.conn().await.unwrap();
    let [ours, theirs] =
        customer_accounts(&mut conn, ["Boulangerie Saint-Denis", "Other Inc"]).await;
    let service = service_type(&mut conn, "Maintenance", &[]).await;
    drop(conn);
    let t = Instant::now();
    bulk_insert(&store, ours, service.0, ROWS, "WO", 42).await;
    let insert = t.elapsed();
    bulk_insert(&store, theirs, service.0, OTHER_ROWS, "WO-B", 7).await;
    let mut conn = store.conn().await.unwrap();
    sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();

    let scope = Scope::customer(ours);
    let mut results = Vec::new();
    for sort in [WorkOrderSort::Opened, WorkOrderSort::Status] {
        let query = |start: Start| WorkOrderQuery {
            filter: WorkOrderFilter::All,
            sort,
            descending: sort == WorkOrderSort::Opened,
            search: None,
            agreement: None,
            asset: None,
            paging: Paging { start, limit: PAGE },
        };
        // Walk to page 500 the way a person clicking Next would.
        let walk = Instant::now();
        let mut start = Start::First;
        let mut seen = 0;
        for _ in 1..TARGET_PAGE {
            let page = lists::list::<WorkOrders>(&mut conn, &scope, &query(start.clone()))
                .await
                .unwrap();
            seen += page.items.len();
            let next = page.next.expect("more pages");
            start = sort
                .cursor(next.as_str(), query(Start::First).descending)
                .unwrap();
        }
        let walk = walk.elapsed();
        assert_eq!(seen, (TARGET_PAGE - 1) * PAGE as usize);
        let page500 = lists::list::<WorkOrders>(&mut conn, &scope, &query(start.clone()))
            .await
            .unwrap();

        // The same page by OFFSET, for the contrast and as a check of the keyset page.
        let (order, dir) = match sort {
            WorkOrderSort::Opened => ("x.created_at", "DESC"),
            _ => ("x.status", "ASC"),
        };
        let offset_sql = format!(
            "SELECT x.id, x.number, x.status, x.created_at FROM work_orders x \
             WHERE x.account_id = $1 AND x.expose_to_customer = TRUE \
             ORDER BY {order} {dir}, x.id {dir} LIMIT {PAGE} OFFSET {}",
            (TARGET_PAGE - 1) * PAGE as usize
        );
        let offset_ids: Vec<i64> = sqlx::query_scalar::<_, i64>(&offset_sql)
            .bind(ours.0)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let keyset_ids: Vec<i64> = page500.items.iter().map(|r| r.id.0).collect();
        assert_eq!(
            keyset_ids, offset_ids,
            "{name} {sort:?}: page 500 by cursor = by OFFSET"
        );

        // Interleaved, so both see the same machine load.
        let (mut first, mut deep, mut offset) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            black_box(
                lists::list::<WorkOrders>(&mut conn, &scope, &query(Start::First))
                    .await
                    .unwrap(),
            );
            first.push(t.elapsed());
            let t = Instant::now();
            black_box(
                lists::list::<WorkOrders>(&mut conn, &scope, &query(start.clone()))
                    .await
                    .unwrap(),
            );
            deep.push(t.elapsed());
            let t = Instant::now();
            black_box(
                sqlx::query(&offset_sql)
                    .bind(ours.0)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap(),
            );
            offset.push(t.elapsed());
        }
        let plan = lists::explain(
            &mut conn,
            store.backend(),
            &scope,
            &ListQuery::WorkOrders(query(start.clone())),
        )
        .await
        .unwrap();
        results.push((
            sort,
            median(first),
            median(deep),
            median(offset),
            walk,
            plan,
        ));
    }

    println!(
        "{name}: {ROWS} work orders of one account (+{OTHER_ROWS} of another) inserted in {} (one transaction, {BATCH} rows per INSERT)",
        ms(insert)
    );
    let mut ratio = 0.0;
    for (sort, first, deep, offset, walk, plan) in &results {
        let r = deep.as_secs_f64() / first.as_secs_f64();
        if *sort == WorkOrderSort::Opened {
            ratio = r;
        }
        println!(
            "  sort {:<6} page 1: median {}   page {TARGET_PAGE} (keyset): median {}   ratio {r:.2}",
            sort.as_str(),
            ms(*first),
            ms(*deep)
        );
        println!(
            "  {:<11} page {TARGET_PAGE} by OFFSET {} (ids only, no names): median {}",
            "",
            (TARGET_PAGE - 1) * PAGE as usize,
            ms(*offset)
        );
        println!(
            "  {:<11} walking Next from page 1 to page {TARGET_PAGE}: {} in all",
            "",
            ms(*walk)
        );
        if *sort == WorkOrderSort::Opened {
            println!(
                "  plan of the page-{TARGET_PAGE} query ({}):",
                match name {
                    "SQLite" => "EXPLAIN QUERY PLAN",
                    _ => "EXPLAIN",
                }
            );
            for line in plan {
                println!("    {line}");
            }
        }
    }
    Outcome { ratio }
}

// ---- The staff's accounts list (issue 14) ---------------------------------------------------

const ACCOUNTS: usize = 100_000;
/// Syllables of the accounts' names: deterministic, varied, some shared (ties broken by id),
/// some accented (sorted by their folded key).
const WORDS: [&str; 24] = [
    "Boulangerie",
    "Clinique",
    "Garage",
    "Café",
    "Syndicat",
    "Hôtel",
    "École",
    "Pharmacie",
    "Atelier",
    "Épicerie",
    "Résidence",
    "Studio",
    "Fabre",
    "Gagné",
    "Côté",
    "Roy",
    "Tremblay",
    "Lévesque",
    "Bouchard",
    "Martin",
    "Nguyen",
    "Ouellet",
    "Pelletier",
    "Zhang",
];

/// Inserts `ACCOUNTS` accounts (customers and one in ten partners, one in twenty-five
/// inactive), each with one to three contacts, in one transaction per table, `BATCH` rows per
/// statement, their search keys computed as the store computes them.
async fn bulk_accounts(store: &Store) -> Vec<(i64, String)> {
    let mut rng = Rng(2026);
    let mut tx = store.begin().await.unwrap();
    let mut done = 0;
    while done < ACCOUNTS {
        let rows = BATCH.min(ACCOUNTS - done);
        let mut sql = String::from(
            "INSERT INTO accounts (kind, name, active, address_line, city, postal_code, country, \
             latitude, longitude, time_zone, created_at, search_key) VALUES ",
        );
        for r in 0..rows {
            let p = r * 6;
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, '1 Rue Principale', 'Montréal', ${}, 'CA', ${}, -73.56, \
                 'America/Toronto', 0, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in 0..rows {
            let i = done + r;
            let name = format!(
                "{} {} {}",
                WORDS[rng.below(12) as usize],
                WORDS[12 + rng.below(12) as usize],
                rng.below(5000)
            );
            let kind = if i % 10 == 0 {
                AccountKind::Partner
            } else {
                AccountKind::Customer
            };
            q = q
                .bind(kind.as_str())
                .bind(name.clone())
                .bind(i % 25 != 0)
                .bind(format!("H{}J 1A1", rng.below(10)))
                .bind(45.45 + rng.below(1000) as f64 / 10_000.0)
                .bind(directory::search_key(&name));
        }
        q.execute(&mut *tx).await.unwrap();
        done += rows;
    }
    tx.commit().await.unwrap();

    let mut conn = store.conn().await.unwrap();
    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM accounts ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let mut contacts = Vec::new();
    for (id, _) in &ids {
        for c in 0..=rng.below(3) {
            contacts.push((*id, c, rng.below(24)));
        }
    }
    let mut tx = store.begin().await.unwrap();
    for chunk in contacts.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO contacts (account_id, first_name, last_name, email, created_at, \
             search_key) VALUES ",
        );
        for r in 0..chunk.len() {
            let p = r * 5;
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, 0, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5
            ));
        }
        let mut q = sqlx::query(&sql);
        for (account, c, word) in chunk {
            let (first, last) = (
                ["Ana", "Bruno", "Chloé", "Denis"][*c as usize],
                WORDS[12 + *word as usize % 12],
            );
            let email = format!("{}.{account}@example.test", first.to_lowercase());
            let key = format!(
                "{}\n{}",
                directory::search_key(&format!("{first} {last}")),
                directory::search_key(&email)
            );
            q = q
                .bind(*account)
                .bind(first)
                .bind(last)
                .bind(email)
                .bind(key);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    ids
}

struct ListTiming {
    label: &'static str,
    first: Duration,
    deep: Duration,
    offset: Duration,
    walk: Duration,
    plan: Vec<String>,
}

async fn run_accounts(name: &str, db: TestDb) -> Outcome {
    let store = db.store().clone();
    let t = Instant::now();
    bulk_accounts(&store).await;
    let insert = t.elapsed();
    let mut conn = store.conn().await.unwrap();
    sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();
    let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
        .fetch_one(&mut *conn)
        .await
        .unwrap();

    let mut timings = Vec::new();
    for (label, filter, condition) in [
        (
            "active (the list as it opens)",
            AccountFilter {
                active: Some(true),
                ..AccountFilter::default()
            },
            "WHERE x.active = TRUE",
        ),
        ("every account", AccountFilter::default(), ""),
    ] {
        let page = |start: Start| {
            let filter = filter.clone();
            let store = store.clone();
            async move {
                let mut conn = store.conn().await.unwrap();
                directory::accounts_page(&mut conn, &filter, start, PAGE)
                    .await
                    .unwrap()
            }
        };
        // Walk to page 500 the way a person clicking Next would.
        let walk = Instant::now();
        let mut start = Start::First;
        for _ in 1..TARGET_PAGE {
            let next = page(start.clone()).await.next.expect("more pages");
            start = directory::accounts_page_start(next.as_str()).unwrap();
        }
        let walk = walk.elapsed();
        let page500 = page(start.clone()).await;
        assert!(
            page500.items.iter().all(|a| !a.contacts.is_empty()),
            "each account comes with its contacts"
        );
        let offset_sql = format!(
            "SELECT x.id, x.name FROM accounts x {condition} ORDER BY x.search_key, x.id \
             LIMIT {PAGE} OFFSET {}",
            (TARGET_PAGE - 1) * PAGE as usize
        );
        let offset_ids: Vec<i64> = sqlx::query_scalar::<_, i64>(&offset_sql)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let keyset_ids: Vec<i64> = page500.items.iter().map(|a| a.id.0).collect();
        assert_eq!(
            keyset_ids, offset_ids,
            "{name} {label}: page 500 by cursor = by OFFSET"
        );

        let (mut first, mut deep, mut offset) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            black_box(page(Start::First).await);
            first.push(t.elapsed());
            let t = Instant::now();
            black_box(page(start.clone()).await);
            deep.push(t.elapsed());
            let t = Instant::now();
            black_box(
                sqlx::query(&offset_sql)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap(),
            );
            offset.push(t.elapsed());
        }
        let plan = directory::explain_accounts_page(&mut conn, store.backend(), &filter, start)
            .await
            .unwrap();
        timings.push(ListTiming {
            label,
            first: median(first),
            deep: median(deep),
            offset: median(offset),
            walk,
            plan,
        });
    }

    println!(
        "{name}: {ACCOUNTS} accounts with {contacts} contacts inserted in {} (one transaction per table, {BATCH} rows per INSERT)",
        ms(insert)
    );
    let mut ratio = 0.0;
    for (i, t) in timings.iter().enumerate() {
        let r = t.deep.as_secs_f64() / t.first.as_secs_f64();
        if i == 0 {
            ratio = r;
        }
        println!(
            "  {}: page 1: median {}   page {TARGET_PAGE} (keyset): median {}   ratio {r:.2}",
            t.label,
            ms(t.first),
            ms(t.deep)
        );
        println!(
            "    page {TARGET_PAGE} by OFFSET {} (ids and names only, no contacts): median {}",
            (TARGET_PAGE - 1) * PAGE as usize,
            ms(t.offset)
        );
        println!(
            "    walking Next from page 1 to page {TARGET_PAGE}: {} in all",
            ms(t.walk)
        );
        if i == 0 {
            println!(
                "    plan of the page-{TARGET_PAGE} query ({}):",
                match name {
                    "SQLite" => "EXPLAIN QUERY PLAN",
                    _ => "EXPLAIN",
                }
            );
            for line in &t.plan {
                println!("      {line}");
            }
        }
    }
    Outcome { ratio }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("onsite-store keyset pagination: page size {PAGE}, {RUNS} runs per measure, medians");
    let sqlite = run("SQLite", TestDb::sqlite().await).await;
    let postgres = run("PostgreSQL", TestDb::postgres().await).await;
    println!("The staff's accounts list:");
    let sqlite_accounts = run_accounts("SQLite", TestDb::sqlite().await).await;
    let postgres_accounts = run_accounts("PostgreSQL", TestDb::postgres().await).await;
    for (name, o) in [
        ("work orders, SQLite", &sqlite),
        ("work orders, PostgreSQL", &postgres),
        ("accounts, SQLite", &sqlite_accounts),
        ("accounts, PostgreSQL", &postgres_accounts),
    ] {
        assert!(
            o.ratio <= 2.0 && o.ratio >= 0.5,
            "{name}: page {TARGET_PAGE} and page 1 are not within 2× of each other ({:.2})",
            o.ratio
        );
    }
    println!("page {TARGET_PAGE} within 2× of page 1 on both engines, both lists: yes");
}
