//! Territories drawn or changed by staff, as self-scheduling sees them: an area drawn and
//! saved makes the addresses inside it bookable with the territory's technicians at the very
//! next slot search; an address taken out of a technician's territory moves their visit there
//! to another technician (or flags it) in the background.

use super::*;
use onsite_app::territories::{self as staff_territories, TerritoryInput};
use onsite_domain::account::AccountKind;
use onsite_domain::account::Address;

/// A customer in Laval, far from the Plateau (postal code H7N): no territory covers it.
fn laval() -> Address {
    Address {
        line: "1 Boulevard Saint-Martin".into(),
        city: "Laval".into(),
        postal_code: "H7N 1A1".into(),
        country: "CA".into(),
        location: point(45.560, -73.720),
        time_zone: fixtures::montreal(),
    }
}

/// The world's territory ("Plateau", the first one), as staff see it.
async fn plateau(w: &World) -> staff_territories::TerritoryDetail {
    let all = staff_territories::territories(&w.app, w.staff.grant().unwrap())
        .await
        .unwrap();
    let id = all
        .iter()
        .find(|s| s.territory.name == "Plateau")
        .unwrap()
        .territory
        .id;
    staff_territories::territory(&w.app, w.staff.grant().unwrap(), id)
        .await
        .unwrap()
}

both_backends!(
    an_area_drawn_and_saved_makes_its_addresses_bookable_with_the_territorys_technicians,
    |db: TestDb| async move {
        let w = world(db).await;
        let mut conn = w.conn().await;
        let far =
            fixtures::account_at(&mut conn, AccountKind::Customer, "Laval Inc", &laval()).await;
        let carla = customer(&mut conn, far, "carla@example.com", "Carla").await;
        drop(conn);
        let search = || async {
            booking::slots(
                &w.app,
                carla.grant().unwrap(),
                &w.furnace(),
                tuesday(),
                now(),
            )
            .await
            .unwrap()
        };
        let before = search().await;
        assert!(
            !before.served && before.slots.is_empty(),
            "no territory covers Laval yet"
        );

        // A dispatcher draws an area around the Laval address on the Plateau territory.
        let territory = plateau(&w).await;
        let saved = staff_territories::update(
            &w.app,
            w.staff.grant().unwrap(),
            territory.territory.id,
            territory.version,
            &TerritoryInput {
                name: "Plateau".into(),
                postal_prefixes: "H2J".into(),
                area: "45.55, -73.73\n45.57, -73.73\n45.57, -73.71\n45.55, -73.71".into(),
            },
            now(),
        )
        .await
        .unwrap();
        // Laval joins; so do the world's two accounts on H2J, made without their territory.
        assert_eq!((saved.accounts_moved, saved.accounts_joined), (3, 3));

        let after = search().await;
        assert!(after.served && !after.slots.is_empty(), "{after:?}");
        let booked = booking::book(
            &w.app,
            carla.grant().unwrap(),
            BookRequest {
                service: w.furnace(),
                slot_start: after.slots[0].start,
                comments: "",
                idempotency_key: None,
            },
            now(),
        )
        .await
        .unwrap();
        assert!(["Tom", "Uma"].contains(&booked.visit.technician_name.as_str()));
    }
);

both_backends!(
    an_address_taken_out_of_a_territory_moves_its_visits_to_a_technician_still_serving_it,
    |db: TestDb| async move {
        let w = world(db).await;
        let v = w.book(&w.ana, local(tuesday(), 10, 0)).await.unwrap().visit;
        assert_eq!(v.technician_name, "Tom");
        // A second territory on the same postal code, served by Uma only.
        let west = staff_territories::create(
            &w.app,
            w.staff.grant().unwrap(),
            &TerritoryInput {
                name: "Plateau ouest".into(),
                postal_prefixes: "H2J".into(),
                area: String::new(),
            },
            now(),
        )
        .await
        .unwrap();
        // The world's accounts were made without their territory: they join the Plateau,
        // the older of the two covering them.
        assert_eq!(
            (west.accounts_moved, west.accounts_joined),
            (2, 0),
            "the Plateau, older, has them"
        );
        let mut conn = w.conn().await;
        let plateau_id = plateau(&w).await.territory.id;
        technicians::set_territories(&mut conn, w.uma, &[plateau_id, west.id])
            .await
            .unwrap();
        drop(conn);

        // The Plateau gives up H2J: Acme's address now belongs to the west only.
        let territory = plateau(&w).await;
        let saved = staff_territories::update(
            &w.app,
            w.staff.grant().unwrap(),
            territory.territory.id,
            territory.version,
            &TerritoryInput {
                name: "Plateau".into(),
                postal_prefixes: "H2T".into(),
                area: String::new(),
            },
            now(),
        )
        .await
        .unwrap();
        assert_eq!(
            saved.technicians_checked, 1,
            "Tom only: Uma has no visit there"
        );
        assert_eq!((saved.visits_reassigned, saved.visits_flagged), (1, 0));
        let moved = booking::booking_for_customer(&w.app, w.ana.grant().unwrap(), v.id)
            .await
            .unwrap();
        assert_eq!(
            (
                moved.technician_name.as_str(),
                moved.starts_at,
                moved.needs_new_time
            ),
            ("Uma", v.starts_at, false)
        );
        assert_eq!(
            reassign::run_pending_reassignments(&w.app, now())
                .await
                .unwrap(),
            0,
            "the job ran with the change"
        );

        // Nobody serves Acme's address any more: the visit is flagged for a new time.
        let mut conn = w.conn().await;
        technicians::set_territories(&mut conn, w.uma, &[plateau_id])
            .await
            .unwrap();
        drop(conn);
        let v2 = w.book(&w.ana, local(wednesday(), 10, 0)).await;
        assert!(v2.is_err(), "nobody serves Acme now");
    }
);
