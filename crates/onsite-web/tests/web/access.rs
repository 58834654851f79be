//! The access matrix, generated from the route table: every kind of person × every route,
//! answered exactly as the authorization policy says (0 unexpected successes), one account's
//! records never shown to another, and nobody's reset link or invitation code shown to anyone
//! else. A route added to the table is tested here at
//! once; one whose path needs ids this harness cannot fill fails until [`Fixture::path`]
//! learns them.
//!
//! The people are real users with real sessions in a fresh database; path parameters are
//! filled with ids of account A's objects.

use crate::distribution::{CUSTOMER, Market};
use crate::support::{A_MARKERS, B_MARKERS, Browser, TestApp, TestResponse, World, kept_secrets};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use onsite_app::policy::{Actor, Capability};
use onsite_domain::OpportunityId;
use onsite_domain::text::EmailAddress;
use onsite_store::catalog::{self, List};
use onsite_store::external_identities::{self, NewLink};
use onsite_store::outbox::{self, Attachment, NewEmail, OutboxId};
use onsite_testkit::both_backends;
use onsite_web::routes::{Route, table};

/// The kinds of people of the matrix, by their [`World`] name (`None`: anonymous).
const PEOPLE: [Option<&str>; 9] = [
    None,
    Some("customer of A"),
    Some("customer of B"),
    Some("reviewer of A"),
    Some("approver of A"),
    Some("partner"),
    Some("technician"),
    Some("dispatcher"),
    Some("admin"),
];

/// Account A's objects that fill path parameters (also the OpenAPI test's, `openapi.rs`).
pub(crate) struct Fixture {
    pub(crate) world: World,
    /// The partners and products of partner distribution.
    pub(crate) market: Market,
    /// A New opportunity (staff routes of partner distribution).
    pub(crate) opportunity_new: OpportunityId,
    /// An opportunity distributed to the World's partner account (partner A; the partner
    /// routes). Partner B's are tested in `distribution.rs`.
    pub(crate) opportunity_a: OpportunityId,
    /// An external identity linked to the customer of A.
    identity_a: i64,
    /// A message to the customer of A, with an attachment.
    message_a: OutboxId,
    /// What account A can book, and a Scheduled visit of account A.
    pub(crate) schedule: crate::bookings::Schedule,
    pub(crate) booking_a: onsite_domain::BookingId,
    /// A Completed visit of account A (Send Feedback's routes).
    pub(crate) completed_a: onsite_domain::BookingId,
    /// Customer records of accounts A and B (exposed and hidden).
    pub(crate) records: crate::records::Records,
    /// A tracking token of the schedule's technician (not one of the probing people, so that
    /// the technician's own "new token" probe cannot revoke it), and the time of its positions.
    tracking_token: String,
    tracking_time: i64,
    /// A skill and a lead type of the catalogue (its products are the market's).
    skill: i64,
    lead_type: i64,
    /// A technician of the workforce pages (not one anybody signs in as: the matrix's body
    /// of the sign-in link form unlinks) and a working-hours template.
    workforce_technician: i64,
    working_hours_template: i64,
    /// A pending invitation of account A's new contact (revoking it is a staff route).
    invitation_a: i64,
    /// A webhook endpoint and one of its deliveries.
    webhook: (
        onsite_store::webhooks::EndpointId,
        onsite_store::webhooks::DeliveryId,
    ),
}

