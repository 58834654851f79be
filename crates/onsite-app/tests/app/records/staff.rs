//! The staff's side of the records: they create, edit and expose records of every account.

use super::*;

both_backends!(staff_create_edit_and_expose_records, staff_side);

async fn staff_side(db: TestDb) {
    let w = world(db).await;
    let app = &w.app;
    let account = w.a.account.to_string();
    // Customers cannot use the staff side.
    assert_eq!(Staff::of(&w.approver), None);
    // Expose the hidden invoice: the reviewer now sees it.
    records_staff::set_exposed(
        app,
        grant(&w.staff),
        RecordKind::Invoice,
        w.a.hidden_invoice.0,
        true,
    )
    .await
    .unwrap();
    records::invoice(app, grant(&w.reviewer), w.a.hidden_invoice, None)
        .await
        .unwrap();
    assert!(matches!(
        records_staff::set_exposed(app, grant(&w.staff), RecordKind::Invoice, 987_654, true).await,
        Err(RecordsError::NotFound)
    ));

    // Agreements: validated, numbers unique.
    let form = AgreementInput {
        account: account.clone(),
        number: "AGR-NEW".into(),
        name: "Kitchen hoods".into(),
        status: "active".into(),
        starts_on: "2026-01-01".into(),
        ends_on: "2026-12-31".into(),
        description: "Twice a year".into(),
        expose_to_customer: true,
    };
    let id = records_staff::create_agreement(app, grant(&w.staff), &form)
        .await
        .unwrap();
    assert_eq!(
        records::agreement(app, grant(&w.reviewer), w.reviewer.grant(), id, None)
            .await
            .unwrap()
            .agreement
            .name,
        "Kitchen hoods"
    );
    assert!(matches!(
        records_staff::create_agreement(app, grant(&w.staff), &form).await,
        Err(RecordsError::NumberTaken)
    ));
    for (bad, field) in [
        (
            AgreementInput {
                ends_on: "2025-12-31".into(),
                ..form.clone()
            },
            "ends_on",
        ),
        (
            AgreementInput {
                starts_on: "01/01/2026".into(),
                ..form.clone()
            },
            "starts_on",
        ),
        (
            AgreementInput {
                status: "forever".into(),
                ..form.clone()
            },
            "status",
        ),
        (
            AgreementInput {
                name: " ".into(),
                ..form.clone()
            },
            "name",
        ),
        (
            AgreementInput {
                account: "999999".into(),
                ..form.clone()
            },
            "account",
        ),
    ] {
        let err = records_staff::create_agreement(app, grant(&w.staff), &bad)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, RecordsError::Invalid(e) if e.field == field),
            "{field}: {err:?}"
        );
    }
    // Edits: the version the form was made from; the account is fixed.
    let v = version_of(app, RecordKind::Agreement, id.0).await;
    let edit = AgreementInput {
        name: "Kitchen hoods and fans".into(),
        expose_to_customer: false,
        ..form.clone()
    };
    records_staff::update_agreement(app, grant(&w.staff), id, &edit, Some(v))
        .await
        .unwrap();
    assert!(matches!(
        records_staff::update_agreement(app, grant(&w.staff), id, &edit, Some(v)).await,
        Err(RecordsError::Changed)
    ));
    not_found(
        records::agreement(app, grant(&w.reviewer), w.reviewer.grant(), id, None).await,
        "hidden by the edit",
    );
    let moved = AgreementInput {
        account: w.b.account.to_string(),
        ..edit.clone()
    };
    assert!(matches!(
        records_staff::update_agreement(app, grant(&w.staff), id, &moved, None).await,
        Err(RecordsError::Invalid(_))
    ));

    // Assets: a parent of the same account, no cycles.
    let asset_form = AssetInput {
        account: account.clone(),
        parent: w.a.asset.to_string(),
        name: "Compressor".into(),
        product: "Copeland".into(),
        serial_number: "CPL-1".into(),
        expose_to_customer: true,
    };
    let compressor = records_staff::create_asset(app, grant(&w.staff), &asset_form)
        .await
        .unwrap();
    let row = records::asset(app, grant(&w.reviewer), compressor, None)
        .await
        .unwrap();
    assert_eq!(row.asset.master.as_ref().map(|m| m.id), Some(w.a.asset));
    let foreign = AssetInput {
        parent: w.b.asset.to_string(),
        ..asset_form.clone()
    };
    let err = records_staff::create_asset(app, grant(&w.staff), &foreign)
        .await
        .unwrap_err();
    assert_eq!(err.message_id(), "records-error-reference");
    let cycle = AssetInput {
        account: account.clone(),
        parent: compressor.to_string(),
        name: "Rooftop unit".into(),
        ..asset_form.clone()
    };
    let err = records_staff::update_asset(app, grant(&w.staff), w.a.asset, &cycle, None)
        .await
        .unwrap_err();
    assert_eq!(err.message_id(), "records-error-parent-cycle");

    // Work orders: numbered automatically, references checked, status changes in the history.
    let wo_form = WorkOrderInput {
        account: account.clone(),
        number: String::new(),
        service_type: w.service.to_string(),
        asset: compressor.to_string(),
        agreement: String::new(),
        status: "estimate_pending".into(),
        summary: "Quote for a new compressor".into(),
        expose_to_customer: true,
    };
    let wo = records_staff::create_work_order(app, grant(&w.staff), &wo_form, t0())
        .await
        .unwrap();
    let detail = records::work_order(app, grant(&w.approver), w.approver.grant(), wo, None)
        .await
        .unwrap();
    assert_eq!(detail.work_order.number, format!("WO-{:06}", wo.0));
    assert!(detail.can_decide);
    let bad_asset = WorkOrderInput {
        asset: w.b.asset.to_string(),
        ..wo_form.clone()
    };
    assert!(matches!(
        records_staff::create_work_order(app, grant(&w.staff), &bad_asset, t0()).await,
        Err(RecordsError::Invalid(_))
    ));
    let bad_type = WorkOrderInput {
        service_type: "999999".into(),
        ..wo_form.clone()
    };
    assert!(matches!(
        records_staff::create_work_order(app, grant(&w.staff), &bad_type, t0()).await,
        Err(RecordsError::Invalid(_))
    ));
    let scheduled = WorkOrderInput {
        number: detail.work_order.number.clone(),
        status: "scheduled".into(),
        ..wo_form.clone()
    };
    records_staff::update_work_order(
        app,
        grant(&w.staff),
        wo,
        &scheduled,
        Some(detail.work_order.version),
        t0(),
    )
    .await
    .unwrap();
    // The approver's buttons were for the old version: the decision is refused.
    let late = decision(
        Target::WorkOrder(wo),
        Decision::Approved,
        "",
        detail.work_order.version,
    );
    assert!(matches!(
        approvals::decide(app, grant(&w.approver), &late, t0()).await,
        Err(RecordsError::Changed)
    ));
    let history = records::work_order(app, grant(&w.reviewer), w.reviewer.grant(), wo, None)
        .await
        .unwrap()
        .history;
    assert!(
        history.iter().any(|h| matches!(
            h.event,
            onsite_store::records::details::HistoryEvent::StatusChanged {
                from: Some(WorkOrderStatus::EstimatePending),
                to: WorkOrderStatus::Scheduled
            }
        )),
        "{history:?}"
    );

    // Invoices: lines in the currency's units.
    let inv_form = InvoiceInput {
        account: account.clone(),
        number: "INV-NEW".into(),
        work_order: wo.to_string(),
        agreement: String::new(),
        status: "issued".into(),
        currency: "EUR".into(),
        issued_on: "2026-04-01".into(),
        due_on: "2026-04-30".into(),
        lines: vec![LineInput {
            description: "Compressor".into(),
            quantity: "1".into(),
            unit_price: "1200.50".into(),
            tax_rate: "20".into(),
        }],
        expose_to_customer: true,
    };
    let inv = records_staff::create_invoice(app, grant(&w.staff), &inv_form)
        .await
        .unwrap();
    let d = records::invoice(app, grant(&w.reviewer), inv, None)
        .await
        .unwrap();
    assert_eq!(
        (d.totals.net_minor, d.totals.tax_minor, d.totals.gross_minor),
        (120_050, 24_010, 144_060)
    );
    let v = version_of(app, RecordKind::Invoice, inv.0).await;
    let two_lines = InvoiceInput {
        lines: vec![
            inv_form.lines[0].clone(),
            LineInput {
                description: "Labour".into(),
                quantity: "2".into(),
                unit_price: "80".into(),
                tax_rate: "20".into(),
            },
        ],
        ..inv_form.clone()
    };
    records_staff::update_invoice(app, grant(&w.staff), inv, &two_lines, Some(v))
        .await
        .unwrap();
    assert_eq!(
        records::invoice(app, grant(&w.reviewer), inv, None)
            .await
            .unwrap()
            .lines
            .len(),
        2
    );
    let bad = InvoiceInput {
        currency: "euros".into(),
        ..inv_form.clone()
    };
    assert_eq!(
        records_staff::create_invoice(app, grant(&w.staff), &bad)
            .await
            .unwrap_err()
            .message_id(),
        "records-error-currency"
    );
}
