//! Track my technician's group-commit writer on both engines: many positions sent at once are
//! all stored (each request answered only after its commit), in far fewer transactions than
//! positions, and published to the technician's watchers.

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_domain::TechnicianId;
use onsite_store::positions::{self, Position, Source};
use onsite_testkit::{TestDb, both_backends, fixtures};
use std::sync::Arc;

async fn concurrent_positions_are_all_stored(db: TestDb) {
    let app = App::new(
        db.store().clone(),
        Arc::new(tokio::sync::Notify::new()),
        "http://onsite.test",
    );
    let technician =
        fixtures::technician(&mut db.store().conn().await.unwrap(), "Tess", None).await;
    let mut watcher = app.tracking.hub.subscribe(technician);
    let t0 = Timestamp::now();
    let n = 600;
    let mut tasks = Vec::new();
    for i in 0..n {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let p = Position {
                technician_id: technician,
                recorded_at: t0 + SignedDuration::from_millis(i),
                received_at: t0,
                latitude: 45.0 + i as f64 / 100_000.0,
                longitude: -73.6,
                accuracy_m: Some(5.0),
                speed_kmh: None,
                heading_deg: None,
                source: Source::OwnTracks,
            };
            app.tracking.store(&app.store, p).await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("every position acknowledged");
    }
    // Acknowledged means committed: all of them are there.
    let mut conn = db.store().conn().await.unwrap();
    assert_eq!(
        positions::count(&mut conn, Some(technician)).await.unwrap(),
        n
    );
    // Group commit: far fewer transactions than positions.
    assert!(
        app.tracking.commits() < n as u64 / 2,
        "{} commits for {n} positions",
        app.tracking.commits()
    );
    // The watcher sees the newest one.
    assert!(watcher.has_changed().unwrap());
    let live = *watcher.borrow_and_update();
    assert_eq!(
        live.position.unwrap().recorded_at,
        t0 + SignedDuration::from_millis(n - 1)
    );
    assert_ne!(technician, TechnicianId(0));
}

both_backends!(
    concurrent_positions_are_all_stored,
    concurrent_positions_are_all_stored
);