impl Fixture {
    pub(crate) async fn build(app: &TestApp) -> Fixture {
        let world = World::build(app).await;
        let mut conn = app.db.store().conn().await.unwrap();
        let identity_a = external_identities::link(
            &mut conn,
            &NewLink {
                user_id: world.user("customer of A"),
                provider: "corp",
                subject: "ana-at-corp",
                email: Some("ana.zephyrine@a-account.test"),
                now: crate::support::now(app),
            },
        )
        .await
        .unwrap()
        .id;
        let recipient = EmailAddress::parse("ana.zephyrine@a-account.test").unwrap();
        let message_a = outbox::enqueue(
            &mut conn,
            &NewEmail {
                event_key: "test:message-a",
                kind: "test",
                recipient: &recipient,
                locale: "en",
                subject: "Your visit with Ana Zephyrine",
                text_body: "Hello Ana Zephyrine of Zephyrine Holdings",
                html_body: "<p>Hello Ana Zephyrine</p>",
                attachments: &[Attachment {
                    filename: "visit.ics".into(),
                    content_type: "text/calendar".into(),
                    content: b"BEGIN:VCALENDAR".to_vec(),
                }],
                secret: None,
            },
            crate::support::now(app),
        )
        .await
        .unwrap()
        .id();
        drop(conn);
        let market = Market::build(app, &world).await;
        let opportunity_new = market
            .new_opportunity(app, &world, "Opportunity of the matrix")
            .await;
        let opportunity_a = market
            .distributed_to(app, &world, "Partner A's opportunity", market.partner_a)
            .await;
        let schedule = crate::bookings::schedule(app, &world).await;
        let customer_a = crate::bookings::principal(app, world.user("customer of A")).await;
        let booking_a = crate::bookings::book_first(app, &customer_a, schedule.service_type).await;
        let records = crate::records::Records::build(app, &world, schedule.service_type).await;
        let completed_a = crate::feedback::completed_in_store(app, &world, &schedule).await;
        let tracking_token = onsite_app::secrets::Secret::token();
        onsite_store::positions::set_token(
            &mut app.db.store().conn().await.unwrap(),
            schedule.technician,
            &tracking_token.hash(),
            crate::support::now(app),
        )
        .await
        .unwrap();
        let tracking_token = tracking_token.expose().to_owned();
        let tracking_time = crate::support::now(app).as_second();
        let mut conn = app.db.store().conn().await.unwrap();
        let skill = catalog::insert_entry(&mut conn, List::Characteristics, None, "Matrix skill")
            .await
            .unwrap();
        let lead_type = catalog::insert_entry(&mut conn, List::LeadTypes, Some("matrix"), "Matrix")
            .await
            .unwrap();
        let workforce_technician =
            onsite_testkit::fixtures::technician(&mut conn, "Matrix technician", None)
                .await
                .0;
        let working_hours_template = onsite_store::working_hours::insert_template(
            &mut conn,
            "Matrix hours",
            &onsite_domain::working_hours::WeeklyHours::default(),
            crate::support::now(app),
        )
        .await
        .unwrap()
        .0;
        drop(conn);
        let invitation_a = onsite_app::identity::invite(
            app.app(),
            world.contact_a_new,
            &[onsite_domain::role::Role::SelfScheduling],
            None,
            onsite_app::identity::InviteMode::Manual,
            crate::support::now(app),
        )
        .await
        .unwrap()
        .invitation_id;
        let webhook = crate::webhooks::fixture(app).await;
        Fixture {
            world,
            market,
            opportunity_new,
            opportunity_a,
            identity_a,
            message_a,
            schedule,
            booking_a,
            completed_a,
            records,
            tracking_token,
            tracking_time,
            skill,
            lead_type,
            workforce_technician,
            working_hours_template,
            invitation_a,
            webhook,
        }
    }

