//! Self-scheduling use cases (SPEC §2–§4, issue 4): what can be booked, which days and slots
//! are free, booking, the customer's homepage, rescheduling, canceling, and the staff's moves
//! through the visit states.
//!
//! Every function is scoped by the caller's [`Principal`]: a customer reaches only their own
//! account's visits (another account's visit is [`BookingError::NotFound`], never "forbidden",
//! so its existence is not revealed) and may change only Scheduled ones; staff reach every
//! account.
//!
//! The double-booking guarantee: [`book`] and [`reschedule`] choose a technician from a snapshot
//! (the scheduling engine, `onsite-schedule`), then in ONE transaction take that technician's
//! lock (PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE), re-read their visits and re-check
//! the time *including travel* with the engine restricted to them, and only then write. If the
//! re-check fails, the next best technician at that time is tried; if nobody is left, the answer
//! is [`BookingError::SlotTaken`] ("this time was just taken"). The database's own overlap
//! constraint stays as the last line of defence. A repeated submission with the same
//! idempotency key returns the first booking and books nothing.

use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Customer, Grant, OnDuty, Reach, Scheduler, Worker};
use crate::secrets::Secret;
use crate::webhooks::{self, VisitChange};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::account::Account;
use onsite_domain::asset::Asset;
use onsite_domain::booking::{Booking, BookingAction, BookingState};
use onsite_domain::service_type::ServiceType;
use onsite_domain::settings::{self, Setting, SettingValue};
use onsite_domain::technician::Technician;
use onsite_domain::text::{free_text, single_line};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{
    AccountId, AssetId, BookingId, InvalidInput, ServiceTypeId, TechnicianId, TerritoryId, UserId,
    WorkOrderId,
};
use onsite_i18n::Locale;
use onsite_notify::booking_emails::{self, VisitFacts};
use onsite_notify::emails::RenderError;
use onsite_schedule::{
    Commitment, DayAvailability, GreatCircle, Ineligible, Planner, Request, SearchInput, Settings,
    Slot, Unavailable, check_eligibility, combined_skills,
};
use onsite_store::accounts::{self, UserRecord};
use onsite_store::bookings::{self, Move, NewBooking, TransitionError};
use onsite_store::catalog::{self, ServiceTypeFilter};
use onsite_store::reference::Reference;
use onsite_store::visibility::Visibility;
use onsite_store::visits::{self, Visit};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Conn, StoreError, assets, audit, reassignment};
use std::borrow::Cow;

/// Longest customer comment on a booking, in characters.
pub const COMMENTS_MAX: usize = 2000;
/// Longest cancellation reason or transition note, in characters.
pub const REASON_MAX: usize = 1000;
/// Longest idempotency key a form may send.
pub const IDEMPOTENCY_KEY_MAX: usize = 200;
/// How many technicians one booking tries, under their lock, before answering "taken".
const MAX_CANDIDATES: usize = 5;
/// Visits of the technicians around a chosen time that can matter to it: their local day,
/// whatever their zone, lies within two days of it (the engine's own margin).
const AROUND: SignedDuration = SignedDuration::from_hours(48);

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// Unknown, or another account's (never revealed as such).
    #[error("not found")]
    NotFound,
    /// The person's roles do not allow this at all.
    #[error("not allowed")]
    NotAllowed,
    /// Self-scheduling is turned off for customers (site setting).
    #[error("self-scheduling is disabled")]
    Disabled,
    /// Staff deactivated the account: no visit is booked or moved for it.
    #[error("the account is not active")]
    AccountInactive,
    /// The chosen time is not bookable: too soon, beyond the horizon, or not a slot.
    #[error(transparent)]
    InvalidSlot(Unavailable),
    /// Nobody is free at that time any more ("this time was just taken").
    #[error("this time was just taken")]
    SlotTaken,
    /// Staff named a technician who may not take this visit at all (territory, skills, kind,
    /// inactive).
    #[error("the technician cannot take this visit: {0}")]
    TechnicianIneligible(Ineligible),
    /// Staff named an eligible technician who is not free at that time (travel included).
    #[error("the technician is not free at that time")]
    TechnicianBusy,
    /// The visit is not in a state that allows this (a customer changing a Traveling visit).
    #[error("a {0:?} visit cannot be changed")]
    NotModifiable(BookingState),
    /// Someone changed the visit at the same moment: look again.
    #[error("the visit changed meanwhile")]
    Changed,
    /// The technician is on the way to this other visit already: stop that first (or go here
    /// instead, [`travel_instead`]).
    #[error("already traveling to visit {0}")]
    AlreadyTraveling(BookingId),
    /// Travel started longer ago than a technician may undo it ([`UNDO_TRAVEL`]).
    #[error("too late to undo the travel")]
    UndoTooLate,
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot render email: {0}")]
    Email(#[from] RenderError),
}

impl BookingError {
    /// The Fluent message id that explains the error to the person (`booking.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            BookingError::NotFound => "booking-not-found",
            BookingError::NotAllowed => "booking-not-allowed",
            BookingError::Disabled => "booking-disabled",
            BookingError::AccountInactive => "customers-booking-account-inactive",
            BookingError::InvalidSlot(Unavailable::TooSoon) => "booking-too-soon",
            BookingError::InvalidSlot(Unavailable::OutsideHorizon) => "booking-outside-horizon",
            BookingError::InvalidSlot(Unavailable::NotASlot) => "booking-not-a-slot",
            BookingError::InvalidSlot(Unavailable::NoTechnician) | BookingError::SlotTaken => {
                "booking-slot-taken"
            }
            BookingError::TechnicianIneligible(why) => match why {
                Ineligible::NotAUser => "staff-booking-technician-not-a-user",
                Ineligible::Inactive => "staff-booking-technician-inactive",
                Ineligible::OutsideTerritory => "staff-booking-technician-outside-territory",
                Ineligible::MissingSkills => "staff-booking-technician-missing-skills",
            },
            BookingError::TechnicianBusy => "staff-booking-technician-busy",
            BookingError::NotModifiable(_) => "booking-not-modifiable",
            BookingError::Changed => "booking-changed",
            BookingError::AlreadyTraveling(_) => "booking-already-traveling",
            BookingError::UndoTooLate => "booking-undo-too-late",
            BookingError::Invalid(e) => match (e.field, e.reason) {
                ("reason", "required") => "booking-reason-required",
                ("reason", _) => "booking-reason-too-long",
                ("comments", _) => "booking-comments-too-long",
                ("note", _) => "booking-note-too-long",
                ("account", _) => "booking-account-required",
                ("technician_id", _) => "staff-booking-technician-unknown",
                ("account_id", _) => "staff-booking-account-unknown",
                ("service_type_id", _) => "staff-booking-service-type-unknown",
                ("asset_id", _) => "staff-booking-asset-unknown",
                ("ends_at", _) => "booking-time-off-order",
                ("territories", _) | ("skills", _) => "booking-unknown-reference",
                _ => "booking-invalid-input",
            },
            BookingError::Store(_) | BookingError::Email(_) => "error-internal",
        }
    }

    /// Whether this is the system's fault (log it, answer 500) rather than the request's.
    pub fn is_internal(&self) -> bool {
        matches!(self, BookingError::Store(_) | BookingError::Email(_))
    }
}

