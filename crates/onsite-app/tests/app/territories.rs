//! Territories and partner profiles kept by staff, against a fresh database: accounts follow
//! their address when a territory's prefixes or area change (only those that move are
//! written, and counted), every change is audited with before → after, a stale save and bad
//! input change nothing, a territory is removed only when nothing refers to it; a partner's
//! profile takes lead types and products from the catalogue and is seen by the very next
//! distribution decision.

use crate::app_on;
use crate::catalog::{dispatcher, history};
use jiff::Timestamp;
use onsite_app::App;
use onsite_app::catalog::{self, List};
use onsite_app::partners::{self, PartnerError, ProfileInput};
use onsite_app::territories::{self, TerritoryError, TerritoryInput};
use onsite_domain::account::AccountKind;
use onsite_domain::{AccountId, ProductId, TerritoryId};
use onsite_store::accounts;
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{self, east_end_address};

fn input(name: &str, prefixes: &str, area: &str) -> TerritoryInput {
    TerritoryInput {
        name: name.into(),
        postal_prefixes: prefixes.into(),
        area: area.into(),
    }
}

async fn territory_of(app: &App, account: AccountId) -> Option<TerritoryId> {
    let mut conn = app.store.conn().await.unwrap();
    accounts::account(&mut conn, account)
        .await
        .unwrap()
        .territory_id
}

fn refused_field<T: std::fmt::Debug>(result: Result<T, TerritoryError>) -> &'static str {
    match result {
        Err(TerritoryError::Invalid(i)) => i.field,
        Err(TerritoryError::Taken) => "name",
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

/// The square around the east-end address (45.557, -73.553).
const EAST_END_AREA: &str = "45.55, -73.56\n45.56, -73.56\n45.56, -73.54\n45.55, -73.54";

both_backends!(
    accounts_follow_their_address_when_a_territory_changes,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let mut conn = app.store.conn().await.unwrap();
        let acme = fixtures::account(&mut conn, AccountKind::Customer, "Acme").await;
        let east = fixtures::account_at(
            &mut conn,
            AccountKind::Customer,
            "East",
            &east_end_address(),
        )
        .await;
        drop(conn);

        let made = territories::create(
            &app,
            staff,
            &input(" Plateau ", "h2j", ""),
            Timestamp::now(),
        )
        .await
        .unwrap();
        let plateau = made.id;
        assert_eq!((made.accounts_moved, made.accounts_joined), (1, 1));
        assert_eq!(territory_of(&app, acme).await, Some(plateau));
        assert_eq!(territory_of(&app, east).await, None);
        let detail = territories::territory(&app, staff, plateau).await.unwrap();
        assert_eq!(detail.territory.name, "Plateau");
        assert_eq!(detail.used.accounts, 1);
        assert_eq!(detail.customers[0].name, "Acme");

        // Drawn around the east end instead of H2J: Acme leaves, East joins.
        let saved = territories::update(
            &app,
            staff,
            plateau,
            detail.version,
            &input("Plateau", "", EAST_END_AREA),
            Timestamp::now(),
        )
        .await
        .unwrap();
        assert_eq!((saved.accounts_moved, saved.accounts_joined), (2, 1));
        assert_eq!(territory_of(&app, acme).await, None);
        assert_eq!(territory_of(&app, east).await, Some(plateau));
        // Saving what is there changes nothing and writes nothing.
        let version = territories::territory(&app, staff, plateau)
            .await
            .unwrap()
            .version;
        let again = territories::territory(&app, staff, plateau).await.unwrap();
        let same = territories::update(
            &app,
            staff,
            plateau,
            version,
            &input(
                "Plateau",
                "",
                &onsite_app::territories::area_text(again.territory.polygon.as_ref().unwrap()),
            ),
            Timestamp::now(),
        )
        .await
        .unwrap();
        assert_eq!(same.accounts_moved, 0);

        let lines = history(&app, "territory", plateau.0).await;
        let actions: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(actions, ["territory.create", "territory.update"]);
        let created = &lines[0].1;
        assert_eq!(created["name"], "Plateau");
        assert_eq!(created["postal_prefixes"], "H2J");
        assert_eq!(created["accounts_moved"], 1);
        let updated = &lines[1].1;
        assert_eq!(updated["postal_prefixes"]["from"], "H2J");
        assert_eq!(updated["postal_prefixes"]["to"], "");
        assert_eq!(updated["area"]["from"], serde_json::Value::Null);
        assert!(
            updated["area"]["to"]
                .as_str()
                .unwrap()
                .starts_with("45.550000, -73.560000; ")
        );
        assert_eq!(updated["accounts_moved"], 2);
        assert!(
            updated.get("name").is_none(),
            "only what changed: {updated}"
        );
    }
);

