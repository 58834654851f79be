//! Who may see what: partner A never sees partner B's opportunities, and customers,
//! technicians and partners are refused what is not theirs.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_a_never_sees_partner_b_opportunities() {
    let w = world(TestDb::sqlite().await).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    dist::distribute(&w.app, &w.staff, id, Some(w.a.id), hours(0))
        .await
        .unwrap();
    let waiting = w.new_opportunity("Not distributed", hours(0)).await;
    let b = &w.b.who;
    for target in [id, waiting, OpportunityId(9999)] {
        let results: Vec<(&str, Result<(), DistributionError>)> = vec![
            (
                "detail",
                dist::opportunity_for_partner(&w.app, b, target)
                    .await
                    .map(drop),
            ),
            ("accept", dist::accept(&w.app, b, target, hours(1)).await),
            (
                "decline",
                dist::decline(&w.app, b, target, "x", hours(1)).await,
            ),
            (
                "stage",
                dist::set_stage(&w.app, b, target, Stage::Qualify, hours(1)).await,
            ),
            (
                "note",
                dist::add_note(&w.app, b, target, "x", hours(1)).await,
            ),
            (
                "won",
                dist::close_won(&w.app, b, target, "", hours(1)).await,
            ),
            (
                "lost",
                dist::close_lost(&w.app, b, target, "x", "", hours(1)).await,
            ),
            (
                "feedback",
                dist::add_feedback(&w.app, b, target, "x", hours(1)).await,
            ),
        ];
        for (what, r) in results {
            assert!(
                matches!(r, Err(DistributionError::NotFound)),
                "{what} on {target:?}: {r:?}"
            );
        }
    }
    for filter in Filter::ALL {
        assert!(
            dist::partner_opportunities(&w.app, b, filter)
                .await
                .unwrap()
                .is_empty(),
            "{filter:?}"
        );
    }
    let o = w.opportunity(id).await;
    assert_eq!(
        (o.status, o.partner_account_id),
        (OpportunityStatus::Distributed, Some(w.a.id))
    );
    assert_eq!(
        w.events(id).await.len(),
        1,
        "nothing was recorded for B's attempts"
    );
    assert_eq!(
        dist::partner_opportunities(&w.app, &w.a.who, Filter::All)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_technicians_and_partners_are_refused_what_is_not_theirs() {
    let w = world(TestDb::sqlite().await).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    let orphan = principal(w.a.who.user_id, &[Role::Partner], None);
    for who in [&w.customer, &w.technician, &w.staff, &orphan] {
        let r = dist::partner_opportunities(&w.app, who, Filter::All).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
        let r = dist::accept(&w.app, who, id, hours(1)).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
        let r = dist::create_internal_opportunity(&w.app, who, &w.input("Own"), hours(1)).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
    }
    for who in [&w.customer, &w.technician, &w.a.who] {
        let r = dist::explain(&w.app, who, id, hours(1)).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
        let r = dist::distribute(&w.app, who, id, None, hours(1)).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
        let r = dist::create_opportunity(&w.app, who, &w.input("X"), hours(1)).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
        let r = dist::staff_opportunities(&w.app, who, None).await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
    }
    for who in [&w.staff, &w.a.who, &w.customer] {
        let r = dist::set_setting(&w.app, who, "distribution/weights/winrate", "3").await;
        assert!(matches!(r, Err(DistributionError::Forbidden)), "{who:?}");
    }
    assert_eq!(
        DistributionError::Forbidden.message(fr()),
        "Vous n'avez pas le droit de faire ceci."
    );
    assert_eq!(w.opportunity(id).await.status, OpportunityStatus::New);
}
