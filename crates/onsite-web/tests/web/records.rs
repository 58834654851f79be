//! The customer records pages (issue 6): a reviewer of account A sees A's exposed agreements,
//! assets, work orders and invoices, with their related records; A's hidden records and every
//! record of B are 404 on lists, details, searches and print pages alike; an approver approves
//! and rejects, and a reviewer cannot; bad list options are 4xx, never 500.

use crate::support::{TestApp, World};
use axum::http::StatusCode;
use onsite_app::records::staff::{
    self, AgreementInput, AssetInput, InvoiceInput, LineInput, WorkOrderInput,
};
use onsite_domain::{AccountId, AgreementId, AssetId, InvoiceId, ServiceTypeId, WorkOrderId};
use onsite_testkit::both_backends;

/// Records of accounts A and B, made by the dispatcher through the staff use cases.
pub struct Records {
    pub agreement_a: AgreementId,
    /// Exposed, waiting for its renewal's approval.
    pub renewal_a: AgreementId,
    pub agreement_a_hidden: AgreementId,
    pub agreement_b: AgreementId,
    /// Top-level asset of A, with `component_a` under it.
    pub asset_a: AssetId,
    pub component_a: AssetId,
    pub asset_a_hidden: AssetId,
    pub asset_b: AssetId,
    /// Two estimates waiting for approval, on `asset_a`, under `agreement_a`.
    pub estimate_a: WorkOrderId,
    pub estimate_a2: WorkOrderId,
    pub work_order_a_hidden: WorkOrderId,
    pub work_order_b: WorkOrderId,
    pub invoice_a: InvoiceId,
    pub invoice_a_hidden: InvoiceId,
    pub invoice_b: InvoiceId,
}

async fn agreement(
    app: &TestApp,
    who: onsite_app::policy::Staff,
    account: AccountId,
    number: &str,
    name: &str,
    status: &str,
    exposed: bool,
) -> AgreementId {
    staff::create_agreement(
        app.app(),
        who,
        &AgreementInput {
            account: account.to_string(),
            number: number.into(),
            name: name.into(),
            status: status.into(),
            starts_on: "2030-01-01".into(),
            ends_on: "2030-12-31".into(),
            description: String::new(),
            expose_to_customer: exposed,
        },
    )
    .await
    .unwrap()
}

