//! The administrators' audit log: `GET /staff/audit` (the page) and `GET /api/v1/audit` (the
//! same page as JSON). Both read the filter the same way (person, record kind, record id, the
//! first and last day in the reader's time zone) and refuse an unreadable one naming its field,
//! with 422 and no events. [`history_link`] is how a record's page links to its history.

use crate::error::{self, WebError};
use crate::forms::FieldErrors;
use crate::guard::encode_component;
use crate::layout::{Page, render, render_with_status};
use crate::openapi::{Errors, refusal};
use crate::picker::Choice;
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use onsite_app::audit_log::{self, AuditLog, FilterInput, RECORD_KINDS};
use onsite_app::failure::Kind;
use onsite_app::policy::Admin;
use onsite_domain::InvalidInput;
use onsite_i18n::Locale;
use onsite_store::audit::{AuditEntry, AuditFilter};
use onsite_store::records::{Cursor, Start};
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// The page of the history of one record: `/staff/audit?entity=<kind>&id=<id>`.
pub fn history_link(entity: &str, id: impl std::fmt::Display) -> String {
    format!("/staff/audit?entity={}&id={id}", encode_component(entity))
}

/// The audit log's query string (the page's filter form, its Previous / Next links, the API).
#[derive(Debug, Default, Clone, serde::Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A user id: what this person did.
    #[param(value_type = Option<i64>)]
    person: Option<String>,
    /// A record kind (`booking`, `work_order`, `setting`, …).
    entity: Option<String>,
    /// A record id of `entity` (refused without it).
    #[param(value_type = Option<i64>)]
    id: Option<String>,
    /// `YYYY-MM-DD`: from this day on, in the reader's time zone.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// `YYYY-MM-DD`: up to this day (included), in the reader's time zone.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// A page's `next` / `prev` token; none: the newest events.
    cursor: Option<String>,
}

impl AuditQuery {
    fn value(v: &Option<String>) -> &str {
        v.as_deref().map(str::trim).unwrap_or_default()
    }

    /// The filter and where the page starts; the first unreadable value is refused naming its
    /// field (`person`, `entity`, `id`, `from`, `to`, `cursor`).
    fn read(&self, page: &Page) -> Result<(AuditFilter, Start), InvalidInput> {
        let input = FilterInput {
            person: Self::value(&self.person),
            entity: Self::value(&self.entity),
            id: Self::value(&self.id),
            from: Self::value(&self.from),
            to: Self::value(&self.to),
        };
        let filter = audit_log::parse_filter(input, &page.time_zone())?;
        let start = onsite_store::audit::page_start(Self::value(&self.cursor))?;
        Ok((filter, start))
    }

    /// This log (same filters) at the page of `cursor`.
    fn href(&self, cursor: &Cursor) -> String {
        let mut params: Vec<String> = [
            ("person", &self.person),
            ("entity", &self.entity),
            ("id", &self.id),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            let v = Some(Self::value(v)).filter(|v| !v.is_empty())?;
            Some(format!("{k}={}", encode_component(v)))
        })
        .collect();
        params.push(format!("cursor={}", encode_component(cursor.as_str())));
        format!("/staff/audit?{}", params.join("&"))
    }
}

/// The label of a filter field, for messages that name it.
fn field_label(page: &Page, field: &str) -> String {
    page.t(match field {
        "person" => "audit-filter-person",
        "entity" => "audit-filter-kind",
        "id" => "audit-filter-record",
        "from" => "audit-filter-from",
        "to" => "audit-filter-to",
        _ => "audit-title",
    })
}

/// An action in words where the messages have it (`audit-action-user-create`), else its code.
fn action_label(locale: Locale, action: &str) -> String {
    locale
        .text_if_any(&format!("audit-action-{}", action.replace('.', "-")))
        .unwrap_or_else(|| action.to_owned())
}

/// A record kind in words where the messages have it, else as the log names it.
fn kind_label(locale: Locale, kind: &str) -> String {
    locale
        .text_if_any(&format!("audit-kind-{kind}"))
        .unwrap_or_else(|| kind.to_owned())
}

/// A JSON value as read: text without its quotes, anything else as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

