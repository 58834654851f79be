//! Territories as the back office edits them: versioned saves that move the scheduling
//! snapshot, what refers to a territory (accounts in it, technicians and partners serving it)
//! and its removal; partner profiles saved from the version a form showed.

use crate::fixtures::{self, point};
use onsite_domain::TerritoryId;
use onsite_domain::account::AccountKind;
use onsite_domain::geo::Polygon;
use onsite_store::partners::{self, LeadType, NewPartnerProfile};
use onsite_store::territories::{self, NewTerritory, PostalPrefix, TerritoryUse};
use onsite_store::{Conn, Store, StoreError, technicians};
use onsite_testkit::both_backends;

async fn snapshot_version(conn: &mut Conn) -> i64 {
    sqlx::query_scalar("SELECT version FROM reference_version WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

async fn territory(conn: &mut Conn, name: &str, prefix: &str) -> TerritoryId {
    territories::insert_territory(
        conn,
        &NewTerritory {
            name,
            postal_prefixes: &[PostalPrefix::parse(prefix).unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap()
}

both_backends!(
    a_territory_is_saved_from_the_version_its_form_showed,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let id = territory(&mut conn, "Plateau", "H2J").await;
        territory(&mut conn, "Verdun", "H4G").await;
        assert_eq!(
            territories::territory_version(&mut conn, id).await.unwrap(),
            1
        );
        let area = Polygon::new(vec![
            point(45.51, -73.59),
            point(45.53, -73.59),
            point(45.53, -73.57),
        ])
        .unwrap();
        let prefixes = [PostalPrefix::parse("h2t").unwrap()];
        let edited = NewTerritory {
            name: "Plateau-Mont-Royal",
            postal_prefixes: &prefixes,
            polygon: Some(&area),
        };
        let before = snapshot_version(&mut conn).await;
        assert!(
            territories::update_territory(&mut conn, id, 1, &edited)
                .await
                .unwrap()
        );
        assert_ne!(
            snapshot_version(&mut conn).await,
            before,
            "the next slot search reads the new coverage"
        );
        let saved = territories::territory(&mut conn, id).await.unwrap();
        assert_eq!(
            (saved.name.as_str(), saved.postal_prefixes.as_slice()),
            ("Plateau-Mont-Royal", ["H2T".to_owned()].as_slice())
        );
        assert_eq!(saved.polygon.as_ref(), Some(&area));
        assert_eq!(
            territories::territory_version(&mut conn, id).await.unwrap(),
            2
        );

        // A stale save writes nothing.
        let stale = NewTerritory {
            name: "Stale",
            postal_prefixes: &[],
            polygon: None,
        };
        assert!(
            !territories::update_territory(&mut conn, id, 1, &stale)
                .await
                .unwrap()
        );
        assert_eq!(
            territories::territory(&mut conn, id).await.unwrap().name,
            "Plateau-Mont-Royal"
        );
        // Another territory's name, and a territory that does not exist.
        let taken = NewTerritory {
            name: "Verdun",
            postal_prefixes: &[],
            polygon: None,
        };
        assert!(matches!(
            territories::update_territory(&mut conn, id, 2, &taken).await,
            Err(StoreError::Conflict { .. })
        ));
        assert!(matches!(
            territories::update_territory(&mut conn, TerritoryId(999), 1, &stale).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    what_refers_to_a_territory_is_counted_and_listed,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let plateau = territory(&mut conn, "Plateau", "H2J").await;
        let verdun = territory(&mut conn, "Verdun", "H4G").await;
        let acme = fixtures::account(&mut conn, AccountKind::Customer, "Acme").await;
        let zed = fixtures::account(&mut conn, AccountKind::Customer, "Zed").await;
        let partner = fixtures::account(&mut conn, AccountKind::Partner, "Thermo").await;
        for account in [acme, zed, partner] {
            territories::set_account_territory(&mut conn, account, Some(plateau))
                .await
                .unwrap();
        }
        let tom = fixtures::technician(&mut conn, "Tom", None).await;
        technicians::set_territories(&mut conn, tom, &[plateau, verdun])
            .await
            .unwrap();
        partners::set_partner_profile(
            &mut conn,
            &NewPartnerProfile {
                account_id: partner,
                capacity: 3,
                revenue_min_minor: 0,
                revenue_max_minor: 100,
                territories: &[plateau],
                lead_types: &[],
                products: &[],
            },
        )
        .await
        .unwrap();

        let used = territories::territory_use(&mut conn, plateau)
            .await
            .unwrap();
        assert_eq!(
            used,
            TerritoryUse {
                accounts: 3,
                technicians: 1,
                partners: 1
            }
        );
        assert!(!used.is_unused());
        let summaries = territories::territory_summaries(&mut conn).await.unwrap();
        let counts: Vec<_> = summaries
            .iter()
            .map(|s| {
                (
                    s.territory.name.as_str(),
                    s.version,
                    s.used.accounts,
                    s.used.technicians,
                )
            })
            .collect();
        assert_eq!(counts, [("Plateau", 1, 3, 1), ("Verdun", 1, 0, 1)]);
        let names = |members: Vec<territories::Member>| {
            members.into_iter().map(|m| m.name).collect::<Vec<_>>()
        };
        let customers = territories::accounts_in(&mut conn, plateau, AccountKind::Customer, 1)
            .await
            .unwrap();
        assert_eq!(names(customers), ["Acme"], "the first of them, by name");
        let partner_accounts =
            territories::accounts_in(&mut conn, plateau, AccountKind::Partner, 10)
                .await
                .unwrap();
        assert_eq!(names(partner_accounts), ["Thermo"]);
        let serving = territories::technicians_serving(&mut conn, verdun)
            .await
            .unwrap();
        assert_eq!(names(serving), ["Tom"]);
        let partners = territories::partners_serving(&mut conn, plateau)
            .await
            .unwrap();
        assert_eq!(names(partners), ["Thermo"]);
        let addresses = territories::account_addresses(&mut conn).await.unwrap();
        assert_eq!(addresses.len(), 3);
        assert!(addresses.iter().all(|a| a.territory_id == Some(plateau)));
        assert_eq!(addresses[0].postal_code, "H2J 2K9");

        // Removal: refused by the database while an account is in it; a stale version writes
        // nothing; once nothing refers to it, it goes.
        assert!(
            territories::delete_territory(&mut conn, plateau, 1)
                .await
                .is_err()
        );
        assert!(
            !territories::delete_territory(&mut conn, verdun, 7)
                .await
                .unwrap()
        );
        technicians::set_territories(&mut conn, tom, &[plateau])
            .await
            .unwrap();
        assert!(
            territories::delete_territory(&mut conn, verdun, 1)
                .await
                .unwrap()
        );
        assert!(matches!(
            territories::territory(&mut conn, verdun).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            territories::delete_territory(&mut conn, verdun, 1).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            territories::set_account_territory(&mut conn, onsite_domain::AccountId(999), None)
                .await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    a_partner_profile_is_saved_from_the_version_its_form_showed,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let partner = fixtures::account(&mut conn, AccountKind::Partner, "Thermo").await;
        let customer = fixtures::account(&mut conn, AccountKind::Customer, "Acme").await;
        let plateau = territory(&mut conn, "Plateau", "H2J").await;
        let residential = [LeadType::parse("residential").unwrap()];
        let profile = |capacity| NewPartnerProfile {
            account_id: partner,
            capacity,
            revenue_min_minor: 100,
            revenue_max_minor: 200,
            territories: &[],
            lead_types: &[],
            products: &[],
        };
        assert_eq!(
            partners::partner_profile_version(&mut conn, partner)
                .await
                .unwrap(),
            None
        );
        assert!(
            partners::update_partner_profile(&mut conn, &profile(2), None)
                .await
                .unwrap()
        );
        assert_eq!(
            partners::partner_profile_version(&mut conn, partner)
                .await
                .unwrap(),
            Some(1)
        );
        // Two forms that both showed no profile: the second is refused.
        assert!(
            !partners::update_partner_profile(&mut conn, &profile(9), None)
                .await
                .unwrap()
        );
        let edited = NewPartnerProfile {
            territories: &[plateau],
            lead_types: &residential,
            ..profile(4)
        };
        assert!(
            partners::update_partner_profile(&mut conn, &edited, Some(1))
                .await
                .unwrap()
        );
        assert!(
            !partners::update_partner_profile(&mut conn, &profile(9), Some(1))
                .await
                .unwrap()
        );
        let saved = partners::partner_profile(&mut conn, partner).await.unwrap();
        assert_eq!(
            (saved.capacity, saved.territories, saved.lead_types),
            (4, vec![plateau], vec!["residential".to_owned()])
        );
        // The demo loader's write bumps the version too.
        partners::set_partner_profile(&mut conn, &profile(5))
            .await
            .unwrap();
        assert_eq!(
            partners::partner_profile_version(&mut conn, partner)
                .await
                .unwrap(),
            Some(3)
        );
        let for_customer = NewPartnerProfile {
            account_id: customer,
            ..profile(1)
        };
        assert!(matches!(
            partners::update_partner_profile(&mut conn, &for_customer, None).await,
            Err(StoreError::NotFound)
        ));
    }
);