async fn asset(
    app: &TestApp,
    who: onsite_app::policy::Staff,
    account: AccountId,
    parent: Option<AssetId>,
    name: &str,
    exposed: bool,
) -> AssetId {
    staff::create_asset(
        app.app(),
        who,
        &AssetInput {
            account: account.to_string(),
            parent: parent.map(|p| p.to_string()).unwrap_or_default(),
            name: name.into(),
            product: "Rooftop unit RTU-9".into(),
            serial_number: format!("SN-{name}"),
            expose_to_customer: exposed,
        },
    )
    .await
    .unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn work_order(
    app: &TestApp,
    who: onsite_app::policy::Staff,
    account: AccountId,
    number: &str,
    service_type: ServiceTypeId,
    asset: Option<AssetId>,
    agreement: Option<AgreementId>,
    exposed: bool,
) -> WorkOrderId {
    staff::create_work_order(
        app.app(),
        who,
        &WorkOrderInput {
            account: account.to_string(),
            number: number.into(),
            service_type: service_type.to_string(),
            asset: asset.map(|a| a.to_string()).unwrap_or_default(),
            agreement: agreement.map(|a| a.to_string()).unwrap_or_default(),
            status: "estimate_pending".into(),
            summary: format!("Summary of {number}"),
            expose_to_customer: exposed,
        },
        crate::support::now(app),
    )
    .await
    .unwrap()
}

async fn invoice(
    app: &TestApp,
    who: onsite_app::policy::Staff,
    account: AccountId,
    number: &str,
    work_order: Option<WorkOrderId>,
    exposed: bool,
) -> InvoiceId {
    staff::create_invoice(
        app.app(),
        who,
        &InvoiceInput {
            account: account.to_string(),
            number: number.into(),
            work_order: work_order.map(|w| w.to_string()).unwrap_or_default(),
            agreement: String::new(),
            status: "issued".into(),
            currency: "CAD".into(),
            issued_on: "2030-02-01".into(),
            due_on: "2030-03-01".into(),
            lines: vec![LineInput {
                description: "Compressor replacement".into(),
                quantity: "2".into(),
                unit_price: "1234.50".into(),
                tax_rate: "5".into(),
            }],
            expose_to_customer: exposed,
        },
    )
    .await
    .unwrap()
}

impl Records {
    pub async fn build(app: &TestApp, world: &World, service_type: ServiceTypeId) -> Records {
        let staff: onsite_app::policy::Staff =
            crate::bookings::principal(app, world.user("dispatcher"))
                .await
                .grant()
                .expect("a dispatcher is staff");
        let (a, b) = (world.account_a, world.account_b);
        let agreement_a = agreement(app, staff, a, "AGR-A-1", "Rooftop care", "active", true).await;
        let renewal_a = agreement(
            app,
            staff,
            a,
            "AGR-A-2",
            "Boiler care",
            "renewal_pending",
            true,
        )
        .await;
        let agreement_a_hidden = agreement(
            app,
            staff,
            a,
            "AGR-A-SECRET",
            "Secret care",
            "active",
            false,
        )
        .await;
        let agreement_b = agreement(app, staff, b, "AGR-B-1", "Freight care", "active", true).await;
        let asset_a = asset(app, staff, a, None, "Roof unit A", true).await;
        let component_a = asset(app, staff, a, Some(asset_a), "Compressor A", true).await;
        let asset_a_hidden = asset(app, staff, a, None, "Secret unit A", false).await;
        let asset_b = asset(app, staff, b, None, "Freight unit B", true).await;
        let estimate_a = work_order(
            app,
            staff,
            a,
            "WO-A-1",
            service_type,
            Some(asset_a),
            Some(agreement_a),
            true,
        )
        .await;
        let estimate_a2 = work_order(
            app,
            staff,
            a,
            "WO-A-2",
            service_type,
            Some(component_a),
            None,
            true,
        )
        .await;
        let work_order_a_hidden = work_order(
            app,
            staff,
            a,
            "WO-A-SECRET",
            service_type,
            None,
            None,
            false,
        )
        .await;
        let work_order_b =
            work_order(app, staff, b, "WO-B-1", service_type, None, None, true).await;
        let invoice_a = invoice(app, staff, a, "INV-A-1", Some(estimate_a), true).await;
        let invoice_a_hidden = invoice(app, staff, a, "INV-A-SECRET", None, false).await;
        let invoice_b = invoice(app, staff, b, "INV-B-1", None, true).await;
        Records {
            agreement_a,
            renewal_a,
            agreement_a_hidden,
            agreement_b,
            asset_a,
            component_a,
            asset_a_hidden,
            asset_b,
            estimate_a,
            estimate_a2,
            work_order_a_hidden,
            work_order_b,
            invoice_a,
            invoice_a_hidden,
            invoice_b,
        }
    }
}

async fn setup(app: &TestApp) -> (World, Records) {
    let world = World::build(app).await;
    let schedule = crate::bookings::schedule(app, &world).await;
    let records = Records::build(app, &world, schedule.service_type).await;
    (world, records)
}

/// Text of another account or hidden from the customer: never on a reviewer's page.
const NEVER: [&str; 7] = [
    "AGR-A-SECRET",
    "AGR-B-1",
    "Secret unit A",
    "Freight unit B",
    "WO-A-SECRET",
    "WO-B-1",
    "INV-A-SECRET",
];

both_backends!(
    a_reviewer_browses_the_exposed_records_of_their_account,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let pages = [
            (
                "/records/agreements",
                vec!["AGR-A-1", "AGR-A-2", "Rooftop care"],
            ),
            ("/records/agreements?filter=all", vec!["AGR-A-1"]),
            ("/records/assets", vec!["Roof unit A", "Compressor A"]),
            ("/records/assets/tree", vec!["Roof unit A", "Compressor A"]),
            (
                "/records/work-orders",
                vec!["WO-A-1", "WO-A-2", "Roof unit A"],
            ),
            ("/records/invoices", vec!["INV-A-1", "CAD"]),
            (
                &*format!("/records/agreements/{}", r.agreement_a),
                vec!["Rooftop care", "WO-A-1", "Roof unit A"],
            ),
            (
                &*format!("/records/assets/{}", r.component_a),
                vec!["Compressor A", "Roof unit A"],
            ),
            (
                &*format!("/records/work-orders/{}", r.estimate_a),
                vec!["WO-A-1", "INV-A-1", "AGR-A-1"],
            ),
            (
                &*format!("/records/invoices/{}", r.invoice_a),
                vec!["INV-A-1", "Compressor replacement", "2,469.00", "2,592.45"],
            ),
            (
                &*format!("/records/invoices/{}/print", r.invoice_a),
                vec!["INV-A-1", "records_print", "2,592.45"],
            ),
        ];
        for (path, expected) in pages {
            let answer = reviewer.get(path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            let text = answer.text();
            for e in expected {
                assert!(text.contains(e), "{path} lacks {e:?}");
            }
            for n in NEVER {
                assert!(!text.contains(n), "{path} shows {n:?}");
            }
        }
        // The Expired filter is not the Active one.
        let expired = reviewer.get("/records/agreements?filter=expired").await;
        assert_eq!(expired.status, StatusCode::OK);
        assert!(!expired.text().contains("AGR-A-1"));
        // The print page has no navigation.
        let print = reviewer
            .get(&format!("/records/invoices/{}/print", r.invoice_a))
            .await;
        assert!(!print.text().contains("section-nav"));
        // A search finds A's exposed record, and nothing hidden.
        let found = reviewer.get("/records/work-orders?q=wo-a").await.text();
        assert!(found.contains("WO-A-1") && !found.contains("WO-A-SECRET"));
        let none = reviewer.get("/records/work-orders?q=SECRET").await;
        assert_eq!(none.status, StatusCode::OK);
        assert!(!none.text().contains("WO-A-SECRET"));
        // A reviewer sees no Approve button.
        let estimate = reviewer
            .get(&format!("/records/work-orders/{}", r.estimate_a))
            .await
            .text();
        assert!(!estimate.contains("name=\"decision\""));
    }
);

both_backends!(
    hidden_and_other_accounts_records_are_not_found,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        for who in ["reviewer of A", "approver of A"] {
            let mut browser = app.browser_as(world.user(who)).await;
            let paths = [
                format!("/records/agreements/{}", r.agreement_a_hidden),
                format!("/records/agreements/{}", r.agreement_b),
                format!("/records/assets/{}", r.asset_a_hidden),
                format!("/records/assets/{}", r.asset_b),
                format!("/records/work-orders/{}", r.work_order_a_hidden),
                format!("/records/work-orders/{}", r.work_order_b),
                format!("/records/invoices/{}", r.invoice_a_hidden),
                format!("/records/invoices/{}", r.invoice_b),
                format!("/records/invoices/{}/print", r.invoice_a_hidden),
                format!("/records/invoices/{}/print", r.invoice_b),
                format!("/records/work-orders?agreement={}", r.agreement_b),
                format!("/records/work-orders?agreement={}", r.agreement_a_hidden),
                format!("/records/work-orders?asset={}", r.asset_b),
                format!("/records/invoices?work_order={}", r.work_order_b),
                format!("/records/assets?parent={}", r.asset_a_hidden),
                format!("/records/agreements?account={}", world.account_b),
                "/records/agreements/999999".into(),
            ];
            for path in paths {
                let answer = browser.get(&path).await;
                assert_eq!(answer.status, StatusCode::NOT_FOUND, "{who} {path}");
                for n in NEVER {
                    assert!(!answer.text().contains(n), "{path} shows {n:?}");
                }
            }
        }
    }
);

