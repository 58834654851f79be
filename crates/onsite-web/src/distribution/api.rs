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
use crate::openapi::{Errors, Invalid, JsonBody, NotFound, enum_schema, json_name, refusal};
use crate::session::CurrentUser;
use crate::{AppState, WebError, WebResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use onsite_app::distribution::{
    self, DistributionError, Filter, OpportunityInput, PartnerOpportunity, StaffOpportunity, Stage,
};
use onsite_app::failure::Kind;
use onsite_app::policy::Staff;
use onsite_distribute::{Metric, MetricsPolicy, Tally};
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::{Opportunity as Held, OpportunityStatus};
use onsite_domain::{AccountId, InvalidInput, OpportunityId, ProductId};
use onsite_i18n::Locale;
use onsite_store::distribution::Dated;
use onsite_store::partners::OpportunityEventKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

enum_schema!(
    /// An opportunity's status.
    OpportunityStatusName,
    OpportunityStatus::ALL.map(json_name),
);
enum_schema!(
    /// The sales stage of an opportunity in progress.
    OpportunityStage,
    Stage::ALL.map(Stage::as_str),
);
enum_schema!(
    /// A ranking metric (docs/distribution.md).
    MetricName,
    Metric::ALL.map(json_name),
);
enum_schema!(
    /// A partner's event on an opportunity.
    EventKind,
    OpportunityEventKind::ALL.map(OpportunityEventKind::as_str),
);

refusal!(
    /// The opportunity's state refuses the move.
    OpportunityConflict,
    Kind::Conflict,
    "The opportunity's state does not allow it now: `illegal_move` (e.g. distributed, accepted \
     or closed twice), `expired` (the time to accept has passed), `partner_unavailable` (the \
     chosen partner is not available; `message` says why, `field` is `partner_id`), \
     `no_partner_available`. `message` gives the specifics in the caller's language.",
);
refusal!(
    /// A refused value, an unknown partner among them.
    InvalidDistribution,
    Kind::Invalid,
    "A value is refused (`invalid`; `unknown_partner` when `partner_id` is not an active \
     partner with a distribution profile); `field` names it.",
);

/// Where an opportunity is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Location {
    lat: f64,
    lon: f64,
}

/// An opportunity, with its dates and, for a Distributed one, when its offer expires.
#[derive(Debug, Serialize, ToSchema)]
pub struct Opportunity {
    id: i64,
    name: String,
    customer_name: String,
    postal_code: String,
    location: Location,
    /// Cents of `currency`.
    estimated_revenue_minor: i64,
    #[schema(value_type = String, pattern = "^CAD$")]
    currency: &'static str,
    lead_type: String,
    /// Product ids.
    products: Vec<i64>,
    #[schema(value_type = OpportunityStatusName)]
    status: OpportunityStatus,
    #[schema(required = true, value_type = Option<OpportunityStage>)]
    stage: Option<String>,
    /// The partner account holding it.
    #[schema(required = true)]
    partner_id: Option<i64>,
    /// Found by the partner itself: never counted against its capacity.
    internal: bool,
    created_at: Timestamp,
    #[schema(required = true)]
    distributed_at: Option<Timestamp>,
    #[schema(required = true)]
    accepted_at: Option<Timestamp>,
    #[schema(required = true)]
    closed_at: Option<Timestamp>,
    /// Distributed ones: when it goes to the next partner if not accepted.
    #[schema(required = true)]
    expires_at: Option<Timestamp>,
}

impl Opportunity {
    fn of(d: &Dated, expires_at: Option<Timestamp>) -> Opportunity {
        let o: &Held = &d.opportunity;
        Opportunity {
            id: o.id.0,
            name: o.name.clone(),
            customer_name: o.customer_name.clone(),
            postal_code: o.postal_code.clone(),
            location: Location {
                lat: o.location.lat(),
                lon: o.location.lon(),
            },
            estimated_revenue_minor: o.estimated_revenue_minor,
            currency: "CAD",
            lead_type: o.lead_type.clone(),
            products: o.products.iter().map(|p| p.0).collect(),
            status: o.status,
            stage: o.stage.clone(),
            partner_id: o.partner_account_id.map(|a| a.0),
            internal: o.internal,
            created_at: o.created_at,
            distributed_at: o.distributed_at,
            accepted_at: d.accepted_at,
            closed_at: d.closed_at,
            expires_at,
        }
    }
}

