//! The territory pages under `/staff/territories` (dispatchers and administrators): the list
//! with who is in each territory, a form to create one, and a page per territory to edit its
//! name, postal-code prefixes and area (drawn on a map by `assets/src/territory_map.js`, or
//! typed as "latitude, longitude" lines without JavaScript), to see the accounts, technicians
//! and partners in it, and to remove it while nothing refers to it. A save says how many
//! accounts changed territory and what became of the visits of technicians an address left.

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebResult, map_point};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::policy::Staff;
use onsite_app::territories::{
    self, Saved, TerritoryDetail, TerritoryError, TerritoryInput, area_text,
};
use onsite_domain::{InvalidInput, TerritoryId};
use onsite_store::territories::TerritorySummary;

/// The list page.
pub const TERRITORIES: &str = "/staff/territories";

#[derive(Template)]
#[template(path = "staff/territories.html")]
struct ListPage {
    page: Page,
    territories: Vec<TerritorySummary>,
}

/// `GET /staff/territories`: every territory with its prefixes and who is in it.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
) -> WebResult<Response> {
    let territories = territories::territories(&state.app, staff).await?;
    render(&ListPage { page, territories })
}

/// The territory form as submitted.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TerritoryForm {
    name: String,
    postal_prefixes: String,
    area: String,
    seen_version: String,
}

impl TerritoryForm {
    fn input(&self) -> TerritoryInput {
        TerritoryInput {
            name: self.name.clone(),
            postal_prefixes: self.postal_prefixes.clone(),
            area: self.area.clone(),
        }
    }

    fn seen_version(&self) -> Result<i64, InvalidInput> {
        crate::forms::seen_version(&self.seen_version)
    }
}

/// What a save did, carried to the territory's page by its redirect (each a count).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    moved: Option<String>,
    joined: Option<String>,
    checked: Option<String>,
    reassigned: Option<String>,
    flagged: Option<String>,
}

/// The sentences that say what a save did.
fn saved_lines(page: &Page, name: &str, query: &SavedQuery) -> Vec<String> {
    let count = |raw: &Option<String>| raw.as_deref().and_then(|v| v.parse::<u32>().ok());
    let mut lines = Vec::new();
    if let Some(moved) = count(&query.moved) {
        let joined = count(&query.joined).unwrap_or(0);
        lines.push(page.locale.text_with(
            "territory-saved-accounts",
            &[
                ("moved", onsite_i18n::Arg::Num(f64::from(moved))),
                ("joined", onsite_i18n::Arg::Num(f64::from(joined))),
                ("territory", onsite_i18n::Arg::Str(name)),
            ],
        ));
    }
    if let Some(checked) = count(&query.checked).filter(|c| *c > 0) {
        lines.push(page.locale.text_with(
            "territory-saved-visits",
            &[
                ("technicians", onsite_i18n::Arg::Num(f64::from(checked))),
                (
                    "reassigned",
                    onsite_i18n::Arg::Num(f64::from(count(&query.reassigned).unwrap_or(0))),
                ),
                (
                    "flagged",
                    onsite_i18n::Arg::Num(f64::from(count(&query.flagged).unwrap_or(0))),
                ),
            ],
        ));
    }
    lines
}

/// Where a save sends the browser: the territory's page, saying what the save did.
fn saved_location(saved: &Saved, notice: &str) -> String {
    format!(
        "{TERRITORIES}/{}?notice={notice}&moved={}&joined={}&checked={}&reassigned={}&flagged={}",
        saved.id,
        saved.accounts_moved,
        saved.accounts_joined,
        saved.technicians_checked,
        saved.visits_reassigned,
        saved.visits_flagged
    )
}

/// What the area editor needs besides the form: the map's tiles and where an empty map opens.
struct MapSettings {
    tiles: String,
    center: (f64, f64),
}

#[derive(Template)]
#[template(path = "staff/territory.html")]
struct TerritoryPage {
    page: Page,
    /// `None`: a new territory.
    detail: Option<TerritoryDetail>,
    /// The version the form was shown at (what a save must have seen).
    version: i64,
    form: TerritoryForm,
    map: MapSettings,
    /// What the last save did (after its redirect).
    saved: Vec<String>,
    audit_history: Option<String>,
    errors: FieldErrors,
}