both_backends!(
    an_address_belongs_to_the_oldest_territory_covering_it,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let mut conn = app.store.conn().await.unwrap();
        let acme = fixtures::account(&mut conn, AccountKind::Customer, "Acme").await;
        drop(conn);
        let now = Timestamp::now();
        let wide = territories::create(&app, staff, &input("Montréal", "H", ""), now)
            .await
            .unwrap()
            .id;
        let narrow = territories::create(&app, staff, &input("Plateau", "H2J", ""), now)
            .await
            .unwrap();
        assert_eq!(narrow.accounts_moved, 0, "the older territory keeps it");
        assert_eq!(territory_of(&app, acme).await, Some(wide));
        let version = territories::territory(&app, staff, wide)
            .await
            .unwrap()
            .version;
        let saved = territories::update(
            &app,
            staff,
            wide,
            version,
            &input("Montréal", "H1, H3", ""),
            now,
        )
        .await
        .unwrap();
        assert_eq!((saved.accounts_moved, saved.accounts_joined), (1, 0));
        assert_eq!(territory_of(&app, acme).await, Some(narrow.id));
    }
);

both_backends!(
    bad_input_and_stale_saves_change_nothing,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let now = Timestamp::now();
        let plateau = territories::create(&app, staff, &input("Plateau", "H2J", ""), now)
            .await
            .unwrap()
            .id;
        territories::create(&app, staff, &input("Verdun", "H4G", ""), now)
            .await
            .unwrap();
        for (bad, field) in [
            (input(" ", "H2J", ""), "name"),
            (input("Verdun", "H2J", ""), "name"),
            (input("Plateau", "", ""), "postal_prefixes"),
            (input("Plateau", "H2-J", ""), "postal_prefixes"),
            (input("Plateau", "", "45.5, -73.6\n45.6, -73.6"), "area"),
            (input("Plateau", "", "0, 0\n1, 1\n0, 1\n1, 0"), "area"),
            (input("Plateau", "", "91, 0\n0, 1\n1, 1"), "area"),
            (input("Plateau", "", "north, west\n0, 1\n1, 1"), "area"),
        ] {
            let got = territories::update(&app, staff, plateau, 1, &bad, now).await;
            assert_eq!(refused_field(got), field, "{bad:?}");
        }
        assert_eq!(
            refused_field(
                territories::create(&app, staff, &input("Plateau", "H2K", ""), now).await
            ),
            "name"
        );
        let kept = territories::territory(&app, staff, plateau).await.unwrap();
        assert_eq!(
            (
                kept.territory.name.as_str(),
                kept.territory.postal_prefixes.as_slice(),
                kept.version
            ),
            ("Plateau", ["H2J".to_owned()].as_slice(), 1)
        );
        assert_eq!(
            territories::territories(&app, staff).await.unwrap().len(),
            2
        );

        // Two dispatchers edit from version 1: the second save is refused, the first stands.
        territories::update(
            &app,
            staff,
            plateau,
            1,
            &input("Plateau", "H2J, H2T", ""),
            now,
        )
        .await
        .unwrap();
        let second = territories::update(
            &app,
            staff,
            plateau,
            1,
            &input("Le Plateau", "H2J", ""),
            now,
        )
        .await;
        assert!(matches!(second, Err(TerritoryError::Changed)), "{second:?}");
        let kept = territories::territory(&app, staff, plateau).await.unwrap();
        assert_eq!(kept.territory.postal_prefixes, ["H2J", "H2T"]);
        assert_eq!(history(&app, "territory", plateau.0).await.len(), 2);
        assert!(matches!(
            territories::territory(&app, staff, TerritoryId(999)).await,
            Err(onsite_store::StoreError::NotFound)
        ));
    }
);

