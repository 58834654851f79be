//! A reviewer or an approver browses their account's records: only the exposed ones of their
//! own account (everything else is "not found" on lists, details and searches), bad list
//! requests are invalid input rather than errors, and an invoice shows its lines, taxes and
//! totals.

use super::*;

both_backends!(
    reviewers_and_approvers_see_only_their_accounts_exposed_records,
    see_only_own_exposed
);

async fn see_only_own_exposed(db: TestDb) {
    let w = world(db).await;
    let all = req(&[("filter", "all")]);
    for who in [&w.reviewer, &w.approver] {
        let wos = records::list::<WorkOrders>(&w.app, grant(who), &all)
            .await
            .unwrap();
        let mut ids: Vec<_> = wos.page.items.iter().map(|r| r.id).collect();
        ids.sort();
        assert_eq!(ids, [w.a.estimate, w.a.estimate2, w.a.scheduled]);
        assert_eq!(wos.account, Some(w.a.account));
        let agrs = records::list::<Agreements>(&w.app, grant(who), &all)
            .await
            .unwrap();
        assert_eq!(agrs.page.items.len(), 2);
        assert!(agrs.page.items.iter().all(|g| g.account_id == w.a.account));
        let assets = records::list::<Assets>(&w.app, grant(who), &ListRequest::default())
            .await
            .unwrap();
        assert_eq!(
            assets.page.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [w.a.asset]
        );
        let tree = records::asset_tree(&w.app, grant(who), &ListRequest::default())
            .await
            .unwrap();
        assert_eq!(
            tree.page.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [w.a.asset]
        );
        let invs = records::list::<Invoices>(&w.app, grant(who), &all)
            .await
            .unwrap();
        assert_eq!(
            invs.page.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            [w.a.invoice]
        );

        // Details of what they may see.
        records::work_order(&w.app, grant(who), who.grant(), w.a.estimate, None)
            .await
            .unwrap();
        records::agreement(&w.app, grant(who), who.grant(), w.a.renewal, None)
            .await
            .unwrap();
        records::asset(&w.app, grant(who), w.a.asset, None)
            .await
            .unwrap();
        records::invoice(&w.app, grant(who), w.a.invoice, None)
            .await
            .unwrap();

        // A's hidden records and every record of B: not found, never "forbidden".
        for (r, what) in [
            (
                records::work_order(&w.app, grant(who), who.grant(), w.a.hidden_estimate, None)
                    .await
                    .map(|_| ()),
                "hidden work order",
            ),
            (
                records::work_order(&w.app, grant(who), who.grant(), w.b.estimate, None)
                    .await
                    .map(|_| ()),
                "B's work order",
            ),
            (
                records::agreement(&w.app, grant(who), who.grant(), w.a.hidden_agreement, None)
                    .await
                    .map(|_| ()),
                "hidden agreement",
            ),
            (
                records::agreement(&w.app, grant(who), who.grant(), w.b.renewal, None)
                    .await
                    .map(|_| ()),
                "B's agreement",
            ),
            (
                records::asset(&w.app, grant(who), w.a.hidden_asset, None)
                    .await
                    .map(|_| ()),
                "hidden asset",
            ),
            (
                records::asset(&w.app, grant(who), w.b.asset, None)
                    .await
                    .map(|_| ()),
                "B's asset",
            ),
            (
                records::invoice(&w.app, grant(who), w.a.hidden_invoice, None)
                    .await
                    .map(|_| ()),
                "hidden invoice",
            ),
            (
                records::invoice(&w.app, grant(who), w.b.invoice, None)
                    .await
                    .map(|_| ()),
                "B's invoice",
            ),
            (
                records::invoice(&w.app, grant(who), w.a.invoice, Some(w.b.account))
                    .await
                    .map(|_| ()),
                "asking as B",
            ),
            (
                records::list::<WorkOrders>(
                    &w.app,
                    grant(who),
                    &req(&[("account", &w.b.account.to_string())]),
                )
                .await
                .map(|_| ()),
                "B's list",
            ),
            (
                records::list::<WorkOrders>(
                    &w.app,
                    grant(who),
                    &req(&[("agreement", &w.b.renewal.to_string())]),
                )
                .await
                .map(|_| ()),
                "B's agreement's work orders",
            ),
            (
                records::list::<WorkOrders>(
                    &w.app,
                    grant(who),
                    &req(&[("agreement", &w.a.hidden_agreement.to_string())]),
                )
                .await
                .map(|_| ()),
                "a hidden agreement's work orders",
            ),
            (
                records::list::<Invoices>(
                    &w.app,
                    grant(who),
                    &req(&[("work_order", &w.b.scheduled.to_string())]),
                )
                .await
                .map(|_| ()),
                "B's work order's invoices",
            ),
            (
                records::list::<Assets>(
                    &w.app,
                    grant(who),
                    &req(&[("parent", &w.a.hidden_asset.to_string())]),
                )
                .await
                .map(|_| ()),
                "a hidden asset's components",
            ),
        ] {
            not_found(r, what);
        }
        // Searches find nothing of B's nor of A's hidden records.
        for q in ["WO-B-1", "WO-A-3", "Hidden boiler", "INV-A-2", "INV-B-1"] {
            let wos = records::list::<WorkOrders>(
                &w.app,
                grant(who),
                &req(&[("filter", "all"), ("q", q)]),
            )
            .await
            .unwrap();
            let assets = records::list::<Assets>(&w.app, grant(who), &req(&[("q", q)]))
                .await
                .unwrap();
            let invs =
                records::list::<Invoices>(&w.app, grant(who), &req(&[("filter", "all"), ("q", q)]))
                    .await
                    .unwrap();
            assert!(
                wos.page.items.is_empty()
                    && assets.page.items.is_empty()
                    && invs.page.items.is_empty(),
                "{q}"
            );
        }
    }
    // A self-scheduling customer has no records role; B's approver sees B's.
    assert_eq!(Reviewer::of(&w.self_scheduler), None);
    let theirs = records::list::<WorkOrders>(&w.app, grant(&w.b_approver), &all)
        .await
        .unwrap();
    assert!(
        theirs
            .page
            .items
            .iter()
            .all(|r| r.account_id == w.b.account)
    );
    // Staff see everything, of one account when they name it.
    let staff_a = records::list::<WorkOrders>(
        &w.app,
        grant(&w.staff),
        &req(&[("filter", "all"), ("account", &w.a.account.to_string())]),
    )
    .await
    .unwrap();
    assert_eq!(staff_a.page.items.len(), 4);
    let staff_all = records::list::<WorkOrders>(&w.app, grant(&w.staff), &all)
        .await
        .unwrap();
    assert_eq!(staff_all.page.items.len(), 8);
    records::work_order(
        &w.app,
        grant(&w.staff),
        w.staff.grant(),
        w.a.hidden_estimate,
        None,
    )
    .await
    .unwrap();
    not_found(
        records::work_order(
            &w.app,
            grant(&w.staff),
            w.staff.grant(),
            w.a.hidden_estimate,
            Some(w.b.account),
        )
        .await,
        "staff naming the wrong account",
    );
    // Defaults: agreements Active (renewal pending counts as active), work orders Active.
    let default = records::list::<Agreements>(&w.app, grant(&w.reviewer), &ListRequest::default())
        .await
        .unwrap();
    assert_eq!(default.filter.as_str(), "active");
    assert_eq!(default.page.items.len(), 2);
    let expired =
        records::list::<Agreements>(&w.app, grant(&w.reviewer), &req(&[("filter", "expired")]))
            .await
            .unwrap();
    assert!(expired.page.items.is_empty());
}

