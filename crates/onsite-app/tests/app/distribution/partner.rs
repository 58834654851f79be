//! A partner works an opportunity: declining (or letting it expire) hands it to the next
//! partner, accepting and closing it won raises their win rate, and illegal moves are refused
//! with nothing changed.

use super::*;

both_backends!(
    decline_goes_to_the_next_partner,
    declined_opportunity_moves_on
);

async fn declined_opportunity_moves_on(db: TestDb) {
    let w = world(db).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    dist::distribute(&w.app, w.staff.grant().unwrap(), id, None, hours(0))
        .await
        .unwrap();

    let no_reason = dist::decline(&w.app, w.a.who.grant().unwrap(), id, "   ", hours(1))
        .await
        .unwrap_err();
    assert!(
        matches!(no_reason, DistributionError::Invalid(ref i) if i.field == "reason"),
        "{no_reason:?}"
    );
    assert_eq!(no_reason.message(en()), "Reason: This field is required.");
    assert_eq!(w.opportunity(id).await.partner_account_id, Some(w.a.id));

    dist::decline(
        &w.app,
        w.a.who.grant().unwrap(),
        id,
        "No capacity this month",
        hours(1),
    )
    .await
    .unwrap();
    let o = w.opportunity(id).await;
    assert_eq!(
        (o.status, o.partner_account_id, o.distributed_at),
        (OpportunityStatus::Distributed, Some(w.b.id), Some(hours(1))),
        "redistributed at once to the next partner"
    );
    assert_eq!(
        w.events(id).await,
        [
            (Some(w.a.id), Kind::Distributed),
            (Some(w.a.id), Kind::Declined),
            (Some(w.b.id), Kind::Distributed),
        ]
    );
    assert_eq!(
        w.emails(w.b.email).await.len(),
        1,
        "the next partner is told"
    );
    assert!(matches!(
        dist::opportunity_for_partner(&w.app, w.a.who.grant().unwrap(), id).await,
        Err(DistributionError::NotFound)
    ));
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), id, hours(1))
        .await
        .unwrap();
    assert_eq!(excluded(&why, w.a.id), Some(Criterion::PassedOver));
    assert_eq!(
        why.criterion_text(en(), &Criterion::PassedOver),
        "Already declined this opportunity or let it expire."
    );

    // The next one declines too, then the last: nobody is left, it waits for staff.
    dist::decline(&w.app, w.b.who.grant().unwrap(), id, "Too far", hours(2))
        .await
        .unwrap();
    assert_eq!(w.opportunity(id).await.partner_account_id, Some(w.c.id));
    dist::decline(
        &w.app,
        w.c.who.grant().unwrap(),
        id,
        "Not our trade",
        hours(3),
    )
    .await
    .unwrap();
    let o = w.opportunity(id).await;
    assert_eq!(
        (o.status, o.partner_account_id),
        (OpportunityStatus::New, None)
    );
    assert!(
        w.audit_actions()
            .await
            .contains(&"opportunity.unplaced".to_owned())
    );
    let staff_list = dist::staff_opportunities(
        &w.app,
        w.staff.grant().unwrap(),
        Some(OpportunityStatus::New),
    )
    .await
    .unwrap();
    assert_eq!(staff_list.len(), 1);
    assert_eq!(staff_list[0].passed_over, 3, "flagged: it came back");
    assert!(matches!(
        dist::distribute(&w.app, w.staff.grant().unwrap(), id, None, hours(4)).await,
        Err(DistributionError::NoPartnerAvailable)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_then_close_won_raises_the_win_rate_in_the_next_explanation() {
    let w = world(TestDb::sqlite().await).await;
    // B has a history: one opportunity accepted and lost.
    let lost = w.new_opportunity("Lost one", hours(0)).await;
    dist::distribute(
        &w.app,
        w.staff.grant().unwrap(),
        lost,
        Some(w.b.id),
        hours(0),
    )
    .await
    .unwrap();
    dist::accept(&w.app, w.b.who.grant().unwrap(), lost, hours(1))
        .await
        .unwrap();
    dist::close_lost(
        &w.app,
        w.b.who.grant().unwrap(),
        lost,
        "Customer chose a competitor",
        "Price",
        hours(2),
    )
    .await
    .unwrap();

    let win_rate = |e: &dist::Explanation, p: AccountId| {
        let r = e.decision.ranked.iter().find(|r| r.partner == p).unwrap();
        r.contributions
            .iter()
            .find(|c| c.metric == Metric::WinRate)
            .copied()
            .unwrap()
    };
    let probe = w.new_opportunity("Probe", hours(3)).await;
    let before = dist::explain(&w.app, w.staff.grant().unwrap(), probe, hours(3))
        .await
        .unwrap();
    let before_a = win_rate(&before, w.a.id);
    assert_eq!(before_a.basis.unwrap().count, 0);

    let id = w.new_opportunity("Heat pump", hours(3)).await;
    dist::distribute(&w.app, w.staff.grant().unwrap(), id, Some(w.a.id), hours(3))
        .await
        .unwrap();
    dist::accept(&w.app, w.a.who.grant().unwrap(), id, hours(4))
        .await
        .unwrap();
    let accepted = dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::Accepted)
        .await
        .unwrap();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].dated.accepted_at, Some(hours(4)));
    dist::set_stage(
        &w.app,
        w.a.who.grant().unwrap(),
        id,
        Stage::Propose,
        hours(5),
    )
    .await
    .unwrap();
    assert!(
        dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::Accepted)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::InProgress)
            .await
            .unwrap()
            .len(),
        1
    );
    dist::add_note(
        &w.app,
        w.a.who.grant().unwrap(),
        id,
        "Visited the site",
        hours(6),
    )
    .await
    .unwrap();
    dist::close_won(
        &w.app,
        w.a.who.grant().unwrap(),
        id,
        "Happy customer",
        hours(30),
    )
    .await
    .unwrap();

    let after = dist::explain(&w.app, w.staff.grant().unwrap(), probe, hours(31))
        .await
        .unwrap();
    let after_a = win_rate(&after, w.a.id);
    assert!(
        after_a.value > before_a.value,
        "{} → {}",
        before_a.value,
        after_a.value
    );
    let basis = after_a.basis.unwrap();
    assert_eq!((basis.own, basis.count), (Some(1.0), 1));
    assert!(
        after_a.value > win_rate(&after, w.b.id).value,
        "a win beats a loss"
    );

    let detail = dist::opportunity_for_partner(&w.app, w.a.who.grant().unwrap(), id)
        .await
        .unwrap();
    assert_eq!(detail.opportunity.dated.closed_at, Some(hours(30)));
    assert_eq!(detail.products[0].name, "Heat pump");
    assert_eq!(
        detail.history.iter().map(|h| h.kind).collect::<Vec<_>>(),
        [
            "distributed",
            "accepted",
            "stage",
            "touched",
            "won",
            "feedback"
        ]
    );
    assert_eq!(detail.history[2].note.as_deref(), Some("propose"));
    let tally = dist::my_metrics(&w.app, w.a.who.grant().unwrap(), hours(31))
        .await
        .unwrap();
    assert_eq!(
        (tally.won, tally.closed_with_feedback, tally.touched),
        (1, 1, 1)
    );
    assert_eq!(
        dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::Closed)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn illegal_moves_are_refused_and_change_nothing() {
    let w = world(TestDb::sqlite().await).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    dist::distribute(&w.app, w.staff.grant().unwrap(), id, Some(w.a.id), hours(0))
        .await
        .unwrap();
    let illegal = |r: Result<(), DistributionError>, action: Action, status: OpportunityStatus| {
        let e = r.unwrap_err();
        assert!(
            matches!(e, DistributionError::IllegalMove { action: a, status: s } if a == action && s == status),
            "{e:?}"
        );
        e
    };
    let who = &w.a.who;
    let e = illegal(
        dist::close_won(&w.app, who.grant().unwrap(), id, "", hours(1)).await,
        Action::Close,
        OpportunityStatus::Distributed,
    );
    assert_eq!(
        e.message(en()),
        "You cannot close this opportunity now: it is distributed."
    );
    assert_eq!(
        e.message(fr()),
        "Vous ne pouvez pas clôturer cette opportunité maintenant : elle est distribuée."
    );
    illegal(
        dist::set_stage(&w.app, who.grant().unwrap(), id, Stage::Qualify, hours(1)).await,
        Action::SetStage,
        OpportunityStatus::Distributed,
    );
    illegal(
        dist::add_feedback(&w.app, who.grant().unwrap(), id, "Nice", hours(1)).await,
        Action::AddFeedback,
        OpportunityStatus::Distributed,
    );
    dist::accept(&w.app, who.grant().unwrap(), id, hours(1))
        .await
        .unwrap();
    illegal(
        dist::accept(&w.app, who.grant().unwrap(), id, hours(2)).await,
        Action::Accept,
        OpportunityStatus::InProgress,
    );
    illegal(
        dist::decline(
            &w.app,
            who.grant().unwrap(),
            id,
            "Changed our mind",
            hours(2),
        )
        .await,
        Action::Decline,
        OpportunityStatus::InProgress,
    );
    let before = w.events(id).await;
    // The same stage twice records it once.
    dist::set_stage(&w.app, who.grant().unwrap(), id, Stage::Qualify, hours(3))
        .await
        .unwrap();
    dist::set_stage(&w.app, who.grant().unwrap(), id, Stage::Qualify, hours(4))
        .await
        .unwrap();
    assert_eq!(w.events(id).await.len(), before.len() + 1);
    assert!(matches!(
        dist::close_lost(&w.app, who.grant().unwrap(), id, "", "", hours(5)).await,
        Err(DistributionError::Invalid(i)) if i.field == "reason"
    ));
    dist::close_lost(&w.app, who.grant().unwrap(), id, "No budget", "", hours(5))
        .await
        .unwrap();
    illegal(
        dist::close_won(&w.app, who.grant().unwrap(), id, "", hours(6)).await,
        Action::Close,
        OpportunityStatus::Lost,
    );
    illegal(
        dist::add_note(&w.app, who.grant().unwrap(), id, "Too late", hours(6)).await,
        Action::AddNote,
        OpportunityStatus::Lost,
    );
    let events = w.events(id).await;
    dist::add_feedback(
        &w.app,
        who.grant().unwrap(),
        id,
        "They may come back next year",
        hours(7),
    )
    .await
    .unwrap();
    assert_eq!(
        w.events(id).await.last(),
        Some(&(Some(w.a.id), Kind::Feedback))
    );
    assert_eq!(w.events(id).await.len(), events.len() + 1);
    let o = w.opportunity(id).await;
    assert_eq!(
        (o.status, o.stage.as_deref()),
        (OpportunityStatus::Lost, Some("qualify"))
    );
}

