//! The territory and partner pages: a dispatcher draws a territory and sees who is in it, bad
//! input is refused naming its field and changes nothing, a stale save and the removal of a
//! territory something refers to are refused with a clear message; a partner's distribution
//! profile is edited from the catalogue; the opportunity form offers the catalogue's lead
//! types; the audit log names these changes.

use crate::distribution::Market;
use crate::support::{TestApp, World};
use axum::http::StatusCode;

/// A square around the World's accounts (all at the east-end address, 45.557, -73.553).
const EAST_END_AREA: &str = "45.55, -73.56\n45.56, -73.56\n45.56, -73.54\n45.55, -73.54";

onsite_testkit::both_backends!(
    a_dispatcher_draws_a_territory_and_sees_who_is_in_it,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let list = staff.get("/staff/territories").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.text();
        assert!(html.contains(r#"href="/staff/territories""#), "navigation");
        assert!(html.contains("No territories yet."));
        let new = staff.get("/staff/territories/new").await.text();
        assert!(new.contains("territory_map.js") && new.contains(r#"data-area-text"#));

        // Refused: nothing named, nothing covered, a line that is not a point.
        let refused = staff
            .post(
                "/staff/territories",
                &[("name", ""), ("postal_prefixes", "")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r##"href="#name""##));
        let refused = staff
            .post("/staff/territories", &[("name", "East end"), ("area", "")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r##"href="#postal_prefixes""##));
        assert!(
            refused
                .text()
                .contains("Give postal-code prefixes or draw an area")
        );
        let refused = staff
            .post(
                "/staff/territories",
                &[("name", "East end"), ("area", "45.5 -73.5 1")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains(r##"href="#area""##) && html.contains(r#"aria-invalid="true""#));
        assert!(html.contains("45.5 -73.5 1"), "what was typed is kept");
        assert!(
            staff
                .get("/staff/territories")
                .await
                .text()
                .contains("No territories yet.")
        );

        let made = staff
            .post(
                "/staff/territories",
                &[
                    ("name", "East end"),
                    ("postal_prefixes", "h1v"),
                    ("area", EAST_END_AREA),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let location = made.header("location").to_owned();
        let path = location.split('?').next().unwrap().to_owned();
        let page = staff.get(&location).await.text();
        assert!(page.contains("Territory created."), "{page}");
        assert!(
            page.contains("3 accounts changed territory; 3 of them now in East end."),
            "{page}"
        );
        assert!(page.contains(&format!(r#"href="/staff/accounts/{}""#, world.account_a)));
        assert!(page.contains(&format!(
            r#"href="/staff/accounts/{}""#,
            world.partner_account
        )));
        assert!(page.contains("45.550000, -73.560000"));
        assert!(page.contains(r#"name="seen_version" value="1""#));
        let list = staff.get("/staff/territories").await.text();
        assert!(list.contains("East end") && list.contains("H1V") && list.contains("4 points"));

        // A bad area: refused next to its field, the territory unchanged.
        let bad = staff
            .post(
                &path,
                &[
                    ("seen_version", "1"),
                    ("name", "East end"),
                    ("area", "0, 0\n1, 1\n0, 1\n1, 0"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("The edges of the area cross"));
        // Two dispatchers from version 1: the first save stands, the second is refused.
        let first = staff
            .post(
                &path,
                &[
                    ("seen_version", "1"),
                    ("name", "East end"),
                    ("postal_prefixes", "H1V, H1W"),
                ],
            )
            .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
        let after = staff.get(first.header("location")).await.text();
        assert!(
            after.contains("3 accounts changed territory")
                || after.contains("No account changed territory"),
            "{after}"
        );
        let second = staff
            .post(
                &path,
                &[
                    ("seen_version", "1"),
                    ("name", "Renamed"),
                    ("postal_prefixes", "H1V"),
                ],
            )
            .await;
        assert_eq!(second.status, StatusCode::CONFLICT);
        let html = second.text();
        assert!(
            html.contains("Someone else saved this territory in the meantime"),
            "{html}"
        );
        assert!(
            html.contains("H1V, H1W") && html.contains(r#"value="2""#),
            "their version"
        );
        let missing = staff.post(&path, &[("name", "East end")]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Accounts are in it: removal refused, saying why.
        let removal = staff
            .post(&format!("{path}/delete"), &[("seen_version", "2")])
            .await;
        assert_eq!(removal.status, StatusCode::CONFLICT);
        assert!(
            removal
                .text()
                .contains("cannot be removed while something refers to it")
        );
        assert_eq!(staff.get(&path).await.status, StatusCode::OK);
        assert_eq!(
            staff.get(&format!("{path}9")).await.status,
            StatusCode::NOT_FOUND
        );

        // Nobody in it any more: it can go.
        let emptied = staff
            .post(
                &path,
                &[
                    ("seen_version", "2"),
                    ("name", "East end"),
                    ("postal_prefixes", "G1A"),
                ],
            )
            .await;
        assert_eq!(emptied.status, StatusCode::SEE_OTHER);
        let page = staff.get(emptied.header("location")).await.text();
        assert!(
            page.contains("3 accounts changed territory; 0 of them now in East end."),
            "{page}"
        );
        let removal = staff
            .post(&format!("{path}/delete"), &[("seen_version", "3")])
            .await;
        assert_eq!(removal.status, StatusCode::SEE_OTHER);
        assert!(
            staff
                .get(removal.header("location"))
                .await
                .text()
                .contains("Territory removed.")
        );
        assert_eq!(staff.get(&path).await.status, StatusCode::NOT_FOUND);

        // The audit log names these changes.
        let mut admin = app.browser_as(world.user("admin")).await;
        let log = admin.get("/staff/audit?entity=territory").await.text();
        for words in [
            "Created a territory",
            "Edited a territory",
            "Removed a territory",
        ] {
            assert!(log.contains(words), "{words}: {log}");
        }
        // Other people: the policy's refusals.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        assert_eq!(
            customer.get("/staff/territories").await.status,
            StatusCode::FORBIDDEN
        );
        let mut technician = app.browser_as(world.user("technician")).await;
        assert_eq!(technician.get(&path).await.status, StatusCode::NOT_FOUND);
    }
);

onsite_testkit::both_backends!(
    a_partners_distribution_profile_is_edited_from_the_catalogue,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let market = Market::build(&app, &world).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let list = staff.get("/staff/partners").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.text();
        assert!(
            html.contains("Partner Plumbing Co") && html.contains("Plateau"),
            "{html}"
        );
        assert!(html.contains(r#"href="/staff/accounts/new?kind=partner""#));

        let path = format!("/staff/partners/{}", market.partner_b);
        let page = staff.get(&path).await.text();
        assert!(page.contains(r#"name="seen_version" value="1""#), "{page}");
        assert!(page.contains("residential (residential)"), "{page}");
        assert!(page.contains(&format!(r#"href="/staff/accounts/{}""#, market.partner_b)));

        let plateau = market.plateau.to_string();
        let thermostat = market.thermostat.to_string();
        let form = |capacity: &'static str, min: &'static str, max: &'static str| {
            vec![
                ("seen_version", "1".to_owned()),
                ("capacity", capacity.to_owned()),
                ("revenue_min", min.to_owned()),
                ("revenue_max", max.to_owned()),
                ("territory", plateau.clone()),
                ("lead_type", "residential".to_owned()),
                ("product", thermostat.clone()),
            ]
        };
        let post = |fields: &Vec<(&'static str, String)>| {
            fields
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<Vec<_>>()
        };
        for (fields, field) in [
            (form("many", "1000", "50000"), "capacity"),
            (form("3", "lots", "50000"), "revenue_min"),
            (form("3", "60000", "50000"), "revenue_max"),
        ] {
            let fields = post(&fields);
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let refused = staff.post(&path, &pairs).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert!(
                refused.text().contains(&format!(r##"href="#{field}""##)),
                "{field}"
            );
        }
        let mut unknown = post(&form("3", "1000", "50000"));
        unknown.push(("lead_type", "made-up".to_owned()));
        let pairs: Vec<(&str, &str)> = unknown.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = staff.post(&path, &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r##"href="#lead_types""##));

        let fields = post(&form("7", "1,000.50", "50000"));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let saved = staff.post(&path, &pairs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let page = staff.get(saved.header("location")).await.text();
        assert!(
            page.contains("Saved.") && page.contains(r#"value="1000.50""#),
            "{page}"
        );
        assert!(page.contains(&format!(r#"value="{thermostat}" checked"#)));
        let stale = staff.post(&path, &pairs).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.text().contains("Someone else saved this partner"));
        // A customer account is no partner.
        let customer = format!("/staff/partners/{}", world.account_a);
        assert_eq!(staff.get(&customer).await.status, StatusCode::NOT_FOUND);

        // The opportunity form offers the catalogue's lead types, and only those.
        let form = staff.get("/staff/opportunities/new").await.text();
        assert!(
            form.contains(r#"<select id="lead_type""#)
                && form.contains(r#"<option value="residential""#)
        );
        let refused = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump"),
                    ("customer_name", "Marie Lavoie"),
                    ("estimated_revenue", "14500"),
                    ("territory", &plateau),
                    ("lead_type", "made-up"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r##"href="#lead_type""##));

        let mut admin = app.browser_as(world.user("admin")).await;
        let log = admin
            .get(&format!(
                "/staff/audit?entity=partner_profile&id={}",
                market.partner_b
            ))
            .await
            .text();
        assert!(log.contains("Edited a partner"), "{log}");
        let mut partner = app.browser_as(world.user("partner")).await;
        assert_eq!(partner.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            partner.get("/staff/partners").await.status,
            StatusCode::FORBIDDEN
        );
    }
);

onsite_testkit::both_backends!(
    the_staff_api_keeps_territories_and_accounts_follow,
    |app: TestApp| async move {
        use serde_json::json;
        let world = World::build(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        // An account at the Plateau, before any territory covers it.
        let account = staff
            .post_json(
                "/api/v1/staff/accounts",
                &json!({"kind": "customer", "name": "Boulangerie Fabre", "postal_code": "H2J 2K9",
                    "country": "CA", "latitude": 45.5226, "longitude": -73.5831,
                    "time_zone": "America/Toronto", "address_line": "4301 Rue Saint-Denis", "city": "Montréal"}),
            )
            .await;
        assert_eq!(account.status, StatusCode::CREATED, "{}", account.text());
        let account_path = account.header("location").to_owned();

        let refused = staff
            .post_json("/api/v1/staff/territories", &json!({"name": "Nowhere"}))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text()
        );
        let made = staff
            .post_json(
                "/api/v1/staff/territories",
                &json!({"name": "Plateau", "postal_prefixes": ["h2j"]}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let made = made.json();
        assert_eq!(made["accounts_joined"], 1, "the account follows: {made}");
        assert_eq!(made["territory"]["postal_prefixes"], json!(["H2J"]));
        let path = format!("/api/v1/staff/territories/{}", made["territory"]["id"]);
        assert_eq!(
            staff.get(&account_path).await.json()["territory"],
            "Plateau"
        );
        let taken = staff
            .post_json(
                "/api/v1/staff/territories",
                &json!({"name": "Plateau", "postal_prefixes": ["H2K"]}),
            )
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);

        // In use: not deleted. Moved away: the account leaves; then it can go.
        let in_use = staff
            .post_json(&format!("{path}/delete"), &json!({"version": 1}))
            .await;
        assert_eq!(in_use.status, StatusCode::CONFLICT);
        let shown = staff.get(&path).await.json();
        assert_eq!(shown["customers"][0]["name"], "Boulangerie Fabre");
        let moved = staff
            .post_json(&path, &json!({"version": 1, "postal_prefixes": ["H2K"]}))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        assert_eq!(moved.json()["accounts_moved"], 1);
        assert_eq!(
            staff.get(&account_path).await.json()["territory"],
            serde_json::Value::Null
        );
        let stale = staff
            .post_json(&path, &json!({"version": 1, "name": "Old"}))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let gone = staff
            .post_json(&format!("{path}/delete"), &json!({"version": 2}))
            .await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.text());
        assert_eq!(staff.get(&path).await.status, StatusCode::NOT_FOUND);
    }
);