both_backends!(
    bad_list_options_are_refused_not_failed,
    |app: TestApp| async move {
        let (world, _) = setup(&app).await;
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        for path in [
            "/records/work-orders?cursor=garbage",
            "/records/work-orders?cursor=",
            "/records/agreements?sort=total",
            "/records/invoices?filter=nope",
            "/records/assets?order=sideways",
            "/records/assets?limit=100000",
            "/records/work-orders?agreement=abc",
            "/records/assets/not-a-number",
        ] {
            let answer = reviewer.get(path).await;
            assert!(
                answer.status.is_client_error() || answer.status == StatusCode::OK,
                "{path}: {}",
                answer.status
            );
            assert!(!answer.status.is_server_error(), "{path}");
        }
        assert_eq!(
            reviewer
                .get("/records/work-orders?cursor=garbage")
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            reviewer.get("/records/agreements?sort=total").await.status,
            StatusCode::BAD_REQUEST
        );
    }
);

both_backends!(pages_follow_the_cursors, |app: TestApp| async move {
    let (world, _) = setup(&app).await;
    let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
    // One row a page: WO-A-2 is the newest, WO-A-1 on the next page.
    let first = reviewer
        .get("/records/work-orders?limit=1&sort=number&order=desc")
        .await
        .text();
    assert!(first.contains("WO-A-2") && !first.contains("WO-A-1"));
    let next = first
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a Next link")
        .replace("&amp;", "&");
    // The page's links keep the page size.
    assert!(next.contains("limit=1"), "{next}");
    let second = reviewer.get(&next).await;
    assert_eq!(second.status, StatusCode::OK, "{next}");
    assert!(second.text().contains("WO-A-1"));
    assert!(!second.text().contains("WO-A-2\n"));
});

