//! Benchmark (issue 16): the CSV import of 100,000 assets on SQLite — dry run, apply, and the
//! same file again (every row unchanged) — and how soon an export of them has its first chunk.
//!
//! The file (100,000 assets of 100 customer accounts, one asset in ten a component of the one
//! before it) is written to the temporary folder and read from there as the command line
//! reads it. Prints each phase's time and the process's peak memory (VmHWM) after each, which
//! stays flat when the file grows.
//!
//! Run: `cargo bench -p onsite-app --bench import` (ROWS=N for another size).

use jiff::Timestamp;
use onsite_app::App;
use onsite_app::export;
use onsite_app::import::{self, ImportKind, Options};
use onsite_app::policy::{Principal, Staff};
use onsite_domain::role::Role;
use onsite_store::imports::AssetExport;
use onsite_testkit::TestDb;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "?".into())
}

async fn run(app: &App, staff: Staff, kind: ImportKind, dry_run: bool, path: &std::path::Path) {
    let started = Instant::now();
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let options = Options {
        kind,
        dry_run,
        encoding: None,
        delimiter: None,
    };
    let r = import::run(
        app,
        staff,
        options,
        file,
        onsite_i18n::DEFAULT,
        Timestamp::now(),
    )
    .await
    .unwrap();
    assert_eq!(r.refused, 0, "{:?}", r.refused_rows);
    println!(
        "{:>8} {:<8} {:>7} rows: {:>6} created {:>6} updated {:>6} unchanged in {:>6.2} s (peak memory {})",
        kind.as_str(),
        if dry_run { "dry run" } else { "apply" },
        r.rows_read(),
        r.created,
        r.updated,
        r.unchanged,
        started.elapsed().as_secs_f64(),
        peak_memory()
    );
}

fn main() {
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = TestDb::sqlite().await;
        let app = App::new(
            db.store().clone(),
            Arc::new(tokio::sync::Notify::new()),
            "https://portal.example.com",
        );
        let made = onsite_app::team::create_first_admin(
            &app,
            "bench@example.com",
            "Bench",
            Timestamp::now(),
        )
        .await
        .unwrap();
        let staff = Principal {
            user_id: made.user,
            roles: vec![Role::Dispatcher],
            account_id: None,
            technician_id: None,
        }
        .staff()
        .unwrap();

        let dir = std::env::temp_dir();
        let accounts = dir.join("onsite-bench-accounts.csv");
        let mut f = std::fs::File::create(&accounts).unwrap();
        writeln!(f, "account_ref,name,address_line,city,country,latitude,longitude,time_zone").unwrap();
        for a in 0..100 {
            writeln!(
                f,
                "ACC-{a},Customer {a},{a} Rue Sainte-Catherine,Montréal,CA,45.5,-73.6,America/Toronto"
            )
            .unwrap();
        }
        drop(f);
        run(&app, staff, ImportKind::Accounts, false, &accounts).await;

        let assets = dir.join("onsite-bench-assets.csv");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&assets).unwrap());
        writeln!(f, "asset_ref,account_ref,parent_ref,name,product,serial_number,expose_to_customer").unwrap();
        for i in 0..rows {
            // One in ten is a component of the asset before it (same account).
            let (account, parent) = if i % 10 == 0 {
                (i % 100, String::new())
            } else {
                ((i - i % 10) % 100, format!("AST-{}", i - 1))
            };
            writeln!(
                f,
                "AST-{i},ACC-{account},{parent},Unit {i},Model {},SN-{i:08},true",
                i % 37
            )
            .unwrap();
        }
        drop(f);
        let size = std::fs::metadata(&assets).unwrap().len();
        println!("assets file: {rows} rows, {:.1} MB", size as f64 / 1e6);
        run(&app, staff, ImportKind::Assets, true, &assets).await;
        run(&app, staff, ImportKind::Assets, false, &assets).await;
        run(&app, staff, ImportKind::Assets, false, &assets).await;

        let started = Instant::now();
        let (chunk, _) = export::assets_chunk(&app, staff, &AssetExport::default(), export::ASSETS_START)
            .await
            .unwrap();
        println!(
            "export: header at once, first chunk ({} lines) after {:.1} ms",
            chunk.lines().count(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        let started = Instant::now();
        let mut next = Some(export::ASSETS_START);
        let mut lines = 0;
        while let Some(at) = next {
            let (chunk, after) = export::assets_chunk(&app, staff, &AssetExport::default(), at)
                .await
                .unwrap();
            lines += chunk.lines().count();
            next = after;
        }
        println!(
            "export: all {lines} lines in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let _ = std::fs::remove_file(accounts);
        let _ = std::fs::remove_file(assets);
    });
}
