//! The staff's JSON API for the catalogue (dispatchers and administrators, `Dispatch` in the
//! route table), over the same use cases as the pages (`onsite_app::catalog`):
//!
//! - the named lists, `{list}` being `skills`, `products` or `lead-types`:
//!   `GET /api/v1/staff/catalog/{list}` (every entry, active ones first), `POST` the same path
//!   (a new entry: `code` for products and lead types, `name`), `GET …/{list}/{id}`,
//!   `POST …/{list}/{id}` (rename from the `version` read) and `POST …/{list}/{id}/active`
//!   (retire or restore, from the `version` read);
//! - service types: `GET /api/v1/staff/service-types`, `POST` (a new one), `GET …/{id}`,
//!   `POST …/{id}` (a change from the `version` read; members left out keep their value, and
//!   `active: false` retires it).
//!
//! A change from an older version is 409 `changed` and changes nothing. Nothing is deleted:
//! entries and service types are retired.

use super::input_of;
use crate::input::{PathId, parse_id};
use crate::openapi::{Errors, Invalid, JsonBody, NotFound, refusal};
use crate::session::Granted;
use crate::staff::api::{ActiveChange, created};
use crate::{AppState, WebError, WebResult};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use onsite_app::catalog::{self, List, ServiceTypeDetail, ServiceTypeInput};
use onsite_app::failure::Kind;
use onsite_app::policy::Staff;
use onsite_domain::{CharacteristicId, ServiceTypeId};
use onsite_i18n::Locale;
use onsite_store::catalog::Entry;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

refusal!(
    /// The entry changed since the version read, or its name or code is taken.
    CatalogConflict,
    Kind::Conflict,
    "Someone changed it after the `version` sent (`changed`: read it again), or another \
     entry has this name or code (`taken`, `field` names which). Nothing changed.",
);

crate::openapi::enum_schema!(
    /// A named list of the catalogue.
    CatalogList,
    ["skills", "products", "lead-types"].map(str::to_owned),
);

/// The list a path's `{list}` names.
fn list_named(slug: &str) -> Option<List> {
    match slug {
        "skills" => Some(List::Characteristics),
        "products" => Some(List::Products),
        "lead-types" => Some(List::LeadTypes),
        _ => None,
    }
}

/// A path's `{list}`, and its `{id}` when it has one: an unknown list or an id that is not a
/// positive whole number names nothing (404).
#[derive(Debug, Clone, Copy)]
pub struct ListPath {
    list: List,
    slug: &'static str,
    id: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for ListPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        let slug = raw.get("list").map(String::as_str).unwrap_or_default();
        let list = list_named(slug).ok_or(WebError::NotFound)?;
        let slug = match list {
            List::Characteristics => "skills",
            List::Products => "products",
            List::LeadTypes => "lead-types",
        };
        let id = match raw.get("id") {
            None => None,
            Some(raw) => Some(parse_id(raw).ok_or(WebError::NotFound)?),
        };
        Ok(ListPath { list, slug, id })
    }
}

impl ListPath {
    fn id(&self) -> Result<i64, WebError> {
        self.id.ok_or(WebError::NotFound)
    }
}

/// `{list}` (and `{id}`) in the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ListParam {
    /// `skills`, `products` or `lead-types`; anything else is 404.
    #[param(value_type = CatalogList)]
    #[allow(dead_code)]
    list: String,
}

/// `{list}` and `{id}` in the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntryParams {
    /// `skills`, `products` or `lead-types`; anything else is 404.
    #[param(value_type = CatalogList)]
    #[allow(dead_code)]
    list: String,
    /// The entry's id; anything but a positive whole number names nothing (404).
    #[param(minimum = 1)]
    #[allow(dead_code)]
    id: i64,
}

// ---- The named lists ------------------------------------------------------------------------

/// An entry of a named list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntry {
    id: i64,
    /// Products' and lead types' short unique code; `null` for skills.
    #[schema(required = true)]
    code: Option<String>,
    name: String,
    /// Retired entries are kept where they are used, and no longer offered.
    active: bool,
    /// Send it back with a change: a change from an older version is refused (409).
    version: i64,
}