impl Failure for BookingError {
    fn kind(&self) -> Kind {
        match self {
            BookingError::NotFound => Kind::NotFound,
            BookingError::NotAllowed => Kind::NotAllowed,
            BookingError::Disabled => Kind::Disabled,
            BookingError::Invalid(_) | BookingError::InvalidSlot(_) => Kind::Invalid,
            BookingError::SlotTaken
            | BookingError::Changed
            | BookingError::NotModifiable(_)
            | BookingError::AccountInactive
            | BookingError::TechnicianIneligible(_)
            | BookingError::TechnicianBusy
            | BookingError::AlreadyTraveling(_)
            | BookingError::UndoTooLate => Kind::Conflict,
            BookingError::Store(e) => e.kind(),
            BookingError::Email(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            BookingError::InvalidSlot(_) => "invalid_slot",
            BookingError::SlotTaken => "slot_taken",
            BookingError::TechnicianIneligible(_) => "technician_ineligible",
            BookingError::TechnicianBusy => "technician_busy",
            BookingError::Changed => "changed",
            BookingError::NotModifiable(_) => "not_modifiable",
            BookingError::AccountInactive => "account_inactive",
            BookingError::AlreadyTraveling(_) => "already_traveling",
            BookingError::UndoTooLate => "undo_too_late",
            BookingError::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            BookingError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            BookingError::InvalidSlot(_) | BookingError::SlotTaken => {
                Some(Cow::Borrowed("slot_start"))
            }
            BookingError::TechnicianIneligible(_) | BookingError::TechnicianBusy => {
                Some(Cow::Borrowed("technician_id"))
            }
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            BookingError::Store(e) => e.message(locale),
            _ => locale.text(self.message_id()),
        }
    }
}

/// Commits, as a store error on failure.
pub(crate) async fn commit(tx: onsite_store::Tx) -> Result<()> {
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Rolls back at once (rather than when the connection is next used): on PostgreSQL this is
/// what releases the technician's lock for the next booking.
pub(crate) async fn rollback(tx: onsite_store::Tx) -> Result<()> {
    tx.rollback().await.map_err(StoreError::from)?;
    Ok(())
}

pub type Result<T, E = BookingError> = std::result::Result<T, E>;

/// `NotFound` from the store is the person's "not found"; anything else is the system's.
pub(crate) fn found<T>(r: Result<T, StoreError>) -> Result<T> {
    match r {
        Err(StoreError::NotFound) => Err(BookingError::NotFound),
        other => Ok(other?),
    }
}

// ---- Who may do what ------------------------------------------------------------------------

// ---- What is being booked -------------------------------------------------------------------

/// What a customer asks for: a service type, optionally on one of their assets. Staff booking
/// for a customer name the account (or an asset of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceRequest {
    pub service_type: ServiceTypeId,
    pub asset: Option<AssetId>,
    /// Staff only: the account the visit is for. Customers leave it `None` (their own account;
    /// naming another is "not found").
    pub account: Option<AccountId>,
}

impl ServiceRequest {
    pub fn new(service_type: ServiceTypeId, asset: Option<AssetId>) -> ServiceRequest {
        ServiceRequest {
            service_type,
            asset,
            account: None,
        }
    }
}

/// The self-scheduling service types ("incident types exposed for self-scheduling"), by name,
/// each named in `locale` when it has a name in that language (else its default name).
pub async fn service_types(app: &App, locale: onsite_i18n::Locale) -> Result<Vec<ServiceType>> {
    let mut conn = app.store.conn().await?;
    let mut types =
        catalog::list_service_types(&mut conn, ServiceTypeFilter::SelfScheduling).await?;
    let names = catalog::service_type_names_in(&mut conn, locale.tag()).await?;
    for (id, name) in names {
        if let Some(t) = types.iter_mut().find(|t| t.id == id) {
            t.name = name;
        }
    }
    types.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
    Ok(types)
}

/// The assets a customer may pick when booking: their account's, exposed to them.
pub async fn assets_for_booking(app: &App, scheduler: Scheduler) -> Result<Vec<Asset>> {
    let Reach::Account(account) = scheduler.reach else {
        // Staff book for an account they name: `assets_of_account` in the back office.
        return Ok(Vec::new());
    };
    let mut conn = app.store.conn().await?;
    Ok(assets::assets_of_account(&mut conn, account, Visibility::ExposedToCustomer).await?)
}

/// The scheduling settings of the site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteSettings {
    pub(crate) enabled: bool,
    pub(crate) engine: Settings,
    pub(crate) travel: GreatCircle,
}

pub(crate) async fn bool_setting(conn: &mut Conn, s: &Setting) -> Result<bool> {
    Ok(matches!(
        onsite_store::settings::get(conn, s).await?,
        SettingValue::Bool(true)
    ))
}

pub(crate) fn site_settings(
    reference: &Reference,
) -> std::result::Result<SiteSettings, StoreError> {
    let corrupt = |e: InvalidInput| StoreError::Corrupt(format!("scheduling setting {e}"));
    let wanted = [
        &settings::SLOT_MINUTES,
        &settings::ARRIVAL_WINDOW_MINUTES,
        &settings::HORIZON_DAYS,
        &settings::LEAD_TIME_MINUTES,
        &settings::TRAVEL_SPEED_KMH,
        &settings::TRAVEL_ROAD_FACTOR,
        &settings::SELF_SCHEDULING_ENABLED,
    ];
    let values = wanted.map(|s| reference.setting(s));
    let int = |i: usize| match values[i] {
        SettingValue::Integer(v) => Ok(v),
        _ => Err(StoreError::Corrupt(format!(
            "setting {} is not a number",
            wanted[i].key
        ))),
    };
    let decimal = |i: usize| match values[i] {
        SettingValue::Decimal(v) => Ok(v),
        SettingValue::Integer(v) => Ok(v as f64),
        _ => Err(StoreError::Corrupt(format!(
            "setting {} is not a number",
            wanted[i].key
        ))),
    };
    let engine = Settings::new(int(0)?, int(1)?, int(2)?, int(3)?).map_err(corrupt)?;
    let travel = GreatCircle::new(decimal(4)?, decimal(5)?).map_err(corrupt)?;
    Ok(SiteSettings {
        enabled: matches!(values[6], SettingValue::Bool(true)),
        engine,
        travel,
    })
}

/// The territories serving an address: those whose postal prefixes or polygon cover it, and
/// the account's own territory if it has one.
pub(crate) fn territories_of(reference: &Reference, account: &Account) -> Vec<TerritoryId> {
    let mut ids: Vec<TerritoryId> = reference
        .territories
        .iter()
        .filter(|t| t.covers(&account.address.postal_code, Some(account.address.location)))
        .map(|t| t.id)
        .collect();
    if let Some(own) = account.territory_id
        && !ids.contains(&own)
    {
        ids.push(own);
    }
    ids
}

/// Everything one search looks at, read from the store: the engine's input.
struct World {
    account: Account,
    service_type: ServiceType,
    asset: Option<Asset>,
    request: Request,
    technicians: Vec<Technician>,
    commitments: Vec<Commitment>,
    site: SiteSettings,
}

/// Whether the visit already exists (rescheduling it): then the service type need not be
/// offered for self-scheduling any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    NewVisit,
    Existing(BookingId),
}

/// The account (scoped to the caller) and the asset a request is for. A customer asking while
/// self-scheduling is off is told so; an inactive account is refused to everyone (no visit is
/// booked or moved for it; its visits can still be canceled).
async fn subject(
    conn: &mut Conn,
    reach: Reach,
    req: &ServiceRequest,
    site: &SiteSettings,
) -> Result<(Account, Option<Asset>)> {
    let asset = match req.asset {
        Some(id) => Some(found(assets::asset(conn, id).await)?),
        None => None,
    };
    let account_id = match reach {
        Reach::Account(own) => {
            if req.account.is_some_and(|a| a != own) {
                return Err(BookingError::NotFound);
            }
            if !site.enabled {
                return Err(BookingError::Disabled);
            }
            own
        }
        Reach::Staff(_) => req
            .account
            .or(asset.as_ref().map(|a| a.account_id))
            .ok_or(InvalidInput::new("account", "required"))?,
    };
    if let Some(a) = &asset {
        let hidden = !reach.visibility().shows(a.expose_to_customer);
        if a.account_id != account_id || hidden {
            return Err(BookingError::NotFound);
        }
    }
    let account = found(accounts::account(conn, account_id).await)?;
    if !account.active {
        return Err(BookingError::AccountInactive);
    }
    Ok((account, asset))
}

