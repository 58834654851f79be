//! The staff's accounts list and the saves of accounts and contacts: keyset pages by name that
//! hold exactly the rows of the whole list (forwards and back, filtered or searched), forged or
//! foreign cursors refused naming the field, SQLite walking the list's indexes from the cursor,
//! and a save from an old version refused with nothing written.

use onsite_domain::account::{AccountKind, Address};
use onsite_domain::role::Role;
use onsite_domain::text::EmailAddress;
use onsite_domain::{AccountId, ContactId};
use onsite_store::accounts::{self, AccountValues, ContactValues, NewContact};
use onsite_store::directory::{self, AccountFilter};
use onsite_store::records::{Position, SortKey, Start};
use onsite_store::{Backend, Store, StoreError};
use onsite_testkit::fixtures::{account, address, point};
use onsite_testkit::{TestDb, both_backends};

/// The ids of every account matching `filter`, by name then id, in one page.
async fn in_one_page(store: &Store, filter: &AccountFilter) -> Vec<i64> {
    let mut conn = store.conn().await.unwrap();
    let page = directory::accounts_page(&mut conn, filter, Start::First, 100)
        .await
        .unwrap();
    assert!(page.next.is_none(), "the fixtures fit in one page of 100");
    page.items.iter().map(|a| a.id.0).collect()
}

/// The ids of every account matching `filter`, walking Next pages of `size`.
async fn walking(store: &Store, filter: &AccountFilter, size: u32) -> Vec<Vec<i64>> {
    let mut conn = store.conn().await.unwrap();
    let mut pages = Vec::new();
    let mut start = Start::First;
    loop {
        let page = directory::accounts_page(&mut conn, filter, start, size)
            .await
            .unwrap();
        pages.push(page.items.iter().map(|a| a.id.0).collect());
        match page.next {
            Some(next) => start = directory::accounts_page_start(next.as_str()).unwrap(),
            None => return pages,
        }
    }
}

