//! `onsite import KIND FILE [--dry-run]`: the back office's CSV import from the command line,
//! as a named member of staff (the audit log's actor). Prints the report: counts, then each
//! refused row with its line, column and reason; exits 2 when the file or a row is refused.

use crate::config::Config;
use crate::serve::{Failure, open_store};
use onsite_app::failure::Failure as _;
use onsite_app::import::{self, Encoding, ImportKind, Options, Outcome};
use std::path::Path;

pub struct ImportArgs<'a> {
    pub kind: &'a str,
    pub file: &'a Path,
    pub dry_run: bool,
    pub as_email: &'a str,
    pub encoding: Option<&'a str>,
    pub delimiter: Option<&'a str>,
    pub lang: &'a str,
}

pub async fn import(config: &Config, args: ImportArgs<'_>) -> Result<(), Failure> {
    let bad = |m: String| Failure::BadInput(m);
    let kind = ImportKind::parse(args.kind).ok_or_else(|| {
        let kinds: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
        bad(format!(
            "KIND: {:?} is not one of {}",
            args.kind,
            kinds.join(", ")
        ))
    })?;
    let encoding = match args.encoding {
        None => None,
        Some(e) => Some(
            Encoding::parse(e)
                .ok_or_else(|| bad(format!("--encoding: {e:?} is not utf-8 or windows-1252")))?,
        ),
    };
    let delimiter = match args.delimiter {
        None => None,
        Some(d) => Some(
            import::reader::parse_delimiter(d)
                .ok_or_else(|| bad(format!("--delimiter: {d:?} is not , ; or tab")))?,
        ),
    };
    let locale = onsite_i18n::Locale::from_tag(args.lang)
        .ok_or_else(|| bad(format!("--lang: {:?} is not a shipped language", args.lang)))?;
    let file =
        std::fs::File::open(args.file).map_err(|e| bad(format!("{}: {e}", args.file.display())))?;
    let store = open_store(config).await?;
    let app = onsite_app::App::new(store.clone(), Default::default(), String::new());
    let staff = import::staff_by_email(&app, args.as_email)
        .await?
        .ok_or_else(|| {
            bad(format!(
                "--as: {} is no enabled member of staff",
                args.as_email
            ))
        })?;
    let options = Options {
        kind,
        dry_run: args.dry_run,
        encoding,
        delimiter,
    };
    let input = std::io::BufReader::new(file);
    let report =
        match import::run(&app, staff, options, input, locale, jiff::Timestamp::now()).await {
            Ok(report) => report,
            Err(e) if e.kind().is_server_side() => return Err(Failure::Other(e.into())),
            Err(e) => {
                return Err(bad(format!(
                    "{}: {}",
                    args.file.display(),
                    e.message(locale)
                )));
            }
        };
    store.close().await;
    println!(
        "{} rows: {} created, {} updated, {} unchanged, {} refused ({}, {:?}).",
        report.rows_read(),
        report.created,
        report.updated,
        report.unchanged,
        report.refused,
        report.encoding.as_str(),
        char::from(report.delimiter),
    );
    if !report.ignored.is_empty() {
        println!("Columns ignored: {}", report.ignored.join(", "));
    }
    for row in report.rows().filter(|r| r.outcome == Outcome::Refused) {
        println!(
            "line {}: {} refused: {}{}",
            row.line,
            row.reference,
            row.column
                .as_deref()
                .map(|c| format!("{c}: "))
                .unwrap_or_default(),
            row.reason.as_deref().unwrap_or_default(),
        );
    }
    if report.applied {
        println!("Imported.");
        Ok(())
    } else if report.refused > 0 {
        Err(bad("nothing was imported: correct the refused rows".into()))
    } else {
        println!("Dry run: nothing was written.");
        Ok(())
    }
}
