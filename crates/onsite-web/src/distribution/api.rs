//! Partner distribution in the JSON API (SPEC §9; `docs/api.md`, "Opportunities"): the same use
//! cases as the pages, with the same scoping.
//!
//! - Staff (`Dispatch`): list, create, explain, distribute.
//! - Partners (`WorkOpportunities`): their own opportunities, one of them, accept, decline,
//!   stage, note, close won or lost, feedback, internal opportunities, their metrics. Another
//!   partner's opportunity is a 404, like one that does not exist.
//!
//! Refusals use the API's one error shape; those with specifics (a setting's range, why a
//! partner is not available, a move that is not legal now) carry them in `message`, in the
//! caller's language, with a stable `code` to branch on.

use crate::input::PathId;
use crate::layout::Page;
use crate::session::CurrentUser;
use crate::{AppState, WebError, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use onsite_app::distribution::{
    self, DistributionError, Explanation, Filter, OpportunityInput, PartnerOpportunity,
    StaffOpportunity, Stage,
};
use onsite_distribute::{Metric, MetricsPolicy, Tally};
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::{Opportunity, OpportunityStatus};
use onsite_domain::{AccountId, InvalidInput, OpportunityId, ProductId};
use onsite_i18n::Locale;
use onsite_store::distribution::Dated;
use serde::Deserialize;
use serde_json::{Value, json};

fn ts(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// An opportunity's JSON, with its dates and, for a Distributed one, when its offer expires.
fn opportunity_json(d: &Dated, expires_at: Option<Timestamp>) -> Value {
    let o: &Opportunity = &d.opportunity;
    json!({
        "id": o.id,
        "name": o.name,
        "customer_name": o.customer_name,
        "postal_code": o.postal_code,
        "location": { "lat": o.location.lat(), "lon": o.location.lon() },
        "estimated_revenue_minor": o.estimated_revenue_minor,
        "currency": "CAD",
        "lead_type": o.lead_type,
        "products": o.products,
        "status": o.status.as_str(),
        "stage": o.stage,
        "partner_id": o.partner_account_id,
        "internal": o.internal,
        "created_at": o.created_at.to_string(),
        "distributed_at": ts(o.distributed_at),
        "accepted_at": ts(d.accepted_at),
        "closed_at": ts(d.closed_at),
        "expires_at": ts(expires_at),
    })
}

fn staff_json(s: &StaffOpportunity) -> Value {
    let mut v = opportunity_json(&s.opportunity, s.expires_at);
    v["partner_name"] = json!(s.partner_name);
    v["passed_over"] = json!(s.passed_over);
    v
}

fn partner_json(p: &PartnerOpportunity) -> Value {
    opportunity_json(&p.dated, p.expires_at)
}

// ---------------------------------------------------------------------------------------------
// Staff.

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusQuery {
    status: Option<String>,
}

/// `GET /api/v1/opportunities?status=…`: every opportunity (or those in one status), newest
/// first.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StatusQuery>,
) -> WebResult<Response> {
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(s) => Some(OpportunityStatus::parse(s)?),
    };
    match distribution::staff_opportunities(&state.app, &user.principal(), status).await {
        Ok(list) => Ok(Json(json!({
            "opportunities": list.iter().map(staff_json).collect::<Vec<_>>()
        }))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOpportunity {
    name: String,
    customer_name: String,
    #[serde(default)]
    postal_code: String,
    latitude: f64,
    longitude: f64,
    estimated_revenue_minor: i64,
    lead_type: String,
    #[serde(default)]
    products: Vec<i64>,
}

impl NewOpportunity {
    fn input(&self) -> Result<OpportunityInput, InvalidInput> {
        Ok(OpportunityInput {
            name: self.name.clone(),
            customer_name: self.customer_name.clone(),
            location: GeoPoint::new(self.latitude, self.longitude)?,
            postal_code: self.postal_code.clone(),
            estimated_revenue_minor: self.estimated_revenue_minor,
            lead_type: self.lead_type.clone(),
            products: self.products.iter().map(|&p| ProductId(p)).collect(),
        })
    }
}

/// `POST /api/v1/opportunities`: creates an opportunity (distributed at once when automatic
/// distribution is on). 201 with its id and the partner it went to, if any.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewOpportunity>,
) -> WebResult<Response> {
    let input = body.input()?;
    match distribution::create_opportunity(&state.app, &user.principal(), &input, state.clock.now())
        .await
    {
        Ok(created) => Ok((
            StatusCode::CREATED,
            Json(json!({ "opportunity": { "id": created.id, "partner_id": created.partner } })),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

fn explanation_json(x: &Explanation, expires_at: Option<Timestamp>, locale: Locale) -> Value {
    let partner = |id: AccountId| json!({ "id": id, "name": x.partner_name(id) });
    let ranked: Vec<Value> = x
        .decision
        .ranked
        .iter()
        .map(|r| {
            json!({
                "rank": r.rank,
                "partner": partner(r.partner),
                "score": r.score,
                "distance_km": r.distance_km,
                "contributions": r.contributions,
            })
        })
        .collect();
    let excluded: Vec<Value> = x
        .decision
        .excluded
        .iter()
        .map(|e| {
            json!({
                "partner": partner(e.partner),
                "criterion": e.criterion,
                "reason": x.criterion_text(locale, &e.criterion),
            })
        })
        .collect();
    json!({
        "opportunity": opportunity_json(&x.opportunity, expires_at),
        "products": x.product_names.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>(),
        "considered": x.decision.considered,
        "available_count": x.decision.available_count,
        "weights": Metric::ALL.map(|m| json!({ "metric": m, "setting": m.setting().key, "weight": x.decision.weights.get(m) })),
        "averages": x.decision.averages,
        "ranked": ranked,
        "excluded": excluded,
    })
}

/// `GET /api/v1/opportunities/{id}/explanation`: how every partner ranks for it now, or why it
/// is excluded.
pub async fn explanation(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let (principal, id) = (user.principal(), OpportunityId(id));
    let x = match distribution::explain(&state.app, &principal, id, state.clock.now()).await {
        Ok(x) => x,
        Err(e) => return Err(e.into()),
    };
    let expires_at = offer_expiry(&state, &principal, &x.opportunity).await?;
    Ok(Json(explanation_json(&x, expires_at, page.locale)).into_response())
}

/// When a Distributed opportunity's offer expires, as the staff list reports it (one source for
/// the rule); `None` in any other status.
async fn offer_expiry(
    state: &AppState,
    principal: &onsite_app::policy::Principal,
    d: &Dated,
) -> WebResult<Option<Timestamp>> {
    if d.opportunity.status != OpportunityStatus::Distributed {
        return Ok(None);
    }
    Ok(distribution::staff_opportunities(
        &state.app,
        principal,
        Some(OpportunityStatus::Distributed),
    )
    .await
    .map_err(WebError::internal)?
    .into_iter()
    .find(|s| s.opportunity.opportunity.id == d.opportunity.id)
    .and_then(|s| s.expires_at))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DistributeBody {
    /// The partner account to give it to; absent or null for the top-ranked one.
    partner_id: Option<i64>,
}

/// `POST /api/v1/opportunities/{id}/distribute`: to the top partner, or to `partner_id`.
pub async fn distribute(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<DistributeBody>,
) -> WebResult<Response> {
    let principal = user.principal();
    let id = OpportunityId(id);
    let done = match distribution::distribute(
        &state.app,
        &principal,
        id,
        body.partner_id.map(AccountId),
        state.clock.now(),
    )
    .await
    {
        Ok(done) => done,
        Err(e) => return Err(e.into()),
    };
    // Where it is now, with the offer's expiry (as the staff list reports it).
    let listed = distribution::staff_opportunities(
        &state.app,
        &principal,
        Some(OpportunityStatus::Distributed),
    )
    .await
    .map_err(WebError::internal)?
    .into_iter()
    .find(|s| s.opportunity.opportunity.id == id);
    Ok(Json(json!({
        "partner_id": done.partner,
        "partner_name": listed.as_ref().and_then(|s| s.partner_name.clone()),
        "rank": done.rank,
        "score": done.score,
        "expires_at": ts(listed.and_then(|s| s.expires_at)),
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Partners.

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FilterQuery {
    filter: Option<String>,
}

/// `GET /api/v1/partner/opportunities?filter=new|accepted|in_progress|closed|all`.
pub async fn partner_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FilterQuery>,
) -> WebResult<Response> {
    let filter = Filter::parse(q.filter.as_deref().unwrap_or("all"))?;
    match distribution::partner_opportunities(&state.app, &user.principal(), filter).await {
        Ok(list) => Ok(Json(json!({
            "opportunities": list.iter().map(partner_json).collect::<Vec<_>>()
        }))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/partner/opportunities/{id}`: the opportunity, its products (names) and the
/// partner's own history of it.
pub async fn partner_get(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    match distribution::opportunity_for_partner(&state.app, &user.principal(), OpportunityId(id))
        .await
    {
        Ok(d) => Ok(Json(json!({
            "opportunity": partner_json(&d.opportunity),
            "products": d.products,
            "history": d.history,
        }))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// The answer to a partner's move: the opportunity as it is now (or, after a decline, nothing
/// more: it is no longer theirs).
async fn moved(
    state: &AppState,
    user: &CurrentUser,
    id: OpportunityId,
    outcome: Result<(), DistributionError>,
    declined: bool,
) -> WebResult<Response> {
    if let Err(e) = outcome {
        return Err(e.into());
    }
    if declined {
        return Ok(Json(json!({ "declined": id })).into_response());
    }
    partner_get(State(state.clone()), user.clone(), PathId(id.0)).await
}

/// `POST /api/v1/partner/opportunities/{id}/accept` (no body).
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::accept(&state.app, &user.principal(), id, state.clock.now()).await;
    moved(&state, &user, id, outcome, false).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    reason: String,
}

/// `POST /api/v1/partner/opportunities/{id}/decline` `{"reason": "…"}` (required): it goes to
/// the next available partner at once.
pub async fn decline(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<ReasonBody>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::decline(
        &state.app,
        &user.principal(),
        id,
        &body.reason,
        state.clock.now(),
    )
    .await;
    moved(&state, &user, id, outcome, true).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    stage: String,
}

/// `POST /api/v1/partner/opportunities/{id}/stage` `{"stage": "qualify|develop|propose|negotiate"}`.
pub async fn stage(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<StageBody>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let stage = Stage::parse(&body.stage)?;
    let outcome =
        distribution::set_stage(&state.app, &user.principal(), id, stage, state.clock.now()).await;
    moved(&state, &user, id, outcome, false).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    note: String,
}

/// `POST /api/v1/partner/opportunities/{id}/notes` `{"note": "…"}`.
pub async fn note(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<NoteBody>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::add_note(
        &state.app,
        &user.principal(),
        id,
        &body.note,
        state.clock.now(),
    )
    .await;
    moved(&state, &user, id, outcome, false).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    /// `won` or `lost`.
    outcome: String,
    /// Required when lost.
    #[serde(default)]
    reason: String,
    #[serde(default)]
    feedback: String,
}

/// `POST /api/v1/partner/opportunities/{id}/close` `{"outcome": "won"|"lost", "reason",
/// "feedback"}`.
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<CloseBody>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let (principal, now) = (user.principal(), state.clock.now());
    let outcome = match body.outcome.trim() {
        "won" => distribution::close_won(&state.app, &principal, id, &body.feedback, now).await,
        "lost" => {
            distribution::close_lost(
                &state.app,
                &principal,
                id,
                &body.reason,
                &body.feedback,
                now,
            )
            .await
        }
        _ => return Err(InvalidInput::new("outcome", "unknown").into()),
    };
    moved(&state, &user, id, outcome, false).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    feedback: String,
}

/// `POST /api/v1/partner/opportunities/{id}/feedback` `{"feedback": "…"}` (closed ones).
pub async fn feedback(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<FeedbackBody>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let outcome = distribution::add_feedback(
        &state.app,
        &user.principal(),
        id,
        &body.feedback,
        state.clock.now(),
    )
    .await;
    moved(&state, &user, id, outcome, false).await
}

/// `POST /api/v1/partner/opportunities`: an internal opportunity (the same body as staff's
/// create), in progress at once. 201 with its id.
pub async fn create_internal(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewOpportunity>,
) -> WebResult<Response> {
    let input = body.input()?;
    match distribution::create_internal_opportunity(
        &state.app,
        &user.principal(),
        &input,
        state.clock.now(),
    )
    .await
    {
        Ok(id) => Ok((
            StatusCode::CREATED,
            Json(json!({ "opportunity": { "id": id } })),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// The partner's own metric: its value (`null` without history) and the counts behind it.
fn metric_json(tally: &Tally, m: Metric) -> Value {
    let (num, den) = tally.ratio(m).unwrap_or((0.0, 0));
    json!({ "metric": m, "value": tally.own(m), "numerator": num, "denominator": den })
}

/// `GET /api/v1/partner/metrics`: the partner's own metrics over the look-back window, and the
/// counts behind them.
pub async fn metrics(State(state): State<AppState>, user: CurrentUser) -> WebResult<Response> {
    match distribution::my_metrics(&state.app, &user.principal(), state.clock.now()).await {
        Ok(tally) => Ok(Json(json!({
            "lookback_days": MetricsPolicy::default().lookback_days,
            "metrics": Metric::FROM_HISTORY.map(|m| metric_json(&tally, m)),
            "tally": tally,
        }))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