    /// The route's path with its parameters filled by account A's objects.
    pub(crate) fn path(&self, route: &Route) -> String {
        let w = &self.world;
        match route.path {
            "/assets/{version}/{*path}" => onsite_web::assets::url("onsite.css"),
            "/auth/oidc/{id}/begin" => "/auth/oidc/corp/begin".into(),
            "/auth/oidc/{id}/callback" => "/auth/oidc/corp/callback?state=x&code=y".into(),
            "/reset-password/{token}" => format!("/reset-password/{}", "ab".repeat(32)),
            "/profile/external/{id}/link" => "/profile/external/corp/link".into(),
            "/profile/external/{id}/unlink" => {
                format!("/profile/external/{}/unlink", self.identity_a)
            }
            "/staff/contacts/{id}/invite" => format!("/staff/contacts/{}/invite", w.contact_a_new),
            "/staff/accounts/{id}/invite" => format!("/staff/accounts/{}/invite", w.account_a),
            // Customers: account A and its new contact (the matrix's empty bodies are refused
            // as incomplete, so nothing changes); the contact's pending invitation.
            p if p.starts_with("/staff/accounts/{id}") => {
                p.replace("{id}", &w.account_a.to_string())
            }
            p if p.starts_with("/staff/contacts/{id}") => {
                p.replace("{id}", &w.contact_a_new.to_string())
            }
            "/staff/invitations/{id}/revoke" => {
                format!("/staff/invitations/{}/revoke", self.invitation_a)
            }
            p if p.starts_with("/api/v1/staff/catalog/{list}") => p
                .replace("{list}", "skills")
                .replace("{id}", &self.skill.to_string()),
            p if p.starts_with("/api/v1/staff/service-types/{id}") => {
                p.replace("{id}", &self.schedule.service_type.to_string())
            }
            p if p.starts_with("/api/v1/staff/accounts/{id}") => {
                p.replace("{id}", &w.account_a.to_string())
            }
            p if p.starts_with("/api/v1/staff/contacts/{id}") => {
                p.replace("{id}", &w.contact_a_new.to_string())
            }
            "/api/v1/staff/invitations/{id}/revoke" => {
                format!("/api/v1/staff/invitations/{}/revoke", self.invitation_a)
            }
            "/staff/users/{id}/web-roles" => {
                format!("/staff/users/{}/web-roles", w.user("customer of A"))
            }
            "/staff/users/{id}/staff-roles" => {
                format!("/staff/users/{}/staff-roles", w.user("customer of A"))
            }
            // An administrator gives the dispatcher a new access link, cannot disable
            // themselves (refused, nothing changes) and enables themselves (no change).
            "/staff/users/{id}/access" => {
                format!("/staff/users/{}/access", w.user("dispatcher"))
            }
            "/staff/users/{id}/disable" | "/staff/users/{id}/enable" => {
                route.path.replace("{id}", &w.user("admin").to_string())
            }
            // A service type nobody books (the matrix's body is refused as incomplete).
            "/staff/catalog/service-types/{id}" => {
                format!(
                    "/staff/catalog/service-types/{}",
                    self.schedule.unserved_type
                )
            }
            p if p.starts_with("/staff/catalog/skills/{id}") => {
                p.replace("{id}", &self.skill.to_string())
            }
            p if p.starts_with("/staff/catalog/products/{id}") => {
                p.replace("{id}", &self.market.heat_pump.to_string())
            }
            p if p.starts_with("/staff/catalog/lead-types/{id}") => {
                p.replace("{id}", &self.lead_type.to_string())
            }
            // The market's territory (an empty form: refused as incomplete, nothing changes).
            p if p.starts_with("/staff/territories/{id}")
                || p.starts_with("/api/v1/staff/territories/{id}") =>
            {
                p.replace("{id}", &self.market.plateau.to_string())
            }
            "/staff/partners/{id}" => format!("/staff/partners/{}", self.market.partner_a),
            p if p.starts_with("/staff/technicians/{id}") => {
                p.replace("{id}", &self.workforce_technician.to_string())
            }
            "/staff/working-hours/{id}" => {
                format!("/staff/working-hours/{}", self.working_hours_template)
            }
            "/staff/mailbox/{id}" => format!("/staff/mailbox/{}", self.message_a),
            "/staff/mailbox/{id}/html" => format!("/staff/mailbox/{}/html", self.message_a),
            "/staff/mailbox/{id}/attachments/{index}" => {
                format!("/staff/mailbox/{}/attachments/0", self.message_a)
            }
            "/staff/mailbox/{id}/retry" => format!("/staff/mailbox/{}/retry", self.message_a),
            // No token exists: an administrator's revoke answers 404 (`api_tokens.rs`).
            "/staff/api-tokens/{id}/revoke" => "/staff/api-tokens/1/revoke".into(),
            p if p.starts_with("/staff/webhooks/{id}") => p
                .replace("{id}", &self.webhook.0.to_string())
                .replace("{delivery}", &self.webhook.1.to_string()),
            "/api/v1/accounts/{id}/invitations" => {
                format!("/api/v1/accounts/{}/invitations", w.account_a)
            }
            p if p.starts_with("/staff/opportunities/{id}")
                || p.starts_with("/api/v1/opportunities/{id}") =>
            {
                p.replace("{id}", &self.opportunity_new.to_string())
            }
            p if p.starts_with("/partner/opportunities/{id}")
                || p.starts_with("/api/v1/partner/opportunities/{id}") =>
            {
                p.replace("{id}", &self.opportunity_a.to_string())
            }
            // Self-scheduling: account A's visit; the day pickers' queries.
            "/bookings/{id}/slots" => format!("/bookings/{}/slots?date=2031-01-06", self.booking_a),
            // Send Feedback: account A's Completed visit.
            p if p.ends_with("/bookings/{id}/feedback") => {
                p.replace("{id}", &self.completed_a.to_string())
            }
            p if p.starts_with("/bookings/{id}")
                || p.starts_with("/api/v1/bookings/{id}")
                || p.starts_with("/staff/visits/{id}")
                || p.starts_with("/technician/visits/{id}")
                || p.starts_with("/api/v1/technician/visits/{id}")
                || p.starts_with("/api/v1/staff/visits/{id}") =>
            {
                p.replace("{id}", &self.booking_a.to_string())
            }
            // Booking on behalf of a customer: account A's visit, and its order's day.
            "/staff/bookings/{id}" => format!("/staff/bookings/{}", self.booking_a),
            "/staff/bookings/new/slots" => format!(
                "/staff/bookings/new/slots?account_id={}&service_type_id={}&date=2031-01-06",
                w.account_a, self.schedule.service_type
            ),
            "/api/v1/staff/bookings/slots" => format!(
                "/api/v1/staff/bookings/slots?account={}&service_type={}&date=2031-01-06",
                w.account_a, self.schedule.service_type
            ),
            "/bookings/new/slots" | "/api/v1/slots" => format!(
                "{}?service_type={}&date=2031-01-06",
                route.path, self.schedule.service_type
            ),
            "/api/v1/availability" => format!(
                "/api/v1/availability?service_type={}",
                self.schedule.service_type
            ),
            // Customer records: account A's exposed ones.
            p if p.starts_with("/staff/work-orders/{id}") => {
                p.replace("{id}", &self.records.estimate_a.to_string())
            }
            p if p.starts_with("/staff/agreements/{id}") => {
                p.replace("{id}", &self.records.renewal_a.to_string())
            }
            p if p.starts_with("/staff/assets/{id}") => {
                p.replace("{id}", &self.records.asset_a.to_string())
            }
            p if p.starts_with("/staff/invoices/{id}") => {
                p.replace("{id}", &self.records.invoice_a.to_string())
            }
            p if p.starts_with("/records/agreements/{id}")
                || p.starts_with("/api/v1/records/agreements/{id}") =>
            {
                p.replace("{id}", &self.records.renewal_a.to_string())
            }
            p if p.starts_with("/records/assets/{id}")
                || p.starts_with("/api/v1/records/assets/{id}") =>
            {
                p.replace("{id}", &self.records.asset_a.to_string())
            }
            p if p.starts_with("/records/work-orders/{id}")
                || p.starts_with("/api/v1/records/work-orders/{id}") =>
            {
                p.replace("{id}", &self.records.estimate_a.to_string())
            }
            p if p.starts_with("/records/invoices/{id}")
                || p.starts_with("/api/v1/records/invoices/{id}") =>
            {
                p.replace("{id}", &self.records.invoice_a.to_string())
            }
            // Tracking apps authenticate by the token in the request (refused without one:
            // `tracking.rs`); the matrix sends a valid one, so everyone gets through.
            "/track/owntracks" => format!("/track/owntracks?token={}", self.tracking_token),
            "/track/osmand" => format!(
                "/track/osmand?id={}&lat=45.55&lon=-73.56&timestamp={}",
                self.tracking_token, self.tracking_time
            ),
            "/staff/import/template/{kind}" => "/staff/import/template/accounts.csv".to_owned(),
            plain if !plain.contains('{') => plain.to_owned(),
            other => panic!(
                "the access matrix cannot fill the path of {} {other}: add it to Fixture::path",
                route.method
            ),
        }
    }

