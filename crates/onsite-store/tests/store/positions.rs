//! Technicians' positions and tracking tokens: batches stored whole, the latest position since
//! a moment, the retention purge, tokens replaced and refused once the technician is inactive.

use crate::fixtures;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::TechnicianId;
use onsite_store::Store;
use onsite_store::positions::{self, Position, Source};
use onsite_testkit::both_backends;

fn at(technician_id: TechnicianId, recorded_at: Timestamp, lat: f64) -> Position {
    Position {
        technician_id,
        recorded_at,
        received_at: recorded_at + SignedDuration::from_millis(150),
        latitude: lat,
        longitude: -73.57,
        accuracy_m: Some(12.5),
        speed_kmh: None,
        heading_deg: Some(90.0),
        source: Source::OwnTracks,
    }
}

both_backends!(
    a_batch_is_stored_whole_and_the_latest_position_is_found,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let ana = fixtures::technician(&mut conn, "Ana", None).await;
        let bob = fixtures::technician(&mut conn, "Bob", None).await;
        let t0 = Timestamp::from_second(1_900_000_000).unwrap();
        // More rows than one statement takes, out of order, two technicians.
        let mut batch: Vec<Position> = (0..1200)
            .map(|i| {
                at(
                    ana,
                    t0 + SignedDuration::from_secs(i),
                    45.0 + i as f64 / 10_000.0,
                )
            })
            .collect();
        batch.swap(0, 1199);
        batch.push(at(bob, t0 + SignedDuration::from_secs(5000), 46.0));
        let mut tx = store.begin().await.unwrap();
        positions::insert_positions(&mut tx, &batch).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(positions::count(&mut conn, Some(ana)).await.unwrap(), 1200);
        // The same statement again with values where the first had none (PostgreSQL refuses a
        // prepared statement whose parameter changes type).
        let mut other = at(bob, t0 + SignedDuration::from_secs(4000), 46.5);
        other.speed_kmh = Some(30.0);
        other.heading_deg = None;
        other.accuracy_m = None;
        positions::insert_positions(&mut conn, &[other])
            .await
            .unwrap();
        let mut again = other;
        again.speed_kmh = None;
        again.heading_deg = Some(12.0);
        positions::insert_positions(&mut conn, &[again])
            .await
            .unwrap();
        assert_eq!(positions::count(&mut conn, None).await.unwrap(), 1203);

        let latest = positions::latest_since(&mut conn, ana, t0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(latest.recorded_at, t0 + SignedDuration::from_secs(1199));
        assert!((latest.latitude - 45.1199).abs() < 1e-9);
        assert_eq!(latest.accuracy_m, Some(12.5));
        assert_eq!(latest.speed_kmh, None);
        assert_eq!(latest.heading_deg, Some(90.0));
        assert_eq!(latest.source, Source::OwnTracks);
        // Nothing recorded since a later moment: nothing to show.
        let later = t0 + SignedDuration::from_secs(1200);
        assert!(
            positions::latest_since(&mut conn, ana, later)
                .await
                .unwrap()
                .is_none()
        );

        // The retention purge removes what was recorded before the cut, nothing else.
        let cut = t0 + SignedDuration::from_secs(600);
        assert_eq!(positions::purge_before(&mut conn, cut).await.unwrap(), 600);
        assert_eq!(positions::count(&mut conn, Some(ana)).await.unwrap(), 600);
        assert_eq!(positions::count(&mut conn, Some(bob)).await.unwrap(), 3);
    }
);

both_backends!(
    a_new_token_replaces_the_old_and_inactive_technicians_have_none,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let ana = fixtures::technician(&mut conn, "Ana", None).await;
        let now = Timestamp::from_second(1_900_000_000).unwrap();
        assert!(
            positions::token_created_at(&mut conn, ana)
                .await
                .unwrap()
                .is_none()
        );
        positions::set_token(&mut conn, ana, "hash-one", now)
            .await
            .unwrap();
        assert_eq!(
            positions::technician_by_token(&mut conn, "hash-one")
                .await
                .unwrap(),
            Some(ana)
        );
        let later = now + SignedDuration::from_secs(60);
        positions::set_token(&mut conn, ana, "hash-two", later)
            .await
            .unwrap();
        assert_eq!(
            positions::technician_by_token(&mut conn, "hash-one")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            positions::token_created_at(&mut conn, ana).await.unwrap(),
            Some(later)
        );
        sqlx::query("UPDATE technicians SET active = FALSE WHERE id = $1")
            .bind(ana.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        assert_eq!(
            positions::technician_by_token(&mut conn, "hash-two")
                .await
                .unwrap(),
            None
        );
    }
);
