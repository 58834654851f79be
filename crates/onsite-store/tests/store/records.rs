//! Customer records: assets, agreements, work orders and invoices, each scoped to its account
//! and filtered by Expose to Customer for portal users.

use crate::fixtures::{self, corrupt, skill};
use jiff::civil::date;
use onsite_domain::account::AccountKind;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus, Totals, totals};
use onsite_domain::money::Currency;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AssetId, InvoiceId, WorkOrderId};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::visibility::Visibility;
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Store, StoreError, catalog};
use onsite_testkit::both_backends;

fn asset<'a>(
    account_id: onsite_domain::AccountId,
    parent_id: Option<AssetId>,
    name: &'a str,
) -> NewAsset<'a> {
    NewAsset {
        account_id,
        parent_id,
        name,
        product: "Lennox Energence",
        serial_number: Some("LNX-2231"),
        required_skills: &[],
        expose_to_customer: true,
    }
}

both_backends!(
    asset_hierarchies_derive_their_master,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let bakery = fixtures::account(&mut conn, AccountKind::Customer, "Boulangerie").await;
        let other = fixtures::account(&mut conn, AccountKind::Customer, "Other").await;
        let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
            .await
            .unwrap();
        let rtu = assets::insert_asset(
            &mut conn,
            &NewAsset {
                required_skills: &[skill(hvac, 6)],
                ..asset(bakery, None, "Rooftop unit")
            },
        )
        .await
        .unwrap();
        let compressor = assets::insert_asset(&mut conn, &asset(bakery, Some(rtu), "Compressor"))
            .await
            .unwrap();
        let contactor = assets::insert_asset(
            &mut conn,
            &NewAsset {
                expose_to_customer: false,
                serial_number: None,
                ..asset(bakery, Some(compressor), "Contactor")
            },
        )
        .await
        .unwrap();
        let fan = assets::insert_asset(&mut conn, &asset(bakery, Some(rtu), "Condenser fan"))
            .await
            .unwrap();
        let theirs = assets::insert_asset(&mut conn, &asset(other, None, "Their boiler"))
            .await
            .unwrap();
        let err = assets::insert_asset(&mut conn, &asset(other, Some(rtu), "Stolen part"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound),
            "a parent of another account is refused: {err:?}"
        );

        let a = assets::asset(&mut conn, rtu).await.unwrap();
        assert_eq!(
            (a.parent_id, a.master_id, a.required_skills.clone()),
            (None, None, vec![skill(hvac, 6)])
        );
        assert_eq!(a.serial_number.as_deref(), Some("LNX-2231"));
        let c = assets::asset(&mut conn, contactor).await.unwrap();
        assert_eq!(
            (c.parent_id, c.master_id, c.expose_to_customer),
            (Some(compressor), Some(rtu), false)
        );
        assert_eq!(
            assets::asset(&mut conn, fan).await.unwrap().master_id,
            Some(rtu)
        );

        let all = assets::assets_of_account(&mut conn, bakery, Visibility::All)
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|a| a.id).collect::<Vec<_>>(),
            [rtu, compressor, contactor, fan]
        );
        assert_eq!(all[0].required_skills, [skill(hvac, 6)]);
        let exposed = assets::assets_of_account(&mut conn, bakery, Visibility::ExposedToCustomer)
            .await
            .unwrap();
        assert_eq!(
            exposed.iter().map(|a| a.id).collect::<Vec<_>>(),
            [rtu, compressor, fan]
        );
        let kids = assets::children(&mut conn, rtu).await.unwrap();
        assert_eq!(
            kids.iter().map(|a| a.id).collect::<Vec<_>>(),
            [compressor, fan]
        );
        assert_eq!(
            assets::assets_of_account(&mut conn, other, Visibility::All)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            assets::assets_of_account(&mut conn, other, Visibility::All)
                .await
                .unwrap()[0]
                .id,
            theirs
        );
        assert!(matches!(
            assets::asset(&mut conn, AssetId(999)).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    work_orders_and_agreements_are_scoped_to_their_account,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let mine = fixtures::account(&mut conn, AccountKind::Customer, "Mine").await;
        let other = fixtures::account(&mut conn, AccountKind::Customer, "Other").await;
        let st = fixtures::service_type(&mut conn, "Furnace maintenance", &[]).await;
        let agreement = agreements::insert_agreement(
            &mut conn,
            &NewAgreement {
                number: "AGR-0001",
                account_id: mine,
                name: "Preventive maintenance",
                status: AgreementStatus::RenewalPending,
                starts_on: date(2025, 9, 1),
                ends_on: date(2026, 8, 31),
                description: Some("Two visits a year"),
                expose_to_customer: true,
            },
        )
        .await
        .unwrap();
        agreements::insert_agreement(
            &mut conn,
            &NewAgreement {
                number: "AGR-0002",
                account_id: mine,
                name: "Internal draft",
                status: AgreementStatus::Draft,
                starts_on: date(2026, 9, 1),
                ends_on: date(2027, 8, 31),
                description: None,
                expose_to_customer: false,
            },
        )
        .await
        .unwrap();
        let a = agreements::agreement(&mut conn, agreement).await.unwrap();
        assert_eq!(
            (a.status, a.starts_on, a.ends_on),
            (
                AgreementStatus::RenewalPending,
                date(2025, 9, 1),
                date(2026, 8, 31)
            )
        );
        assert_eq!(a.description.as_deref(), Some("Two visits a year"));
        assert_eq!(
            agreements::agreements_of_account(&mut conn, mine, Visibility::All)
                .await
                .unwrap()
                .len(),
            2
        );
        let exposed =
            agreements::agreements_of_account(&mut conn, mine, Visibility::ExposedToCustomer)
                .await
                .unwrap();
        assert_eq!(
            exposed.iter().map(|a| a.id).collect::<Vec<_>>(),
            [agreement]
        );
        assert!(
            agreements::agreements_of_account(&mut conn, other, Visibility::All)
                .await
                .unwrap()
                .is_empty()
        );
        agreements::set_agreement_status(&mut conn, agreement, AgreementStatus::Active)
            .await
            .unwrap();
        assert_eq!(
            agreements::agreement(&mut conn, agreement)
                .await
                .unwrap()
                .status,
            AgreementStatus::Active
        );

        let t0 = fixtures::t0();
        let mut ids = Vec::new();
        for (i, (account, status, exposed)) in [
            (mine, WorkOrderStatus::EstimatePending, true),
            (mine, WorkOrderStatus::Completed, false),
            (other, WorkOrderStatus::Scheduled, true),
        ]
        .into_iter()
        .enumerate()
        {
            let number = format!("WO-{i:06}");
            let id = work_orders::insert_work_order(
                &mut conn,
                &NewWorkOrder {
                    number: &number,
                    account_id: account,
                    asset_id: None,
                    service_type_id: st,
                    agreement_id: (account == mine).then_some(agreement),
                    status,
                    summary: Some("Estimate: replace the heat exchanger"),
                    expose_to_customer: exposed,
                    created_at: t0 + jiff::SignedDuration::from_hours(i as i64),
                },
            )
            .await
            .unwrap();
            ids.push(id);
        }
        let w = work_orders::work_order(&mut conn, ids[0]).await.unwrap();
        assert_eq!(
            (w.status, w.agreement_id, w.number.as_str()),
            (
                WorkOrderStatus::EstimatePending,
                Some(agreement),
                "WO-000000"
            )
        );
        let of_mine = work_orders::work_orders_of_account(&mut conn, mine, Visibility::All)
            .await
            .unwrap();
        assert_eq!(
            of_mine.iter().map(|w| w.id).collect::<Vec<_>>(),
            [ids[1], ids[0]],
            "newest first, only mine"
        );
        let exposed =
            work_orders::work_orders_of_account(&mut conn, mine, Visibility::ExposedToCustomer)
                .await
                .unwrap();
        assert_eq!(exposed.iter().map(|w| w.id).collect::<Vec<_>>(), [ids[0]]);
        work_orders::set_work_order_status(&mut conn, ids[0], WorkOrderStatus::Unscheduled, t0)
            .await
            .unwrap();
        assert_eq!(
            work_orders::work_order(&mut conn, ids[0])
                .await
                .unwrap()
                .status,
            WorkOrderStatus::Unscheduled
        );
        assert!(matches!(
            work_orders::set_work_order_status(
                &mut conn,
                WorkOrderId(999),
                WorkOrderStatus::Canceled,
                t0
            )
            .await,
            Err(StoreError::NotFound)
        ));
        let dup = NewWorkOrder {
            number: "WO-000000",
            account_id: mine,
            asset_id: None,
            service_type_id: st,
            agreement_id: None,
            status: WorkOrderStatus::Unscheduled,
            summary: None,
            expose_to_customer: true,
            created_at: t0,
        };
        assert!(
            work_orders::insert_work_order(&mut conn, &dup)
                .await
                .unwrap_err()
                .is_conflict()
        );

        corrupt(&mut conn, "work_orders", "status", "teleported", ids[0].0).await;
        assert!(matches!(
            work_orders::work_order(&mut conn, ids[0]).await,
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            work_orders::work_orders_of_account(&mut conn, mine, Visibility::All).await,
            Err(StoreError::Corrupt(_))
        ));
        corrupt(
            &mut conn,
            "agreements",
            "starts_on",
            "the first of June",
            agreement.0,
        )
        .await;
        assert!(matches!(
            agreements::agreement(&mut conn, agreement).await,
            Err(StoreError::Corrupt(_))
        ));
    }
);

