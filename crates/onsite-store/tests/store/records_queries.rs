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
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, AgreementId, AssetId, InvoiceId, WorkOrderId};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::bookings::{self, NewBooking};
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::records::approvals::{self, Decision, NewApproval};
use onsite_store::records::details::{self, HistoryEvent, VisitsOf};
use onsite_store::records::lists as records_lists;
use onsite_store::records::lists::*;
use onsite_store::records::staff::{self, AssetChanges, Edit};
use onsite_store::records::{Page, RecordKind, Scope, Start};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Backend, Conn, Store, StoreError};
use onsite_testkit::both_backends;

mod edits;
mod lists;
mod plans;
mod visits;

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
