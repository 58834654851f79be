//! The lists of each record kind: scoped to the account and to Expose to Customer, every sort
//! in both directions, keyset pages stitching into the full sorted list, filters, searches,
//! the asset tree, and malformed or foreign cursors refused.

use super::*;

both_backends!(
    work_order_pages_stitch_into_every_sorted_list,
    |store: Store| async move {
        let w = world(&store).await;
        for (who, scope) in [
            ("customer", Scope::customer(w.a)),
            ("staff", Scope::staff(Some(w.a))),
        ] {
            let visible: Vec<&Wo> = w
                .wos
                .iter()
                .filter(|o| o.exposed || who == "staff")
                .collect();
            for &sort in WorkOrderSort::ALL {
                for descending in [false, true] {
                    let expected = match sort {
                        WorkOrderSort::Number => sorted(
                            visible.iter().map(|o| (o.number.clone(), o.id)).collect(),
                            descending,
                        ),
                        WorkOrderSort::Opened => sorted(
                            visible.iter().map(|o| (o.opened, o.id)).collect(),
                            descending,
                        ),
                        WorkOrderSort::Status => sorted(
                            visible
                                .iter()
                                .map(|o| (o.status.as_str().to_owned(), o.id))
                                .collect(),
                            descending,
                        ),
                    };
                    let store = store.clone();
                    walk(
                        &format!("{who} {sort:?} desc={descending}"),
                        &expected,
                        |r: &WorkOrderRow| r.id,
                        |c| sort.cursor(c, descending).unwrap(),
                        |start| {
                            let store = store.clone();
                            async move {
                                let mut conn = store.conn().await.unwrap();
                                records_lists::list::<WorkOrders>(
                                    &mut conn,
                                    &scope,
                                    &WorkOrderQuery {
                                        filter: WorkOrderFilter::All,
                                        sort,
                                        descending,
                                        paging: paging(start, 7),
                                        ..Default::default()
                                    },
                                )
                                .await
                                .unwrap()
                            }
                        },
                    )
                    .await;
                }
            }
        }
    }
);

both_backends!(
    work_order_lists_show_only_the_accounts_exposed_records,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let all = |filter| WorkOrderQuery {
            filter,
            paging: paging(Start::First, 100),
            ..Default::default()
        };
        let customer = records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::customer(w.a),
            &all(WorkOrderFilter::All),
        )
        .await
        .unwrap();
        let want: Vec<WorkOrderId> = w.wos.iter().filter(|o| o.exposed).map(|o| o.id).collect();
        assert_eq!(customer.items.len(), want.len());
        for row in &customer.items {
            assert!(want.contains(&row.id), "{row:?}");
            assert_eq!(row.account_id, w.a);
            assert!(row.expose_to_customer);
            // The hidden contactor is never named beside a work order on it.
            if let Some(asset) = &row.asset {
                assert_eq!(asset.id, w.rtu, "{row:?}");
                assert_eq!(asset.label, "Rooftop unit");
            }
        }
        let staff = records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::staff(Some(w.a)),
            &all(WorkOrderFilter::All),
        )
        .await
        .unwrap();
        assert_eq!(staff.items.len(), w.wos.len(), "staff see hidden ones too");
        assert!(
            staff
                .items
                .iter()
                .any(|r| r.asset.as_ref().is_some_and(|a| a.id == w.contactor))
        );
        let everyone = records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::staff(None),
            &all(WorkOrderFilter::All),
        )
        .await
        .unwrap();
        assert_eq!(everyone.items.len(), w.wos.len() + w.b_wos.len());
        // B's records never reach A, and A's none of B.
        let of_b = records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::customer(w.b),
            &all(WorkOrderFilter::All),
        )
        .await
        .unwrap();
        assert_eq!(
            of_b.items.iter().map(|r| r.id).collect::<Vec<_>>().len(),
            w.b_wos.len()
        );
        assert!(of_b.items.iter().all(|r| r.account_id == w.b));
        for id in &w.b_wos {
            let err = records_lists::row::<WorkOrders>(&mut conn, &Scope::customer(w.a), *id)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound));
        }
        let hidden = w.wos.iter().find(|o| !o.exposed).unwrap();
        assert!(matches!(
            records_lists::row::<WorkOrders>(&mut conn, &Scope::customer(w.a), hidden.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            records_lists::row::<WorkOrders>(&mut conn, &Scope::staff(None), hidden.id)
                .await
                .unwrap()
                .id,
            hidden.id
        );

        // Filters: active / inactive / awaiting approval, each exactly its statuses.
        for (filter, pick) in [
            (
                WorkOrderFilter::Active,
                (|s: WorkOrderStatus| s.is_active()) as fn(WorkOrderStatus) -> bool,
            ),
            (WorkOrderFilter::Inactive, |s| !s.is_active()),
            (WorkOrderFilter::AwaitingApproval, |s| {
                s == WorkOrderStatus::EstimatePending
            }),
        ] {
            let page =
                records_lists::list::<WorkOrders>(&mut conn, &Scope::customer(w.a), &all(filter))
                    .await
                    .unwrap();
            let mut got: Vec<_> = page.items.iter().map(|r| r.id).collect();
            got.sort();
            let mut want: Vec<_> = w
                .wos
                .iter()
                .filter(|o| o.exposed && pick(o.status))
                .map(|o| o.id)
                .collect();
            want.sort();
            assert_eq!(got, want, "{filter:?}");
            assert!(!got.is_empty(), "{filter:?}");
        }
    }
);

