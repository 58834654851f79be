//! What several suites build the same way: the instant tests start from, Montréal's zone and
//! places, accounts, users, service types and technicians written straight into the store, the
//! two locales, and a database write that fails on purpose.

use jiff::Timestamp;
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, CharacteristicId, ContactId, ServiceTypeId, TechnicianId, UserId};
use onsite_i18n::Locale;
use onsite_store::accounts::{self, NewAccount, NewUser};
use onsite_store::catalog::{self, NewServiceType};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::{Backend, Conn, Store};

/// Thursday 28 May 2026, 20:26:40 UTC: the instant the tests that need "some time" start from.
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_780_000_000).expect("in range")
}

/// Montréal's time zone.
pub fn montreal() -> TimeZoneName {
    TimeZoneName::parse("America/Toronto").expect("a zone of the bundled database")
}

pub fn point(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).expect("a point on Earth")
}

/// Where the customers' addresses are, on the Plateau (postal code H2J).
pub fn plateau() -> GeoPoint {
    point(45.5246, -73.5815)
}

/// A customer's address on the Plateau: 4301 Rue Saint-Denis, Montréal H2J 2K9.
pub fn address() -> Address {
    address_at("4301 Rue Saint-Denis", plateau())
}

/// An address with the Plateau's postal code (H2J 2K9) at another street line and place.
pub fn address_at(line: &str, location: GeoPoint) -> Address {
    Address {
        line: line.into(),
        city: "Montréal".into(),
        postal_code: "H2J 2K9".into(),
        country: "CA".into(),
        location,
        time_zone: montreal(),
    }
}

/// An address in the east end, away from the Plateau: 5000 Rue Sherbrooke E, Montréal
/// H1V 1A1 (postal prefix H1V).
pub fn east_end_address() -> Address {
    Address {
        line: "5000 Rue Sherbrooke E".into(),
        city: "Montréal".into(),
        postal_code: "H1V 1A1".into(),
        country: "CA".into(),
        location: point(45.557, -73.553),
        time_zone: montreal(),
    }
}

/// An active account of `kind` at [`address`], without a territory of its own.
pub async fn account(conn: &mut Conn, kind: AccountKind, name: &str) -> AccountId {
    account_at(conn, kind, name, &address()).await
}

/// An active account of `kind` at `address`, without a territory of its own.
pub async fn account_at(
    conn: &mut Conn,
    kind: AccountKind,
    name: &str,
    address: &Address,
) -> AccountId {
    accounts::insert_account(
        conn,
        &NewAccount {
            kind,
            name,
            active: true,
            address,
            territory_id: None,
        },
    )
    .await
    .expect("insert an account")
}

/// Active customer accounts at [`address`], one per name.
pub async fn customer_accounts<const N: usize>(
    conn: &mut Conn,
    names: [&str; N],
) -> [AccountId; N] {
    let mut ids = [AccountId(0); N];
    for (id, name) in ids.iter_mut().zip(names) {
        *id = account(conn, AccountKind::Customer, name).await;
    }
    ids
}

/// A user without a password (one who signs in through an invitation, a reset link or an
/// external identity), with `roles` and, for a portal user, the `contact` they are.
pub async fn user(
    conn: &mut Conn,
    email: &str,
    display_name: &str,
    contact: Option<ContactId>,
    roles: &[Role],
) -> UserId {
    accounts::insert_user(
        conn,
        &NewUser {
            email: &EmailAddress::parse(email).expect("a valid email address"),
            password_hash: None,
            display_name,
            language: None,
            contact_id: contact,
            roles,
        },
    )
    .await
    .expect("insert a user")
}

pub fn skill(id: CharacteristicId, rating: i64) -> SkillLevel {
    SkillLevel {
        characteristic_id: id,
        rating: Rating::new(rating).expect("a rating from 1 to 5"),
    }
}

/// An active, self-schedulable service type of an hour that needs `skills`.
pub async fn service_type(conn: &mut Conn, name: &str, skills: &[SkillLevel]) -> ServiceTypeId {
    catalog::insert_service_type(
        conn,
        &NewServiceType {
            name,
            description: "",
            duration: VisitDuration::from_minutes(60).expect("an hour is a valid duration"),
            required_skills: skills,
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .expect("insert a service type")
}

/// An active technician in Montréal's zone, working from (45.5, -73.6), without working hours,
/// territories or skills: someone the visits a test writes straight into the store belong to
/// (`user`: the person who signs in as them, if any).
pub async fn technician(conn: &mut Conn, name: &str, user: Option<UserId>) -> TechnicianId {
    technicians::insert_technician(
        conn,
        &NewTechnician {
            name,
            kind: ResourceKind::User,
            user_id: user,
            home_base: point(45.5, -73.6),
            time_zone: &montreal(),
            weekly_hours: &[],
            territories: &[],
            skills: &[],
            active: true,
        },
    )
    .await
    .expect("insert a technician")
}

/// An active lead type of the catalogue, with `code` as its code and name (what opportunities
/// and partner profiles may name).
pub async fn lead_type(conn: &mut Conn, code: &str) -> i64 {
    onsite_store::catalog::insert_entry(
        conn,
        onsite_store::catalog::List::LeadTypes,
        Some(code),
        code,
    )
    .await
    .expect("insert a lead type")
}

pub fn en() -> Locale {
    Locale::from_tag("en").expect("English is shipped")
}

pub fn fr() -> Locale {
    Locale::from_tag("fr").expect("French is shipped")
}

/// Makes every insert into `table` whose new row matches `condition` (SQL about `NEW`) fail,
/// as a full disk or a broken constraint would, by a trigger named `refuse_<table>`.
pub async fn refuse_inserts(store: &Store, table: &str, condition: &str) {
    let mut conn = store.conn().await.expect("a connection");
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
        sqlx::query(&statement)
            .execute(&mut *conn)
            .await
            .expect("create the refusing trigger");
    }
}

/// Undoes [`refuse_inserts`].
pub async fn allow_inserts(store: &Store, table: &str) {
    let statement = match store.backend() {
        Backend::Sqlite => format!("DROP TRIGGER refuse_{table}"),
        Backend::Postgres => format!("DROP TRIGGER refuse_{table} ON {table}"),
    };
    sqlx::query(&statement)
        .execute(&mut *store.conn().await.expect("a connection"))
        .await
        .expect("drop the refusing trigger");
}