/// Reads the world for a request around `[from, to)`: the service type, the territories
/// covering the subject's address, their technicians (from the reference snapshot), and the
/// open visits in the window (leaving out the visit being moved).
async fn load_world(
    conn: &mut Conn,
    reference: &Reference,
    reach: Reach,
    req: &ServiceRequest,
    (account, asset): (Account, Option<Asset>),
    purpose: Purpose,
    (from, to): (Timestamp, Timestamp),
) -> Result<World> {
    let site = site_settings(reference)?;
    let service_type = reference
        .service_type(req.service_type)
        .cloned()
        .ok_or(BookingError::NotFound)?;
    let offered = service_type.active && (service_type.self_scheduling || reach.staff().is_some());
    if purpose == Purpose::NewVisit && !offered {
        return Err(BookingError::NotFound);
    }
    let territories = territories_of(reference, &account);
    let technicians = reference.active_in_territories(&territories);
    let except = match purpose {
        Purpose::Existing(id) => Some(id),
        Purpose::NewVisit => None,
    };
    let ids: Vec<TechnicianId> = technicians.iter().map(|t| t.id).collect();
    let commitments = bookings::open_bookings_of(conn, &ids, from, to, except)
        .await?
        .iter()
        .map(Commitment::from)
        .collect();
    let request = Request {
        location: account.address.location,
        time_zone: account.address.time_zone.time_zone(),
        territories,
        duration: service_type.duration,
        required_skills: combined_skills(
            &service_type.required_skills,
            asset.as_ref().map_or(&[][..], |a| &a.required_skills[..]),
        ),
    };
    Ok(World {
        account,
        service_type,
        asset,
        request,
        technicians,
        commitments,
        site,
    })
}

impl World {
    fn planner<'a>(
        &'a self,
        technicians: &'a [Technician],
        commitments: &'a [Commitment],
        now: Timestamp,
    ) -> Planner<'a, GreatCircle> {
        Planner::new(
            SearchInput {
                request: &self.request,
                technicians,
                commitments,
                settings: self.site.engine,
                now,
            },
            &self.site.travel,
        )
    }

    /// The best technician at `start` among those not yet tried, on the snapshot.
    fn next_best(
        &self,
        tried: &[TechnicianId],
        start: Timestamp,
        now: Timestamp,
    ) -> Option<TechnicianId> {
        let left: Vec<Technician> = self
            .technicians
            .iter()
            .filter(|t| !tried.contains(&t.id))
            .cloned()
            .collect();
        self.planner(&left, &self.commitments, now)
            .assign_at(start)
            .map(|a| a.technician_id)
    }
}

/// The open visits the engine must see for days `from..=to` of the service zone: two days of
/// margin each side, as the engine asks.
fn days_window(from: Date, to: Date, tz: &TimeZone) -> Result<(Timestamp, Timestamp)> {
    let bad = |_| InvalidInput::new("date", "out-of-range");
    let start = from.to_zoned(tz.clone()).map_err(bad)?.timestamp();
    let end = to
        .tomorrow()
        .map_err(bad)?
        .to_zoned(tz.clone())
        .map_err(bad)?
        .timestamp();
    Ok((
        start.saturating_sub(AROUND).map_err(bad)?,
        end.saturating_add(AROUND).map_err(bad)?,
    ))
}

pub(crate) fn around(t: Timestamp) -> (Timestamp, Timestamp) {
    (
        t.saturating_sub(AROUND).unwrap_or(Timestamp::MIN),
        t.saturating_add(AROUND).unwrap_or(Timestamp::MAX),
    )
}

/// The zone a person reads times in: their profile's, else the account's.
pub(crate) fn display_zone(user: Option<&UserRecord>, account: &Account) -> TimeZone {
    user.and_then(|u| u.time_zone.as_deref())
        .and_then(|z| TimeZone::get(z).ok())
        .unwrap_or_else(|| account.address.time_zone.time_zone())
}

pub(crate) async fn user(conn: &mut Conn, id: UserId) -> Result<Option<UserRecord>> {
    Ok(accounts::user_by_id(conn, id).await?)
}

// ---- Days and slots -------------------------------------------------------------------------

/// The date picker: which days of `from..=to` have a free slot. Days outside the booking
/// horizon are left out; `bookable` says which days can be booked at all.
#[derive(Debug, Clone)]
pub struct DayPicker {
    pub days: Vec<DayAvailability>,
    /// Today and the last bookable day, in the service location's zone.
    pub bookable: Option<(Date, Date)>,
    /// Whether anyone serves the address for this request at all (if not, say so rather than
    /// show an empty calendar).
    pub served: bool,
}

/// Which days in `from..=to` (service location's zone) have at least one free slot.
pub async fn available_days(
    app: &App,
    scheduler: Scheduler,
    req: &ServiceRequest,
    from: Date,
    to: Date,
    now: Timestamp,
) -> Result<DayPicker> {
    let reach = scheduler.reach;
    let mut conn = app.store.conn().await?;
    let reference = app.store.reference(&mut conn).await?;
    // Only the part of the range inside the horizon matters; read the visits for that part.
    let site = site_settings(&reference)?;
    let subject = subject(&mut conn, reach, req, &site).await?;
    let account_tz = subject.0.address.time_zone.time_zone();
    let today = now.to_zoned(account_tz.clone()).date();
    let last = today
        .checked_add(jiff::Span::new().days(site.engine.horizon_days()))
        .unwrap_or(today);
    let (from, to) = (from.max(today), to.min(last));
    if from > to {
        let world = load_world(
            &mut conn,
            &reference,
            reach,
            req,
            subject,
            Purpose::NewVisit,
            around(now),
        )
        .await?;
        let planner = world.planner(&world.technicians, &world.commitments, now);
        return Ok(DayPicker {
            days: Vec::new(),
            bookable: planner.bookable_days(),
            served: planner.has_eligible_technicians(),
        });
    }
    let window = days_window(from, to, &account_tz)?;
    let world = load_world(
        &mut conn,
        &reference,
        reach,
        req,
        subject,
        Purpose::NewVisit,
        window,
    )
    .await?;
    let planner = world.planner(&world.technicians, &world.commitments, now);
    Ok(DayPicker {
        days: planner.available_days(from, to),
        bookable: planner.bookable_days(),
        served: planner.has_eligible_technicians(),
    })
}

/// One day's free slots.
#[derive(Debug, Clone)]
pub struct SlotList {
    pub date: Date,
    /// In increasing order. `Slot::start` is what [`BookRequest::slot_start`] takes.
    pub slots: Vec<Slot>,
    pub served: bool,
    /// The zone to show the times in (the person's, else the account's).
    pub time_zone: TimeZone,
}

/// The free slots of one day (service location's zone).
pub async fn slots(
    app: &App,
    scheduler: Scheduler,
    req: &ServiceRequest,
    date: Date,
    now: Timestamp,
) -> Result<SlotList> {
    let day = day_search(app, scheduler, req, date, now, |p| p.slots(date)).await?;
    Ok(SlotList {
        date: day.answer.date,
        slots: day.answer.slots,
        served: day.served,
        time_zone: day.time_zone,
    })
}

/// What [`day_search`] found for one day.
pub(crate) struct DaySearch<T> {
    pub(crate) answer: T,
    pub(crate) served: bool,
    /// The zone to show the times in (the person's, else the account's).
    pub(crate) time_zone: TimeZone,
}

