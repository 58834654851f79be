//! The catalogue against a fresh database: the named lists (skills, products, lead types)
//! created, renamed, retired and restored by staff, each change audited with before → after,
//! refused input naming its field and changing nothing; service types created, edited and
//! retired, a stale save refused, and the next slot search's snapshot seeing each change.

use crate::app_on;
use jiff::Timestamp;
use onsite_app::App;
use onsite_app::booking;
use onsite_app::catalog::{self, CatalogError, List, ServiceTypeInput};
use onsite_app::policy::{Principal, Staff};
use onsite_app::team;
use onsite_domain::role::Role;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::{CharacteristicId, UserId};
use onsite_i18n::Locale;
use onsite_store::audit;
use onsite_store::catalog::{self as store, NewServiceType};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;

/// A dispatcher of the installation (made as its first administrator, then granted as
/// staff), and their grant.
pub(crate) async fn dispatcher(app: &App) -> (UserId, Staff) {
    let made = team::create_first_admin(app, "dispatch@example.com", "Dee", Timestamp::now())
        .await
        .unwrap();
    let staff = Principal {
        user_id: made.user,
        roles: vec![Role::Dispatcher],
        account_id: None,
        technician_id: None,
    }
    .grant()
    .expect("staff");
    (made.user, staff)
}

/// The audit lines about `entity` `id`, oldest first: (action, detail).
pub(crate) async fn history(app: &App, entity: &str, id: i64) -> Vec<(String, serde_json::Value)> {
    let mut conn = app.store.conn().await.unwrap();
    let mut lines: Vec<_> = audit::recent(&mut conn, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == entity && e.entity_id == Some(id))
        .map(|e| (e.action, serde_json::from_str(&e.detail).unwrap()))
        .collect();
    lines.reverse();
    lines
}

fn invalid_field(result: Result<impl std::fmt::Debug, CatalogError>) -> &'static str {
    match result {
        Err(CatalogError::Invalid(i)) => i.field,
        Err(CatalogError::Taken { field }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

both_backends!(
    skills_are_created_renamed_retired_and_restored_with_their_history,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let skills = List::Characteristics;
        let id = catalog::create(&app, staff, skills, "ignored", "  Brazing ")
            .await
            .unwrap();
        let entry = catalog::entry(&app, staff, skills, id).await.unwrap();
        assert_eq!(
            (entry.name.as_str(), entry.code, entry.active),
            ("Brazing", None, true)
        );

        // Bad input: named, nothing changes.
        assert_eq!(
            invalid_field(catalog::create(&app, staff, skills, "", " ").await),
            "name"
        );
        assert_eq!(
            invalid_field(catalog::create(&app, staff, skills, "", "brazing\u{7}").await),
            "name"
        );
        assert_eq!(
            invalid_field(catalog::create(&app, staff, skills, "", "Brazing").await),
            "name"
        );
        assert_eq!(
            invalid_field(catalog::rename(&app, staff, skills, (id, 1), "").await),
            "name"
        );
        assert_eq!(
            catalog::entries(&app, staff, skills).await.unwrap().len(),
            1
        );

        // A service type requires it; retiring it keeps the requirement.
        let mut conn = app.store.conn().await.unwrap();
        let need = SkillLevel {
            characteristic_id: CharacteristicId(id),
            rating: Rating::new(4).unwrap(),
        };
        let service_type = store::insert_service_type(
            &mut conn,
            &NewServiceType {
                name: "Furnace repair",
                description: "",
                duration: VisitDuration::from_minutes(60).unwrap(),
                required_skills: &[need],
                self_scheduling: true,
                active: true,
            },
        )
        .await
        .unwrap();
        drop(conn);

        catalog::rename(&app, staff, skills, (id, 1), "Brazing (copper)")
            .await
            .unwrap();
        // From the version read: a second change from version 1 is refused, nothing written.
        assert!(matches!(
            catalog::rename(&app, staff, skills, (id, 1), "Soldering").await,
            Err(CatalogError::Changed)
        ));
        assert!(matches!(
            catalog::set_active(&app, staff, skills, (id, 1), false).await,
            Err(CatalogError::Changed)
        ));
        catalog::set_active(&app, staff, skills, (id, 2), false)
            .await
            .unwrap();
        catalog::set_active(&app, staff, skills, (id, 3), false)
            .await
            .unwrap();
        let retired = catalog::entry(&app, staff, skills, id).await.unwrap();
        assert_eq!(
            (retired.name.as_str(), retired.active),
            ("Brazing (copper)", false)
        );
        let mut conn = app.store.conn().await.unwrap();
        let kept = store::service_type(&mut conn, service_type).await.unwrap();
        assert_eq!(kept.required_skills, vec![need]);
        drop(conn);
        catalog::set_active(&app, staff, skills, (id, 3), true)
            .await
            .unwrap();

        let actions: Vec<_> = history(&app, "characteristic", id).await;
        let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            names,
            [
                "characteristic.create",
                "characteristic.rename",
                "characteristic.retire",
                "characteristic.restore"
            ]
        );
        assert_eq!(
            actions[1].1,
            serde_json::json!({ "name": { "from": "Brazing", "to": "Brazing (copper)" } })
        );
        assert_eq!(
            actions[2].1,
            serde_json::json!({ "active": { "from": true, "to": false } })
        );
        assert!(matches!(
            catalog::rename(&app, staff, skills, (id + 100, 1), "Nope").await,
            Err(CatalogError::Store(onsite_store::StoreError::NotFound))
        ));
    }
);