impl From<&PartnerOpportunity> for Opportunity {
    fn from(p: &PartnerOpportunity) -> Opportunity {
        Opportunity::of(&p.dated, p.expires_at)
    }
}

/// An opportunity as staff see it: where it went, and how often it came back.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StaffOpportunity)]
pub struct StaffOpportunityView {
    #[serde(flatten)]
    opportunity: Opportunity,
    #[schema(required = true)]
    partner_name: Option<String>,
    /// How many partners declined it or let it expire; a `new` one with `passed_over > 0` came
    /// back because nobody else was available.
    passed_over: u32,
}

impl From<&StaffOpportunity> for StaffOpportunityView {
    fn from(s: &StaffOpportunity) -> StaffOpportunityView {
        StaffOpportunityView {
            opportunity: Opportunity::of(&s.opportunity, s.expires_at),
            partner_name: s.partner_name.clone(),
            passed_over: s.passed_over,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Staff.

/// `GET /api/v1/opportunities`' query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// One status, or `all` (the default).
    #[param(value_type = Option<String>, pattern = "^(new|distributed|in_progress|won|lost|all)$")]
    status: Option<String>,
}

/// Opportunities as staff see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOpportunityList {
    opportunities: Vec<StaffOpportunityView>,
}

/// `GET /api/v1/opportunities?status=…`: every opportunity (or those in one status), newest
/// first.
#[utoipa::path(
    get,
    path = "/api/v1/opportunities",
    operation_id = "list_opportunities",
    tag = "distribution",
    summary = "Every opportunity, or those in one status, newest first (staff)",
    params(StatusQuery),
    responses(
        (status = 200, description = "The opportunities.", body = StaffOpportunityList),
        Errors<Invalid>,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StatusQuery>,
) -> WebResult<Json<StaffOpportunityList>> {
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(s) => Some(OpportunityStatus::parse(s)?),
    };
    let list = distribution::staff_opportunities(&state.app, user.grant()?, status).await?;
    Ok(Json(StaffOpportunityList {
        opportunities: list.iter().map(StaffOpportunityView::from).collect(),
    }))
}

/// A new opportunity (staff's, or a partner's internal one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOpportunity {
    name: String,
    customer_name: String,
    /// Matched against the territories' postal-code prefixes.
    #[serde(default)]
    postal_code: String,
    #[schema(minimum = -90, maximum = 90)]
    latitude: f64,
    #[schema(minimum = -180, maximum = 180)]
    longitude: f64,
    /// Cents of CAD.
    estimated_revenue_minor: i64,
    /// Compared case-insensitively, e.g. `residential`.
    lead_type: String,
    /// Product ids; every one must exist.
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

/// An opportunity created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    opportunity: CreatedOpportunity,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOpportunity {
    id: i64,
    /// The partner it went to at once (automatic distribution on and one available).
    #[schema(required = true)]
    partner_id: Option<i64>,
}

/// `POST /api/v1/opportunities`: creates an opportunity (distributed at once when automatic
/// distribution is on). 201 with its id and the partner it went to, if any.
#[utoipa::path(
    post,
    path = "/api/v1/opportunities",
    operation_id = "create_opportunity",
    tag = "distribution",
    summary = "Create an opportunity (staff)",
    request_body = NewOpportunity,
    responses(
        (
            status = 201,
            description = "Created; `partner_id` is the partner it went to at once when \
                automatic distribution is on and one is available.",
            body = Created,
        ),
        Errors<(JsonBody, Invalid)>,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewOpportunity>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let input = body.input()?;
    let created =
        distribution::create_opportunity(&state.app, user.grant()?, &input, state.clock.now())
            .await?;
    let opportunity = CreatedOpportunity {
        id: created.id.0,
        partner_id: created.partner.map(|p| p.0),
    };
    Ok((StatusCode::CREATED, Json(Created { opportunity })))
}

