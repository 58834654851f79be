//! `/api/v1/records/…`: the customer records as JSON (issue 6), with the pages' scoping — a
//! reviewer or approver reaches their own account's exposed records only; anything else is 404
//! (`not_found`), on lists filtered by a related record and on details alike.
//!
//! Lists take the pages' query parameters (`filter`, `sort`, `order`, `q`, `cursor`, `limit`,
//! `agreement`, `asset`, `work_order`, `parent`) and answer `{"items": […], "next", "prev",
//! "filter", "sort", "order", "q", "limit"}`; `next`/`prev` are opaque cursors to pass back as
//! `cursor`. Amounts are integers in the currency's minor unit, with the ISO 4217 `currency`;
//! dates `YYYY-MM-DD`; instants RFC 3339 in UTC. Documented in `docs/api.md` and the OpenAPI
//! document.

use crate::error::WebError;
use crate::input::PathId;
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onsite_app::records::{self, ListRequest, Listing};
use onsite_domain::{AgreementId, AssetId, InvoiceId, WorkOrderId};
use onsite_store::records::approvals::Approval;
use onsite_store::records::details::VisitRow;
use onsite_store::records::lists::{
    AgreementRow, AssetNode, AssetRow, InvoiceRow, Link, WorkOrderRow,
};
use serde_json::{Value, json};

fn answer(body: Value) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

/// A related record beside a row (`null` when the caller may not see it).
fn link<Id>(l: &Option<Link<Id>>, raw: impl Fn(&Id) -> i64) -> Value {
    match l {
        Some(l) => json!({ "id": raw(&l.id), "label": l.label }),
        None => Value::Null,
    }
}

fn listing<T, F, S>(
    l: &Listing<T, F, S>,
    filter: &str,
    sort: &str,
    item: impl Fn(&T) -> Value,
) -> Value {
    json!({
        "items": l.page.items.iter().map(item).collect::<Vec<_>>(),
        "next": l.page.next.as_ref().map(|c| c.as_str()),
        "prev": l.page.prev.as_ref().map(|c| c.as_str()),
        "filter": filter,
        "sort": sort,
        "order": if l.descending { "desc" } else { "asc" },
        "q": l.search,
        "limit": l.limit,
    })
}

fn agreement_json(a: &AgreementRow) -> Value {
    json!({
        "id": a.id.0,
        "number": a.number,
        "name": a.name,
        "status": a.status.as_str(),
        "starts_on": a.starts_on.to_string(),
        "ends_on": a.ends_on.to_string(),
        "description": a.description,
        "version": a.version,
    })
}

fn asset_json(a: &AssetRow) -> Value {
    json!({
        "id": a.id.0,
        "name": a.name,
        "product": a.product,
        "serial_number": a.serial_number,
        "parent": link(&a.parent, |i| i.0),
        "master": link(&a.master, |i| i.0),
        "components": a.children,
        "version": a.version,
    })
}

fn node_json(n: &AssetNode) -> Value {
    json!({
        "id": n.id.0,
        "name": n.name,
        "product": n.product,
        "serial_number": n.serial_number,
        "children": n.children.iter().map(node_json).collect::<Vec<_>>(),
    })
}

fn work_order_json(w: &WorkOrderRow) -> Value {
    json!({
        "id": w.id.0,
        "number": w.number,
        "status": w.status.as_str(),
        "summary": w.summary,
        "service_type": w.service_type,
        "asset": link(&w.asset, |i| i.0),
        "agreement": link(&w.agreement, |i| i.0),
        "bookings": w.bookings,
        "opened_at": w.opened_at.to_string(),
        "updated_at": w.updated_at.to_string(),
        "version": w.version,
    })
}

fn invoice_json(i: &InvoiceRow) -> Value {
    json!({
        "id": i.id.0,
        "number": i.number,
        "status": i.status.as_str(),
        "currency": i.currency.as_str(),
        "issued_on": i.issued_on.to_string(),
        "due_on": i.due_on.to_string(),
        "work_order": link(&i.work_order, |i| i.0),
        "agreement": link(&i.agreement, |i| i.0),
        "net_minor": i.totals.net_minor,
        "tax_minor": i.totals.tax_minor,
        "gross_minor": i.totals.gross_minor,
        "version": i.version,
    })
}

fn visit_json(v: &VisitRow) -> Value {
    json!({
        "booking_id": v.booking_id.0,
        "work_order": { "id": v.work_order_id.0, "label": v.work_order_number },
        "state": v.state.as_str(),
        "starts_at": v.starts_at.to_string(),
        "ends_at": v.ends_at.to_string(),
        "arrival_window_end": v.arrival_window_end.map(|t| t.to_string()),
        "technician": v.technician,
        "cancel_reason": v.cancel_reason,
    })
}