both_backends!(
    products_and_lead_types_have_unique_codes,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let product = catalog::create(
            &app,
            staff,
            List::Products,
            " HP-DUCTLESS ",
            "Ductless heat pump",
        )
        .await
        .unwrap();
        assert_eq!(
            invalid_field(
                catalog::create(&app, staff, List::Products, "HP-DUCTLESS", "Other").await
            ),
            "code"
        );
        assert_eq!(
            invalid_field(catalog::create(&app, staff, List::Products, "", "No code").await),
            "code"
        );
        let lead_type = catalog::create(&app, staff, List::LeadTypes, "Residential", "Homes")
            .await
            .unwrap();
        assert_eq!(
            invalid_field(catalog::create(&app, staff, List::LeadTypes, "a,b", "Two").await),
            "code"
        );
        catalog::set_active(&app, staff, List::LeadTypes, (lead_type, 1), false)
            .await
            .unwrap();
        let listed = catalog::entries(&app, staff, List::LeadTypes)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].code.as_deref(), listed[0].active),
            (Some("residential"), false)
        );
        let products = catalog::entries(&app, staff, List::Products).await.unwrap();
        assert_eq!(products.len(), 1);
        assert_eq!(products[0].code.as_deref(), Some("HP-DUCTLESS"));
        assert_eq!(
            history(&app, "product", product).await[0].0,
            "product.create"
        );
        let lines = history(&app, "lead_type", lead_type).await;
        let actions: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(actions, ["lead_type.create", "lead_type.retire"]);
    }
);

fn furnace(skill: CharacteristicId) -> ServiceTypeInput {
    ServiceTypeInput {
        name: "Furnace maintenance".into(),
        names: vec![(
            Locale::from_tag("fr").unwrap(),
            "Entretien de fournaise".into(),
        )],
        description: "Yearly check".into(),
        duration_minutes: "90".into(),
        required_skills: vec![(skill, "3".into())],
        self_scheduling: true,
        retired: false,
    }
}

