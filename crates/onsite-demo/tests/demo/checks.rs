//! What a loaded demo must satisfy, checked through SQL and the store's own reads.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use onsite_demo::DemoSummary;
use onsite_domain::account::AccountKind;
use onsite_domain::booking::BookingState;
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::role::Role;
use onsite_domain::settings::{self, SettingValue};
use onsite_domain::skill::{Rating, SkillLevel, meets_all};
use onsite_domain::text::EmailAddress;
use onsite_domain::{AccountId, CharacteristicId, TechnicianId};
use onsite_store::catalog::{self, ServiceTypeFilter};
use onsite_store::technicians;
use onsite_store::{Conn, RowExt, accounts, bookings, partners, territories};
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn tz() -> TimeZone {
    TimeZone::get("America/Toronto").unwrap()
}

fn start_of(day: Date) -> Timestamp {
    day.to_zoned(tz()).unwrap().timestamp()
}

async fn count(conn: &mut Conn, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn strings(conn: &mut Conn, sql: &str) -> BTreeSet<String> {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

pub async fn required_counts(conn: &mut Conn, summary: &DemoSummary) {
    assert!(count(conn, "SELECT COUNT(*) FROM technicians").await >= 30);
    assert!(
        count(
            conn,
            "SELECT COUNT(DISTINCT territory_id) FROM technician_territories"
        )
        .await
            >= 4
    );
    assert!(
        count(
            conn,
            "SELECT COUNT(*) FROM accounts WHERE kind = 'customer'"
        )
        .await
            >= 200
    );
    assert!(count(conn, "SELECT COUNT(*) FROM accounts WHERE kind = 'partner'").await >= 8);
    let without_contact = count(
        conn,
        "SELECT COUNT(*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id)",
    )
    .await;
    assert_eq!(without_contact, 0, "every account has a contact");
    assert!(count(conn, "SELECT COUNT(*) FROM assets").await >= 600);
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM assets").await as usize,
        summary.assets
    );
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM bookings").await as usize,
        summary.bookings
    );
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM contacts").await as usize,
        summary.contacts
    );
    // Hierarchies: components, components of components (parent ≠ master), hidden ones.
    assert!(
        count(
            conn,
            "SELECT COUNT(*) FROM assets WHERE parent_id IS NOT NULL"
        )
        .await
            >= 100
    );
    assert!(
        count(
            conn,
            "SELECT COUNT(*) FROM assets WHERE master_id IS NOT NULL AND master_id <> parent_id"
        )
        .await
            >= 10
    );
    assert!(
        count(
            conn,
            "SELECT COUNT(*) FROM assets WHERE expose_to_customer = FALSE"
        )
        .await
            >= 10
    );
    let bad_masters = count(
        conn,
        "SELECT COUNT(*) FROM assets c JOIN assets p ON p.id = c.parent_id \
         WHERE c.master_id <> COALESCE(p.master_id, p.id) OR c.account_id <> p.account_id",
    )
    .await;
    assert_eq!(bad_masters, 0);
    // Service types: most offered for self-scheduling, some not, each with required skills.
    let offered = catalog::list_service_types(conn, ServiceTypeFilter::SelfScheduling)
        .await
        .unwrap();
    let all = catalog::list_service_types(conn, ServiceTypeFilter::All)
        .await
        .unwrap();
    assert!(offered.len() >= 8 && offered.len() < all.len());
    assert!(all.iter().all(|s| !s.required_skills.is_empty()));
    // Technicians differ in skills and hours.
    let techs = technicians::list_technicians(conn).await.unwrap();
    let skill_sets: BTreeSet<Vec<i64>> = techs
        .iter()
        .map(|t| t.skills.iter().map(|s| s.characteristic_id.0).collect())
        .collect();
    assert!(skill_sets.len() >= 5);
    let hour_sets: BTreeSet<Vec<(i8, u16, u16)>> = techs
        .iter()
        .map(|t| {
            t.weekly_hours
                .iter()
                .map(|p| (p.weekday.to_monday_one_offset(), p.start, p.end))
                .collect()
        })
        .collect();
    assert!(hour_sets.len() >= 4);
    assert!(
        techs.iter().any(|t| !t.time_off.is_empty())
            && techs.iter().any(|t| !t.exceptions.is_empty())
    );
    // Every territory has real postal prefixes and a polygon.
    for t in territories::list_territories(conn).await.unwrap() {
        assert!(
            t.postal_prefixes
                .iter()
                .all(|p| p.len() == 3 && p.starts_with('H')),
            "{}",
            t.name
        );
        assert!(t.polygon.is_some(), "{}", t.name);
    }
}

