//! Customer records use cases against a fresh database, on SQLite and PostgreSQL: a reviewer and
//! an approver of account A see only A's exposed records (A's hidden ones and all of B's are
//! "not found" on lists, details and searches), a reviewer cannot approve, decisions are
//! recorded, emailed to the dispatchers, refused twice or after a change; the staff's side.

use jiff::SignedDuration;
use jiff::civil::date;
use onsite_app::App;
use onsite_app::policy::Principal;
use onsite_app::records::approvals::{self, DecisionInput, Target};
use onsite_app::records::staff::{
    self as records_staff, AgreementInput, AssetInput, InvoiceInput, LineInput, WorkOrderInput,
};
use onsite_app::records::{self, Decision, ListRequest, RecordsError};
use onsite_domain::account::AccountKind;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus};
use onsite_domain::money::Currency;
use onsite_domain::role::Role;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::text::EmailAddress;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, AgreementId, AssetId, InvoiceId, ServiceTypeId, WorkOrderId};
use onsite_store::accounts::{self, NewAccount, NewContact, NewUser};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::audit;
use onsite_store::catalog::{self, NewServiceType};
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::outbox::{self, OutboxFilter};
use onsite_store::records::RecordKind;
use onsite_store::records::approvals as approvals_store;
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{address, t0};

/// One account's records: an exposed and a hidden one of each kind, and what waits for a
/// decision.
struct Records {
    account: AccountId,
    asset: AssetId,
    hidden_asset: AssetId,
    /// Exposed, estimate pending.
    estimate: WorkOrderId,
    /// Exposed, estimate pending.
    estimate2: WorkOrderId,
    /// Hidden, estimate pending.
    hidden_estimate: WorkOrderId,
    /// Exposed, scheduled.
    scheduled: WorkOrderId,
    /// Exposed, renewal pending, 2025 calendar year.
    renewal: AgreementId,
    renewal2: AgreementId,
    hidden_agreement: AgreementId,
    invoice: InvoiceId,
    hidden_invoice: InvoiceId,
}

struct World {
    _db: TestDb,
    app: App,
    reviewer: Principal,
    approver: Principal,
    b_approver: Principal,
    self_scheduler: Principal,
    staff: Principal,
    a: Records,
    b: Records,
    service: ServiceTypeId,
}

async fn user(
    app: &App,
    account: Option<AccountId>,
    email: &str,
    name: &str,
    language: Option<&str>,
    roles: &[Role],
) -> Principal {
    let mut conn = app.store.conn().await.unwrap();
    let email = EmailAddress::parse(email).unwrap();
    let contact = match account {
        Some(account_id) => Some(
            accounts::insert_contact(
                &mut conn,
                &NewContact {
                    account_id,
                    first_name: name,
                    last_name: "Roy",
                    email: &email,
                    phone: None,
                },
            )
            .await
            .unwrap(),
        ),
        None => None,
    };
    let user_id = accounts::insert_user(
        &mut conn,
        &NewUser {
            email: &email,
            password_hash: None,
            display_name: name,
            language,
            contact_id: contact,
            roles,
        },
    )
    .await
    .unwrap();
    Principal {
        user_id,
        roles: roles.to_vec(),
        account_id: account,
        technician_id: None,
    }
}

