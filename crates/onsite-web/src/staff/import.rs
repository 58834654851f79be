//! CSV import and export in the back office (issue 16; `Dispatch`, like the accounts and
//! assets pages whose use cases the import runs: it grants nothing those pages do not).
//!
//! `GET /staff/import` is the form: what the file holds, the file, its encoding and delimiter
//! (detected unless chosen), and a template per kind. `POST /staff/import` takes the file as
//! `multipart/form-data` — the only way a browser sends a file —, streams it to a file of its
//! own in the server's temporary folder (never whole in memory) and shows the dry run: counts,
//! refused rows first with their column and reason, then the others. Its "Import these rows"
//! posts `POST /staff/import/apply` with the upload's name, which imports that same file and
//! removes it. Uploads belong to the member of staff who sent them, and are removed after an
//! hour: the confirmation of an older dry run asks for the file again (so does one reaching
//! another app server behind a load balancer).
//!
//! The form is sent by htmx, which adds the CSRF header a multipart body needs (`csrf.rs`
//! does not parse multipart bodies). `GET /staff/accounts/export` and `GET /staff/assets/export`
//! stream the lists as filtered, in the import's columns.

use crate::layout::{Page, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use onsite_app::customers::{self, ListInput};
use onsite_app::export;
use onsite_app::failure::Failure;
use onsite_app::import::{self, Encoding, ImportKind, Options, Outcome, Report};
use onsite_app::policy::{Grant, Staff};
use onsite_i18n::Arg;
use onsite_store::imports::AssetExport;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Largest file the page takes (the command line takes any size).
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;
/// How long an upload waits for its confirmation.
const UPLOAD_LIFETIME: Duration = Duration::from_secs(3600);

/// The folder uploads wait in.
fn uploads_dir() -> PathBuf {
    std::env::temp_dir().join("onsite-imports")
}

/// An upload's file: named by its owner and a random id, so another member of staff cannot
/// confirm it, and a name from a form cannot point anywhere else.
fn upload_path(staff: Staff, id: &str) -> Option<PathBuf> {
    let id = uuid::Uuid::parse_str(id).ok()?;
    Some(uploads_dir().join(format!("{}-{}.csv", staff.user().0, id.simple())))
}

/// Removes the uploads older than [`UPLOAD_LIFETIME`].
async fn sweep_uploads() {
    let Ok(mut dir) = tokio::fs::read_dir(uploads_dir()).await else {
        return;
    };
    while let Ok(Some(entry)) = dir.next_entry().await {
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > UPLOAD_LIFETIME);
        if old {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

#[derive(Debug)]
struct KindChoice {
    value: &'static str,
    label: String,
    columns: String,
    selected: bool,
}

#[derive(Debug)]
struct RowView {
    line: u64,
    reference: String,
    outcome: String,
    refused: bool,
    column: String,
    reason: String,
}

#[derive(Debug)]
struct ReportView {
    title: String,
    read: String,
    ignored: Option<String>,
    counts: String,
    left_out: Option<String>,
    not_applied: bool,
    rows: Vec<RowView>,
    /// The confirmation's hidden fields, when the dry run found nothing refused.
    confirm: Option<Confirm>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Confirm {
    upload: String,
    kind: String,
    encoding: String,
    delimiter: String,
}

#[derive(Template)]
#[template(path = "staff/import.html")]
struct ImportPage {
    page: Page,
    kinds: Vec<KindChoice>,
    error: Option<String>,
    report: Option<ReportView>,
}

fn kind_label(page: &Page, kind: ImportKind) -> String {
    page.t(&format!("import-kind-{}", kind.as_str()))
}

fn form(page: Page, selected: ImportKind) -> ImportPage {
    let kinds = ImportKind::ALL
        .into_iter()
        .map(|k| KindChoice {
            value: k.as_str(),
            label: kind_label(&page, k),
            columns: k
                .columns()
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", "),
            selected: k == selected,
        })
        .collect();
    ImportPage {
        page,
        kinds,
        error: None,
        report: None,
    }
}

/// `GET /staff/import`.
pub async fn page(page: Page, Granted(_staff): Granted<Staff>) -> WebResult<Response> {
    render_with_status(StatusCode::OK, &form(page, ImportKind::Accounts))
}

/// `GET /staff/import/template/{kind}`: the kind's header and an example row.
pub async fn template(
    Granted(_staff): Granted<Staff>,
    Path(kind): Path<String>,
) -> WebResult<Response> {
    let kind = ImportKind::parse(kind.trim_end_matches(".csv")).ok_or(WebError::NotFound)?;
    Ok(csv_response(
        &format!("{}-template.csv", kind.as_str()),
        Body::from(kind.template()),
    ))
}

fn csv_response(filename: &str, body: Body) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
    {
        headers.insert(CONTENT_DISPOSITION, disposition);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The form's choices as sent.
struct Choices {
    kind: ImportKind,
    encoding: Option<Encoding>,
    delimiter: Option<u8>,
}

fn choices(kind: &str, encoding: &str, delimiter: &str) -> Option<Choices> {
    Some(Choices {
        kind: ImportKind::parse(kind)?,
        encoding: match encoding.trim() {
            "" => None,
            e => Some(Encoding::parse(e)?),
        },
        delimiter: match delimiter {
            "" => None,
            d => Some(import::reader::parse_delimiter(d)?),
        },
    })
}

/// `POST /staff/import`: the upload, stored, and its dry run.
pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    sweep_uploads().await;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let path = upload_path(staff, &id).ok_or(WebError::BadRequest)?;
    let (mut kind, mut encoding, mut delimiter) = (String::new(), String::new(), String::new());
    let mut received = false;
    let too_large = |page: Page| {
        let mut view = form(page, ImportKind::Accounts);
        view.error = Some(view.page.t("import-error-too-large"));
        render_with_status(StatusCode::PAYLOAD_TOO_LARGE, &view)
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let _ = tokio::fs::remove_file(&path).await;
                return too_large(page);
            }
            Err(_) => return Err(WebError::BadRequest),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            received = save(field, &path).await.inspect_err(|_| {
                let _ = std::fs::remove_file(&path);
            })?;
            continue;
        }
        let value = field.text().await.map_err(|_| WebError::BadRequest)?;
        match name.as_str() {
            "kind" => kind = value,
            "encoding" => encoding = value,
            "delimiter" => delimiter = value,
            _ => {}
        }
    }
    let Some(chosen) = choices(&kind, &encoding, &delimiter) else {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(WebError::BadRequest);
    };
    if !received {
        let _ = tokio::fs::remove_file(&path).await;
        let mut view = form(page, chosen.kind);
        view.error = Some(view.page.t("import-error-no-file"));
        return render_with_status(crate::error::INVALID, &view);
    }
    let confirm = Confirm {
        upload: id,
        kind,
        encoding,
        delimiter,
    };
    run(&state, page, staff, chosen, true, confirm, &path).await
}

/// Streams a file field to `path`: whether it held anything.
async fn save(mut field: axum::extract::multipart::Field<'_>, path: &PathBuf) -> WebResult<bool> {
    tokio::fs::create_dir_all(uploads_dir())
        .await
        .map_err(WebError::internal)?;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(WebError::internal)?;
    let mut any = false;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                any |= !chunk.is_empty();
                file.write_all(&chunk).await.map_err(WebError::internal)?;
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::BadRequest),
        }
    }
    file.flush().await.map_err(WebError::internal)?;
    Ok(any)
}

