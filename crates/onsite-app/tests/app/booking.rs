//! Self-scheduling against a fresh database, on SQLite and PostgreSQL: booking in one
//! transaction with its email and calendar invitation, idempotent submissions, rescheduling,
//! canceling, what customers may and may not touch, the homepage's groups, background
//! reassignment, and the race for the last free technician.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::booking::{self, BookRequest, BookingError, ServiceRequest};
use onsite_app::policy::{Customer, Principal, Scheduler, Staff, Worker};
use onsite_app::reassign;
use onsite_app::workforce::{self, Reassignment, TechnicianInput, WorkforceError};
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{
    self, allow_inserts, customer_accounts, montreal, plateau, point, refuse_inserts,
};

use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::WorkingPeriod;
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, CharacteristicId, ServiceTypeId, TechnicianId};
use onsite_i18n::SUPPORTED;
use onsite_notify::ics;
use onsite_store::Conn;
use onsite_store::accounts::{self, NewContact};
use onsite_store::bookings::{self, NewBooking, RecordedTransition};
use onsite_store::catalog;
use onsite_store::outbox::{self, OutboxMessage};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_testkit::TestDb;
use std::sync::Arc;

mod book;
mod change;
mod moves;
mod reassignment;
mod staff_changes;
mod states;
mod territory_changes;
mod webhooks;

fn toronto() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

/// Monday 8 June 2026, 06:00 in Montréal: the moment every test books from.
fn now() -> Timestamp {
    local(Date::constant(2026, 6, 8), 6, 0)
}

fn local(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.at(hour, minute, 0, 0)
        .to_zoned(toronto())
        .unwrap()
        .timestamp()
}

fn tuesday() -> Date {
    Date::constant(2026, 6, 9)
}

fn wednesday() -> Date {
    Date::constant(2026, 6, 10)
}

struct World {
    app: App,
    /// Keeps the database alive for the test.
    _db: TestDb,
    st: ServiceTypeId,
    hvac: CharacteristicId,
    acme: AccountId,
    other: AccountId,
    ana: Principal,
    bob: Principal,
    staff: Principal,
    /// Lives at the customers' door: the nearest, chosen first.
    tom: TechnicianId,
    /// Lives 4–5 km away: about 10 minutes' drive.
    uma: TechnicianId,
}

impl World {
    async fn conn(&self) -> sqlx::pool::PoolConnection<sqlx::Any> {
        self.app.store.conn().await.unwrap()
    }

    fn furnace(&self) -> ServiceRequest {
        ServiceRequest::new(self.st, None)
    }

    async fn book(&self, who: &Principal, at: Timestamp) -> Result<booking::Booked, BookingError> {
        booking::book(
            &self.app,
            who.grant().unwrap(),
            BookRequest {
                service: self.furnace(),
                slot_start: at,
                comments: "Door code 1234",
                idempotency_key: None,
            },
            now(),
        )
        .await
    }

    async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *self.conn().await)
            .await
            .unwrap()
    }

    async fn email(&self, event_key: &str) -> Option<OutboxMessage> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM email_outbox WHERE event_key = $1")
                .bind(event_key)
                .fetch_optional(&mut *self.conn().await)
                .await
                .unwrap();
        let id = id?;
        Some(
            outbox::get(&mut *self.conn().await, outbox::OutboxId(id))
                .await
                .unwrap(),
        )
    }

    /// A visit written straight into the store (a dispatcher's booking, history).
    async fn store_visit(
        &self,
        account: AccountId,
        tech: TechnicianId,
        start: Timestamp,
        minutes: i64,
        history: &[BookingAction],
    ) -> BookingId {
        let mut conn = self.conn().await;
        let uid = format!("{}-{}@test", tech.0, start.as_millisecond());
        let wo = work_orders::insert_work_order(
            &mut conn,
            &NewWorkOrder {
                number: &format!("WO-T{}", uid),
                account_id: account,
                asset_id: None,
                service_type_id: self.st,
                agreement_id: None,
                status: WorkOrderStatus::Scheduled,
                summary: None,
                expose_to_customer: true,
                created_at: now(),
            },
        )
        .await
        .unwrap();
        let steps: Vec<RecordedTransition<'_>> = history
            .iter()
            .map(|a| RecordedTransition {
                action: *a,
                at: now(),
                actor: Some(self.staff.user_id),
                note: (*a == BookingAction::Cancel).then_some("closed"),
            })
            .collect();
        bookings::insert_booking_with_history(
            &mut conn,
            &NewBooking {
                work_order_id: wo,
                technician_id: tech,
                starts_at: start,
                ends_at: start + SignedDuration::from_mins(minutes),
                location: plateau(),
                ics_uid: &uid,
                idempotency_key: None,
                booked_by: Some(self.staff.user_id),
                booked_at: now() - SignedDuration::from_hours(48),
            },
            &steps,
        )
        .await
        .unwrap()
    }
}