async fn records_of(app: &App, name: &str, service: ServiceTypeId, tag: &str) -> Records {
    let mut conn = app.store.conn().await.unwrap();
    let account = accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name,
            active: true,
            address: &address(),
            territory_id: None,
        },
    )
    .await
    .unwrap();
    let asset = |name: &'static str, exposed: bool| NewAsset {
        account_id: account,
        parent_id: None,
        name,
        product: "Lennox Energence",
        serial_number: Some("LNX-1"),
        required_skills: &[],
        expose_to_customer: exposed,
    };
    let asset_id = assets::insert_asset(&mut conn, &asset("Rooftop unit", true))
        .await
        .unwrap();
    let hidden_asset = assets::insert_asset(&mut conn, &asset("Hidden boiler", false))
        .await
        .unwrap();
    let mut wo = async |n: &str, status, exposed| {
        work_orders::insert_work_order(
            &mut conn,
            &NewWorkOrder {
                number: &format!("WO-{tag}-{n}"),
                account_id: account,
                asset_id: Some(asset_id),
                service_type_id: service,
                agreement_id: None,
                status,
                summary: Some("Replace the compressor"),
                expose_to_customer: exposed,
                created_at: t0(),
            },
        )
        .await
        .unwrap()
    };
    let estimate = wo("1", WorkOrderStatus::EstimatePending, true).await;
    let estimate2 = wo("2", WorkOrderStatus::EstimatePending, true).await;
    let hidden_estimate = wo("3", WorkOrderStatus::EstimatePending, false).await;
    let scheduled = wo("4", WorkOrderStatus::Scheduled, true).await;
    let mut agr = async |n: &str, status, exposed| {
        agreements::insert_agreement(
            &mut conn,
            &NewAgreement {
                number: &format!("AGR-{tag}-{n}"),
                account_id: account,
                name: "Rooftop maintenance",
                status,
                starts_on: date(2025, 1, 1),
                ends_on: date(2025, 12, 31),
                description: None,
                expose_to_customer: exposed,
            },
        )
        .await
        .unwrap()
    };
    let renewal = agr("1", AgreementStatus::RenewalPending, true).await;
    let renewal2 = agr("2", AgreementStatus::RenewalPending, true).await;
    let hidden_agreement = agr("3", AgreementStatus::Active, false).await;
    let lines = [
        InvoiceLine {
            description: "Labour".into(),
            quantity_milli: 1500,
            unit_price_minor: 9500,
            tax_rate_milli_percent: 14975,
        },
        InvoiceLine {
            description: "Filter".into(),
            quantity_milli: 1000,
            unit_price_minor: 2999,
            tax_rate_milli_percent: 5000,
        },
        InvoiceLine {
            description: "Travel".into(),
            quantity_milli: 1000,
            unit_price_minor: 4000,
            tax_rate_milli_percent: 14975,
        },
    ];
    let mut inv = async |n: &str, exposed| {
        invoices::insert_invoice(
            &mut conn,
            &NewInvoice {
                number: &format!("INV-{tag}-{n}"),
                account_id: account,
                work_order_id: Some(scheduled),
                agreement_id: Some(renewal),
                status: InvoiceStatus::Issued,
                currency: Currency::parse("CAD").unwrap(),
                issued_on: date(2026, 3, 1),
                due_on: date(2026, 3, 31),
                lines: &lines,
                expose_to_customer: exposed,
            },
        )
        .await
        .unwrap()
    };
    let invoice = inv("1", true).await;
    let hidden_invoice = inv("2", false).await;
    Records {
        account,
        asset: asset_id,
        hidden_asset,
        estimate,
        estimate2,
        hidden_estimate,
        scheduled,
        renewal,
        renewal2,
        hidden_agreement,
        invoice,
        hidden_invoice,
    }
}

