//! The customer-record lists (issue 6) on both engines: scoping to the account AND to Expose
//! to Customer, every sort in both directions, keyset pages walked forwards and backwards
//! stitching into exactly the full sorted list, searches, filters, the asset tree, malformed
//! cursors, versions bumped on every update, guarded approval moves and staff edits.
//!
//! Text keys here are plain ASCII, so the expected order computed in Rust (lower-cased, byte
//! order) is every engine's order.

use crate::fixtures::{self, point, t0};
use jiff::SignedDuration;
use jiff::civil::{Date, date};
use onsite_domain::account::AccountKind;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus, totals};
use onsite_domain::money::Currency;
use onsite_domain::technician::ResourceKind;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, AgreementId, AssetId, InvoiceId, WorkOrderId};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::bookings::{self, NewBooking};
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::records::approvals::{self, Decision, NewApproval};
use onsite_store::records::details::{self, HistoryEvent, VisitsOf};
use onsite_store::records::lists::*;
use onsite_store::records::staff::{self, AssetChanges, Edit};
use onsite_store::records::{Page, RecordKind, Scope, Start};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Backend, Conn, Store, StoreError};
use onsite_testkit::both_backends;

/// What the tests know about each inserted work order, to compute expected lists.
#[derive(Debug, Clone)]
struct Wo {
    id: WorkOrderId,
    number: String,
    opened: i64,
    status: WorkOrderStatus,
    exposed: bool,
}

#[derive(Debug, Clone)]
struct Agr {
    id: AgreementId,
    number: String,
    name: String,
    ends: Date,
    status: AgreementStatus,
    exposed: bool,
}

#[derive(Debug, Clone)]
struct Inv {
    id: InvoiceId,
    number: String,
    issued: Date,
    due: Date,
    status: InvoiceStatus,
    exposed: bool,
    lines: Vec<InvoiceLine>,
}

struct World {
    a: AccountId,
    b: AccountId,
    /// Exposed top-level asset of A.
    rtu: AssetId,
    /// Exposed component of `rtu`.
    compressor: AssetId,
    /// Hidden component of `compressor`.
    contactor: AssetId,
    /// Exposed component of the hidden `contactor`.
    fan: AssetId,
    /// Hidden top-level asset of A.
    boiler: AssetId,
    /// B's asset.
    theirs: AssetId,
    wos: Vec<Wo>,
    b_wos: Vec<WorkOrderId>,
    agrs: Vec<Agr>,
    invs: Vec<Inv>,
    b_invoice: InvoiceId,
    b_agreement: AgreementId,
}

async fn asset(
    conn: &mut Conn,
    account: AccountId,
    parent: Option<AssetId>,
    name: &str,
    product: &str,
    serial: Option<&str>,
    exposed: bool,
) -> AssetId {
    assets::insert_asset(
        conn,
        &NewAsset {
            account_id: account,
            parent_id: parent,
            name,
            product,
            serial_number: serial,
            required_skills: &[],
            expose_to_customer: exposed,
        },
    )
    .await
    .unwrap()
}