    /// A body a person would send to the route (its fields do not matter to the guard; they
    /// keep allowed requests from changing more than they must).
    pub(crate) fn body(&self, route: &Route) -> (&'static str, String) {
        match route.path {
            "/api/v1/invitations" => (
                "application/json",
                format!(
                    r#"{{"contact_id":{},"roles":["self-scheduling"]}}"#,
                    self.world.contact_a_new
                ),
            ),
            "/api/v1/accounts/{id}/invitations" => (
                "application/json",
                r#"{"roles":["self-scheduling"]}"#.to_owned(),
            ),
            "/api/v1/opportunities" | "/api/v1/partner/opportunities" => (
                "application/json",
                format!(
                    r#"{{"name":"Matrix lead","customer_name":"Marie","latitude":{},"longitude":{},"estimated_revenue_minor":1450000,"lead_type":"residential"}}"#,
                    CUSTOMER.0, CUSTOMER.1
                ),
            ),
            p if p.starts_with("/api/v1/") && p.contains("opportunities/{id}/") => {
                let body = match p.rsplit('/').next() {
                    Some("decline") => r#"{"reason":"Too far"}"#,
                    Some("stage") => r#"{"stage":"qualify"}"#,
                    Some("notes") => r#"{"note":"Called"}"#,
                    Some("close") => r#"{"outcome":"won"}"#,
                    Some("feedback") => r#"{"feedback":"Good"}"#,
                    _ => "{}",
                };
                ("application/json", body.to_owned())
            }
            "/partner/opportunities/{id}/stage" => (
                "application/x-www-form-urlencoded",
                "stage=qualify".to_owned(),
            ),
            "/track/owntracks" => (
                "application/json",
                format!(
                    r#"{{"_type":"location","lat":45.55,"lon":-73.56,"tst":{}}}"#,
                    self.tracking_time
                ),
            ),
            "/technician/position" => (
                "application/json",
                format!(
                    r#"{{"latitude":45.55,"longitude":-73.56,"recorded_at":{}}}"#,
                    self.tracking_time
                ),
            ),
            "/language" => ("application/x-www-form-urlencoded", "lang=en".to_owned()),
            // The back office's API: a stale version or a refused body, nothing changes.
            p if p.starts_with("/api/v1/staff/accounts")
                || p.starts_with("/api/v1/staff/contacts") =>
            {
                ("application/json", r#"{"version":0}"#.to_owned())
            }
            p if p.starts_with("/staff/") && p.ends_with("/expose") => (
                "application/x-www-form-urlencoded",
                "exposed=true".to_owned(),
            ),
            // An old version: an approver's decision is refused as changed, nothing moves.
            p if p.starts_with("/records/") && p.ends_with("/decision") => (
                "application/x-www-form-urlencoded",
                "decision=approve&seen_version=0".to_owned(),
            ),
            "/staff/users/{id}/web-roles" => (
                "application/x-www-form-urlencoded",
                "role-self-scheduling=on".to_owned(),
            ),
            _ => ("application/x-www-form-urlencoded", String::new()),
        }
    }
}

/// Pages that lead elsewhere for everyone allowed (an old address of a page that moved), and
/// where.
const REDIRECTS: [(&str, &str); 1] = [("/staff/contacts", "/staff/accounts")];

/// What the guard answers someone the policy refuses (see `onsite_web::guard`), written out
/// here rather than asked of the code under test.
fn expected_refusal(
    anonymous: bool,
    route: &Route,
    path: &str,
) -> (StatusCode, Option<&'static str>) {
    let api = path.starts_with("/api/");
    match (anonymous, route.capability) {
        (true, _) if api => (StatusCode::UNAUTHORIZED, None),
        (true, _) => (StatusCode::SEE_OTHER, Some("/sign-in")),
        (false, Capability::AnonymousOnly) if !api => (StatusCode::SEE_OTHER, Some("/")),
        (false, _) if route.path.contains('{') => (StatusCode::NOT_FOUND, None),
        (false, _) => (StatusCode::FORBIDDEN, None),
    }
}

/// One request of `who` to the route, with a fresh session (so that what one probe does, such
/// as signing out, cannot change the next) and a valid CSRF token.
async fn probe(app: &TestApp, fixture: &Fixture, who: Option<&str>, route: &Route) -> TestResponse {
    probe_at(app, fixture, who, route, &fixture.path(route)).await
}

/// [`probe`], at `path` (the route's path with other parameters).
pub(crate) async fn probe_at(
    app: &TestApp,
    fixture: &Fixture,
    who: Option<&str>,
    route: &Route,
    path: &str,
) -> TestResponse {
    let (cookie, token) = match who {
        Some(name) => {
            let (session, csrf) = app.session_for(fixture.world.user(name)).await;
            (format!("onsite_session={session}"), csrf)
        }
        None => (
            format!("onsite_csrf={}", crate::support::TEST_CSRF),
            crate::support::TEST_CSRF.to_owned(),
        ),
    };
    let mut request = Request::builder()
        .method(route.method.clone())
        .uri(path)
        .header("host", "onsite.test")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie);
    let body = if route.method == Method::POST {
        let (content_type, body) = fixture.body(route);
        request = request
            .header("content-type", content_type)
            .header("x-csrf-token", token);
        Body::from(body)
    } else {
        Body::empty()
    };
    app.send(request.body(body).unwrap()).await
}

