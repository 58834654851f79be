//! The staff's JSON API for territories (dispatchers and administrators), over the same use
//! cases as the pages (`onsite_app::territories`): every save recomputes the accounts it
//! covers and reassigns the visits of technicians an address left, in its transaction, and
//! answers what it did.
//!
//! - `GET /api/v1/staff/territories`: every territory by name, with what refers to it;
//! - `POST /api/v1/staff/territories`: a new one (201, `Location`);
//! - `GET /api/v1/staff/territories/{id}`: one, with its accounts, technicians and partners;
//! - `POST /api/v1/staff/territories/{id}`: a change from the `version` read (members left
//!   out keep their value; an older version is 409 `changed`);
//! - `POST /api/v1/staff/territories/{id}/delete`: removes one nothing refers to (else 409
//!   `in_use`).

use crate::input::PathId;
use crate::openapi::{Errors, Invalid, JsonBody, NotFound, refusal};
use crate::session::Granted;
use crate::staff::api::created;
use crate::{AppState, WebResult};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use onsite_app::failure::Kind;
use onsite_app::policy::Staff;
use onsite_app::territories::{self, Saved, TerritoryDetail, TerritoryInput, area_text};
use onsite_domain::TerritoryId;
use onsite_domain::territory::Territory;
use onsite_store::territories::{Member, TerritorySummary, TerritoryUse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

refusal!(
    /// The territory changed, its name is taken, or it is in use.
    TerritoryConflict,
    Kind::Conflict,
    "Someone saved it after the `version` sent (`changed`), another territory has this name \
     (`taken`, field `name`), or — deleting — accounts, technicians or partners still refer \
     to it (`in_use`). Nothing changed.",
);

/// How many records refer to a territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryCounts {
    /// Accounts whose address is in it.
    accounts: i64,
    /// Technicians who serve it.
    technicians: i64,
    /// Partners whose distribution profile lists it.
    partners: i64,
}

impl From<TerritoryUse> for TerritoryCounts {
    fn from(u: TerritoryUse) -> TerritoryCounts {
        TerritoryCounts {
            accounts: u.accounts,
            technicians: u.technicians,
            partners: u.partners,
        }
    }
}

/// A territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffTerritory {
    id: i64,
    name: String,
    /// Upper-case postal-code prefixes (e.g. `H2J`).
    postal_prefixes: Vec<String>,
    /// Its area's vertices as `[latitude, longitude]`; empty when it has none.
    area: Vec<[f64; 2]>,
    used_by: TerritoryCounts,
    /// Send it back with a change: a change from an older version is refused (409).
    version: i64,
}

impl StaffTerritory {
    fn of(t: &Territory, version: i64, used: TerritoryUse) -> StaffTerritory {
        StaffTerritory {
            id: t.id.0,
            name: t.name.clone(),
            postal_prefixes: t.postal_prefixes.clone(),
            area: t.polygon.as_ref().map_or_else(Vec::new, |p| {
                p.vertices().iter().map(|v| [v.lat(), v.lon()]).collect()
            }),
            used_by: used.into(),
            version,
        }
    }
}

/// Every territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffTerritories {
    /// By name.
    territories: Vec<StaffTerritory>,
}

/// A record in a territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryMember {
    id: i64,
    name: String,
    active: bool,
}

fn members(list: &[Member]) -> Vec<TerritoryMember> {
    list.iter()
        .map(|m| TerritoryMember {
            id: m.id,
            name: m.name.clone(),
            active: m.active,
        })
        .collect()
}

/// A territory with who is in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryWithMembers {
    territory: StaffTerritory,
    /// The first customer accounts in it, by name.
    customers: Vec<TerritoryMember>,
    /// The first partner accounts whose address is in it, by name.
    partner_accounts: Vec<TerritoryMember>,
    technicians: Vec<TerritoryMember>,
    /// Partners whose distribution profile lists it.
    partners: Vec<TerritoryMember>,
}

impl TerritoryWithMembers {
    fn of(d: &TerritoryDetail) -> TerritoryWithMembers {
        TerritoryWithMembers {
            territory: StaffTerritory::of(&d.territory, d.version, d.used),
            customers: members(&d.customers),
            partner_accounts: members(&d.partner_accounts),
            technicians: members(&d.technicians),
            partners: members(&d.partners),
        }
    }
}

/// What a save did, and the territory as saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritorySaved {
    territory: StaffTerritory,
    /// Accounts whose territory changed.
    accounts_moved: usize,
    /// Of those, the accounts now in this territory.
    accounts_joined: usize,
    /// Technicians whose future visits were checked because an address left their territory.
    technicians_checked: usize,
    /// Visits given to another technician at the same time.
    visits_reassigned: usize,
    /// Visits nobody else could take: flagged, the customer asked to pick a new time.
    visits_flagged: usize,
}

/// A new territory, or a change to one (with `version`; members left out keep their value).
/// It needs postal-code prefixes, an area, or both.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerritoryBody {
    /// Only in a change: the version read.
    version: Option<i64>,
    name: Option<String>,
    /// E.g. `["H2J", "H2K"]`.
    postal_prefixes: Option<Vec<String>>,
    /// At least three `[latitude, longitude]` vertices; empty: no area.
    area: Option<Vec<[f64; 2]>>,
}