both_backends!(bad_list_requests_are_invalid_input_not_errors, bad_requests);

async fn bad_requests(db: TestDb) {
    let w = world(db).await;
    for (pairs, field) in [
        (vec![("cursor", "garbage")], "cursor"),
        (vec![("cursor", "%00")], "cursor"),
        (vec![("sort", "id; DROP TABLE work_orders")], "sort"),
        (vec![("filter", "everything")], "filter"),
        (vec![("order", "sideways")], "order"),
        (vec![("limit", "0")], "limit"),
        (vec![("limit", "1000")], "limit"),
        (vec![("limit", "ten")], "limit"),
        (vec![("account", "abc")], "account"),
        (vec![("agreement", "-4")], "agreement"),
    ] {
        let r = records::list::<WorkOrders>(&w.app, grant(&w.reviewer), &req(&pairs)).await;
        match r {
            Err(RecordsError::Invalid(e)) => {
                assert_eq!(e.field, field, "{pairs:?}");
                assert!(!RecordsError::Invalid(e).is_internal());
            }
            other => panic!("{pairs:?}: {other:?}"),
        }
    }
    let long = "x".repeat(101);
    assert!(matches!(
        records::list::<Assets>(&w.app, grant(&w.reviewer), &req(&[("q", &long)])).await,
        Err(RecordsError::Invalid(_))
    ));
    // Control characters (PostgreSQL refuses a NUL) are dropped, not a server error.
    let r = records::list::<Invoices>(&w.app, grant(&w.reviewer), &req(&[("q", "INV\0-A")]))
        .await
        .unwrap();
    assert_eq!(r.page.items.len(), 1);
    // A cursor made for another sort or list is refused, not misread.
    let page = records::list::<WorkOrders>(
        &w.app,
        grant(&w.reviewer),
        &req(&[("filter", "all"), ("limit", "1")]),
    )
    .await
    .unwrap();
    let cursor = page.page.next.unwrap().as_str().to_owned();
    for (list, pairs) in [
        (
            "work orders by number",
            vec![
                ("filter", "all"),
                ("sort", "number"),
                ("cursor", cursor.as_str()),
            ],
        ),
        (
            "ascending",
            vec![
                ("filter", "all"),
                ("order", "asc"),
                ("cursor", cursor.as_str()),
            ],
        ),
    ] {
        let r = records::list::<WorkOrders>(&w.app, grant(&w.reviewer), &req(&pairs)).await;
        assert!(
            matches!(&r, Err(RecordsError::Invalid(e)) if e.field == "cursor"),
            "{list}: {r:?}"
        );
        assert_eq!(r.unwrap_err().message_id(), "records-error-cursor");
    }
    let r =
        records::list::<Invoices>(&w.app, grant(&w.reviewer), &req(&[("cursor", &cursor)])).await;
    assert!(matches!(r, Err(RecordsError::Invalid(_))), "{r:?}");
    // And the real next page follows.
    let next = records::list::<WorkOrders>(
        &w.app,
        grant(&w.reviewer),
        &req(&[("filter", "all"), ("limit", "1"), ("cursor", &cursor)]),
    )
    .await
    .unwrap();
    assert_eq!(next.page.items.len(), 1);
    assert_ne!(next.page.items[0].id, page.page.items[0].id);
}

