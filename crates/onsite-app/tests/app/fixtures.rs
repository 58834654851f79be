//! What several use-case tests build the same way: the customers' address on the Plateau and
//! customer accounts there.

use onsite_domain::AccountId;
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::time::TimeZoneName;
use onsite_store::Conn;
use onsite_store::accounts::{self, NewAccount};

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