struct Visit {
    technician: TechnicianId,
    state: BookingState,
    starts_at: Timestamp,
    ends_at: Timestamp,
    location: GeoPoint,
    territory: i64,
    service_type: i64,
    asset: Option<i64>,
}

pub async fn visits_are_ones_a_dispatcher_could_make(conn: &mut Conn, today: Date) {
    let overlapping = count(
        conn,
        "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.technician_id = b.technician_id AND a.id < b.id \
         AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at",
    )
    .await;
    assert_eq!(
        overlapping, 0,
        "a technician is never in two places at once"
    );

    let techs: HashMap<TechnicianId, _> = technicians::list_technicians(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let polygons: HashMap<i64, _> = territories::list_territories(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id.0, t.polygon.unwrap()))
        .collect();
    let service_skills: HashMap<i64, Vec<SkillLevel>> =
        catalog::list_service_types(conn, ServiceTypeFilter::All)
            .await
            .unwrap()
            .into_iter()
            .map(|s| (s.id.0, s.required_skills))
            .collect();
    let mut asset_skills: HashMap<i64, Vec<SkillLevel>> = HashMap::new();
    for r in sqlx::query("SELECT asset_id, characteristic_id, min_rating FROM asset_skills")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
    {
        asset_skills
            .entry(r.i64("asset_id").unwrap())
            .or_default()
            .push(SkillLevel {
                characteristic_id: CharacteristicId(r.i64("characteristic_id").unwrap()),
                rating: Rating::new(r.i64("min_rating").unwrap()).unwrap(),
            });
    }
    let rows = sqlx::query(
        "SELECT b.technician_id, b.state, b.starts_at, b.ends_at, b.latitude, b.longitude, a.territory_id, \
         w.service_type_id, w.asset_id, a.latitude AS account_lat, a.longitude AS account_lon \
         FROM bookings b JOIN work_orders w ON w.id = b.work_order_id JOIN accounts a ON a.id = w.account_id \
         ORDER BY b.technician_id, b.starts_at",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let visits: Vec<Visit> = rows
        .iter()
        .map(|r| {
            let location =
                GeoPoint::new(r.f64("latitude").unwrap(), r.f64("longitude").unwrap()).unwrap();
            let account =
                GeoPoint::new(r.f64("account_lat").unwrap(), r.f64("account_lon").unwrap())
                    .unwrap();
            assert_eq!(
                location, account,
                "a visit happens at the account's address"
            );
            Visit {
                technician: TechnicianId(r.i64("technician_id").unwrap()),
                state: BookingState::parse(&r.text("state").unwrap()).unwrap(),
                starts_at: r.ts("starts_at").unwrap(),
                ends_at: r.ts("ends_at").unwrap(),
                location,
                territory: r
                    .opt_i64("territory_id")
                    .unwrap()
                    .expect("customer accounts have a territory"),
                service_type: r.i64("service_type_id").unwrap(),
                asset: r.opt_i64("asset_id").unwrap(),
            }
        })
        .collect();
    assert!(visits.len() > 1000);

    let decimal = |s: &settings::Setting| match s.parse(s.default).unwrap() {
        SettingValue::Decimal(v) => v,
        other => panic!("{other:?}"),
    };
    let (speed, factor) = (
        decimal(&settings::TRAVEL_SPEED_KMH),
        decimal(&settings::TRAVEL_ROAD_FACTOR),
    );
    let travel = |a: GeoPoint, b: GeoPoint| a.distance_km(b) * factor / speed * 60.0;

    let first_day = today.checked_sub(Span::new().days(56)).unwrap();
    let after_last = today.checked_add(Span::new().days(14)).unwrap();
    let mut previous: Option<&Visit> = None;
    for v in &visits {
        let t = &techs[&v.technician];
        let start = v.starts_at.to_zoned(tz());
        let end = v.ends_at.to_zoned(tz());
        let day = start.date();
        assert!(
            day >= first_day && day < after_last,
            "visit on {day} is outside 8 weeks back / 2 weeks ahead"
        );
        assert_eq!(end.date(), day, "a visit ends the day it starts");
        let (s, e) = (minute(&start), minute(&end));
        let periods: Vec<(u16, u16)> = match t.exceptions.iter().find(|x| x.date == day) {
            Some(x) => x.hours.into_iter().collect(),
            None => t
                .weekly_hours
                .iter()
                .filter(|p| p.weekday == day.weekday())
                .map(|p| (p.start, p.end))
                .collect(),
        };
        assert!(
            periods
                .iter()
                .any(|&(ps, pe)| s >= i64::from(ps) && e <= i64::from(pe)),
            "{} works {periods:?} on {day} but has a visit {s}–{e}",
            t.name
        );
        assert!(
            t.time_off
                .iter()
                .all(|o| v.ends_at <= o.starts_at || v.starts_at >= o.ends_at),
            "{} has a visit during time off",
            t.name
        );
        assert!(
            t.territories.iter().any(|x| x.0 == v.territory),
            "{} does not serve the territory",
            t.name
        );
        assert!(
            polygons[&v.territory].contains(v.location),
            "the account lies in its territory"
        );
        let mut needs = service_skills[&v.service_type].clone();
        needs.extend(
            v.asset
                .and_then(|a| asset_skills.get(&a))
                .into_iter()
                .flatten()
                .copied(),
        );
        assert!(
            meets_all(&t.skills, &needs),
            "{} lacks a skill for service type {}",
            t.name,
            v.service_type
        );

        // Travel: from the previous visit of the same day, else from home.
        let prev = previous
            .filter(|p| p.technician == v.technician && p.starts_at.to_zoned(tz()).date() == day);
        let (from, free_from) = match prev {
            Some(p) => (p.location, p.ends_at),
            None => {
                let first_period = periods.iter().map(|p| p.0).min().unwrap_or(0);
                // Local wall-clock time: on a DST day, midnight + 8 h of elapsed time is not 08:00.
                let local = day.to_datetime(jiff::civil::Time::midnight())
                    + Span::new().minutes(first_period);
                (t.home_base, local.to_zoned(tz()).unwrap().timestamp())
            }
        };
        let gap = (v.starts_at.as_second() - free_from.as_second()) as f64 / 60.0;
        assert!(
            gap >= travel(from, v.location),
            "{} cannot travel in {gap} minutes",
            t.name
        );
        // States follow the calendar: history is finished, what is ahead is not started.
        if day < today {
            assert!(
                matches!(v.state, BookingState::Completed | BookingState::Canceled),
                "past visit {:?}",
                v.state
            );
        } else {
            assert!(
                matches!(v.state, BookingState::Scheduled | BookingState::Canceled),
                "future visit {:?}",
                v.state
            );
        }
        previous = Some(v);
    }
}

fn minute(z: &jiff::Zoned) -> i64 {
    i64::from(z.hour()) * 60 + i64::from(z.minute())
}

pub async fn history_and_records(conn: &mut Conn, today: Date) {
    let today_start = start_of(today).as_millisecond();
    // Every booking's history starts with its creation and ends in its current state.
    let first_not_creation = count(
        conn,
        "SELECT COUNT(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM booking_transitions t \
         WHERE t.booking_id = b.id AND t.from_state IS NULL AND t.to_state = 'scheduled')",
    )
    .await;
    assert_eq!(first_not_creation, 0);
    let completed_steps = count(
        conn,
        "SELECT COUNT(*) FROM booking_transitions t JOIN bookings b ON b.id = t.booking_id WHERE b.state = 'completed'",
    )
    .await;
    let completed = count(
        conn,
        "SELECT COUNT(*) FROM bookings WHERE state = 'completed'",
    )
    .await;
    assert_eq!(
        completed_steps,
        completed * 4,
        "scheduled → traveling → in progress → completed"
    );
    let canceled_without_reason = count(
        conn,
        "SELECT COUNT(*) FROM bookings WHERE state = 'canceled' AND cancel_reason IS NULL",
    )
    .await;
    assert_eq!(canceled_without_reason, 0);
    let future_history: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM booking_transitions WHERE at > $1")
            .bind(today_start)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(
        future_history, 0,
        "nothing has happened after the day the demo is loaded"
    );

    let wo_statuses = strings(conn, "SELECT DISTINCT status FROM work_orders").await;
    for s in [
        "estimate_pending",
        "unscheduled",
        "scheduled",
        "in_progress",
        "completed",
        "posted",
        "canceled",
    ] {
        assert!(
            wo_statuses.contains(s),
            "no work order is {s}: {wo_statuses:?}"
        );
    }
    // Agreement terms agree with their status on the day the demo is dated.
    let rows = sqlx::query("SELECT number, status, starts_on, ends_on FROM agreements")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let in_30_days = today.checked_add(Span::new().days(30)).unwrap();
    for r in &rows {
        let (number, status) = (r.text("number").unwrap(), r.text("status").unwrap());
        let (starts, ends) = (r.date("starts_on").unwrap(), r.date("ends_on").unwrap());
        assert!(starts < ends, "{number} ends before it starts");
        let consistent = match status.as_str() {
            "active" => starts <= today && ends > in_30_days,
            "renewal_pending" => starts <= today && today <= ends && ends <= in_30_days,
            "expired" => ends < today,
            "draft" => starts > today,
            _ => false,
        };
        assert!(
            consistent,
            "{number} is {status} from {starts} to {ends} on {today}"
        );
    }
    let active = rows
        .iter()
        .filter(|r| r.text("status").unwrap() == "active")
        .count();
    assert!(active >= 50, "{active} active agreements");
    let agreement_statuses = strings(conn, "SELECT DISTINCT status FROM agreements").await;
    for s in ["active", "expired", "renewal_pending"] {
        assert!(agreement_statuses.contains(s), "no agreement is {s}");
    }
    let invoice_statuses = strings(conn, "SELECT DISTINCT status FROM invoices").await;
    for s in ["draft", "issued", "paid"] {
        assert!(invoice_statuses.contains(s), "no invoice is {s}");
    }
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM invoices WHERE currency <> 'CAD'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM invoice_lines WHERE tax_rate_milli_percent <> 14975"
        )
        .await,
        0
    );
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)")
            .await,
        0
    );
}