impl From<Entry> for CatalogEntry {
    fn from(e: Entry) -> CatalogEntry {
        CatalogEntry {
            id: e.id,
            code: e.code,
            name: e.name,
            active: e.active,
            version: e.version,
        }
    }
}

/// Every entry of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntries {
    /// Active ones first, each group by name.
    entries: Vec<CatalogEntry>,
}

/// A new entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// Products (e.g. `HP-DUCTLESS`) and lead types (lower case, e.g. `residential`) only.
    #[serde(default)]
    code: String,
    name: String,
}

/// A new name, from the `version` read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRename {
    version: i64,
    name: String,
}

async fn entry_answer(
    state: &AppState,
    staff: Staff,
    list: List,
    id: i64,
) -> WebResult<CatalogEntry> {
    Ok(catalog::entry(&state.app, staff, list, id).await?.into())
}

/// `GET /api/v1/staff/catalog/{list}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/catalog/{list}",
    operation_id = "list_catalog_entries",
    tag = "catalogue",
    summary = "Every skill, product or lead type",
    params(ListParam),
    responses(
        (status = 200, description = "Active ones first.", body = CatalogEntries),
        Errors<(NotFound,)>,
    ),
)]
pub async fn entries(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    path: ListPath,
) -> WebResult<Json<CatalogEntries>> {
    let entries = catalog::entries(&state.app, staff, path.list).await?;
    Ok(Json(CatalogEntries {
        entries: entries.into_iter().map(CatalogEntry::from).collect(),
    }))
}

/// `POST /api/v1/staff/catalog/{list}`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/catalog/{list}",
    operation_id = "create_catalog_entry",
    tag = "catalogue",
    summary = "Add a skill, product or lead type",
    description = "Names (and codes) are unique in their list. Audited.",
    params(ListParam),
    request_body = NewEntry,
    responses(
        (status = 201, description = "The entry, at its `Location`.", body = CatalogEntry),
        Errors<(JsonBody, NotFound, Invalid, CatalogConflict)>,
    ),
)]
pub async fn create_entry(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    path: ListPath,
    Json(body): Json<NewEntry>,
) -> WebResult<Response> {
    let id = catalog::create(&state.app, staff, path.list, &body.code, &body.name).await?;
    let answer = entry_answer(&state, staff, path.list, id).await?;
    let location = format!("/api/v1/staff/catalog/{}/{id}", path.slug);
    Ok(created(answer, location))
}

/// `GET /api/v1/staff/catalog/{list}/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/catalog/{list}/{id}",
    operation_id = "get_catalog_entry",
    tag = "catalogue",
    summary = "One skill, product or lead type",
    params(EntryParams),
    responses(
        (status = 200, description = "The entry.", body = CatalogEntry),
        Errors<(NotFound,)>,
    ),
)]
pub async fn entry(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    path: ListPath,
) -> WebResult<Json<CatalogEntry>> {
    Ok(Json(
        entry_answer(&state, staff, path.list, path.id()?).await?,
    ))
}

/// `POST /api/v1/staff/catalog/{list}/{id}`: renames it.
#[utoipa::path(
    post,
    path = "/api/v1/staff/catalog/{list}/{id}",
    operation_id = "rename_catalog_entry",
    tag = "catalogue",
    summary = "Rename a skill, product or lead type",
    description = "Its code, if any, stays. From the `version` read: an older one is 409 \
        `changed`. Audited.",
    params(EntryParams),
    request_body = EntryRename,
    responses(
        (status = 200, description = "The entry as saved.", body = CatalogEntry),
        Errors<(JsonBody, NotFound, Invalid, CatalogConflict)>,
    ),
)]
pub async fn rename(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    path: ListPath,
    Json(body): Json<EntryRename>,
) -> WebResult<Json<CatalogEntry>> {
    let id = path.id()?;
    catalog::rename(&state.app, staff, path.list, (id, body.version), &body.name).await?;
    Ok(Json(entry_answer(&state, staff, path.list, id).await?))
}