async fn actor_of(app: &TestApp, fixture: &Fixture, who: Option<&str>) -> Actor {
    match who {
        None => Actor::Anonymous,
        Some(name) => {
            let user = onsite_store::accounts::user_by_id(
                &mut app.db.store().conn().await.unwrap(),
                fixture.world.user(name),
            )
            .await
            .unwrap()
            .unwrap();
            Actor::User(onsite_web::session::principal_of(&user))
        }
    }
}

both_backends!(
    every_person_gets_exactly_what_the_policy_allows_on_every_route,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let mut failures = Vec::new();
        let mut checked = 0;
        for route in table() {
            for who in PEOPLE {
                let actor = actor_of(&app, &fixture, who).await;
                let answer = probe(&app, &fixture, who, &route).await;
                let path = fixture.path(&route);
                let label = format!(
                    "{} × {} {} ({:?})",
                    who.unwrap_or("anonymous"),
                    route.method,
                    route.path,
                    route.capability
                );
                checked += 1;
                if answer.status.is_server_error() {
                    failures.push(format!("{label}: server error {}", answer.status));
                    continue;
                }
                if actor.may(route.capability) {
                    // Allowed: whatever the handler answers, it is not a refusal of access.
                    let refused = matches!(
                        answer.status,
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                    ) || (answer.status == StatusCode::SEE_OTHER
                        && answer.header("location").starts_with("/sign-in?return_to"));
                    if refused {
                        failures.push(format!(
                            "{label}: allowed but refused with {}",
                            answer.status
                        ));
                    }
                    // The setup page exists only while there is no administrator (there is
                    // one here: `setup.rs` tests both).
                    let moved = REDIRECTS.iter().find(|(from, _)| *from == route.path);
                    if let Some((_, to)) = moved
                        && (answer.status != StatusCode::SEE_OTHER
                            || answer.header("location") != *to)
                    {
                        failures.push(format!(
                            "{label}: expected a redirect to {to}, got {} {:?}",
                            answer.status,
                            answer.header("location")
                        ));
                    }
                    if route.method == Method::GET
                        && !route.path.contains('{')
                        && route.path != "/setup"
                        && moved.is_none()
                        && answer.status != StatusCode::OK
                    {
                        failures.push(format!("{label}: allowed page answered {}", answer.status));
                    }
                } else {
                    let (status, location) = expected_refusal(who.is_none(), &route, &path);
                    let location_ok = location.is_none_or(|l| {
                        let got = answer.header("location");
                        got == l || got.starts_with(&format!("{l}?"))
                    });
                    if answer.status != status || !location_ok {
                        failures.push(format!(
                            "{label}: expected {status} {location:?}, got {} {:?}",
                            answer.status,
                            answer.header("location")
                        ));
                    }
                }
            }
        }
        assert!(checked >= 9 * 30, "{checked} combinations");
        assert!(
            failures.is_empty(),
            "{} unexpected answers:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

// The pages of people outside account A never show account A's data, whatever id they put in
// an address; and account A's own pages show it (so the markers mean something).
both_backends!(
    one_accounts_records_never_appear_for_another,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let outsiders = ["customer of B", "partner", "technician"];
        let mut leaks = Vec::new();
        for route in table().iter().filter(|r| r.method == Method::GET) {
            for who in outsiders.iter().map(|w| Some(*w)).chain([None]) {
                let answer = probe(&app, &fixture, who, route).await;
                let text = String::from_utf8_lossy(&answer.bytes);
                for marker in A_MARKERS {
                    if text.contains(marker) {
                        leaks.push(format!(
                            "{} sees {marker:?} at {}",
                            who.unwrap_or("anonymous"),
                            fixture.path(route)
                        ));
                    }
                }
            }
        }
        assert!(
            leaks.is_empty(),
            "account A's data leaked:\n{}",
            leaks.join("\n")
        );

        // The customer of A sees their own profile, and nothing of account B.
        let profile = table()
            .into_iter()
            .find(|r| r.method == Method::GET && r.path == "/profile")
            .unwrap();
        let own = probe(&app, &fixture, Some("customer of A"), &profile).await;
        let text = own.text();
        assert!(text.contains("ana.zephyrine@a-account.test"));
        assert!(text.contains("Ana Zephyrine"));
        for marker in B_MARKERS {
            assert!(!text.contains(marker), "{marker}");
        }
        // Staff see account A (they see every account).
        for path in [
            "/staff/accounts",
            "/staff/accounts/{id}",
            "/staff/contacts/{id}",
        ] {
            let page = table()
                .into_iter()
                .find(|r| r.method == Method::GET && r.path == path)
                .unwrap();
            let staff = probe(&app, &fixture, Some("dispatcher"), &page).await;
            assert!(staff.text().contains("Zephyrine Holdings"), "{path}");
        }
    }
);

// Someone may unlink only their own external identities: another's id is not found, and it
// stays linked.
both_backends!(
    nobody_unlinks_someone_elses_identity,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let unlink = table()
            .into_iter()
            .find(|r| r.path == "/profile/external/{id}/unlink")
            .unwrap();
        let answer = probe(&app, &fixture, Some("customer of B"), &unlink).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        let still = external_identities::for_user(
            &mut app.db.store().conn().await.unwrap(),
            fixture.world.user("customer of A"),
        )
        .await
        .unwrap();
        assert_eq!(still.len(), 1);
        let own = probe(&app, &fixture, Some("customer of A"), &unlink).await;
        assert_eq!(own.header("location"), "/profile?notice=unlinked");
    }
);