/// An event's detail as read: "field: before → after" for what changed (a detail with `from`
/// and `to`, named by its `key` or `field` when it has one; each member that is such a pair),
/// else its members as "key: value".
pub(crate) fn detail_text(detail: &str) -> String {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(detail) else {
        return detail.to_owned();
    };
    let change = |m: &serde_json::Map<String, Value>| match (m.get("from"), m.get("to")) {
        (Some(from), Some(to)) => Some(format!("{} → {}", shown(from), shown(to))),
        _ => None,
    };
    if let Some(change) = change(&map) {
        let name = map.get("key").or(map.get("field")).map(shown);
        return match name {
            Some(name) => format!("{name}: {change}"),
            None => change,
        };
    }
    let changes: Vec<String> = map
        .iter()
        .filter_map(|(k, v)| Some(format!("{k}: {}", change(v.as_object()?)?)))
        .collect();
    if !changes.is_empty() {
        return changes.join("; ");
    }
    map.iter()
        .map(|(k, v)| format!("{k}: {}", shown(v)))
        .collect::<Vec<_>>()
        .join("; ")
}

struct EntryRow {
    when: String,
    /// The person and the link to what else they did; `None`: the system.
    who: Option<(String, String)>,
    action: String,
    /// The record in words and the link to its history.
    record: String,
    history: Option<String>,
    detail: String,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    page: Page,
    errors: FieldErrors,
    people: Vec<Choice>,
    kinds: Vec<Choice>,
    record: String,
    from: String,
    to: String,
    /// `None` when the filter was refused: nothing is shown but the form.
    entries: Option<Vec<EntryRow>>,
    newer: Option<String>,
    older: Option<String>,
}

fn entry_row(page: &Page, e: &AuditEntry) -> EntryRow {
    let locale = page.locale;
    let event = &e.event;
    let who = event.actor.map(|id| {
        let name = match (&e.actor_name, &e.actor_email) {
            (Some(n), Some(m)) if !n.trim().is_empty() => format!("{n} ({m})"),
            (_, Some(m)) => m.clone(),
            _ => format!("#{id}"),
        };
        let name = match &event.via_token {
            Some(token) => format!("{name} {}", page.t1("api-tokens-via", "name", token)),
            None => name,
        };
        (name, format!("/staff/audit?person={id}"))
    });
    let kind = kind_label(locale, &event.entity);
    EntryRow {
        when: page.time(event.at),
        who,
        action: action_label(locale, &event.action),
        record: match event.entity_id {
            Some(id) => format!("{kind} #{id}"),
            None => kind,
        },
        history: event.entity_id.map(|id| history_link(&event.entity, id)),
        detail: detail_text(&event.detail),
    }
}

/// `GET /staff/audit`: the audit log, newest first, a page at a time, filtered.
pub async fn page(
    State(state): State<AppState>,
    page: Page,
    Granted(admin): Granted<Admin>,
    Query(query): Query<AuditQuery>,
) -> WebResult<Response> {
    let locale = page.locale;
    let (filter, start) = match query.read(&page) {
        Ok(read) => read,
        Err(invalid) => {
            let mut errors = FieldErrors::new();
            let message = format!(
                "{}: {}",
                field_label(&page, invalid.field),
                onsite_app::failure::invalid_message(locale, invalid.reason)
            );
            errors.add(invalid.field, message);
            let view = view(page, &query, errors, None, &[]);
            return render_with_status(error::status(&invalid), &view);
        }
    };
    let log = audit_log::audit_log(&state.app, admin, filter, start).await?;
    let view = view(page, &query, FieldErrors::new(), Some(&log), &log.people);
    render(&view)
}

fn view(
    page: Page,
    query: &AuditQuery,
    errors: FieldErrors,
    log: Option<&AuditLog>,
    people: &[(onsite_domain::UserId, String, String)],
) -> AuditPage {
    let locale = page.locale;
    let person = AuditQuery::value(&query.person);
    let kind = AuditQuery::value(&query.entity);
    AuditPage {
        people: people
            .iter()
            .map(|(id, name, email)| Choice {
                value: id.to_string(),
                label: if name.trim().is_empty() {
                    email.clone()
                } else {
                    format!("{name} ({email})")
                },
                selected: id.to_string() == person,
            })
            .collect(),
        kinds: RECORD_KINDS
            .iter()
            .map(|k| Choice {
                value: (*k).to_owned(),
                label: kind_label(locale, k),
                selected: *k == kind,
            })
            .collect(),
        record: AuditQuery::value(&query.id).to_owned(),
        from: AuditQuery::value(&query.from).to_owned(),
        to: AuditQuery::value(&query.to).to_owned(),
        entries: log.map(|l| {
            l.entries
                .items
                .iter()
                .map(|e| entry_row(&page, e))
                .collect()
        }),
        newer: log.and_then(|l| l.entries.prev.as_ref().map(|c| query.href(c))),
        older: log.and_then(|l| l.entries.next.as_ref().map(|c| query.href(c))),
        errors,
        page,
    }
}