/// Asks the engine about one day (service location's zone) of a request: the one search of the
/// customer's slot list and of the staff's (which also ranks each slot's technicians).
pub(crate) async fn day_search<T>(
    app: &App,
    scheduler: Scheduler,
    req: &ServiceRequest,
    date: Date,
    now: Timestamp,
    ask: impl FnOnce(&Planner<'_, GreatCircle>) -> T,
) -> Result<DaySearch<T>> {
    let reach = scheduler.reach;
    let mut conn = app.store.conn().await?;
    let reference = app.store.reference(&mut conn).await?;
    let subject = subject(&mut conn, reach, req, &site_settings(&reference)?).await?;
    let window = days_window(date, date, &subject.0.address.time_zone.time_zone())?;
    let world = load_world(
        &mut conn,
        &reference,
        reach,
        req,
        subject,
        Purpose::NewVisit,
        window,
    )
    .await?;
    let planner = world.planner(&world.technicians, &world.commitments, now);
    let answer = ask(&planner);
    let me = user(&mut conn, scheduler.user()).await?;
    Ok(DaySearch {
        answer,
        served: planner.has_eligible_technicians(),
        time_zone: display_zone(me.as_ref(), &world.account),
    })
}

// ---- What a person sees of a visit ----------------------------------------------------------

/// A visit as the homepage and the visit page show it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitView {
    pub id: BookingId,
    pub state: BookingState,
    pub starts_at: Timestamp,
    /// The end of the promised arrival window (= `starts_at` without a window).
    pub arrival_window_end: Timestamp,
    pub ends_at: Timestamp,
    /// The zone to show the times in: the person's, else the account's.
    pub time_zone: TimeZone,
    pub service_type: String,
    /// The asset's name, unless there is none or it is hidden from the person.
    pub asset: Option<String>,
    pub technician_id: TechnicianId,
    pub technician_name: String,
    pub work_order_id: WorkOrderId,
    /// The work order's number, unless it is hidden from the person (not exposed to the
    /// customer).
    pub work_order_number: Option<String>,
    /// The customer's comments when booking, unless the work order is hidden from the person.
    pub comments: Option<String>,
    /// The service address on one line.
    pub address: String,
    pub cancel_reason: Option<String>,
    /// "Modify" (reschedule, cancel) is offered: only while Scheduled.
    pub may_modify: bool,
    /// "View Live Map": Traveling, with tracking enabled.
    pub live_map: bool,
    /// Nobody can make the visit at its time: the customer should pick a new one.
    pub needs_new_time: bool,
    /// "Send Feedback": Completed, surveys enabled, no feedback yet (see `feedback.rs`).
    pub feedback_due: bool,
    /// The overall rating of the feedback sent on this visit, if any.
    pub feedback_rating: Option<u8>,
    /// The calendar UID and the sequence of this version.
    pub ics_uid: String,
    pub ics_sequence: i64,
}