both_backends!(invoices_show_lines_taxes_and_totals, invoice_detail);

async fn invoice_detail(db: TestDb) {
    let w = world(db).await;
    let d = records::invoice(&w.app, grant(&w.reviewer), w.a.invoice, None)
        .await
        .unwrap();
    assert_eq!(d.lines.len(), 3);
    assert_eq!(d.lines[0].net_minor, 14250);
    // Two rates: 5 % on the filter, 14.975 % on labour and travel.
    assert_eq!(d.taxes.len(), 2);
    assert_eq!(
        (
            d.taxes[0].rate_milli_percent,
            d.taxes[0].base_minor,
            d.taxes[0].tax_minor
        ),
        (5000, 2999, 150)
    );
    assert_eq!(d.taxes[1].base_minor, 14250 + 4000);
    assert_eq!(d.totals.net_minor, 14250 + 2999 + 4000);
    assert_eq!(
        d.totals.tax_minor,
        d.taxes.iter().map(|t| t.tax_minor).sum::<i64>()
    );
    assert_eq!(d.invoice.totals, d.totals);
    assert_eq!(
        d.invoice.work_order.as_ref().map(|l| l.label.as_str()),
        Some("WO-A-4")
    );
    let fr = onsite_i18n::Locale::from_tag("fr").unwrap();
    assert_eq!(
        onsite_app::records::text::money(fr, d.totals.gross_minor, d.invoice.currency),
        "241,32 CAD"
    );
}
