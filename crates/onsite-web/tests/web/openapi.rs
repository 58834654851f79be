//! The OpenAPI document (`GET /api/openapi.json`) against the API's real answers. Every `/api/`
//! route of the route table is called for real, with the access matrix's people and records
//! (`access::Fixture`), in at least one success and one refusal; each answer must have a
//! status its operation declares, and a body valid against the schema declared for that status
//! (JSON Schema 2020-12, checked by `jsonschema`, with every object of the document closed: a
//! member the document does not declare fails too). A route without an operation fails, and so
//! does an operation without a route (`onsite_web::openapi`'s unit tests check the same both
//! ways on the document alone).

use crate::access::{Fixture, probe_at};
use crate::support::{TestApp, TestResponse};
use axum::body::Body;
use axum::http::{Method, Request};
use jsonschema::Validator;
use onsite_app::policy::Capability;
use onsite_testkit::both_backends;
use onsite_web::routes::{Route, table};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The document, its schemas closed, and what was seen of each route.
struct Contract {
    doc: Value,
    /// `components.schemas`, closed (see [`closed`]).
    schemas: Value,
    /// Per route (method, path template): the statuses it answered.
    seen: BTreeMap<(Method, &'static str), BTreeSet<u16>>,
    failures: Vec<String>,
}

impl Contract {
    async fn load(app: &TestApp) -> Contract {
        let answer = app.get("/api/openapi.json").await;
        let doc = answer.json();
        let mut schemas = Map::new();
        for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
            schemas.insert(name.clone(), closed(schema, &doc, false));
        }
        let mut contract = Contract {
            doc,
            schemas: Value::Object(schemas),
            seen: BTreeMap::new(),
            failures: Vec::new(),
        };
        let route = route(Method::GET, "/api/openapi.json");
        contract.check(&route, "anonymous", &answer);
        contract
    }

    /// Checks `answer` of `route` against the document; a mismatch is remembered as a failure.
    fn check(&mut self, route: &Route, who: &str, answer: &TestResponse) {
        let label = format!("{who} × {} {}: {}", route.method, route.path, answer.status);
        self.seen
            .entry((route.method.clone(), route.path))
            .or_default()
            .insert(answer.status.as_u16());
        if let Err(why) = self.conforms(route, answer) {
            self.failures
                .push(format!("{label}: {why}\n    {}", answer_text(answer)));
        }
    }

    fn conforms(&self, route: &Route, answer: &TestResponse) -> Result<(), String> {
        let method = route.method.as_str().to_lowercase();
        let operation = &self.doc["paths"][route.path][&method];
        if !operation.is_object() {
            return Err("no operation in the document".into());
        }
        let status = answer.status.as_u16().to_string();
        let Some(response) = operation["responses"].get(&status) else {
            let declared: Vec<&String> =
                operation["responses"].as_object().unwrap().keys().collect();
            return Err(format!("status not declared (declared: {declared:?})"));
        };
        let schema = &response["content"]["application/json"]["schema"];
        match (answer.bytes.is_empty(), schema.is_null()) {
            (true, true) => return Ok(()),
            (true, false) => return Err("an empty body where JSON is declared".into()),
            (false, true) => return Err("a body where none is declared".into()),
            (false, false) => {}
        }
        if !answer
            .header("content-type")
            .starts_with("application/json")
        {
            return Err(format!("content type {}", answer.header("content-type")));
        }
        let body: Value =
            serde_json::from_slice(&answer.bytes).map_err(|e| format!("not JSON: {e}"))?;
        let validator = self.validator(schema)?;
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect();
        match errors.is_empty() {
            true => Ok(()),
            false => Err(format!("does not fit its schema: {}", errors.join("; "))),
        }
    }

