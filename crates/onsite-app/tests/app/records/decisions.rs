//! Decisions on estimates and renewals: only approvers decide, once and only on what they saw;
//! each decision is recorded and emailed to the dispatchers; a renewal extends the agreement
//! or leaves it to end.

use super::*;

both_backends!(only_approvers_decide_and_staff_hear_of_it, approvals_flow);

async fn approvals_flow(db: TestDb) {
    let w = world(db).await;
    let app = &w.app;
    let v = version_of(app, RecordKind::WorkOrder, w.a.estimate.0).await;
    let approve = decision(Target::WorkOrder(w.a.estimate), Decision::Approved, "", v);
    // A reviewer, a staff member and a self-scheduler cannot decide; nothing changes.
    for who in [&w.reviewer, &w.staff, &w.self_scheduler] {
        assert_eq!(Approver::of(who), None);
    }
    let detail = records::work_order(
        app,
        grant(&w.reviewer),
        w.reviewer.grant(),
        w.a.estimate,
        None,
    )
    .await
    .unwrap();
    assert!(!detail.can_decide, "a reviewer is not offered the buttons");
    let detail = records::work_order(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.estimate,
        None,
    )
    .await
    .unwrap();
    assert!(detail.can_decide);
    assert_eq!(detail.work_order.version, v);
    // Another account's or a hidden estimate: not found.
    for target in [
        Target::WorkOrder(w.b.estimate),
        Target::WorkOrder(w.a.hidden_estimate),
    ] {
        let d = decision(target, Decision::Approved, "", 1);
        assert!(matches!(
            approvals::decide(app, grant(&w.approver), &d, t0()).await,
            Err(RecordsError::NotFound)
        ));
    }

    // Approve: unscheduled, recorded, both dispatchers emailed in their language.
    let decided = approvals::decide(app, grant(&w.approver), &approve, t0())
        .await
        .unwrap();
    assert_eq!((decided.status, decided.notified), ("unscheduled", 2));
    let row = records::work_order(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.estimate,
        None,
    )
    .await
    .unwrap();
    assert_eq!(row.work_order.status, WorkOrderStatus::Unscheduled);
    assert!(!row.can_decide);
    assert_eq!(row.approvals.len(), 1);
    let a = &row.approvals[0];
    assert_eq!(
        (
            a.decision,
            a.decided_by,
            a.decided_at,
            a.record_version,
            a.comment.as_deref()
        ),
        (Decision::Approved, Some(w.approver.user_id), t0(), v, None)
    );
    assert!(a.decided_by_name.contains("ana@boulangerie.example"));
    assert!(row.history.iter().any(|h| matches!(
        h.event,
        onsite_store::records::details::HistoryEvent::Decided {
            decision: Decision::Approved,
            ..
        }
    )));
    let fr = emails(app, "dina@service.example").await;
    assert_eq!(fr.len(), 1);
    assert_eq!(
        (fr[0].0.as_str(), fr[0].1.as_str()),
        ("record-decided", "fr")
    );
    assert_eq!(fr[0].2, "Devis approuvé : WO-A-1 (Boulangerie Saint-Denis)");
    assert!(
        fr[0]
            .3
            .contains("Ana <ana@boulangerie.example> a approuvé le devis"),
        "{}",
        fr[0].3
    );
    assert!(
        fr[0]
            .3
            .contains("https://portal.example.com/staff/work-orders/"),
        "{}",
        fr[0].3
    );
    let en = emails(app, "dan@service.example").await;
    assert_eq!(
        en[0].2,
        "Estimate approved: WO-A-1 (Boulangerie Saint-Denis)"
    );
    assert!(
        en[0].3.contains("The work order is now unscheduled"),
        "{}",
        en[0].3
    );
    assert!(
        emails(app, "root@service.example").await.is_empty(),
        "admins only when no dispatcher"
    );
    let actions: Vec<String> = audit::recent(&mut app.store.conn().await.unwrap(), 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"work_order.approved".to_owned()),
        "{actions:?}"
    );

    // Not twice: the same version again (a double click) is "already decided".
    assert!(matches!(
        approvals::decide(app, grant(&w.approver), &approve, t0()).await,
        Err(RecordsError::AlreadyDecided)
    ));
    let reject_same = decision(Target::WorkOrder(w.a.estimate), Decision::Rejected, "No", v);
    assert!(matches!(
        approvals::decide(app, grant(&w.approver), &reject_same, t0()).await,
        Err(RecordsError::AlreadyDecided)
    ));
    // At the current version, it no longer waits.
    let v_now = version_of(app, RecordKind::WorkOrder, w.a.estimate.0).await;
    let late = decision(
        Target::WorkOrder(w.a.estimate),
        Decision::Rejected,
        "No",
        v_now,
    );
    assert!(matches!(
        approvals::decide(app, grant(&w.approver), &late, t0()).await,
        Err(RecordsError::NotPending)
    ));

    // Reject: a comment is required; without one nothing is written.
    let v2 = version_of(app, RecordKind::WorkOrder, w.a.estimate2.0).await;
    let bare = decision(
        Target::WorkOrder(w.a.estimate2),
        Decision::Rejected,
        "  \n ",
        v2,
    );
    let err = approvals::decide(app, grant(&w.approver), &bare, t0())
        .await
        .unwrap_err();
    assert_eq!(err.message_id(), "records-error-comment-required");
    assert_eq!(
        version_of(app, RecordKind::WorkOrder, w.a.estimate2.0).await,
        v2
    );
    // After the record changed (staff edited the estimate), the old version is refused.
    sqlx::query(
        "UPDATE work_orders SET summary = 'Replace the compressor and the fan' WHERE id = $1",
    )
    .bind(w.a.estimate2.0)
    .execute(&mut *app.store.conn().await.unwrap())
    .await
    .unwrap();
    let stale = decision(
        Target::WorkOrder(w.a.estimate2),
        Decision::Rejected,
        "Too expensive",
        v2,
    );
    let err = approvals::decide(app, grant(&w.approver), &stale, t0())
        .await
        .unwrap_err();
    assert!(matches!(err, RecordsError::Changed), "{err:?}");
    assert_eq!(err.message_id(), "records-error-changed");
    let row = records::work_order(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.estimate2,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        row.work_order.status,
        WorkOrderStatus::EstimatePending,
        "nothing written"
    );
    assert!(row.approvals.is_empty());
    // With the version now shown: rejected, canceled, the comment kept and emailed.
    let reject = decision(
        Target::WorkOrder(w.a.estimate2),
        Decision::Rejected,
        "Too expensive <b>for now</b>",
        row.work_order.version,
    );
    let decided = approvals::decide(
        app,
        grant(&w.approver),
        &reject,
        t0() + SignedDuration::from_mins(5),
    )
    .await
    .unwrap();
    assert_eq!(decided.status, "canceled");
    let row = records::work_order(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.estimate2,
        None,
    )
    .await
    .unwrap();
    assert_eq!(row.work_order.status, WorkOrderStatus::Canceled);
    assert_eq!(
        row.approvals[0].comment.as_deref(),
        Some("Too expensive <b>for now</b>")
    );
    let en = emails(app, "dan@service.example").await;
    assert_eq!(en.len(), 2);
    assert_eq!(
        en[1].2,
        "Estimate rejected: WO-A-2 (Boulangerie Saint-Denis)"
    );
    assert!(en[1].3.contains("Too expensive <b>for now</b>"));
    // The reviewer sees the decisions too, and nothing of B changed.
    assert_eq!(
        records::work_order(
            app,
            grant(&w.reviewer),
            w.reviewer.grant(),
            w.a.estimate2,
            None
        )
        .await
        .unwrap()
        .approvals
        .len(),
        1
    );
    assert!(
        approvals_store::approvals_of(
            &mut app.store.conn().await.unwrap(),
            RecordKind::WorkOrder,
            w.b.estimate.0
        )
        .await
        .unwrap()
        .is_empty()
    );
}

