//! The reference snapshot (`Store::reference`): reused while nothing changed, and never stale
//! after a write — through the store, by hand-made SQL, by another app server, or in a
//! transaction that was rolled back.

use crate::fixtures::{montreal, point, service_type, skill};
use jiff::Timestamp;
use onsite_domain::TerritoryId;
use onsite_domain::settings::{HORIZON_DAYS, SettingValue};
use onsite_domain::technician::ResourceKind;
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::territories::{self, NewTerritory};
use onsite_store::{Conn, Store, catalog, settings};
use onsite_testkit::{TestDb, both_backends};
use std::sync::Arc;

async fn territory(conn: &mut Conn, name: &str) -> TerritoryId {
    territories::insert_territory(
        conn,
        &NewTerritory {
            name,
            postal_prefixes: &[],
            polygon: None,
        },
    )
    .await
    .unwrap()
}

both_backends!(
    reference_follows_every_write_and_is_reused_otherwise,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let empty = store.reference(&mut conn).await.unwrap();
        assert!(empty.technicians.is_empty());
        let again = store.reference(&mut conn).await.unwrap();
        assert!(Arc::ptr_eq(&empty, &again), "nothing changed: not reloaded");

        let plateau = territory(&mut conn, "Plateau").await;
        let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
            .await
            .unwrap();
        let tz = montreal();
        let ana = technicians::insert_technician(
            &mut conn,
            &NewTechnician {
                name: "Ana Tremblay",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.53, -73.58),
                time_zone: &tz,
                weekly_hours: &[],
                territories: &[plateau],
                skills: &[skill(hvac, 7)],
                active: true,
            },
        )
        .await
        .unwrap();
        let repair = service_type(&mut conn, "Repair", &[skill(hvac, 5)]).await;
        let seen = store.reference(&mut conn).await.unwrap();
        assert_eq!(seen.territories.len(), 1);
        assert_eq!(seen.technician(ana).unwrap().skills, vec![skill(hvac, 7)]);
        assert_eq!(seen.active_in_territories(&[plateau]).len(), 1);
        assert_eq!(
            seen.service_type(repair).unwrap().required_skills,
            vec![skill(hvac, 5)]
        );

        // Time off through the store.
        let now = Timestamp::now();
        technicians::add_time_off(
            &mut conn,
            ana,
            now,
            now + jiff::SignedDuration::from_hours(8),
            None,
        )
        .await
        .unwrap();
        let seen = store.reference(&mut conn).await.unwrap();
        assert_eq!(seen.technician(ana).unwrap().time_off.len(), 1);

        // A setting.
        assert_eq!(seen.setting(&HORIZON_DAYS), SettingValue::Integer(30));
        settings::set(&mut conn, HORIZON_DAYS.key, "45")
            .await
            .unwrap()
            .unwrap();
        let seen = store.reference(&mut conn).await.unwrap();
        assert_eq!(seen.setting(&HORIZON_DAYS), SettingValue::Integer(45));

        // Hand-made SQL, as an import or an administrator's script would write.
        sqlx::query("UPDATE technicians SET active = FALSE WHERE id = $1")
            .bind(ana.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        let seen = store.reference(&mut conn).await.unwrap();
        assert!(seen.active_in_territories(&[plateau]).is_empty());
        sqlx::query("DELETE FROM technician_skills")
            .execute(&mut *conn)
            .await
            .unwrap();
        let seen = store.reference(&mut conn).await.unwrap();
        assert!(seen.technician(ana).unwrap().skills.is_empty());
    }
);

both_backends!(
    a_snapshot_taken_inside_a_rolled_back_transaction_is_never_used,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let before = store.reference(&mut conn).await.unwrap();
        assert!(before.territories.is_empty());
        {
            let mut tx = store.begin().await.unwrap();
            territory(&mut tx, "Plateau").await;
            let inside = store.reference(&mut tx).await.unwrap();
            assert_eq!(
                inside.territories.len(),
                1,
                "the transaction sees its own write"
            );
            tx.rollback().await.unwrap();
        }
        let after = store.reference(&mut conn).await.unwrap();
        assert!(
            after.territories.is_empty(),
            "the rolled-back territory must not be served"
        );
        // And a later, committed write is seen as itself.
        territory(&mut conn, "Verdun").await;
        let later = store.reference(&mut conn).await.unwrap();
        assert_eq!(later.territories.len(), 1);
        assert_eq!(later.territories[0].name, "Verdun");
    }
);

/// Two app servers on one database: each keeps its own snapshot, and one sees the other's
/// write at its next read.
async fn another_server_write_is_seen(db: TestDb) {
    let first = db.store().clone();
    let second = Store::open(db.url()).await.unwrap();
    let mut a = first.conn().await.unwrap();
    let mut b = second.conn().await.unwrap();
    assert!(
        first
            .reference(&mut a)
            .await
            .unwrap()
            .territories
            .is_empty()
    );
    assert!(
        second
            .reference(&mut b)
            .await
            .unwrap()
            .territories
            .is_empty()
    );
    territory(&mut b, "Plateau").await;
    assert_eq!(first.reference(&mut a).await.unwrap().territories.len(), 1);
    drop(b);
    second.close().await;
}

both_backends!(another_server_write_is_seen, another_server_write_is_seen);