// ---- Expiry -----------------------------------------------------------------------------------

both_backends!(
    expiry_redistributes_to_the_next_partner,
    expired_opportunity_moves_on
);

async fn expired_opportunity_moves_on(db: TestDb) {
    let w = world(db).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    dist::distribute(&w.app, w.staff.grant().unwrap(), id, None, hours(0))
        .await
        .unwrap();
    let other = w.new_opportunity("Accepted in time", hours(0)).await;
    dist::distribute(
        &w.app,
        w.staff.grant().unwrap(),
        other,
        Some(w.c.id),
        hours(0),
    )
    .await
    .unwrap();
    dist::accept(&w.app, w.c.who.grant().unwrap(), other, hours(47))
        .await
        .unwrap();

    // 48 hours to accept (the default): nothing expires before.
    let report = dist::run_expiries(&w.app, hours(47)).await.unwrap();
    assert_eq!(report, dist::ExpiryReport::default());
    assert!(matches!(
        dist::accept(&w.app, w.a.who.grant().unwrap(), id, hours(48)).await,
        Err(DistributionError::Expired)
    ));

    // Two servers sweep at once: it expires once.
    let (one, two) = tokio::join!(
        dist::run_expiries(&w.app, hours(48)),
        dist::run_expiries(&w.app, hours(48))
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.expired + two.expired, 1, "{one:?} {two:?}");
    assert_eq!(one.redistributed + two.redistributed, 1);
    let o = w.opportunity(id).await;
    assert_eq!(
        (o.status, o.partner_account_id, o.distributed_at),
        (
            OpportunityStatus::Distributed,
            Some(w.b.id),
            Some(hours(48))
        )
    );
    assert_eq!(
        w.events(id).await,
        [
            (Some(w.a.id), Kind::Distributed),
            (Some(w.a.id), Kind::Expired),
            (Some(w.b.id), Kind::Distributed),
        ]
    );
    assert_eq!(
        w.opportunity(other).await.status,
        OpportunityStatus::InProgress
    );
    // Idempotent.
    assert_eq!(
        dist::run_expiries(&w.app, hours(48)).await.unwrap(),
        dist::ExpiryReport::default()
    );
    assert!(matches!(
        dist::opportunity_for_partner(&w.app, w.a.who.grant().unwrap(), id).await,
        Err(DistributionError::NotFound)
    ));
    // The accept window is a setting.
    dist::set_setting(
        &w.app,
        w.admin.grant().unwrap(),
        "distribution/accept_hours",
        "2",
    )
    .await
    .unwrap();
    let report = dist::tick(&w.app, hours(50)).await.unwrap();
    assert_eq!(report.expiries.expired, 1);
    assert_eq!(w.opportunity(id).await.partner_account_id, Some(w.c.id));
}
