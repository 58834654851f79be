//! The visits and coverage shown with records follow the same scope.

use super::*;

both_backends!(
    visits_and_coverage_follow_the_scope,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let tech = fixtures::technician(&mut conn, "Marc Tremblay", None).await;
        let agreement = w.agrs.iter().find(|g| g.exposed).unwrap().id;
        let shown = w.wos.iter().position(|o| o.exposed).unwrap();
        let hidden = w.wos.iter().position(|o| !o.exposed).unwrap();
        for (n, i) in [shown, hidden].into_iter().enumerate() {
            sqlx::query("UPDATE work_orders SET agreement_id = $1 WHERE id = $2")
                .bind(agreement.0)
                .bind(w.wos[i].id.0)
                .execute(&mut *conn)
                .await
                .unwrap();
            let starts = t0() + SignedDuration::from_hours(n as i64 * 3);
            bookings::insert_booking(
                &mut conn,
                &NewBooking {
                    work_order_id: w.wos[i].id,
                    technician_id: tech,
                    starts_at: starts,
                    ends_at: starts + SignedDuration::from_hours(1),
                    location: point(45.5, -73.6),
                    ics_uid: &format!("uid-{n}"),
                    idempotency_key: None,
                    booked_by: None,
                    booked_at: t0(),
                },
            )
            .await
            .unwrap();
        }
        let customer = Scope::customer(w.a);
        let visits = details::visits(&mut conn, &customer, VisitsOf::Agreement(agreement), 50)
            .await
            .unwrap();
        assert_eq!(
            visits.len(),
            1,
            "the hidden work order's visit stays hidden"
        );
        assert_eq!(visits[0].work_order_id, w.wos[shown].id);
        assert_eq!(visits[0].technician, "Marc Tremblay");
        let staff = details::visits(
            &mut conn,
            &Scope::staff(None),
            VisitsOf::Agreement(agreement),
            50,
        )
        .await
        .unwrap();
        assert_eq!(staff.len(), 2);
        assert!(staff[0].starts_at > staff[1].starts_at, "latest first");
        let cover = details::coverage(&mut conn, &customer, agreement)
            .await
            .unwrap();
        let expected_assets: Vec<AssetId> = match shown % 3 {
            0 => vec![w.rtu],
            _ => vec![],
        };
        assert_eq!(
            cover.assets.iter().map(|a| a.id).collect::<Vec<_>>(),
            expected_assets
        );
        assert_eq!(cover.service_types.len(), 1);
        let history = details::work_order_history(&mut conn, w.wos[shown].id)
            .await
            .unwrap();
        assert!(
            history
                .iter()
                .any(|h| matches!(h.event, HistoryEvent::Visit { .. }))
        );
        let list = records_lists::list::<WorkOrders>(
            &mut conn,
            &customer,
            &WorkOrderQuery {
                filter: WorkOrderFilter::All,
                agreement: Some(agreement),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(list.items.len(), 1);
        assert_eq!(list.items[0].bookings, 1);
        assert_eq!(
            list.items[0].agreement.as_ref().map(|g| g.id),
            Some(agreement)
        );
    }
);