both_backends!(renewals_extend_the_agreement_or_leave_it_to_end, renewals);

async fn renewals(db: TestDb) {
    let w = world(db).await;
    let app = &w.app;
    let detail = records::agreement(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.renewal,
        None,
    )
    .await
    .unwrap();
    assert!(detail.can_decide);
    assert_eq!(detail.renewal, Some((date(2026, 1, 1), date(2026, 12, 31))));
    assert_eq!(detail.invoices.items.len(), 1, "its exposed invoice only");
    let approve = decision(
        Target::Agreement(w.a.renewal),
        Decision::Approved,
        "Renew for 2026",
        detail.agreement.version,
    );
    let decided = approvals::decide(app, grant(&w.approver), &approve, t0())
        .await
        .unwrap();
    assert_eq!(
        decided.renewed,
        Some((date(2026, 1, 1), date(2026, 12, 31)))
    );
    let after = records::agreement(
        app,
        grant(&w.reviewer),
        w.reviewer.grant(),
        w.a.renewal,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            after.agreement.status,
            after.agreement.starts_on,
            after.agreement.ends_on
        ),
        (
            AgreementStatus::Active,
            date(2026, 1, 1),
            date(2026, 12, 31)
        )
    );
    assert!(
        after.approvals[0].detail.contains("2025-12-31"),
        "the previous period is kept: {}",
        after.approvals[0].detail
    );
    let en = emails(app, "dan@service.example").await;
    assert_eq!(
        en[0].2,
        "Renewal approved: AGR-A-1 (Boulangerie Saint-Denis)"
    );
    assert!(
        en[0]
            .3
            .contains("renewed until Thursday, December 31, 2026"),
        "{}",
        en[0].3
    );
    assert!(matches!(
        approvals::decide(app, grant(&w.approver), &approve, t0()).await,
        Err(RecordsError::AlreadyDecided)
    ));

    let v = version_of(app, RecordKind::Agreement, w.a.renewal2.0).await;
    let reject = decision(
        Target::Agreement(w.a.renewal2),
        Decision::Rejected,
        "We are moving out",
        v,
    );
    assert_eq!(Approver::of(&w.reviewer), None);
    approvals::decide(app, grant(&w.approver), &reject, t0())
        .await
        .unwrap();
    let after = records::agreement(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.renewal2,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            after.agreement.status,
            after.agreement.ends_on,
            after.can_decide
        ),
        (AgreementStatus::Active, date(2025, 12, 31), false)
    );
    let fr = emails(app, "dina@service.example").await;
    assert_eq!(
        fr[1].2,
        "Renouvellement refusé : AGR-A-2 (Boulangerie Saint-Denis)"
    );
    assert!(fr[1].3.contains("We are moving out"));
    // The rejected one expires after its end; the renewed one runs on.
    assert_eq!(
        records::expire_ended_agreements(app, date(2025, 12, 31))
            .await
            .unwrap(),
        0
    );
    let expired = records::expire_ended_agreements(app, date(2026, 1, 1))
        .await
        .unwrap();
    assert_eq!(
        expired, 3,
        "A's rejected and hidden ones and B's hidden one (renewals waiting stay)"
    );
    let after = records::agreement(
        app,
        grant(&w.approver),
        w.approver.grant(),
        w.a.renewal2,
        None,
    )
    .await
    .unwrap();
    assert_eq!(after.agreement.status, AgreementStatus::Expired);
    let list = records::list::<Agreements>(app, grant(&w.reviewer), &req(&[("filter", "expired")]))
        .await
        .unwrap();
    assert_eq!(
        list.page.items.iter().map(|g| g.id).collect::<Vec<_>>(),
        [w.a.renewal2]
    );
    let active = records::list::<Agreements>(app, grant(&w.reviewer), &ListRequest::default())
        .await
        .unwrap();
    assert_eq!(
        active.page.items.iter().map(|g| g.id).collect::<Vec<_>>(),
        [w.a.renewal]
    );
    // B's renewal is out of A's approver's reach.
    let theirs = decision(Target::Agreement(w.b.renewal), Decision::Approved, "", 1);
    assert!(matches!(
        approvals::decide(app, grant(&w.approver), &theirs, t0()).await,
        Err(RecordsError::NotFound)
    ));
}