both_backends!(
    a_territory_is_removed_only_when_nothing_refers_to_it,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let mut conn = app.store.conn().await.unwrap();
        fixtures::account(&mut conn, AccountKind::Customer, "Acme").await;
        let tom = fixtures::technician(&mut conn, "Tom", None).await;
        drop(conn);
        let now = Timestamp::now();
        let plateau = territories::create(&app, staff, &input("Plateau", "H2J", ""), now)
            .await
            .unwrap()
            .id;
        let mut conn = app.store.conn().await.unwrap();
        onsite_store::technicians::set_territories(&mut conn, tom, &[plateau])
            .await
            .unwrap();
        drop(conn);
        let refused = territories::delete(&app, staff, plateau, 1)
            .await
            .unwrap_err();
        let TerritoryError::InUse(used) = &refused else {
            panic!("{refused:?}");
        };
        assert_eq!((used.accounts, used.technicians, used.partners), (1, 1, 0));
        use onsite_app::failure::Failure;
        let message = refused.message(fixtures::en());
        assert!(
            message.contains("1 accounts") || message.contains("1 account"),
            "{message}"
        );
        assert!(territories::territory(&app, staff, plateau).await.is_ok());

        // Nobody in it any more: removable, from the version shown only.
        let mut conn = app.store.conn().await.unwrap();
        onsite_store::technicians::set_territories(&mut conn, tom, &[])
            .await
            .unwrap();
        drop(conn);
        territories::update(&app, staff, plateau, 1, &input("Plateau", "G1A", ""), now)
            .await
            .unwrap();
        assert!(matches!(
            territories::delete(&app, staff, plateau, 1).await,
            Err(TerritoryError::Changed)
        ));
        territories::delete(&app, staff, plateau, 2).await.unwrap();
        assert!(territories::territory(&app, staff, plateau).await.is_err());
        let lines = history(&app, "territory", plateau.0).await;
        let (action, detail) = lines.last().unwrap();
        assert_eq!(action, "territory.delete");
        assert_eq!(detail["name"], "Plateau");
        assert_eq!(detail["postal_prefixes"], "G1A");
    }
);

