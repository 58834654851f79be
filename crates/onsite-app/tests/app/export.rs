//! CSV export on both engines: the demo city's accounts, contacts and assets exported, then
//! imported into an empty database, make the same records (that database exports the very
//! same files); imported again into either database, they change nothing.

use crate::app_on;
use crate::catalog::dispatcher;
use crate::import::{count, run};
use onsite_app::App;
use onsite_app::export;
use onsite_app::import::{self, ImportKind};
use onsite_app::policy::Staff;
use onsite_domain::role::Role;
use onsite_store::directory::AccountFilter;
use onsite_store::imports::AssetExport;
use onsite_store::records::Start;
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;

/// Every account, active or not, as the staff's list with the status "all" gives them.
async fn accounts_file(app: &App, staff: Staff) -> String {
    let filter = AccountFilter::default();
    let mut out = export::header(ImportKind::Accounts);
    let mut next = Some(Start::First);
    while let Some(start) = next {
        let (chunk, after) = export::accounts_chunk(app, staff, &filter, start)
            .await
            .unwrap();
        out.push_str(&chunk);
        next = after;
    }
    out
}

async fn assets_file(app: &App, staff: Staff) -> String {
    let which = AssetExport::default();
    let mut out = export::header(ImportKind::Assets);
    let mut next = Some(export::ASSETS_START);
    while let Some(at) = next {
        let (chunk, after) = export::assets_chunk(app, staff, &which, at).await.unwrap();
        out.push_str(&chunk);
        next = after;
    }
    out
}

/// The grant of one of the demo's dispatchers.
async fn demo_staff(app: &App) -> Staff {
    let email: String = sqlx::query_scalar(
        "SELECT u.email FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = $1 ORDER BY u.id LIMIT 1",
    )
    .bind(Role::Dispatcher.as_str())
    .fetch_one(&mut *app.store.conn().await.unwrap())
    .await
    .unwrap();
    import::staff_by_email(app, &email).await.unwrap().unwrap()
}

both_backends!(
    the_demo_exported_and_imported_into_an_empty_database_makes_the_same_records,
    |db: TestDb| async move {
        let demo = app_on(&db);
        onsite_demo::load(&demo.store, jiff::civil::date(2026, 3, 2))
            .await
            .unwrap();
        let staff = demo_staff(&demo).await;
        let accounts = accounts_file(&demo, staff).await;
        let assets = assets_file(&demo, staff).await;
        let (n_accounts, n_contacts, n_assets) = (
            count(&demo, "accounts").await,
            count(&demo, "contacts").await,
            count(&demo, "assets").await,
        );
        assert!(
            n_accounts > 10 && n_assets > 10,
            "{n_accounts} accounts, {n_assets} assets"
        );

        let empty = if db.url().starts_with("postgres") {
            TestDb::postgres().await
        } else {
            TestDb::sqlite().await
        };
        let fresh = app_on(&empty);
        let (_, fresh_staff) = dispatcher(&fresh).await;
        for (kind, file) in [
            (ImportKind::Accounts, &accounts),
            (ImportKind::Assets, &assets),
        ] {
            let r = run(&fresh, fresh_staff, kind, false, file.as_bytes())
                .await
                .unwrap();
            assert_eq!(r.refused, 0, "{:?}", r.refused_rows);
            assert!(r.applied);
        }
        assert_eq!(count(&fresh, "accounts").await, n_accounts);
        assert_eq!(count(&fresh, "contacts").await, n_contacts);
        assert_eq!(count(&fresh, "assets").await, n_assets);
        assert_eq!(accounts_file(&fresh, fresh_staff).await, accounts);
        assert_eq!(assets_file(&fresh, fresh_staff).await, assets);

        // Again, into either database: nothing changes.
        for (app, staff) in [(&fresh, fresh_staff), (&demo, staff)] {
            for (kind, file) in [
                (ImportKind::Accounts, &accounts),
                (ImportKind::Assets, &assets),
            ] {
                let r = run(app, staff, kind, false, file.as_bytes()).await.unwrap();
                assert_eq!(
                    (r.created, r.updated, r.refused),
                    (0, 0, 0),
                    "{kind:?}: {:?} {:?}",
                    r.refused_rows,
                    r.other_rows
                        .iter()
                        .filter(|x| x.outcome != import::Outcome::Unchanged)
                        .take(3)
                        .collect::<Vec<_>>()
                );
            }
        }
        assert_eq!(count(&demo, "accounts").await, n_accounts);
        assert_eq!(count(&demo, "assets").await, n_assets);
    }
);