// An id that names nothing, on every route that takes one, for everyone the route is open to:
// a refusal of the request (404, or the body's own mistake), never a success nor a server
// error, in the JSON error shape under /api/ (an unknown account used to answer 500 on
// `POST /api/v1/accounts/{id}/invitations`).
both_backends!(
    unknown_ids_are_refused_on_every_route,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let mut failures = Vec::new();
        let mut not_found = 0;
        for route in table().iter().filter(|r| r.path.contains("{id}")) {
            let path = route
                .path
                .replace("{id}", "987654321")
                .replace("{index}", "0")
                .replace("{list}", "skills");
            for who in PEOPLE {
                if !actor_of(&app, &fixture, who).await.may(route.capability) {
                    continue;
                }
                let answer = probe_at(&app, &fixture, who, route, &path).await;
                let label = format!("{} × {} {path}", who.unwrap_or("anonymous"), route.method);
                if !answer.status.is_client_error() {
                    failures.push(format!("{label}: {} {}", answer.status, answer.text()));
                } else if path.starts_with("/api/") && !answer.json()["error"]["code"].is_string() {
                    failures.push(format!("{label}: {}", answer.text()));
                }
                not_found += usize::from(answer.status == StatusCode::NOT_FOUND);
            }
        }
        assert!(not_found >= 40, "{not_found} answers were 404");
        assert!(
            failures.is_empty(),
            "{} unexpected answers:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

// An id that is not a positive whole number names nothing: 404 on every route that takes one,
// pages and API alike (a page used to answer 400 where the API answered 404).
both_backends!(
    ids_that_are_not_ids_are_not_found_on_pages_and_api_alike,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let mut failures = Vec::new();
        for route in table().iter().filter(|r| r.path.contains("{id}")) {
            let Some(who) = futures_util::future::join_all(
                PEOPLE
                    .iter()
                    .map(|who| async { (*who, actor_of(&app, &fixture, *who).await) }),
            )
            .await
            .into_iter()
            .find(|(_, actor)| actor.may(route.capability))
            .map(|(who, _)| who) else {
                continue;
            };
            for bad in ["x", "0", "-1", "1.5", "99999999999999999999", "%20"] {
                let path = route
                    .path
                    .replace("{id}", bad)
                    .replace("{index}", "0")
                    .replace("{list}", "skills");
                let answer = probe_at(&app, &fixture, who, route, &path).await;
                if answer.status != StatusCode::NOT_FOUND {
                    failures.push(format!("{} {path}: {}", route.method, answer.status));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
);

// Whatever is sent to any route, by anyone, the answer is never a server error.
both_backends!(no_input_makes_a_server_error, |app: TestApp| async move {
    let fixture = Fixture::build(&app).await;
    let long = "x".repeat(5000);
    let form_bodies = [
        "%FF%FE=%00&csrf=".to_owned(),
        format!(
            "email=%00&password=%00&code=%00%01&confirm=&display_name={long}&phone={long}\
             &language=zz&time_zone=..%2F..&role-=on&role-admin%00=on&return_to=%0D%0A"
        ),
        "lang=&return_to=javascript:alert(1)&welcome=2&notify_email=".to_owned(),
    ];
    let json_bodies = [
        r#"{"contact_id":-1,"roles":[]}"#,
        r#"{"contact_id":9223372036854775807,"roles":["self-scheduling","self-scheduling"]}"#,
        r#"{"roles":[1,2]}"#,
        "[]",
        "\u{0}",
    ];
    let queries = [
        "?q=%00&page=0",
        "?page=4294967295&q=%25%5F",
        "?before=-1&status=%FF&recipient=%00",
        "?status=sent&recipient=a%40b.c&before=9223372036854775807",
        "?welcome=1&return_to=%2F%2Fevil&code=%FF",
    ];
    let mut failures = Vec::new();
    for route in table() {
        for who in [None, Some("admin"), Some("customer of A")] {
            let (cookie, token) = match who {
                Some(name) => {
                    let (session, csrf) = app.session_for(fixture.world.user(name)).await;
                    (format!("onsite_session={session}"), csrf)
                }
                None => (
                    format!("onsite_csrf={}", crate::support::TEST_CSRF),
                    crate::support::TEST_CSRF.to_owned(),
                ),
            };
            let path = fixture.path(&route);
            let requests: Vec<Request<Body>> = if route.method == Method::GET {
                queries
                    .iter()
                    .map(|q| {
                        let joined = if path.contains('?') {
                            format!("{path}&{}", &q[1..])
                        } else {
                            format!("{path}{q}")
                        };
                        Request::get(joined)
                            .header("host", "onsite.test")
                            .header("cookie", &cookie)
                            .body(Body::empty())
                            .unwrap()
                    })
                    .collect()
            } else if path.starts_with("/api/") {
                json_bodies
                    .iter()
                    .map(|b| {
                        Request::post(&path)
                            .header("host", "onsite.test")
                            .header("cookie", &cookie)
                            .header("x-csrf-token", &token)
                            .header("content-type", "application/json")
                            .body(Body::from(*b))
                            .unwrap()
                    })
                    .collect()
            } else {
                form_bodies
                    .iter()
                    .map(|b| {
                        Request::post(&path)
                            .header("host", "onsite.test")
                            .header("cookie", &cookie)
                            .header("x-csrf-token", &token)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(Body::from(b.clone()))
                            .unwrap()
                    })
                    .collect()
            };
            for request in requests {
                let uri = request.uri().to_string();
                let answer = app.send(request).await;
                if answer.status.is_server_error() {
                    failures.push(format!(
                        "{} {} {uri}: {}",
                        who.unwrap_or("anonymous"),
                        route.method,
                        answer.status
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "server errors:\n{}",
        failures.join("\n")
    );
});

/// Every answer any person gets from any route, the mailbox's routes also at each of
/// `messages`, that shows one of `secrets` (in its body or a header): "who × method path".
async fn answers_showing(
    app: &TestApp,
    fixture: &Fixture,
    messages: &[OutboxId],
    secrets: &[String],
) -> Vec<String> {
    let mut leaks = Vec::new();
    for route in table() {
        let mut paths = vec![fixture.path(&route)];
        if route.path.starts_with("/staff/mailbox/{id}") {
            paths.extend(messages.iter().map(|id| {
                route
                    .path
                    .replace("{id}", &id.to_string())
                    .replace("{index}", "0")
            }));
        }
        for path in &paths {
            for who in PEOPLE {
                let answer = probe_at(app, fixture, who, &route, path).await;
                let headers = format!("{:?}", answer.headers);
                let body = String::from_utf8_lossy(&answer.bytes);
                for secret in secrets {
                    if body.contains(secret.as_str()) || headers.contains(secret.as_str()) {
                        leaks.push(format!(
                            "{} × {} {path}",
                            who.unwrap_or("anonymous"),
                            route.method
                        ));
                    }
                }
            }
        }
    }
    leaks
}

// Issue 12: a dispatcher asked for the administrator's password reset, read the link in the
// mailbox and became administrator. No route shows anyone a reset link or an invitation code
// meant for someone else: not while the email waits, not once SMTP delivered it. The recipient
// alone gets it, and it works.
both_backends!(
    no_one_reads_another_persons_reset_link_or_invitation_code_by_any_route,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let w = &fixture.world;
        // The dispatcher asks for the administrator's reset link and a customer's.
        let mut dispatcher = app.browser_as(w.user("dispatcher")).await;
        for whose in ["admin", "customer of A"] {
            let asked = dispatcher
                .post("/forgot-password", &[("email", &w.person(whose).email)])
                .await;
            assert_eq!(asked.status, axum::http::StatusCode::OK, "{whose}");
        }
        // An invitation made without anyone to show its code to (as the bulk invitation does).
        let newcomer = crate::support::insert_contact(
            &app,
            w.account_a,
            "Iris",
            "Invitee",
            "iris.invitee@a-account.test",
            None,
        )
        .await;
        let invited = onsite_app::identity::invite(
            app.app(),
            newcomer,
            &[onsite_domain::role::Role::SelfScheduling],
            None,
            onsite_app::identity::InviteMode::Automatic,
            crate::support::now(&app),
        )
        .await
        .unwrap();
        let kept = kept_secrets(&app).await;
        let messages: Vec<OutboxId> = kept.iter().map(|(id, _)| *id).collect();
        let secrets: Vec<String> = kept.into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            secrets.len(),
            4,
            "two reset tokens and two codes (this one, the fixture's) wait for delivery"
        );
        assert!(secrets.contains(&invited.code.expose().to_owned()));

        let waiting = answers_showing(&app, &fixture, &messages, &secrets).await;
        assert!(
            waiting.is_empty(),
            "secrets shown while waiting for delivery:\n{}",
            waiting.join("\n")
        );

        // Delivered over real SMTP: each recipient has their own, and the outbox none.
        let sink = onsite_testkit::smtp::SmtpSink::start().await;
        sink.deliver_queued(app.db.store()).await;
        assert!(
            kept_secrets(&app).await.is_empty(),
            "nothing kept after delivery"
        );
        let admin = w.person("admin");
        let (_, text) = sink.last_to(&admin.email).expect("the admin's reset email");
        let link = text
            .split_whitespace()
            .find(|l| l.starts_with("http://onsite.test/reset-password/"))
            .expect("a reset link");
        assert!(secrets.iter().any(|s| link.ends_with(s.as_str())), "{link}");
        let (_, text) = sink
            .last_to("iris.invitee@a-account.test")
            .expect("the invitation");
        assert!(text.contains(invited.code.expose()), "{text}");

        let delivered = answers_showing(&app, &fixture, &messages, &secrets).await;
        assert!(
            delivered.is_empty(),
            "secrets shown after delivery:\n{}",
            delivered.join("\n")
        );

        // The link works for the one who received it.
        let path = link.trim_start_matches("http://onsite.test");
        let mut admin_browser = Browser::new(&app);
        admin_browser.get(path).await;
        let reset = admin_browser
            .post(
                path,
                &[
                    ("password", "only the admin knows"),
                    ("confirm", "only the admin knows"),
                ],
            )
            .await;
        assert_eq!(reset.header("location"), "/sign-in?notice=password-reset");
        assert_eq!(
            admin_browser
                .sign_in(&admin.email, "only the admin knows")
                .await
                .status,
            axum::http::StatusCode::SEE_OTHER
        );
        sink.stop().await;
    }
);