/// A partner, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerRef {
    id: i64,
    name: String,
}

/// A product, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductName {
    id: i64,
    name: String,
}

/// A metric's weight, and the setting it comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricWeight {
    #[schema(value_type = MetricName)]
    metric: Metric,
    setting: &'static str,
    weight: f64,
}

/// The average of all partners for a history metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricAverage {
    #[schema(value_type = MetricName)]
    metric: Metric,
    /// 0 when no partner has any evidence yet.
    value: f64,
    /// The total count it rests on.
    count: u64,
}

/// One metric's part in a score.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contribution {
    #[schema(value_type = MetricName)]
    metric: Metric,
    /// Kilometres for distance, 0…1 for rates, days for the average time to close.
    value: f64,
    weight: f64,
    /// `weight × value`; the seven add up to the score.
    contribution: f64,
    /// History metrics: the partner's own value (`null` without history), how many
    /// assignments it rests on, and the average of all partners it is blended with. `null` for
    /// distance.
    #[schema(required = true)]
    basis: Option<Basis>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Basis {
    #[schema(required = true)]
    own: Option<f64>,
    count: u32,
    average: f64,
}

impl From<&onsite_distribute::Contribution> for Contribution {
    fn from(c: &onsite_distribute::Contribution) -> Contribution {
        Contribution {
            metric: c.metric,
            value: c.value,
            weight: c.weight,
            contribution: c.contribution,
            basis: c.basis.map(|b| Basis {
                own: b.own,
                count: b.count,
                average: b.average,
            }),
        }
    }
}

/// The first availability criterion a partner fails, with its numbers (docs/distribution.md
/// §1).
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Criterion {
    /// It already declined this opportunity or let it expire.
    PassedOver,
    /// Its open opportunities reach its capacity.
    Capacity {
        open: u32,
        capacity: u32,
    },
    RevenueBelowMin {
        revenue_minor: i64,
        min_minor: i64,
    },
    RevenueAboveMax {
        revenue_minor: i64,
        max_minor: i64,
    },
    /// None of its territories covers the address.
    Territory {
        territories: u32,
    },
    /// It does not work the opportunity's lead type.
    LeadType,
    /// It does not cover this product of the opportunity.
    MissingProduct {
        product: i64,
    },
}

impl From<onsite_distribute::Criterion> for Criterion {
    fn from(c: onsite_distribute::Criterion) -> Criterion {
        use onsite_distribute::Criterion as C;
        match c {
            C::PassedOver => Criterion::PassedOver,
            C::Capacity { open, capacity } => Criterion::Capacity { open, capacity },
            C::RevenueBelowMin {
                revenue_minor,
                min_minor,
            } => Criterion::RevenueBelowMin {
                revenue_minor,
                min_minor,
            },
            C::RevenueAboveMax {
                revenue_minor,
                max_minor,
            } => Criterion::RevenueAboveMax {
                revenue_minor,
                max_minor,
            },
            C::Territory { territories } => Criterion::Territory { territories },
            C::LeadType => Criterion::LeadType,
            C::MissingProduct { product } => Criterion::MissingProduct { product: product.0 },
        }
    }
}

/// An available partner's place in the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedPartner {
    /// 1 for the best.
    rank: u32,
    partner: PartnerRef,
    /// The sum of the contributions.
    score: f64,
    distance_km: f64,
    /// One per metric, in the order of `weights`.
    #[schema(min_items = 7, max_items = 7)]
    contributions: Vec<Contribution>,
}

/// A partner that is not available, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExcludedPartner {
    partner: PartnerRef,
    criterion: Criterion,
    /// The criterion in words, in the caller's language.
    reason: String,
}