/// `POST /staff/import/apply`: imports the upload a dry run showed, then removes it.
pub async fn apply(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    axum::Form(confirm): axum::Form<Confirm>,
) -> WebResult<Response> {
    let chosen = choices(&confirm.kind, &confirm.encoding, &confirm.delimiter)
        .ok_or(WebError::BadRequest)?;
    let path = upload_path(staff, &confirm.upload).ok_or(WebError::BadRequest)?;
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        let mut view = form(page, chosen.kind);
        view.error = Some(view.page.t("import-error-expired"));
        return render_with_status(StatusCode::CONFLICT, &view);
    }
    let answer = run(&state, page, staff, chosen, false, confirm, &path).await;
    let _ = tokio::fs::remove_file(&path).await;
    answer
}

/// Runs the import (or its dry run) of the file at `path` and shows its report.
async fn run(
    state: &AppState,
    page: Page,
    staff: Staff,
    chosen: Choices,
    dry_run: bool,
    confirm: Confirm,
    path: &PathBuf,
) -> WebResult<Response> {
    let file = std::fs::File::open(path).map_err(WebError::internal)?;
    let options = Options {
        kind: chosen.kind,
        dry_run,
        encoding: chosen.encoding,
        delimiter: chosen.delimiter,
    };
    let locale = page.locale;
    let input = std::io::BufReader::new(file);
    let done = import::run(&state.app, staff, options, input, locale, state.clock.now()).await;
    let mut view = form(page, chosen.kind);
    match done {
        Ok(report) => {
            let status = if report.refused > 0 {
                crate::error::INVALID
            } else {
                StatusCode::OK
            };
            view.report = Some(report_view(&view.page, &report, confirm));
            render_with_status(status, &view)
        }
        Err(e) if e.kind().is_server_side() => Err(WebError::Failed(Arc::new(e))),
        Err(e) => {
            view.error = Some(e.message(locale));
            render_with_status(crate::error::INVALID, &view)
        }
    }
}

