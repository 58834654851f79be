//! Changes to records: versions bump on every update, approval moves are guarded, and staff
//! edits move hierarchies and refuse stale versions.

use super::*;

both_backends!(
    versions_bump_on_every_update_and_approval_moves_are_guarded,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let pending = w
            .wos
            .iter()
            .find(|o| o.exposed && o.status == WorkOrderStatus::EstimatePending)
            .unwrap();
        let scope = Scope::customer(w.a);
        let v1 = records_lists::row::<WorkOrders>(&mut conn, &scope, pending.id)
            .await
            .unwrap()
            .version;
        assert_eq!(v1, 1);
        // Any writer bumps it, even one that knows nothing of versions.
        sqlx::query("UPDATE work_orders SET summary = 'edited by hand' WHERE id = $1")
            .bind(pending.id.0)
            .execute(&mut *conn)
            .await
            .unwrap();
        let v2 = records_lists::row::<WorkOrders>(&mut conn, &scope, pending.id)
            .await
            .unwrap()
            .version;
        assert_eq!(v2, 2);
        let stale = approvals::move_work_order(
            &mut conn,
            pending.id,
            v1,
            WorkOrderStatus::EstimatePending,
            WorkOrderStatus::Unscheduled,
            t0(),
        )
        .await
        .unwrap();
        assert!(!stale, "a stale version moves nothing");
        let wrong_state = approvals::move_work_order(
            &mut conn,
            pending.id,
            v2,
            WorkOrderStatus::Scheduled,
            WorkOrderStatus::Unscheduled,
            t0(),
        )
        .await
        .unwrap();
        assert!(!wrong_state);
        assert!(
            approvals::move_work_order(
                &mut conn,
                pending.id,
                v2,
                WorkOrderStatus::EstimatePending,
                WorkOrderStatus::Unscheduled,
                t0(),
            )
            .await
            .unwrap()
        );
        let row = records_lists::row::<WorkOrders>(&mut conn, &scope, pending.id)
            .await
            .unwrap();
        assert_eq!((row.status, row.version), (WorkOrderStatus::Unscheduled, 3));

        let detail = serde_json::json!({});
        let new = NewApproval {
            kind: RecordKind::WorkOrder,
            record_id: pending.id.0,
            record_version: v2,
            account_id: w.a,
            decision: Decision::Approved,
            comment: Some("Go ahead"),
            decided_by: onsite_domain::UserId(1),
            decided_by_name: "Ana",
            decided_at: t0(),
            from_status: "estimate_pending",
            to_status: "unscheduled",
            detail: &detail,
        };
        // The user does not exist: the foreign key is the only thing refusing here on PostgreSQL
        // and SQLite alike, so make one.
        let user = onsite_store::accounts::insert_user(
            &mut conn,
            &onsite_store::accounts::NewUser {
                email: &onsite_domain::text::EmailAddress::parse("ana@example.com").unwrap(),
                password_hash: None,
                display_name: "Ana",
                language: None,
                contact_id: None,
                roles: &[],
            },
        )
        .await
        .unwrap();
        let new = NewApproval {
            decided_by: user,
            ..new
        };
        approvals::insert_approval(&mut conn, &new).await.unwrap();
        let again = approvals::insert_approval(&mut conn, &new)
            .await
            .unwrap_err();
        assert!(again.is_conflict(), "one decision per version: {again:?}");
        let found =
            approvals::approval_of_version(&mut conn, RecordKind::WorkOrder, pending.id.0, v2)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            (found.decision, found.comment.as_deref(), found.decided_by),
            (Decision::Approved, Some("Go ahead"), Some(user))
        );
        let history = details::work_order_history(&mut conn, pending.id)
            .await
            .unwrap();
        assert!(matches!(history[0].event, HistoryEvent::Opened));
        assert!(history.iter().any(|h| matches!(
        &h.event,
        HistoryEvent::Decided { decision: Decision::Approved, comment: Some(c) } if c == "Go ahead"
    ) && h.actor.as_deref() == Some("Ana")));

        // Agreements: a renewal moves the period.
        let renewal = w
            .agrs
            .iter()
            .find(|g| g.status == AgreementStatus::RenewalPending)
            .unwrap();
        let before = records_lists::row::<Agreements>(&mut conn, &Scope::staff(None), renewal.id)
            .await
            .unwrap();
        assert!(
            approvals::move_agreement(
                &mut conn,
                renewal.id,
                before.version,
                AgreementStatus::RenewalPending,
                AgreementStatus::Active,
                Some((date(2027, 1, 1), date(2027, 12, 31))),
            )
            .await
            .unwrap()
        );
        let after = records_lists::row::<Agreements>(&mut conn, &Scope::staff(None), renewal.id)
            .await
            .unwrap();
        assert_eq!(
            (after.status, after.starts_on, after.ends_on, after.version),
            (
                AgreementStatus::Active,
                date(2027, 1, 1),
                date(2027, 12, 31),
                before.version + 1
            )
        );
        assert!(
            !approvals::move_agreement(
                &mut conn,
                renewal.id,
                before.version,
                AgreementStatus::RenewalPending,
                AgreementStatus::Active,
                None,
            )
            .await
            .unwrap(),
            "not twice"
        );
    }
);

