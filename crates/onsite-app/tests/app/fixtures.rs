//! What several use-case tests build the same way: the customers' address on the Plateau,
//! customer accounts there, and a database write that fails on purpose.

use onsite_domain::AccountId;
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::time::TimeZoneName;
use onsite_store::accounts::{self, NewAccount};
use onsite_store::{Backend, Conn, Store};

/// The customers' address on the Plateau (postal code H2J).
pub fn plateau() -> GeoPoint {
    GeoPoint::new(45.5246, -73.5815).unwrap()
}

pub fn plateau_address() -> Address {
    Address {
        line: "4301 Rue Saint-Denis".into(),
        city: "Montréal".into(),
        postal_code: "H2J 2K9".into(),
        country: "CA".into(),
        location: plateau(),
        time_zone: TimeZoneName::parse("America/Toronto").unwrap(),
    }
}

/// Active customer accounts at [`plateau_address`], one per name, without a territory of
/// their own.
pub async fn customer_accounts<const N: usize>(
    conn: &mut Conn,
    names: [&str; N],
) -> [AccountId; N] {
    let address = plateau_address();
    let mut ids = [AccountId(0); N];
    for (id, name) in ids.iter_mut().zip(names) {
        *id = accounts::insert_account(
            conn,
            &NewAccount {
                kind: AccountKind::Customer,
                name,
                active: true,
                address: &address,
                territory_id: None,
            },
        )
        .await
        .unwrap();
    }
    ids
}

/// Makes every insert into `table` whose new row matches `condition` (SQL about `NEW`) fail,
/// as a full disk or a broken constraint would, by a trigger named `refuse_<table>`.
pub async fn refuse_inserts(store: &Store, table: &str, condition: &str) {
    let mut conn = store.conn().await.unwrap();
    let statements = match store.backend() {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} WHEN {condition} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN IF {condition} THEN RAISE EXCEPTION 'refused by the test'; END IF; \
                 RETURN NEW; END $$"
            ),
            format!(
                "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
            ),
        ],
    };
    for statement in statements {
        sqlx::query(&statement).execute(&mut *conn).await.unwrap();
    }
}

/// Undoes [`refuse_inserts`].
pub async fn allow_inserts(store: &Store, table: &str) {
    let statement = match store.backend() {
        Backend::Sqlite => format!("DROP TRIGGER refuse_{table}"),
        Backend::Postgres => format!("DROP TRIGGER refuse_{table} ON {table}"),
    };
    sqlx::query(&statement)
        .execute(&mut *store.conn().await.unwrap())
        .await
        .unwrap();
}