/// How every partner ranks for an opportunity now, or why it is excluded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Explanation {
    opportunity: Opportunity,
    products: Vec<ProductName>,
    /// Partners with a distribution profile.
    considered: usize,
    available_count: usize,
    #[schema(min_items = 7, max_items = 7)]
    weights: Vec<MetricWeight>,
    averages: Vec<MetricAverage>,
    /// The best available partners (up to 25), best first.
    ranked: Vec<RankedPartner>,
    excluded: Vec<ExcludedPartner>,
}

impl Explanation {
    fn of(
        x: &onsite_app::distribution::Explanation,
        expires_at: Option<Timestamp>,
        locale: Locale,
    ) -> Explanation {
        let partner = |id: AccountId| PartnerRef {
            id: id.0,
            name: x.partner_name(id).to_owned(),
        };
        let d = &x.decision;
        Explanation {
            opportunity: Opportunity::of(&x.opportunity, expires_at),
            products: x
                .product_names
                .iter()
                .map(|(id, name)| ProductName {
                    id: id.0,
                    name: name.clone(),
                })
                .collect(),
            considered: d.considered,
            available_count: d.available_count,
            weights: Metric::ALL
                .iter()
                .map(|&m| MetricWeight {
                    metric: m,
                    setting: m.setting().key,
                    weight: d.weights.get(m),
                })
                .collect(),
            averages: d
                .averages
                .iter()
                .map(|a| MetricAverage {
                    metric: a.metric,
                    value: a.value,
                    count: a.count,
                })
                .collect(),
            ranked: d
                .ranked
                .iter()
                .map(|r| RankedPartner {
                    rank: r.rank,
                    partner: partner(r.partner),
                    score: r.score,
                    distance_km: r.distance_km,
                    contributions: r.contributions.iter().map(Contribution::from).collect(),
                })
                .collect(),
            excluded: d
                .excluded
                .iter()
                .map(|e| ExcludedPartner {
                    partner: partner(e.partner),
                    criterion: e.criterion.into(),
                    reason: x.criterion_text(locale, &e.criterion),
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/opportunities/{id}/explanation`: how every partner ranks for it now, or why it
/// is excluded.
#[utoipa::path(
    get,
    path = "/api/v1/opportunities/{id}/explanation",
    tag = "distribution",
    summary = "How every partner ranks for the opportunity now, or why it is excluded (staff)",
    params(PathId<OpportunityId>),
    responses(
        (status = 200, description = "The explanation; changes nothing.", body = Explanation),
        Errors<NotFound>,
    ),
)]
pub async fn explanation(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Json<Explanation>> {
    let id = OpportunityId(id);
    let x = distribution::explain(&state.app, user.grant()?, id, state.clock.now()).await?;
    let expires_at = offer_expiry(&state, user.grant()?, &x.opportunity).await?;
    Ok(Json(Explanation::of(&x, expires_at, page.locale)))
}

/// When a Distributed opportunity's offer expires, as the staff list reports it (one source for
/// the rule); `None` in any other status.
async fn offer_expiry(state: &AppState, staff: Staff, d: &Dated) -> WebResult<Option<Timestamp>> {
    if d.opportunity.status != OpportunityStatus::Distributed {
        return Ok(None);
    }
    Ok(
        distribution::staff_opportunities(&state.app, staff, Some(OpportunityStatus::Distributed))
            .await
            .map_err(WebError::internal)?
            .into_iter()
            .find(|s| s.opportunity.opportunity.id == d.opportunity.id)
            .and_then(|s| s.expires_at),
    )
}

/// `POST /api/v1/opportunities/{id}/distribute`'s body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DistributeBody {
    /// The partner account to give it to; absent or null for the top-ranked one.
    partner_id: Option<i64>,
}

/// Where an opportunity went.
#[derive(Debug, Serialize, ToSchema)]
pub struct Distributed {
    partner_id: i64,
    #[schema(required = true)]
    partner_name: Option<String>,
    /// `null` when a partner was chosen.
    #[schema(required = true)]
    rank: Option<u32>,
    /// `null` when a partner was chosen.
    #[schema(required = true)]
    score: Option<f64>,
    /// Until when the partner may accept.
    #[schema(required = true)]
    expires_at: Option<Timestamp>,
}

/// `POST /api/v1/opportunities/{id}/distribute`: to the top partner, or to `partner_id`.
#[utoipa::path(
    post,
    path = "/api/v1/opportunities/{id}/distribute",
    tag = "distribution",
    summary = "Distribute to the top-ranked available partner, or to the partner given (staff)",
    description = "The partner's portal users are emailed.",
    params(PathId<OpportunityId>),
    request_body = DistributeBody,
    responses(
        (
            status = 200,
            description = "Where it went and until when the partner may accept; `rank` and \
                `score` are `null` when a partner was chosen.",
            body = Distributed,
        ),
        Errors<(JsonBody, NotFound, OpportunityConflict, InvalidDistribution)>,
    ),
)]
pub async fn distribute(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<DistributeBody>,
) -> WebResult<Json<Distributed>> {
    let id = OpportunityId(id);
    let done = distribution::distribute(
        &state.app,
        user.grant()?,
        id,
        body.partner_id.map(AccountId),
        state.clock.now(),
    )
    .await?;
    // Where it is now, with the offer's expiry (as the staff list reports it).
    let listed = distribution::staff_opportunities(
        &state.app,
        user.grant()?,
        Some(OpportunityStatus::Distributed),
    )
    .await
    .map_err(WebError::internal)?
    .into_iter()
    .find(|s| s.opportunity.opportunity.id == id);
    Ok(Json(Distributed {
        partner_id: done.partner.0,
        partner_name: listed.as_ref().and_then(|s| s.partner_name.clone()),
        rank: done.rank,
        score: done.score,
        expires_at: listed.and_then(|s| s.expires_at),
    }))
}

// ---------------------------------------------------------------------------------------------
// Partners.

/// `GET /api/v1/partner/opportunities`' query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FilterQuery {
    /// `new`: offered, waiting for an answer; `accepted`: accepted, no stage yet;
    /// `in_progress`: in a stage; `closed`: won or lost; `all` (the default).
    #[param(value_type = Option<PartnerFilter>)]
    filter: Option<String>,
}

enum_schema!(
    /// Which of the partner's opportunities to list.
    PartnerFilter,
    Filter::ALL.map(Filter::as_str),
);

/// The partner's opportunities.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityList {
    opportunities: Vec<Opportunity>,
}

/// `GET /api/v1/partner/opportunities?filter=new|accepted|in_progress|closed|all`.
#[utoipa::path(
    get,
    path = "/api/v1/partner/opportunities",
    tag = "partner",
    summary = "The caller's partner account's opportunities, newest first",
    params(FilterQuery),
    responses(
        (status = 200, description = "The opportunities.", body = OpportunityList),
        Errors<Invalid>,
    ),
)]
pub async fn partner_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FilterQuery>,
) -> WebResult<Json<OpportunityList>> {
    let filter = Filter::parse(q.filter.as_deref().unwrap_or("all"))?;
    let list = distribution::partner_opportunities(&state.app, user.grant()?, filter).await?;
    Ok(Json(OpportunityList {
        opportunities: list.iter().map(Opportunity::from).collect(),
    }))
}

/// A product of an opportunity.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    id: i64,
    code: String,
    name: String,
}

/// One of the partner's own events on an opportunity.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    #[schema(value_type = EventKind)]
    kind: &'static str,
    at: Timestamp,
    /// The stage moved to, the note, the reason or the feedback.
    #[schema(required = true)]
    note: Option<String>,
}

/// One of the partner's opportunities, with its products and the partner's own history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOpportunityDetail {
    opportunity: Opportunity,
    products: Vec<Product>,
    /// The partner's own events on it, oldest first.
    history: Vec<HistoryEntry>,
}

/// `GET /api/v1/partner/opportunities/{id}`: the opportunity, its products (names) and the
/// partner's own history of it.
#[utoipa::path(
    get,
    path = "/api/v1/partner/opportunities/{id}",
    tag = "partner",
    summary = "One of the caller's opportunities, with its products and the partner's own \
        history",
    params(PathId<OpportunityId>),
    responses(
        (
            status = 200,
            description = "The opportunity as it is now.",
            body = PartnerOpportunityDetail,
        ),
        Errors<NotFound>,
    ),
)]
pub async fn partner_get(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    let d =
        distribution::opportunity_for_partner(&state.app, user.grant()?, OpportunityId(id)).await?;
    Ok(Json(PartnerOpportunityDetail {
        opportunity: (&d.opportunity).into(),
        products: d
            .products
            .iter()
            .map(|p| Product {
                id: p.id.0,
                code: p.code.clone(),
                name: p.name.clone(),
            })
            .collect(),
        history: d
            .history
            .iter()
            .map(|h| HistoryEntry {
                kind: h.kind,
                at: h.at,
                note: h.note.clone(),
            })
            .collect(),
    }))
}

/// A declined opportunity: it is no longer the partner's.
#[derive(Debug, Serialize, ToSchema)]
pub struct Declined {
    /// The opportunity's id.
    declined: i64,
}

/// The answer to a partner's move: the opportunity as it is now.
async fn moved(
    state: &AppState,
    user: &CurrentUser,
    id: OpportunityId,
    outcome: Result<(), DistributionError>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    outcome?;
    partner_get(State(state.clone()), user.clone(), PathId(id.0)).await
}

/// `POST /api/v1/partner/opportunities/{id}/accept` (no body).
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities/{id}/accept",
    tag = "partner",
    summary = "Accept an opportunity offered to the partner",
    description = "No body. 409 `expired` once the time to accept has passed.",
    params(PathId<OpportunityId>),
    responses(
        (
            status = 200,
            description = "The opportunity as it is now.",
            body = PartnerOpportunityDetail,
        ),
        Errors<(NotFound, OpportunityConflict)>,
    ),
)]
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    let id = OpportunityId(id);
    let outcome = distribution::accept(&state.app, user.grant()?, id, state.clock.now()).await;
    moved(&state, &user, id, outcome).await
}

/// `POST /api/v1/partner/opportunities/{id}/decline`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why (required).
    reason: String,
}

/// `POST /api/v1/partner/opportunities/{id}/decline` `{"reason": "…"}` (required): it goes to
/// the next available partner at once.
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities/{id}/decline",
    tag = "partner",
    summary = "Decline an offered opportunity, with a reason: it goes at once to the next \
        available partner",
    params(PathId<OpportunityId>),
    request_body = ReasonBody,
    responses(
        (
            status = 200,
            description = "Declined; it is no longer the partner's.",
            body = Declined,
        ),
        Errors<(JsonBody, NotFound, OpportunityConflict, Invalid)>,
    ),
)]
pub async fn decline(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<ReasonBody>,
) -> WebResult<Json<Declined>> {
    let id = OpportunityId(id);
    distribution::decline(
        &state.app,
        user.grant()?,
        id,
        &body.reason,
        state.clock.now(),
    )
    .await?;
    Ok(Json(Declined { declined: id.0 }))
}

/// `POST /api/v1/partner/opportunities/{id}/stage`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    #[schema(value_type = OpportunityStage)]
    stage: String,
}

/// `POST /api/v1/partner/opportunities/{id}/stage` `{"stage": "qualify|develop|propose|negotiate"}`.
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities/{id}/stage",
    tag = "partner",
    summary = "Move an opportunity in progress to a sales stage",
    params(PathId<OpportunityId>),
    request_body = StageBody,
    responses(
        (
            status = 200,
            description = "The opportunity as it is now.",
            body = PartnerOpportunityDetail,
        ),
        Errors<(JsonBody, NotFound, OpportunityConflict, Invalid)>,
    ),
)]
pub async fn stage(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<StageBody>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    let id = OpportunityId(id);
    let stage = Stage::parse(&body.stage)?;
    let outcome =
        distribution::set_stage(&state.app, user.grant()?, id, stage, state.clock.now()).await;
    moved(&state, &user, id, outcome).await
}

/// `POST /api/v1/partner/opportunities/{id}/notes`' body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// What happened (a call, a visit).
    note: String,
}

/// `POST /api/v1/partner/opportunities/{id}/notes` `{"note": "…"}`.
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities/{id}/notes",
    tag = "partner",
    summary = "Note activity on an opportunity in progress (a call, a visit)",
    params(PathId<OpportunityId>),
    request_body = NoteBody,
    responses(
        (
            status = 200,
            description = "The opportunity as it is now.",
            body = PartnerOpportunityDetail,
        ),
        Errors<(JsonBody, NotFound, OpportunityConflict, Invalid)>,
    ),
)]
pub async fn note(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<NoteBody>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    let id = OpportunityId(id);
    let outcome =
        distribution::add_note(&state.app, user.grant()?, id, &body.note, state.clock.now()).await;
    moved(&state, &user, id, outcome).await
}

enum_schema!(
    /// How an opportunity in progress closes.
    CloseOutcome,
    ["won", "lost"],
);

/// `POST /api/v1/partner/opportunities/{id}/close`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    #[schema(value_type = CloseOutcome)]
    outcome: String,
    /// Required when lost.
    #[serde(default)]
    reason: String,
    /// Optional.
    #[serde(default)]
    feedback: String,
}

/// `POST /api/v1/partner/opportunities/{id}/close` `{"outcome": "won"|"lost", "reason",
/// "feedback"}`.
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities/{id}/close",
    tag = "partner",
    summary = "Close an opportunity in progress as won, or as lost (returned) with a reason",
    params(PathId<OpportunityId>),
    request_body = CloseBody,
    responses(
        (
            status = 200,
            description = "The opportunity as it is now.",
            body = PartnerOpportunityDetail,
        ),
        Errors<(JsonBody, NotFound, OpportunityConflict, Invalid)>,
    ),
)]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<CloseBody>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    let id = OpportunityId(id);
    let now = state.clock.now();
    let outcome = match body.outcome.trim() {
        "won" => distribution::close_won(&state.app, user.grant()?, id, &body.feedback, now).await,
        "lost" => {
            distribution::close_lost(
                &state.app,
                user.grant()?,
                id,
                &body.reason,
                &body.feedback,
                now,
            )
            .await
        }
        _ => return Err(InvalidInput::new("outcome", "unknown").into()),
    };
    moved(&state, &user, id, outcome).await
}

/// `POST /api/v1/partner/opportunities/{id}/feedback`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    feedback: String,
}

/// `POST /api/v1/partner/opportunities/{id}/feedback` `{"feedback": "…"}` (closed ones).
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities/{id}/feedback",
    tag = "partner",
    summary = "Add feedback to a closed opportunity",
    params(PathId<OpportunityId>),
    request_body = FeedbackBody,
    responses(
        (
            status = 200,
            description = "The opportunity as it is now.",
            body = PartnerOpportunityDetail,
        ),
        Errors<(JsonBody, NotFound, OpportunityConflict, Invalid)>,
    ),
)]
pub async fn feedback(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Json(body): Json<FeedbackBody>,
) -> WebResult<Json<PartnerOpportunityDetail>> {
    let id = OpportunityId(id);
    let outcome = distribution::add_feedback(
        &state.app,
        user.grant()?,
        id,
        &body.feedback,
        state.clock.now(),
    )
    .await;
    moved(&state, &user, id, outcome).await
}

