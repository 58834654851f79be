//! The distribution settings: weights out of range refused with the setting and its range, and
//! automatic distribution giving a new opportunity to the top partner.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weights_out_of_range_are_refused_with_the_setting_and_its_range() {
    let w = world(TestDb::sqlite().await).await;
    let before = dist::weights(&w.app).await.unwrap();
    for raw in ["0.5", "-0.02", "abc", "NaN", ""] {
        let e = dist::set_setting(
            &w.app,
            w.admin.grant().unwrap(),
            "distribution/weights/distance",
            raw,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                e,
                DistributionError::Setting(InvalidSetting::DecimalOutOfRange {
                    key: "distribution/weights/distance",
                    ..
                })
            ),
            "{raw}: {e:?}"
        );
        assert_eq!(
            e.message(en()),
            "distribution/weights/distance must be a number between -0.01 and 0."
        );
        assert_eq!(
            e.message(fr()),
            "distribution/weights/distance doit être un nombre entre -0,01 et 0."
        );
        assert!(!e.is_internal());
    }
    let e = dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "distribution/weights/avgtimetoclose",
        "1",
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.message(en()),
        "distribution/weights/avgtimetoclose must be a number between -0.5 and 0."
    );
    let e = dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "distribution/accept_hours",
        "0",
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.message(en()),
        "distribution/accept_hours must be a whole number between 1 and 720."
    );
    let e = dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "scheduling/horizon_days",
        "10",
    )
    .await
    .unwrap_err();
    assert_eq!(e.message_id(), "distribution-setting-unknown");
    assert_eq!(
        dist::weights(&w.app).await.unwrap(),
        before,
        "nothing changed"
    );

    // In range, ends included; 0 disables a metric.
    dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "distribution/weights/distance",
        "-0.01",
    )
    .await
    .unwrap();
    dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "distribution/weights/winrate",
        "0",
    )
    .await
    .unwrap();
    let now = dist::weights(&w.app).await.unwrap();
    assert_eq!(
        (now.get(Metric::Distance), now.get(Metric::WinRate)),
        (-0.01, 0.0)
    );
    assert_eq!(
        now.get(Metric::TouchRate),
        before.get(Metric::TouchRate),
        "the others keep their value"
    );
    let rows = dist::distribution_settings(&w.app).await.unwrap();
    assert_eq!(rows.len(), 9);
    assert!(
        w.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "setting.update")
            .count()
            == 2
    );

    let id = w.new_opportunity("Heat pump", hours(0)).await;
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), id, hours(0))
        .await
        .unwrap();
    assert_eq!(
        why.decision.weights, now,
        "explanations use the stored weights"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_distribution_gives_new_opportunities_to_the_top_partner() {
    let w = world(TestDb::sqlite().await).await;
    // Off (the default): created opportunities wait, the sweep leaves them.
    let waiting = w.new_opportunity("Waiting 1", hours(0)).await;
    let waiting2 = w.new_opportunity("Waiting 2", hours(0)).await;
    assert_eq!(dist::tick(&w.app, hours(0)).await.unwrap().distributed, 0);

    dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "distribution/automatic",
        "on",
    )
    .await
    .unwrap();
    let created = dist::create_opportunity(
        &w.app,
        w.staff.grant().unwrap(),
        &w.input("At once"),
        hours(1),
    )
    .await
    .unwrap();
    assert_eq!(created.partner, Some(w.a.id));
    assert_eq!(
        w.opportunity(created.id).await.status,
        OpportunityStatus::Distributed
    );
    assert_eq!(w.emails(w.a.email).await.len(), 1);

    // The sweep distributes the ones that waited, oldest first, within capacities (A had
    // one place left).
    let report = dist::tick(&w.app, hours(2)).await.unwrap();
    assert_eq!(report.distributed, 2);
    assert_eq!(
        w.opportunity(waiting).await.partner_account_id,
        Some(w.a.id)
    );
    assert_eq!(
        w.opportunity(waiting2).await.partner_account_id,
        Some(w.b.id)
    );

    // Nobody available: created, left New, no error.
    let mut far = w.input("Out of every territory");
    far.postal_code = "J4K 1A1".into();
    let created = dist::create_opportunity(&w.app, w.staff.grant().unwrap(), &far, hours(3))
        .await
        .unwrap();
    assert_eq!(created.partner, None);
    assert_eq!(
        w.opportunity(created.id).await.status,
        OpportunityStatus::New
    );
}
