//! Partner profiles, opportunities and their event history.

use crate::fixtures::{self, corrupt, point, t0};
use jiff::SignedDuration;
use onsite_domain::OpportunityId;
use onsite_domain::account::AccountKind;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_store::catalog;
use onsite_store::partners::{
    self, LeadType, NewOpportunity, NewPartnerProfile, OpportunityEvent, OpportunityEventKind,
};
use onsite_store::territories::{self, NewTerritory};
use onsite_store::{Store, StoreError};
use onsite_testkit::both_backends;

both_backends!(
    partner_profiles_round_trip_and_are_replaced_whole,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let partner = fixtures::account(&mut conn, AccountKind::Partner, "Thermo-Confort").await;
        let second = fixtures::account(&mut conn, AccountKind::Partner, "Air Pur").await;
        let customer = fixtures::account(&mut conn, AccountKind::Customer, "Boulangerie").await;
        let plateau = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Plateau",
                postal_prefixes: &[],
                polygon: None,
            },
        )
        .await
        .unwrap();
        let verdun = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Verdun",
                postal_prefixes: &[],
                polygon: None,
            },
        )
        .await
        .unwrap();
        let hp = catalog::insert_product(&mut conn, "HP", "Heat pump")
            .await
            .unwrap();
        let ev = catalog::insert_product(&mut conn, "EV", "EV charger")
            .await
            .unwrap();
        let residential = LeadType::parse("Residential").unwrap();
        let commercial = LeadType::parse("commercial").unwrap();

        let profile = NewPartnerProfile {
            account_id: partner,
            capacity: 5,
            revenue_min_minor: 200_000,
            revenue_max_minor: 5_000_000,
            territories: &[plateau, verdun],
            lead_types: &[residential.clone(), commercial.clone()],
            products: &[hp, ev],
        };
        partners::set_partner_profile(&mut conn, &profile)
            .await
            .unwrap();
        partners::set_partner_profile(
            &mut conn,
            &NewPartnerProfile {
                account_id: second,
                capacity: 2,
                territories: &[verdun],
                products: &[],
                ..profile
            },
        )
        .await
        .unwrap();
        let p = partners::partner_profile(&mut conn, partner).await.unwrap();
        assert_eq!(
            (p.capacity, p.revenue_min_minor, p.revenue_max_minor),
            (5, 200_000, 5_000_000)
        );
        assert_eq!(p.territories, [plateau, verdun]);
        assert_eq!(p.lead_types, ["residential", "commercial"]);
        assert_eq!(p.products, [hp, ev]);
        assert_eq!(
            p.location,
            fixtures::plateau(),
            "a partner is where its account is"
        );

        let all = partners::list_partner_profiles(&mut conn).await.unwrap();
        assert_eq!(
            all.iter().map(|p| p.account_id).collect::<Vec<_>>(),
            [second, partner],
            "by account name"
        );
        assert_eq!(
            (all[0].territories.clone(), all[0].products.clone()),
            (vec![verdun], vec![])
        );
        assert_eq!(all[1], p);

        // Setting again replaces territories, lead types and products.
        partners::set_partner_profile(
            &mut conn,
            &NewPartnerProfile {
                capacity: 8,
                territories: &[verdun],
                lead_types: &[commercial],
                products: &[ev],
                ..profile
            },
        )
        .await
        .unwrap();
        let p = partners::partner_profile(&mut conn, partner).await.unwrap();
        assert_eq!(
            (p.capacity, p.territories, p.lead_types, p.products),
            (8, vec![verdun], vec!["commercial".to_owned()], vec![ev])
        );

        let for_customer = NewPartnerProfile {
            account_id: customer,
            ..profile
        };
        assert!(matches!(
            partners::set_partner_profile(&mut conn, &for_customer).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            partners::partner_profile(&mut conn, customer).await,
            Err(StoreError::NotFound)
        ));
        let reversed = NewPartnerProfile {
            revenue_min_minor: 10,
            revenue_max_minor: 5,
            ..profile
        };
        assert!(
            partners::set_partner_profile(&mut conn, &reversed)
                .await
                .is_err(),
            "min above max is refused"
        );
    }
);