both_backends!(
    an_approver_decides_and_a_reviewer_cannot,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let path = format!("/records/work-orders/{}", r.estimate_a);
        let decide = format!("{path}/decision");

        // The reviewer: no buttons, and the server refuses (not found, like a route of another).
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let refused = reviewer
            .post(&decide, &[("decision", "approve"), ("seen_version", "1")])
            .await;
        assert!(refused.status.is_client_error(), "{}", refused.status);

        let mut approver = app.browser_as(world.user("approver of A")).await;
        let page = approver.get(&path).await.text();
        assert!(page.contains("name=\"decision\" value=\"approve\""));
        let version = page
            .split("name=\"seen_version\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        // Rejecting needs a comment.
        let no_comment = approver
            .post(
                &decide,
                &[
                    ("decision", "reject"),
                    ("comment", " "),
                    ("seen_version", &version),
                ],
            )
            .await;
        assert_eq!(no_comment.status, StatusCode::UNPROCESSABLE_ENTITY);
        // An old version: the record changed meanwhile.
        let stale = approver
            .post(&decide, &[("decision", "approve"), ("seen_version", "0")])
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let approved = approver
            .post(
                &decide,
                &[("decision", "approve"), ("seen_version", &version)],
            )
            .await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER);
        assert!(
            approved
                .header("location")
                .contains("notice=estimate-approved")
        );
        // Twice: refused, with a clear message.
        let again = approver
            .post(
                &decide,
                &[("decision", "approve"), ("seen_version", &version)],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        // The decision shows on the page, without buttons now.
        let after = approver.get(&path).await.text();
        assert!(after.contains("records-decisions"));
        assert!(!after.contains("name=\"decision\""));

        // The other estimate is rejected with a comment.
        let path2 = format!("/records/work-orders/{}", r.estimate_a2);
        let page2 = approver.get(&path2).await.text();
        let version2 = page2
            .split("name=\"seen_version\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        let rejected = approver
            .post(
                &format!("{path2}/decision"),
                &[
                    ("decision", "reject"),
                    ("comment", "Too expensive this year"),
                    ("seen_version", &version2),
                ],
            )
            .await;
        assert_eq!(rejected.status, StatusCode::SEE_OTHER);
        assert!(
            approver
                .get(&path2)
                .await
                .text()
                .contains("Too expensive this year")
        );

        // The renewal of an agreement.
        let agreement = format!("/records/agreements/{}", r.renewal_a);
        let page3 = approver.get(&agreement).await.text();
        assert!(page3.contains("name=\"decision\" value=\"approve\""));
        // Another account's estimate: not found.
        let foreign = approver
            .post(
                &format!("/records/work-orders/{}/decision", r.work_order_b),
                &[("decision", "approve"), ("seen_version", "1")],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    }
);

both_backends!(
    the_api_lists_and_shows_with_the_same_scope,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let list = reviewer.get("/api/v1/records/work-orders?filter=all").await;
        assert_eq!(list.status, StatusCode::OK);
        let body: serde_json::Value = serde_json::from_slice(&list.bytes).unwrap();
        let numbers: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_str().unwrap())
            .collect();
        assert_eq!(numbers, ["WO-A-2", "WO-A-1"]);
        assert_eq!(body["filter"], "all");
        let tree = reviewer.get("/api/v1/records/assets/tree").await;
        let tree: serde_json::Value = serde_json::from_slice(&tree.bytes).unwrap();
        assert_eq!(tree["items"][0]["name"], "Roof unit A");
        assert_eq!(tree["items"][0]["children"][0]["name"], "Compressor A");
        let invoice = reviewer
            .get(&format!("/api/v1/records/invoices/{}", r.invoice_a))
            .await;
        assert_eq!(invoice.status, StatusCode::OK);
        let invoice: serde_json::Value = serde_json::from_slice(&invoice.bytes).unwrap();
        assert_eq!(invoice["invoice"]["gross_minor"], 259245);
        assert_eq!(invoice["invoice"]["currency"], "CAD");
        for path in [
            format!("/api/v1/records/agreements/{}", r.agreement_a_hidden),
            format!("/api/v1/records/agreements/{}", r.agreement_b),
            format!("/api/v1/records/assets/{}", r.asset_b),
            format!("/api/v1/records/work-orders/{}", r.work_order_a_hidden),
            format!("/api/v1/records/invoices/{}", r.invoice_b),
            format!("/api/v1/records/invoices?work_order={}", r.work_order_b),
            "/api/v1/records/invoices/abc".into(),
        ] {
            let answer = reviewer.get(&path).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
            assert!(answer.text().contains("not_found"), "{path}");
        }
        let bad = reviewer.get("/api/v1/records/invoices?cursor=xyz").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("cursor"));
        // Not for a customer who only books.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        let refused = customer.get("/api/v1/records/agreements").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
);