    /// A validator of `schema` (of a response), its references into the closed components.
    fn validator(&self, schema: &Value) -> Result<Validator, String> {
        let mut root = match closed(schema, &self.doc, false) {
            Value::Object(map) => map,
            other => return Err(format!("a schema that is not an object: {other}")),
        };
        root.insert(
            "components".into(),
            json!({ "schemas": self.schemas.clone() }),
        );
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| format!("the document's schema does not compile: {e}"))
    }

    /// Fails the test with every mismatch, and unless every API route of the table answered
    /// at least one success and one refusal.
    fn assert_complete(&self) {
        let mut failures = self.failures.clone();
        for route in table().into_iter().filter(|r| r.path.starts_with("/api/")) {
            let seen = self.seen.get(&(route.method.clone(), route.path));
            let statuses = seen.map(|s| s.iter().copied().collect::<Vec<_>>());
            let success = seen.is_some_and(|s| s.iter().any(|s| (200..300).contains(s)));
            let refusal = seen.is_some_and(|s| s.iter().any(|s| (400..500).contains(s)));
            // The document itself answers anyone, and refuses nothing.
            let refuses_nothing = route.path == "/api/openapi.json";
            if !success || !(refusal || refuses_nothing) {
                failures.push(format!(
                    "{} {}: called with too few outcomes: {statuses:?}",
                    route.method, route.path
                ));
            }
        }
        let operations = self.doc["paths"].as_object().unwrap();
        for (path, item) in operations {
            for method in item.as_object().unwrap().keys() {
                let routed = table().into_iter().any(|r| {
                    r.path == path.as_str() && r.method.as_str().eq_ignore_ascii_case(method)
                });
                if !routed {
                    failures.push(format!("{method} {path}: an operation without a route"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} answers differ from the OpenAPI document:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// `schema` with every object closed: a schema that lists properties (or combines others with
/// `allOf`) gets `unevaluatedProperties: false`, unless it is itself a part of an `allOf`,
/// whose referenced parts are inlined so that the whole decides. Nothing else changes.
fn closed(schema: &Value, doc: &Value, part_of_all: bool) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let value = match key.as_str() {
            "allOf" => Value::Array(
                value
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|part| match part["$ref"].as_str() {
                        Some(r) => closed(resolve(doc, r), doc, true),
                        None => closed(part, doc, true),
                    })
                    .collect(),
            ),
            "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| closed(v, doc, false))
                    .collect(),
            ),
            "properties" => Value::Object(
                value
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(name, v)| (name.clone(), closed(v, doc, false)))
                    .collect(),
            ),
            "items" | "additionalProperties" => closed(value, doc, false),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    let lists_members = map.contains_key("properties") || map.contains_key("allOf");
    if lists_members && !part_of_all && !map.contains_key("additionalProperties") {
        out.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference.strip_prefix('#').expect("a local reference");
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("{reference} resolves"))
}

fn answer_text(answer: &TestResponse) -> String {
    let text = String::from_utf8_lossy(&answer.bytes);
    text.chars().take(600).collect()
}

/// The route of the table at `method` `path`.
fn route(method: Method, path: &str) -> Route {
    table()
        .into_iter()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("{method} {path} is in the route table"))
}

/// One call of a scenario: who calls which route (its method and template) at which path,
/// with which body, and the status it must be answered.
struct Step {
    who: Option<&'static str>,
    method: Method,
    route: &'static str,
    path: String,
    /// `(content type, body)` of a write; a GET has none.
    body: Option<(&'static str, String)>,
    /// Extra request headers.
    headers: Vec<(&'static str, &'static str)>,
    expect: u16,
}

/// `who` reads `path` (of the route `route`) and must be answered `expect`.
fn get(who: Option<&'static str>, route: &'static str, path: &str, expect: u16) -> Step {
    Step {
        who,
        method: Method::GET,
        route,
        path: path.to_owned(),
        body: None,
        headers: Vec::new(),
        expect,
    }
}

/// `who` posts the JSON `body` to `path` (of the route `route`), answered `expect`.
fn post(
    who: Option<&'static str>,
    route: &'static str,
    path: &str,
    body: Value,
    expect: u16,
) -> Step {
    Step {
        body: Some(("application/json", body.to_string())),
        method: Method::POST,
        ..get(who, route, path, expect)
    }
}

impl Step {
    /// This step with the body `raw` of `content_type` (not JSON, or not well-formed).
    fn raw(self, content_type: &'static str, raw: &str) -> Step {
        Step {
            body: Some((content_type, raw.to_owned())),
            ..self
        }
    }

    fn header(mut self, name: &'static str, value: &'static str) -> Step {
        self.headers.push((name, value));
        self
    }
}

/// Runs scenarios against the app, checking each answer against the document.
struct Run<'a> {
    app: &'a TestApp,
    fixture: &'a Fixture,
    contract: Contract,
}

impl Run<'_> {
    /// Runs `steps` in order; their answers' JSON (`null` for none).
    async fn steps(&mut self, steps: Vec<Step>) -> Vec<Value> {
        let mut answers = Vec::new();
        for step in steps {
            answers.push(self.step(step).await);
        }
        answers
    }

    async fn step(&mut self, step: Step) -> Value {
        let route = route(step.method.clone(), step.route);
        let answer = match (&step.body, step.headers.is_empty()) {
            (None, true) => probe_at(self.app, self.fixture, step.who, &route, &step.path).await,
            _ => self.send(&step).await,
        };
        let who = step.who.unwrap_or("anonymous");
        if answer.status.as_u16() != step.expect {
            self.contract.failures.push(format!(
                "{who} × {} {}: expected {}, got {}\n    {}",
                step.method,
                step.path,
                step.expect,
                answer.status,
                answer_text(&answer)
            ));
        }
        self.contract.check(&route, who, &answer);
        serde_json::from_slice(&answer.bytes).unwrap_or(Value::Null)
    }

    /// A request of the step's person (a fresh session and its CSRF token), from the portal.
    async fn send(&self, step: &Step) -> TestResponse {
        let (session, csrf) = match step.who {
            Some(name) => self.app.session_for(self.fixture.world.user(name)).await,
            None => (String::new(), String::new()),
        };
        let mut request = Request::builder()
            .method(step.method.clone())
            .uri(&step.path)
            .header("host", "onsite.test")
            .header("sec-fetch-site", "same-origin")
            .header("cookie", format!("onsite_session={session}"))
            .header("x-csrf-token", csrf);
        for (name, value) in &step.headers {
            request = request.header(*name, *value);
        }
        let body = match &step.body {
            Some((content_type, body)) => {
                request = request.header("content-type", *content_type);
                Body::from(body.clone())
            }
            None => Body::empty(),
        };
        self.app.send(request.body(body).unwrap()).await
    }
}

