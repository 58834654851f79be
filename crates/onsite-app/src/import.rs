//! CSV import (issue 16, SPEC §10): a company moving in from another system loads its
//! accounts with their contacts and its assets from the files that system exports.
//!
//! One engine for every kind: [`run`] reads the file a row at a time ([`reader`]: encoding,
//! delimiter and header detected or chosen), matches each row on its external reference
//! (`onsite_store::imports`) and creates, updates or leaves the record through the very use
//! cases and checks of the back-office pages (`customers`, `records::staff`), each row in a
//! savepoint of one transaction. A **dry run** rolls that transaction back: it reports what
//! the import would do, row by row — created, updated, unchanged, or refused with the column
//! and the reason in the person's language — and writes nothing. **Apply** commits it only if
//! no row was refused: a file is imported whole or not at all. Rows refer to records made by
//! earlier rows of the same file (an asset's parent, a contact's account), so a parent comes
//! before its components. Importing the same file twice changes nothing the second time.
//!
//! Memory stays flat in the file's size: rows are read as they come, and the report keeps its
//! counts, the first [`ROWS_KEPT`] refused rows and the first [`ROWS_KEPT`] others.

pub mod reader;

mod accounts;
mod assets;

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Grant, Staff};
use jiff::Timestamp;
use onsite_i18n::{Arg, Locale};
use onsite_store::{StoreError, audit};
pub use reader::Encoding;
use reader::{Read1, Source};
use std::borrow::Cow;
use std::io::Read;

/// Rows of each side (refused, the others) a report lists; past them it only counts.
pub const ROWS_KEPT: usize = 1000;
/// Longest external reference.
const REF_MAX: usize = 100;

/// A column of a kind's file: its name (as the template and the export write it) and the other
/// names a header may give it, folded ([`reader::fold`]).
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Column {
    /// Whether a header's column `name` is this one.
    pub fn matches(&self, name: &str) -> bool {
        let folded = reader::fold(name);
        folded == self.name || self.aliases.contains(&folded.as_str())
    }
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Accounts (customers and partners), a row per contact.
    Accounts,
    /// Customers' assets, with parent references.
    Assets,
}

impl ImportKind {
    pub const ALL: [ImportKind; 2] = [ImportKind::Accounts, ImportKind::Assets];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Accounts => "accounts",
            ImportKind::Assets => "assets",
        }
    }

    pub fn parse(raw: &str) -> Option<ImportKind> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }

    /// The kind's columns, in the order templates and exports write them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Accounts => accounts::COLUMNS,
            ImportKind::Assets => assets::COLUMNS,
        }
    }

    /// The kind's template: its header and one example row, UTF-8, comma-separated.
    pub fn template(self) -> String {
        let example = match self {
            ImportKind::Accounts => accounts::EXAMPLE,
            ImportKind::Assets => assets::EXAMPLE,
        };
        let mut out = csv_line(self.columns().iter().map(|c| c.name));
        out.push_str(&csv_line(example.iter().copied()));
        out
    }
}

/// One CSV line (quoted where needed, `\r\n`-ended) of `fields`.
pub fn csv_line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(fields);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// How to read and what to do.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub kind: ImportKind,
    /// Report only: nothing is written.
    pub dry_run: bool,
    /// `None`: detected.
    pub encoding: Option<Encoding>,
    /// `None`: detected.
    pub delimiter: Option<u8>,
}

/// What a row did, or would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Unchanged,
    Updated,
    Created,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Updated => "updated",
            Outcome::Created => "created",
            Outcome::Refused => "refused",
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    /// The line the row starts on in the file (the header is line 1).
    pub line: u64,
    /// The row's external reference, as typed.
    pub reference: String,
    pub outcome: Outcome,
    /// For a refused row: the column at fault, when one is.
    pub column: Option<String>,
    /// For a refused row: why, in the person's language.
    pub reason: Option<String>,
}

/// What an import did (or a dry run would do).
#[derive(Debug, Clone)]
pub struct Report {
    pub kind: ImportKind,
    pub dry_run: bool,
    pub encoding: Encoding,
    pub delimiter: u8,
    /// Columns of the file that are none of the kind's, ignored.
    pub ignored: Vec<String>,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: u64,
    /// The first [`ROWS_KEPT`] refused rows, in file order.
    pub refused_rows: Vec<RowReport>,
    /// The first [`ROWS_KEPT`] other rows, in file order.
    pub other_rows: Vec<RowReport>,
    /// Whether the changes were committed (an import without refused rows).
    pub applied: bool,
}

