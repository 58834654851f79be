//! Who may see what: partner A never sees partner B's opportunities, and customers,
//! technicians and partners are refused what is not theirs.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_a_never_sees_partner_b_opportunities() {
    let w = world(TestDb::sqlite().await).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    dist::distribute(&w.app, w.staff.grant().unwrap(), id, Some(w.a.id), hours(0))
        .await
        .unwrap();
    let waiting = w.new_opportunity("Not distributed", hours(0)).await;
    let b = &w.b.who;
    for target in [id, waiting, OpportunityId(9999)] {
        let results: Vec<(&str, Result<(), DistributionError>)> = vec![
            (
                "detail",
                dist::opportunity_for_partner(&w.app, b.grant().unwrap(), target)
                    .await
                    .map(drop),
            ),
            (
                "accept",
                dist::accept(&w.app, b.grant().unwrap(), target, hours(1)).await,
            ),
            (
                "decline",
                dist::decline(&w.app, b.grant().unwrap(), target, "x", hours(1)).await,
            ),
            (
                "stage",
                dist::set_stage(&w.app, b.grant().unwrap(), target, Stage::Qualify, hours(1)).await,
            ),
            (
                "note",
                dist::add_note(&w.app, b.grant().unwrap(), target, "x", hours(1)).await,
            ),
            (
                "won",
                dist::close_won(&w.app, b.grant().unwrap(), target, "", hours(1)).await,
            ),
            (
                "lost",
                dist::close_lost(&w.app, b.grant().unwrap(), target, "x", "", hours(1)).await,
            ),
            (
                "feedback",
                dist::add_feedback(&w.app, b.grant().unwrap(), target, "x", hours(1)).await,
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
            dist::partner_opportunities(&w.app, b.grant().unwrap(), filter)
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
        dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::All)
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
    // The partner's use cases take the `Partner` grant, the staff's `Staff`, the settings'
    // `Admin`: the policy makes none of them for the wrong person.
    for who in [&w.customer, &w.technician, &w.staff, &orphan] {
        assert_eq!(who.grant::<policy::Partner>(), None, "{who:?}");
    }
    for who in [&w.customer, &w.technician, &w.a.who] {
        assert_eq!(who.grant::<Staff>(), None, "{who:?}");
    }
    for who in [&w.staff, &w.a.who, &w.customer] {
        assert_eq!(who.grant::<Admin>(), None, "{who:?}");
    }
    assert_eq!(w.opportunity(id).await.status, OpportunityStatus::New);
}