both_backends!(
    staff_edits_move_hierarchies_and_refuse_stale_versions,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        // The compressor (with its contactor and fan) moves under the boiler.
        assert!(
            staff::would_cycle(&mut conn, w.compressor, w.fan)
                .await
                .unwrap()
        );
        assert!(
            staff::would_cycle(&mut conn, w.compressor, w.compressor)
                .await
                .unwrap()
        );
        assert!(
            !staff::would_cycle(&mut conn, w.compressor, w.boiler)
                .await
                .unwrap()
        );
        let v = staff::version_of(&mut conn, RecordKind::Asset, w.compressor.0)
            .await
            .unwrap()
            .unwrap()
            .0;
        let changes = AssetChanges {
            parent_id: Some(w.boiler),
            name: "Compressor",
            product: "Copeland Scroll",
            serial_number: Some("CPL-77"),
        };
        assert_eq!(
            staff::update_asset(&mut conn, w.compressor, &changes, Some(v + 1))
                .await
                .unwrap(),
            Edit::Changed
        );
        assert_eq!(
            staff::update_asset(&mut conn, w.compressor, &changes, Some(v))
                .await
                .unwrap(),
            Edit::Done
        );
        for id in [w.compressor, w.contactor, w.fan] {
            let a = assets::asset(&mut conn, id).await.unwrap();
            assert_eq!(a.master_id, Some(w.boiler), "{}", a.name);
        }
        // Back to the top level: it becomes its components' master.
        let top = AssetChanges {
            parent_id: None,
            ..changes
        };
        staff::update_asset(&mut conn, w.compressor, &top, None)
            .await
            .unwrap();
        assert_eq!(
            assets::asset(&mut conn, w.fan).await.unwrap().master_id,
            Some(w.compressor)
        );
        assert_eq!(
            assets::asset(&mut conn, w.compressor)
                .await
                .unwrap()
                .master_id,
            None
        );

        staff::set_exposed(&mut conn, RecordKind::Asset, w.boiler.0, true)
            .await
            .unwrap();
        assert!(
            records_lists::row::<Assets>(&mut conn, &Scope::customer(w.a), w.boiler)
                .await
                .is_ok()
        );
        assert!(matches!(
            staff::set_exposed(&mut conn, RecordKind::Invoice, 999_999, true).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            in_scope(
                &mut conn,
                &Scope::customer(w.b),
                RecordKind::Asset,
                w.theirs.0
            )
            .await
            .unwrap()
        );
        assert!(
            !in_scope(
                &mut conn,
                &Scope::customer(w.b),
                RecordKind::Asset,
                w.boiler.0
            )
            .await
            .unwrap()
        );
    }
);