impl Report {
    fn new(kind: ImportKind, dry_run: bool, encoding: Encoding, delimiter: u8) -> Report {
        Report {
            kind,
            dry_run,
            encoding,
            delimiter,
            ignored: Vec::new(),
            created: 0,
            updated: 0,
            unchanged: 0,
            refused: 0,
            refused_rows: Vec::new(),
            other_rows: Vec::new(),
            applied: false,
        }
    }

    pub fn rows_read(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.refused
    }

    /// Rows read but not listed (past [`ROWS_KEPT`] on either side).
    pub fn rows_left_out(&self) -> u64 {
        self.rows_read() - (self.refused_rows.len() + self.other_rows.len()) as u64
    }

    /// The listed rows: refused first, then the others.
    pub fn rows(&self) -> impl Iterator<Item = &RowReport> {
        self.refused_rows.iter().chain(&self.other_rows)
    }

    fn add(&mut self, row: RowReport) {
        let (count, kept) = match row.outcome {
            Outcome::Created => (&mut self.created, &mut self.other_rows),
            Outcome::Updated => (&mut self.updated, &mut self.other_rows),
            Outcome::Unchanged => (&mut self.unchanged, &mut self.other_rows),
            Outcome::Refused => (&mut self.refused, &mut self.refused_rows),
        };
        *count += 1;
        if kept.len() < ROWS_KEPT {
            kept.push(row);
        }
    }
}

/// Why a file could not be imported at all (nothing written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// UTF-16, binary, or a header that is not text in the chosen encoding.
    #[error("the file is not text in UTF-8 or Windows-1252")]
    Encoding,
    #[error("the file has no header line")]
    Empty,
    #[error("required columns are missing: {0}")]
    MissingColumns(String),
    #[error("a column is named twice: {0}")]
    DuplicateColumn(String),
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    /// A failure no row explains (the database is gone or busy, a bug): its kind, code and
    /// message as the use case worded it.
    #[error("{message}")]
    Failed {
        kind: Kind,
        code: &'static str,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for ImportError {
    fn kind(&self) -> Kind {
        match self {
            ImportError::Failed { kind, .. } => *kind,
            ImportError::Store(e) => e.kind(),
            _ => Kind::Invalid,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ImportError::Encoding => "encoding",
            ImportError::Empty => "empty",
            ImportError::MissingColumns(_) => "missing_columns",
            ImportError::DuplicateColumn(_) => "duplicate_column",
            ImportError::Unreadable(_) => "unreadable",
            ImportError::Failed { code, .. } => code,
            ImportError::Store(e) => e.code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            ImportError::Failed { .. } | ImportError::Store(_) => None,
            _ => Some(Cow::Borrowed("file")),
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            ImportError::Encoding => locale.text("import-error-encoding"),
            ImportError::Empty => locale.text("import-error-empty"),
            ImportError::MissingColumns(columns) => locale.text_with(
                "import-error-missing-columns",
                &[("columns", Arg::Str(columns))],
            ),
            ImportError::DuplicateColumn(column) => locale.text_with(
                "import-error-duplicate-column",
                &[("column", Arg::Str(column))],
            ),
            ImportError::Unreadable(detail) => {
                locale.text_with("import-error-unreadable", &[("detail", Arg::Str(detail))])
            }
            ImportError::Failed { message, .. } => message.clone(),
            ImportError::Store(e) => e.message(locale),
        }
    }
}

/// Why one row is not imported.
pub(crate) enum RowError {
    /// The row is refused: its column at fault, if one is, and the reason, worded.
    Refused {
        column: Option<&'static str>,
        reason: String,
    },
    /// The import cannot go on.
    Fatal(ImportError),
}

impl From<StoreError> for RowError {
    fn from(e: StoreError) -> Self {
        RowError::Fatal(ImportError::Store(e))
    }
}

impl RowError {
    /// A use case's refusal as a row's: `column` maps the use case's field to the file's
    /// column. Failures that no row explains stop the import.
    fn of<E: Failure>(e: E, locale: Locale, column: impl Fn(&str) -> Option<&'static str>) -> Self {
        match e.kind() {
            Kind::Invalid | Kind::Conflict | Kind::NotFound | Kind::Malformed => {
                RowError::Refused {
                    column: e.field().and_then(|f| column(&f)),
                    reason: e.message(locale),
                }
            }
            kind => RowError::Fatal(ImportError::Failed {
                kind,
                code: e.code(),
                message: e.message(locale),
            }),
        }
    }

    /// A refusal of the value in `column` for `reason` (an `invalid-…` message).
    fn invalid(column: &'static str, reason: &str, locale: Locale) -> Self {
        RowError::Refused {
            column: Some(column),
            reason: crate::failure::invalid_message(locale, reason),
        }
    }
}

