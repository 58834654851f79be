//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every `/api/` route, generated from
//! the code by utoipa. Each API handler carries its `#[utoipa::path]` (its route, parameters,
//! request body, answers and the refusals only it makes), and its bodies are the `ToSchema`
//! types it really sends and reads; [`Api`] lists the handlers. What is the same for every
//! route is added here from the route table ([`routes::table`]), the single source of who may
//! call what: each operation's security (none for `Public`, the session cookie, and the
//! `X-CSRF-Token` header on writes; or, on a route of an API token area, an API token as
//! `Authorization: Bearer`) and the guard's refusals (401 for nobody signed in, 403 —
//! or 404 on a route that names a record — for a role the route is not for, 403 for a write
//! without its CSRF token), with the one error shape ([`ErrorBody`]) and the status of each
//! kind of failure from [`status_of`], the one status map.
//!
//! The tests below hold the document to the route table both ways; `tests/web/openapi.rs`
//! calls every API route and validates each answer against the document.

use crate::error::{ErrorBody, status_of};
use crate::routes::{self, Route};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use onsite_app::failure::Kind;
use onsite_app::policy::Capability;
use serde::Serialize;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::LazyLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Ref, Schema, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Content, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

/// The name of the session cookie (`session.rs`) and of the CSRF header (`csrf.rs`).
const SESSION_COOKIE: &str = "onsite_session";
const CSRF_HEADER: &str = "X-CSRF-Token";

/// The document: every API handler, the schemas their bodies do not reach (the error shape,
/// which [`Errors`] refers to, and enumerations only query parameters name), and what
/// [`FromTheRouteTable`] adds.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Onsite API",
        description = "Onsite's JSON API. Authentication is the portal session (cookie \
            `onsite_session`), every write carrying the session's CSRF token in `X-CSRF-Token`; \
            or, on the staff's routes, an API token an administrator made \
            (`Authorization: Bearer`, scoped per area, no CSRF token). \
            Errors have one shape (`Error`), in the caller's language. See docs/api.md.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    servers((url = "/")),
    security(("session" = [])),
    tags(
        (name = "self-scheduling", description = "Customers with the self-scheduling role: their own account only."),
        (name = "dispatch", description = "Dispatchers and administrators."),
        (name = "invitations", description = "Dispatchers and administrators."),
        (name = "territories", description = "The back office's territories: dispatchers and administrators. See docs/api.md."),
        (name = "settings", description = "Every site setting: administrators only. See docs/api.md."),
        (name = "catalogue", description = "The back office's skills, products, lead types and service types: dispatchers and administrators. See docs/api.md."),
        (name = "customers", description = "The back office's accounts and contacts: dispatchers and administrators. See docs/api.md."),
        (name = "distribution", description = "Partner distribution, staff side."),
        (name = "partner", description = "Partner distribution, partners' side."),
        (name = "records", description = "Customer records: reviewers and approvers of a customer account, its exposed records only (anything else is 404)."),
        (name = "feedback", description = "Send Feedback on a completed visit (customers, while surveys are on) and the staff's responses and averages. See docs/feedback.md."),
        (name = "audit", description = "The audit log: administrators only. See docs/backoffice.md."),
        (name = "technician", description = "A technician's own day and its moves, for phone apps. See docs/technician.md."),
        (name = "meta"),
    ),
    paths(
        document,
        crate::staff::invitations::create,
        crate::staff::invitations::create_for_account,
        crate::staff::customers::api::list,
        crate::staff::customers::api::create,
        crate::staff::customers::api::get,
        crate::staff::customers::api::update,
        crate::staff::customers::api::set_account_active,
        crate::staff::customers::api::create_contact,
        crate::staff::customers::api::get_contact,
        crate::staff::customers::api::update_contact,
        crate::staff::customers::api::set_contact_active,
        crate::staff::customers::api::revoke_invitation,
        crate::staff::catalog::api::entries,
        crate::staff::catalog::api::create_entry,
        crate::staff::catalog::api::entry,
        crate::staff::catalog::api::rename,
        crate::staff::catalog::api::set_entry_active,
        crate::staff::catalog::api::service_types,
        crate::staff::catalog::api::create_service_type,
        crate::staff::catalog::api::service_type,
        crate::staff::catalog::api::update_service_type,
        crate::staff::territories::api::list,
        crate::staff::territories::api::create,
        crate::staff::territories::api::get,
        crate::staff::territories::api::update,
        crate::staff::territories::api::delete,
        crate::staff::settings::api::get,
        crate::staff::settings::api::change,
        crate::booking::api::service_types,
        crate::booking::api::assets,
        crate::booking::api::availability,
        crate::booking::api::slots,
        crate::booking::api::list,
        crate::booking::api::book,
        crate::booking::api::get,
        crate::booking::api::reschedule,
        crate::booking::api::cancel,
        crate::booking::api::staff_visits,
        crate::dispatch::api::board,
        crate::booking::api::transition,
        crate::moves::api::move_visit,
        crate::staff::booking::api::slots,
        crate::staff::booking::api::book,
        crate::tracking::api::live,
        crate::distribution::api::list,
        crate::distribution::api::create,
        crate::distribution::api::explanation,
        crate::distribution::api::distribute,
        crate::distribution::api::partner_list,
        crate::distribution::api::create_internal,
        crate::distribution::api::partner_get,
        crate::distribution::api::accept,
        crate::distribution::api::decline,
        crate::distribution::api::stage,
        crate::distribution::api::note,
        crate::distribution::api::close,
        crate::distribution::api::feedback,
        crate::distribution::api::metrics,
        crate::records::api::agreements,
        crate::records::api::agreement,
        crate::records::api::assets,
        crate::records::api::asset_tree,
        crate::records::api::asset,
        crate::records::api::work_orders,
        crate::records::api::work_order,
        crate::records::api::invoices,
        crate::records::api::invoice,
        crate::feedback::api::get,
        crate::feedback::api::send,
        crate::feedback::api::staff,
        crate::staff::audit::api,
        crate::technician::api::day,
        crate::technician::api::transition,
    ),
    components(schemas(
        ErrorBody,
        State,
        crate::distribution::api::PartnerFilter,
        crate::staff::catalog::api::CatalogList
    )),
    modifiers(&FromTheRouteTable),
)]
pub struct Api;