/// The service types the booking pages offer, by name (in English).
async fn offered(app: &App) -> Vec<String> {
    booking::service_types(app, Locale::from_tag("en").unwrap())
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

both_backends!(
    service_types_are_created_edited_and_retired_and_the_next_search_sees_it,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let skill = CharacteristicId(
            catalog::create(&app, staff, List::Characteristics, "", "Gas")
                .await
                .unwrap(),
        );
        // The scheduling snapshot is read (and kept) before the change.
        let mut conn = app.store.conn().await.unwrap();
        assert!(
            app.store
                .reference(&mut conn)
                .await
                .unwrap()
                .service_types
                .is_empty()
        );
        drop(conn);

        let id = catalog::create_service_type(&app, staff, &furnace(skill))
            .await
            .unwrap();
        assert_eq!(offered(&app).await, ["Furnace maintenance"]);
        let in_french = booking::service_types(&app, Locale::from_tag("fr").unwrap())
            .await
            .unwrap();
        assert_eq!(in_french[0].name, "Entretien de fournaise");
        let mut conn = app.store.conn().await.unwrap();
        let seen = app.store.reference(&mut conn).await.unwrap();
        let st = seen
            .service_type(id)
            .expect("in the next search's snapshot");
        assert_eq!(st.duration.minutes(), 90);
        assert_eq!(st.required_skills.len(), 1);
        drop(conn);
        let detail = catalog::service_type(&app, staff, id).await.unwrap();
        assert_eq!(
            detail.names,
            [(
                Locale::from_tag("fr").unwrap(),
                "Entretien de fournaise".to_owned()
            )]
        );
        let version = detail.service_type.version;

        // Bad input: named, nothing changes.
        for (input, field) in [
            (
                ServiceTypeInput {
                    name: " ".into(),
                    ..furnace(skill)
                },
                "name",
            ),
            (
                ServiceTypeInput {
                    duration_minutes: "2".into(),
                    ..furnace(skill)
                },
                "duration_minutes",
            ),
            (
                ServiceTypeInput {
                    duration_minutes: "soon".into(),
                    ..furnace(skill)
                },
                "duration_minutes",
            ),
            (
                ServiceTypeInput {
                    duration_minutes: "".into(),
                    ..furnace(skill)
                },
                "duration_minutes",
            ),
            (
                ServiceTypeInput {
                    required_skills: vec![(skill, "11".into())],
                    ..furnace(skill)
                },
                "required_skills",
            ),
            (
                ServiceTypeInput {
                    required_skills: vec![(CharacteristicId(skill.0 + 50), "2".into())],
                    ..furnace(skill)
                },
                "required_skills",
            ),
        ] {
            assert_eq!(
                invalid_field(catalog::update_service_type(&app, staff, id, version, &input).await),
                field
            );
        }
        assert_eq!(
            invalid_field(catalog::create_service_type(&app, staff, &furnace(skill)).await),
            "name"
        );
        let unchanged = catalog::service_type(&app, staff, id).await.unwrap();
        assert_eq!(unchanged.service_type.version, version);

        // An edit: staff-only, two hours, no skill, no French name.
        let edit = ServiceTypeInput {
            duration_minutes: "120".into(),
            names: vec![(Locale::from_tag("fr").unwrap(), " ".into())],
            required_skills: Vec::new(),
            self_scheduling: false,
            ..furnace(skill)
        };
        catalog::update_service_type(&app, staff, id, version, &edit)
            .await
            .unwrap();
        assert!(offered(&app).await.is_empty(), "staff-only is not offered");
        let mut conn = app.store.conn().await.unwrap();
        let seen = app.store.reference(&mut conn).await.unwrap();
        assert_eq!(seen.service_type(id).unwrap().duration.minutes(), 120);
        assert!(seen.service_type(id).unwrap().required_skills.is_empty());
        drop(conn);

        // A second member of staff saving from the old version is refused; nothing changes.
        let stale = ServiceTypeInput {
            name: "Stale".into(),
            ..furnace(skill)
        };
        assert!(matches!(
            catalog::update_service_type(&app, staff, id, version, &stale).await,
            Err(CatalogError::Changed)
        ));
        let now = catalog::service_type(&app, staff, id).await.unwrap();
        assert_eq!(now.service_type.name, "Furnace maintenance");
        assert!(now.names.is_empty());

        // Retired: no longer offered even when self-scheduling; it stays (visits keep it).
        let retire = ServiceTypeInput {
            retired: true,
            ..furnace(skill)
        };
        catalog::update_service_type(&app, staff, id, now.service_type.version, &retire)
            .await
            .unwrap();
        assert!(offered(&app).await.is_empty());
        let retired = catalog::service_type(&app, staff, id).await.unwrap();
        assert!(!retired.service_type.active);
        assert_eq!(catalog::service_types(&app, staff).await.unwrap().len(), 1);

        let lines = history(&app, "service_type", id.0).await;
        let actions: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "service_type.create",
                "service_type.update",
                "service_type.update"
            ]
        );
        assert_eq!(lines[0].1["duration_minutes"], 90);
        assert_eq!(
            lines[1].1["duration_minutes"],
            serde_json::json!({ "from": 90, "to": 120 })
        );
        assert_eq!(
            lines[1].1["self_scheduling"],
            serde_json::json!({ "from": true, "to": false })
        );
        assert!(lines[1].1.get("description").is_none(), "only what changed");
        assert_eq!(
            lines[2].1["active"],
            serde_json::json!({ "from": true, "to": false })
        );
    }
);
