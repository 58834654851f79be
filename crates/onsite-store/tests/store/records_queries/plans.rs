//! How SQLite runs the lists: a search of the sort index from the cursor, no sort of the
//! account's rows.

use super::*;

/// SQLite plans each list page as a search of the `(account_id, key, id)` index from the
/// cursor: no sort of the account's rows (the only sort is of the page's own rows, outside).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_walks_the_sort_index_for_every_list() {
    let db = onsite_testkit::TestDb::sqlite().await;
    let store = db.store().clone();
    let w = world(&store).await;
    let mut conn = store.conn().await.unwrap();
    let after = |key| Start::After(onsite_store::records::Position { key, id: 5 });
    use onsite_store::records::SortKey::{Int, Text};
    let cases: Vec<(ListQuery, &str)> = vec![
        (
            ListQuery::WorkOrders(WorkOrderQuery {
                sort: WorkOrderSort::Opened,
                paging: paging(after(Int(5)), 20),
                ..Default::default()
            }),
            "work_orders_account_created",
        ),
        (
            ListQuery::WorkOrders(WorkOrderQuery {
                sort: WorkOrderSort::Number,
                paging: paging(after(Text("WO".into())), 20),
                ..Default::default()
            }),
            "work_orders_account_number",
        ),
        (
            ListQuery::WorkOrders(WorkOrderQuery {
                sort: WorkOrderSort::Status,
                search: Some("x".into()),
                ..Default::default()
            }),
            "work_orders_account_status",
        ),
        (
            ListQuery::Agreements(AgreementQuery {
                sort: AgreementSort::Name,
                paging: paging(after(Text("b".into())), 20),
                ..Default::default()
            }),
            "agreements_account_name",
        ),
        (
            ListQuery::Agreements(AgreementQuery {
                sort: AgreementSort::Ends,
                ..Default::default()
            }),
            "agreements_account_ends",
        ),
        (
            ListQuery::Agreements(AgreementQuery {
                sort: AgreementSort::Number,
                ..Default::default()
            }),
            "agreements_account_number",
        ),
        (
            ListQuery::Assets(AssetQuery {
                sort: AssetSort::Name,
                paging: paging(after(Text("b".into())), 20),
                ..Default::default()
            }),
            "assets_account_name",
        ),
        (
            ListQuery::Assets(AssetQuery {
                sort: AssetSort::Product,
                ..Default::default()
            }),
            "assets_account_product",
        ),
        (
            ListQuery::Invoices(InvoiceQuery {
                sort: InvoiceSort::Issued,
                paging: paging(after(Text("2026".into())), 20),
                ..Default::default()
            }),
            "invoices_account_issued",
        ),
        (
            ListQuery::Invoices(InvoiceQuery {
                sort: InvoiceSort::Due,
                ..Default::default()
            }),
            "invoices_account_due",
        ),
        (
            ListQuery::Invoices(InvoiceQuery {
                sort: InvoiceSort::Number,
                ..Default::default()
            }),
            "invoices_account_number",
        ),
    ];
    for (q, index) in cases {
        let has_cursor = match &q {
            ListQuery::WorkOrders(q) => q.paging.start != Start::First,
            ListQuery::Agreements(q) => q.paging.start != Start::First,
            ListQuery::Assets(q) => q.paging.start != Start::First,
            ListQuery::Invoices(q) => q.paging.start != Start::First,
        };
        let plan = explain(&mut conn, Backend::Sqlite, &Scope::customer(w.a), &q)
            .await
            .unwrap();
        let text = plan.join("\n");
        assert!(
            plan.iter()
                .any(|l| l.starts_with("SEARCH x USING INDEX ") && l.contains(index)),
            "{q:?} does not walk {index}:\n{text}"
        );
        // No sort of the table's rows: a search is never followed directly by a sort (the sorts
        // SQLite shows are of the co-routines' page-sized outputs, after their SCAN line).
        for (i, line) in plan.iter().enumerate() {
            if line.starts_with("SEARCH x USING INDEX") {
                assert_ne!(
                    plan.get(i + 1).map(String::as_str),
                    Some("USE TEMP B-TREE FOR ORDER BY"),
                    "{q:?} sorts the table:\n{text}"
                );
            }
        }
        // From a cursor, both ranges are bounded by the index: the rest of the cursor's key
        // (key = ? AND id beyond it) and the keys beyond.
        if has_cursor {
            // (A unique key such as a number may take its unique index instead: one row.)
            let tie = plan
                .iter()
                .skip_while(|l| *l != "CO-ROUTINE p1")
                .nth(1)
                .map(String::as_str)
                .unwrap_or_default();
            assert!(
                tie.starts_with("SEARCH x USING INDEX")
                    && (tie.ends_with("=? AND id>?)")
                        || tie.ends_with("=? AND id<?)")
                        || tie.ends_with("(number=?)")),
                "{q:?}: no bounded tie range:\n{text}"
            );
            assert!(
                plan.iter()
                    .any(|l| l.contains(index) && (l.ends_with(">?)") || l.ends_with("<?)"))),
                "{q:?}: no bounded key range:\n{text}"
            );
        }
    }
}