both_backends!(
    a_partner_profile_is_kept_from_the_catalogue_and_seen_by_the_next_distribution,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let now = Timestamp::now();
        let mut conn = app.store.conn().await.unwrap();
        let partner = fixtures::account(&mut conn, AccountKind::Partner, "Thermo").await;
        let customer = fixtures::account(&mut conn, AccountKind::Customer, "Acme").await;
        drop(conn);
        let plateau = territories::create(&app, staff, &input("Plateau", "H2J", ""), now)
            .await
            .unwrap()
            .id;
        catalog::create(&app, staff, List::LeadTypes, "residential", "Homes")
            .await
            .unwrap();
        let retired = catalog::create(&app, staff, List::LeadTypes, "institutional", "Schools")
            .await
            .unwrap();
        catalog::set_active(&app, staff, List::LeadTypes, (retired, 1), false)
            .await
            .unwrap();
        let heat_pump = ProductId(
            catalog::create(&app, staff, List::Products, "HP", "Heat pump")
                .await
                .unwrap(),
        );

        let detail = partners::partner(&app, staff, partner).await.unwrap();
        assert_eq!((detail.profile.is_none(), detail.version), (true, None));
        let offered: Vec<_> = detail
            .lead_types
            .iter()
            .filter_map(|e| e.code.clone())
            .collect();
        assert_eq!(
            offered,
            ["residential"],
            "a retired lead type is not offered"
        );
        assert!(matches!(
            partners::partner(&app, staff, customer).await,
            Err(onsite_store::StoreError::NotFound)
        ));
        assert!(
            onsite_app::distribution::partner_candidates(&app, now)
                .await
                .unwrap()
                .is_empty()
        );

        let profile = ProfileInput {
            capacity: "3".into(),
            revenue_min_minor: 100_000,
            revenue_max_minor: 5_000_000,
            territories: vec![plateau],
            lead_types: vec!["residential".into()],
            products: vec![heat_pump],
        };
        let field = |r: Result<(), PartnerError>| match r {
            Err(PartnerError::Invalid(i)) => i.field,
            other => panic!("{other:?}"),
        };
        for (bad, name) in [
            (
                ProfileInput {
                    capacity: "".into(),
                    ..profile.clone()
                },
                "capacity",
            ),
            (
                ProfileInput {
                    capacity: "-1".into(),
                    ..profile.clone()
                },
                "capacity",
            ),
            (
                ProfileInput {
                    revenue_max_minor: 1,
                    ..profile.clone()
                },
                "revenue_max",
            ),
            (
                ProfileInput {
                    revenue_min_minor: -1,
                    ..profile.clone()
                },
                "revenue_min",
            ),
            (
                ProfileInput {
                    territories: vec![TerritoryId(999)],
                    ..profile.clone()
                },
                "territories",
            ),
            (
                ProfileInput {
                    lead_types: vec!["institutional".into()],
                    ..profile.clone()
                },
                "lead_types",
            ),
            (
                ProfileInput {
                    lead_types: vec!["made-up".into()],
                    ..profile.clone()
                },
                "lead_types",
            ),
            (
                ProfileInput {
                    products: vec![ProductId(999)],
                    ..profile.clone()
                },
                "products",
            ),
        ] {
            assert_eq!(
                field(partners::save_profile(&app, staff, partner, None, &bad).await),
                name
            );
        }
        assert_eq!(
            partners::partner(&app, staff, partner)
                .await
                .unwrap()
                .version,
            None
        );

        partners::save_profile(&app, staff, partner, None, &profile)
            .await
            .unwrap();
        let candidates = onsite_app::distribution::partner_candidates(&app, now)
            .await
            .unwrap();
        assert_eq!(
            candidates.len(),
            1,
            "the engine sees the new profile at once"
        );
        assert_eq!(candidates[0].profile.capacity, 3);
        // A second form that showed no profile either is refused; so is a stale version.
        let again = partners::save_profile(&app, staff, partner, None, &profile).await;
        assert!(matches!(again, Err(PartnerError::Changed)), "{again:?}");
        let bigger = ProfileInput {
            capacity: "5".into(),
            ..profile.clone()
        };
        partners::save_profile(&app, staff, partner, Some(1), &bigger)
            .await
            .unwrap();
        let stale = partners::save_profile(&app, staff, partner, Some(1), &profile).await;
        assert!(matches!(stale, Err(PartnerError::Changed)), "{stale:?}");
        let candidates = onsite_app::distribution::partner_candidates(&app, now)
            .await
            .unwrap();
        assert_eq!(candidates[0].profile.capacity, 5);

        // A lead type retired after the partner took it stays offered on its own form.
        let residential = catalog::entries(&app, staff, List::LeadTypes)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.code.as_deref() == Some("residential"))
            .unwrap();
        catalog::set_active(
            &app,
            staff,
            List::LeadTypes,
            (residential.id, residential.version),
            false,
        )
        .await
        .unwrap();
        let detail = partners::partner(&app, staff, partner).await.unwrap();
        assert!(detail.lead_types.iter().any(|e| e.id == residential.id));
        let kept = ProfileInput {
            capacity: "6".into(),
            ..profile.clone()
        };
        partners::save_profile(&app, staff, partner, Some(2), &kept)
            .await
            .unwrap();

        let lines = history(&app, "partner_profile", partner.0).await;
        let actions: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(actions, ["partner_profile.update"; 3]);
        let first = &lines[0].1;
        assert_eq!(first["capacity"]["from"], serde_json::Value::Null);
        assert_eq!(first["capacity"]["to"], 3);
        assert_eq!(
            first["lead_types"]["to"],
            serde_json::json!(["residential"])
        );
        let second = &lines[1].1;
        assert_eq!(
            second["capacity"],
            serde_json::json!({ "from": 3, "to": 5 })
        );
        assert!(
            second.get("territories").is_none(),
            "only what changed: {second}"
        );
    }
);