both_backends!(
    opportunities_and_their_history_belong_to_their_partner,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let partner = fixtures::account(&mut conn, AccountKind::Partner, "Thermo-Confort").await;
        let other = fixtures::account(&mut conn, AccountKind::Partner, "Air Pur").await;
        let hp = catalog::insert_product(&mut conn, "HP", "Heat pump")
            .await
            .unwrap();
        let ev = catalog::insert_product(&mut conn, "EV", "EV charger")
            .await
            .unwrap();
        let residential = LeadType::parse("residential").unwrap();
        let h = |n: i64| t0() + SignedDuration::from_hours(n);
        let base = NewOpportunity {
            name: "Heat pump for a duplex",
            customer_name: "Marie Lavoie",
            location: point(45.53, -73.58),
            postal_code: "H2J 2L5",
            estimated_revenue_minor: 1_450_000,
            lead_type: &residential,
            products: &[hp, ev],
            status: OpportunityStatus::New,
            stage: None,
            partner_account_id: None,
            internal: false,
            distributed_at: None,
            accepted_at: None,
            closed_at: None,
            created_at: h(0),
        };
        let fresh = partners::insert_opportunity(&mut conn, &base)
            .await
            .unwrap();
        let worked = partners::insert_opportunity(
            &mut conn,
            &NewOpportunity {
                name: "Two EV chargers",
                status: OpportunityStatus::InProgress,
                stage: Some("propose"),
                partner_account_id: Some(partner),
                distributed_at: Some(h(2)),
                accepted_at: Some(h(5)),
                products: &[ev],
                created_at: h(1),
                ..base
            },
        )
        .await
        .unwrap();
        let own = partners::insert_opportunity(
            &mut conn,
            &NewOpportunity {
                name: "Own lead",
                status: OpportunityStatus::Won,
                partner_account_id: Some(partner),
                internal: true,
                closed_at: Some(h(30)),
                products: &[],
                created_at: h(3),
                ..base
            },
        )
        .await
        .unwrap();
        partners::insert_opportunity(
            &mut conn,
            &NewOpportunity {
                status: OpportunityStatus::Distributed,
                partner_account_id: Some(other),
                created_at: h(4),
                ..base
            },
        )
        .await
        .unwrap();

        let o = partners::opportunity(&mut conn, worked).await.unwrap();
        assert_eq!(
            (o.status, o.stage.as_deref(), o.partner_account_id),
            (
                OpportunityStatus::InProgress,
                Some("propose"),
                Some(partner)
            )
        );
        assert_eq!(
            (
                o.products.clone(),
                o.distributed_at,
                o.created_at,
                o.internal
            ),
            (vec![ev], Some(h(2)), h(1), false)
        );
        assert_eq!(o.location, point(45.53, -73.58));
        assert_eq!(
            partners::opportunity(&mut conn, fresh)
                .await
                .unwrap()
                .products,
            [hp, ev]
        );

        let mine = partners::opportunities_of_partner(&mut conn, partner)
            .await
            .unwrap();
        assert_eq!(
            mine.iter().map(|o| o.id).collect::<Vec<_>>(),
            [own, worked],
            "newest first, only this partner's"
        );
        assert!(mine[0].internal && mine[0].products.is_empty());
        let new = partners::opportunities_in_status(&mut conn, OpportunityStatus::New)
            .await
            .unwrap();
        assert_eq!(new.iter().map(|o| o.id).collect::<Vec<_>>(), [fresh]);
        assert!(matches!(
            partners::opportunity(&mut conn, OpportunityId(999)).await,
            Err(StoreError::NotFound)
        ));

        for (kind, at, who) in [
            (OpportunityEventKind::Distributed, 2, partner),
            (OpportunityEventKind::Accepted, 5, partner),
            (OpportunityEventKind::Touched, 6, partner),
            (OpportunityEventKind::Distributed, 7, other),
        ] {
            let note =
                (kind == OpportunityEventKind::Touched).then(|| "Called the customer".to_owned());
            partners::record_opportunity_event(
                &mut conn,
                &OpportunityEvent {
                    opportunity_id: worked,
                    partner_account_id: Some(who),
                    kind,
                    at: h(at),
                    note,
                },
            )
            .await
            .unwrap();
        }
        let history = partners::events_of_opportunity(&mut conn, worked)
            .await
            .unwrap();
        assert_eq!(history.len(), 4);
        assert_eq!(history[2].note.as_deref(), Some("Called the customer"));
        let recent = partners::events_of_partner(&mut conn, partner, h(3))
            .await
            .unwrap();
        assert_eq!(
            recent.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [
                OpportunityEventKind::Accepted,
                OpportunityEventKind::Touched
            ]
        );

        sqlx::query(
            "UPDATE opportunity_events SET kind = 'teleported' WHERE partner_account_id = $1",
        )
        .bind(other.0)
        .execute(&mut *conn)
        .await
        .unwrap();
        assert!(matches!(
            partners::events_of_opportunity(&mut conn, worked).await,
            Err(StoreError::Corrupt(_))
        ));
        corrupt(&mut conn, "opportunities", "lead_type", "a,b", worked.0).await;
        assert!(matches!(
            partners::opportunity(&mut conn, worked).await,
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            partners::opportunities_of_partner(&mut conn, partner).await,
            Err(StoreError::Corrupt(_))
        ));
    }
);