async fn territory_page(
    state: &AppState,
    page: Page,
    (detail, form): (Option<TerritoryDetail>, TerritoryForm),
    saved: Vec<String>,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let map = MapSettings {
        tiles: map_point::tiles(state).await,
        center: map_point::DEFAULT_CENTER,
    };
    let version = detail.as_ref().map_or(0, |d| d.version);
    let audit_history = detail
        .as_ref()
        .and_then(|d| page.history("territory", d.territory.id));
    let view = TerritoryPage {
        page,
        detail,
        version,
        form,
        map,
        saved,
        audit_history,
        errors,
    };
    render_with_status(status, &view)
}

/// A refused form's errors and the status to answer with.
fn refusal(page: &Page, e: &TerritoryError) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new();
    errors.add_failure(page.locale, e);
    (errors, crate::error::form_status(e))
}

fn fresh() -> (FieldErrors, StatusCode) {
    (FieldErrors::new(), StatusCode::OK)
}

/// `GET /staff/territories/new`: the form of a new territory.
pub async fn new_territory(
    State(state): State<AppState>,
    page: Page,
    Granted(_staff): Granted<Staff>,
) -> WebResult<Response> {
    let form = TerritoryForm::default();
    territory_page(&state, page, (None, form), Vec::new(), fresh()).await
}

/// `POST /staff/territories`: adds a territory, or shows the form again with why not.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(form): Form<TerritoryForm>,
) -> WebResult<Response> {
    match territories::create(&state.app, staff, &form.input(), Timestamp::now()).await {
        Ok(saved) => Ok(see_other(&saved_location(&saved, "territory-created"))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            territory_page(&state, page, (None, form), Vec::new(), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form showing a stored territory.
fn form_of(detail: &TerritoryDetail) -> TerritoryForm {
    let t = &detail.territory;
    TerritoryForm {
        name: t.name.clone(),
        postal_prefixes: t.postal_prefixes.join(", "),
        area: t.polygon.as_ref().map(area_text).unwrap_or_default(),
        seen_version: detail.version.to_string(),
    }
}

/// `GET /staff/territories/{id}`: the territory's form, who is in it, and its removal.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TerritoryId>,
    Query(query): Query<SavedQuery>,
) -> WebResult<Response> {
    let detail = territories::territory(&state.app, staff, id).await?;
    let saved = saved_lines(&page, &detail.territory.name, &query);
    let form = form_of(&detail);
    territory_page(&state, page, (Some(detail), form), saved, fresh()).await
}

/// `POST /staff/territories/{id}`: saves the territory from the version the form showed.
/// Someone else's save in between: the form comes back with their version and says so.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TerritoryId>,
    Form(form): Form<TerritoryForm>,
) -> WebResult<Response> {
    let seen_version = form.seen_version()?;
    let input = form.input();
    match territories::update(
        &state.app,
        staff,
        id,
        seen_version,
        &input,
        Timestamp::now(),
    )
    .await
    {
        Ok(saved) => Ok(see_other(&saved_location(&saved, "territory-saved"))),
        Err(e @ TerritoryError::Changed) => {
            let detail = territories::territory(&state.app, staff, id).await?;
            let theirs = form_of(&detail);
            let refused = refusal(&page, &e);
            territory_page(&state, page, (Some(detail), theirs), Vec::new(), refused).await
        }
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let detail = territories::territory(&state.app, staff, id).await?;
            let refused = refusal(&page, &e);
            let form = TerritoryForm {
                seen_version: seen_version.to_string(),
                ..form
            };
            territory_page(&state, page, (Some(detail), form), Vec::new(), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The removal form: the version the page showed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    seen_version: String,
}

/// `POST /staff/territories/{id}/delete`: removes the territory if nothing refers to it; else
/// its page says what still does, and nothing changes.
pub async fn delete(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TerritoryId>,
    Form(removal): Form<DeleteForm>,
) -> WebResult<Response> {
    let seen_version = TerritoryForm {
        seen_version: removal.seen_version,
        ..TerritoryForm::default()
    }
    .seen_version()?;
    match territories::delete(&state.app, staff, id, seen_version).await {
        Ok(()) => Ok(see_other(&format!(
            "{TERRITORIES}?notice=territory-deleted"
        ))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let detail = territories::territory(&state.app, staff, id).await?;
            let form = form_of(&detail);
            let refused = refusal(&page, &e);
            territory_page(&state, page, (Some(detail), form), Vec::new(), refused).await
        }
        Err(e) => Err(e.into()),
    }
}