/// 41 work orders, 23 agreements and 31 invoices for A (some hidden, with ties in every
/// date key), a few of each for B.
async fn world(store: &Store) -> World {
    let mut conn = store.conn().await.unwrap();
    let a = fixtures::account(&mut conn, AccountKind::Customer, "Boulangerie").await;
    let b = fixtures::account(&mut conn, AccountKind::Customer, "Other").await;
    let maintenance = fixtures::service_type(&mut conn, "Maintenance", &[]).await;
    let repair = fixtures::service_type(&mut conn, "Compressor repair", &[]).await;
    let rtu = asset(
        &mut conn,
        a,
        None,
        "Rooftop unit",
        "Lennox Energence",
        Some("LNX-2231"),
        true,
    )
    .await;
    let compressor = asset(
        &mut conn,
        a,
        Some(rtu),
        "compressor",
        "Copeland Scroll",
        Some("CPL-77"),
        true,
    )
    .await;
    let contactor = asset(
        &mut conn,
        a,
        Some(compressor),
        "Contactor",
        "Siemens K3",
        Some("SIE-1"),
        false,
    )
    .await;
    let fan = asset(
        &mut conn,
        a,
        Some(contactor),
        "Condenser fan",
        "Ziehl Abegg",
        None,
        true,
    )
    .await;
    let boiler = asset(
        &mut conn,
        a,
        None,
        "Secret boiler",
        "Viessmann",
        Some("VIE-9"),
        false,
    )
    .await;
    let theirs = asset(
        &mut conn,
        b,
        None,
        "Their chiller",
        "Lennox Energence",
        Some("LNX-9999"),
        true,
    )
    .await;

    let mut wos = Vec::new();
    for i in 0..41i64 {
        // Numbers are not in insertion order, and opening times repeat (ties on the key).
        let n = (i * 17) % 41;
        let number = format!("WO-{n:04}");
        let opened = t0() + SignedDuration::from_hours((i % 13) * 5);
        let status = WorkOrderStatus::ALL[(i % 7) as usize];
        let exposed = i % 5 != 3;
        let asset_id = match i % 3 {
            0 => Some(rtu),
            1 => Some(contactor),
            _ => None,
        };
        let id = work_orders::insert_work_order(
            &mut conn,
            &NewWorkOrder {
                number: &number,
                account_id: a,
                asset_id,
                service_type_id: if i % 4 == 0 { repair } else { maintenance },
                agreement_id: None,
                status,
                summary: Some(&format!("Visit number {i}")),
                expose_to_customer: exposed,
                created_at: opened,
            },
        )
        .await
        .unwrap();
        wos.push(Wo {
            id,
            number,
            opened: opened.as_millisecond(),
            status,
            exposed,
        });
    }
    let mut b_wos = Vec::new();
    for i in 0..4 {
        b_wos.push(
            work_orders::insert_work_order(
                &mut conn,
                &NewWorkOrder {
                    number: &format!("WO-B{i}"),
                    account_id: b,
                    asset_id: Some(theirs),
                    service_type_id: repair,
                    agreement_id: None,
                    status: WorkOrderStatus::EstimatePending,
                    summary: Some("Visit number 1"),
                    expose_to_customer: true,
                    created_at: t0(),
                },
            )
            .await
            .unwrap(),
        );
    }

    let names = [
        "alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot", "golf", "Hotel", "india",
        "Juliet", "kilo", "Lima", "mike", "November", "oscar", "Papa", "quebec", "Romeo", "sierra",
        "Tango", "uniform", "Victor", "whiskey",
    ];
    let mut agrs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let i = i as i64;
        let number = format!("AGR-{:03}", (i * 7) % 23);
        let ends = date(2026, 1, 1) + SignedDuration::from_hours(24 * 30 * (i % 6));
        let status = [
            AgreementStatus::Active,
            AgreementStatus::Expired,
            AgreementStatus::RenewalPending,
            AgreementStatus::Canceled,
            AgreementStatus::Active,
        ][(i % 5) as usize];
        let exposed = i % 6 != 4;
        let id = agreements::insert_agreement(
            &mut conn,
            &NewAgreement {
                number: &number,
                account_id: a,
                name,
                status,
                starts_on: date(2025, 1, 1),
                ends_on: ends,
                description: Some("Quarterly maintenance"),
                expose_to_customer: exposed,
            },
        )
        .await
        .unwrap();
        agrs.push(Agr {
            id,
            number,
            name: name.to_string(),
            ends,
            status,
            exposed,
        });
    }
    let b_agreement = agreements::insert_agreement(
        &mut conn,
        &NewAgreement {
            number: "AGR-B",
            account_id: b,
            name: "alpha",
            status: AgreementStatus::Active,
            starts_on: date(2025, 1, 1),
            ends_on: date(2026, 1, 1),
            description: None,
            expose_to_customer: true,
        },
    )
    .await
    .unwrap();

    let mut invs = Vec::new();
    for i in 0..31i64 {
        let number = format!("INV-{:04}", (i * 11) % 31);
        let issued = date(2026, 1, 1) + SignedDuration::from_hours(24 * (i % 9));
        let due = issued + SignedDuration::from_hours(24 * (30 - i % 4));
        let status = InvoiceStatus::ALL[(i % 4) as usize];
        let exposed = i % 7 != 2;
        let lines = vec![
            InvoiceLine {
                description: "Labour".into(),
                quantity_milli: 1500 + i * 250,
                unit_price_minor: 9500,
                tax_rate_milli_percent: 14975,
            },
            InvoiceLine {
                description: "Filter".into(),
                quantity_milli: 1000,
                unit_price_minor: 2999 + i,
                tax_rate_milli_percent: 5000,
            },
        ];
        let wo = &wos[i as usize];
        let id = invoices::insert_invoice(
            &mut conn,
            &NewInvoice {
                number: &number,
                account_id: a,
                work_order_id: Some(wo.id),
                agreement_id: None,
                status,
                currency: Currency::parse("CAD").unwrap(),
                issued_on: issued,
                due_on: due,
                lines: &lines,
                expose_to_customer: exposed,
            },
        )
        .await
        .unwrap();
        invs.push(Inv {
            id,
            number,
            issued,
            due,
            status,
            exposed,
            lines,
        });
    }
    let b_invoice = invoices::insert_invoice(
        &mut conn,
        &NewInvoice {
            number: "INV-B",
            account_id: b,
            work_order_id: Some(b_wos[0]),
            agreement_id: None,
            status: InvoiceStatus::Issued,
            currency: Currency::parse("EUR").unwrap(),
            issued_on: date(2026, 1, 1),
            due_on: date(2026, 2, 1),
            lines: &[],
            expose_to_customer: true,
        },
    )
    .await
    .unwrap();
    World {
        a,
        b,
        rtu,
        compressor,
        contactor,
        fan,
        boiler,
        theirs,
        wos,
        b_wos,
        agrs,
        invs,
        b_invoice,
        b_agreement,
    }
}

