//! The technician's day (SPEC §4, issue 5): today's and tomorrow's visits of the signed-in
//! technician, in order, with what they need at the door (address, customer and contact,
//! service type, asset, the customer's comments); the moves through the visit states go
//! through [`booking::transition`], which records who and when. Also the two emails those
//! moves send (SPEC §6), queued in the transition's own transaction: "technician on the way"
//! (with the estimated arrival, and the live map's link when tracking is on) and "visit
//! completed" (with the feedback link when surveys are on).
//!
//! A technician reaches only their own visits: another technician's is
//! [`BookingError::NotFound`], like one that does not exist.

use crate::booking::{
    self, BookingError, EmailParts, Result, bool_setting, found, one_line_address, recipient,
    site_settings,
};
use crate::context::App;
use crate::policy::{OnDuty, Worker};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use onsite_domain::account::Account;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_domain::geo::GeoPoint;
use onsite_domain::settings;
use onsite_domain::technician::Technician;
use onsite_domain::{AccountId, BookingId, InvalidInput};
use onsite_notify::visit_emails;
use onsite_schedule::TravelModel;
use onsite_store::visit_board::{self, BoardFilter};
use onsite_store::visits::{self, Visit};
use onsite_store::{Conn, accounts, bookings, technicians};
use std::collections::HashMap;

/// Most visits one day list reads (far above any real day).
const DAY_LIMIT: i64 = 200;

/// The customer's person to call about a visit: who booked it (or the account's first
/// self-scheduling user), else the account's first contact.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerContact {
    pub name: String,
    pub phone: Option<String>,
    pub email: String,
}

/// A visit as the technician's page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DayVisit {
    pub visit: Visit,
    /// The customer (the account's name).
    pub account_name: String,
    pub contact: Option<CustomerContact>,
    /// The service address on one line.
    pub address: String,
    /// Where it is, for a maps link.
    pub location: GeoPoint,
    /// The technician's zone, the one the page shows times in.
    pub time_zone: TimeZone,
    /// While Traveling: until when the technician may undo Start travel
    /// ([`booking::UNDO_TRAVEL`] after it), if that is still ahead.
    pub undo_until: Option<Timestamp>,
    /// Once Completed: the technician's completion note, if they wrote one.
    pub completion_note: Option<String>,
}

impl DayVisit {
    pub fn id(&self) -> BookingId {
        self.visit.booking.id
    }

    pub fn state(&self) -> BookingState {
        self.visit.booking.state
    }
}

/// The technician's page: today's and tomorrow's visits (not the canceled ones), by start time,
/// the days being the technician's own (their zone).
#[derive(Debug, Clone)]
pub struct TechnicianDay {
    pub technician: Technician,
    pub time_zone: TimeZone,
    pub today: Date,
    pub today_visits: Vec<DayVisit>,
    pub tomorrow: Date,
    pub tomorrow_visits: Vec<DayVisit>,
    /// Tracking is on (site setting): the page shares the position while Traveling.
    pub tracking: bool,
}

impl TechnicianDay {
    /// Whether a visit of the day is Traveling (the page then shares the phone's position).
    pub fn traveling(&self) -> bool {
        self.today_visits
            .iter()
            .chain(&self.tomorrow_visits)
            .any(|v| v.state() == BookingState::Traveling)
    }
}

/// The start of `day` in `zone`.
fn start_of(day: Date, zone: &TimeZone) -> Result<Timestamp> {
    Ok(day
        .to_zoned(zone.clone())
        .map_err(|_| InvalidInput::new("day", "date"))?
        .timestamp())
}

/// The signed-in technician's today and tomorrow.
pub async fn day(app: &App, on_duty: OnDuty, now: Timestamp) -> Result<TechnicianDay> {
    let id = on_duty.technician;
    let mut conn = app.store.conn().await?;
    let technician = found(technicians::technician(&mut conn, id).await)?;
    let zone = technician.time_zone.time_zone();
    let today = now.to_zoned(zone.clone()).date();
    let bad = |_| InvalidInput::new("day", "date");
    let tomorrow = today.checked_add(1.day()).map_err(bad)?;
    let after = today.checked_add(2.days()).map_err(bad)?;
    let listed = visit_board::visits(
        &mut conn,
        &BoardFilter {
            from: start_of(today, &zone)?,
            to: start_of(after, &zone)?,
            technician: Some(id),
            state: None,
            limit: DAY_LIMIT,
        },
    )
    .await?;
    let mut accounts = HashMap::new();
    let mut today_visits = Vec::new();
    let mut tomorrow_visits = Vec::new();
    for v in listed {
        if v.visit.booking.state == BookingState::Canceled {
            continue;
        }
        let on = v.visit.booking.starts_at.to_zoned(zone.clone()).date();
        let shown = day_visit(
            &mut conn,
            &mut accounts,
            v.visit,
            v.account_name,
            &zone,
            now,
        )
        .await?;
        if on == today {
            today_visits.push(shown);
        } else {
            tomorrow_visits.push(shown);
        }
    }
    let tracking = bool_setting(&mut conn, &settings::TRACKING_ENABLED).await?;
    Ok(TechnicianDay {
        tracking,
        technician,
        time_zone: zone,
        today,
        today_visits,
        tomorrow,
        tomorrow_visits,
    })
}