pub async fn partners_and_opportunities(conn: &mut Conn) {
    let profiles = partners::list_partner_profiles(conn).await.unwrap();
    assert!(profiles.len() >= 8);
    assert!(profiles.iter().all(|p| p.capacity > 0
        && !p.territories.is_empty()
        && !p.lead_types.is_empty()
        && !p.products.is_empty()));
    let statuses = strings(conn, "SELECT DISTINCT status FROM opportunities").await;
    for s in OpportunityStatus::ALL {
        assert!(statuses.contains(s.as_str()), "no opportunity is {s:?}");
    }
    let kinds = strings(conn, "SELECT DISTINCT kind FROM opportunity_events").await;
    for k in [
        "distributed",
        "accepted",
        "declined",
        "touched",
        "stage",
        "won",
        "lost",
    ] {
        assert!(kinds.contains(k), "no {k} event");
    }
    // Open opportunities never exceed a partner's capacity, and each sits with a partner that
    // takes its territory, lead type, products and revenue.
    let by_id: HashMap<AccountId, _> = profiles.iter().map(|p| (p.account_id, p)).collect();
    let all_territories = territories::list_territories(conn).await.unwrap();
    let mut open: BTreeMap<AccountId, u32> = BTreeMap::new();
    for p in &profiles {
        for o in partners::opportunities_of_partner(conn, p.account_id)
            .await
            .unwrap()
        {
            if o.status.is_open() && !o.internal {
                *open.entry(p.account_id).or_default() += 1;
            }
            if o.internal {
                continue;
            }
            let profile = by_id[&p.account_id];
            assert!(profile.lead_types.contains(&o.lead_type), "{}", o.name);
            assert!(
                o.products.iter().all(|x| profile.products.contains(x)),
                "{}",
                o.name
            );
            assert!(
                (profile.revenue_min_minor..=profile.revenue_max_minor)
                    .contains(&o.estimated_revenue_minor)
            );
            let served = all_territories
                .iter()
                .filter(|t| profile.territories.contains(&t.id))
                .any(|t| t.covers(&o.postal_code, Some(o.location)));
            assert!(served, "{} is outside the partner's territories", o.name);
        }
    }
    for (id, n) in open {
        assert!(
            n <= by_id[&id].capacity,
            "partner {id} holds {n} open opportunities"
        );
    }
}

