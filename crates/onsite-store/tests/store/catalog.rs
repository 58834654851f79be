//! Territories, characteristics, service types and products.

use crate::fixtures::{self, corrupt, point, skill};
use onsite_domain::geo::Polygon;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::{ServiceTypeId, TerritoryId};
use onsite_store::catalog::{self, NewServiceType, ServiceTypeFilter};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::{Store, StoreError};
use onsite_testkit::both_backends;

fn plateau() -> Polygon {
    Polygon::new(vec![
        point(45.515, -73.582),
        point(45.530, -73.606),
        point(45.543, -73.570),
        point(45.519, -73.569),
    ])
    .unwrap()
}

both_backends!(
    territories_round_trip_with_prefixes_and_polygon,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let poly = plateau();
        let prefixes = [
            PostalPrefix::parse("h2j").unwrap(),
            PostalPrefix::parse("H2T").unwrap(),
        ];
        let id = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Le Plateau-Mont-Royal",
                postal_prefixes: &prefixes,
                polygon: Some(&poly),
            },
        )
        .await
        .unwrap();
        let bare = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Verdun",
                postal_prefixes: &[],
                polygon: None,
            },
        )
        .await
        .unwrap();

        let t = territories::territory(&mut conn, id).await.unwrap();
        assert_eq!(t.postal_prefixes, ["H2J", "H2T"]);
        assert_eq!(t.polygon.as_ref(), Some(&poly));
        assert!(t.covers("H2J 2L5", None) && t.covers("", Some(point(45.525, -73.585))));
        let b = territories::territory(&mut conn, bare).await.unwrap();
        assert!(b.postal_prefixes.is_empty() && b.polygon.is_none());
        let names: Vec<_> = territories::list_territories(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["Le Plateau-Mont-Royal", "Verdun"]);

        let dup = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Verdun",
                postal_prefixes: &[],
                polygon: None,
            },
        )
        .await
        .unwrap_err();
        assert!(dup.is_conflict(), "{dup:?}");
        assert!(matches!(
            territories::territory(&mut conn, TerritoryId(999)).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    corrupt_territory_rows_read_as_corrupt,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let id = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Verdun",
                postal_prefixes: &[],
                polygon: None,
            },
        )
        .await
        .unwrap();
        corrupt(
            &mut conn,
            "territories",
            "polygon",
            "[[95.0, -73.5], [45.5, -73.6], [45.4, -73.5]]",
            id.0,
        )
        .await;
        assert!(matches!(
            territories::territory(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
        corrupt(&mut conn, "territories", "polygon", "not json", id.0).await;
        assert!(matches!(
            territories::list_territories(&mut conn).await,
            Err(StoreError::Corrupt(_))
        ));
        sqlx::query(
            "UPDATE territories SET polygon = NULL, postal_prefixes = 'H4G,H 4H' WHERE id = $1",
        )
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .unwrap();
        // A space inside a stored prefix is normalized away, a dash is not a postal character.
        assert_eq!(
            territories::territory(&mut conn, id)
                .await
                .unwrap()
                .postal_prefixes,
            ["H4G", "H4H"]
        );
        corrupt(
            &mut conn,
            "territories",
            "postal_prefixes",
            "H4G,H4-H",
            id.0,
        )
        .await;
        assert!(matches!(
            territories::territory(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
    }
);

both_backends!(
    service_types_carry_their_required_skills,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
            .await
            .unwrap();
        let gas = catalog::insert_characteristic(&mut conn, "Gas fitting")
            .await
            .unwrap();
        assert!(
            catalog::insert_characteristic(&mut conn, "HVAC")
                .await
                .unwrap_err()
                .is_conflict()
        );
        assert_eq!(
            catalog::characteristic(&mut conn, gas).await.unwrap().name,
            "Gas fitting"
        );
        let names: Vec<_> = catalog::list_characteristics(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Gas fitting", "HVAC"]);

        let furnace = fixtures::service_type(
            &mut conn,
            "Furnace maintenance",
            &[skill(hvac, 4), skill(gas, 5)],
        )
        .await;
        let install = catalog::insert_service_type(
            &mut conn,
            &NewServiceType {
                name: "Heat pump installation",
                description: "Estimate first",
                duration: VisitDuration::from_minutes(240).unwrap(),
                required_skills: &[skill(hvac, 7)],
                self_scheduling: false,
                active: true,
            },
        )
        .await
        .unwrap();
        let _retired = catalog::insert_service_type(
            &mut conn,
            &NewServiceType {
                name: "Oil burner cleaning",
                description: "",
                duration: VisitDuration::from_minutes(90).unwrap(),
                required_skills: &[],
                self_scheduling: true,
                active: false,
            },
        )
        .await
        .unwrap();

        let st = catalog::service_type(&mut conn, furnace).await.unwrap();
        assert_eq!(st.required_skills, [skill(hvac, 4), skill(gas, 5)]);
        assert_eq!(st.duration.minutes(), 60);
        let st = catalog::service_type(&mut conn, install).await.unwrap();
        assert!(
            !st.self_scheduling
                && st.description == "Estimate first"
                && st.required_skills == [skill(hvac, 7)]
        );

        let all = catalog::list_service_types(&mut conn, ServiceTypeFilter::All)
            .await
            .unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(
            all.iter()
                .find(|s| s.id == furnace)
                .unwrap()
                .required_skills
                .len(),
            2
        );
        let bookable = catalog::list_service_types(&mut conn, ServiceTypeFilter::SelfScheduling)
            .await
            .unwrap();
        assert_eq!(
            bookable.iter().map(|s| s.id).collect::<Vec<_>>(),
            [furnace],
            "inactive and staff-only ones are not offered"
        );
        assert_eq!(bookable[0].required_skills, [skill(hvac, 4), skill(gas, 5)]);
        assert!(matches!(
            catalog::service_type(&mut conn, ServiceTypeId(999)).await,
            Err(StoreError::NotFound)
        ));

        sqlx::query("UPDATE service_type_skills SET min_rating = 0 WHERE service_type_id = $1")
            .bind(furnace.0)
            .execute(&mut *conn)
            .await
            .expect_err("the schema refuses a rating outside 1…10");
    }
);

both_backends!(products_are_listed_by_code, |store: Store| async move {
    let mut conn = store.conn().await.unwrap();
    let hp = catalog::insert_product(&mut conn, "HP-DUCTLESS", "Ductless heat pump")
        .await
        .unwrap();
    let ev = catalog::insert_product(&mut conn, "EV-CHARGER", "EV charger")
        .await
        .unwrap();
    assert!(
        catalog::insert_product(&mut conn, "EV-CHARGER", "again")
            .await
            .unwrap_err()
            .is_conflict()
    );
    let products = catalog::list_products(&mut conn).await.unwrap();
    assert_eq!(products.iter().map(|p| p.id).collect::<Vec<_>>(), [ev, hp]);
    assert_eq!(products[1].name, "Ductless heat pump");
});