/// An opportunity as both create routes take it.
fn new_opportunity(name: &str) -> Value {
    json!({
        "name": name,
        "customer_name": "Marie Lavoie",
        "latitude": crate::distribution::CUSTOMER.0,
        "longitude": crate::distribution::CUSTOMER.1,
        "estimated_revenue_minor": 1_450_000,
        "lead_type": "residential",
    })
}

const CUSTOMER: Option<&str> = Some("customer of A");
const DISPATCHER: Option<&str> = Some("dispatcher");
const ADMIN: Option<&str> = Some("admin");
const PARTNER: Option<&str> = Some("partner");
const REVIEWER: Option<&str> = Some("reviewer of A");
const TECHNICIAN: Option<&str> = Some("technician");
/// An id that names nothing.
const UNKNOWN: i64 = 987_654_321;

both_backends!(
    every_api_route_answers_as_the_openapi_document_says,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let contract = Contract::load(&app).await;
        let mut run = Run {
            app: &app,
            fixture: &fixture,
            contract,
        };
        let w = &fixture.world;
        let s = &fixture.schedule;
        let r = &fixture.records;

        // Refusals of the guard and the edge, on every route at once: nobody signed in, a role
        // the route is not for, a write without its CSRF token.
        for route in table().into_iter().filter(|r| r.path.starts_with("/api/")) {
            if route.capability == Capability::Public {
                continue;
            }
            let path = fixture.path(&route);
            for who in [None, Some("technician")] {
                let answer = probe_at(&app, &fixture, who, &route, &path).await;
                run.contract
                    .check(&route, who.unwrap_or("anonymous"), &answer);
            }
            if route.method == Method::POST {
                let request = Request::post(&path)
                    .header("host", "onsite.test")
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap();
                let answer = app.send(request).await;
                run.contract
                    .check(&route, "nobody, without a CSRF token", &answer);
            }
        }

        // Invitations.
        let one = "/api/v1/invitations";
        let bulk = "/api/v1/accounts/{id}/invitations";
        let account = bulk.replace("{id}", &w.account_a.to_string());
        let nobody = bulk.replace("{id}", &UNKNOWN.to_string());
        let roles = json!(["self-scheduling"]);
        let contact = w.contact_a_new;
        let invited = run
            .steps(vec![post(
                DISPATCHER,
                one,
                one,
                json!({"contact_id": contact, "roles": roles}),
                201,
            )])
            .await;
        let invitation = invited[0]["invitation"]["id"].as_i64().unwrap_or(UNKNOWN);
        run.steps(vec![
            post(
                DISPATCHER,
                one,
                one,
                json!({"contact_id": UNKNOWN, "roles": roles}),
                404,
            ),
            post(
                DISPATCHER,
                one,
                one,
                json!({"contact_id": contact, "roles": ["admin"]}),
                422,
            ),
            post(DISPATCHER, one, one, json!({"contact_id": contact}), 422),
            post(DISPATCHER, one, one, Value::Null, 400).raw("application/json", "{\"contact"),
            post(DISPATCHER, one, one, Value::Null, 415).raw("text/plain", "contact_id=1"),
            post(DISPATCHER, bulk, &account, json!({"roles": roles}), 200),
            post(DISPATCHER, bulk, &account, json!({"roles": []}), 422),
            post(DISPATCHER, bulk, &nobody, json!({"roles": roles}), 404),
        ])
        .await;

        // The back office's customers: accounts, contacts, an invitation revoked.
        let (accounts, account, account_active, contacts) = (
            "/api/v1/staff/accounts",
            "/api/v1/staff/accounts/{id}",
            "/api/v1/staff/accounts/{id}/active",
            "/api/v1/staff/accounts/{id}/contacts",
        );
        let (contact_route, contact_active, revoke) = (
            "/api/v1/staff/contacts/{id}",
            "/api/v1/staff/contacts/{id}/active",
            "/api/v1/staff/invitations/{id}/revoke",
        );
        let of_a = |route: &str| route.replace("{id}", &w.account_a.to_string());
        let of_contact = |route: &str| route.replace("{id}", &contact.to_string());
        let of_nothing = |route: &str| route.replace("{id}", &UNKNOWN.to_string());
        let (account_version, contact_version) = {
            let mut conn = app.db.store().conn().await.unwrap();
            let a = onsite_store::accounts::account(&mut conn, w.account_a)
                .await
                .unwrap();
            let c = onsite_store::accounts::contact(&mut conn, contact)
                .await
                .unwrap();
            (a.version, c.version)
        };
        let new_account = json!({"kind": "customer", "name": "Matrix bakery",
            "address_line": "4301 Rue Saint-Denis", "city": "Montréal", "postal_code": "H2J 2K9",
            "country": "CA", "latitude": 45.5226, "longitude": -73.5831,
            "time_zone": "America/Toronto"});
        let revoked = revoke.replace("{id}", &invitation.to_string());
        run.steps(vec![
            get(DISPATCHER, accounts, accounts, 200),
            get(
                DISPATCHER,
                accounts,
                &format!("{accounts}?q=a&status=all"),
                200,
            ),
            get(
                DISPATCHER,
                accounts,
                &format!("{accounts}?status=gone"),
                422,
            ),
            post(DISPATCHER, accounts, accounts, new_account.clone(), 201),
            post(
                DISPATCHER,
                accounts,
                accounts,
                json!({"kind": "customer"}),
                422,
            ),
            get(DISPATCHER, account, &of_a(account), 200),
            get(DISPATCHER, account, &of_nothing(account), 404),
            post(
                DISPATCHER,
                account_active,
                &of_a(account_active),
                json!({"version": account_version, "active": true}),
                200,
            ),
            post(
                DISPATCHER,
                account_active,
                &of_a(account_active),
                json!({"version": 0, "active": false}),
                409,
            ),
            post(
                DISPATCHER,
                account,
                &of_a(account),
                json!({"version": account_version, "notes": "Matrix"}),
                200,
            ),
            post(
                DISPATCHER,
                account,
                &of_a(account),
                json!({"version": account_version, "notes": "Stale"}),
                409,
            ),
            post(
                DISPATCHER,
                account,
                &of_a(account),
                json!({"version": account_version + 1, "country": "Canada"}),
                422,
            ),
            post(
                DISPATCHER,
                contacts,
                &of_a(contacts),
                json!({"last_name": "Matrix", "email": "matrix@a-account.test"}),
                201,
            ),
            post(
                DISPATCHER,
                contacts,
                &of_a(contacts),
                json!({"last_name": "Matrix", "email": "matrix"}),
                422,
            ),
            get(DISPATCHER, contact_route, &of_contact(contact_route), 200),
            get(DISPATCHER, contact_route, &of_nothing(contact_route), 404),
            post(
                DISPATCHER,
                contact_active,
                &of_contact(contact_active),
                json!({"version": contact_version, "active": true}),
                200,
            ),
            post(
                DISPATCHER,
                contact_active,
                &of_contact(contact_active),
                json!({"version": 0, "active": false}),
                409,
            ),
            post(
                DISPATCHER,
                contact_route,
                &of_contact(contact_route),
                json!({"version": contact_version, "phone": "+1 514 555 0100"}),
                200,
            ),
            post(
                DISPATCHER,
                contact_route,
                &of_contact(contact_route),
                json!({"version": contact_version, "phone": ""}),
                409,
            ),
            post(DISPATCHER, revoke, &revoked, json!({}), 200),
            post(DISPATCHER, revoke, &revoked, json!({}), 409),
            post(DISPATCHER, revoke, &of_nothing(revoke), json!({}), 404),
        ])
        .await;

        // The back office's catalogue: a named list, and service types.
        let (entries, entry, entry_active) = (
            "/api/v1/staff/catalog/{list}",
            "/api/v1/staff/catalog/{list}/{id}",
            "/api/v1/staff/catalog/{list}/{id}/active",
        );
        let (service_types, service_type) = (
            "/api/v1/staff/service-types",
            "/api/v1/staff/service-types/{id}",
        );
        let skills = entries.replace("{list}", "skills");
        let made = run
            .steps(vec![post(
                DISPATCHER,
                entries,
                &skills,
                json!({"name": "Contract skill"}),
                201,
            )])
            .await;
        let skill = made[0]["id"].as_i64().unwrap_or(UNKNOWN);
        let the_skill = |route: &str| {
            route
                .replace("{list}", "skills")
                .replace("{id}", &skill.to_string())
        };
        let the_type = service_type.replace("{id}", &s.service_type.to_string());
        let type_version = {
            let mut conn = app.db.store().conn().await.unwrap();
            onsite_store::catalog::service_type(&mut conn, s.service_type)
                .await
                .unwrap()
                .version
        };
        run.steps(vec![
            get(DISPATCHER, entries, &skills, 200),
            get(DISPATCHER, entries, "/api/v1/staff/catalog/colours", 404),
            post(DISPATCHER, entries, &skills, json!({"name": "Contract skill"}), 409),
            post(
                DISPATCHER,
                entries,
                "/api/v1/staff/catalog/products",
                json!({"code": "", "name": "No code"}),
                422,
            ),
            get(DISPATCHER, entry, &the_skill(entry), 200),
            get(
                DISPATCHER,
                entry,
                &entry.replace("{list}", "skills").replace("{id}", &UNKNOWN.to_string()),
                404,
            ),
            post(
                DISPATCHER,
                entry,
                &the_skill(entry),
                json!({"version": 1, "name": "Contract skill (renamed)"}),
                200,
            ),
            post(
                DISPATCHER,
                entry,
                &the_skill(entry),
                json!({"version": 1, "name": "Stale"}),
                409,
            ),
            post(
                DISPATCHER,
                entry,
                &the_skill(entry),
                json!({"version": 2, "name": ""}),
                422,
            ),
            post(
                DISPATCHER,
                entry_active,
                &the_skill(entry_active),
                json!({"version": 2, "active": false}),
                200,
            ),
            post(
                DISPATCHER,
                entry_active,
                &the_skill(entry_active),
                json!({"version": 2, "active": true}),
                409,
            ),
            get(DISPATCHER, service_types, service_types, 200),
            post(
                DISPATCHER,
                service_types,
                service_types,
                json!({"name": "Contract service", "names": {"fr": "Service du contrat"},
                    "duration_minutes": 45, "required_skills": [{"skill_id": skill, "min_rating": 3}]}),
                201,
            ),
            post(
                DISPATCHER,
                service_types,
                service_types,
                json!({"name": "Too long", "duration_minutes": 721}),
                422,
            ),
            get(DISPATCHER, service_type, &the_type, 200),
            get(
                DISPATCHER,
                service_type,
                &service_type.replace("{id}", &UNKNOWN.to_string()),
                404,
            ),
            post(
                DISPATCHER,
                service_type,
                &the_type,
                json!({"version": type_version, "description": "Contract"}),
                200,
            ),
            post(
                DISPATCHER,
                service_type,
                &the_type,
                json!({"version": type_version, "description": "Stale"}),
                409,
            ),
            post(DISPATCHER, service_type, &the_type, json!({"description": "x"}), 422),
        ])
        .await;

        // Territories.
        let (territories, territory, territory_delete) = (
            "/api/v1/staff/territories",
            "/api/v1/staff/territories/{id}",
            "/api/v1/staff/territories/{id}/delete",
        );
        let made = run
            .steps(vec![post(
                DISPATCHER,
                territories,
                territories,
                json!({"name": "Contract territory", "postal_prefixes": ["H9Z"]}),
                201,
            )])
            .await;
        let made_path = territory.replace(
            "{id}",
            &made[0]["territory"]["id"]
                .as_i64()
                .unwrap_or(UNKNOWN)
                .to_string(),
        );
        let plateau = territory.replace("{id}", &fixture.market.plateau.to_string());
        run.steps(vec![
            get(DISPATCHER, territories, territories, 200),
            post(
                DISPATCHER,
                territories,
                territories,
                json!({"name": "No coverage"}),
                422,
            ),
            get(DISPATCHER, territory, &plateau, 200),
            get(
                DISPATCHER,
                territory,
                &territory.replace("{id}", &UNKNOWN.to_string()),
                404,
            ),
            post(
                DISPATCHER,
                territory,
                &made_path,
                json!({"version": 1, "area": [[45.0, -73.0], [45.1, -73.0], [45.1, -73.1]]}),
                200,
            ),
            post(
                DISPATCHER,
                territory,
                &made_path,
                json!({"version": 1, "name": "Stale"}),
                409,
            ),
            post(
                DISPATCHER,
                territory,
                &made_path,
                json!({"name": "No version"}),
                422,
            ),
            post(
                DISPATCHER,
                territory_delete,
                &format!("{plateau}/delete"),
                json!({"version": 1}),
                409,
            ),
            post(
                DISPATCHER,
                territory_delete,
                &format!("{made_path}/delete"),
                json!({"version": 2}),
                200,
            ),
        ])
        .await;

        // Site settings (administrators).
        let settings = "/api/v1/staff/settings";
        run.steps(vec![
            get(ADMIN, settings, settings, 200),
            post(
                ADMIN,
                settings,
                settings,
                json!({"values": {"scheduling/lead_time_minutes": 120}}),
                200,
            ),
            post(
                ADMIN,
                settings,
                settings,
                json!({"values": {"scheduling/lead_time_minutes": -1}}),
                422,
            ),
        ])
        .await;

        // Self-scheduling: what to book and when.
        let availability = format!("/api/v1/availability?service_type={}", s.service_type);
        let answers = run
            .steps(vec![
                get(
                    CUSTOMER,
                    "/api/v1/service-types",
                    "/api/v1/service-types",
                    200,
                ),
                get(CUSTOMER, "/api/v1/assets", "/api/v1/assets", 200),
                get(CUSTOMER, "/api/v1/availability", &availability, 200),
                get(
                    CUSTOMER,
                    "/api/v1/availability",
                    &format!("{availability}&from=2031-02-30"),
                    422,
                ),
                get(
                    CUSTOMER,
                    "/api/v1/availability",
                    &format!("/api/v1/availability?service_type={UNKNOWN}"),
                    404,
                ),
                get(
                    CUSTOMER,
                    "/api/v1/slots",
                    "/api/v1/slots?date=2031-01-06",
                    422,
                ),
            ])
            .await;
        let bookable: Vec<&str> = answers[2]["days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["available"] == true)
            .filter_map(|d| d["date"].as_str())
            .collect();
        assert!(bookable.len() >= 2, "{}", answers[2]);
        let slots_of = |day: &str| {
            let path = format!("/api/v1/slots?service_type={}&date={day}", s.service_type);
            get(CUSTOMER, "/api/v1/slots", &path, 200)
        };
        let days = run
            .steps(vec![slots_of(bookable[0]), slots_of(bookable[1])])
            .await;
        let slot = |day: usize| days[day]["slots"][0]["start"].clone();

        // Booking (twice with one idempotency key: once), the visits, moving and canceling.
        let book = "/api/v1/bookings";
        let new_booking = json!({"service_type": s.service_type, "slot_start": slot(0)});
        let mut with_extra = new_booking.clone();
        with_extra["extra"] = json!(1);
        let key = ("idempotency-key", "openapi-contract-1");
        let booked = run
            .steps(vec![
                post(CUSTOMER, book, book, new_booking.clone(), 201).header(key.0, key.1),
                post(CUSTOMER, book, book, new_booking, 200).header(key.0, key.1),
                post(
                    CUSTOMER,
                    book,
                    book,
                    json!({"service_type": s.service_type, "slot_start": "soon"}),
                    422,
                ),
                post(CUSTOMER, book, book, with_extra, 422),
            ])
            .await;
        let new_visit = booked[0]["booking"]["id"].as_i64().expect("a booked visit");
        let visit = |template: &str, id: i64| template.replace("{id}", &id.to_string());
        let (one, reschedule, cancel) = (
            "/api/v1/bookings/{id}",
            "/api/v1/bookings/{id}/reschedule",
            "/api/v1/bookings/{id}/cancel",
        );
        let a = fixture.booking_a.0;
        let reason = json!({"reason": "Plans changed"});
        run.steps(vec![
            get(CUSTOMER, book, book, 200),
            get(CUSTOMER, one, &visit(one, a), 200),
            get(CUSTOMER, one, &visit(one, UNKNOWN), 404),
            post(
                CUSTOMER,
                reschedule,
                &visit(reschedule, a),
                json!({"slot_start": slot(1)}),
                200,
            ),
            post(
                CUSTOMER,
                reschedule,
                &visit(reschedule, a),
                json!({"slot_start": "later"}),
                422,
            ),
            post(
                CUSTOMER,
                cancel,
                &visit(cancel, new_visit),
                json!({"reason": ""}),
                422,
            ),
            post(
                CUSTOMER,
                cancel,
                &visit(cancel, new_visit),
                reason.clone(),
                200,
            ),
            post(CUSTOMER, cancel, &visit(cancel, new_visit), reason, 409),
        ])
        .await;

        // Dispatch: the visits of a period and their moves; the live map of one on its way.
        let (board, transition, live, move_) = (
            "/api/v1/staff/visits",
            "/api/v1/staff/visits/{id}/transition",
            "/api/v1/bookings/{id}/live",
            "/api/v1/staff/visits/{id}/move",
        );
        let travel = json!({"action": "start_travel"});
        let done = fixture.completed_a.0;
        let schedule_board = "/api/v1/staff/board";
        let around = crate::support::now(&app)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .saturating_sub(jiff::ToSpan::days(4));
        run.steps(vec![
            get(DISPATCHER, schedule_board, schedule_board, 200),
            get(
                DISPATCHER,
                schedule_board,
                &format!("{schedule_board}?day=2031-01-06&view=week"),
                200,
            ),
            get(
                DISPATCHER,
                schedule_board,
                &format!("{schedule_board}?view=month"),
                422,
            ),
            get(DISPATCHER, board, board, 200),
            // The fixture's visits (completed three days ago, booked and canceled since) are
            // answered whatever the time of day: each state's shape is checked.
            get(
                DISPATCHER,
                board,
                &format!(
                    "{board}?from={around}&to={}",
                    around.saturating_add(jiff::ToSpan::days(30))
                ),
                200,
            ),
            get(
                DISPATCHER,
                schedule_board,
                &format!("{schedule_board}?day={around}&view=week"),
                200,
            ),
            get(
                DISPATCHER,
                board,
                &format!("{board}?from=2031-01-10&to=2031-01-01"),
                422,
            ),
            post(
                DISPATCHER,
                move_,
                &visit(move_, a),
                json!({"technician_id": s.technician, "starts_at": slot(1), "dry_run": true}),
                200,
            ),
            post(
                DISPATCHER,
                move_,
                &visit(move_, a),
                json!({"technician_id": s.technician, "starts_at": "soon"}),
                422,
            ),
            post(
                DISPATCHER,
                move_,
                &visit(move_, UNKNOWN),
                json!({"technician_id": s.technician, "starts_at": slot(1)}),
                404,
            ),
            post(
                DISPATCHER,
                transition,
                &visit(transition, a),
                travel.clone(),
                200,
            ),
            post(DISPATCHER, transition, &visit(transition, a), travel, 409),
            // Traveling: no longer moves.
            post(
                DISPATCHER,
                move_,
                &visit(move_, a),
                json!({"technician_id": s.technician, "starts_at": slot(0)}),
                409,
            ),
            post(
                DISPATCHER,
                transition,
                &visit(transition, a),
                json!({"action": "fly"}),
                422,
            ),
            get(CUSTOMER, live, &visit(live, a), 200),
            get(CUSTOMER, live, &visit(live, done), 404),
        ])
        .await;

        // Booking on behalf of a customer: the ranked slots of a free day, Book (the engine's
        // choice), the same time again (taken), and refused input.
        let (staff_slots, staff_book) = ("/api/v1/staff/bookings/slots", "/api/v1/staff/bookings");
        let order = format!(
            "{staff_slots}?account={}&service_type={}",
            w.account_a, s.service_type
        );
        let ranked = run
            .steps(vec![
                get(
                    DISPATCHER,
                    staff_slots,
                    &format!("{order}&date={}", bookable[1]),
                    200,
                ),
                get(DISPATCHER, staff_slots, &format!("{order}&date=soon"), 422),
            ])
            .await;
        let start = ranked[0]["slots"][0]["start"].clone();
        let phone_order = json!({
            "account_id": w.account_a.0,
            "service_type_id": s.service_type.0,
            "starts_at": start,
        });
        run.steps(vec![
            post(DISPATCHER, staff_book, staff_book, phone_order.clone(), 201),
            post(DISPATCHER, staff_book, staff_book, phone_order, 409),
            post(
                DISPATCHER,
                staff_book,
                staff_book,
                json!({"account_id": w.account_a.0, "service_type_id": UNKNOWN, "starts_at": start}),
                422,
            ),
        ])
        .await;

        // The technician's day over JSON: Théo's own visit moves, another's is not found.
        let (their_day, move_) = (
            "/api/v1/technician/day",
            "/api/v1/technician/visits/{id}/transition",
        );
        let theo = onsite_store::technicians::technician_for_user(
            &mut app.db.store().conn().await.unwrap(),
            w.user("technician"),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
        let theos = crate::technician::StoredVisit {
            service_type: s.service_type,
            account: w.account_a,
            tech: theo,
            start: crate::support::now(&app) + jiff::SignedDuration::from_hours(3),
            comments: "",
        }
        .write(&app, w, &[])
        .await
        .0;
        run.steps(vec![
            get(TECHNICIAN, their_day, their_day, 200),
            post(
                TECHNICIAN,
                move_,
                &visit(move_, theos),
                json!({"action": "start_travel"}),
                200,
            ),
            post(
                TECHNICIAN,
                move_,
                &visit(move_, theos),
                json!({"action": "start_travel"}),
                409,
            ),
            post(
                TECHNICIAN,
                move_,
                &visit(move_, theos),
                json!({"action": "fly"}),
                422,
            ),
            post(
                TECHNICIAN,
                move_,
                &visit(move_, a),
                json!({"action": "start_work"}),
                404,
            ),
        ])
        .await;

        // Feedback on a Completed visit, and what staff see of it.
        let survey = "/api/v1/bookings/{id}/feedback";
        let sent = json!({"rating": 5, "comment": "On time and tidy"});
        let staff = "/api/v1/staff/feedback";
        run.steps(vec![
            get(CUSTOMER, survey, &visit(survey, done), 200),
            get(CUSTOMER, survey, &visit(survey, a), 409),
            post(
                CUSTOMER,
                survey,
                &visit(survey, done),
                json!({"rating": 9}),
                422,
            ),
            post(CUSTOMER, survey, &visit(survey, done), sent.clone(), 201),
            post(CUSTOMER, survey, &visit(survey, done), sent, 409),
            get(CUSTOMER, survey, &visit(survey, done), 200),
            get(DISPATCHER, staff, staff, 200),
            get(DISPATCHER, staff, &format!("{staff}?month=2031-13"), 422),
        ])
        .await;

        // The audit log (administrators), with what the steps above wrote.
        let audit = "/api/v1/audit";
        run.steps(vec![
            get(ADMIN, audit, audit, 200),
            get(
                ADMIN,
                audit,
                &format!("{audit}?entity=booking&id={done}"),
                200,
            ),
            get(ADMIN, audit, &format!("{audit}?from=2031-02-30"), 422),
            get(ADMIN, audit, &format!("{audit}?cursor=forged"), 422),
        ])
        .await;

        // Partner distribution, staff's side.
        let (list, explain, distribute) = (
            "/api/v1/opportunities",
            "/api/v1/opportunities/{id}/explanation",
            "/api/v1/opportunities/{id}/distribute",
        );
        let new = fixture.opportunity_new.0;
        let mut nowhere = new_opportunity("Nowhere lead");
        nowhere["latitude"] = json!(123.0);
        run.steps(vec![
            get(DISPATCHER, list, list, 200),
            get(DISPATCHER, list, &format!("{list}?status=lukewarm"), 422),
            post(
                DISPATCHER,
                list,
                list,
                new_opportunity("Contract lead"),
                201,
            ),
            post(DISPATCHER, list, list, nowhere, 422),
            get(DISPATCHER, explain, &visit(explain, new), 200),
            get(DISPATCHER, explain, &visit(explain, UNKNOWN), 404),
            post(
                DISPATCHER,
                distribute,
                &visit(distribute, new),
                json!({"partner_id": UNKNOWN}),
                422,
            ),
            post(
                DISPATCHER,
                distribute,
                &visit(distribute, new),
                json!({}),
                200,
            ),
            post(
                DISPATCHER,
                distribute,
                &visit(distribute, new),
                json!({}),
                409,
            ),
            get(DISPATCHER, explain, &visit(explain, new), 200),
        ])
        .await;

        // Partner distribution, the partner's side: its list, its own lead, one offered to
        // another partner, one declined, and one worked from accepting to its feedback.
        let market = &fixture.market;
        let theirs = market
            .distributed_to(&app, w, "Partner B's lead", market.partner_b)
            .await;
        let second = market
            .distributed_to(&app, w, "Another lead", market.partner_a)
            .await;
        let (mine, detail) = (
            "/api/v1/partner/opportunities",
            "/api/v1/partner/opportunities/{id}",
        );
        let offered = fixture.opportunity_a.0;
        let at = |id: i64, action: &str| format!("{mine}/{id}/{action}");
        let act = |action: &'static str| match action {
            "accept" => "/api/v1/partner/opportunities/{id}/accept",
            "decline" => "/api/v1/partner/opportunities/{id}/decline",
            "stage" => "/api/v1/partner/opportunities/{id}/stage",
            "notes" => "/api/v1/partner/opportunities/{id}/notes",
            "close" => "/api/v1/partner/opportunities/{id}/close",
            _ => "/api/v1/partner/opportunities/{id}/feedback",
        };
        let mut steps = vec![
            get(PARTNER, mine, mine, 200),
            get(PARTNER, mine, &format!("{mine}?filter=lukewarm"), 422),
            post(PARTNER, mine, mine, new_opportunity("Found it myself"), 201),
            post(PARTNER, mine, mine, json!({"name": "Half a lead"}), 422),
            get(PARTNER, detail, &visit(detail, offered), 200),
            get(PARTNER, detail, &visit(detail, theirs.0), 404),
            post(
                PARTNER,
                act("decline"),
                &at(second.0, "decline"),
                json!({"reason": " "}),
                422,
            ),
            post(
                PARTNER,
                act("decline"),
                &at(second.0, "decline"),
                json!({"reason": "Far"}),
                200,
            ),
            post(
                PARTNER,
                act("decline"),
                &at(second.0, "decline"),
                json!({"reason": "Far"}),
                404,
            ),
            get(
                PARTNER,
                "/api/v1/partner/metrics",
                "/api/v1/partner/metrics",
                200,
            ),
        ];
        for (action, body, expect) in [
            ("accept", None, 200),
            ("accept", None, 409),
            ("stage", Some(json!({"stage": "qualify"})), 200),
            ("stage", Some(json!({"stage": "dream"})), 422),
            ("notes", Some(json!({"note": "Called Marie"})), 200),
            ("notes", Some(json!({"note": ""})), 422),
            ("feedback", Some(json!({"feedback": "Early"})), 409),
            ("close", Some(json!({"outcome": "maybe"})), 422),
            ("close", Some(json!({"outcome": "won"})), 200),
            ("close", Some(json!({"outcome": "won"})), 409),
            ("feedback", Some(json!({"feedback": "Good lead"})), 200),
        ] {
            let path = at(offered, action);
            steps.push(match body {
                Some(body) => post(PARTNER, act(action), &path, body, expect),
                None => Step {
                    method: Method::POST,
                    ..get(PARTNER, act(action), &path, expect)
                },
            });
        }
        run.steps(steps).await;

        // Customer records, as a reviewer of account A: each list (and an option it refuses),
        // lists by a related record, and each record (and one out of reach).
        let mut steps = Vec::new();
        for (list, refused) in [
            ("/api/v1/records/agreements", "?sort=colour"),
            ("/api/v1/records/assets", "?limit=0"),
            ("/api/v1/records/assets/tree", "?order=sideways"),
            ("/api/v1/records/work-orders", "?filter=someday"),
            ("/api/v1/records/invoices", "?cursor=forged"),
        ] {
            steps.push(get(REVIEWER, list, list, 200));
            steps.push(get(REVIEWER, list, &format!("{list}{refused}"), 400));
        }
        let (work_orders, assets) = ("/api/v1/records/work-orders", "/api/v1/records/assets");
        let of_b = format!("{work_orders}?agreement={}", r.agreement_b);
        steps.push(get(REVIEWER, work_orders, &of_b, 404));
        let parts = format!("{assets}?parent={}", r.asset_a);
        steps.push(get(REVIEWER, assets, &parts, 200));
        for (record, id, hidden) in [
            (
                "/api/v1/records/agreements/{id}",
                r.renewal_a.0,
                r.agreement_a_hidden.0,
            ),
            ("/api/v1/records/assets/{id}", r.asset_a.0, r.asset_b.0),
            (
                "/api/v1/records/work-orders/{id}",
                r.estimate_a.0,
                r.work_order_b.0,
            ),
            (
                "/api/v1/records/invoices/{id}",
                r.invoice_a.0,
                r.invoice_a_hidden.0,
            ),
        ] {
            steps.push(get(REVIEWER, record, &visit(record, id), 200));
            steps.push(get(REVIEWER, record, &visit(record, hidden), 404));
        }
        run.steps(steps).await;

        run.contract.assert_complete();
    }
);
