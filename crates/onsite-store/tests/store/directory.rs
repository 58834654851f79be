//! The staff's contact search ignores case and accents the same way on both engines (SQLite's
//! `LOWER` folds ASCII only): "emilie" and "ÉMILIE" find "Émilie", including rows written
//! before migration 0009, whose search keys the store fills when it opens.

use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::TimeZoneName;
use onsite_store::accounts::{self, NewAccount, NewContact};
use onsite_store::{Store, directory};
use onsite_testkit::{TestDb, both_backends};

async fn account_with_contact(store: &Store, account: &str, first: &str, last: &str, email: &str) {
    let mut conn = store.conn().await.unwrap();
    let address = Address {
        line: "1 Rue Notre-Dame O".into(),
        city: "Montréal".into(),
        postal_code: "H2Y 1S6".into(),
        country: "CA".into(),
        location: GeoPoint::new(45.5048, -73.5563).unwrap(),
        time_zone: TimeZoneName::parse("America/Toronto").unwrap(),
    };
    let account_id = accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name: account,
            active: true,
            address: &address,
            territory_id: None,
        },
    )
    .await
    .unwrap();
    let email = EmailAddress::parse(email).unwrap();
    accounts::insert_contact(
        &mut conn,
        &NewContact {
            account_id,
            first_name: first,
            last_name: last,
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap();
}

/// The names of the accounts a staff search finds.
async fn found(store: &Store, search: &str) -> Vec<String> {
    let mut conn = store.conn().await.unwrap();
    let filter = directory::AccountFilter {
        search: search.to_owned(),
        ..directory::AccountFilter::default()
    };
    directory::accounts_page(&mut conn, &filter, onsite_store::records::Start::First, 50)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|a| a.name)
        .collect()
}

both_backends!(
    accented_capitals_are_found_without_accents_or_case,
    |store: Store| async move {
        account_with_contact(
            &store,
            "Bâtiments Québec",
            "Émilie",
            "Gagné",
            "eg@quebec.test",
        )
        .await;
        account_with_contact(&store, "Acme", "Ana", "Silva", "ana@acme.test").await;
        for search in [
            "emilie",
            "ÉMILIE",
            "Émilie",
            "EMILIE",
            "émilie gagne",
            "GAGNÉ",
        ] {
            assert_eq!(
                found(&store, search).await,
                ["Bâtiments Québec"],
                "{search}"
            );
        }
        // The account's own name, accents or not.
        assert_eq!(
            found(&store, "batiments QUEBEC").await,
            ["Bâtiments Québec"]
        );
        // Literal text still: no accidental match, wildcards taken literally.
        assert!(found(&store, "emilie silva").await.is_empty());
        assert!(found(&store, "%").await.is_empty());
        assert_eq!(found(&store, "ACME.test").await, ["Acme"]);
    }
);

/// Blanks every search key, as rows written by a version before migration 0009 have them.
async fn as_before_the_migration(store: &Store) {
    let mut conn = store.conn().await.unwrap();
    for table in ["accounts", "contacts"] {
        sqlx::query(&format!("UPDATE {table} SET search_key = ''"))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
}

/// Rows written before the search keys get theirs when the store opens (after migrating).
async fn older_rows_are_found_once_the_store_reopens(db: TestDb) {
    account_with_contact(db.store(), "Hôtel Élan", "Zoé", "Lévesque", "zl@elan.test").await;
    as_before_the_migration(db.store()).await;
    assert!(found(db.store(), "zoe").await.is_empty());
    let reopened = Store::open(db.url()).await.unwrap();
    assert_eq!(found(&reopened, "ZOÉ LEVESQUE").await, ["Hôtel Élan"]);
    assert_eq!(found(&reopened, "hotel elan").await, ["Hôtel Élan"]);
    // Idempotent: the next start finds nothing to fill and changes nothing.
    let mut conn = reopened.conn().await.unwrap();
    directory::fill_search_keys(&mut conn).await.unwrap();
    drop(conn);
    assert_eq!(found(&reopened, "zoé").await, ["Hôtel Élan"]);
}

both_backends!(
    rows_written_before_the_search_keys_are_filled_when_the_store_opens,
    older_rows_are_found_once_the_store_reopens
);