/// `POST /api/v1/staff/catalog/{list}/{id}/active`: retires or restores it.
#[utoipa::path(
    post,
    path = "/api/v1/staff/catalog/{list}/{id}/active",
    operation_id = "set_catalog_entry_active",
    tag = "catalogue",
    summary = "Retire or restore a skill, product or lead type",
    description = "A retired entry stays where it is used and is no longer offered. From the \
        `version` read. Audited.",
    params(EntryParams),
    request_body = ActiveChange,
    responses(
        (status = 200, description = "The entry as saved.", body = CatalogEntry),
        Errors<(JsonBody, NotFound, CatalogConflict)>,
    ),
)]
pub async fn set_entry_active(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    path: ListPath,
    Json(body): Json<ActiveChange>,
) -> WebResult<Json<CatalogEntry>> {
    let id = path.id()?;
    catalog::set_active(
        &state.app,
        staff,
        path.list,
        (id, body.version),
        body.active,
    )
    .await?;
    Ok(Json(entry_answer(&state, staff, path.list, id).await?))
}

// ---- Service types --------------------------------------------------------------------------

/// A skill a service type requires.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredSkill {
    /// A skill's id (`GET /api/v1/staff/catalog/skills`).
    skill_id: i64,
    /// 1 (basic) to 10 (expert).
    min_rating: i64,
}

/// A service type.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffServiceType {
    id: i64,
    /// In the portal's default language.
    name: String,
    /// Its name in other languages, by language tag (e.g. `{"fr": "Entretien"}`).
    names: BTreeMap<String, String>,
    description: String,
    duration_minutes: i64,
    required_skills: Vec<RequiredSkill>,
    /// Offered to customers in "Book a new appointment"; else staff-only.
    self_scheduling: bool,
    /// Retired ones are no longer offered; visits keep theirs.
    active: bool,
    /// Send it back with a change: a change from an older version is refused (409).
    version: i64,
}

impl StaffServiceType {
    fn of(d: ServiceTypeDetail) -> StaffServiceType {
        let st = d.service_type;
        StaffServiceType {
            id: st.id.0,
            names: d
                .names
                .iter()
                .map(|(l, n)| (l.tag().to_owned(), n.clone()))
                .collect(),
            description: st.description,
            duration_minutes: st.duration.minutes(),
            required_skills: st
                .required_skills
                .iter()
                .map(|s| RequiredSkill {
                    skill_id: s.characteristic_id.0,
                    min_rating: i64::from(s.rating.get()),
                })
                .collect(),
            self_scheduling: st.self_scheduling,
            active: st.active,
            version: st.version,
            name: st.name,
        }
    }
}

/// Every service type.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffServiceTypes {
    /// By name, retired ones too.
    service_types: Vec<StaffServiceType>,
}

/// A new service type, or a change to one (with `version`; members left out keep their value).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceTypeBody {
    /// Only in a change: the version read.
    version: Option<i64>,
    name: Option<String>,
    /// Names in other languages by tag; an empty name removes it.
    names: Option<BTreeMap<String, String>>,
    description: Option<String>,
    /// 5 to 720.
    duration_minutes: Option<i64>,
    required_skills: Option<Vec<RequiredSkill>>,
    /// Default `true` for a new one.
    self_scheduling: Option<bool>,
    /// Default `true` for a new one; `false` retires it.
    active: Option<bool>,
}

impl ServiceTypeBody {
    /// `base` with this body's members applied.
    fn applied_to(self, mut base: ServiceTypeInput) -> WebResult<ServiceTypeInput> {
        if let Some(name) = self.name {
            base.name = name;
        }
        if let Some(names) = self.names {
            let mut read = Vec::new();
            for (tag, name) in names {
                let locale = Locale::from_tag(&tag)
                    .ok_or(onsite_domain::InvalidInput::new("names", "unknown"))?;
                read.push((locale, name));
            }
            base.names = read;
        }
        if let Some(description) = self.description {
            base.description = description;
        }
        if let Some(minutes) = self.duration_minutes {
            base.duration_minutes = minutes.to_string();
        }
        if let Some(skills) = self.required_skills {
            base.required_skills = skills
                .iter()
                .map(|s| (CharacteristicId(s.skill_id), s.min_rating.to_string()))
                .collect();
        }
        if let Some(offered) = self.self_scheduling {
            base.self_scheduling = offered;
        }
        if let Some(active) = self.active {
            base.retired = !active;
        }
        Ok(base)
    }
}