/// An internal opportunity created.
#[derive(Debug, Serialize, ToSchema)]
pub struct InternalCreated {
    opportunity: InternalOpportunity,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InternalOpportunity {
    id: i64,
}

/// `POST /api/v1/partner/opportunities`: an internal opportunity (the same body as staff's
/// create), in progress at once. 201 with its id.
#[utoipa::path(
    post,
    path = "/api/v1/partner/opportunities",
    tag = "partner",
    summary = "Record an internal opportunity (in progress at once, never counted against the \
        capacity)",
    request_body = NewOpportunity,
    responses(
        (status = 201, description = "Created.", body = InternalCreated),
        Errors<(JsonBody, Invalid)>,
    ),
)]
pub async fn create_internal(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewOpportunity>,
) -> WebResult<(StatusCode, Json<InternalCreated>)> {
    let input = body.input()?;
    let id = distribution::create_internal_opportunity(
        &state.app,
        user.grant()?,
        &input,
        state.clock.now(),
    )
    .await?;
    let opportunity = InternalOpportunity { id: id.0 };
    Ok((StatusCode::CREATED, Json(InternalCreated { opportunity })))
}

/// The partner's own value of a history metric, and the counts behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerMetric {
    #[schema(value_type = MetricName)]
    metric: Metric,
    /// `null` without history.
    #[schema(required = true)]
    value: Option<f64>,
    numerator: f64,
    denominator: u32,
}

