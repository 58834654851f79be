//! The catalogue pages under `/staff/catalog/…` (dispatchers and administrators, SPEC §10):
//! the named lists — characteristics (skills), products and lead types — each a list with a
//! "New" form and a page per entry to rename, retire or restore it; and the service types,
//! listed, created and edited in one form (names per language, duration, required skills,
//! self-scheduling or staff-only, retired). A refused form is shown again with what was typed
//! and a message naming the field; nothing changes. A save from a stale form (someone else
//! saved meanwhile) comes back with their version and says so.

use super::input_of;
use crate::forms::{FieldErrors, seen_version};
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::catalog::{self, CatalogError, List, ServiceTypeInput};
use onsite_app::policy::Staff;
use onsite_domain::service_type::ServiceType;
use onsite_domain::skill::Rating;
use onsite_domain::{CharacteristicId, InvalidInput, ServiceTypeId};
use onsite_i18n::{Locale, SUPPORTED};
use onsite_store::catalog::Entry;

/// One of the named lists' pages: which list, where, and its messages' prefix.
pub trait Section: Send + Sync + 'static {
    const LIST: List;
    /// The list page's path, e.g. `/staff/catalog/skills`.
    const PATH: &'static str;
    /// The prefix of its Fluent messages, e.g. `catalog-skills`.
    const MESSAGES: &'static str;
}

/// Characteristics: the skills technicians have and service types and assets require.
pub struct Skills;
/// The products partners sell.
pub struct Products;
/// The kinds of lead partners take.
pub struct LeadTypes;

impl Section for Skills {
    const LIST: List = List::Characteristics;
    const PATH: &'static str = "/staff/catalog/skills";
    const MESSAGES: &'static str = "catalog-skills";
}

impl Section for Products {
    const LIST: List = List::Products;
    const PATH: &'static str = "/staff/catalog/products";
    const MESSAGES: &'static str = "catalog-products";
}

impl Section for LeadTypes {
    const LIST: List = List::LeadTypes;
    const PATH: &'static str = "/staff/catalog/lead-types";
    const MESSAGES: &'static str = "catalog-lead-types";
}

/// What a named list's pages show about their section, in the person's language.
struct SectionView {
    path: &'static str,
    has_code: bool,
    title: String,
    intro: String,
    new_label: String,
    none: String,
}

fn section<S: Section>(page: &Page) -> SectionView {
    let t = |suffix: &str| page.t(&format!("{}-{suffix}", S::MESSAGES));
    SectionView {
        path: S::PATH,
        has_code: S::LIST.has_code(),
        title: t("title"),
        intro: t("intro"),
        new_label: t("new"),
        none: t("none"),
    }
}

/// The "New" form and the rename form: what was typed (and, renaming, the version the page
/// showed).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryForm {
    code: String,
    name: String,
    seen_version: String,
}

/// The retire and restore buttons: the version the page showed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    seen_version: String,
}

#[derive(Template)]
#[template(path = "staff/catalog_list.html")]
struct ListPage {
    page: Page,
    section: SectionView,
    entries: Vec<Entry>,
    new: EntryForm,
    errors: FieldErrors,
}

/// A refused form's errors and the status to answer with.
fn refusal(page: &Page, e: &CatalogError) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new();
    errors.add_failure(page.locale, e);
    (errors, crate::error::form_status(e))
}

async fn list_page<S: Section>(
    state: &AppState,
    page: Page,
    staff: Staff,
    new: EntryForm,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let entries = catalog::entries(&state.app, staff, S::LIST).await?;
    let view = ListPage {
        section: section::<S>(&page),
        page,
        entries,
        new,
        errors,
    };
    render_with_status(status, &view)
}

/// `GET /staff/catalog/<section>`: every entry, active ones first, and the "New" form.
pub async fn list<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
) -> WebResult<Response> {
    let fresh = (FieldErrors::new(), StatusCode::OK);
    list_page::<S>(&state, page, staff, EntryForm::default(), fresh).await
}