async fn world(db: TestDb) -> World {
    let app = crate::app_on(&db);
    let service = catalog::insert_service_type(
        &mut app.store.conn().await.unwrap(),
        &NewServiceType {
            name: "Compressor repair",
            description: "",
            duration: VisitDuration::from_minutes(60).unwrap(),
            required_skills: &[],
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap();
    let a = records_of(&app, "Boulangerie Saint-Denis", service, "A").await;
    let b = records_of(&app, "Other Inc", service, "B").await;
    let reviewer = user(
        &app,
        Some(a.account),
        "rita@boulangerie.example",
        "Rita",
        None,
        &[Role::CustomerReviewer],
    )
    .await;
    let approver = user(
        &app,
        Some(a.account),
        "ana@boulangerie.example",
        "Ana",
        None,
        &[Role::CustomerApprover],
    )
    .await;
    let b_approver = user(
        &app,
        Some(b.account),
        "bob@other.example",
        "Bob",
        None,
        &[Role::CustomerApprover],
    )
    .await;
    let self_scheduler = user(
        &app,
        Some(a.account),
        "sam@boulangerie.example",
        "Sam",
        None,
        &[Role::SelfScheduling],
    )
    .await;
    let staff = user(
        &app,
        None,
        "dina@service.example",
        "Dina",
        Some("fr"),
        &[Role::Dispatcher],
    )
    .await;
    user(
        &app,
        None,
        "dan@service.example",
        "Dan",
        None,
        &[Role::Dispatcher],
    )
    .await;
    user(
        &app,
        None,
        "root@service.example",
        "Root",
        None,
        &[Role::Admin],
    )
    .await;
    World {
        _db: db,
        app,
        reviewer,
        approver,
        b_approver,
        self_scheduler,
        staff,
        a,
        b,
        service,
    }
}

fn req(pairs: &[(&str, &str)]) -> ListRequest {
    let mut r = ListRequest::default();
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "filter" => r.filter = v,
            "sort" => r.sort = v,
            "order" => r.order = v,
            "q" => r.search = v,
            "cursor" => r.cursor = v,
            "limit" => r.limit = v,
            "account" => r.account = v,
            "agreement" => r.agreement = v,
            "asset" => r.asset = v,
            "work_order" => r.work_order = v,
            "parent" => r.parent = v,
            other => panic!("{other}"),
        }
    }
    r
}

fn not_found<T: std::fmt::Debug>(r: Result<T, RecordsError>, what: &str) {
    assert!(matches!(r, Err(RecordsError::NotFound)), "{what}: {r:?}");
}

/// The queued emails to `to`: (kind, locale, subject, text).
async fn emails(app: &App, to: &str) -> Vec<(String, String, String, String)> {
    let mut conn = app.store.conn().await.unwrap();
    let filter = OutboxFilter {
        recipient: Some(EmailAddress::parse(to).unwrap()),
        ..Default::default()
    };
    let mut out = Vec::new();
    for s in outbox::list(&mut conn, &filter, 50, None).await.unwrap() {
        let m = outbox::get(&mut conn, s.id).await.unwrap();
        out.push((s.kind.clone(), s.locale.clone(), m.subject, m.text_body));
    }
    out.reverse();
    out
}

async fn version_of(app: &App, kind: RecordKind, id: i64) -> i64 {
    onsite_store::records::staff::version_of(&mut app.store.conn().await.unwrap(), kind, id)
        .await
        .unwrap()
        .unwrap()
        .0
}