/// One visit of the signed-in technician (another technician's is not found), as at `now`.
pub async fn visit(app: &App, on_duty: OnDuty, id: BookingId, now: Timestamp) -> Result<DayVisit> {
    let technician = on_duty.technician;
    let mut conn = app.store.conn().await?;
    let visit = found(visits::visit(&mut conn, id).await)?;
    if visit.booking.technician_id != technician {
        return Err(BookingError::NotFound);
    }
    let zone = found(technicians::technician(&mut conn, technician).await)?
        .time_zone
        .time_zone();
    let account = found(accounts::account(&mut conn, visit.account_id).await)?;
    let name = account.name.clone();
    let mut known = HashMap::from([(account.id, account)]);
    day_visit(&mut conn, &mut known, visit, name, &zone, now).await
}

/// Moves one of the signed-in technician's visits (Start travel, Start work, Complete with a
/// note) and answers the visit as it is now. Canceling is the dispatchers'; another
/// technician's visit is not found; an illegal move is [`BookingError::NotModifiable`] and
/// changes nothing.
pub async fn transition(
    app: &App,
    on_duty: OnDuty,
    id: BookingId,
    action: BookingAction,
    note: Option<&str>,
    now: Timestamp,
) -> Result<DayVisit> {
    if action == BookingAction::Cancel {
        return Err(BookingError::NotAllowed);
    }
    // Scoped first, so that another technician's visit is "not found" whatever the move.
    visit(app, on_duty, id, now).await?;
    booking::transition(app, Worker::Technician(on_duty), id, action, note, now).await?;
    visit(app, on_duty, id, now).await
}

/// The technician sets out for `id` instead of the visit they were on the way to
/// ([`booking::travel_instead`]): answers this visit and the one whose travel stopped, as they
/// are now.
pub async fn travel_instead(
    app: &App,
    on_duty: OnDuty,
    id: BookingId,
    now: Timestamp,
) -> Result<(DayVisit, Option<DayVisit>)> {
    let stopped = booking::travel_instead(app, on_duty, id, now).await?;
    let stopped = match stopped {
        Some(other) => Some(visit(app, on_duty, other, now).await?),
        None => None,
    };
    Ok((visit(app, on_duty, id, now).await?, stopped))
}