/// The counts behind a partner's history metrics over the look-back window.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerTally {
    /// Assignments distributed inside the window.
    distributed: u32,
    /// Of those, finished for this partner: won, lost, declined or expired.
    resolved: u32,
    won: u32,
    lost: u32,
    declined: u32,
    expired: u32,
    /// Accepted by the partner (whatever happened next).
    accepted: u32,
    /// Accepted ones that went too long without progress at some point.
    stalled: u32,
    /// Assignments whose answer is due.
    touch_due: u32,
    /// Answered promptly.
    touched: u32,
    /// Closed (won or lost) and with feedback recorded.
    closed_with_feedback: u32,
    /// Sum over closed assignments of the days from acceptance to close.
    days_to_close: f64,
}

impl From<&Tally> for PartnerTally {
    fn from(t: &Tally) -> PartnerTally {
        PartnerTally {
            distributed: t.distributed,
            resolved: t.resolved,
            won: t.won,
            lost: t.lost,
            declined: t.declined,
            expired: t.expired,
            accepted: t.accepted,
            stalled: t.stalled,
            touch_due: t.touch_due,
            touched: t.touched,
            closed_with_feedback: t.closed_with_feedback,
            days_to_close: t.days_to_close,
        }
    }
}

/// The partner's own metrics over the look-back window.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerMetrics {
    lookback_days: u32,
    metrics: Vec<PartnerMetric>,
    tally: PartnerTally,
}

/// `GET /api/v1/partner/metrics`: the partner's own metrics over the look-back window, and the
/// counts behind them.
#[utoipa::path(
    get,
    path = "/api/v1/partner/metrics",
    tag = "partner",
    summary = "The partner's own metrics over the look-back window",
    responses((
        status = 200,
        description = "Each history metric with the counts behind it (`value` is `null` without \
            history) and the raw tally.",
        body = PartnerMetrics,
    )),
)]
pub async fn metrics(
    State(state): State<AppState>,
    user: CurrentUser,
) -> WebResult<Json<PartnerMetrics>> {
    let tally = distribution::my_metrics(&state.app, user.grant()?, state.clock.now()).await?;
    let metrics = Metric::FROM_HISTORY
        .iter()
        .map(|&m| {
            let (numerator, denominator) = tally.ratio(m).unwrap_or((0.0, 0));
            PartnerMetric {
                metric: m,
                value: tally.own(m),
                numerator,
                denominator,
            }
        })
        .collect();
    Ok(Json(PartnerMetrics {
        lookback_days: MetricsPolicy::default().lookback_days,
        metrics,
        tally: (&tally).into(),
    }))
}