pub(crate) fn one_line_address(a: &Account) -> String {
    let addr = &a.address;
    let city = [addr.city.trim(), addr.postal_code.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [addr.line.trim(), city.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The visit as a person with `visibility` sees it (the only way a [`VisitView`] is made).
fn view(
    v: &Visit,
    visibility: Visibility,
    account: &Account,
    zone: &TimeZone,
    tracking: bool,
) -> VisitView {
    let b = &v.booking;
    let records = v.records(visibility);
    VisitView {
        id: b.id,
        state: b.state,
        starts_at: b.starts_at,
        arrival_window_end: v.arrival_window_end.unwrap_or(b.starts_at),
        ends_at: b.ends_at,
        time_zone: zone.clone(),
        service_type: v.service_type.clone(),
        asset: records.asset.map(str::to_owned),
        technician_id: b.technician_id,
        technician_name: v.technician_name.clone(),
        work_order_id: b.work_order_id,
        work_order_number: records.work_order_number.map(str::to_owned),
        comments: records.comments.map(str::to_owned),
        address: one_line_address(account),
        cancel_reason: b.cancel_reason.clone(),
        may_modify: b.state.customer_may_modify(),
        live_map: tracking && b.state == BookingState::Traveling,
        needs_new_time: v.needs_new_time && b.state == BookingState::Scheduled,
        feedback_due: false,
        feedback_rating: None,
        ics_uid: b.ics_uid.clone(),
        ics_sequence: b.ics_sequence,
    }
}

/// The customer's homepage, grouped as SPEC §2 says.
#[derive(Debug, Clone)]
pub struct Homepage {
    /// "Active appointment": the Traveling visit (the earliest if several).
    pub active: Option<VisitView>,
    /// "Upcoming appointments": the other Traveling visits (with View Live Map), In Progress
    /// (Modify disabled) and Scheduled (with Modify), by start time.
    pub upcoming: Vec<VisitView>,
    /// "Past appointments": Canceled and Completed, newest first.
    pub past: Vec<VisitView>,
    pub time_zone: TimeZone,
}

impl Homepage {
    /// Nothing to show: the page is just "Book a new appointment" and a friendly line.
    pub fn is_empty(&self) -> bool {
        self.active.is_none() && self.upcoming.is_empty() && self.past.is_empty()
    }
}

/// Groups visits (in start order) into the homepage's sections.
pub fn group_homepage(views: Vec<VisitView>, time_zone: TimeZone) -> Homepage {
    let mut active = None;
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    let mut views = views;
    views.sort_by_key(|v| (v.starts_at, v.id));
    for v in views {
        match v.state {
            BookingState::Traveling if active.is_none() => active = Some(v),
            BookingState::Completed | BookingState::Canceled => past.push(v),
            _ => upcoming.push(v),
        }
    }
    past.reverse();
    Homepage {
        active,
        upcoming,
        past,
        time_zone,
    }
}

/// The signed-in customer's homepage.
pub async fn homepage(app: &App, customer: Customer, _now: Timestamp) -> Result<Homepage> {
    let account_id = customer.account;
    let mut conn = app.store.conn().await?;
    let account = found(accounts::account(&mut conn, account_id).await)?;
    let me = user(&mut conn, customer.user()).await?;
    let zone = display_zone(me.as_ref(), &account);
    let tracking = bool_setting(&mut conn, &settings::TRACKING_ENABLED).await?;
    let surveys = bool_setting(&mut conn, &settings::SURVEYS_ENABLED).await?;
    let rated = crate::feedback::rated_visits(&mut conn, account_id).await?;
    let views = visits::visits_of_account(&mut conn, account_id)
        .await?
        .iter()
        .map(|v| {
            let mut view = view(v, Visibility::ExposedToCustomer, &account, &zone, tracking);
            view.feedback_due =
                surveys && view.state == BookingState::Completed && !rated.contains(&view.id);
            view
        })
        .collect();
    Ok(group_homepage(views, zone))
}

/// One visit of the caller's account (any account for staff); another account's is
/// [`BookingError::NotFound`].
pub async fn booking_for_customer(
    app: &App,
    scheduler: Scheduler,
    id: BookingId,
) -> Result<VisitView> {
    let reach = scheduler.reach;
    let mut conn = app.store.conn().await?;
    let visit = scoped_visit(&mut conn, reach, id).await?;
    visit_view(&mut conn, scheduler, &visit).await
}

/// What a visit was booked for (its service type and asset), to search new times for it: for
/// the people who may see the visit only.
pub async fn service_request_of(
    app: &App,
    scheduler: Scheduler,
    id: BookingId,
) -> Result<ServiceRequest> {
    let reach = scheduler.reach;
    let visit = scoped_visit(&mut *app.store.conn().await?, reach, id).await?;
    Ok(ServiceRequest::new(visit.service_type_id, visit.asset_id))
}

async fn scoped_visit(conn: &mut Conn, reach: Reach, id: BookingId) -> Result<Visit> {
    let visit = found(visits::visit(conn, id).await)?;
    if !reach.sees(visit.account_id) {
        return Err(BookingError::NotFound);
    }
    Ok(visit)
}

async fn visit_view(conn: &mut Conn, scheduler: Scheduler, visit: &Visit) -> Result<VisitView> {
    let visibility = scheduler.reach.visibility();
    let account = found(accounts::account(conn, visit.account_id).await)?;
    let me = user(conn, scheduler.user()).await?;
    let zone = display_zone(me.as_ref(), &account);
    let tracking = bool_setting(conn, &settings::TRACKING_ENABLED).await?;
    let mut view = view(visit, visibility, &account, &zone, tracking);
    if view.state == BookingState::Completed {
        let sent = onsite_store::feedback::response_for_booking(conn, view.id).await?;
        view.feedback_rating = sent.as_ref().map(|r| r.rating.get());
        view.feedback_due = sent.is_none()
            && scheduler.reach.account() == Some(visit.account_id)
            && bool_setting(conn, &settings::SURVEYS_ENABLED).await?;
    }
    Ok(view)
}

// ---- Emails ---------------------------------------------------------------------------------

/// Who an email about a visit goes to, in their language and zone.
pub(crate) struct Recipient {
    pub(crate) user: UserRecord,
    pub(crate) locale: Locale,
    pub(crate) zone: TimeZone,
}

/// The person to tell: the acting customer themselves, or (when staff or the system acted) the
/// visit's customer. `None` when there is nobody, or they turned email notifications off.
pub(crate) async fn recipient(
    conn: &mut Conn,
    acting: Option<Scheduler>,
    booking: BookingId,
    account: &Account,
) -> Result<Option<Recipient>> {
    let id = match acting {
        Some(s) if s.reach.account() == Some(account.id) => Some(s.user()),
        _ => visits::customer_of_booking(conn, booking).await?,
    };
    let Some(id) = id else { return Ok(None) };
    let Some(user) = user(conn, id)
        .await?
        .filter(|u| u.notify_email && !u.disabled)
    else {
        return Ok(None);
    };
    let locale = Locale::negotiate(user.language.as_deref(), None);
    let zone = display_zone(Some(&user), account);
    Ok(Some(Recipient { user, locale, zone }))
}

/// The host part of the portal's address, for calendar UIDs and the invitation's organizer.
fn portal_host(app: &App) -> String {
    let rest = app
        .public_url
        .split_once("://")
        .map_or(app.public_url.as_str(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    if host.is_empty() {
        "onsite.invalid".to_owned()
    } else {
        host.to_owned()
    }
}

fn organizer_email(app: &App) -> String {
    format!("no-reply@{}", portal_host(app))
}

/// The facts of a visit for its emails, borrowed from the pieces the caller holds.
pub(crate) struct EmailParts<'a> {
    visit: &'a Visit,
    recipient: &'a Recipient,
    link: String,
    address: String,
    organizer: String,
}

impl<'a> EmailParts<'a> {
    pub(crate) fn new(
        app: &App,
        visit: &'a Visit,
        account: &Account,
        recipient: &'a Recipient,
    ) -> Self {
        EmailParts {
            visit,
            recipient,
            link: app.link(&format!("/bookings/{}", visit.booking.id)),
            address: one_line_address(account),
            organizer: organizer_email(app),
        }
    }

    /// What the email says: the emails about a visit go to its customer, so a work order or an
    /// asset hidden from the customer is not named.
    pub(crate) fn facts(&self) -> VisitFacts<'_> {
        let b = &self.visit.booking;
        let records = self.visit.records(Visibility::ExposedToCustomer);
        VisitFacts {
            booking_id: b.id,
            recipient_name: &self.recipient.user.display_name,
            service_type: &self.visit.service_type,
            asset: records.asset,
            technician: &self.visit.technician_name,
            address: &self.address,
            work_order: records.work_order_number,
            comments: records.comments,
            starts_at: b.starts_at,
            arrival_window_end: self.visit.arrival_window_end,
            ends_at: b.ends_at,
            time_zone: &self.recipient.zone,
            link: &self.link,
            ics_uid: &b.ics_uid,
            ics_sequence: b.ics_sequence,
            organizer_email: &self.organizer,
        }
    }
}

// ---- Booking --------------------------------------------------------------------------------

/// The Book button.
#[derive(Debug, Clone, Copy)]
pub struct BookRequest<'a> {
    pub service: ServiceRequest,
    /// A slot's `start` from [`slots`].
    pub slot_start: Timestamp,
    /// Optional comments (what is wrong, door code…).
    pub comments: &'a str,
    /// A value the form generated once: submitting it again returns the first booking.
    pub idempotency_key: Option<&'a str>,
}

/// A booking made (or found again for a repeated submission).
#[derive(Debug, Clone)]
pub struct Booked {
    pub visit: VisitView,
    /// `true`: the same idempotency key booked before; nothing new was booked.
    pub replayed: bool,
}

/// What one try under one technician's lock came to.
enum Attempt<T> {
    Done(T),
    /// The technician cannot take it after all (someone booked them first).
    Taken,
    /// The idempotency key booked already (a concurrent double submission).
    Replayed(BookingId),
}

/// Books a visit: creates, in one transaction, the work order, the booking (Scheduled) with the
/// best technician free at that time including travel, its first transition, the audit event
/// and the confirmation email with its calendar invitation.
pub async fn book(
    app: &App,
    scheduler: Scheduler,
    req: BookRequest<'_>,
    now: Timestamp,
) -> Result<Booked> {
    book_as(app, scheduler, req, None, now).await
}

/// [`book`], with the technician staff named (`Some`) or the engine's choice (`None`). A named
/// technician must be eligible ([`BookingError::TechnicianIneligible`]) and free at that time
/// including travel ([`BookingError::TechnicianBusy`]); if someone takes them first, the answer
/// is [`BookingError::SlotTaken`] (no other technician is tried: staff chose this one).
pub(crate) async fn book_as(
    app: &App,
    scheduler: Scheduler,
    req: BookRequest<'_>,
    named: Option<TechnicianId>,
    now: Timestamp,
) -> Result<Booked> {
    let reach = scheduler.reach;
    let comments = free_text("comments", req.comments, COMMENTS_MAX)?;
    // Keys are the form's; prefixing the user keeps one person's key from meeting another's.
    let key = req
        .idempotency_key
        .map(|k| single_line("idempotency_key", k, IDEMPOTENCY_KEY_MAX))
        .transpose()?
        .map(|k| format!("{}:{k}", scheduler.user()));
    let mut conn = app.store.conn().await?;
    if let Some(key) = &key
        && let Some(first) = bookings::booking_by_idempotency_key(&mut conn, key).await?
    {
        return replayed(app, scheduler, reach, first.id).await;
    }
    let reference = app.store.reference(&mut conn).await?;
    let subject = subject(&mut conn, reach, &req.service, &site_settings(&reference)?).await?;
    let world = load_world(
        &mut conn,
        &reference,
        reach,
        &req.service,
        subject,
        Purpose::NewVisit,
        around(req.slot_start),
    )
    .await?;
    drop(conn);
    // "Taken" may be our own double submission that committed after the key check above:
    // look for the key once more before saying so.
    let taken = || async {
        if let Some(key) = &key
            && let Some(first) =
                bookings::booking_by_idempotency_key(&mut *app.store.conn().await?, key).await?
        {
            return replayed(app, scheduler, reach, first.id).await;
        }
        Err(BookingError::SlotTaken)
    };
    if let Some(named) = named {
        let tech = reference
            .technician(named)
            .ok_or(InvalidInput::new("technician_id", "unknown"))?;
        check_eligibility(tech, &world.request).map_err(BookingError::TechnicianIneligible)?;
    }
    let planner = world.planner(&world.technicians, &world.commitments, now);
    let first = match planner.assign(req.slot_start) {
        Ok(first) => first,
        Err(Unavailable::NoTechnician) => return taken().await,
        Err(other) => return Err(BookingError::InvalidSlot(other)),
    };
    let first = match named {
        None => first.technician_id,
        Some(named) if first.technician_id == named => named,
        Some(named) => {
            if !planner
                .candidates_at(req.slot_start)
                .iter()
                .any(|a| a.technician_id == named)
            {
                return Err(BookingError::TechnicianBusy);
            }
            named
        }
    };
    let mut candidate = first;
    let mut tried = Vec::new();
    loop {
        match try_book(
            app,
            scheduler,
            &world,
            candidate,
            &req,
            comments.as_deref(),
            key.as_deref(),
            now,
        )
        .await?
        {
            Attempt::Done(visit) => {
                app.mail_queued();
                return Ok(Booked {
                    visit,
                    replayed: false,
                });
            }
            Attempt::Replayed(id) => return replayed(app, scheduler, reach, id).await,
            Attempt::Taken => {
                tried.push(candidate);
                let next = (named.is_none() && tried.len() < MAX_CANDIDATES)
                    .then(|| world.next_best(&tried, req.slot_start, now))
                    .flatten();
                match next {
                    Some(next) => candidate = next,
                    None => return taken().await,
                }
            }
        }
    }
}

async fn replayed(app: &App, scheduler: Scheduler, reach: Reach, id: BookingId) -> Result<Booked> {
    let mut conn = app.store.conn().await?;
    let visit = scoped_visit(&mut conn, reach, id).await?;
    Ok(Booked {
        visit: visit_view(&mut conn, scheduler, &visit).await?,
        replayed: true,
    })
}

/// Under `technician`'s lock: re-checks the time against their visits as committed now
/// (travel included) and, if it holds, writes everything in one transaction.
#[allow(clippy::too_many_arguments)]
async fn try_book(
    app: &App,
    scheduler: Scheduler,
    world: &World,
    technician: TechnicianId,
    req: &BookRequest<'_>,
    comments: Option<&str>,
    key: Option<&str>,
    now: Timestamp,
) -> Result<Attempt<VisitView>> {
    // Shares its commit with the bookings queued at the same moment (SQLite; see
    // `onsite_store::Store::turn`): answered only once durable.
    let mut tx = app.store.turn().await?;
    bookings::lock_technician(&mut tx, technician).await?;
    if let Some(key) = key
        && let Some(first) = bookings::booking_by_idempotency_key(&mut tx, key).await?
    {
        // Kept, not discarded (nothing was written): this returns once the first booking is
        // committed, which may be in this very group, so that it can be read back.
        tx.keep().await?;
        return Ok(Attempt::Replayed(first.id));
    }
    // The roster as committed now: the snapshot checked against the database's version through
    // this transaction.
    let reference = app.store.reference(&mut tx).await?;
    let Some(assignment) = recheck(
        &mut tx,
        &reference,
        world,
        technician,
        req.slot_start,
        None,
        now,
    )
    .await?
    else {
        tx.discard().await?;
        return Ok(Attempt::Taken);
    };
    // A provisional number, unique because the UID is: the real one comes from the id.
    let uid = format!("{}@{}", &Secret::token().expose()[..32], portal_host(app));
    let work_order = work_orders::insert_work_order(
        &mut tx,
        &NewWorkOrder {
            number: &format!("new:{uid}"),
            account_id: world.account.id,
            asset_id: world.asset.as_ref().map(|a| a.id),
            service_type_id: world.service_type.id,
            agreement_id: None,
            status: WorkOrderStatus::Scheduled,
            summary: comments,
            expose_to_customer: true,
            created_at: now,
        },
    )
    .await?;
    let number = visits::number_work_order(&mut tx, work_order).await?;
    let inserted = bookings::insert_booking(
        &mut tx,
        &NewBooking {
            work_order_id: work_order,
            technician_id: technician,
            starts_at: assignment.starts_at,
            ends_at: assignment.ends_at,
            location: world.account.address.location,
            ics_uid: &uid,
            idempotency_key: key,
            booked_by: Some(scheduler.user()),
            booked_at: now,
        },
    )
    .await;
    let booking = match inserted {
        Ok(id) => id,
        // The database's own overlap guard: only a writer that skipped the lock can get here.
        Err(e) if e.is_overlap() => {
            tx.discard().await?;
            return Ok(Attempt::Taken);
        }
        // The same key committed by a submission that locked another technician.
        Err(StoreError::Conflict { constraint }) if constraint.contains("idempotency") => {
            tx.discard().await?;
            let mut conn = app.store.conn().await?;
            let key = key.unwrap_or_default();
            return match bookings::booking_by_idempotency_key(&mut conn, key).await? {
                Some(first) => Ok(Attempt::Replayed(first.id)),
                None => Err(BookingError::Changed),
            };
        }
        Err(e) => return Err(e.into()),
    };
    if assignment.arrival_window_end > assignment.starts_at {
        bookings::set_arrival_window_end(&mut tx, booking, Some(assignment.arrival_window_end))
            .await?;
    }
    let mut details = serde_json::json!({
        "work_order": number,
        "technician": technician.0,
        "starts_at": assignment.starts_at.to_string(),
        "ends_at": assignment.ends_at.to_string(),
    });
    if scheduler.reach.staff().is_some() {
        // Staff booked for the customer (a phone order), rather than the customer.
        details["on_behalf_of_account"] = world.account.id.0.into();
    }
    audit::record(
        &mut tx,
        Some(scheduler.user()),
        "booking.create",
        "booking",
        Some(booking.0),
        &details,
    )
    .await?;
    let visit = visits::visit(&mut tx, booking).await?;
    webhooks::booking_event(&mut tx, &visit, VisitChange::Created, now).await?;
    let to = recipient(&mut tx, Some(scheduler), booking, &world.account).await?;
    if let Some(to) = &to {
        let parts = EmailParts::new(app, &visit, &world.account, to);
        booking_emails::booking_confirmed(&to.user.email, to.locale, &parts.facts(), now)?
            .enqueue(&mut tx)
            .await?;
    }
    // What the confirmation page shows, from what this transaction read and wrote (a new visit
    // has no feedback): nothing to read again once it is committed.
    let zone = match &to {
        Some(me) => me.zone.clone(),
        None => display_zone(
            user(&mut tx, scheduler.user()).await?.as_ref(),
            &world.account,
        ),
    };
    let tracking = reference.enabled(&settings::TRACKING_ENABLED);
    let view = view(
        &visit,
        scheduler.reach.visibility(),
        &world.account,
        &zone,
        tracking,
    );
    tx.keep().await?;
    Ok(Attempt::Done(view))
}

/// Inside the technician's lock: their record and visits as committed now, and the engine's
/// answer for them alone at `start` (travel before and after included).
async fn recheck(
    tx: &mut Conn,
    reference: &Reference,
    world: &World,
    technician: TechnicianId,
    start: Timestamp,
    except: Option<BookingId>,
    now: Timestamp,
) -> Result<Option<onsite_schedule::Assignment>> {
    let Some(tech) = reference.technician(technician).cloned() else {
        return Ok(None);
    };
    let (from, to) = around(start);
    // By the technician's index (the write lock is held: keep this short).
    let theirs: Vec<Commitment> = bookings::open_bookings_of(tx, &[technician], from, to, except)
        .await?
        .iter()
        .map(Commitment::from)
        .collect();
    let only = [tech];
    // The database refuses an overlap on insert too (exclusion constraint / trigger): the
    // callers treat that refusal as "taken".
    Ok(world.planner(&only, &theirs, now).assign_at(start))
}

// ---- Reschedule and cancel ------------------------------------------------------------------

/// Moves a Scheduled visit to another slot (the same search, leaving this visit out). The
/// technician may change; the work order and the calendar UID stay; the calendar sequence
/// grows by one and the customer gets the updated invitation. Choosing the time the visit
/// already has changes nothing (a repeated submission).
pub async fn reschedule(
    app: &App,
    scheduler: Scheduler,
    id: BookingId,
    new_start: Timestamp,
    now: Timestamp,
) -> Result<VisitView> {
    let reach = scheduler.reach;
    let mut conn = app.store.conn().await?;
    let visit = scoped_visit(&mut conn, reach, id).await?;
    if visit.booking.state != BookingState::Scheduled {
        return Err(BookingError::NotModifiable(visit.booking.state));
    }
    if visit.booking.starts_at == new_start {
        return visit_view(&mut conn, scheduler, &visit).await;
    }
    let service = ServiceRequest {
        service_type: visit.service_type_id,
        asset: visit.asset_id,
        account: Some(visit.account_id),
    };
    // The account is the visit's; a customer already proved it is theirs.
    let reach = match reach {
        Reach::Account(_) => Reach::Account(visit.account_id),
        staff @ Reach::Staff(_) => staff,
    };
    let reference = app.store.reference(&mut conn).await?;
    let subject = subject(&mut conn, reach, &service, &site_settings(&reference)?).await?;
    let world = load_world(
        &mut conn,
        &reference,
        reach,
        &service,
        subject,
        Purpose::Existing(id),
        around(new_start),
    )
    .await?;
    drop(conn);
    let first = world
        .planner(&world.technicians, &world.commitments, now)
        .assign(new_start)
        .map_err(|e| match e {
            Unavailable::NoTechnician => BookingError::SlotTaken,
            other => BookingError::InvalidSlot(other),
        })?;
    let mut candidate = first.technician_id;
    let mut tried = Vec::new();
    loop {
        match try_move(app, scheduler, &world, &visit, candidate, new_start, now).await? {
            Attempt::Done(()) => break,
            Attempt::Replayed(_) => return Err(BookingError::Changed),
            Attempt::Taken => {
                tried.push(candidate);
                if tried.len() >= MAX_CANDIDATES {
                    return Err(BookingError::SlotTaken);
                }
                candidate = world
                    .next_best(&tried, new_start, now)
                    .ok_or(BookingError::SlotTaken)?;
            }
        }
    }
    app.mail_queued();
    let mut conn = app.store.conn().await?;
    let visit = found(visits::visit(&mut conn, id).await)?;
    visit_view(&mut conn, scheduler, &visit).await
}

async fn try_move(
    app: &App,
    scheduler: Scheduler,
    world: &World,
    visit: &Visit,
    technician: TechnicianId,
    new_start: Timestamp,
    now: Timestamp,
) -> Result<Attempt<()>> {
    let id = visit.booking.id;
    let mut tx = app.store.begin().await?;
    bookings::lock_technician(&mut tx, technician).await?;
    let reference = app.store.reference(&mut tx).await?;
    let Some(a) = recheck(
        &mut tx,
        &reference,
        world,
        technician,
        new_start,
        Some(id),
        now,
    )
    .await?
    else {
        rollback(tx).await?;
        return Ok(Attempt::Taken);
    };
    let to = NewTime {
        technician,
        starts_at: a.starts_at,
        arrival_window_end: (a.arrival_window_end > a.starts_at).then_some(a.arrival_window_end),
        ends_at: a.ends_at,
    };
    let done = write_move(
        app,
        &mut tx,
        scheduler,
        visit,
        &world.account,
        &to,
        MoveAudit {
            action: "booking.reschedule",
            override_reason: None,
        },
        now,
    )
    .await?;
    match done {
        Written::Done => {}
        Written::Changed => {
            rollback(tx).await?;
            return Err(BookingError::Changed);
        }
        Written::Overlap => {
            rollback(tx).await?;
            return Ok(Attempt::Taken);
        }
    }
    commit(tx).await?;
    Ok(Attempt::Done(()))
}

/// A visit's new technician and time, as a move writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NewTime {
    pub(crate) technician: TechnicianId,
    pub(crate) starts_at: Timestamp,
    /// `None`: arrival at `starts_at`.
    pub(crate) arrival_window_end: Option<Timestamp>,
    pub(crate) ends_at: Timestamp,
}

/// What the audit line of a move says beyond before → after.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MoveAudit<'a> {
    /// `booking.reschedule` (the search chose the technician) or `booking.move` (a dispatcher
    /// did).
    pub(crate) action: &'static str,
    /// The dispatcher's reason for overriding hours or travel.
    pub(crate) override_reason: Option<&'a str>,
}