/// Every kind of visit the demo customer has can be taken by at least two technicians (covering
/// its territory, with the skills): a dispatcher can move one of them to another row.
pub async fn the_demo_customers_visits_have_a_second_technician(conn: &mut Conn) {
    let fewest = count(
        conn,
        "SELECT MIN((SELECT COUNT(*) FROM technicians t \
             JOIN technician_territories tt ON tt.technician_id = t.id \
             WHERE tt.territory_id = a.territory_id AND t.active AND NOT EXISTS ( \
                 SELECT 1 FROM service_type_skills r WHERE r.service_type_id = w.service_type_id \
                 AND NOT EXISTS (SELECT 1 FROM technician_skills s WHERE s.technician_id = t.id \
                     AND s.characteristic_id = r.characteristic_id AND s.rating >= r.min_rating)))) \
         FROM bookings b JOIN work_orders w ON w.id = b.work_order_id \
         JOIN accounts a ON a.id = w.account_id \
         WHERE a.name = 'Boulangerie Fabre' AND b.state = 'scheduled'",
    )
    .await;
    assert!(
        fewest >= 2,
        "the demo customer's visits have {fewest} eligible technicians"
    );
}

pub async fn sign_ins(conn: &mut Conn, today: Date) {
    let today_start = start_of(today);
    let tomorrow_start = start_of(today.checked_add(Span::new().days(1)).unwrap());
    let mut users = HashMap::new();
    for (email, _) in onsite_demo::SIGN_INS {
        let user = accounts::user_by_email(conn, &EmailAddress::parse(email).unwrap())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{email} exists"));
        let hash = user.password_hash.clone().expect("a password is set");
        assert!(
            password_auth::verify_password(onsite_demo::PASSWORD, &hash).is_ok(),
            "{email} signs in with the demo password"
        );
        assert!(password_auth::verify_password("wrong-password", &hash).is_err());
        assert!(hash.starts_with("$argon2id$"), "{email}: {hash}");
        users.insert(*email, user);
    }
    let role = |email: &str| users[email].roles.clone();
    assert_eq!(role("customer@demo.test"), [Role::SelfScheduling]);
    assert_eq!(role("approver@demo.test"), [Role::CustomerApprover]);
    assert_eq!(role("reviewer@demo.test"), [Role::CustomerReviewer]);
    assert_eq!(role("partner@demo.test"), [Role::Partner]);
    assert_eq!(role("technician@demo.test"), [Role::Technician]);
    assert_eq!(role("dispatcher@demo.test"), [Role::Dispatcher]);
    assert_eq!(role("admin@demo.test"), [Role::Admin]);
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM users").await,
        7,
        "other contacts get no portal user"
    );

    // The customer, approver and reviewer share a customer account with visits on every side.
    let account = users["customer@demo.test"]
        .account_id
        .expect("the customer is a contact");
    assert_eq!(users["approver@demo.test"].account_id, Some(account));
    assert_eq!(users["reviewer@demo.test"].account_id, Some(account));
    assert_eq!(
        accounts::account(conn, account).await.unwrap().kind,
        AccountKind::Customer
    );
    let visits = bookings::bookings_of_account(conn, account).await.unwrap();
    let upcoming = visits
        .iter()
        .filter(|b| b.starts_at >= today_start && b.state == BookingState::Scheduled)
        .count();
    let completed = visits
        .iter()
        .filter(|b| b.starts_at < today_start && b.state == BookingState::Completed)
        .count();
    let canceled = visits
        .iter()
        .filter(|b| b.starts_at < today_start && b.state == BookingState::Canceled)
        .count();
    assert!(
        upcoming >= 1 && completed >= 1 && canceled >= 1,
        "upcoming {upcoming}, completed {completed}, canceled {canceled}"
    );
    let estimates: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM work_orders WHERE account_id = $1 AND status = 'estimate_pending' AND expose_to_customer = TRUE",
    )
    .bind(account.0)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(
        estimates >= 2,
        "the approver has an estimate to approve and one to reject"
    );
    let renewals: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM agreements WHERE account_id = $1 AND status = 'renewal_pending'",
    )
    .bind(account.0)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(renewals >= 1, "the approver has a renewal to approve");

    // The partner works opportunities of its own partner account.
    let partner = users["partner@demo.test"]
        .account_id
        .expect("the partner is a contact");
    assert_eq!(
        accounts::account(conn, partner).await.unwrap().kind,
        AccountKind::Partner
    );
    let opportunities = partners::opportunities_of_partner(conn, partner)
        .await
        .unwrap();
    for s in [
        OpportunityStatus::Distributed,
        OpportunityStatus::InProgress,
        OpportunityStatus::Won,
        OpportunityStatus::Lost,
    ] {
        assert!(
            opportunities.iter().any(|o| o.status == s),
            "the partner has no {s:?} opportunity"
        );
    }

    // The technician has visits today, whatever the weekday.
    let tech = technicians::technician_for_user(conn, users["technician@demo.test"].id)
        .await
        .unwrap()
        .expect("linked");
    let today_visits = bookings::bookings_of_technician(conn, tech.id, today_start, tomorrow_start)
        .await
        .unwrap();
    assert!(
        today_visits
            .iter()
            .filter(|b| b.state == BookingState::Scheduled)
            .count()
            >= 2,
        "{} has {} visits today",
        tech.name,
        today_visits.len()
    );
    assert!(users["technician@demo.test"].account_id.is_none());
    assert!(
        users["dispatcher@demo.test"].account_id.is_none()
            && users["admin@demo.test"].account_id.is_none()
    );
}