fn approval_json(a: &Approval) -> Value {
    json!({
        "decision": a.decision.as_str(),
        "comment": a.comment,
        "decided_by": a.decided_by_name,
        "decided_at": a.decided_at.to_string(),
        "record_version": a.record_version,
        "from_status": a.from_status,
        "to_status": a.to_status,
    })
}

/// `GET /api/v1/records/agreements`.
pub async fn agreements(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let l = records::agreements(&state.app, &user.principal(), &req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(answer(listing(
        &l,
        l.filter.as_str(),
        l.sort.as_str(),
        agreement_json,
    )))
}

/// `GET /api/v1/records/assets`.
pub async fn assets(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let l = records::assets(&state.app, &user.principal(), &req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(answer(listing(
        &l,
        l.filter.as_str(),
        l.sort.as_str(),
        asset_json,
    )))
}

/// `GET /api/v1/records/assets/tree`: top-level assets, each with its components.
pub async fn asset_tree(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let l = records::asset_tree(&state.app, &user.principal(), &req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(answer(listing(
        &l,
        l.filter.as_str(),
        l.sort.as_str(),
        node_json,
    )))
}

/// `GET /api/v1/records/work-orders`.
pub async fn work_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let l = records::work_orders(&state.app, &user.principal(), &req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(answer(listing(
        &l,
        l.filter.as_str(),
        l.sort.as_str(),
        work_order_json,
    )))
}

/// `GET /api/v1/records/invoices`.
pub async fn invoices(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(req): Query<ListRequest>,
) -> WebResult<Response> {
    let l = records::invoices(&state.app, &user.principal(), &req)
        .await
        .map_err(WebError::bad_query)?;
    Ok(answer(listing(
        &l,
        l.filter.as_str(),
        l.sort.as_str(),
        invoice_json,
    )))
}

/// `GET /api/v1/records/agreements/{id}`.
pub async fn agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<AgreementId>,
) -> WebResult<Response> {
    let d = records::agreement(&state.app, &user.principal(), id, None).await?;
    Ok(answer(json!({
        "agreement": agreement_json(&d.agreement),
        "covers": {
            "assets": d.coverage.assets.iter().map(|l| json!({"id": l.id.0, "label": l.label})).collect::<Vec<_>>(),
            "service_types": d.coverage.service_types.iter().map(|l| l.label.clone()).collect::<Vec<_>>(),
        },
        "work_orders": d.work_orders.items.iter().map(work_order_json).collect::<Vec<_>>(),
        "invoices": d.invoices.items.iter().map(invoice_json).collect::<Vec<_>>(),
        "visits": d.visits.iter().map(visit_json).collect::<Vec<_>>(),
        "decisions": d.approvals.iter().map(approval_json).collect::<Vec<_>>(),
        "can_decide": d.can_decide,
        "renewal": d.renewal.map(|(s, e)| json!({"starts_on": s.to_string(), "ends_on": e.to_string()})),
    })))
}

/// `GET /api/v1/records/assets/{id}`.
pub async fn asset(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<AssetId>,
) -> WebResult<Response> {
    let d = records::asset(&state.app, &user.principal(), id, None).await?;
    Ok(answer(json!({
        "asset": asset_json(&d.asset),
        "components": d.components.items.iter().map(asset_json).collect::<Vec<_>>(),
        "work_orders": d.work_orders.items.iter().map(work_order_json).collect::<Vec<_>>(),
        "visits": d.visits.iter().map(visit_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/records/work-orders/{id}`.
pub async fn work_order(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<WorkOrderId>,
) -> WebResult<Response> {
    let d = records::work_order(&state.app, &user.principal(), id, None).await?;
    Ok(answer(json!({
        "work_order": work_order_json(&d.work_order),
        "visits": d.visits.iter().map(visit_json).collect::<Vec<_>>(),
        "invoices": d.invoices.items.iter().map(invoice_json).collect::<Vec<_>>(),
        "decisions": d.approvals.iter().map(approval_json).collect::<Vec<_>>(),
        "can_decide": d.can_decide,
    })))
}

/// `GET /api/v1/records/invoices/{id}`: with its lines and taxes by rate.
pub async fn invoice(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InvoiceId>,
) -> WebResult<Response> {
    let d = records::invoice(&state.app, &user.principal(), id, None).await?;
    Ok(answer(json!({
        "invoice": invoice_json(&d.invoice),
        "lines": d.lines.iter().map(|l| json!({
            "description": l.line.description,
            "quantity_milli": l.line.quantity_milli,
            "unit_price_minor": l.line.unit_price_minor,
            "tax_rate_milli_percent": l.line.tax_rate_milli_percent,
            "net_minor": l.net_minor,
            "tax_minor": l.tax_minor,
        })).collect::<Vec<_>>(),
        "taxes": d.taxes.iter().map(|t| json!({
            "rate_milli_percent": t.rate_milli_percent,
            "base_minor": t.base_minor,
            "tax_minor": t.tax_minor,
        })).collect::<Vec<_>>(),
    })))
}