/// 40 customers (some sharing a name, in any case and accent), 6 partners, 5 inactive.
async fn accounts_of_every_kind(store: &Store) -> (Vec<AccountId>, AccountId) {
    let mut conn = store.conn().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..40 {
        let name = match i % 4 {
            0 => format!("Boulangerie {:02}", i / 4),
            1 => format!("ÉCOLE {:02}", i / 4),
            2 => format!("école {:02}", i / 4),
            _ => "Acme".to_owned(),
        };
        ids.push(account(&mut conn, AccountKind::Customer, &name).await);
    }
    for i in 0..6 {
        let name = format!("Partenaire {i}");
        ids.push(account(&mut conn, AccountKind::Partner, &name).await);
    }
    for id in ids.iter().step_by(9) {
        assert!(
            accounts::set_account_active(&mut conn, *id, 1, false)
                .await
                .unwrap()
        );
    }
    let email = EmailAddress::parse("zoe.levesque@example.test").unwrap();
    accounts::insert_contact(
        &mut conn,
        &NewContact {
            account_id: ids[13],
            first_name: "Zoé",
            last_name: "Lévesque",
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap();
    let zoe = ids[13];
    (ids, zoe)
}

both_backends!(
    account_pages_hold_what_offset_pages_hold_forwards_and_back,
    |store: Store| async move {
        let (ids, with_zoe) = accounts_of_every_kind(&store).await;
        let every = AccountFilter::default();
        let all = in_one_page(&store, &every).await;
        assert_eq!(all.len(), ids.len());
        let pages = walking(&store, &every, 7).await;
        assert_eq!(pages.len(), 7, "46 accounts, 7 a page");
        assert_eq!(pages.concat(), all, "Next walks the list once, in order");

        // Names that differ only in case or accents sort together ("ÉCOLE 03", "école 03").
        let mut conn = store.conn().await.unwrap();
        let first = directory::accounts_page(&mut conn, &every, Start::First, 46)
            .await
            .unwrap();
        let names: Vec<String> = first.items.iter().map(|a| a.name.clone()).collect();
        let e03: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.to_lowercase().ends_with("cole 03"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(e03.len(), 2);
        assert_eq!(e03[1], e03[0] + 1, "{names:?}");

        // Previous from page 3 is page 2.
        let mut start = Start::First;
        let mut page = None;
        for _ in 0..3 {
            let p = directory::accounts_page(&mut conn, &every, start, 7)
                .await
                .unwrap();
            start = directory::accounts_page_start(p.next.as_ref().unwrap().as_str()).unwrap();
            page = Some(p);
        }
        let third = page.unwrap();
        let back = directory::accounts_page_start(third.prev.unwrap().as_str()).unwrap();
        let second = directory::accounts_page(&mut conn, &every, back, 7)
            .await
            .unwrap();
        assert_eq!(
            second.items.iter().map(|a| a.id.0).collect::<Vec<_>>(),
            pages[1]
        );
        drop(conn);

        // Filtered and searched lists page the same way.
        for filter in [
            AccountFilter {
                kind: Some(AccountKind::Partner),
                ..AccountFilter::default()
            },
            AccountFilter {
                active: Some(false),
                ..AccountFilter::default()
            },
            AccountFilter {
                kind: Some(AccountKind::Customer),
                active: Some(true),
                search: "ecole".into(),
            },
        ] {
            let all = in_one_page(&store, &filter).await;
            assert!(!all.is_empty(), "{filter:?}");
            assert_eq!(
                walking(&store, &filter, 3).await.concat(),
                all,
                "{filter:?}"
            );
        }
        let partners = in_one_page(
            &store,
            &AccountFilter {
                kind: Some(AccountKind::Partner),
                ..AccountFilter::default()
            },
        )
        .await;
        assert_eq!(partners.len(), 6);
        let inactive = in_one_page(
            &store,
            &AccountFilter {
                active: Some(false),
                ..AccountFilter::default()
            },
        )
        .await;
        assert_eq!(inactive.len(), 6, "ids 0, 9, 18, 27, 36, 45");
        assert!(inactive.contains(&ids[45].0), "a partner too");

        // A contact's name or address finds its account, with its contacts.
        for search in ["ZOE lev", "levesque@EXAMPLE"] {
            let filter = AccountFilter {
                search: search.into(),
                ..AccountFilter::default()
            };
            let mut conn = store.conn().await.unwrap();
            let found = directory::accounts_page(&mut conn, &filter, Start::First, 20)
                .await
                .unwrap();
            assert_eq!(
                found.items.iter().map(|a| a.id).collect::<Vec<_>>(),
                [with_zoe],
                "{search}"
            );
            assert_eq!(found.items[0].contacts[0].last_name, "Lévesque");
            assert!(found.items[0].contacts[0].active);
        }
    }
);

#[test]
fn forged_or_foreign_cursors_are_refused_naming_the_field() {
    for token in ["x", "' OR 1=1 --", &"A".repeat(3000)] {
        let refused = directory::accounts_page_start(token).unwrap_err();
        assert_eq!((refused.field, refused.reason), ("cursor", "cursor"));
    }
    // A cursor of another list (the audit log's) moves nothing here.
    let audit = onsite_store::records::Cursor::encode(
        "audit.at",
        true,
        &Start::After(Position {
            key: SortKey::Int(5),
            id: 9,
        }),
    )
    .unwrap();
    assert!(directory::accounts_page_start(audit.as_str()).is_err());
    assert_eq!(directory::accounts_page_start("").unwrap(), Start::First);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_walks_an_index_of_the_accounts_for_every_filter() {
    let db = TestDb::sqlite().await;
    let mut conn = db.store().conn().await.unwrap();
    let deep = Start::After(Position {
        key: SortKey::Text("boulangerie".into()),
        id: 25_000,
    });
    let cases = [
        (AccountFilter::default(), &["accounts_list"][..]),
        (
            AccountFilter {
                kind: Some(AccountKind::Customer),
                ..AccountFilter::default()
            },
            &["accounts_list_kind"],
        ),
        (
            AccountFilter {
                active: Some(true),
                ..AccountFilter::default()
            },
            &["accounts_list_active"],
        ),
        (
            AccountFilter {
                active: Some(false),
                kind: Some(AccountKind::Partner),
                search: "acme".into(),
            },
            &["accounts_list_kind", "accounts_list_active"],
        ),
    ];
    for (filter, indexes) in cases {
        for start in [Start::First, deep.clone()] {
            let plan = directory::explain_accounts_page(
                &mut conn,
                Backend::Sqlite,
                &filter,
                start.clone(),
            )
            .await
            .unwrap();
            let text = plan.join("\n");
            // The walks of the accounts (the primary key lookups after them are the page's
            // rows), and the index each walks.
            let walks: Vec<&String> = plan
                .iter()
                .filter(|l| l.starts_with("SCAN x") || l.starts_with("SEARCH x"))
                .filter(|l| !l.contains("INTEGER PRIMARY KEY"))
                .collect();
            let index_of = |l: &str| {
                l.split("INDEX ")
                    .nth(1)
                    .and_then(|rest| rest.split([' ', '(']).next())
                    .unwrap_or("none")
                    .to_owned()
            };
            assert!(
                !walks.is_empty()
                    && walks
                        .iter()
                        .all(|l| indexes.contains(&index_of(l).as_str())),
                "{filter:?} {start:?} does not walk {indexes:?}:\n{text}"
            );
            for (i, line) in plan.iter().enumerate() {
                if walks.contains(&line) {
                    assert_ne!(
                        plan.get(i + 1).map(String::as_str),
                        Some("USE TEMP B-TREE FOR ORDER BY"),
                        "{filter:?} sorts the accounts:\n{text}"
                    );
                }
            }
        }
    }
}

fn values<'a>(name: &'a str, address: &'a Address, notes: &'a str) -> AccountValues<'a> {
    AccountValues {
        name,
        address,
        territory_id: None,
        notes,
    }
}

both_backends!(
    a_save_from_an_old_version_is_refused_and_writes_nothing,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let id = account(&mut conn, AccountKind::Customer, "Fabre").await;
        let before = accounts::account(&mut conn, id).await.unwrap();
        assert_eq!((before.version, before.notes.as_str()), (1, ""));
        let moved = Address {
            location: point(45.6, -73.6),
            ..address()
        };
        assert!(
            accounts::update_account(
                &mut conn,
                id,
                1,
                &values("Fabre & fils", &moved, "Back door")
            )
            .await
            .unwrap()
        );
        // A second member of staff saving from version 1: refused, nothing written.
        assert!(
            !accounts::update_account(&mut conn, id, 1, &values("Mine", &address(), ""))
                .await
                .unwrap()
        );
        assert!(
            !accounts::set_account_active(&mut conn, id, 1, false)
                .await
                .unwrap()
        );
        let after = accounts::account(&mut conn, id).await.unwrap();
        assert_eq!(
            (
                after.name.as_str(),
                after.notes.as_str(),
                after.version,
                after.active
            ),
            ("Fabre & fils", "Back door", 2, true)
        );
        assert_eq!(after.address.location, point(45.6, -73.6));
        // The search key follows the name.
        let filter = AccountFilter {
            search: "FILS".into(),
            active: None,
            kind: None,
        };
        let found = directory::accounts_page(&mut conn, &filter, Start::First, 5)
            .await
            .unwrap();
        assert_eq!(found.items.len(), 1);
        assert!(matches!(
            accounts::update_account(
                &mut conn,
                AccountId(987_654),
                1,
                &values("X", &address(), "")
            )
            .await,
            Err(StoreError::NotFound)
        ));

        // Contacts the same way, with their language and web roles.
        let email = EmailAddress::parse("ana@fabre.test").unwrap();
        let contact = accounts::create_contact(
            &mut conn,
            id,
            &ContactValues {
                first_name: "Ana",
                last_name: "Silva",
                email: &email,
                phone: None,
                language: Some("fr"),
                web_roles: &[Role::CustomerReviewer, Role::SelfScheduling],
            },
        )
        .await
        .unwrap();
        let saved = accounts::contact(&mut conn, contact).await.unwrap();
        assert_eq!(
            (
                saved.language.as_deref(),
                saved.web_roles.clone(),
                saved.version,
                saved.active
            ),
            (
                Some("fr"),
                vec![Role::CustomerReviewer, Role::SelfScheduling],
                1,
                true
            )
        );
        let other = EmailAddress::parse("ana.silva@fabre.test").unwrap();
        let edit = ContactValues {
            first_name: "Ana",
            last_name: "Silva-Fabre",
            email: &other,
            phone: None,
            language: None,
            web_roles: &[],
        };
        assert!(
            accounts::update_contact(&mut conn, contact, 1, &edit)
                .await
                .unwrap()
        );
        assert!(
            !accounts::update_contact(&mut conn, contact, 1, &edit)
                .await
                .unwrap()
        );
        assert!(
            !accounts::set_contact_active(&mut conn, contact, 1, false)
                .await
                .unwrap()
        );
        assert!(
            accounts::set_contact_active(&mut conn, contact, 2, false)
                .await
                .unwrap()
        );
        let saved = accounts::contact(&mut conn, contact).await.unwrap();
        assert_eq!(
            (
                saved.last_name.as_str(),
                saved.email.as_str(),
                saved.version,
                saved.active
            ),
            ("Silva-Fabre", "ana.silva@fabre.test", 3, false)
        );
        assert!(saved.web_roles.is_empty() && saved.language.is_none());
        // Only active contacts hold an address.
        assert_eq!(
            accounts::active_contact_with_email(&mut conn, &other, None)
                .await
                .unwrap(),
            None
        );
        assert!(matches!(
            accounts::set_contact_active(&mut conn, ContactId(987_654), 1, true).await,
            Err(StoreError::NotFound)
        ));
    }
);
