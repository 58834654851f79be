//! Partner distribution on the web: the staff opportunity pages with the explanation and the
//! distribute buttons, the distribution settings, the partner portal (accept, decline, stages,
//! notes, close won or lost, feedback, internal opportunities, metrics) and the JSON API — each
//! happy path and its refusals (bad input answers 4xx with the field's message and changes
//! nothing). Partner A never reaches partner B's opportunities, by any route.

use crate::both_backends;
use crate::support::{TestApp, World, insert_account, insert_contact, insert_user};
use axum::http::{Method, StatusCode};
use onsite_app::distribution::{self as dist, OpportunityInput};
use onsite_app::policy::{Capability, Principal};
use onsite_domain::account::AccountKind;
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, OpportunityId, ProductId, TerritoryId, UserId};
use onsite_store::partners::{self, LeadType, NewPartnerProfile};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::{catalog, distribution as store};
use onsite_web::routes::table;

/// The customer of every test opportunity: inside the Plateau's polygon.
pub const CUSTOMER: (f64, f64) = (45.52, -73.58);

/// A small partner market on top of the [`World`]: one territory, two products, and four
/// partner accounts. Every partner sits at the same address (the World's), so with no history
/// the ranking is decided by the lower account id: partner A (the World's) first.
pub struct Market {
    pub plateau: TerritoryId,
    pub heat_pump: ProductId,
    pub thermostat: ProductId,
    /// The World's partner account ("Partner Plumbing Co"), whose user is "partner".
    pub partner_a: AccountId,
    /// "Bravo Chauffage", with its own portal user.
    pub partner_b: AccountId,
    pub partner_b_user: UserId,
    /// "Complet Inc": capacity 0, never available.
    pub full: AccountId,
    /// "Thermo Seulement": covers thermostats only.
    pub thermo_only: AccountId,
}

impl Market {
    pub async fn build(app: &TestApp, world: &World) -> Market {
        let mut conn = app.db.store().conn().await.unwrap();
        let square = Polygon::new(vec![
            GeoPoint::new(45.51, -73.59).unwrap(),
            GeoPoint::new(45.53, -73.59).unwrap(),
            GeoPoint::new(45.53, -73.57).unwrap(),
            GeoPoint::new(45.51, -73.57).unwrap(),
        ])
        .unwrap();
        let plateau = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Plateau",
                postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
                polygon: Some(&square),
            },
        )
        .await
        .unwrap();
        let heat_pump = catalog::insert_product(&mut conn, "HP", "Heat pump")
            .await
            .unwrap();
        let thermostat = catalog::insert_product(&mut conn, "THERMO", "Smart thermostats")
            .await
            .unwrap();
        drop(conn);
        let partner_b = insert_account(app, "Bravo Chauffage", AccountKind::Partner).await;
        let full = insert_account(app, "Complet Inc", AccountKind::Partner).await;
        let thermo_only = insert_account(app, "Thermo Seulement", AccountKind::Partner).await;
        let market = Market {
            plateau,
            heat_pump,
            thermostat,
            partner_a: world.partner_account,
            partner_b,
            partner_b_user: UserId(0),
            full,
            thermo_only,
        };
        for (account, capacity, products) in [
            (market.partner_a, 3, vec![heat_pump, thermostat]),
            (partner_b, 3, vec![heat_pump]),
            (full, 0, vec![heat_pump]),
            (thermo_only, 3, vec![thermostat]),
        ] {
            let mut conn = app.db.store().conn().await.unwrap();
            partners::set_partner_profile(
                &mut conn,
                &NewPartnerProfile {
                    account_id: account,
                    capacity,
                    revenue_min_minor: 100_000,
                    revenue_max_minor: 5_000_000,
                    territories: &[plateau],
                    lead_types: &[LeadType::parse("residential").unwrap()],
                    products: &products,
                },
            )
            .await
            .unwrap();
        }
        let contact = insert_contact(
            app,
            partner_b,
            "Bob",
            "Bravo",
            "bob@bravo-chauffage.test",
            None,
        )
        .await;
        let partner_b_user = insert_user(
            app,
            "bob@bravo-chauffage.test",
            "Bob Bravo",
            Some(contact),
            &[Role::Partner],
        )
        .await;
        Market {
            partner_b_user,
            ..market
        }
    }

    pub fn input(&self, name: &str) -> OpportunityInput {
        OpportunityInput {
            name: name.into(),
            customer_name: "Marie Lavoie".into(),
            location: GeoPoint::new(CUSTOMER.0, CUSTOMER.1).unwrap(),
            postal_code: "H2J 2L5".into(),
            estimated_revenue_minor: 1_450_000,
            lead_type: "residential".into(),
            products: vec![self.heat_pump],
        }
    }

    /// A New opportunity, created by staff.
    pub async fn new_opportunity(&self, app: &TestApp, world: &World, name: &str) -> OpportunityId {
        dist::create_opportunity(
            app.app(),
            &staff(app, world).await,
            &self.input(name),
            app.state.clock.now(),
        )
        .await
        .unwrap()
        .id
    }

    /// An opportunity distributed by staff to `partner`.
    pub async fn distributed_to(
        &self,
        app: &TestApp,
        world: &World,
        name: &str,
        partner: AccountId,
    ) -> OpportunityId {
        let id = self.new_opportunity(app, world, name).await;
        dist::distribute(
            app.app(),
            &staff(app, world).await,
            id,
            Some(partner),
            app.state.clock.now(),
        )
        .await
        .unwrap();
        id
    }
}