/// What writing a move came to. On anything but `Done` the caller rolls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    Done,
    /// The visit is no longer Scheduled, or changed since it was read.
    Changed,
    /// The database's overlap guard refused it (only a writer that skipped the lock).
    Overlap,
}

/// Writes the move of the Scheduled `visit` (as read) to `to` in `tx`: the new time with the
/// calendar sequence + 1 (the UID stays), a line in its history, its reassignment flag
/// resolved, the audit line (who, technician and time before → after, the override reason) and
/// the customer's "new time" email with the updated invitation. Shared by rescheduling and the
/// dispatcher's moves (`crate::moves`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_move(
    app: &App,
    tx: &mut Conn,
    scheduler: Scheduler,
    visit: &Visit,
    account: &Account,
    to: &NewTime,
    audit_as: MoveAudit<'_>,
    now: Timestamp,
) -> Result<Written> {
    let old = &visit.booking;
    let id = old.id;
    let moved = bookings::move_booking(
        tx,
        &Move {
            id,
            expected_sequence: old.ics_sequence,
            technician_id: to.technician,
            starts_at: to.starts_at,
            arrival_window_end: to.arrival_window_end,
            ends_at: to.ends_at,
            at: now,
        },
    )
    .await;
    match moved {
        Ok(true) => {}
        Ok(false) => return Ok(Written::Changed),
        Err(e) if e.is_overlap() => return Ok(Written::Overlap),
        Err(e) => return Err(e.into()),
    }
    let technician = to.technician;
    let note = format!(
        "rescheduled from {} to {}{}{}",
        old.starts_at,
        to.starts_at,
        if technician == old.technician_id {
            String::new()
        } else {
            format!(" (technician {} → {})", old.technician_id, technician)
        },
        audit_as
            .override_reason
            .map_or(String::new(), |r| format!("; override: {r}")),
    );
    bookings::record_change(
        tx,
        id,
        BookingState::Scheduled,
        Some(scheduler.user()),
        now,
        &note,
    )
    .await?;
    reassignment::resolve(tx, id, now).await?;
    let mut details = serde_json::json!({
        "from": old.starts_at.to_string(),
        "to": to.starts_at.to_string(),
        "technician_before": old.technician_id.0,
        "technician": technician.0,
    });
    if let Some(reason) = audit_as.override_reason {
        details["override_reason"] = serde_json::Value::from(reason);
    }
    audit::record(
        tx,
        Some(scheduler.user()),
        audit_as.action,
        "booking",
        Some(id.0),
        &details,
    )
    .await?;
    let updated = visits::visit(tx, id).await?;
    let change = VisitChange::Rescheduled {
        from: old.starts_at,
    };
    webhooks::booking_event(tx, &updated, change, now).await?;
    if let Some(to) = recipient(tx, Some(scheduler), id, account).await? {
        let parts = EmailParts::new(app, &updated, account, &to);
        booking_emails::booking_rescheduled(
            &to.user.email,
            to.locale,
            &parts.facts(),
            old.starts_at,
            now,
        )?
        .enqueue(tx)
        .await?;
    }
    Ok(Written::Done)
}

