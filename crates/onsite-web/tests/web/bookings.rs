//! Self-scheduling over HTTP, on SQLite and PostgreSQL: Book a new appointment through the pages
//! (day picker, the slots fragment, Book, the confirmation), the homepage's groups, Modify
//! (reschedule, Cancel appointment with a reason), what customers may not do (another account's
//! visit, a visit that has started), the dispatcher's board moving visits through their states,
//! the JSON API with its idempotency key, and no server error whatever is sent.
//!
//! The world: accounts A and B of `support::World` (the same address, postal code H1V), one
//! territory covering it, one technician working every day 07:00–19:00 there, and a service
//! type of one hour. Times are real (the app's clock), so tests find the first free day rather
//! than name one.

use crate::support::{TestApp, TestResponse, World};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp};
use onsite_app::booking::{self, BookRequest, ServiceRequest};
use onsite_app::policy::Principal;
use onsite_domain::booking::BookingState;
use onsite_domain::geo::GeoPoint;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::time::{TimeZoneName, WorkingPeriod};
use onsite_domain::{AssetId, BookingId, ServiceTypeId, TechnicianId, UserId};
use onsite_store::assets::{self, NewAsset};
use onsite_store::catalog::{self, NewServiceType};
use onsite_store::outbox::{self, OutboxFilter};
use onsite_store::technicians::{self, NewTechnician};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_testkit::both_backends;
use serde_json::{Value, json};

mod api;
mod board;
mod book;
mod staff;
mod visits;

/// What the self-scheduling tests book.
pub struct Schedule {
    /// "Furnace maintenance", one hour, offered for self-scheduling.
    pub service_type: ServiceTypeId,
    /// Needs a skill nobody has: nobody serves it.
    pub unserved_type: ServiceTypeId,
    pub technician: TechnicianId,
    /// An exposed asset of account A.
    pub asset_a: AssetId,
}