fn every_day(start: u16, end: u16) -> Vec<WorkingPeriod> {
    [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .into_iter()
    .map(|d| WorkingPeriod::new(d, start, end).unwrap())
    .collect()
}

async fn customer(conn: &mut Conn, account: AccountId, email: &str, name: &str) -> Principal {
    let email = EmailAddress::parse(email).unwrap();
    let contact = accounts::insert_contact(
        conn,
        &NewContact {
            account_id: account,
            first_name: name,
            last_name: "Client",
            email: &email,
            phone: None,
        },
    )
    .await
    .unwrap();
    let user_id = fixtures::user(
        conn,
        email.as_str(),
        name,
        Some(contact),
        &[Role::SelfScheduling],
    )
    .await;
    Principal {
        user_id,
        roles: vec![Role::SelfScheduling],
        account_id: Some(account),
        technician_id: None,
    }
}

async fn technician(
    conn: &mut Conn,
    name: &str,
    home: GeoPoint,
    territory: onsite_domain::TerritoryId,
    hvac: CharacteristicId,
) -> TechnicianId {
    let tz = montreal();
    technicians::insert_technician(
        conn,
        &NewTechnician {
            name,
            kind: ResourceKind::User,
            user_id: None,
            home_base: home,
            time_zone: &tz,
            weekly_hours: &every_day(8 * 60, 17 * 60),
            territories: &[territory],
            skills: &[SkillLevel {
                characteristic_id: hvac,
                rating: Rating::new(5).unwrap(),
            }],
            active: true,
        },
    )
    .await
    .unwrap()
}

async fn world(db: TestDb) -> World {
    let app = crate::app_on(&db);
    let mut conn = app.store.conn().await.unwrap();
    let territory = territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Plateau",
            postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap();
    let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
        .await
        .unwrap();
    let st = fixtures::service_type(
        &mut conn,
        "Furnace maintenance",
        &[fixtures::skill(hvac, 3)],
    )
    .await;
    let [acme, other] = customer_accounts(&mut conn, ["Acme", "Other"]).await;
    let ana = customer(&mut conn, acme, "ana@example.com", "Ana").await;
    let bob = customer(&mut conn, other, "bob@example.com", "Bob").await;
    let staff_email = EmailAddress::parse("dispatch@example.com").unwrap();
    let staff_id = fixtures::user(
        &mut conn,
        staff_email.as_str(),
        "Dispatch",
        None,
        &[Role::Dispatcher],
    )
    .await;
    let staff = Principal {
        user_id: staff_id,
        roles: vec![Role::Dispatcher],
        account_id: None,
        technician_id: None,
    };
    let tom = technician(&mut conn, "Tom", plateau(), territory, hvac).await;
    let uma = technician(&mut conn, "Uma", point(45.56, -73.55), territory, hvac).await;
    drop(conn);
    World {
        app,
        _db: db,
        st,
        hvac,
        acme,
        other,
        ana,
        bob,
        staff,
        tom,
        uma,
    }
}

impl World {
    /// Staff save `who`'s profile with `change` made to it, from the version it has now.
    async fn edit(
        &self,
        who: TechnicianId,
        change: impl FnOnce(&mut TechnicianInput),
    ) -> Result<Reassignment, WorkforceError> {
        let staff = self.staff.grant().unwrap();
        let t = workforce::technician(&self.app, staff, who).await.unwrap();
        let mut input = TechnicianInput::of(&t);
        change(&mut input);
        workforce::update_technician(&self.app, staff, who, t.version, &input, now()).await
    }

    /// Staff give `who` time off from `from` to `to` (day and hour, local time in Montréal).
    async fn time_off(
        &self,
        who: TechnicianId,
        from: (Date, i8),
        to: (Date, i8),
        reason: &str,
    ) -> Result<(onsite_domain::TimeOffId, Reassignment), WorkforceError> {
        let text = |(day, hour): (Date, i8)| format!("{day}T{hour:02}:00");
        let (from, to) = (text(from), text(to));
        let staff = self.staff.grant().unwrap();
        workforce::add_time_off(&self.app, staff, who, (&from, &to), reason, now()).await
    }
}

/// The visit's `.ics` from an email: its properties, unfolded.
fn calendar(email: &OutboxMessage) -> Vec<(String, String)> {
    assert_eq!(email.attachments.len(), 1, "{}", email.kind);
    let a = &email.attachments[0];
    assert!(
        a.content_type.starts_with("text/calendar"),
        "{}",
        a.content_type
    );
    ics::parse(std::str::from_utf8(&a.content).unwrap())
}

fn prop<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
    props
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}