async fn principal(app: &TestApp, user: UserId) -> Principal {
    let record =
        onsite_store::accounts::user_by_id(&mut app.db.store().conn().await.unwrap(), user)
            .await
            .unwrap()
            .unwrap();
    onsite_web::session::principal_of(&record)
}

async fn staff(app: &TestApp, world: &World) -> Principal {
    principal(app, world.user("dispatcher")).await
}

async fn status_of(app: &TestApp, id: OpportunityId) -> (OpportunityStatus, Option<AccountId>) {
    let o = store::dated(&mut app.db.store().conn().await.unwrap(), id)
        .await
        .unwrap()
        .opportunity;
    (o.status, o.partner_account_id)
}

async fn opportunity_count(app: &TestApp) -> usize {
    store::list_dated(
        &mut app.db.store().conn().await.unwrap(),
        store::Listing {
            partner: None,
            statuses: &[],
        },
    )
    .await
    .unwrap()
    .len()
}

/// The `required` members of a schema of the OpenAPI document (following `allOf`).
fn required_of(schema: &str) -> std::collections::BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_str(onsite_web::openapi::DOCUMENT).unwrap();
    fn walk(
        doc: &serde_json::Value,
        s: &serde_json::Value,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        if let Some(r) = s["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap();
            return walk(doc, &doc["components"]["schemas"][name], out);
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            walk(doc, part, out);
        }
        for name in s["required"].as_array().into_iter().flatten() {
            out.insert(name.as_str().unwrap().to_owned());
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(&doc, &doc["components"]["schemas"][schema], &mut out);
    assert!(!out.is_empty(), "{schema} in the OpenAPI document");
    out
}

/// The members of a JSON object.
fn keys(v: &serde_json::Value) -> std::collections::BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// The opportunity id at the end of a redirect to its page.
fn id_in(location: &str) -> OpportunityId {
    let tail = location.rsplit('/').next().unwrap();
    OpportunityId(tail.split('?').next().unwrap().parse().unwrap())
}

both_backends!(
    staff_create_an_opportunity_see_why_partners_rank_and_distribute_it,
    |app| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let home = staff.get("/").await.text();
        assert!(home.contains(r#"href="/staff/opportunities""#));
        assert!(
            home.contains("see why each partner ranks where it does"),
            "the home card"
        );
        assert!(
            !home.contains(r#"href="/staff/settings/distribution""#),
            "settings are for administrators"
        );
        assert!(!home.contains(r#"href="/partner/opportunities""#));

        let form = staff.get("/staff/opportunities/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let html = form.text();
        assert!(html.contains("Smart thermostats") && html.contains("Plateau"));
        assert!(html.contains(r#"<option value="residential">"#));

        // Refused input: every field's message, what was typed kept, nothing created.
        let empty = staff.post("/staff/opportunities", &[]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text();
        for field in [
            "name",
            "customer_name",
            "latitude",
            "estimated_revenue",
            "lead_type",
        ] {
            assert!(
                html.contains(&format!(r#"id="{field}-error""#)),
                "{field} reported at once"
            );
        }
        let refused = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", ""),
                    ("customer_name", "Marie Lavoie"),
                    ("estimated_revenue", "lots"),
                    ("latitude", "95"),
                    ("longitude", "-73.58"),
                    ("lead_type", "residential"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains("Enter an amount in dollars"), "{html}");
        assert!(html.contains("Enter a latitude between -90 and 90"));
        assert!(html.contains(r#"value="Marie Lavoie""#));
        let no_name = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "  "),
                    ("customer_name", "Marie Lavoie"),
                    ("estimated_revenue", "14500"),
                    ("territory", &m.plateau.to_string()),
                    ("lead_type", "residential"),
                ],
            )
            .await;
        assert_eq!(no_name.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = no_name.text();
        assert!(html.contains(r#"id="name-error""#), "{html}");
        assert!(html.contains("This field is required."));
        let nowhere = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump"),
                    ("customer_name", "Marie"),
                    ("estimated_revenue", "14500"),
                    ("lead_type", "residential"),
                    ("product", "x"),
                ],
            )
            .await;
        assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            nowhere
                .text()
                .contains("Give the coordinates, or pick a territory.")
        );
        let unknown_product = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump"),
                    ("customer_name", "Marie"),
                    ("estimated_revenue", "14500"),
                    ("latitude", "45.52"),
                    ("longitude", "-73.58"),
                    ("lead_type", "residential"),
                    ("product", "999999"),
                ],
            )
            .await;
        assert_eq!(unknown_product.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown_product.text().contains(r#"id="products-error""#));
        assert_eq!(opportunity_count(&app).await, 0, "nothing created");

        // Created from a point picked in the territory.
        let created = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump for a duplex"),
                    ("customer_name", "Marie Lavoie"),
                    ("postal_code", ""),
                    ("territory", &m.plateau.to_string()),
                    ("estimated_revenue", "14,500"),
                    ("lead_type", "Residential"),
                    ("product", &m.heat_pump.to_string()),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let location = created.header("location").to_owned();
        assert!(
            location.ends_with("?notice=opportunity-created"),
            "{location}"
        );
        let id = id_in(&location);

        let page = staff.get(&location).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("The opportunity is created."));
        assert!(html.contains("$14,500.00"));
        assert!(html.contains("2 partners are available."), "{html}");
        assert!(html.contains("4 partners were considered."));
        // The ranked partners with the score explained metric by metric, in words and units.
        assert!(
            html.contains("Why Partner Plumbing Co ranks number 1"),
            "{html}"
        );
        assert!(html.contains("Why Bravo Chauffage ranks number 2"));
        for words in [
            "Win rate",
            "Average time to close",
            " km</td>",
            "× -0.005",
            "× 2",
            "No history yet: the average of all partners",
        ] {
            assert!(html.contains(words), "{words}");
        }
        // The excluded partners with the criterion in words.
        assert!(
            html.contains("At capacity: 0 open opportunities of 0."),
            "{html}"
        );
        assert!(html.contains("Does not cover Heat pump."));
        assert!(html.contains("Distribute to the top partner"));
        assert!(html.contains(
            "Distribute to this partner<span class=\"visually-hidden\">: Bravo Chauffage</span>"
        ));

        // A partner that is not available: refused with the reason, nothing changed.
        let path = format!("/staff/opportunities/{id}/distribute");
        let unavailable = staff.post(&path, &[("partner", &m.full.to_string())]).await;
        assert_eq!(unavailable.status, StatusCode::CONFLICT);
        assert!(unavailable.text().contains(
            "This partner is not available for this opportunity: At capacity: 0 open opportunities of 0."
        ));
        let not_a_partner = staff
            .post(&path, &[("partner", &world.account_a.to_string())])
            .await;
        assert_eq!(not_a_partner.status, StatusCode::UNPROCESSABLE_ENTITY);
        let nonsense = staff.post(&path, &[("partner", "abc")]).await;
        assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_of(&app, id).await, (OpportunityStatus::New, None));

        // To the top partner: the page shows who has it and until when it may accept.
        let done = staff.post(&path, &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(
            done.header("location"),
            format!("/staff/opportunities/{id}?notice=distributed")
        );
        let html = staff.get(done.header("location")).await.text();
        assert!(
            html.contains("Distributed to Partner Plumbing Co."),
            "{html}"
        );
        assert!(html.contains("The offer expires on "));
        assert!(!html.contains("Distribute to the top partner"));
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Distributed, Some(m.partner_a))
        );
        // The partner's users are emailed a link to it.
        let mail = onsite_store::outbox::list(
            &mut app.db.store().conn().await.unwrap(),
            &onsite_store::outbox::OutboxFilter {
                kind: Some("opportunity-offered".into()),
                ..Default::default()
            },
            10,
            None,
        )
        .await
        .unwrap();
        assert_eq!(mail.len(), 1, "{mail:?}");
        assert_eq!(mail[0].recipient.as_str(), "pia@partner.test");
        let message =
            onsite_store::outbox::get(&mut app.db.store().conn().await.unwrap(), mail[0].id)
                .await
                .unwrap();
        assert!(
            message
                .text_body
                .contains(&format!("/partner/opportunities/{id}"))
        );
        // Twice: refused, it is not New any more.
        let again = staff.post(&path, &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(
            again
                .text()
                .contains("You cannot distribute this opportunity now: it is distributed.")
        );

        // To the partner chosen.
        let second = m.new_opportunity(&app, &world, "Second heat pump").await;
        let chosen = staff
            .post(
                &format!("/staff/opportunities/{second}/distribute"),
                &[("partner", &m.partner_b.to_string())],
            )
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER);
        assert_eq!(
            status_of(&app, second).await,
            (OpportunityStatus::Distributed, Some(m.partner_b))
        );

        // The list by status, with partner, revenue, lead type, age and expiry.
        let list = staff.get("/staff/opportunities?status=distributed").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.text();
        assert!(html.contains("Heat pump for a duplex") && html.contains("Second heat pump"));
        assert!(html.contains("Bravo Chauffage") && html.contains("$14,500.00"));
        assert!(html.contains("residential") && html.contains("less than a minute"));
        assert!(html.contains("Distributed <small>(2)</small>"), "{html}");
        let new = staff.get("/staff/opportunities").await.text();
        assert!(new.contains("Nothing under “New” at the moment."), "{new}");
        assert_eq!(
            staff.get("/staff/opportunities?status=bogus").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            staff.get("/staff/opportunities/999999").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            staff
                .post("/staff/opportunities/999999/distribute", &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

both_backends!(
    a_partner_declines_the_next_accepts_works_and_wins_and_the_metrics_follow,
    |app| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let id = m
            .distributed_to(&app, &world, "Heat pump for a duplex", m.partner_a)
            .await;
        let mut a = app.browser_as(world.user("partner")).await;
        let home = a.get("/").await.text();
        assert!(
            home.contains(r#"<a class="button" href="/partner/opportunities">"#),
            "{home}"
        );
        assert!(!home.contains(r#"href="/staff/opportunities""#));

        let list = a.get("/partner/opportunities").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.text();
        assert!(html.contains("Heat pump for a duplex"), "{html}");
        assert!(html.contains("$14,500.00"));
        assert!(html.contains("No history yet"));
        let page = a.get(&format!("/partner/opportunities/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(">Accept<") && html.contains(">Decline<"));
        assert!(html.contains("Accept it by "));
        assert!(html.contains("Heat pump"), "products shown");

        // Declining needs a reason; refused, it stays with partner A.
        let decline = format!("/partner/opportunities/{id}/decline");
        let refused = a.post(&decline, &[("reason", "   ")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r#"id="decline-reason-error""#));
        assert!(refused.text().contains("This field is required."));
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Distributed, Some(m.partner_a))
        );
        let declined = a
            .post(&decline, &[("reason", "Too far for our crew")])
            .await;
        assert_eq!(declined.status, StatusCode::SEE_OTHER);
        assert_eq!(
            declined.header("location"),
            "/partner/opportunities?notice=declined"
        );
        // At once with the next available partner; partner A no longer sees it.
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Distributed, Some(m.partner_b))
        );
        assert_eq!(
            a.get(&format!("/partner/opportunities/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        let after = a.get("/partner/opportunities?notice=declined").await.text();
        assert!(after.contains("You declined the opportunity."));
        assert!(!after.contains("Heat pump for a duplex"));
        // Staff see why partner A is out now.
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let explained = staff
            .get(&format!("/staff/opportunities/{id}"))
            .await
            .text();
        assert!(explained.contains("Already declined this opportunity or let it expire."));
        assert!(explained.contains("Distributed to Bravo Chauffage."));

        // Partner B accepts, works it and closes it won.
        let mut b = app.browser_as(m.partner_b_user).await;
        let base = format!("/partner/opportunities/{id}");
        let accepted = b.post(&format!("{base}/accept"), &[]).await;
        assert_eq!(
            accepted.header("location"),
            format!("{base}?notice=accepted")
        );
        let again = b.post(&format!("{base}/accept"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(
            again
                .text()
                .contains("You cannot accept this opportunity now: it is in progress.")
        );
        let tab = b.get("/partner/opportunities?tab=accepted").await.text();
        assert!(tab.contains("Heat pump for a duplex"), "{tab}");
        let bad_stage = b
            .post(&format!("{base}/stage"), &[("stage", "celebrate")])
            .await;
        assert_eq!(bad_stage.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_stage.text().contains(r#"id="stage-error""#));
        let staged = b
            .post(&format!("{base}/stage"), &[("stage", "propose")])
            .await;
        assert_eq!(
            staged.header("location"),
            format!("{base}?notice=stage-saved")
        );
        let tab = b.get("/partner/opportunities?tab=in_progress").await.text();
        assert!(tab.contains("Heat pump for a duplex") && tab.contains("Propose"));
        let empty_note = b.post(&format!("{base}/notes"), &[("note", "")]).await;
        assert_eq!(empty_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty_note.text().contains(r#"id="note-error""#));
        let noted = b
            .post(&format!("{base}/notes"), &[("note", "Visited the duplex")])
            .await;
        assert_eq!(
            noted.header("location"),
            format!("{base}?notice=note-added")
        );
        let lost_no_reason = b
            .post(
                &format!("{base}/lost"),
                &[("reason", ""), ("feedback", "x")],
            )
            .await;
        assert_eq!(lost_no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = lost_no_reason.text();
        assert!(html.contains(r#"id="lost-reason-error""#));
        assert!(html.contains(">x</textarea>"), "what was typed is kept");
        let won = b
            .post(&format!("{base}/won"), &[("feedback", "Happy customer")])
            .await;
        assert_eq!(won.header("location"), format!("{base}?notice=closed-won"));
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Won, Some(m.partner_b))
        );
        let page = b.get(&format!("{base}?notice=closed-won")).await.text();
        for line in [
            "Closed won",
            "Visited the duplex",
            "Happy customer",
            "Propose",
            "Accepted",
        ] {
            assert!(page.contains(line), "{line} in the history");
        }
        let more = b
            .post(
                &format!("{base}/feedback"),
                &[("feedback", "They sent a referral")],
            )
            .await;
        assert_eq!(
            more.header("location"),
            format!("{base}?notice=feedback-added")
        );

        // The metrics follow: B won 1 of 1; A won none of its 1 (declined).
        let b_list = b.get("/partner/opportunities?tab=closed").await.text();
        assert!(b_list.contains("Heat pump for a duplex"));
        assert!(
            b_list.contains("100 % (1 of 1 finished opportunity)"),
            "{b_list}"
        );
        let a_list = a.get("/partner/opportunities").await.text();
        assert!(
            a_list.contains("0 % (0 of 1 finished opportunity)"),
            "{a_list}"
        );
        // Staff's explanation of a new opportunity ranks B on its win now.
        let next = m.new_opportunity(&app, &world, "Another heat pump").await;
        let explained = staff
            .get(&format!("/staff/opportunities/{next}"))
            .await
            .text();
        assert!(
            explained.contains("Its own: 100 % over 1 finished opportunity"),
            "{explained}"
        );
    }
);

both_backends!(
    partner_a_never_reaches_partner_bs_opportunities,
    |app| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let theirs = m
            .distributed_to(&app, &world, "Bravo secret lead", m.partner_b)
            .await;
        let mine = m
            .distributed_to(&app, &world, "Plumbing own lead", m.partner_a)
            .await;
        let (session, csrf) = app.session_for(world.user("partner")).await;
        let mut checked = 0;
        // Every partner route that names an opportunity, with B's id and with one that does
        // not exist: the same 404.
        for route in table()
            .into_iter()
            .filter(|r| r.capability == Capability::WorkOpportunities && r.path.contains("{id}"))
        {
            for id in [theirs.0, 987_654] {
                let path = route.path.replace("{id}", &id.to_string());
                let api = path.starts_with("/api/");
                let mut request = axum::http::Request::builder()
                    .method(route.method.clone())
                    .uri(&path)
                    .header("host", "onsite.test")
                    .header("sec-fetch-site", "same-origin")
                    .header("cookie", format!("onsite_session={session}"));
                let body = if route.method == Method::POST {
                    request = request.header("x-csrf-token", &csrf);
                    if api {
                        request = request.header("content-type", "application/json");
                        match path.rsplit('/').next() {
                            Some("decline") => r#"{"reason":"mine now"}"#,
                            Some("stage") => r#"{"stage":"propose"}"#,
                            Some("notes") => r#"{"note":"n"}"#,
                            Some("close") => r#"{"outcome":"won","feedback":"f"}"#,
                            Some("feedback") => r#"{"feedback":"f"}"#,
                            _ => "{}",
                        }
                    } else {
                        request =
                            request.header("content-type", "application/x-www-form-urlencoded");
                        "reason=mine+now&stage=propose&note=n&feedback=f"
                    }
                } else {
                    ""
                };
                let answer = app
                    .send(request.body(axum::body::Body::from(body)).unwrap())
                    .await;
                assert_eq!(
                    answer.status,
                    StatusCode::NOT_FOUND,
                    "{} {path}",
                    route.method
                );
                let text = answer.text();
                assert!(!text.contains("Bravo secret lead"), "{path}: {text}");
                checked += 1;
            }
        }
        assert!(checked >= 2 * 14, "{checked}");
        assert_eq!(
            status_of(&app, theirs).await,
            (OpportunityStatus::Distributed, Some(m.partner_b)),
            "nothing happened to B's opportunity"
        );
        // A's lists and API show A's opportunity and never B's.
        let mut a = app.browser_as(world.user("partner")).await;
        for path in [
            "/partner/opportunities",
            "/partner/opportunities?tab=accepted",
            "/partner/opportunities?tab=in_progress",
            "/partner/opportunities?tab=closed",
            "/api/v1/partner/opportunities",
            "/api/v1/partner/opportunities?filter=new",
        ] {
            let text = a.get(path).await.text();
            assert!(!text.contains("Bravo secret lead"), "{path}");
        }
        assert!(
            a.get("/partner/opportunities")
                .await
                .text()
                .contains("Plumbing own lead")
        );
        let own = a
            .get(&format!("/api/v1/partner/opportunities/{mine}"))
            .await;
        assert_eq!(own.status, StatusCode::OK);
        assert_eq!(own.json()["opportunity"]["name"], "Plumbing own lead");
        // Customers and technicians have no partner pages at all.
        for who in ["customer of A", "technician", "dispatcher"] {
            let mut other = app.browser_as(world.user(who)).await;
            assert!(
                !other
                    .get("/")
                    .await
                    .text()
                    .contains("/partner/opportunities"),
                "{who}'s navigation"
            );
            assert_eq!(
                other.get("/partner/opportunities").await.status,
                StatusCode::FORBIDDEN,
                "{who}"
            );
            assert_eq!(
                other
                    .get(&format!("/partner/opportunities/{mine}"))
                    .await
                    .status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
        }
    }
);

#[tokio::test]
async fn partners_record_internal_opportunities_that_do_not_count_against_capacity() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    let mut a = app.browser_as(world.user("partner")).await;
    let form = a.get("/partner/opportunities/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("New internal opportunity"));
    let refused = a
        .post(
            "/partner/opportunities",
            &[("name", "Our lead"), ("estimated_revenue", "-3")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(opportunity_count(&app).await, 0);
    let created = a
        .post(
            "/partner/opportunities",
            &[
                ("name", "Our lead"),
                ("customer_name", "Voisin"),
                ("latitude", "45.52"),
                ("longitude", "-73.58"),
                ("estimated_revenue", "2000"),
                ("lead_type", "residential"),
                ("product", &m.thermostat.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let id = id_in(created.header("location"));
    assert_eq!(
        status_of(&app, id).await,
        (OpportunityStatus::InProgress, Some(m.partner_a))
    );
    let accepted = a.get("/partner/opportunities?tab=accepted").await.text();
    assert!(accepted.contains("Our lead") && accepted.contains("Found by the partner (internal)"));
    // Three of them would fill partner A's capacity of 3 if they counted; they do not.
    for n in 0..3 {
        dist::create_internal_opportunity(
            app.app(),
            &principal(&app, world.user("partner")).await,
            &m.input(&format!("Internal {n}")),
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    let next = m.new_opportunity(&app, &world, "Still available").await;
    let mut staff = app.browser_as(world.user("dispatcher")).await;
    let explained = staff
        .get(&format!("/staff/opportunities/{next}"))
        .await
        .text();
    assert!(explained.contains("Why Partner Plumbing Co ranks number 1"));
}

#[tokio::test]
async fn administrators_set_the_weights_and_bad_values_are_refused_with_their_range() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
    assert_eq!(
        dispatcher.get("/staff/settings/distribution").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = app.browser_as(world.user("admin")).await;
    assert!(
        admin
            .get("/")
            .await
            .text()
            .contains(r#"href="/staff/settings/distribution""#)
    );
    let page = admin.get("/staff/settings/distribution").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for words in [
        "distribution/weights/distance",
        "distribution/weights/avgtimetoclose",
        "Between -0.01 and 0",
        "Between 0 and 5",
        "A whole number from 1 to 720",
        r#"value="-0.005""#,
        r#"value="48""#,
    ] {
        assert!(html.contains(words), "{words}");
    }
    let valid = [
        ("distribution/weights/distance", "-0.01"),
        ("distribution/weights/winrate", "5"),
        ("distribution/weights/returnrate", "0"),
        ("distribution/weights/feedbackrate", "0"),
        ("distribution/weights/stallrate", "-5"),
        ("distribution/weights/touchrate", "2.5"),
        ("distribution/weights/avgtimetoclose", "-0.5"),
        ("distribution/accept_hours", "24"),
        ("distribution/automatic", "on"),
    ];
    let with = |key: &str, value: &'static str| {
        valid
            .iter()
            .map(|&(k, v)| (k, if k == key { value } else { v }))
            .collect::<Vec<_>>()
    };
    // Out of range, not a number, not whole: refused with the setting's name and range, what
    // was typed shown again, nothing saved (not even the valid values of the same form).
    for (key, bad, message) in [
        (
            "distribution/weights/distance",
            "0.5",
            "distribution/weights/distance must be a number between -0.01 and 0.",
        ),
        (
            "distribution/weights/winrate",
            "abc",
            "distribution/weights/winrate must be a number between 0 and 5.",
        ),
        (
            "distribution/weights/avgtimetoclose",
            "NaN",
            "distribution/weights/avgtimetoclose must be a number between -0.5 and 0.",
        ),
        (
            "distribution/accept_hours",
            "1.5",
            "distribution/accept_hours must be a whole number between 1 and 720.",
        ),
    ] {
        let refused = admin
            .post("/staff/settings/distribution", &with(key, bad))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        let html = refused.text();
        assert!(html.contains(message), "{key}: {html}");
        assert!(html.contains(&format!(r#"value="{bad}""#)), "{key}");
        for row in dist::distribution_settings(app.app()).await.unwrap() {
            assert_eq!(
                row.value,
                row.setting.parse(row.setting.default).unwrap(),
                "nothing saved after {key}: {}",
                row.setting.key
            );
        }
    }
    let saved = admin.post("/staff/settings/distribution", &valid).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let html = admin.get(saved.header("location")).await.text();
    assert!(html.contains("The distribution settings are saved."));
    assert!(html.contains(r#"value="-0.01""#) && html.contains(r#"value="24""#));
    assert!(html.contains("role=\"switch\" value=\"on\" checked"));
    let weights = dist::weights(app.app()).await.unwrap();
    assert_eq!(weights.get(onsite_distribute::Metric::TouchRate), 2.5);
    assert_eq!(weights.get(onsite_distribute::Metric::ReturnRate), 0.0);

    // In French, with a decimal comma; the switch unticked turns automatic distribution off.
    admin.accept_language = Some("fr");
    let mut french = with("distribution/weights/distance", "-0,002");
    french.retain(|(k, _)| *k != "distribution/automatic");
    let saved = admin.post("/staff/settings/distribution", &french).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let weights = dist::weights(app.app()).await.unwrap();
    assert_eq!(weights.get(onsite_distribute::Metric::Distance), -0.002);
    let refused = admin
        .post(
            "/staff/settings/distribution",
            &with("distribution/weights/distance", "-1"),
        )
        .await;
    assert!(
        refused
            .text()
            .contains("distribution/weights/distance doit être un nombre entre -0,01 et 0.")
    );
}

#[tokio::test]
async fn with_automatic_distribution_a_new_opportunity_goes_to_the_top_partner_at_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    let mut admin = app.browser_as(world.user("admin")).await;
    dist::set_setting(
        app.app(),
        &principal(&app, world.user("admin")).await,
        "distribution/automatic",
        "true",
    )
    .await
    .unwrap();
    let created = admin
        .post(
            "/staff/opportunities",
            &[
                ("name", "Automatic"),
                ("customer_name", "Marie"),
                ("latitude", "45,52"),
                ("longitude", "-73.58"),
                ("estimated_revenue", "9000"),
                ("lead_type", "residential"),
                ("product", &m.heat_pump.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    assert!(created.header("location").ends_with("?notice=distributed"));
    let id = id_in(created.header("location"));
    assert_eq!(
        status_of(&app, id).await,
        (OpportunityStatus::Distributed, Some(m.partner_a))
    );
}

both_backends!(
    the_api_distributes_and_partners_work_their_opportunities,
    |app| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let body = serde_json::json!({
            "name": "API lead",
            "customer_name": "Marie Lavoie",
            "postal_code": "H2J 2L5",
            "latitude": CUSTOMER.0,
            "longitude": CUSTOMER.1,
            "estimated_revenue_minor": 1_450_000,
            "lead_type": "residential",
            "products": [m.heat_pump],
        });
        // Refused input: 422 naming the field, nothing created.
        let mut bad = body.clone();
        bad["latitude"] = serde_json::json!(123.0);
        let refused = staff.post_json("/api/v1/opportunities", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "latitude");
        let mut bad = body.clone();
        bad["name"] = serde_json::json!("");
        let refused = staff.post_json("/api/v1/opportunities", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "name");
        assert_eq!(
            refused.json()["error"]["message"],
            "Name: This field is required."
        );
        let unknown = staff
            .post_json("/api/v1/opportunities", &serde_json::json!({"name": 1}))
            .await;
        assert!(unknown.status.is_client_error());
        assert_eq!(opportunity_count(&app).await, 0);

        let created = staff.post_json("/api/v1/opportunities", &body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let id = created.json()["opportunity"]["id"].as_i64().unwrap();
        assert!(created.json()["opportunity"]["partner_id"].is_null());

        let list = staff.get("/api/v1/opportunities?status=new").await.json();
        assert_eq!(list["opportunities"][0]["id"], id);
        // The answers have exactly the members the OpenAPI document describes.
        assert_eq!(
            keys(&list["opportunities"][0]),
            required_of("StaffOpportunity")
        );
        assert_eq!(list["opportunities"][0]["currency"], "CAD");
        assert_eq!(
            staff.get("/api/v1/opportunities?status=nope").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        let x = staff
            .get(&format!("/api/v1/opportunities/{id}/explanation"))
            .await;
        assert_eq!(x.status, StatusCode::OK);
        let x = x.json();
        assert_eq!(keys(&x), required_of("Explanation"));
        assert_eq!(keys(&x["opportunity"]), required_of("Opportunity"));
        assert_eq!(
            keys(&x["ranked"][0]["contributions"][1]),
            required_of("Contribution")
        );
        assert_eq!(x["available_count"], 2);
        assert_eq!(x["ranked"][0]["partner"]["name"], "Partner Plumbing Co");
        assert_eq!(x["ranked"][0]["contributions"].as_array().unwrap().len(), 7);
        let excluded = x["excluded"].as_array().unwrap();
        let full = excluded
            .iter()
            .find(|e| e["partner"]["id"] == m.full.0)
            .unwrap();
        assert_eq!(full["criterion"]["kind"], "capacity");
        assert_eq!(full["reason"], "At capacity: 0 open opportunities of 0.");

        let path = format!("/api/v1/opportunities/{id}/distribute");
        let unavailable = staff
            .post_json(&path, &serde_json::json!({ "partner_id": m.thermo_only }))
            .await;
        assert_eq!(unavailable.status, StatusCode::CONFLICT);
        assert_eq!(unavailable.json()["error"]["code"], "partner_unavailable");
        assert_eq!(
            unavailable.json()["error"]["message"],
            "This partner is not available for this opportunity: Does not cover Heat pump."
        );
        let done = staff.post_json(&path, &serde_json::json!({})).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let done = done.json();
        assert_eq!(done["partner_id"], m.partner_a.0);
        assert_eq!(done["partner_name"], "Partner Plumbing Co");
        assert_eq!(done["rank"], 1);
        assert!(done["expires_at"].is_string());
        let again = staff.post_json(&path, &serde_json::json!({})).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "illegal_move");
        let x = staff
            .get(&format!("/api/v1/opportunities/{id}/explanation"))
            .await
            .json();
        assert_eq!(x["opportunity"]["status"], "distributed");
        assert_eq!(x["opportunity"]["expires_at"], done["expires_at"]);

        // Partner A: its list, the opportunity, a decline without a reason, then with one.
        let mut a = app.browser_as(world.user("partner")).await;
        a.get("/").await;
        let mine = a
            .get("/api/v1/partner/opportunities?filter=new")
            .await
            .json();
        assert_eq!(mine["opportunities"][0]["id"], id);
        assert!(mine["opportunities"][0]["expires_at"].is_string());
        let base = format!("/api/v1/partner/opportunities/{id}");
        let one = a.get(&base).await.json();
        assert_eq!(keys(&one), required_of("PartnerOpportunityDetail"));
        assert_eq!(keys(&one["opportunity"]), required_of("Opportunity"));
        assert_eq!(one["opportunity"]["products"][0], m.heat_pump.0);
        assert_eq!(one["products"][0]["name"], "Heat pump");
        assert_eq!(one["history"][0]["kind"], "distributed");
        let no_reason = a
            .post_json(
                &format!("{base}/decline"),
                &serde_json::json!({"reason": " "}),
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_reason.json()["error"]["field"], "reason");
        let declined = a
            .post_json(
                &format!("{base}/decline"),
                &serde_json::json!({"reason": "Busy"}),
            )
            .await;
        assert_eq!(declined.status, StatusCode::OK, "{}", declined.text());
        assert_eq!(a.get(&base).await.status, StatusCode::NOT_FOUND);

        // Partner B has it now: accept, stage, note, close won.
        let mut b = app.browser_as(m.partner_b_user).await;
        b.get("/").await;
        let accepted = b
            .post_json(&format!("{base}/accept"), &serde_json::json!({}))
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        assert_eq!(accepted.json()["opportunity"]["status"], "in_progress");
        let bad_stage = b
            .post_json(
                &format!("{base}/stage"),
                &serde_json::json!({"stage": "win"}),
            )
            .await;
        assert_eq!(bad_stage.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_stage.json()["error"]["field"], "stage");
        let staged = b
            .post_json(
                &format!("{base}/stage"),
                &serde_json::json!({"stage": "negotiate"}),
            )
            .await;
        assert_eq!(staged.json()["opportunity"]["stage"], "negotiate");
        let noted = b
            .post_json(
                &format!("{base}/notes"),
                &serde_json::json!({"note": "Called"}),
            )
            .await;
        assert_eq!(noted.status, StatusCode::OK);
        let lost_no_reason = b
            .post_json(
                &format!("{base}/close"),
                &serde_json::json!({"outcome": "lost"}),
            )
            .await;
        assert_eq!(lost_no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(lost_no_reason.json()["error"]["field"], "reason");
        let odd = b
            .post_json(
                &format!("{base}/close"),
                &serde_json::json!({"outcome": "maybe"}),
            )
            .await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(odd.json()["error"]["field"], "outcome");
        let won = b
            .post_json(
                &format!("{base}/close"),
                &serde_json::json!({"outcome": "won", "feedback": "Great"}),
            )
            .await;
        assert_eq!(won.status, StatusCode::OK, "{}", won.text());
        assert_eq!(won.json()["opportunity"]["status"], "won");
        let metrics = b.get("/api/v1/partner/metrics").await.json();
        let win = &metrics["metrics"][0];
        assert_eq!(win["metric"], "win_rate");
        assert_eq!(win["value"], 1.0);
        assert_eq!(win["denominator"], 1);
        let feedback = b
            .post_json(
                &format!("{base}/feedback"),
                &serde_json::json!({"feedback": "More"}),
            )
            .await;
        assert_eq!(feedback.status, StatusCode::OK);
        let a_metrics = a.get("/api/v1/partner/metrics").await.json();
        assert_eq!(a_metrics["metrics"][0]["value"], 0.0);

        // An internal opportunity through the API.
        let internal = b.post_json("/api/v1/partner/opportunities", &body).await;
        assert_eq!(internal.status, StatusCode::CREATED, "{}", internal.text());
        // Staff may not use the partner API, nor partners the staff API.
        assert_eq!(
            staff.get("/api/v1/partner/opportunities").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            a.get("/api/v1/opportunities").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            a.get(&format!("/api/v1/opportunities/{id}/explanation"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

#[tokio::test]
async fn a_long_list_shows_its_newest_and_says_how_many_there_are() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    for n in 0..201 {
        m.new_opportunity(&app, &world, &format!("Lead number {n:03}"))
            .await;
    }
    let mut staff = app.browser_as(world.user("dispatcher")).await;
    let html = staff.get("/staff/opportunities").await.text();
    assert!(html.contains("New <small>(201)</small>"), "{html}");
    assert!(html.contains(
        "The 201 opportunities of this list are too many to show at once: here are the newest."
    ));
    assert!(html.contains("Lead number 200") && !html.contains("Lead number 000"));
}

#[tokio::test]
async fn an_opportunity_every_partner_passed_on_comes_back_flagged() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    let id = m
        .distributed_to(&app, &world, "Nobody wants it", m.partner_a)
        .await;
    let now = app.state.clock.now();
    let a = principal(&app, world.user("partner")).await;
    dist::decline(app.app(), &a, id, "Too far", now)
        .await
        .unwrap();
    let b = principal(&app, m.partner_b_user).await;
    dist::decline(app.app(), &b, id, "Too busy", now)
        .await
        .unwrap();
    assert_eq!(status_of(&app, id).await, (OpportunityStatus::New, None));

    let mut staff = app.browser_as(world.user("dispatcher")).await;
    let list = staff.get("/staff/opportunities").await.text();
    assert!(list.contains("Nobody wants it") && list.contains("Came back: no partner available"));
    let page = staff
        .get(&format!("/staff/opportunities/{id}"))
        .await
        .text();
    assert!(
        page.contains("2 partners passed on this opportunity and no other partner was available")
    );
    assert!(page.contains("No partner is available for this opportunity: see why below."));
    assert!(!page.contains("Distribute to the top partner"));
    let refused = staff
        .post(&format!("/staff/opportunities/{id}/distribute"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .contains("No partner is available for this opportunity.")
    );
}