/// `POST /staff/catalog/<section>`: adds an entry, or shows the form again with why not.
pub async fn create<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    match catalog::create(&state.app, staff, S::LIST, &form.code, &form.name).await {
        Ok(id) => Ok(see_other(&format!(
            "{}/{id}?notice=catalog-created",
            S::PATH
        ))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            list_page::<S>(&state, page, staff, form, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/catalog_entry.html")]
struct EntryPage {
    page: Page,
    section: SectionView,
    entry: Entry,
    /// The name in the rename form: the entry's, or what was typed.
    typed_name: String,
    errors: FieldErrors,
}

async fn entry_page<S: Section>(
    state: &AppState,
    page: Page,
    staff: Staff,
    (id, typed): (i64, Option<String>),
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let entry = catalog::entry(&state.app, staff, S::LIST, id).await?;
    let view = EntryPage {
        section: section::<S>(&page),
        page,
        typed_name: typed.unwrap_or_else(|| entry.name.clone()),
        entry,
        errors,
    };
    render_with_status(status, &view)
}

/// `GET /staff/catalog/<section>/{id}`: the entry, to rename, retire or restore.
pub async fn show<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let fresh = (FieldErrors::new(), StatusCode::OK);
    entry_page::<S>(&state, page, staff, (id, None), fresh).await
}

/// `POST /staff/catalog/<section>/{id}`: renames the entry, from the version the page showed
/// (someone else's change in between: the page again with theirs, 409).
pub async fn rename<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    let renamed = async {
        let version = seen_version(&form.seen_version)?;
        catalog::rename(&state.app, staff, S::LIST, (id, version), &form.name).await
    };
    match renamed.await {
        Ok(()) => Ok(see_other(&format!("{}/{id}?notice=catalog-saved", S::PATH))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            let typed = Some(form.name).filter(|_| !matches!(e, CatalogError::Changed));
            entry_page::<S>(&state, page, staff, (id, typed), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Retires or restores the entry from the version the page showed.
async fn set_active<S: Section>(
    state: AppState,
    page: Page,
    staff: Staff,
    (id, form): (i64, VersionForm),
    active: bool,
) -> WebResult<Response> {
    let saved = async {
        let version = seen_version(&form.seen_version)?;
        catalog::set_active(&state.app, staff, S::LIST, (id, version), active).await
    };
    match saved.await {
        Ok(()) => {
            let done = if active { "restored" } else { "retired" };
            Ok(see_other(&format!(
                "{}/{id}?notice=catalog-{done}",
                S::PATH
            )))
        }
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            entry_page::<S>(&state, page, staff, (id, None), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/catalog/<section>/{id}/retire`: no longer offered; kept where it is used.
pub async fn retire<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Form(form): Form<VersionForm>,
) -> WebResult<Response> {
    set_active::<S>(state, page, staff, (id, form), false).await
}

/// `POST /staff/catalog/<section>/{id}/restore`: offered again.
pub async fn restore<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Form(form): Form<VersionForm>,
) -> WebResult<Response> {
    set_active::<S>(state, page, staff, (id, form), true).await
}

// ---- Service types --------------------------------------------------------------------------

/// The service types' list page.
pub const SERVICE_TYPES: &str = "/staff/catalog/service-types";

#[derive(Template)]
#[template(path = "staff/service_types.html")]
struct ServiceTypesPage {
    page: Page,
    service_types: Vec<ServiceType>,
}

/// `GET /staff/catalog/service-types`: every service type, retired ones too.
pub async fn service_types(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
) -> WebResult<Response> {
    let service_types = catalog::service_types(&state.app, staff).await?;
    render(&ServiceTypesPage {
        page,
        service_types,
    })
}

/// A language's name field of the form.
struct NameField {
    tag: &'static str,
    label: String,
    value: String,
}

/// A skill's line of the form: not required, or a minimum rating.
struct SkillField {
    id: i64,
    name: String,
    active: bool,
    /// The minimum rating chosen ("" when not required).
    rating: String,
}

#[derive(Template)]
#[template(path = "staff/service_type_form.html")]
struct ServiceTypeFormPage {
    page: Page,
    /// `None`: a new service type.
    editing: Option<(ServiceTypeId, i64)>,
    input: ServiceTypeInput,
    names: Vec<NameField>,
    skills: Vec<SkillField>,
    /// The minimum ratings offered: (value, label).
    ratings: Vec<(String, String)>,
    errors: FieldErrors,
}

/// The service type form as submitted: `name`, `name-<language>`, `description`,
/// `duration_minutes`, `skill-<id>` (a minimum rating, or empty), `self_scheduling`,
/// `retired`, `seen_version`.
fn read_form(pairs: &[(String, String)]) -> WebResult<(ServiceTypeInput, Option<i64>)> {
    let mut input = ServiceTypeInput::default();
    let mut seen_version = None;
    for (key, value) in pairs {
        match key.as_str() {
            "name" => input.name = value.clone(),
            "description" => input.description = value.clone(),
            "duration_minutes" => input.duration_minutes = value.clone(),
            "self_scheduling" => input.self_scheduling = true,
            "retired" => input.retired = true,
            "seen_version" => {
                seen_version = Some(
                    value
                        .trim()
                        .parse()
                        .map_err(|_| InvalidInput::new("seen_version", "out-of-range"))?,
                );
            }
            _ => {
                if let Some(tag) = key.strip_prefix("name-") {
                    let locale =
                        Locale::from_tag(tag).ok_or(InvalidInput::new("names", "unknown"))?;
                    input.names.push((locale, value.clone()));
                } else if let Some(id) = key.strip_prefix("skill-") {
                    let id = id
                        .parse()
                        .map_err(|_| InvalidInput::new("required_skills", "unknown"))?;
                    if !value.trim().is_empty() {
                        input
                            .required_skills
                            .push((CharacteristicId(id), value.clone()));
                    }
                }
            }
        }
    }
    Ok((input, seen_version))
}

async fn form_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    (editing, input): (Option<(ServiceTypeId, i64)>, ServiceTypeInput),
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let names = SUPPORTED
        .iter()
        .filter(|l| **l != onsite_i18n::DEFAULT)
        .map(|l| NameField {
            tag: l.tag(),
            label: page.t1("catalog-service-type-name-in", "language", l.native_name),
            value: input
                .names
                .iter()
                .find(|(x, _)| x == l)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        })
        .collect();
    let skills = catalog::entries(&state.app, staff, List::Characteristics)
        .await?
        .into_iter()
        .map(|e| SkillField {
            rating: input
                .required_skills
                .iter()
                .find(|(id, _)| id.0 == e.id)
                .map(|(_, r)| r.trim().to_owned())
                .unwrap_or_default(),
            id: e.id,
            name: e.name,
            active: e.active,
        })
        // A retired skill is offered only where it is required already.
        .filter(|s| s.active || !s.rating.is_empty())
        .collect();
    let view = ServiceTypeFormPage {
        editing,
        input,
        names,
        skills,
        ratings: (Rating::MIN.get()..=Rating::MAX.get())
            .map(|r| {
                let label = page.tn("catalog-service-type-skill-at-least", "rating", r);
                (r.to_string(), label)
            })
            .collect(),
        errors,
        page,
    };
    render_with_status(status, &view)
}

/// `GET /staff/catalog/service-types/new`: the form of a new service type.
pub async fn new_service_type(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
) -> WebResult<Response> {
    let input = ServiceTypeInput {
        duration_minutes: "60".into(),
        self_scheduling: true,
        ..ServiceTypeInput::default()
    };
    let fresh = (FieldErrors::new(), StatusCode::OK);
    form_page(&state, page, staff, (None, input), fresh).await
}

/// `POST /staff/catalog/service-types`: adds a service type, or shows the form again.
pub async fn create_service_type(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (input, _) = read_form(&pairs)?;
    match catalog::create_service_type(&state.app, staff, &input).await {
        Ok(id) => Ok(see_other(&format!(
            "{SERVICE_TYPES}/{id}?notice=catalog-created"
        ))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            form_page(&state, page, staff, (None, input), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /staff/catalog/service-types/{id}`: the service type's form.
pub async fn service_type(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ServiceTypeId>,
) -> WebResult<Response> {
    let detail = catalog::service_type(&state.app, staff, id).await?;
    let editing = Some((id, detail.service_type.version));
    let fresh = (FieldErrors::new(), StatusCode::OK);
    form_page(&state, page, staff, (editing, input_of(detail)), fresh).await
}

/// `POST /staff/catalog/service-types/{id}`: saves the service type from the version the form
/// showed. Someone else's save in between: the form comes back with their version and says so.
pub async fn save_service_type(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<ServiceTypeId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (input, seen_version) = read_form(&pairs)?;
    let seen_version = seen_version.ok_or(InvalidInput::new("seen_version", "required"))?;
    match catalog::update_service_type(&state.app, staff, id, seen_version, &input).await {
        Ok(()) => Ok(see_other(&format!(
            "{SERVICE_TYPES}/{id}?notice=catalog-saved"
        ))),
        Err(e @ CatalogError::Changed) => {
            let detail = catalog::service_type(&state.app, staff, id).await?;
            let editing = Some((id, detail.service_type.version));
            let refused = refusal(&page, &e);
            form_page(&state, page, staff, (editing, input_of(detail)), refused).await
        }
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            let editing = Some((id, seen_version));
            form_page(&state, page, staff, (editing, input), refused).await
        }
        Err(e) => Err(e.into()),
    }
}
