//! The catalogue pages under `/staff/catalog/…` (dispatchers and administrators, SPEC §10):
//! the named lists — characteristics (skills), products and lead types — each a list with a
//! "New" form and a page per entry to rename, retire or restore it. A refused form is shown
//! again with what was typed and a message naming the field; nothing changes.

use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::catalog::{self, CatalogError, List};
use onsite_app::policy::Staff;
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

/// The "New" form and the rename form: what was typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryForm {
    code: String,
    name: String,
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

/// `POST /staff/catalog/<section>/{id}`: renames the entry.
pub async fn rename<S: Section>(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    match catalog::rename(&state.app, staff, S::LIST, id, &form.name).await {
        Ok(()) => Ok(see_other(&format!("{}/{id}?notice=catalog-saved", S::PATH))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let refused = refusal(&page, &e);
            entry_page::<S>(&state, page, staff, (id, Some(form.name)), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/catalog/<section>/{id}/retire`: no longer offered; kept where it is used.
pub async fn retire<S: Section>(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    catalog::set_active(&state.app, staff, S::LIST, id, false).await?;
    Ok(see_other(&format!(
        "{}/{id}?notice=catalog-retired",
        S::PATH
    )))
}

/// `POST /staff/catalog/<section>/{id}/restore`: offered again.
pub async fn restore<S: Section>(
    State(state): State<AppState>,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    catalog::set_active(&state.app, staff, S::LIST, id, true).await?;
    Ok(see_other(&format!(
        "{}/{id}?notice=catalog-restored",
        S::PATH
    )))
}
