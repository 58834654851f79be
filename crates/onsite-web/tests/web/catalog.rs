//! The catalogue pages: a dispatcher keeps the skills, products and lead types — creates,
//! renames, retires and restores them (a retired product is no longer offered) — and refused
//! forms come back naming their field; service types are edited by two staff at once.

use crate::support::{TestApp, World};
use axum::http::StatusCode;

onsite_testkit::both_backends!(
    a_dispatcher_keeps_the_skills_from_the_catalogue_pages,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let home = staff.get("/staff/catalog/skills").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(
            home.text().contains(r#"href="/staff/catalog/skills""#),
            "navigation"
        );
        assert!(home.text().contains("No skills yet."));

        let refused = staff.post("/staff/catalog/skills", &[("name", "  ")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.text().contains(r##"href="#name""##),
            "{}",
            refused.text()
        );
        assert!(refused.text().contains("This field is required."));

        let made = staff
            .post("/staff/catalog/skills", &[("name", "Brazing")])
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let location = made.header("location").to_owned();
        assert!(location.ends_with("?notice=catalog-created"), "{location}");
        let path = location.split('?').next().unwrap().to_owned();
        assert!(staff.get(&location).await.text().contains("Created."));

        let taken = staff
            .post("/staff/catalog/skills", &[("name", "Brazing")])
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert!(taken.text().contains("Another entry has this already"));
        assert!(
            taken.text().contains(r#"value="Brazing""#),
            "kept what was typed"
        );

        let page = staff.get(&path).await.text();
        assert!(page.contains(r#"name="seen_version" value="1""#), "{page}");
        let renamed = staff
            .post(&path, &[("name", "Copper brazing"), ("seen_version", "1")])
            .await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER);
        let refused = staff
            .post(&path, &[("name", ""), ("seen_version", "2")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("This field is required."));
        // A second dispatcher's rename from version 1: refused, the saved name shown.
        let stale = staff
            .post(&path, &[("name", "Soldering"), ("seen_version", "1")])
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.text().contains(r#"value="Copper brazing""#));
        assert!(
            staff
                .post(&format!("{path}/retire"), &[("seen_version", "1")])
                .await
                .status
                == StatusCode::CONFLICT
        );

        let retired = staff
            .post(&format!("{path}/retire"), &[("seen_version", "2")])
            .await;
        assert_eq!(retired.status, StatusCode::SEE_OTHER);
        let page = staff.get(retired.header("location")).await.text();
        assert!(
            page.contains("Copper brazing") && page.contains("Retired"),
            "{page}"
        );
        assert!(page.contains(&format!(r#"action="{path}/restore""#)));
        let list = staff.get("/staff/catalog/skills").await.text();
        assert!(list.contains("Copper brazing") && list.contains("Retired"));
        let restored = staff
            .post(&format!("{path}/restore"), &[("seen_version", "3")])
            .await;
        assert_eq!(restored.status, StatusCode::SEE_OTHER);
        assert!(
            staff
                .get(restored.header("location"))
                .await
                .text()
                .contains("Offered")
        );
        assert_eq!(
            staff.get(&format!("{path}9")).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

onsite_testkit::both_backends!(
    products_and_lead_types_are_listed_with_their_codes,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut staff = app.browser_as(world.user("admin")).await;
        let made = staff
            .post(
                "/staff/catalog/products",
                &[("code", "HP-DUCTLESS"), ("name", "Ductless heat pump")],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let taken = staff
            .post(
                "/staff/catalog/products",
                &[("code", "HP-DUCTLESS"), ("name", "Again")],
            )
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert!(
            taken.text().contains(r##"href="#code""##),
            "{}",
            taken.text()
        );
        let list = staff.get("/staff/catalog/products").await.text();
        assert!(list.contains("HP-DUCTLESS") && list.contains("Ductless heat pump"));
        let offered = staff.get("/staff/opportunities/new").await.text();
        assert!(offered.contains("Ductless heat pump"), "{offered}");
        let product = made
            .header("location")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let retired = staff
            .post(&format!("{product}/retire"), &[("seen_version", "1")])
            .await;
        assert_eq!(retired.status, StatusCode::SEE_OTHER);
        let offered = staff.get("/staff/opportunities/new").await.text();
        assert!(
            !offered.contains("Ductless heat pump"),
            "a retired product is not offered"
        );

        let refused = staff
            .post(
                "/staff/catalog/lead-types",
                &[("code", "a,b"), ("name", "Two")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r##"href="#code""##));
        let made = staff
            .post(
                "/staff/catalog/lead-types",
                &[("code", "Commercial"), ("name", "Businesses")],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER);
        let list = staff.get("/staff/catalog/lead-types").await.text();
        assert!(
            list.contains("commercial") && list.contains("Businesses"),
            "{list}"
        );
    }
);

/// The `seen_version` of the service type form in `page`.
fn seen_version(page: &str) -> String {
    let (_, rest) = page
        .split_once(r#"name="seen_version" value=""#)
        .expect("the form's version");
    rest.split('"').next().unwrap().to_owned()
}

onsite_testkit::both_backends!(
    two_staff_edit_a_service_type_and_the_stale_save_is_refused,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let made = dispatcher
            .post("/staff/catalog/skills", &[("name", "Gas fitting")])
            .await;
        let skill = made
            .header("location")
            .split('?')
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let new = dispatcher.get("/staff/catalog/service-types/new").await;
        assert_eq!(new.status, StatusCode::OK);
        assert!(new.text().contains(&format!(r#"name="skill-{skill}""#)));
        assert!(new.text().contains(r#"name="name-fr""#));

        let skill_field = format!("skill-{skill}");
        let fields = |duration: &'static str, name: &'static str| {
            vec![
                ("name", name),
                ("name-fr", "Entretien de chaudière"),
                ("description", "Yearly"),
                ("duration_minutes", duration),
                ("self_scheduling", "true"),
            ]
        };
        let mut bad = fields("3", "Boiler service");
        bad.push((skill_field.as_str(), "4"));
        let refused = dispatcher.post("/staff/catalog/service-types", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.text().contains(r##"href="#duration_minutes""##),
            "{}",
            refused.text()
        );
        assert!(
            refused.text().contains(r#"value="Boiler service""#),
            "kept what was typed"
        );
        let list = dispatcher.get("/staff/catalog/service-types").await.text();
        assert!(list.contains("No service types yet."), "nothing created");

        let mut good = fields("90", "Boiler service");
        good.push((skill_field.as_str(), "4"));
        let created = dispatcher.post("/staff/catalog/service-types", &good).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let path = created
            .header("location")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let form = dispatcher.get(&path).await.text();
        assert!(form.contains(r#"<option value="4" selected>"#), "{form}");
        assert!(form.contains("Entretien de chaudière"));
        let version = seen_version(&form);

        // The administrator opens the same form, the dispatcher saves first.
        let mut admin = app.browser_as(world.user("admin")).await;
        assert_eq!(seen_version(&admin.get(&path).await.text()), version);
        let mut first = fields("120", "Boiler service");
        first.push(("seen_version", version.as_str()));
        let saved = dispatcher.post(&path, &first).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let mut stale = fields("30", "Boiler check");
        stale.push(("seen_version", version.as_str()));
        let refused = admin.post(&path, &stale).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        let text = refused.text();
        assert!(
            text.contains("Someone else saved this in the meantime"),
            "{text}"
        );
        assert!(
            text.contains(r#"value="120""#),
            "shows the saved version: {text}"
        );
        assert_ne!(seen_version(&text), version);

        let mut retire = fields("120", "Boiler service");
        let now = seen_version(&text);
        retire.push(("seen_version", now.as_str()));
        retire.push(("retired", "true"));
        assert_eq!(
            admin.post(&path, &retire).await.status,
            StatusCode::SEE_OTHER
        );
        let list = admin.get("/staff/catalog/service-types").await.text();
        assert!(
            list.contains("Boiler service") && list.contains("Retired"),
            "{list}"
        );
        assert!(!list.contains("Boiler check"));
    }
);

onsite_testkit::both_backends!(
    the_staff_api_keeps_the_catalogue_with_versions,
    |app: TestApp| async move {
        use serde_json::json;
        let world = World::build(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;

        // A product: its code is unique; retired, it is no longer offered.
        let products = "/api/v1/staff/catalog/products";
        let made = staff
            .post_json(
                products,
                &json!({"code": "HP-DUCTLESS", "name": "Ductless heat pump"}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let product = made.json();
        let path = made.header("location").to_owned();
        assert_eq!(path, format!("{products}/{}", product["id"]));
        assert_eq!(
            (product["version"].as_i64(), product["active"].as_bool()),
            (Some(1), Some(true))
        );
        let taken = staff
            .post_json(products, &json!({"code": "HP-DUCTLESS", "name": "Other"}))
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert_eq!(taken.json()["error"]["field"], "code");
        let bad_lead_type = staff
            .post_json(
                "/api/v1/staff/catalog/lead-types",
                &json!({"code": "a,b", "name": "Both"}),
            )
            .await;
        assert_eq!(bad_lead_type.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_lead_type.json()["error"]["field"], "code");
        let retired = staff
            .post_json(
                &format!("{path}/active"),
                &json!({"version": 1, "active": false}),
            )
            .await;
        assert_eq!(retired.status, StatusCode::OK, "{}", retired.text());
        assert_eq!(retired.json()["active"], false);
        assert!(
            !staff
                .get("/staff/opportunities/new")
                .await
                .text()
                .contains("Ductless heat pump"),
            "a retired product is not offered"
        );
        let listed = staff.get(products).await.json();
        assert_eq!(
            listed["entries"].as_array().unwrap().last().unwrap()["code"],
            "HP-DUCTLESS"
        );
        // Renamed from an old version: refused, nothing written.
        let stale = staff
            .post_json(&path, &json!({"version": 1, "name": "Mini-split"}))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(staff.get(&path).await.json()["name"], "Ductless heat pump");

        // A skill, then a service type that requires it.
        let skill = staff
            .post_json("/api/v1/staff/catalog/skills", &json!({"name": "Brazing"}))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let body = json!({"name": "Line set repair", "names": {"fr": "Réparation de conduites"},
            "duration_minutes": 90, "required_skills": [{"skill_id": skill, "min_rating": 4}],
            "self_scheduling": false});
        let made = staff.post_json("/api/v1/staff/service-types", &body).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let service = made.json();
        assert_eq!(service["names"]["fr"], "Réparation de conduites");
        assert_eq!(service["required_skills"][0]["min_rating"], 4);
        assert_eq!(service["self_scheduling"], false);
        let path = made.header("location").to_owned();
        for (field, bad) in [
            (
                "duration_minutes",
                json!({"name": "X", "duration_minutes": 3}),
            ),
            (
                "required_skills",
                json!({"name": "X", "duration_minutes": 30, "required_skills": [{"skill_id": 987654, "min_rating": 3}]}),
            ),
            (
                "required_skills",
                json!({"name": "X", "duration_minutes": 30, "required_skills": [{"skill_id": skill, "min_rating": 11}]}),
            ),
            (
                "names",
                json!({"name": "X", "duration_minutes": 30, "names": {"tlh": "X"}}),
            ),
        ] {
            let refused = staff.post_json("/api/v1/staff/service-types", &bad).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert_eq!(
                refused.json()["error"]["field"],
                field,
                "{}",
                refused.text()
            );
        }
        // A change keeps what it leaves out; `active: false` retires it.
        let version = service["version"].as_i64().unwrap();
        let changed = staff
            .post_json(
                &path,
                &json!({"version": version, "duration_minutes": 60, "active": false}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        let changed = changed.json();
        assert_eq!(changed["duration_minutes"], 60);
        assert_eq!(changed["active"], false);
        assert_eq!(changed["names"]["fr"], "Réparation de conduites");
        assert_eq!(changed["required_skills"][0]["skill_id"], skill);
        let stale = staff
            .post_json(&path, &json!({"version": version, "duration_minutes": 30}))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json()["error"]["code"], "changed");

        // Customers reach none of it.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        assert_eq!(customer.get(products).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            customer.get("/api/v1/staff/service-types").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