async fn service_type_answer(
    state: &AppState,
    staff: Staff,
    id: ServiceTypeId,
) -> WebResult<StaffServiceType> {
    Ok(StaffServiceType::of(
        catalog::service_type(&state.app, staff, id).await?,
    ))
}

/// `GET /api/v1/staff/service-types`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/service-types",
    operation_id = "list_staff_service_types",
    tag = "catalogue",
    summary = "Every service type, retired ones too",
    responses((status = 200, description = "By name.", body = StaffServiceTypes)),
)]
pub async fn service_types(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
) -> WebResult<Json<StaffServiceTypes>> {
    let mut listed = Vec::new();
    for st in catalog::service_types(&state.app, staff).await? {
        listed.push(service_type_answer(&state, staff, st.id).await?);
    }
    Ok(Json(StaffServiceTypes {
        service_types: listed,
    }))
}

/// `POST /api/v1/staff/service-types`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/service-types",
    operation_id = "create_staff_service_type",
    tag = "catalogue",
    summary = "Add a service type",
    description = "`name` and `duration_minutes` are required. Audited; the next slot search \
        on every server offers it.",
    request_body = ServiceTypeBody,
    responses(
        (status = 201, description = "The service type, at its `Location`.", body = StaffServiceType),
        Errors<(JsonBody, Invalid, CatalogConflict)>,
    ),
)]
pub async fn create_service_type(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    Json(body): Json<ServiceTypeBody>,
) -> WebResult<Response> {
    if body.version.is_some() {
        return Err(onsite_domain::InvalidInput::new("version", "unknown").into());
    }
    let fresh = ServiceTypeInput {
        self_scheduling: true,
        ..ServiceTypeInput::default()
    };
    let input = body.applied_to(fresh)?;
    let id = catalog::create_service_type(&state.app, staff, &input).await?;
    let answer = service_type_answer(&state, staff, id).await?;
    Ok(created(answer, format!("/api/v1/staff/service-types/{id}")))
}

/// `GET /api/v1/staff/service-types/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/service-types/{id}",
    operation_id = "get_staff_service_type",
    tag = "catalogue",
    summary = "One service type",
    params(PathId<ServiceTypeId>),
    responses(
        (status = 200, description = "The service type.", body = StaffServiceType),
        Errors<(NotFound,)>,
    ),
)]
pub async fn service_type(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ServiceTypeId>,
) -> WebResult<Json<StaffServiceType>> {
    Ok(Json(service_type_answer(&state, staff, id).await?))
}

/// `POST /api/v1/staff/service-types/{id}`: a change from the version read.
#[utoipa::path(
    post,
    path = "/api/v1/staff/service-types/{id}",
    operation_id = "update_staff_service_type",
    tag = "catalogue",
    summary = "Change a service type",
    description = "`version` is required; members left out keep their value (`active: false` \
        retires it). An older version is 409 `changed` and changes nothing. Audited.",
    params(PathId<ServiceTypeId>),
    request_body = ServiceTypeBody,
    responses(
        (status = 200, description = "The service type as saved.", body = StaffServiceType),
        Errors<(JsonBody, NotFound, Invalid, CatalogConflict)>,
    ),
)]
pub async fn update_service_type(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ServiceTypeId>,
    Json(body): Json<ServiceTypeBody>,
) -> WebResult<Json<StaffServiceType>> {
    let version = body
        .version
        .ok_or(onsite_domain::InvalidInput::new("version", "required"))?;
    let current = catalog::service_type(&state.app, staff, id).await?;
    let input = body.applied_to(input_of(current))?;
    catalog::update_service_type(&state.app, staff, id, version, &input).await?;
    Ok(Json(service_type_answer(&state, staff, id).await?))
}
