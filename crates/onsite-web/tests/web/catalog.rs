//! The catalogue pages: a dispatcher keeps the skills, products and lead types — creates,
//! renames, retires and restores them — and refused forms come back naming their field.

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

        let renamed = staff.post(&path, &[("name", "Copper brazing")]).await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER);
        let refused = staff.post(&path, &[("name", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("This field is required."));

        let retired = staff.post(&format!("{path}/retire"), &[]).await;
        assert_eq!(retired.status, StatusCode::SEE_OTHER);
        let page = staff.get(retired.header("location")).await.text();
        assert!(
            page.contains("Copper brazing") && page.contains("Retired"),
            "{page}"
        );
        assert!(page.contains(&format!(r#"action="{path}/restore""#)));
        let list = staff.get("/staff/catalog/skills").await.text();
        assert!(list.contains("Copper brazing") && list.contains("Retired"));
        let restored = staff.post(&format!("{path}/restore"), &[]).await;
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