// ---- JSON -----------------------------------------------------------------------------------

refusal!(
    /// An unreadable filter or cursor.
    BadAuditFilter,
    Kind::Invalid,
    "An unreadable filter or cursor (`invalid`); `field` names it (`person`, `entity`, `id`, \
     `from`, `to`, `cursor`).",
);

/// One event of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    id: i64,
    /// When, RFC 3339.
    #[schema(value_type = String, format = DateTime)]
    at: jiff::Timestamp,
    /// Who: `null` for the system (background jobs) or a person since deleted.
    #[schema(required = true)]
    actor: Option<AuditActor>,
    /// The action's code, e.g. `user.create`, `work_order.update`.
    action: String,
    /// The action in the caller's language (its code when it has no words).
    action_label: String,
    /// The record's kind, e.g. `booking`.
    entity: String,
    #[schema(required = true)]
    entity_id: Option<i64>,
    /// The detail as recorded (before → after of what changed, as `from` / `to`).
    #[schema(value_type = Object)]
    detail: Value,
    /// The name of the API token the change was made with; `null`: not made with one.
    #[schema(required = true)]
    api_token: Option<String>,
}

/// Who did it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActor {
    id: i64,
    #[schema(required = true)]
    name: Option<String>,
    #[schema(required = true)]
    email: Option<String>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLogPage {
    /// Newest first, 50 at most.
    events: Vec<AuditEventView>,
    /// The token of the older events, if any.
    #[schema(required = true)]
    next: Option<String>,
    /// The token of the newer events, unless this is the first page.
    #[schema(required = true)]
    prev: Option<String>,
}

/// `GET /api/v1/audit?person=&entity=&id=&from=&to=&cursor=`: a page of the audit log, newest
/// first (`next` / `prev` tokens).
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    summary = "The audit log (administrators): a page of events, newest first",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of 50 events, newest first.", body = AuditLogPage),
        Errors<BadAuditFilter>,
    ),
)]
pub async fn api(
    State(state): State<AppState>,
    page: Page,
    Granted(admin): Granted<Admin>,
    Query(query): Query<AuditQuery>,
) -> WebResult<Json<AuditLogPage>> {
    let locale = page.locale;
    let (filter, start) = query.read(&page).map_err(WebError::from)?;
    let log = audit_log::audit_log(&state.app, admin, filter, start).await?;
    Ok(Json(AuditLogPage {
        events: log
            .entries
            .items
            .iter()
            .map(|e| AuditEventView {
                id: e.event.id.0,
                at: e.event.at,
                actor: e.event.actor.map(|id| AuditActor {
                    id: id.0,
                    name: e.actor_name.clone(),
                    email: e.actor_email.clone(),
                }),
                action: e.event.action.clone(),
                action_label: action_label(locale, &e.event.action),
                entity: e.event.entity.clone(),
                entity_id: e.event.entity_id,
                detail: serde_json::from_str(&e.event.detail)
                    .unwrap_or(Value::String(e.event.detail.clone())),
                api_token: e.event.via_token.clone(),
            })
            .collect(),
        next: log.entries.next.as_ref().map(|c| c.as_str().to_owned()),
        prev: log.entries.prev.as_ref().map(|c| c.as_str().to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_before_and_after() {
        assert_eq!(
            detail_text(r#"{"key":"booking/slot-minutes","from":60,"to":90}"#),
            "booking/slot-minutes: 60 → 90"
        );
        assert_eq!(
            detail_text(r#"{"from":"open","to":"done","exposed":true}"#),
            "open → done"
        );
        assert_eq!(
            detail_text(r#"{"name":{"from":"A","to":"B"},"n":1}"#),
            "name: A → B"
        );
        assert_eq!(
            detail_text(r#"{"roles":["admin"],"sessions_ended":2}"#),
            r#"roles: ["admin"]; sessions_ended: 2"#
        );
        assert_eq!(detail_text("not json"), "not json");
    }

    #[test]
    fn every_record_kind_has_words_in_every_locale() {
        for locale in onsite_i18n::SUPPORTED {
            for kind in RECORD_KINDS {
                let id = format!("audit-kind-{kind}");
                assert!(locale.text_if_any(&id).is_some(), "{} {id}", locale.tag());
            }
        }
    }

    #[test]
    fn history_links_name_the_record() {
        assert_eq!(
            history_link("work_order", 42),
            "/staff/audit?entity=work_order&id=42"
        );
    }
}