/// Expected order: by key, then id, in the list's direction.
fn sorted<K: Ord + Clone, Id: Ord + Copy>(mut rows: Vec<(K, Id)>, descending: bool) -> Vec<Id> {
    rows.sort();
    if descending {
        rows.reverse();
    }
    rows.into_iter().map(|(_, id)| id).collect()
}

/// Walks a list to its end with Next, then back to its start with Previous, and checks both
/// walks read exactly `expected`, with no empty page and the last page having no Next.
async fn walk<T, Id: PartialEq + std::fmt::Debug + Copy, F, Fut>(
    what: &str,
    expected: &[Id],
    id_of: impl Fn(&T) -> Id,
    decode: impl Fn(&str) -> Start,
    fetch: F,
) where
    F: Fn(Start) -> Fut,
    Fut: std::future::Future<Output = Page<T>>,
{
    let mut forward = Vec::new();
    let mut start = Start::First;
    let mut last = None;
    for _ in 0..100 {
        let page = fetch(start.clone()).await;
        assert!(
            !page.items.is_empty() || expected.is_empty(),
            "{what}: empty page"
        );
        if start == Start::First {
            assert!(page.prev.is_none(), "{what}: first page has no Previous");
        } else {
            assert!(page.prev.is_some(), "{what}: later pages have a Previous");
        }
        forward.extend(page.items.iter().map(&id_of));
        match page.next {
            Some(c) => start = decode(c.as_str()),
            None => {
                last = Some(page);
                break;
            }
        }
    }
    assert_eq!(forward, expected, "{what}: forwards");
    let last = last.expect("the walk ends");
    let mut backward: Vec<Id> = last.items.iter().map(&id_of).collect();
    let mut prev = last.prev;
    for _ in 0..100 {
        let Some(c) = prev else { break };
        let page = fetch(decode(c.as_str())).await;
        let mut ids: Vec<Id> = page.items.iter().map(&id_of).collect();
        ids.extend(backward);
        backward = ids;
        prev = page.prev;
    }
    assert_eq!(backward, expected, "{what}: backwards");
}