/// The document as served: JSON text, made from the code once, on first use. Reads as a
/// `&str` (`serde_json::from_str(DOCUMENT)`).
pub const DOCUMENT: &Document = &Document;

/// See [`DOCUMENT`].
#[derive(Debug)]
pub struct Document;

static TEXT: LazyLock<String> = LazyLock::new(|| match Api::openapi().to_json() {
    Ok(text) => text,
    Err(e) => {
        tracing::error!(error = %e, "cannot write the OpenAPI document");
        String::from("{}")
    }
});

impl std::ops::Deref for Document {
    type Target = str;

    fn deref(&self) -> &str {
        &TEXT
    }
}

/// `GET /api/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    summary = "This document",
    responses((
        status = 200,
        description = "The OpenAPI 3.1 description of every `/api/` route.",
        body = Object,
        content_type = "application/json",
    )),
)]
pub async fn document() -> Response {
    let mut response = DOCUMENT.to_owned().into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

// ---- Refusals -------------------------------------------------------------------------------

/// Ways an operation refuses a request, each a status (from a kind of failure, through
/// [`status_of`]) and when it happens, with the codes a client branches on. Declared with
/// [`refusal!`]; tuples of them list several.
pub trait Refusals {
    fn add(to: &mut Vec<(StatusCode, &'static str)>);
}

/// Declares a way to refuse: `refusal!(Name, Kind::…, "when, with its `code`");`.
macro_rules! refusal {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $when:literal $(,)?) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl $crate::openapi::Refusals for $name {
            fn add(to: &mut Vec<(axum::http::StatusCode, &'static str)>) {
                to.push(($crate::error::status_of($kind), $when));
            }
        }
    };
}
pub(crate) use refusal;

macro_rules! tuples_of_refusals {
    ($($t:ident),+) => {
        impl<$($t: Refusals),+> Refusals for ($($t,)+) {
            fn add(to: &mut Vec<(StatusCode, &'static str)>) {
                $($t::add(to);)+
            }
        }
    };
}
tuples_of_refusals!(A);
tuples_of_refusals!(A, B);
tuples_of_refusals!(A, B, C);
tuples_of_refusals!(A, B, C, D);
tuples_of_refusals!(A, B, C, D, E);
tuples_of_refusals!(A, B, C, D, E, F);

/// The responses of an operation's [`Refusals`] (in `#[utoipa::path(responses(…))]`), each
/// with the one error shape; refusals with the same status share one response.
#[derive(Debug)]
pub struct Errors<T>(PhantomData<T>);

impl<T: Refusals> IntoResponses for Errors<T> {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let mut list = Vec::new();
        T::add(&mut list);
        let mut out = BTreeMap::new();
        for (status, when) in list {
            add_error(&mut out, status.as_u16().to_string(), when);
        }
        out
    }
}

/// Adds `when` to the error response of `status` (a new one with the error shape, or the
/// description of the one there).
fn add_error(
    responses: &mut BTreeMap<String, RefOr<utoipa::openapi::Response>>,
    status: String,
    when: &str,
) {
    match responses.get_mut(&status) {
        Some(RefOr::T(response)) => {
            if !response.description.contains(when) {
                response.description = format!("{} {when}", response.description);
            }
        }
        _ => {
            let schema = Ref::from_schema_name(ErrorBody::name());
            let response = ResponseBuilder::new()
                .description(when)
                .content("application/json", Content::new(Some(schema)))
                .build();
            responses.insert(status, RefOr::T(response));
        }
    }
}

refusal!(
    /// An id that names nothing the caller may see.
    NotFound,
    Kind::NotFound,
    "No such record, or one the caller may not see: the same answer (`not_found`).",
);
refusal!(
    /// A JSON body that is not JSON.
    MalformedJson,
    Kind::Malformed,
    "The body is not JSON (`bad_request`).",
);
refusal!(
    /// A JSON body whose members do not fit the operation's body.
    UnfitJson,
    Kind::Invalid,
    "The JSON does not fit the body's schema: a member missing, unknown or of the wrong type \
     (`invalid`).",
);
refusal!(
    /// A value refused by the use case.
    Invalid,
    Kind::Invalid,
    "A value is refused (`invalid`); `field` names it.",
);

/// A body that is not `application/json` (the extractor's refusal: no kind of failure).
#[derive(Debug)]
pub struct NotJson;

impl Refusals for NotJson {
    fn add(to: &mut Vec<(StatusCode, &'static str)>) {
        to.push((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The body is not `application/json` (`unsupported_media_type`).",
        ));
    }
}

/// What reading a JSON body can refuse (axum's `Json` extractor).
pub type JsonBody = (MalformedJson, NotJson, UnfitJson);

// ---- From the route table -------------------------------------------------------------------

/// Adds to every operation what the route table says of its route (see the module doc), the
/// security schemes, and the answer any operation may give when Onsite fails.
struct FromTheRouteTable;

impl Modify for FromTheRouteTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The portal session, set by signing in.",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                CSRF_HEADER,
                "The session's CSRF token, on every write (pages publish it in \
                 `<meta name=\"csrf-token\">`).",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token an administrator made (`/staff/api-tokens`): it acts for \
                         them within its scopes, read (`GET`) or write per area. Writes need no \
                         CSRF token. See docs/api.md.",
                    ))
                    .build(),
            ),
        );
        for route in routes::table() {
            if !crate::error::is_api(route.path) {
                continue;
            }
            if let Some(operation) = operation_mut(openapi, &route) {
                from_the_route(operation, &route);
            }
        }
    }
}

