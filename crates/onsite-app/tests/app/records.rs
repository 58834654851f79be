//! Customer records use cases against a fresh database, on SQLite and PostgreSQL: a reviewer and
//! an approver of account A see only A's exposed records (A's hidden ones and all of B's are
//! "not found" on lists, details and searches), a reviewer cannot approve, decisions are
//! recorded, emailed to the dispatchers, refused twice or after a change; the staff's side.

use jiff::SignedDuration;
use jiff::civil::date;
use onsite_app::App;
use onsite_app::policy::{Approver, Grant, Principal, Reviewer, Staff};
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
use onsite_domain::text::EmailAddress;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, AgreementId, AssetId, InvoiceId, ServiceTypeId, WorkOrderId};
use onsite_store::accounts::{self, NewAccount, NewContact, NewUser};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::audit;
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::outbox::{self, OutboxFilter};
use onsite_store::records::RecordKind;
use onsite_store::records::approvals as approvals_store;
use onsite_store::records::lists::{Agreements, Assets, Invoices, WorkOrders};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{address, service_type, t0};

mod browse;
mod decisions;
mod staff;

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

/// What the policy grants this person; the test's people have what it asks of them.
fn grant<G: Grant>(who: &Principal) -> G {
    G::of(who).expect("granted")
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
    let service = service_type(
        &mut app.store.conn().await.unwrap(),
        "Compressor repair",
        &[],
    )
    .await;
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

fn decision(target: Target, decision: Decision, comment: &str, seen: i64) -> DecisionInput {
    DecisionInput {
        target,
        decision,
        comment: comment.into(),
        seen_version: seen,
    }
}