/// Cancels a visit with a reason (required). Customers: only Scheduled visits of their account.
/// Staff: whatever the state machine allows (Scheduled or Traveling). The customer gets the
/// cancellation with a `METHOD:CANCEL` invitation.
pub async fn cancel(
    app: &App,
    scheduler: Scheduler,
    id: BookingId,
    reason: &str,
    now: Timestamp,
) -> Result<VisitView> {
    let reach = scheduler.reach;
    let reason =
        free_text("reason", reason, REASON_MAX)?.ok_or(InvalidInput::new("reason", "required"))?;
    let mut conn = app.store.conn().await?;
    let visit = scoped_visit(&mut conn, reach, id).await?;
    drop(conn);
    let state = visit.booking.state;
    let allowed = match reach {
        Reach::Account(_) => state.customer_may_modify(),
        Reach::Staff(_) => state.transition(BookingAction::Cancel).is_ok(),
    };
    if !allowed {
        return Err(BookingError::NotModifiable(state));
    }
    let mut tx = app.store.begin().await?;
    let done = bookings::transition_booking_at(
        &mut tx,
        id,
        BookingAction::Cancel,
        Some(scheduler.user()),
        Some(&reason),
        now,
    )
    .await;
    match done {
        Ok(_) => {}
        Err(TransitionError::Illegal(e)) => return Err(BookingError::NotModifiable(e.from)),
        Err(TransitionError::Store(StoreError::Conflict { .. }) | TransitionError::OutOfOrder) => {
            return Err(BookingError::Changed);
        }
        Err(TransitionError::Store(e)) => return Err(e.into()),
    }
    // A customer may cancel only what is still Scheduled. Had a technician set out between the
    // read above and this write, the state machine would have accepted the Traveling visit:
    // the recorded transition says which state it left, and dropping the transaction undoes it.
    if reach.staff().is_none() {
        let left = bookings::transitions(&mut tx, id)
            .await?
            .pop()
            .and_then(|t| t.from);
        if left != Some(BookingState::Scheduled) {
            return Err(BookingError::NotModifiable(left.unwrap_or(state)));
        }
    }
    close_work_order_if_done(&mut tx, visit.booking.work_order_id, now).await?;
    reassignment::resolve(&mut tx, id, now).await?;
    audit::record(
        &mut tx,
        Some(scheduler.user()),
        "booking.cancel",
        "booking",
        Some(id.0),
        &serde_json::json!({ "reason": reason }),
    )
    .await?;
    let updated = visits::visit(&mut tx, id).await?;
    if updated.booking.state != BookingState::Canceled {
        return Err(BookingError::Changed);
    }
    webhooks::booking_event(&mut tx, &updated, VisitChange::Canceled, now).await?;
    let account = found(accounts::account(&mut tx, visit.account_id).await)?;
    if let Some(to) = recipient(&mut tx, Some(scheduler), id, &account).await? {
        let parts = EmailParts::new(app, &updated, &account, &to);
        booking_emails::booking_canceled(
            &to.user.email,
            to.locale,
            &parts.facts(),
            &reason,
            &app.link("/bookings/new"),
            now,
        )?
        .enqueue(&mut tx)
        .await?;
    }
    commit(tx).await?;
    app.mail_queued();
    // Live maps of the visit re-check at once (it is no longer Traveling).
    app.tracking
        .hub
        .visits_changed(updated.booking.technician_id);
    let mut conn = app.store.conn().await?;
    visit_view(&mut conn, scheduler, &updated).await
}