fn paging(start: Start, limit: u32) -> Paging {
    Paging { start, limit }
}

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
                                list_work_orders(
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
        let customer =
            list_work_orders(&mut conn, &Scope::customer(w.a), &all(WorkOrderFilter::All))
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
        let staff = list_work_orders(
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
        let everyone = list_work_orders(&mut conn, &Scope::staff(None), &all(WorkOrderFilter::All))
            .await
            .unwrap();
        assert_eq!(everyone.items.len(), w.wos.len() + w.b_wos.len());
        // B's records never reach A, and A's none of B.
        let of_b = list_work_orders(&mut conn, &Scope::customer(w.b), &all(WorkOrderFilter::All))
            .await
            .unwrap();
        assert_eq!(
            of_b.items.iter().map(|r| r.id).collect::<Vec<_>>().len(),
            w.b_wos.len()
        );
        assert!(of_b.items.iter().all(|r| r.account_id == w.b));
        for id in &w.b_wos {
            let err = work_order_row(&mut conn, &Scope::customer(w.a), *id)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound));
        }
        let hidden = w.wos.iter().find(|o| !o.exposed).unwrap();
        assert!(matches!(
            work_order_row(&mut conn, &Scope::customer(w.a), hidden.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            work_order_row(&mut conn, &Scope::staff(None), hidden.id)
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
            let page = list_work_orders(&mut conn, &Scope::customer(w.a), &all(filter))
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
        let got = ids(
            list_work_orders(&mut conn, &customer, &search(&one.number.to_lowercase()))
                .await
                .unwrap(),
        );
        assert_eq!(got, vec![one.id]);
        // By summary.
        let got = ids(
            list_work_orders(&mut conn, &customer, &search("VISIT NUMBER 12"))
                .await
                .unwrap(),
        );
        assert_eq!(got, visible(&|i, _| i == 12));
        // By service type name.
        let got = ids(
            list_work_orders(&mut conn, &customer, &search("compressor rep"))
                .await
                .unwrap(),
        );
        assert_eq!(got, visible(&|i, _| i % 4 == 0));
        // By the visible asset's name, product and serial number.
        for needle in ["rooftop", "energence", "lnx-2231"] {
            let got = ids(list_work_orders(&mut conn, &customer, &search(needle))
                .await
                .unwrap());
            assert_eq!(got, visible(&|i, _| i % 3 == 0), "{needle}");
        }
        // The hidden contactor's name finds nothing for the customer, everything for staff.
        let got = ids(list_work_orders(&mut conn, &customer, &search("siemens"))
            .await
            .unwrap());
        assert!(got.is_empty(), "{got:?}");
        let staff = ids(
            list_work_orders(&mut conn, &Scope::staff(Some(w.a)), &search("siemens"))
                .await
                .unwrap(),
        );
        assert_eq!(
            staff.len(),
            w.wos.iter().enumerate().filter(|(i, _)| i % 3 == 1).count()
        );
        // B's "Visit number 1" never shows for A; LIKE wildcards are taken literally.
        let got = ids(list_work_orders(&mut conn, &customer, &search("WO-B"))
            .await
            .unwrap());
        assert!(got.is_empty());
        for needle in ["%", "_", "\\", "' OR 1=1 --"] {
            let got = ids(list_work_orders(&mut conn, &customer, &search(needle))
                .await
                .unwrap());
            assert!(got.is_empty(), "{needle:?} matched {got:?}");
        }
        // A blank search is no search.
        let got = ids(list_work_orders(&mut conn, &customer, &search("   "))
            .await
            .unwrap());
        assert_eq!(got, visible(&|_, _| true));

        // Agreements by name and number, assets by serial, invoices by their work order's number.
        let page = list_agreements(
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
        let page = list_assets(
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
        let page = list_assets(
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
        let page = list_invoices(
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
                                list_agreements(
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
        agreement_row(&mut conn, &Scope::customer(w.a), w.b_agreement).await,
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
                                list_invoices(
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
        let page = list_invoices(
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
        let one = invoice_row(&mut conn, &scope, page.items[0].id)
            .await
            .unwrap();
        assert_eq!(one, page.items[0]);
        assert!(matches!(
            invoice_row(&mut conn, &scope, w.b_invoice).await,
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
        let all = list_assets(&mut conn, &customer, &AssetQuery::default())
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
        let staff = list_assets(&mut conn, &Scope::staff(Some(w.a)), &AssetQuery::default())
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
        let parts = list_assets(
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
                            list_assets(
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
            asset_row(&mut conn, &customer, w.theirs).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            asset_row(&mut conn, &customer, w.boiler).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    malformed_and_foreign_cursors_are_refused,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let page = list_work_orders(
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
        let page = list_work_orders(
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
        let v1 = work_order_row(&mut conn, &scope, pending.id)
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
        let v2 = work_order_row(&mut conn, &scope, pending.id)
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
        let row = work_order_row(&mut conn, &scope, pending.id).await.unwrap();
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
        let before = agreement_row(&mut conn, &Scope::staff(None), renewal.id)
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
        let after = agreement_row(&mut conn, &Scope::staff(None), renewal.id)
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
    visits_and_coverage_follow_the_scope,
    |store: Store| async move {
        let w = world(&store).await;
        let mut conn = store.conn().await.unwrap();
        let tz = fixtures::montreal();
        let tech = technicians::insert_technician(
            &mut conn,
            &NewTechnician {
                name: "Marc Tremblay",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.5, -73.6),
                time_zone: &tz,
                weekly_hours: &[],
                territories: &[],
                skills: &[],
                active: true,
            },
        )
        .await
        .unwrap();
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
        let list = list_work_orders(
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
            asset_row(&mut conn, &Scope::customer(w.a), w.boiler)
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