/// Adds the territory, technician, service types and an asset to the world's database.
pub async fn schedule(app: &TestApp, world: &World) -> Schedule {
    let mut conn = app.db.store().conn().await.unwrap();
    let territory = territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Mercier–Hochelaga",
            postal_prefixes: &[PostalPrefix::parse("H1V").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap();
    let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
        .await
        .unwrap();
    let elevators = catalog::insert_characteristic(&mut conn, "Elevators")
        .await
        .unwrap();
    let skill = |characteristic_id| SkillLevel {
        characteristic_id,
        rating: Rating::new(3).unwrap(),
    };
    let service_type = catalog::insert_service_type(
        &mut conn,
        &NewServiceType {
            name: "Furnace maintenance",
            description: "Yearly check",
            duration: VisitDuration::from_minutes(60).unwrap(),
            required_skills: &[skill(hvac)],
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap();
    let unserved_type = catalog::insert_service_type(
        &mut conn,
        &NewServiceType {
            name: "Elevator inspection",
            description: "",
            duration: VisitDuration::from_minutes(120).unwrap(),
            required_skills: &[skill(elevators)],
            self_scheduling: true,
            active: true,
        },
    )
    .await
    .unwrap();
    let every_day: Vec<WorkingPeriod> = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .into_iter()
    .map(|d| WorkingPeriod::new(d, 7 * 60, 19 * 60).unwrap())
    .collect();
    let technician = technicians::insert_technician(
        &mut conn,
        &NewTechnician {
            name: "Sam Servicewoman",
            kind: ResourceKind::User,
            user_id: None,
            home_base: GeoPoint::new(45.556, -73.552).unwrap(),
            time_zone: &TimeZoneName::parse("America/Toronto").unwrap(),
            weekly_hours: &every_day,
            territories: &[territory],
            skills: &[SkillLevel {
                characteristic_id: hvac,
                rating: Rating::new(5).unwrap(),
            }],
            active: true,
        },
    )
    .await
    .unwrap();
    let asset_a = assets::insert_asset(
        &mut conn,
        &NewAsset {
            account_id: world.account_a,
            parent_id: None,
            name: "Zephyrine furnace",
            product: "Lennox EL296",
            serial_number: Some("FUR-1"),
            required_skills: &[],
            expose_to_customer: true,
        },
    )
    .await
    .unwrap();
    Schedule {
        service_type,
        unserved_type,
        technician,
        asset_a,
    }
}

pub async fn principal(app: &TestApp, user: UserId) -> Principal {
    let record =
        onsite_store::accounts::user_by_id(&mut app.db.store().conn().await.unwrap(), user)
            .await
            .unwrap()
            .unwrap();
    onsite_web::session::principal_of(&record)
}

/// The free slots of the first day with several free slots, for `who`.
pub async fn first_free_day(
    app: &TestApp,
    who: &Principal,
    service_type: ServiceTypeId,
) -> (Date, Vec<Timestamp>) {
    let now = crate::support::now(app);
    let request = ServiceRequest::new(service_type, None);
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let picker = booking::available_days(
        app.app(),
        who.grant().unwrap(),
        &request,
        today.yesterday().unwrap(),
        today.checked_add(jiff::Span::new().days(40)).unwrap(),
        now,
    )
    .await
    .unwrap();
    // A day with room for several visits (late in the afternoon, today may have only one).
    for day in picker.days.iter().filter(|d| d.available) {
        let slots = booking::slots(app.app(), who.grant().unwrap(), &request, day.date, now)
            .await
            .unwrap();
        if slots.slots.len() >= 6 {
            return (day.date, slots.slots.iter().map(|s| s.start).collect());
        }
    }
    panic!("no day with free time within the horizon");
}

/// Books the first free slot for `who` through the use case (for tests about what follows).
pub async fn book_first(app: &TestApp, who: &Principal, service_type: ServiceTypeId) -> BookingId {
    let (_, slots) = first_free_day(app, who, service_type).await;
    booking::book(
        app.app(),
        who.grant().unwrap(),
        BookRequest {
            service: ServiceRequest::new(service_type, None),
            slot_start: slots[0],
            comments: "Zephyrine: ring twice",
            idempotency_key: None,
        },
        crate::support::now(app),
    )
    .await
    .unwrap()
    .visit
    .id
}

async fn state_of(app: &TestApp, id: BookingId) -> (BookingState, Timestamp) {
    let b = onsite_store::bookings::booking(&mut app.db.store().conn().await.unwrap(), id)
        .await
        .unwrap();
    (b.state, b.starts_at)
}

async fn bookings_of_a(app: &TestApp, world: &World) -> usize {
    onsite_store::bookings::bookings_of_account(
        &mut app.db.store().conn().await.unwrap(),
        world.account_a,
    )
    .await
    .unwrap()
    .len()
}

/// The values of the elements named `name` in a page (`name="slot" value="…"`).
fn values(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    html.match_indices(&marker)
        .map(|(i, _)| {
            html[i + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The days of the day picker that can be chosen (the others are `disabled`).
fn enabled_days(html: &str) -> Vec<String> {
    html.split("<button type=\"submit\" name=\"date\" value=\"")
        .skip(1)
        .filter(|rest| !rest.split('>').next().unwrap().contains("disabled"))
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

/// The emails of an event (`booking:<id>:confirmed`…), with their attachments' types.
async fn emails(app: &TestApp, event_prefix: &str) -> Vec<(String, Vec<String>)> {
    let mut conn = app.db.store().conn().await.unwrap();
    let list = outbox::list(&mut conn, &OutboxFilter::default(), 500, None)
        .await
        .unwrap();
    let mut found = Vec::new();
    for summary in list
        .iter()
        .filter(|m| m.event_key.starts_with(event_prefix))
    {
        let message = outbox::get(&mut conn, summary.id).await.unwrap();
        found.push((
            message.subject.clone(),
            message
                .attachments
                .iter()
                .map(|a| a.content_type.clone())
                .collect(),
        ));
    }
    found
}

/// A program calling the JSON API with a session (cookie and CSRF token).
struct Api<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

impl<'a> Api<'a> {
    async fn new(app: &'a TestApp, user: UserId) -> Api<'a> {
        let (token, csrf) = app.session_for(user).await;
        Api {
            app,
            cookie: format!("onsite_session={token}"),
            csrf,
        }
    }

    async fn get(&self, path: &str) -> TestResponse {
        self.app
            .send(
                Request::get(path)
                    .header("host", "onsite.test")
                    .header("cookie", &self.cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
    }

    async fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("host", "onsite.test")
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.app
            .send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

fn error_code(answer: &TestResponse) -> String {
    answer.json()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