both_backends!(
    staff_see_decisions_and_expose_records,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        // The approver rejects an estimate; the dispatcher's page (the email's link) shows it.
        let mut approver = app.browser_as(world.user("approver of A")).await;
        let page = approver
            .get(&format!("/records/work-orders/{}", r.estimate_a))
            .await
            .text();
        let version = page
            .split("name=\"seen_version\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        let rejected = approver
            .post(
                &format!("/records/work-orders/{}/decision", r.estimate_a),
                &[
                    ("decision", "reject"),
                    ("comment", "Not this quarter"),
                    ("seen_version", &version),
                ],
            )
            .await;
        assert_eq!(rejected.status, StatusCode::SEE_OTHER);

        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let staff_page = dispatcher
            .get(&format!("/staff/work-orders/{}", r.estimate_a))
            .await;
        assert_eq!(staff_page.status, StatusCode::OK);
        let text = staff_page.text();
        assert!(text.contains("WO-A-1") && text.contains("Not this quarter"));
        // Staff reach hidden records and other accounts' too.
        for path in [
            format!("/staff/work-orders/{}", r.work_order_a_hidden),
            format!("/staff/work-orders/{}", r.work_order_b),
            format!("/staff/agreements/{}", r.agreement_a_hidden),
            format!("/staff/agreements/{}", r.renewal_a),
        ] {
            assert_eq!(dispatcher.get(&path).await.status, StatusCode::OK, "{path}");
        }
        assert_eq!(
            dispatcher.get("/staff/agreements/999999").await.status,
            StatusCode::NOT_FOUND
        );

        // Exposing the hidden work order shows it to the reviewer; hiding it again hides it.
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let hidden = format!("/records/work-orders/{}", r.work_order_a_hidden);
        assert_eq!(reviewer.get(&hidden).await.status, StatusCode::NOT_FOUND);
        let expose = format!("/staff/work-orders/{}/expose", r.work_order_a_hidden);
        let exposed = dispatcher.post(&expose, &[("exposed", "true")]).await;
        assert_eq!(exposed.status, StatusCode::SEE_OTHER);
        assert_eq!(reviewer.get(&hidden).await.status, StatusCode::OK);
        dispatcher.post(&expose, &[("exposed", "false")]).await;
        assert_eq!(reviewer.get(&hidden).await.status, StatusCode::NOT_FOUND);
        // The same for an agreement.
        let agreement = format!("/records/agreements/{}", r.agreement_a_hidden);
        dispatcher
            .post(
                &format!("/staff/agreements/{}/expose", r.agreement_a_hidden),
                &[("exposed", "true")],
            )
            .await;
        assert_eq!(reviewer.get(&agreement).await.status, StatusCode::OK);
        // Customers cannot reach the staff pages.
        assert_eq!(
            reviewer
                .get(&format!("/staff/work-orders/{}", r.estimate_a))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

both_backends!(
    staff_create_and_edit_agreements,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        assert_eq!(
            dispatcher.get("/staff/agreements/new").await.status,
            StatusCode::OK
        );
        let account = world.account_a.to_string();
        let fields = |number: &'static str, ends: &'static str| {
            vec![
                ("account", account.clone()),
                ("number", number.to_owned()),
                ("name", "Chiller care".to_owned()),
                ("status", "active".to_owned()),
                ("starts_on", "2031-01-01".to_owned()),
                ("ends_on", ends.to_owned()),
                ("description", String::new()),
                ("expose_to_customer", "true".to_owned()),
            ]
        };
        // Refused: the end before the start, and a number already used; nothing is made.
        let bad = fields("AGR-A-9", "2030-01-01");
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = dispatcher.post("/staff/agreements", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let taken = fields("AGR-A-1", "2031-12-31");
        let taken: Vec<(&str, &str)> = taken.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            dispatcher.post("/staff/agreements", &taken).await.status,
            StatusCode::CONFLICT
        );
        let good = fields("AGR-A-9", "2031-12-31");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = dispatcher.post("/staff/agreements", &good).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        let location = created.header("location").to_owned();
        let id: i64 = location
            .trim_start_matches("/staff/agreements/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // The reviewer of A sees it (exposed).
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let shown = reviewer.get(&format!("/records/agreements/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text().contains("Chiller care"));

        // Edit: the form carries the version; an edit of an older version is refused.
        let edit = dispatcher
            .get(&format!("/staff/agreements/{}/edit", r.agreement_a))
            .await
            .text();
        let action = edit
            .split("<form method=\"post\" action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .replace("&amp;", "&");
        assert!(action.contains("seen_version="), "{action}");
        let renamed = vec![
            ("account", account.as_str()),
            ("number", "AGR-A-1"),
            ("name", "Rooftop care plus"),
            ("status", "active"),
            ("starts_on", "2030-01-01"),
            ("ends_on", "2030-12-31"),
            ("expose_to_customer", "true"),
        ];
        assert_eq!(
            dispatcher.post(&action, &renamed).await.status,
            StatusCode::SEE_OTHER
        );
        // The same form again: the agreement changed since it was shown.
        assert_eq!(
            dispatcher.post(&action, &renamed).await.status,
            StatusCode::CONFLICT
        );
        assert!(
            reviewer
                .get(&format!("/records/agreements/{}", r.agreement_a))
                .await
                .text()
                .contains("Rooftop care plus")
        );
    }
);

both_backends!(
    staff_create_and_edit_work_orders,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let schedule = crate::bookings::schedule(&app, &world).await;
        let r = Records::build(&app, &world, schedule.service_type).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        assert_eq!(
            dispatcher.get("/staff/work-orders/new").await.status,
            StatusCode::OK
        );
        let account = world.account_a.to_string();
        let service_type = schedule.service_type.to_string();
        let foreign_asset = r.asset_b.to_string();
        // An asset of another account is refused; nothing is made.
        let refused = dispatcher
            .post(
                "/staff/work-orders",
                &[
                    ("account", account.as_str()),
                    ("service_type", &service_type),
                    ("asset", &foreign_asset),
                    ("status", "estimate_pending"),
                    ("summary", "Replace the chiller"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Without a number; not exposed, so the reviewer does not see it.
        let created = dispatcher
            .post(
                "/staff/work-orders",
                &[
                    ("account", account.as_str()),
                    ("service_type", &service_type),
                    ("status", "estimate_pending"),
                    ("summary", "Replace the chiller"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        let id: i64 = created
            .header("location")
            .trim_start_matches("/staff/work-orders/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let page = dispatcher.get(&format!("/staff/work-orders/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let customer_path = format!("/records/work-orders/{id}");
        assert_eq!(
            reviewer.get(&customer_path).await.status,
            StatusCode::NOT_FOUND
        );
        // Edited and exposed: the reviewer sees it.
        let edit = dispatcher
            .get(&format!("/staff/work-orders/{id}/edit"))
            .await
            .text();
        let action = edit
            .split("<form method=\"post\" action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .replace("&amp;", "&");
        // Numbered WO- and its id.
        let number = edit
            .split("name=\"number\" maxlength=\"40\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        assert!(number.starts_with("WO-"), "{number}");
        assert_eq!(number[3..].parse::<i64>().unwrap(), id);
        let saved = dispatcher
            .post(
                &action,
                &[
                    ("account", account.as_str()),
                    ("number", &number),
                    ("service_type", &service_type),
                    ("status", "estimate_pending"),
                    ("summary", "Replace the chiller, both units"),
                    ("expose_to_customer", "true"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let shown = reviewer.get(&customer_path).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text().contains("Replace the chiller, both units"));
    }
);

both_backends!(
    amounts_and_dates_follow_the_language,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        let path = format!("/records/invoices/{}", r.invoice_a);
        let english = reviewer.get(&path).await.text();
        assert!(english.contains("CAD 2,592.45"), "{english}");
        reviewer.accept_language = Some("fr-CA,fr;q=0.9");
        let french = reviewer.get(&path).await.text();
        assert!(french.contains("592,45") && !french.contains("2,592.45"));
        // The French page says the French words of the records (not English ones).
        assert!(french.contains("Imprimer"));
    }
);
