//! The embedded mailbox: every email the portal sent or is sending (the outbox), for staff to
//! read in the app. With the `mailbox` transport (the default, and the demo's) this is where
//! the portal's emails arrive; with SMTP it is the record of what went out, and the place to
//! retry what failed.
//!
//! One-time secrets (the token of a password-reset link, an invitation code) are for their
//! recipient only: the outbox never hands them to a view, and every view (list, message, its
//! HTML) shows a localized "hidden" marker in their place, whatever the message's state. With
//! the `mailbox` transport such a secret reaches no one: the message page says so.
//!
//! The HTML body of a message is shown in a sandboxed frame whose document comes from its own
//! address (`/staff/mailbox/{id}/html`) with a `Content-Security-Policy: sandbox` of its own:
//! no script in an email ever runs, it cannot reach the portal's cookies or pages, and nothing
//! is loaded from elsewhere (remote images would tell the sender the message was opened).

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::locale::Lang;
use crate::session::Granted;
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onsite_app::mailbox;
use onsite_app::policy::Staff;
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_store::outbox::{
    OutboxFilter, OutboxId, OutboxMessage, OutboxStatus, SecretState, fill_secret,
};

/// Messages per page of the list.
const PAGE_SIZE: i64 = 50;

/// The policy of an email's HTML shown in the frame: a unique origin without scripts
/// (`sandbox`), inline styles only (emails are styled inline), images only when embedded, and
/// framed only by the portal's own pages.
const EMAIL_HTML_POLICY: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; \
     img-src data:; font-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'";

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: Option<String>,
    recipient: Option<String>,
    /// Show messages older than this one (the last of the previous page).
    before: Option<i64>,
}

#[derive(Debug)]
struct Row {
    id: OutboxId,
    recipient: String,
    subject: String,
    status: String,
    status_key: &'static str,
    created: String,
    attachments: i64,
}

/// A status filter option.
#[derive(Debug)]
struct StatusOption {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "staff/mailbox.html")]
struct ListPage {
    page: Page,
    errors: FieldErrors,
    statuses: Vec<StatusOption>,
    recipient: String,
    rows: Vec<Row>,
    older: Option<String>,
    filtered: bool,
    pending: i64,
    sent: i64,
    failed: i64,
}

fn status_label(page: &Page, status: OutboxStatus) -> String {
    page.t(&format!("web-mailbox-status-{}", status.as_str()))
}

/// What staff see in place of a one-time secret, as plain text.
fn hidden_secret(locale: Locale) -> String {
    locale.text("web-mailbox-secret-hidden")
}

/// The text as staff may see it: any one-time secret's placeholder replaced by the marker.
fn as_staff_see(text: &str, locale: Locale) -> String {
    fill_secret(text, &hidden_secret(locale))
}

/// `GET /staff/mailbox`: newest first, filtered by status and recipient, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let locale = page.locale;
    let mut errors = FieldErrors::new();
    let status_text = query.status.as_deref().unwrap_or_default().trim();
    let status = match status_text {
        "" => None,
        s => match OutboxStatus::parse(s) {
            Some(st) => Some(st),
            None => {
                errors.add("status", locale.text("invalid-unknown"));
                None
            }
        },
    };
    let recipient_text = query
        .recipient
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let recipient = if recipient_text.is_empty() {
        None
    } else {
        match EmailAddress::parse(&recipient_text) {
            Ok(r) => Some(r),
            Err(mut invalid) => {
                invalid.field = "recipient";
                errors.add_invalid(locale, &invalid);
                None
            }
        }
    };
    let filter = OutboxFilter {
        status,
        recipient,
        kind: None,
    };
    let found = if errors.is_empty() {
        mailbox::messages(
            &state.app,
            staff,
            &filter,
            query.before.map(OutboxId),
            PAGE_SIZE,
        )
        .await?
    } else {
        mailbox::Mailbox {
            counts: mailbox::counts(&state.app, staff).await?,
            messages: Vec::new(),
            has_more: false,
        }
    };
    let (counts, has_more) = (found.counts, found.has_more);
    let rows: Vec<Row> = found
        .messages
        .into_iter()
        .map(|m| Row {
            id: m.id,
            recipient: m.recipient.as_str().to_owned(),
            subject: as_staff_see(&m.subject, locale),
            status: status_label(&page, m.status),
            status_key: m.status.as_str(),
            created: page.time(m.created_at),
            attachments: m.attachment_count,
        })
        .collect();
    let older = match rows.last() {
        Some(last) if has_more => Some(format!(
            "/staff/mailbox?status={}&recipient={}&before={}",
            status.map_or("", |s| s.as_str()),
            crate::guard::encode_component(&recipient_text),
            last.id
        )),
        _ => None,
    };
    let statuses = OutboxStatus::ALL
        .into_iter()
        .map(|s| StatusOption {
            value: s.as_str(),
            label: status_label(&page, s),
            selected: status == Some(s),
        })
        .collect();
    let view = ListPage {
        page,
        filtered: status.is_some() || !recipient_text.is_empty() || query.before.is_some(),
        errors,
        statuses,
        recipient: recipient_text,
        rows,
        older,
        pending: counts.pending,
        sent: counts.sent,
        failed: counts.failed,
    };
    let code = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        crate::error::INVALID
    };
    render_with_status(code, &view)
}