fn quebec_line(description: &str, quantity_milli: i64, unit_price_minor: i64) -> InvoiceLine {
    // GST 5 % + QST 9.975 %.
    InvoiceLine {
        description: description.into(),
        quantity_milli,
        unit_price_minor,
        tax_rate_milli_percent: 14_975,
    }
}

both_backends!(
    invoices_keep_their_lines_in_order,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let mine = fixtures::account(&mut conn, AccountKind::Customer, "Mine").await;
        let other = fixtures::account(&mut conn, AccountKind::Customer, "Other").await;
        let cad = Currency::parse("CAD").unwrap();
        let lines = [
            quebec_line("Labour / Main-d'œuvre", 1_500, 9_500),
            quebec_line("Filter / Filtre MERV 11", 2_000, 2_999),
            quebec_line("Travel / Déplacement", 1_000, 6_500),
        ];
        let new = |number, account, status, exposed, lines| NewInvoice {
            number,
            account_id: account,
            work_order_id: None,
            agreement_id: None,
            status,
            currency: cad,
            issued_on: date(2026, 5, 4),
            due_on: date(2026, 6, 3),
            lines,
            expose_to_customer: exposed,
        };
        let issued = invoices::insert_invoice(
            &mut conn,
            &new("INV-1", mine, InvoiceStatus::Issued, true, &lines),
        )
        .await
        .unwrap();
        let draft = invoices::insert_invoice(
            &mut conn,
            &new("INV-2", mine, InvoiceStatus::Draft, false, &[]),
        )
        .await
        .unwrap();
        invoices::insert_invoice(
            &mut conn,
            &new("INV-3", other, InvoiceStatus::Paid, true, &lines[..1]),
        )
        .await
        .unwrap();

        let inv = invoices::invoice(&mut conn, issued).await.unwrap();
        assert_eq!(inv.lines, lines);
        assert_eq!(
            (inv.currency, inv.issued_on, inv.due_on),
            (cad, date(2026, 5, 4), date(2026, 6, 3))
        );
        assert_eq!(
            totals(&inv.lines),
            Totals {
                net_minor: 26_748,
                tax_minor: 4_005,
                gross_minor: 30_753
            }
        );
        assert!(
            invoices::invoice(&mut conn, draft)
                .await
                .unwrap()
                .lines
                .is_empty()
        );

        let all = invoices::invoices_of_account(&mut conn, mine, Visibility::All)
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|i| i.id).collect::<Vec<_>>(),
            [draft, issued]
        );
        assert_eq!(all[1].lines.len(), 3, "listing loads lines too");
        let exposed = invoices::invoices_of_account(&mut conn, mine, Visibility::ExposedToCustomer)
            .await
            .unwrap();
        assert_eq!(exposed.iter().map(|i| i.id).collect::<Vec<_>>(), [issued]);
        let theirs = invoices::invoices_of_account(&mut conn, other, Visibility::All)
            .await
            .unwrap();
        assert_eq!(theirs.len(), 1);
        assert_eq!(theirs[0].lines.len(), 1);
        invoices::set_invoice_status(&mut conn, issued, InvoiceStatus::Paid)
            .await
            .unwrap();
        assert_eq!(
            invoices::invoice(&mut conn, issued).await.unwrap().status,
            InvoiceStatus::Paid
        );
        assert!(matches!(
            invoices::invoice(&mut conn, InvoiceId(999)).await,
            Err(StoreError::NotFound)
        ));

        corrupt(&mut conn, "invoices", "currency", "dollars", issued.0).await;
        assert!(matches!(
            invoices::invoice(&mut conn, issued).await,
            Err(StoreError::Corrupt(_))
        ));
    }
);