fn report_view(page: &Page, r: &Report, confirm: Confirm) -> ReportView {
    let l = page.locale;
    let num = |n: u64| Arg::Num(n as f64);
    let kind = kind_label(page, r.kind);
    let title = if r.applied {
        page.t1("import-report-applied", "kind", &kind)
    } else {
        page.t1("import-report-title", "kind", &kind)
    };
    let delimiter = match r.delimiter {
        b'\t' => "tab".to_owned(),
        d => char::from(d).to_string(),
    };
    let read = l.text_with(
        "import-report-read",
        &[
            ("encoding", Arg::Str(r.encoding.as_str())),
            ("delimiter", Arg::Str(&delimiter)),
        ],
    );
    let counts = if r.applied {
        l.text_with(
            "import-report-counts-applied",
            &[
                ("created", num(r.created)),
                ("updated", num(r.updated)),
                ("unchanged", num(r.unchanged)),
            ],
        )
    } else {
        l.text_with(
            "import-report-counts",
            &[
                ("created", num(r.created)),
                ("updated", num(r.updated)),
                ("unchanged", num(r.unchanged)),
                ("refused", num(r.refused)),
            ],
        )
    };
    let rows = r
        .rows()
        .map(|row| RowView {
            line: row.line,
            reference: row.reference.clone(),
            outcome: page.t(&format!("import-outcome-{}", row.outcome.as_str())),
            refused: row.outcome == Outcome::Refused,
            column: row.column.clone().unwrap_or_default(),
            reason: row.reason.clone().unwrap_or_default(),
        })
        .collect();
    let left_out = r.rows_left_out();
    ReportView {
        title,
        read,
        ignored: (!r.ignored.is_empty())
            .then(|| page.t1("import-report-ignored", "columns", r.ignored.join(", "))),
        counts,
        left_out: (left_out > 0).then(|| page.tn("import-report-left-out", "count", left_out)),
        not_applied: !r.dry_run && !r.applied,
        rows,
        confirm: (r.dry_run && r.refused == 0 && r.rows_read() > 0).then_some(confirm),
    }
}

// ---- Export ---------------------------------------------------------------------------------

/// The accounts list's query (`GET /staff/accounts`), without its page.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountsQuery {
    q: String,
    kind: String,
    status: String,
}

/// `GET /staff/accounts/export`: the accounts list as filtered (every page), one line per
/// contact, streamed.
pub async fn export_accounts(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Query(query): Query<AccountsQuery>,
) -> WebResult<Response> {
    let input = ListInput {
        search: &query.q,
        kind: &query.kind,
        status: &query.status,
        cursor: "",
    };
    let (filter, start) = customers::parse_list(input).map_err(WebError::bad_query)?;
    let app = state.app.clone();
    let header = export::header(ImportKind::Accounts);
    let chunks = futures_util::stream::unfold(Some(start), move |next| {
        let (app, filter) = (app.clone(), filter.clone());
        async move {
            let start = next?;
            match export::accounts_chunk(&app, staff, &filter, start).await {
                Ok((text, next)) => Some((Ok::<_, std::io::Error>(text), next)),
                Err(e) => {
                    tracing::error!(error = %e, "the accounts export stopped");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok(header) }).chain(chunks);
    Ok(csv_response("accounts.csv", Body::from_stream(body)))
}

/// The assets export's query: the staff's assets list's account, search and filter.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AssetsQuery {
    account: String,
    q: String,
    filter: String,
}

/// `GET /staff/assets/export`: assets (top-level ones first, then components) of one account
/// or all, searched, streamed.
pub async fn export_assets(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Query(query): Query<AssetsQuery>,
) -> WebResult<Response> {
    let account = match query.account.trim() {
        "" => None,
        raw => Some(onsite_domain::AccountId(
            crate::input::parse_id(raw).ok_or(WebError::BadRequest)?,
        )),
    };
    // Checked before the answer starts: a failure once it streams can only cut it short.
    if query.q.chars().any(char::is_control) {
        return Err(WebError::bad_query(onsite_domain::InvalidInput::new(
            "q",
            "control-characters",
        )));
    }
    let which = AssetExport {
        account,
        search: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        top_level: query.filter == "top-level",
    };
    let app = state.app.clone();
    let header = export::header(ImportKind::Assets);
    let chunks = futures_util::stream::unfold(Some(export::ASSETS_START), move |next| {
        let (app, which) = (app.clone(), which.clone());
        async move {
            let at = next?;
            match export::assets_chunk(&app, staff, &which, at).await {
                Ok((text, next)) => Some((Ok::<_, std::io::Error>(text), next)),
                Err(e) => {
                    tracing::error!(error = %e, "the assets export stopped");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok(header) }).chain(chunks);
    Ok(csv_response("assets.csv", Body::from_stream(body)))
}
