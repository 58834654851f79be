//! Small builders shared by the repository tests: a Montréal address, accounts, a service type.

use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, CharacteristicId, ServiceTypeId};
use onsite_store::Conn;
use onsite_store::accounts::{self, NewAccount};
use onsite_store::catalog::{self, NewServiceType};

pub fn montreal() -> TimeZoneName {
    TimeZoneName::parse("America/Toronto").unwrap()
}

pub fn point(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

pub fn address(line: &str) -> Address {
    Address {
        line: line.into(),
        city: "Montréal".into(),
        postal_code: "H2J 1K4".into(),
        country: "CA".into(),
        location: point(45.5246, -73.5815),
        time_zone: montreal(),
    }
}

pub async fn account(conn: &mut Conn, kind: AccountKind, name: &str) -> AccountId {
    let addr = address("4301 Rue Saint-Denis");
    accounts::insert_account(
        conn,
        &NewAccount {
            kind,
            name,
            active: true,
            address: &addr,
            territory_id: None,
        },
    )
    .await
    .unwrap()
}

pub fn skill(id: CharacteristicId, rating: i64) -> SkillLevel {
    SkillLevel {
        characteristic_id: id,
        rating: Rating::new(rating).unwrap(),
    }
}

pub async fn service_type(conn: &mut Conn, name: &str, skills: &[SkillLevel]) -> ServiceTypeId {
    catalog::insert_service_type(
        conn,
        &NewServiceType {
            name,
            description: "",
            duration: VisitDuration::from_minutes(60).unwrap(),
            required_skills: skills,
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap()
}

/// Overwrites one column of one row, bypassing the repositories: how a corrupt row is made.
pub async fn corrupt(conn: &mut Conn, table: &str, column: &str, value: &str, id: i64) {
    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
        .bind(value)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// [`corrupt`] for a numeric column.
pub async fn corrupt_number(conn: &mut Conn, table: &str, column: &str, value: f64, id: i64) {
    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
        .bind(value)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
}