async fn load(state: &AppState, staff: Staff, id: i64) -> WebResult<OutboxMessage> {
    Ok(mailbox::message(&state.app, staff, OutboxId(id)).await?)
}

/// What the message page says about a message's one-time secret, if it carries one: that it is
/// hidden, and where it went.
fn secret_note(message: &OutboxMessage) -> Option<&'static str> {
    Some(match (message.secret, message.status) {
        (SecretState::None, _) => return None,
        (SecretState::AwaitingDelivery, _) => "web-mailbox-secret-awaiting",
        (SecretState::Erased, OutboxStatus::Sent)
            if message.transport.as_deref() == Some("smtp") =>
        {
            "web-mailbox-secret-erased-smtp"
        }
        (SecretState::Erased, OutboxStatus::Sent) => "web-mailbox-secret-erased-mailbox",
        (SecretState::Erased, OutboxStatus::Pending | OutboxStatus::Failed) => {
            "web-mailbox-secret-erased-unsent"
        }
    })
}

#[derive(Template)]
#[template(path = "staff/mailbox_message.html")]
struct MessagePage {
    page: Page,
    /// With any one-time secret shown as hidden.
    message: OutboxMessage,
    status: String,
    created: String,
    sent: Option<String>,
    next_attempt: String,
    secret_note: Option<String>,
}

impl MessagePage {
    /// Whether "Retry now" can send it: failed, and not missing its one-time secret.
    fn retryable(&self) -> bool {
        self.message.status == OutboxStatus::Failed && self.message.secret != SecretState::Erased
    }
}

/// `GET /staff/mailbox/{id}`: one message: its envelope, delivery, text, HTML and attachments.
pub async fn message(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    page: Page,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let mut message = load(&state, staff, id).await?;
    let locale = page.locale;
    message.subject = as_staff_see(&message.subject, locale);
    message.text_body = as_staff_see(&message.text_body, locale);
    // Shown in its own frame (`html`), never here.
    message.html_body.clear();
    let view = MessagePage {
        status: status_label(&page, message.status),
        created: page.time(message.created_at),
        sent: message.sent_at.map(|t| page.time(t)),
        next_attempt: page.time(message.next_attempt_at),
        secret_note: secret_note(&message).map(|id| page.t(id)),
        page,
        message,
    };
    // Messages hold personal data: the session layer keeps them out of every cache (`no-store`).
    render(&view)
}

/// `GET /staff/mailbox/{id}/html`: the HTML body, for the detail page's sandboxed frame only,
/// with any one-time secret shown as hidden.
pub async fn html(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Lang(locale): Lang,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let message = load(&state, staff, id).await?;
    let marker = askama::filters::escape(hidden_secret(locale), askama::filters::Html)
        .unwrap_or_else(|never| match never {})
        .to_string();
    let mut response = fill_secret(&message.html_body, &marker).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(EMAIL_HTML_POLICY),
    );
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    Ok(response)
}

/// A file name safe in a `Content-Disposition` header: printable ASCII without quotes or
/// backslashes (others become `_`), never empty.
fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .take(150)
        .collect();
    if cleaned.trim().is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}

/// `GET /staff/mailbox/{id}/attachments/{index}`: an attachment, as a download.
pub async fn attachment(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Path((id, index)): Path<(String, String)>,
) -> WebResult<Response> {
    let (Some(id), Ok(index)) = (crate::input::parse_id(&id), index.parse::<usize>()) else {
        return Err(WebError::NotFound);
    };
    let message = load(&state, staff, id).await?;
    let attachment = message
        .attachments
        .into_iter()
        .nth(index)
        .ok_or(WebError::NotFound)?;
    let content_type = HeaderValue::from_str(&attachment.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        safe_filename(&attachment.filename)
    ))
    .unwrap_or(HeaderValue::from_static("attachment"));
    let mut response = attachment.content.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(CONTENT_DISPOSITION, disposition);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Even opened in place, a file could not run anything in the portal's origin.
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    Ok(response)
}

/// `POST /staff/mailbox/{id}/retry`: "Retry now" for a message that was not delivered.
pub async fn retry(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let id = OutboxId(id);
    mailbox::retry(&state.app, staff, id, state.clock.now()).await?;
    Ok(see_other(&format!("/staff/mailbox/{id}?notice=retried")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_cannot_break_the_header() {
        assert_eq!(safe_filename("visit.ics"), "visit.ics");
        assert_eq!(safe_filename("a\"b\\c\r\nd.pdf"), "a_b_c__d.pdf");
        assert_eq!(safe_filename("rapport été.pdf"), "rapport _t_.pdf");
        assert_eq!(safe_filename("  "), "attachment");
    }
}