impl TerritoryBody {
    fn applied_to(self, base: Option<&Territory>) -> TerritoryInput {
        let prefixes = match (self.postal_prefixes, base) {
            (Some(p), _) => p,
            (None, Some(t)) => t.postal_prefixes.clone(),
            (None, None) => Vec::new(),
        };
        let area = match (self.area, base) {
            (Some(a), _) => a
                .iter()
                .map(|[lat, lon]| format!("{lat}, {lon}"))
                .collect::<Vec<_>>()
                .join("\n"),
            (None, Some(t)) => t.polygon.as_ref().map(area_text).unwrap_or_default(),
            (None, None) => String::new(),
        };
        TerritoryInput {
            name: self
                .name
                .or_else(|| base.map(|t| t.name.clone()))
                .unwrap_or_default(),
            postal_prefixes: prefixes.join(", "),
            area,
        }
    }
}

async fn saved_answer(state: &AppState, staff: Staff, saved: Saved) -> WebResult<TerritorySaved> {
    let d = territories::territory(&state.app, staff, saved.id).await?;
    Ok(TerritorySaved {
        territory: StaffTerritory::of(&d.territory, d.version, d.used),
        accounts_moved: saved.accounts_moved,
        accounts_joined: saved.accounts_joined,
        technicians_checked: saved.technicians_checked,
        visits_reassigned: saved.visits_reassigned,
        visits_flagged: saved.visits_flagged,
    })
}

/// `GET /api/v1/staff/territories`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/territories",
    operation_id = "list_staff_territories",
    tag = "territories",
    summary = "Every territory, with what refers to it",
    responses((status = 200, description = "By name.", body = StaffTerritories)),
)]
pub async fn list(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
) -> WebResult<Json<StaffTerritories>> {
    let all = territories::territories(&state.app, staff).await?;
    Ok(Json(StaffTerritories {
        territories: all
            .iter()
            .map(|s: &TerritorySummary| StaffTerritory::of(&s.territory, s.version, s.used))
            .collect(),
    }))
}

/// `POST /api/v1/staff/territories`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/territories",
    operation_id = "create_staff_territory",
    tag = "territories",
    summary = "Add a territory",
    description = "The accounts it covers that no older territory covers join it. Audited.",
    request_body = TerritoryBody,
    responses(
        (status = 201, description = "What the save did, at the territory's `Location`.", body = TerritorySaved),
        Errors<(JsonBody, Invalid, TerritoryConflict)>,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Json(body): Json<TerritoryBody>,
) -> WebResult<Response> {
    if body.version.is_some() {
        return Err(onsite_domain::InvalidInput::new("version", "unknown").into());
    }
    let input = body.applied_to(None);
    let saved = territories::create(&state.app, staff, &input, state.clock.now()).await?;
    let id = saved.id;
    let answer = saved_answer(&state, staff, saved).await?;
    Ok(created(answer, format!("/api/v1/staff/territories/{id}")))
}

/// `GET /api/v1/staff/territories/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/territories/{id}",
    operation_id = "get_staff_territory",
    tag = "territories",
    summary = "One territory, with who is in it",
    params(PathId<TerritoryId>),
    responses(
        (status = 200, description = "The territory.", body = TerritoryWithMembers),
        Errors<(NotFound,)>,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TerritoryId>,
) -> WebResult<Json<TerritoryWithMembers>> {
    let detail = territories::territory(&state.app, staff, id).await?;
    Ok(Json(TerritoryWithMembers::of(&detail)))
}

/// `POST /api/v1/staff/territories/{id}`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/territories/{id}",
    operation_id = "update_staff_territory",
    tag = "territories",
    summary = "Change a territory",
    description = "`version` is required; members left out keep their value. The accounts \
        follow the new coverage and the visits of technicians an address left are reassigned, \
        in the same transaction. Audited.",
    params(PathId<TerritoryId>),
    request_body = TerritoryBody,
    responses(
        (status = 200, description = "What the save did.", body = TerritorySaved),
        Errors<(JsonBody, NotFound, Invalid, TerritoryConflict)>,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TerritoryId>,
    Json(body): Json<TerritoryBody>,
) -> WebResult<Json<TerritorySaved>> {
    let version = body
        .version
        .ok_or(onsite_domain::InvalidInput::new("version", "required"))?;
    let current = territories::territory(&state.app, staff, id).await?;
    let input = body.applied_to(Some(&current.territory));
    let now = state.clock.now();
    let saved = territories::update(&state.app, staff, id, version, &input, now).await?;
    Ok(Json(saved_answer(&state, staff, saved).await?))
}

/// `POST /api/v1/staff/territories/{id}/delete`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerritoryDelete {
    version: i64,
}

/// Removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryDeleted {
    id: i64,
}

/// `POST /api/v1/staff/territories/{id}/delete`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/territories/{id}/delete",
    operation_id = "delete_staff_territory",
    tag = "territories",
    summary = "Remove a territory nothing refers to",
    description = "From the `version` read. Audited.",
    params(PathId<TerritoryId>),
    request_body = TerritoryDelete,
    responses(
        (status = 200, description = "Removed.", body = TerritoryDeleted),
        Errors<(JsonBody, NotFound, TerritoryConflict)>,
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TerritoryId>,
    Json(body): Json<TerritoryDelete>,
) -> WebResult<Json<TerritoryDeleted>> {
    territories::delete(&state.app, staff, id, body.version).await?;
    Ok(Json(TerritoryDeleted { id: id.0 }))
}