/// The operation of `route` in the document, if it has one.
fn operation_mut<'a>(
    openapi: &'a mut utoipa::openapi::OpenApi,
    route: &Route,
) -> Option<&'a mut Operation> {
    let item = openapi.paths.paths.get_mut(route.path)?;
    match route.method {
        Method::GET => item.get.as_mut(),
        Method::POST => item.post.as_mut(),
        _ => None,
    }
}

fn from_the_route(operation: &mut Operation, route: &Route) {
    let write = route.method != Method::GET;
    let responses = &mut operation.responses.responses;
    if route.capability == Capability::Public {
        operation.security = Some(Vec::new());
    } else {
        add_error(
            responses,
            status(Kind::Unauthenticated),
            "Nobody is signed in (`unauthorized`).",
        );
        if route.capability != Capability::SignedIn {
            // The guard (`guard.rs`): a route naming a record answers as for an unknown id.
            if route.path.contains('{') {
                add_error(
                    responses,
                    status(Kind::NotFound),
                    "The caller's role does not allow this route: the same answer as for an \
                     unknown record (`not_found`).",
                );
            } else {
                add_error(
                    responses,
                    status(Kind::NotAllowed),
                    "The caller's role does not allow this route (`forbidden`).",
                );
            }
        }
        let session = if write {
            SecurityRequirement::new("session", Vec::<String>::new())
                .add("csrf", Vec::<String>::new())
        } else {
            SecurityRequirement::new("session", Vec::<String>::new())
        };
        if let Some(area) = route.area {
            // An API token is the alternative (`guard.rs`): the area's scope, its rate limit.
            operation.security = Some(vec![
                session,
                SecurityRequirement::new("bearer", Vec::<String>::new()),
            ]);
            let access = if write { "write" } else { "read" };
            add_error(
                responses,
                status(Kind::NotAllowed),
                &format!(
                    "An API token without the `{}:{access}` scope (`insufficient_scope`).",
                    area.as_str()
                ),
            );
            add_error(
                responses,
                status(Kind::RateLimited(onsite_app::throttle::Throttled::after(
                    jiff::SignedDuration::ZERO,
                ))),
                "Too many requests with this API token in the current minute \
                 (`too_many_requests`); `Retry-After` says when to try again.",
            );
        } else if write {
            operation.security = Some(vec![session]);
        }
    }
    if write {
        add_error(
            responses,
            status(Kind::NotAllowed),
            "A write without the session's CSRF token (`csrf`), or sent from another site \
             (`cross_site`).",
        );
    }
    add_error(
        responses,
        "default".to_owned(),
        "Any other refusal (a body too large: `payload_too_large`) or a failure on Onsite's \
         side (`internal`, `unavailable`; the message gives the request id).",
    );
}