/// What a row handler gets: the transaction (a savepoint of the import's), who imports, when,
/// and in which language reasons are worded.
pub(crate) struct RowContext {
    pub staff: Staff,
    pub now: Timestamp,
    pub locale: Locale,
}

/// Reads `input` as a file of `options.kind` and imports it (or, for a dry run, reports what
/// importing it would do). A file that cannot be read at all is refused with [`ImportError`]
/// and nothing is written; a row that is refused is in the report, and then nothing is
/// written either.
pub async fn run<R: Read + Send>(
    app: &App,
    staff: Staff,
    options: Options,
    input: R,
    locale: Locale,
    now: Timestamp,
) -> Result<Report, ImportError> {
    let kind = options.kind;
    let mut source = Source::open(input, kind.columns(), options.encoding, options.delimiter)?;
    let mut report = Report::new(kind, options.dry_run, source.encoding, source.delimiter);
    report.ignored = std::mem::take(&mut source.ignored);
    let cx = RowContext { staff, now, locale };
    let mut tx = app.store.begin().await?;
    loop {
        let row = match source.next_row()? {
            Read1::End => break,
            Read1::Unreadable { line, reason } => {
                report.add(RowReport {
                    line,
                    reference: String::new(),
                    outcome: Outcome::Refused,
                    column: None,
                    reason: Some(locale.text(&format!("import-row-{reason}"))),
                });
                continue;
            }
            Read1::Row(row) => row,
        };
        let reference = row.fields.first().cloned().unwrap_or_default();
        let mut savepoint = onsite_store::savepoint(&mut tx).await?;
        let done = match check_ref(&reference, kind.columns()[0].name, locale) {
            Err(e) => Err(e),
            Ok(()) => match kind {
                ImportKind::Accounts => accounts::row(&mut savepoint, &cx, &row.fields).await,
                ImportKind::Assets => assets::row(&mut savepoint, &cx, &row.fields).await,
            },
        };
        let line = match done {
            Ok(outcome) => {
                savepoint.commit().await.map_err(StoreError::from)?;
                RowReport {
                    line: row.line,
                    reference,
                    outcome,
                    column: None,
                    reason: None,
                }
            }
            Err(RowError::Refused { column, reason }) => {
                savepoint.rollback().await.map_err(StoreError::from)?;
                RowReport {
                    line: row.line,
                    reference,
                    outcome: Outcome::Refused,
                    column: column.map(str::to_owned),
                    reason: Some(reason),
                }
            }
            Err(RowError::Fatal(e)) => return Err(e),
        };
        report.add(line);
    }
    if options.dry_run || report.refused > 0 {
        tx.rollback().await.map_err(StoreError::from)?;
        return Ok(report);
    }
    let detail = serde_json::json!({
        "kind": kind.as_str(),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    });
    audit::record(
        &mut tx,
        Some(staff.user()),
        "import.apply",
        "import",
        None,
        &detail,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    report.applied = true;
    Ok(report)
}

/// The external reference every row starts with: required, one line, at most [`REF_MAX`].
fn check_ref(reference: &str, column: &'static str, locale: Locale) -> Result<(), RowError> {
    match onsite_domain::text::single_line(column, reference, REF_MAX) {
        Ok(_) => Ok(()),
        Err(e) => Err(RowError::invalid(column, e.reason, locale)),
    }
}

/// A yes/no column: `true`/`false`, `yes`/`no`, `oui`/`non`, `1`/`0` (any case); blank is
/// `default`.
pub(crate) fn yes_no(raw: &str, default: bool) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "" => Some(default),
        "true" | "yes" | "y" | "oui" | "o" | "vrai" | "1" => Some(true),
        "false" | "no" | "n" | "non" | "faux" | "0" => Some(false),
        _ => None,
    }
}

/// The text written for a yes/no column.
pub(crate) fn yes_no_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// The back office's grant of the enabled staff user who signs in with `email`, for the
/// command line (`onsite import --as EMAIL`), which audits the import under their name.
pub async fn staff_by_email(app: &App, email: &str) -> Result<Option<Staff>, StoreError> {
    let Ok(email) = onsite_domain::text::EmailAddress::parse(email) else {
        return Ok(None);
    };
    let mut conn = app.store.conn().await?;
    let Some(user) = onsite_store::accounts::user_by_email(&mut conn, &email).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let principal = crate::policy::Principal {
        user_id: user.id,
        roles: user.roles,
        account_id: user.account_id,
        technician_id: user.technician_id,
    };
    Ok(Staff::of(&principal))
}