/// A work order whose visits are all canceled is canceled too.
async fn close_work_order_if_done(
    conn: &mut Conn,
    work_order: WorkOrderId,
    now: Timestamp,
) -> Result<()> {
    let open = bookings::bookings_of_work_order(conn, work_order)
        .await?
        .iter()
        .any(|b: &Booking| b.state != BookingState::Canceled);
    if !open {
        work_orders::set_work_order_status(conn, work_order, WorkOrderStatus::Canceled, now)
            .await?;
    }
    Ok(())
}

// ---- Staff and technicians move visits through their states ---------------------------------

/// How long after Start travel a technician may undo it (a mistaken tap); staff may stop a
/// travel at any time.
pub const UNDO_TRAVEL: SignedDuration = SignedDuration::from_mins(5);

/// Moves a visit through its states (SPEC §4): Start travel, Stop travel, Start work, Complete
/// (with a note), Cancel (staff, with a reason: [`cancel`]). A technician moves only their own
/// visits (another's is not found), travels to one visit at a time
/// ([`BookingError::AlreadyTraveling`] names the other; [`travel_instead`] switches) and undoes
/// a Start travel only within [`UNDO_TRAVEL`]. The customer is told by email in the same
/// transaction (on the way, not on the way after all, completed).
pub async fn transition(
    app: &App,
    worker: Worker,
    id: BookingId,
    action: BookingAction,
    note: Option<&str>,
    now: Timestamp,
) -> Result<BookingState> {
    if action == BookingAction::Cancel {
        let Worker::Staff(staff) = worker else {
            return Err(BookingError::NotAllowed);
        };
        return cancel(app, staff.into(), id, note.unwrap_or(""), now)
            .await
            .map(|v| v.state);
    }
    let note = free_text("note", note.unwrap_or(""), REASON_MAX)?;
    let mut tx = app.store.begin().await?;
    let booking = worked_on(&mut tx, worker, id).await?;
    match action {
        BookingAction::StartTravel => {
            bookings::lock_technician(&mut tx, booking.technician_id).await?;
            if let Some(other) =
                bookings::traveling_visit_of(&mut tx, booking.technician_id).await?
                && other != id
            {
                return Err(BookingError::AlreadyTraveling(other));
            }
        }
        BookingAction::StopTravel if matches!(worker, Worker::Technician(_)) => {
            let since = bookings::last_entered(&mut tx, id, BookingState::Traveling).await?;
            if booking.state == BookingState::Traveling
                && since.is_none_or(|(at, _)| now.duration_since(at) > UNDO_TRAVEL)
            {
                return Err(BookingError::UndoTooLate);
            }
        }
        _ => {}
    }
    let (to, queued) =
        move_visit(app, &mut tx, worker, &booking, action, note.as_deref(), now).await?;
    commit(tx).await?;
    moved(app, booking.technician_id, queued);
    Ok(to)
}

/// The technician sets out for `id` while on the way to another visit: in one transaction the
/// other goes back to Scheduled (its customer is told) and this one starts travel. Answers the
/// visit whose travel stopped, if any.
pub async fn travel_instead(
    app: &App,
    on_duty: OnDuty,
    id: BookingId,
    now: Timestamp,
) -> Result<Option<BookingId>> {
    let worker = Worker::Technician(on_duty);
    let mut tx = app.store.begin().await?;
    let booking = worked_on(&mut tx, worker, id).await?;
    bookings::lock_technician(&mut tx, booking.technician_id).await?;
    let mut queued = false;
    let stopped = match bookings::traveling_visit_of(&mut tx, booking.technician_id).await? {
        Some(other) if other != id => {
            let other = found(bookings::booking(&mut tx, other).await)?;
            let action = BookingAction::StopTravel;
            queued |= move_visit(app, &mut tx, worker, &other, action, None, now)
                .await?
                .1;
            Some(other.id)
        }
        _ => None,
    };
    let action = BookingAction::StartTravel;
    queued |= move_visit(app, &mut tx, worker, &booking, action, None, now)
        .await?
        .1;
    commit(tx).await?;
    moved(app, booking.technician_id, queued);
    Ok(stopped)
}

/// The visit `id` as `worker` may move it: a technician's own only.
async fn worked_on(tx: &mut Conn, worker: Worker, id: BookingId) -> Result<Booking> {
    let booking = found(bookings::booking(tx, id).await)?;
    if let Worker::Technician(on_duty) = worker
        && on_duty.technician != booking.technician_id
    {
        return Err(BookingError::NotFound);
    }
    Ok(booking)
}

/// One move of a visit in the transaction `tx`: its state and transition record, its work
/// order's status, the audit line and the customer's email. Answers the new state and whether
/// an email was queued.
async fn move_visit(
    app: &App,
    tx: &mut Conn,
    worker: Worker,
    booking: &Booking,
    action: BookingAction,
    note: Option<&str>,
    now: Timestamp,
) -> Result<(BookingState, bool)> {
    let id = booking.id;
    let to = match bookings::transition_booking_at(tx, id, action, Some(worker.user()), note, now)
        .await
    {
        Ok(to) => to,
        Err(TransitionError::Illegal(e)) => return Err(BookingError::NotModifiable(e.from)),
        Err(TransitionError::Store(StoreError::Conflict { .. }) | TransitionError::OutOfOrder) => {
            return Err(BookingError::Changed);
        }
        Err(TransitionError::Store(e)) => return Err(e.into()),
    };
    let status = match to {
        BookingState::InProgress => Some(WorkOrderStatus::InProgress),
        BookingState::Completed => Some(WorkOrderStatus::Completed),
        _ => None,
    };
    if let Some(status) = status {
        work_orders::set_work_order_status(tx, booking.work_order_id, status, now).await?;
    }
    audit::record(
        tx,
        Some(worker.user()),
        "booking.transition",
        "booking",
        Some(id.0),
        &serde_json::json!({ "from": booking.state.as_str(), "to": to.as_str(), "note": note }),
    )
    .await?;
    // The customer's email and the webhook event ride the same transaction (issue 5,
    // `technician.rs`; issue 16).
    let queued = crate::technician::queue_transition_email(app, tx, id, to, now).await?;
    let visit = visits::visit(tx, id).await?;
    let n = bookings::transitions(tx, id).await?.len();
    let change = VisitChange::StateChanged {
        from: booking.state,
        n,
    };
    webhooks::booking_event(tx, &visit, change, now).await?;
    Ok((to, queued))
}

/// After a committed move: wake the mail workers, and live maps of the technician's visits
/// re-check at once (issue 5, `tracking.rs`).
fn moved(app: &App, technician: TechnicianId, queued: bool) {
    if queued {
        app.mail_queued();
    }
    app.tracking.hub.visits_changed(technician);
}