fn status(kind: Kind) -> String {
    status_of(kind).as_u16().to_string()
}

// ---- Schemas of the domain's enumerations ---------------------------------------------------

/// A string schema whose values are `values`, in their order.
pub fn one_of_strings<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Schema {
    let values: Vec<String> = values.into_iter().map(Into::into).collect();
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values))
            .build(),
    )
}

/// What `value` is in JSON, as a string (an enumeration's member, as serde writes it).
pub fn json_name(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => format!("{other:?}"),
    }
}

/// Declares a named schema (a component) of a domain enumeration, from the domain's own list of
/// its members: `enum_schema!(Name, BookingState::ALL.map(json_name))` (what serde writes for
/// each, for a field holding the domain's type, which says `#[schema(value_type = Name)]`), or
/// the names a field holding text can take (`….map(|k| k.as_str())`). So the document lists
/// exactly what the API can send.
macro_rules! enum_schema {
    ($(#[$doc:meta])* $marker:ident, $values:expr $(,)?) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $marker;

        impl utoipa::PartialSchema for $marker {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::RefOr::T($crate::openapi::one_of_strings($values))
            }
        }

        impl utoipa::ToSchema for $marker {}
    };
}
pub(crate) use enum_schema;

enum_schema!(
    /// A visit's state.
    State,
    onsite_domain::booking::BookingState::ALL.map(json_name),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::table;
    use std::collections::BTreeSet;
    use utoipa::PartialSchema;

    fn document() -> serde_json::Value {
        serde_json::from_str(DOCUMENT).expect("the document is JSON")
    }

    #[test]
    fn every_api_route_is_described_and_nothing_else() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        let routed: BTreeSet<(String, String)> = table()
            .into_iter()
            .filter(|r| crate::error::is_api(r.path))
            .map(|r| (r.path.to_owned(), r.method.as_str().to_lowercase()))
            .collect();
        let described: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .expect("operations")
                    .keys()
                    .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                    .map(move |method| (path.clone(), method.clone()))
            })
            .collect();
        let undocumented: Vec<_> = routed.difference(&described).collect();
        assert!(
            undocumented.is_empty(),
            "give these routes' handlers a #[utoipa::path] and list them in `Api`: \
             {undocumented:?}"
        );
        let stale: Vec<_> = described.difference(&routed).collect();
        assert!(stale.is_empty(), "described but not routed: {stale:?}");
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut refs = Vec::new();
        fn walk(v: &serde_json::Value, refs: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        match (k.as_str(), v.as_str()) {
                            ("$ref", Some(r)) => refs.push(r.to_owned()),
                            _ => walk(v, refs),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, refs)),
                _ => {}
            }
        }
        walk(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').expect("local references only");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn path_parameters_are_declared() {
        let doc = document();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            let names: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for (method, op) in ops.as_object().unwrap() {
                for name in &names {
                    let declared = op["parameters"].as_array().is_some_and(|ps| {
                        ps.iter()
                            .any(|p| p["in"] == "path" && p["name"].as_str() == Some(name))
                    });
                    assert!(declared, "{method} {path}: parameter {name}");
                }
            }
        }
    }

    #[test]
    fn every_operation_says_who_may_call_it_and_how_it_refuses() {
        let doc = document();
        let mut operation_ids = BTreeSet::new();
        for route in table().into_iter().filter(|r| crate::error::is_api(r.path)) {
            let method = route.method.as_str().to_lowercase();
            let op = &doc["paths"][route.path][&method];
            let label = format!("{method} {}", route.path);
            let responses = op["responses"].as_object().expect(&label);
            assert!(
                op["tags"].as_array().is_some_and(|t| t.len() == 1),
                "{label}"
            );
            assert!(op["summary"].is_string(), "{label}: a summary");
            let id = op["operationId"].as_str().expect(&label).to_owned();
            assert!(
                operation_ids.insert(id),
                "{label}: its operationId is taken"
            );
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{label}: a success"
            );
            for (status, response) in responses {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                // The board's move answers a refusal with every reason (docs/api.md): the one
                // refusal with a shape of its own.
                let own = label == "post /api/v1/staff/visits/{id}/move"
                    && status == "409"
                    && schema == "#/components/schemas/MoveRefused";
                if !status.starts_with('2') && !own {
                    assert_eq!(
                        schema, "#/components/schemas/Error",
                        "{label} {status}: the one error shape"
                    );
                }
            }
            let security = &op["security"];
            match (route.capability, route.method == Method::POST) {
                (Capability::Public, _) => assert_eq!(security, &serde_json::json!([])),
                (_, write) if route.area.is_some() => {
                    let session = if write {
                        serde_json::json!({"session": [], "csrf": []})
                    } else {
                        serde_json::json!({"session": []})
                    };
                    assert_eq!(
                        security,
                        &serde_json::json!([session, {"bearer": []}]),
                        "{label}: the session or an API token"
                    );
                    assert!(responses.contains_key("403"), "{label}: scope refusal");
                    assert!(responses.contains_key("429"), "{label}: rate limit");
                }
                (_, true) => {
                    assert_eq!(
                        security,
                        &serde_json::json!([{"session": [], "csrf": []}]),
                        "{label}"
                    );
                    assert!(responses.contains_key("403"), "{label}: CSRF refusal");
                }
                (_, false) => assert!(security.is_null(), "{label}: the session, as all"),
            }
            if route.capability != Capability::Public {
                assert!(responses.contains_key("401"), "{label}");
            }
        }
        assert_eq!(doc["components"]["securitySchemes"]["csrf"]["in"], "header");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    }

    /// utoipa names a schema after its type (or its `#[schema(as = …)]`), and of two types
    /// with one name the document keeps one: the other's answers would then be checked
    /// against the wrong shape. Every `ToSchema` type of this crate has a name of its own.
    #[test]
    fn no_two_schemas_share_a_name() {
        fn rust_files(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("the source folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    rust_files(&path, into);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    into.push(path);
                }
            }
        }
        let mut files = Vec::new();
        rust_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            let mut schema = false;
            let mut renamed: Option<String> = None;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    schema = true;
                } else if let Some(rest) = line.strip_prefix("#[schema(as = ") {
                    renamed = rest.split(')').next().map(str::to_owned);
                } else if schema && !line.starts_with("#[") && !line.starts_with("///") {
                    let name = line
                        .trim_start_matches("pub ")
                        .trim_start_matches("pub(crate) ")
                        .split_whitespace()
                        .nth(1)
                        .map(|n| n.split(['<', '{', '(']).next().unwrap_or(n).to_owned());
                    if let Some(name) = renamed.take().or(name) {
                        owners
                            .entry(name)
                            .or_default()
                            .push(file.display().to_string());
                    }
                    schema = false;
                }
            }
        }
        let shared: Vec<_> = owners.iter().filter(|(_, files)| files.len() > 1).collect();
        assert!(owners.len() > 50, "the scan finds the schemas: {owners:?}");
        assert!(shared.is_empty(), "schemas sharing a name: {shared:?}");
    }

    #[test]
    fn enumerations_list_what_serde_writes() {
        let RefOr::T(Schema::Object(state)) = State::schema() else {
            panic!("a string schema");
        };
        let values = state.enum_values.expect("values");
        assert_eq!(values.len(), 5);
        assert!(values.contains(&serde_json::json!("in_progress")));
    }
}