async fn day_visit(
    conn: &mut Conn,
    known: &mut HashMap<AccountId, Account>,
    visit: Visit,
    account_name: String,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<DayVisit> {
    let (mut undo_until, mut completion_note) = (None, None);
    match visit.booking.state {
        BookingState::Traveling => {
            undo_until = bookings::last_entered(conn, visit.booking.id, BookingState::Traveling)
                .await?
                .and_then(|(at, _)| at.checked_add(booking::UNDO_TRAVEL).ok())
                .filter(|until| *until > now);
        }
        BookingState::Completed => {
            completion_note =
                bookings::last_entered(conn, visit.booking.id, BookingState::Completed)
                    .await?
                    .and_then(|(_, note)| note);
        }
        _ => {}
    }
    if !known.contains_key(&visit.account_id) {
        let account = found(accounts::account(conn, visit.account_id).await)?;
        known.insert(account.id, account);
    }
    let account = &known[&visit.account_id];
    let contact = contact_of(conn, &visit).await?;
    Ok(DayVisit {
        address: one_line_address(account),
        location: visit.booking.location,
        time_zone: zone.clone(),
        undo_until,
        completion_note,
        account_name,
        contact,
        visit,
    })
}

async fn contact_of(conn: &mut Conn, visit: &Visit) -> Result<Option<CustomerContact>> {
    if let Some(user) = visits::customer_of_booking(conn, visit.booking.id).await?
        && let Some(user) = accounts::user_by_id(conn, user).await?
        && let Some(contact) = user.contact_id
    {
        let c = found(accounts::contact(conn, contact).await)?;
        return Ok(Some(CustomerContact {
            name: c.full_name(),
            phone: c.phone.map(|p| p.as_str().to_owned()).or(user.phone),
            email: c.email.as_str().to_owned(),
        }));
    }
    Ok(accounts::contacts_of_account(conn, visit.account_id)
        .await?
        .into_iter()
        .next()
        .map(|c| CustomerContact {
            name: c.full_name(),
            phone: c.phone.map(|p| p.as_str().to_owned()),
            email: c.email.as_str().to_owned(),
        }))
}

// ---- The emails of a move -------------------------------------------------------------------

/// The first word of a technician's name, as customers are told it ("Théo is on the way").
fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// Where the technician sets out from for `visit`: the place of their previous visit of the
/// same day (in their zone) that was not canceled, else their home base.
async fn setting_out_from(
    conn: &mut Conn,
    technician: &Technician,
    visit: &Visit,
) -> Result<GeoPoint> {
    let zone = technician.time_zone.time_zone();
    let day = visit.booking.starts_at.to_zoned(zone.clone()).date();
    let earlier = onsite_store::bookings::bookings_of_technician(
        conn,
        technician.id,
        start_of(day, &zone)?,
        visit.booking.starts_at,
    )
    .await?;
    Ok(earlier
        .iter()
        .filter(|b| b.id != visit.booking.id && b.state != BookingState::Canceled)
        .filter(|b| b.starts_at < visit.booking.starts_at)
        .max_by_key(|b| (b.starts_at, b.id))
        .map_or(technician.home_base, |b| b.location))
}

/// Queues, in the transaction `tx` of the move to `to`, the email that move sends the customer:
/// "on the way" for Traveling, "not on the way after all" for Scheduled (only a stopped travel
/// moves a visit back there), "completed" for Completed (nothing for the other states, or when
/// nobody is to be told). Returns whether an email was queued.
pub(crate) async fn queue_transition_email(
    app: &App,
    tx: &mut Conn,
    id: BookingId,
    to: BookingState,
    now: Timestamp,
) -> Result<bool> {
    if !matches!(
        to,
        BookingState::Traveling | BookingState::Scheduled | BookingState::Completed
    ) {
        return Ok(false);
    }
    let visit = found(visits::visit(tx, id).await)?;
    let account = found(accounts::account(tx, visit.account_id).await)?;
    // The acting technician or dispatcher is never the customer: tell the visit's customer.
    let Some(to_whom) = recipient(tx, None, id, &account).await? else {
        return Ok(false);
    };
    let parts = EmailParts::new(app, &visit, &account, &to_whom);
    let facts = parts.facts();
    let email = if to == BookingState::Scheduled {
        let technician = found(technicians::technician(tx, visit.booking.technician_id).await)?;
        visit_emails::travel_stopped(
            &to_whom.user.email,
            to_whom.locale,
            &facts,
            first_name(&technician.name),
            now,
        )?
    } else if to == BookingState::Traveling {
        let technician = found(technicians::technician(tx, visit.booking.technician_id).await)?;
        let from = setting_out_from(tx, &technician, &visit).await?;
        let travel = site_settings(&*app.store.reference(tx).await?)?.travel;
        let minutes = travel.travel(from, visit.booking.location).minutes;
        let eta = now
            .checked_add(SignedDuration::from_mins(minutes))
            .unwrap_or(now);
        let live_map = bool_setting(tx, &settings::TRACKING_ENABLED)
            .await?
            .then(|| app.link(&format!("/bookings/{id}/live")));
        visit_emails::technician_on_the_way(
            &to_whom.user.email,
            to_whom.locale,
            &facts,
            first_name(&technician.name),
            now,
            eta,
            live_map.as_deref(),
        )?
    } else {
        let feedback = bool_setting(tx, &settings::SURVEYS_ENABLED)
            .await?
            .then(|| app.link(&format!("/bookings/{id}/feedback")));
        visit_emails::visit_completed(
            &to_whom.user.email,
            to_whom.locale,
            &facts,
            feedback.as_deref(),
        )?
    };
    email.enqueue(tx).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::first_name;

    #[test]
    fn customers_are_told_the_technicians_first_name() {
        assert_eq!(first_name("Théo Technicien"), "Théo");
        assert_eq!(first_name("  Ana "), "Ana");
        assert_eq!(first_name(""), "");
    }
}