both_backends!(
    searches_match_number_summary_service_and_visible_asset_only,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let search = |s: &str| WorkOrderQuery {
            filter: WorkOrderFilter::All,
            search: Some(s.to_owned()),
            paging: paging(Start::First, 100),
            ..Default::default()
        };
        let ids = |p: Page<WorkOrderRow>| -> Vec<WorkOrderId> {
            let mut v: Vec<_> = p.items.iter().map(|r| r.id).collect();
            v.sort();
            v
        };
        let customer = Scope::customer(w.a);
        let visible = |f: &dyn Fn(usize, &Wo) -> bool| -> Vec<WorkOrderId> {
            let mut v: Vec<_> = w
                .wos
                .iter()
                .enumerate()
                .filter(|(i, o)| o.exposed && f(*i, o))
                .map(|(_, o)| o.id)
                .collect();
            v.sort();
            v
        };
        // By number, whatever the case.
        let one = w.wos.iter().find(|o| o.exposed).unwrap();
        let got = ids(records_lists::list::<WorkOrders>(
            &mut conn,
            &customer,
            &search(&one.number.to_lowercase()),
        )
        .await
        .unwrap());
        assert_eq!(got, vec![one.id]);
        // By summary.
        let got = ids(records_lists::list::<WorkOrders>(
            &mut conn,
            &customer,
            &search("VISIT NUMBER 12"),
        )
        .await
        .unwrap());
        assert_eq!(got, visible(&|i, _| i == 12));
        // By service type name.
        let got =
            ids(
                records_lists::list::<WorkOrders>(&mut conn, &customer, &search("compressor rep"))
                    .await
                    .unwrap(),
            );
        assert_eq!(got, visible(&|i, _| i % 4 == 0));
        // By the visible asset's name, product and serial number.
        for needle in ["rooftop", "energence", "lnx-2231"] {
            let got = ids(
                records_lists::list::<WorkOrders>(&mut conn, &customer, &search(needle))
                    .await
                    .unwrap(),
            );
            assert_eq!(got, visible(&|i, _| i % 3 == 0), "{needle}");
        }
        // The hidden contactor's name finds nothing for the customer, everything for staff.
        let got = ids(
            records_lists::list::<WorkOrders>(&mut conn, &customer, &search("siemens"))
                .await
                .unwrap(),
        );
        assert!(got.is_empty(), "{got:?}");
        let staff = ids(records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::staff(Some(w.a)),
            &search("siemens"),
        )
        .await
        .unwrap());
        assert_eq!(
            staff.len(),
            w.wos.iter().enumerate().filter(|(i, _)| i % 3 == 1).count()
        );
        // B's "Visit number 1" never shows for A; LIKE wildcards are taken literally.
        let got = ids(
            records_lists::list::<WorkOrders>(&mut conn, &customer, &search("WO-B"))
                .await
                .unwrap(),
        );
        assert!(got.is_empty());
        for needle in ["%", "_", "\\", "' OR 1=1 --"] {
            let got = ids(
                records_lists::list::<WorkOrders>(&mut conn, &customer, &search(needle))
                    .await
                    .unwrap(),
            );
            assert!(got.is_empty(), "{needle:?} matched {got:?}");
        }
        // A blank search is no search.
        let got = ids(
            records_lists::list::<WorkOrders>(&mut conn, &customer, &search("   "))
                .await
                .unwrap(),
        );
        assert_eq!(got, visible(&|_, _| true));

        // Agreements by name and number, assets by serial, invoices by their work order's number.
        let page = records_lists::list::<Agreements>(
            &mut conn,
            &customer,
            &AgreementQuery {
                filter: AgreementFilter::All,
                search: Some("ROMEO".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            page.items
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["Romeo"]
        );
        let page = records_lists::list::<Assets>(
            &mut conn,
            &customer,
            &AssetQuery {
                search: Some("cpl-77".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            page.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [w.compressor]
        );
        let page = records_lists::list::<Assets>(
            &mut conn,
            &customer,
            &AssetQuery {
                search: Some("viessmann".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(page.items.is_empty(), "the hidden boiler is not found");
        let inv = w
            .invs
            .iter()
            .enumerate()
            .find(|(i, v)| v.exposed && w.wos[*i].exposed)
            .unwrap();
        let page = records_lists::list::<Invoices>(
            &mut conn,
            &customer,
            &InvoiceQuery {
                filter: InvoiceFilter::All,
                search: Some(w.wos[inv.0].number.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            page.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            [inv.1.id]
        );
    }
);

both_backends!(agreement_filters_and_sorts, |store: Store| async move {
    let w = world(&store).await;
    for (who, scope) in [
        ("customer", Scope::customer(w.a)),
        ("staff", Scope::staff(Some(w.a))),
    ] {
        for &filter in AgreementFilter::ALL {
            let visible: Vec<&Agr> = w
                .agrs
                .iter()
                .filter(|g| g.exposed || who == "staff")
                .filter(|g| match filter {
                    AgreementFilter::Active => matches!(
                        g.status,
                        AgreementStatus::Active | AgreementStatus::RenewalPending
                    ),
                    AgreementFilter::Expired => g.status == AgreementStatus::Expired,
                    AgreementFilter::All => true,
                    AgreementFilter::AwaitingApproval => {
                        g.status == AgreementStatus::RenewalPending
                    }
                })
                .collect();
            assert!(!visible.is_empty(), "{filter:?}");
            for &sort in AgreementSort::ALL {
                for descending in [false, true] {
                    let expected = match sort {
                        AgreementSort::Number => sorted(
                            visible.iter().map(|g| (g.number.clone(), g.id)).collect(),
                            descending,
                        ),
                        AgreementSort::Name => sorted(
                            visible
                                .iter()
                                .map(|g| (g.name.to_lowercase(), g.id))
                                .collect(),
                            descending,
                        ),
                        AgreementSort::Ends => sorted(
                            visible.iter().map(|g| (g.ends.to_string(), g.id)).collect(),
                            descending,
                        ),
                    };
                    let store = store.clone();
                    walk(
                        &format!("{who} {filter:?} {sort:?} desc={descending}"),
                        &expected,
                        |r: &AgreementRow| r.id,
                        |c| sort.cursor(c, descending).unwrap(),
                        |start| {
                            let store = store.clone();
                            async move {
                                let mut conn = store.conn().await.unwrap();
                                records_lists::list::<Agreements>(
                                    &mut conn,
                                    &scope,
                                    &AgreementQuery {
                                        filter,
                                        sort,
                                        descending,
                                        search: None,
                                        paging: paging(start, 4),
                                    },
                                )
                                .await
                                .unwrap()
                            }
                        },
                    )
                    .await;
                }
            }
        }
    }
    let mut conn = store.conn().await.unwrap();
    assert!(matches!(
        records_lists::row::<Agreements>(&mut conn, &Scope::customer(w.a), w.b_agreement).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(AgreementQuery::default().filter, AgreementFilter::Active);
});

both_backends!(
    invoice_lists_carry_totals_and_stitch_in_every_sort,
    |store: Store| async move {
        let w = world(&store).await;
        let scope = Scope::customer(w.a);
        for &filter in InvoiceFilter::ALL {
            let visible: Vec<&Inv> = w
                .invs
                .iter()
                .filter(|v| v.exposed)
                .filter(|v| match filter {
                    InvoiceFilter::Active => v.status.is_active(),
                    InvoiceFilter::Inactive => !v.status.is_active(),
                    InvoiceFilter::All => true,
                })
                .collect();
            for &sort in InvoiceSort::ALL {
                for descending in [false, true] {
                    let expected = match sort {
                        InvoiceSort::Number => sorted(
                            visible.iter().map(|v| (v.number.clone(), v.id)).collect(),
                            descending,
                        ),
                        InvoiceSort::Issued => sorted(
                            visible
                                .iter()
                                .map(|v| (v.issued.to_string(), v.id))
                                .collect(),
                            descending,
                        ),
                        InvoiceSort::Due => sorted(
                            visible.iter().map(|v| (v.due.to_string(), v.id)).collect(),
                            descending,
                        ),
                        InvoiceSort::Status => sorted(
                            visible
                                .iter()
                                .map(|v| (v.status.as_str().to_owned(), v.id))
                                .collect(),
                            descending,
                        ),
                    };
                    let store = store.clone();
                    walk(
                        &format!("{filter:?} {sort:?} desc={descending}"),
                        &expected,
                        |r: &InvoiceRow| r.id,
                        |c| sort.cursor(c, descending).unwrap(),
                        |start| {
                            let store = store.clone();
                            async move {
                                let mut conn = store.conn().await.unwrap();
                                records_lists::list::<Invoices>(
                                    &mut conn,
                                    &scope,
                                    &InvoiceQuery {
                                        filter,
                                        sort,
                                        descending,
                                        paging: paging(start, 6),
                                        ..Default::default()
                                    },
                                )
                                .await
                                .unwrap()
                            }
                        },
                    )
                    .await;
                }
            }
        }
        let mut conn = store.conn().await.unwrap();
        let page = records_lists::list::<Invoices>(
            &mut conn,
            &scope,
            &InvoiceQuery {
                filter: InvoiceFilter::All,
                paging: paging(Start::First, 100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for row in &page.items {
            let inv = w.invs.iter().find(|v| v.id == row.id).unwrap();
            assert_eq!(row.totals, totals(&inv.lines), "{}", row.number);
            assert!(row.totals.gross_minor > 0);
            assert_eq!(row.currency.as_str(), "CAD");
            // The work order is linked only when the customer may see it.
            let i = w.invs.iter().position(|v| v.id == row.id).unwrap();
            assert_eq!(row.work_order.is_some(), w.wos[i].exposed, "{}", row.number);
        }
        let one = records_lists::row::<Invoices>(&mut conn, &scope, page.items[0].id)
            .await
            .unwrap();
        assert_eq!(one, page.items[0]);
        assert!(matches!(
            records_lists::row::<Invoices>(&mut conn, &scope, w.b_invoice).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    assets_show_visible_parents_and_masters_and_form_a_tree,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let customer = Scope::customer(w.a);
        let all = records_lists::list::<Assets>(&mut conn, &customer, &AssetQuery::default())
            .await
            .unwrap();
        let names: Vec<&str> = all.items.iter().map(|a| a.name.as_str()).collect();
        // By name, case-insensitively; the hidden contactor and boiler and B's chiller are absent.
        assert_eq!(names, ["compressor", "Condenser fan", "Rooftop unit"]);
        let by_id = |id| all.items.iter().find(|a| a.id == id).unwrap();
        let compressor = by_id(w.compressor);
        assert_eq!(compressor.parent.as_ref().map(|p| p.id), Some(w.rtu));
        assert_eq!(
            compressor.master.as_ref().map(|p| p.label.as_str()),
            Some("Rooftop unit")
        );
        assert_eq!(compressor.children, 0, "its only component is hidden");
        let fan = by_id(w.fan);
        assert_eq!(fan.parent, None, "its parent is hidden: not named");
        assert_eq!(fan.master.as_ref().map(|m| m.id), Some(w.rtu));
        assert_eq!(by_id(w.rtu).children, 1);

        // Staff see everything, with every link.
        let staff = records_lists::list::<Assets>(
            &mut conn,
            &Scope::staff(Some(w.a)),
            &AssetQuery::default(),
        )
        .await
        .unwrap();
        assert_eq!(staff.items.len(), 5);
        let fan = staff.items.iter().find(|a| a.id == w.fan).unwrap();
        assert_eq!(fan.parent.as_ref().map(|p| p.id), Some(w.contactor));

        // The tree: the fan under a hidden parent is a root of its own.
        let tree = asset_tree(&mut conn, &customer, &AssetQuery::default())
            .await
            .unwrap();
        let shape: Vec<(String, Vec<String>)> = tree
            .items
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    n.children.iter().map(|c| c.name.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("Condenser fan".to_owned(), vec![]),
                ("Rooftop unit".to_owned(), vec!["compressor".to_owned()]),
            ]
        );
        let tree = asset_tree(&mut conn, &Scope::staff(Some(w.a)), &AssetQuery::default())
            .await
            .unwrap();
        let rtu = tree.items.iter().find(|n| n.id == w.rtu).unwrap();
        assert_eq!(
            rtu.children[0].children[0].children[0].id, w.fan,
            "staff see the whole chain"
        );
        assert_eq!(tree.items.len(), 2, "the rooftop unit and the boiler");
        // Tree roots page like any list.
        let first = asset_tree(
            &mut conn,
            &customer,
            &AssetQuery {
                paging: paging(Start::First, 1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(first.items.len(), 1);
        let next = AssetSort::Name
            .cursor(first.next.unwrap().as_str(), false)
            .unwrap();
        let second = asset_tree(
            &mut conn,
            &customer,
            &AssetQuery {
                paging: paging(next, 1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(second.items[0].id, w.rtu);
        assert_eq!(second.items[0].children.len(), 1);
        assert!(second.next.is_none());

        // Components of one asset; every sort stitches.
        let parts = records_lists::list::<Assets>(
            &mut conn,
            &Scope::staff(Some(w.a)),
            &AssetQuery {
                parent: Some(w.compressor),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            parts.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [w.contactor]
        );
        drop(conn);
        for &sort in AssetSort::ALL {
            for descending in [false, true] {
                let mut rows = [
                    ("rooftop unit", "lennox energence", w.rtu),
                    ("compressor", "copeland scroll", w.compressor),
                    ("condenser fan", "ziehl abegg", w.fan),
                ];
                rows.sort_by_key(|r| r.2);
                let expected = match sort {
                    AssetSort::Name => sorted(
                        rows.iter().map(|r| (r.0.to_owned(), r.2)).collect(),
                        descending,
                    ),
                    AssetSort::Product => sorted(
                        rows.iter().map(|r| (r.1.to_owned(), r.2)).collect(),
                        descending,
                    ),
                    AssetSort::Added => {
                        sorted(rows.iter().map(|r| (r.2, r.2)).collect(), descending)
                    }
                };
                let store = store.clone();
                walk(
                    &format!("assets {sort:?} desc={descending}"),
                    &expected,
                    |r: &AssetRow| r.id,
                    |c| sort.cursor(c, descending).unwrap(),
                    |start| {
                        let store = store.clone();
                        async move {
                            let mut conn = store.conn().await.unwrap();
                            records_lists::list::<Assets>(
                                &mut conn,
                                &customer,
                                &AssetQuery {
                                    sort,
                                    descending,
                                    paging: paging(start, 1),
                                    ..Default::default()
                                },
                            )
                            .await
                            .unwrap()
                        }
                    },
                )
                .await;
            }
        }
        let mut conn = store.conn().await.unwrap();
        assert!(matches!(
            records_lists::row::<Assets>(&mut conn, &customer, w.theirs).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            records_lists::row::<Assets>(&mut conn, &customer, w.boiler).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    malformed_and_foreign_cursors_are_refused,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let page = records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::customer(w.a),
            &WorkOrderQuery {
                filter: WorkOrderFilter::All,
                sort: WorkOrderSort::Number,
                paging: paging(Start::First, 3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let token = page.next.unwrap().as_str().to_owned();
        for (sort, descending, t) in [
            (WorkOrderSort::Opened, true, token.as_str()),
            (WorkOrderSort::Number, false, token.as_str()),
            (WorkOrderSort::Number, true, &token[1..]),
            (WorkOrderSort::Number, true, "not-a-cursor"),
            (WorkOrderSort::Number, true, "%00%27"),
        ] {
            let err = sort.cursor(t, descending).unwrap_err();
            assert_eq!(err.field, "cursor", "{sort:?} {t}");
        }
        assert!(WorkOrderSort::Number.cursor(&token, true).is_ok());
        assert!(
            AgreementSort::Number.cursor(&token, true).is_err(),
            "another list's cursor"
        );
        // A cursor positioned on B's row only moves within A's own list.
        let forged = Start::After(onsite_store::records::Position {
            key: onsite_store::records::SortKey::Text("WO-B0".into()),
            id: w.b_wos[0].0,
        });
        let page = records_lists::list::<WorkOrders>(
            &mut conn,
            &Scope::customer(w.a),
            &WorkOrderQuery {
                filter: WorkOrderFilter::All,
                sort: WorkOrderSort::Number,
                descending: true,
                paging: paging(forged, 100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            page.items
                .iter()
                .all(|r| r.account_id == w.a && r.expose_to_customer)
        );
    }
);