both_backends!(
    reviewers_and_approvers_see_only_their_accounts_exposed_records,
    see_only_own_exposed
);
async fn see_only_own_exposed(db: TestDb) {
    let w = world(db).await;
    let all = req(&[("filter", "all")]);
    for who in [&w.reviewer, &w.approver] {
        let wos = records::work_orders(&w.app, who, &all).await.unwrap();
        let mut ids: Vec<_> = wos.page.items.iter().map(|r| r.id).collect();
        ids.sort();
        assert_eq!(ids, [w.a.estimate, w.a.estimate2, w.a.scheduled]);
        assert_eq!(wos.account, Some(w.a.account));
        let agrs = records::agreements(&w.app, who, &all).await.unwrap();
        assert_eq!(agrs.page.items.len(), 2);
        assert!(agrs.page.items.iter().all(|g| g.account_id == w.a.account));
        let assets = records::assets(&w.app, who, &ListRequest::default())
            .await
            .unwrap();
        assert_eq!(
            assets.page.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [w.a.asset]
        );
        let tree = records::asset_tree(&w.app, who, &ListRequest::default())
            .await
            .unwrap();
        assert_eq!(
            tree.page.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [w.a.asset]
        );
        let invs = records::invoices(&w.app, who, &all).await.unwrap();
        assert_eq!(
            invs.page.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            [w.a.invoice]
        );

        // Details of what they may see.
        records::work_order(&w.app, who, w.a.estimate, None)
            .await
            .unwrap();
        records::agreement(&w.app, who, w.a.renewal, None)
            .await
            .unwrap();
        records::asset(&w.app, who, w.a.asset, None).await.unwrap();
        records::invoice(&w.app, who, w.a.invoice, None)
            .await
            .unwrap();

        // A's hidden records and every record of B: not found, never "forbidden".
        for (r, what) in [
            (
                records::work_order(&w.app, who, w.a.hidden_estimate, None)
                    .await
                    .map(|_| ()),
                "hidden work order",
            ),
            (
                records::work_order(&w.app, who, w.b.estimate, None)
                    .await
                    .map(|_| ()),
                "B's work order",
            ),
            (
                records::agreement(&w.app, who, w.a.hidden_agreement, None)
                    .await
                    .map(|_| ()),
                "hidden agreement",
            ),
            (
                records::agreement(&w.app, who, w.b.renewal, None)
                    .await
                    .map(|_| ()),
                "B's agreement",
            ),
            (
                records::asset(&w.app, who, w.a.hidden_asset, None)
                    .await
                    .map(|_| ()),
                "hidden asset",
            ),
            (
                records::asset(&w.app, who, w.b.asset, None)
                    .await
                    .map(|_| ()),
                "B's asset",
            ),
            (
                records::invoice(&w.app, who, w.a.hidden_invoice, None)
                    .await
                    .map(|_| ()),
                "hidden invoice",
            ),
            (
                records::invoice(&w.app, who, w.b.invoice, None)
                    .await
                    .map(|_| ()),
                "B's invoice",
            ),
            (
                records::invoice(&w.app, who, w.a.invoice, Some(w.b.account))
                    .await
                    .map(|_| ()),
                "asking as B",
            ),
            (
                records::work_orders(&w.app, who, &req(&[("account", &w.b.account.to_string())]))
                    .await
                    .map(|_| ()),
                "B's list",
            ),
            (
                records::work_orders(
                    &w.app,
                    who,
                    &req(&[("agreement", &w.b.renewal.to_string())]),
                )
                .await
                .map(|_| ()),
                "B's agreement's work orders",
            ),
            (
                records::work_orders(
                    &w.app,
                    who,
                    &req(&[("agreement", &w.a.hidden_agreement.to_string())]),
                )
                .await
                .map(|_| ()),
                "a hidden agreement's work orders",
            ),
            (
                records::invoices(
                    &w.app,
                    who,
                    &req(&[("work_order", &w.b.scheduled.to_string())]),
                )
                .await
                .map(|_| ()),
                "B's work order's invoices",
            ),
            (
                records::assets(
                    &w.app,
                    who,
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
            let wos = records::work_orders(&w.app, who, &req(&[("filter", "all"), ("q", q)]))
                .await
                .unwrap();
            let assets = records::assets(&w.app, who, &req(&[("q", q)]))
                .await
                .unwrap();
            let invs = records::invoices(&w.app, who, &req(&[("filter", "all"), ("q", q)]))
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
    assert!(matches!(
        records::work_orders(&w.app, &w.self_scheduler, &all).await,
        Err(RecordsError::NotAllowed)
    ));
    let theirs = records::work_orders(&w.app, &w.b_approver, &all)
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
    let staff_a = records::work_orders(
        &w.app,
        &w.staff,
        &req(&[("filter", "all"), ("account", &w.a.account.to_string())]),
    )
    .await
    .unwrap();
    assert_eq!(staff_a.page.items.len(), 4);
    let staff_all = records::work_orders(&w.app, &w.staff, &all).await.unwrap();
    assert_eq!(staff_all.page.items.len(), 8);
    records::work_order(&w.app, &w.staff, w.a.hidden_estimate, None)
        .await
        .unwrap();
    not_found(
        records::work_order(&w.app, &w.staff, w.a.hidden_estimate, Some(w.b.account)).await,
        "staff naming the wrong account",
    );
    // Defaults: agreements Active (renewal pending counts as active), work orders Active.
    let default = records::agreements(&w.app, &w.reviewer, &ListRequest::default())
        .await
        .unwrap();
    assert_eq!(default.filter.as_str(), "active");
    assert_eq!(default.page.items.len(), 2);
    let expired = records::agreements(&w.app, &w.reviewer, &req(&[("filter", "expired")]))
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
        let r = records::work_orders(&w.app, &w.reviewer, &req(&pairs)).await;
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
        records::assets(&w.app, &w.reviewer, &req(&[("q", &long)])).await,
        Err(RecordsError::Invalid(_))
    ));
    // Control characters (PostgreSQL refuses a NUL) are dropped, not a server error.
    let r = records::invoices(&w.app, &w.reviewer, &req(&[("q", "INV\0-A")]))
        .await
        .unwrap();
    assert_eq!(r.page.items.len(), 1);
    // A cursor made for another sort or list is refused, not misread.
    let page = records::work_orders(
        &w.app,
        &w.reviewer,
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
        let r = records::work_orders(&w.app, &w.reviewer, &req(&pairs)).await;
        assert!(
            matches!(&r, Err(RecordsError::Invalid(e)) if e.field == "cursor"),
            "{list}: {r:?}"
        );
        assert_eq!(r.unwrap_err().message_id(), "records-error-cursor");
    }
    let r = records::invoices(&w.app, &w.reviewer, &req(&[("cursor", &cursor)])).await;
    assert!(matches!(r, Err(RecordsError::Invalid(_))), "{r:?}");
    // And the real next page follows.
    let next = records::work_orders(
        &w.app,
        &w.reviewer,
        &req(&[("filter", "all"), ("limit", "1"), ("cursor", &cursor)]),
    )
    .await
    .unwrap();
    assert_eq!(next.page.items.len(), 1);
    assert_ne!(next.page.items[0].id, page.page.items[0].id);
}

fn decision(target: Target, decision: Decision, comment: &str, seen: i64) -> DecisionInput {
    DecisionInput {
        target,
        decision,
        comment: comment.into(),
        seen_version: seen,
    }
}

both_backends!(only_approvers_decide_and_staff_hear_of_it, approvals_flow);
async fn approvals_flow(db: TestDb) {
    let w = world(db).await;
    let app = &w.app;
    let v = version_of(app, RecordKind::WorkOrder, w.a.estimate.0).await;
    let approve = decision(Target::WorkOrder(w.a.estimate), Decision::Approved, "", v);
    // A reviewer, a staff member and a self-scheduler cannot decide; nothing changes.
    for who in [&w.reviewer, &w.staff, &w.self_scheduler] {
        assert!(matches!(
            approvals::decide(app, who, &approve, t0()).await,
            Err(RecordsError::NotAllowed)
        ));
    }
    let detail = records::work_order(app, &w.reviewer, w.a.estimate, None)
        .await
        .unwrap();
    assert!(!detail.can_decide, "a reviewer is not offered the buttons");
    let detail = records::work_order(app, &w.approver, w.a.estimate, None)
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
            approvals::decide(app, &w.approver, &d, t0()).await,
            Err(RecordsError::NotFound)
        ));
    }

    // Approve: unscheduled, recorded, both dispatchers emailed in their language.
    let decided = approvals::decide(app, &w.approver, &approve, t0())
        .await
        .unwrap();
    assert_eq!((decided.status, decided.notified), ("unscheduled", 2));
    let row = records::work_order(app, &w.approver, w.a.estimate, None)
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
        approvals::decide(app, &w.approver, &approve, t0()).await,
        Err(RecordsError::AlreadyDecided)
    ));
    let reject_same = decision(Target::WorkOrder(w.a.estimate), Decision::Rejected, "No", v);
    assert!(matches!(
        approvals::decide(app, &w.approver, &reject_same, t0()).await,
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
        approvals::decide(app, &w.approver, &late, t0()).await,
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
    let err = approvals::decide(app, &w.approver, &bare, t0())
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
    let err = approvals::decide(app, &w.approver, &stale, t0())
        .await
        .unwrap_err();
    assert!(matches!(err, RecordsError::Changed), "{err:?}");
    assert_eq!(err.message_id(), "records-error-changed");
    let row = records::work_order(app, &w.approver, w.a.estimate2, None)
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
        &w.approver,
        &reject,
        t0() + SignedDuration::from_mins(5),
    )
    .await
    .unwrap();
    assert_eq!(decided.status, "canceled");
    let row = records::work_order(app, &w.approver, w.a.estimate2, None)
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
        records::work_order(app, &w.reviewer, w.a.estimate2, None)
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
    let detail = records::agreement(app, &w.approver, w.a.renewal, None)
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
    let decided = approvals::decide(app, &w.approver, &approve, t0())
        .await
        .unwrap();
    assert_eq!(
        decided.renewed,
        Some((date(2026, 1, 1), date(2026, 12, 31)))
    );
    let after = records::agreement(app, &w.reviewer, w.a.renewal, None)
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
        approvals::decide(app, &w.approver, &approve, t0()).await,
        Err(RecordsError::AlreadyDecided)
    ));

    let v = version_of(app, RecordKind::Agreement, w.a.renewal2.0).await;
    let reject = decision(
        Target::Agreement(w.a.renewal2),
        Decision::Rejected,
        "We are moving out",
        v,
    );
    assert!(matches!(
        approvals::decide(app, &w.reviewer, &reject, t0()).await,
        Err(RecordsError::NotAllowed)
    ));
    approvals::decide(app, &w.approver, &reject, t0())
        .await
        .unwrap();
    let after = records::agreement(app, &w.approver, w.a.renewal2, None)
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
    let after = records::agreement(app, &w.approver, w.a.renewal2, None)
        .await
        .unwrap();
    assert_eq!(after.agreement.status, AgreementStatus::Expired);
    let list = records::agreements(app, &w.reviewer, &req(&[("filter", "expired")]))
        .await
        .unwrap();
    assert_eq!(
        list.page.items.iter().map(|g| g.id).collect::<Vec<_>>(),
        [w.a.renewal2]
    );
    let active = records::agreements(app, &w.reviewer, &ListRequest::default())
        .await
        .unwrap();
    assert_eq!(
        active.page.items.iter().map(|g| g.id).collect::<Vec<_>>(),
        [w.a.renewal]
    );
    // B's renewal is out of A's approver's reach.
    let theirs = decision(Target::Agreement(w.b.renewal), Decision::Approved, "", 1);
    assert!(matches!(
        approvals::decide(app, &w.approver, &theirs, t0()).await,
        Err(RecordsError::NotFound)
    ));
}