/// Every table's rows in a stable order, values as text, without the columns that record when
/// the row was written (the only thing allowed to differ between two loads).
pub async fn dump(conn: &mut Conn) -> Vec<String> {
    const TABLES: &[(&str, &str, &str)] = &[
        ("territories", "id, name, postal_prefixes, polygon", "id"),
        (
            "accounts",
            "id, kind, name, active, address_line, city, postal_code, country, latitude, longitude, time_zone, territory_id",
            "id",
        ),
        (
            "contacts",
            "id, account_id, first_name, last_name, email, phone",
            "id",
        ),
        (
            "users",
            "id, email, display_name, language, time_zone, notify_email, contact_id, disabled",
            "id",
        ),
        ("user_roles", "user_id, role", "user_id, role"),
        ("characteristics", "id, name", "id"),
        (
            "technicians",
            "id, name, kind, user_id, home_latitude, home_longitude, time_zone, active",
            "id",
        ),
        (
            "technician_territories",
            "technician_id, territory_id",
            "technician_id, territory_id",
        ),
        (
            "technician_skills",
            "technician_id, characteristic_id, rating",
            "technician_id, characteristic_id",
        ),
        (
            "working_hours",
            "technician_id, weekday, start_minute, end_minute",
            "technician_id, weekday, start_minute",
        ),
        (
            "working_exceptions",
            "technician_id, day, start_minute, end_minute",
            "technician_id, day",
        ),
        (
            "time_off",
            "id, technician_id, starts_at, ends_at, reason",
            "id",
        ),
        (
            "service_types",
            "id, name, description, duration_minutes, self_scheduling, active",
            "id",
        ),
        (
            "service_type_skills",
            "service_type_id, characteristic_id, min_rating",
            "service_type_id, characteristic_id",
        ),
        (
            "assets",
            "id, account_id, parent_id, master_id, name, product, serial_number, expose_to_customer",
            "id",
        ),
        (
            "asset_skills",
            "asset_id, characteristic_id, min_rating",
            "asset_id, characteristic_id",
        ),
        (
            "agreements",
            "id, number, account_id, name, status, starts_on, ends_on, description, expose_to_customer",
            "id",
        ),
        (
            "work_orders",
            "id, number, account_id, asset_id, service_type_id, agreement_id, status, summary, expose_to_customer, created_at, updated_at",
            "id",
        ),
        (
            "bookings",
            "id, work_order_id, technician_id, state, starts_at, ends_at, latitude, longitude, ics_uid, ics_sequence, cancel_reason, idempotency_key, created_at, updated_at",
            "id",
        ),
        (
            "booking_transitions",
            "id, booking_id, from_state, to_state, actor_user_id, at, note",
            "id",
        ),
        (
            "invoices",
            "id, number, account_id, work_order_id, agreement_id, status, currency, issued_on, due_on, expose_to_customer",
            "id",
        ),
        (
            "invoice_lines",
            "id, invoice_id, position, description, quantity_milli, unit_price_minor, tax_rate_milli_percent",
            "id",
        ),
        ("products", "id, code, name", "id"),
        (
            "partner_profiles",
            "account_id, capacity, revenue_min_minor, revenue_max_minor, lead_types",
            "account_id",
        ),
        (
            "partner_territories",
            "account_id, territory_id",
            "account_id, territory_id",
        ),
        (
            "partner_products",
            "account_id, product_id",
            "account_id, product_id",
        ),
        (
            "opportunities",
            "id, name, customer_name, latitude, longitude, postal_code, estimated_revenue_minor, lead_type, status, stage, partner_account_id, internal, distributed_at, accepted_at, closed_at, created_at",
            "id",
        ),
        (
            "opportunity_products",
            "opportunity_id, product_id",
            "opportunity_id, product_id",
        ),
        (
            "opportunity_events",
            "id, opportunity_id, partner_account_id, kind, at, note",
            "id",
        ),
        ("audit_events", "action, entity, entity_id, detail", "id"),
        (
            "survey_questions",
            "id, kind, labels, required, position, active, created_at",
            "id",
        ),
        (
            "feedback_responses",
            "id, booking_id, account_id, technician_id, service_type_id, visit_month, rating, comment, author_name, submitted_at",
            "id",
        ),
        (
            "feedback_answers",
            "response_id, question_id, rating, yes, text_value",
            "response_id, question_id",
        ),
    ];
    let mut out = Vec::new();
    for (table, columns, order) in TABLES {
        let cols: Vec<&str> = columns.split(", ").collect();
        let select = cols
            .iter()
            .map(|c| format!("CAST({c} AS TEXT) AS {c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!("SELECT {select} FROM {table} ORDER BY {order}"))
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        for r in rows {
            let values: Vec<String> = cols
                .iter()
                .map(|c| r.opt_text(c).unwrap().unwrap_or_else(|| "∅".to_owned()))
                .collect();
            out.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    out
}

/// Feedback (issue 5): the default survey, responses on other customers' completed visits only
/// (after the visit, before today), averages with something in them, and none on the demo
/// customer's visits so that the browser journey can send one.
pub async fn feedback(conn: &mut Conn, today: Date) {
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM survey_questions WHERE active = TRUE"
        )
        .await,
        3
    );
    let responses = count(conn, "SELECT COUNT(*) FROM feedback_responses").await;
    assert!(responses >= 50, "{responses} responses");
    let demo = accounts::user_by_email(conn, &EmailAddress::parse("customer@demo.test").unwrap())
        .await
        .unwrap()
        .unwrap()
        .account_id
        .unwrap();
    let on_demo: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM feedback_responses WHERE account_id = $1")
            .bind(demo.0)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(
        on_demo, 0,
        "the demo customer's visits wait for their feedback"
    );
    let not_completed = count(
        conn,
        "SELECT COUNT(*) FROM feedback_responses r JOIN bookings b ON b.id = r.booking_id \
         WHERE b.state <> 'completed' OR r.submitted_at < b.ends_at",
    )
    .await;
    assert_eq!(not_completed, 0);
    let late: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM feedback_responses WHERE submitted_at >= $1")
            .bind(start_of(today).as_millisecond())
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(late, 0, "sent before today");
    let technicians = count(
        conn,
        "SELECT COUNT(DISTINCT technician_id) FROM feedback_responses",
    )
    .await;
    let months = count(
        conn,
        "SELECT COUNT(DISTINCT visit_month) FROM feedback_responses",
    )
    .await;
    assert!(
        technicians >= 10 && months >= 2,
        "{technicians} technicians, {months} months"
    );
}
