//! The demo city, loaded into real databases: it has everything the issue asks for, its visits
//! are ones a dispatcher could have made, it loads once, and the same day gives the same city.

mod checks;

use jiff::civil::{Date, date};
use onsite_demo::{DemoError, PASSWORD, SIGN_INS};
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_store::{Store, accounts};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use std::time::Instant;

/// A Sunday — most technicians are off — and the day Montréal springs forward (DST).
const SUNDAY_DST: Date = date(2026, 3, 8);
/// A Wednesday in the fall.
const WEDNESDAY: Date = date(2026, 11, 18);

async fn load(store: &Store, today: Date) -> onsite_demo::DemoSummary {
    let started = Instant::now();
    let summary = onsite_demo::load(store, today)
        .await
        .expect("the demo loads");
    eprintln!(
        "loaded the demo ({:?}) in {:?}:\n{summary}",
        store.backend(),
        started.elapsed()
    );
    summary
}

both_backends!(
    the_demo_city_has_everything_and_its_visits_are_realistic,
    |store: Store| async move {
        assert!(!onsite_demo::is_loaded(&store).await.unwrap());
        let summary = load(&store, SUNDAY_DST).await;
        assert!(onsite_demo::is_loaded(&store).await.unwrap());
        assert!(
            summary.technicians >= 30 && summary.territories >= 4,
            "{summary:?}"
        );
        assert!(
            summary.customer_accounts >= 200
                && summary.assets >= 600
                && summary.partner_accounts >= 8,
            "{summary:?}"
        );
        assert!(
            summary.completed > 0 && summary.canceled > 0 && summary.scheduled > 0,
            "{summary:?}"
        );

        let mut conn = store.conn().await.unwrap();
        checks::required_counts(&mut conn, &summary).await;
        checks::visits_are_ones_a_dispatcher_could_make(&mut conn, SUNDAY_DST).await;
        checks::history_and_records(&mut conn, SUNDAY_DST).await;
        checks::partners_and_opportunities(&mut conn).await;
        checks::sign_ins(&mut conn, SUNDAY_DST).await;
        checks::the_demo_customers_visits_have_a_second_technician(&mut conn).await;
        checks::feedback(&mut conn, SUNDAY_DST).await;

        // Loading again is refused politely and changes nothing.
        let before = checks::dump(&mut conn).await;
        drop(conn);
        assert!(matches!(
            onsite_demo::load(&store, SUNDAY_DST).await,
            Err(DemoError::AlreadyLoaded)
        ));
        assert!(matches!(
            onsite_demo::load(&store, WEDNESDAY).await,
            Err(DemoError::AlreadyLoaded)
        ));
        let mut conn = store.conn().await.unwrap();
        assert!(
            before == checks::dump(&mut conn).await,
            "a refused load changed the database"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_day_gives_the_same_city_and_the_technician_works_today() {
    let (a, b) = (TestDb::sqlite().await, TestDb::sqlite().await);
    load(a.store(), WEDNESDAY).await;
    load(b.store(), WEDNESDAY).await;
    let mut ca = a.store().conn().await.unwrap();
    let mut cb = b.store().conn().await.unwrap();
    let (da, db) = (checks::dump(&mut ca).await, checks::dump(&mut cb).await);
    assert!(
        da.len() > 20_000,
        "the dump covers the data ({} rows)",
        da.len()
    );
    if let Some(i) = (0..da.len().min(db.len())).find(|&i| da[i] != db[i]) {
        panic!(
            "the two loads differ first at row {i}:\n  {}\n  {}",
            da[i], db[i]
        );
    }
    assert_eq!(da.len(), db.len());
    // Midweek as well as on a Sunday, the demo technician has visits today.
    checks::sign_ins(&mut ca, WEDNESDAY).await;
    checks::visits_are_ones_a_dispatcher_could_make(&mut ca, WEDNESDAY).await;
}

both_backends!(
    a_database_with_other_data_is_refused_untouched,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let email = EmailAddress::parse("someone@example.com").unwrap();
        let addr = onsite_domain::account::Address {
            line: "1 Rue Peel".into(),
            city: "Montréal".into(),
            postal_code: "H3A 1S1".into(),
            country: "CA".into(),
            location: onsite_domain::geo::GeoPoint::new(45.5, -73.57).unwrap(),
            time_zone: onsite_domain::time::TimeZoneName::parse("America/Toronto").unwrap(),
        };
        accounts::insert_account(
            &mut conn,
            &accounts::NewAccount {
                kind: onsite_domain::account::AccountKind::Customer,
                name: "Real customer",
                active: true,
                address: &addr,
                territory_id: None,
            },
        )
        .await
        .unwrap();
        let before = checks::dump(&mut conn).await;
        let err = onsite_demo::load(&store, WEDNESDAY).await.unwrap_err();
        assert!(
            matches!(err, DemoError::NotEmpty { what: "accounts" }),
            "{err:?}"
        );
        assert!(err.to_string().contains("empty database"), "{err}");
        assert!(before == checks::dump(&mut conn).await);
        assert!(
            accounts::user_by_email(&mut conn, &email)
                .await
                .unwrap()
                .is_none()
        );
        assert!(!onsite_demo::is_loaded(&store).await.unwrap());
    }
);

#[test]
fn the_sign_ins_are_documented_with_the_shared_password() {
    assert_eq!(PASSWORD, "demo-password");
    let emails: Vec<_> = SIGN_INS.iter().map(|(e, _)| *e).collect();
    assert_eq!(
        emails,
        [
            "customer@demo.test",
            "approver@demo.test",
            "reviewer@demo.test",
            "partner@demo.test",
            "technician@demo.test",
            "dispatcher@demo.test",
            "admin@demo.test"
        ]
    );
    assert!(SIGN_INS.iter().all(|(_, what)| !what.is_empty()));
    let _ = Role::ALL;
}