both_backends!(invoices_show_lines_taxes_and_totals, invoice_detail);
async fn invoice_detail(db: TestDb) {
    let w = world(db).await;
    let d = records::invoice(&w.app, &w.reviewer, w.a.invoice, None)
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

both_backends!(staff_create_edit_and_expose_records, staff_side);
async fn staff_side(db: TestDb) {
    let w = world(db).await;
    let app = &w.app;
    let account = w.a.account.to_string();
    // Customers cannot use the staff side.
    assert!(matches!(
        records_staff::set_exposed(
            app,
            &w.approver,
            RecordKind::Invoice,
            w.a.hidden_invoice.0,
            true
        )
        .await,
        Err(RecordsError::NotAllowed)
    ));
    // Expose the hidden invoice: the reviewer now sees it.
    records_staff::set_exposed(
        app,
        &w.staff,
        RecordKind::Invoice,
        w.a.hidden_invoice.0,
        true,
    )
    .await
    .unwrap();
    records::invoice(app, &w.reviewer, w.a.hidden_invoice, None)
        .await
        .unwrap();
    assert!(matches!(
        records_staff::set_exposed(app, &w.staff, RecordKind::Invoice, 987_654, true).await,
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
    let id = records_staff::create_agreement(app, &w.staff, &form)
        .await
        .unwrap();
    assert_eq!(
        records::agreement(app, &w.reviewer, id, None)
            .await
            .unwrap()
            .agreement
            .name,
        "Kitchen hoods"
    );
    assert!(matches!(
        records_staff::create_agreement(app, &w.staff, &form).await,
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
        let err = records_staff::create_agreement(app, &w.staff, &bad)
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
    records_staff::update_agreement(app, &w.staff, id, &edit, Some(v))
        .await
        .unwrap();
    assert!(matches!(
        records_staff::update_agreement(app, &w.staff, id, &edit, Some(v)).await,
        Err(RecordsError::Changed)
    ));
    not_found(
        records::agreement(app, &w.reviewer, id, None).await,
        "hidden by the edit",
    );
    let moved = AgreementInput {
        account: w.b.account.to_string(),
        ..edit.clone()
    };
    assert!(matches!(
        records_staff::update_agreement(app, &w.staff, id, &moved, None).await,
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
    let compressor = records_staff::create_asset(app, &w.staff, &asset_form)
        .await
        .unwrap();
    let row = records::asset(app, &w.reviewer, compressor, None)
        .await
        .unwrap();
    assert_eq!(row.asset.master.as_ref().map(|m| m.id), Some(w.a.asset));
    let foreign = AssetInput {
        parent: w.b.asset.to_string(),
        ..asset_form.clone()
    };
    let err = records_staff::create_asset(app, &w.staff, &foreign)
        .await
        .unwrap_err();
    assert_eq!(err.message_id(), "records-error-reference");
    let cycle = AssetInput {
        account: account.clone(),
        parent: compressor.to_string(),
        name: "Rooftop unit".into(),
        ..asset_form.clone()
    };
    let err = records_staff::update_asset(app, &w.staff, w.a.asset, &cycle, None)
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
    let wo = records_staff::create_work_order(app, &w.staff, &wo_form, t0())
        .await
        .unwrap();
    let detail = records::work_order(app, &w.approver, wo, None)
        .await
        .unwrap();
    assert_eq!(detail.work_order.number, format!("WO-{:06}", wo.0));
    assert!(detail.can_decide);
    let bad_asset = WorkOrderInput {
        asset: w.b.asset.to_string(),
        ..wo_form.clone()
    };
    assert!(matches!(
        records_staff::create_work_order(app, &w.staff, &bad_asset, t0()).await,
        Err(RecordsError::Invalid(_))
    ));
    let bad_type = WorkOrderInput {
        service_type: "999999".into(),
        ..wo_form.clone()
    };
    assert!(matches!(
        records_staff::create_work_order(app, &w.staff, &bad_type, t0()).await,
        Err(RecordsError::Invalid(_))
    ));
    let scheduled = WorkOrderInput {
        number: detail.work_order.number.clone(),
        status: "scheduled".into(),
        ..wo_form.clone()
    };
    records_staff::update_work_order(
        app,
        &w.staff,
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
        approvals::decide(app, &w.approver, &late, t0()).await,
        Err(RecordsError::Changed)
    ));
    let history = records::work_order(app, &w.reviewer, wo, None)
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
    let inv = records_staff::create_invoice(app, &w.staff, &inv_form)
        .await
        .unwrap();
    let d = records::invoice(app, &w.reviewer, inv, None).await.unwrap();
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
    records_staff::update_invoice(app, &w.staff, inv, &two_lines, Some(v))
        .await
        .unwrap();
    assert_eq!(
        records::invoice(app, &w.reviewer, inv, None)
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
        records_staff::create_invoice(app, &w.staff, &bad)
            .await
            .unwrap_err()
            .message_id(),
        "records-error-currency"
    );
}
