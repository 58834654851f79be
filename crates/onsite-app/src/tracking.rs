//! Track my technician (SPEC §4–§5, issue 5): technicians' positions in, the live map out.
//!
//! **In.** A position comes from the technician page (the browser's geolocation, signed in) or
//! from a tracking app (OwnTracks, Traccar Client) authenticated by the technician's personal
//! token ([`issue_token`]; only its SHA-256 is stored). It is validated ([`validate`]: ranges,
//! finite numbers, a device time neither in the future beyond [`CLOCK_SKEW`] nor older than
//! [`MAX_AGE`], an accuracy below [`MAX_ACCURACY_M`]) and kept only while one of the
//! technician's visits is Traveling (otherwise acknowledged and dropped: nobody may see it, so
//! it is not kept). With tracking off (site setting) everything here refuses.
//!
//! **Group commit.** Stored positions go through one writer task per process
//! ([`Tracking`]): requests queue their position on a channel, the writer takes everything
//! pending (up to [`MAX_BATCH`]), inserts it in ONE transaction, commits, and only then answers
//! each waiter. So a request is acknowledged only once its position is durable, and one fsync
//! serves a whole batch (SQLite runs with `synchronous = FULL`).
//!
//! **Out.** After the commit the writer publishes each technician's newest position on the
//! in-process [`Hub`]: one `tokio::sync::watch` per technician, made when someone first
//! watches and dropped when the last watcher is gone. Visit state changes bump the same
//! channel ([`Hub::visits_changed`]) so that live maps re-check at once. The fan-out is per
//! process: with several app servers on PostgreSQL a watcher on another server sees the
//! position at its next periodic re-check (LISTEN/NOTIFY would be the next step).
//!
//! **Who sees what.** [`live_map`] answers only a contact with self-scheduling of the booking's
//! own account, only while the visit is Traveling, and only positions recorded since the
//! visit started Traveling (not where the technician was before).

use crate::booking::{self, VisitView};
use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Customer, OnDuty};
use crate::secrets::Secret;
use crate::throttle::Throttled;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::booking::BookingState;
use onsite_domain::geo::GeoPoint;
use onsite_domain::settings::{self, SettingValue};
use onsite_domain::{BookingId, TechnicianId};
use onsite_i18n::Locale;
use onsite_schedule::{GreatCircle, TravelModel};
use onsite_store::positions::{self, Position, Source};
use onsite_store::{Conn, Store, StoreError, bookings, visits};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{mpsc, oneshot, watch};

/// The largest accuracy radius accepted: beyond it a fix says little about where someone is.
pub const MAX_ACCURACY_M: f64 = 5_000.0;
/// How far ahead of the server's clock a device's time may be.
pub const CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(2);
/// The oldest fix accepted (apps send what they queued while offline).
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(24);
/// Faster than this is a broken device, not a drive.
pub const MAX_SPEED_KMH: f64 = 400.0;
/// A position older than this is shown as stale on the live map.
pub const STALE_AFTER: SignedDuration = SignedDuration::from_mins(2);
/// Positions one technician may send per second (a flood from a broken app is refused).
pub const PER_TECHNICIAN_PER_SECOND: u32 = 20;
/// Most positions one transaction of the writer stores.
pub const MAX_BATCH: usize = 2_000;
/// Positions waiting for the writer before new ones are refused as unavailable.
const QUEUE: usize = 20_000;

/// Why a position or a live map was refused.
#[derive(Debug, thiserror::Error)]
pub enum TrackingError {
    /// Tracking is turned off (site setting).
    #[error("tracking is disabled")]
    Disabled,
    /// No token, or one that belongs to nobody (or to an inactive technician).
    #[error("unknown tracking token")]
    BadToken,
    /// Unknown booking, another account's, or nothing to show.
    #[error("not found")]
    NotFound,
    #[error("invalid position: {0:?}")]
    Invalid(InvalidPosition),
    /// More than [`PER_TECHNICIAN_PER_SECOND`].
    #[error("too many positions")]
    TooMany,
    /// The writer is gone or its transaction failed: nothing was stored.
    #[error("positions cannot be stored now")]
    Unavailable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What is wrong with a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidPosition {
    Latitude,
    Longitude,
    Accuracy,
    /// The device's time is ahead of the server's by more than [`CLOCK_SKEW`].
    InTheFuture,
    /// Older than [`MAX_AGE`].
    TooOld,
    /// Missing or not a time at all.
    Timestamp,
    Speed,
    Heading,
}

impl TrackingError {
    /// The Fluent message that explains the refusal (`tracking.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            TrackingError::Disabled => "tracking-error-disabled",
            TrackingError::BadToken => "tracking-error-bad-token",
            TrackingError::NotFound => "tracking-error-not-found",
            TrackingError::Invalid(InvalidPosition::Latitude) => "tracking-error-latitude",
            TrackingError::Invalid(InvalidPosition::Longitude) => "tracking-error-longitude",
            TrackingError::Invalid(InvalidPosition::Accuracy) => "tracking-error-accuracy",
            TrackingError::Invalid(InvalidPosition::InTheFuture) => "tracking-error-future",
            TrackingError::Invalid(InvalidPosition::TooOld) => "tracking-error-too-old",
            TrackingError::Invalid(InvalidPosition::Timestamp) => "tracking-error-timestamp",
            TrackingError::Invalid(InvalidPosition::Speed) => "tracking-error-speed",
            TrackingError::Invalid(InvalidPosition::Heading) => "tracking-error-heading",
            TrackingError::TooMany => "tracking-error-too-many",
            TrackingError::Unavailable | TrackingError::Store(_) => "tracking-error-unavailable",
        }
    }

    /// The field at fault, for API answers.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            TrackingError::Invalid(InvalidPosition::Latitude) => Some("latitude"),
            TrackingError::Invalid(InvalidPosition::Longitude) => Some("longitude"),
            TrackingError::Invalid(InvalidPosition::Accuracy) => Some("accuracy_m"),
            TrackingError::Invalid(
                InvalidPosition::InTheFuture | InvalidPosition::TooOld | InvalidPosition::Timestamp,
            ) => Some("recorded_at"),
            TrackingError::Invalid(InvalidPosition::Speed) => Some("speed"),
            TrackingError::Invalid(InvalidPosition::Heading) => Some("heading"),
            _ => None,
        }
    }
}

impl Failure for TrackingError {
    fn kind(&self) -> Kind {
        match self {
            TrackingError::Disabled => Kind::Disabled,
            TrackingError::BadToken => Kind::Unauthenticated,
            TrackingError::NotFound => Kind::NotFound,
            TrackingError::Invalid(_) => Kind::Invalid,
            TrackingError::TooMany => {
                Kind::RateLimited(Throttled::after(SignedDuration::from_secs(1)))
            }
            TrackingError::Unavailable => Kind::Unavailable,
            TrackingError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            TrackingError::BadToken => "bad_token",
            TrackingError::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        TrackingError::field(self).map(Cow::Borrowed)
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            TrackingError::Store(e) => e.message(locale),
            _ => locale.text(self.message_id()),
        }
    }
}

pub type Result<T, E = TrackingError> = std::result::Result<T, E>;

/// A position as a device reports it (parsed from its format by the web edge, not checked).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: Option<f64>,
    pub recorded_at: Timestamp,
    pub speed_kmh: Option<f64>,
    pub heading_deg: Option<f64>,
}

/// Checks a report; the stored position on success.
pub fn validate(
    technician: TechnicianId,
    report: &Report,
    source: Source,
    now: Timestamp,
) -> Result<Position> {
    let bad = |e| Err(TrackingError::Invalid(e));
    if !(report.latitude.is_finite() && (-90.0..=90.0).contains(&report.latitude)) {
        return bad(InvalidPosition::Latitude);
    }
    if !(report.longitude.is_finite() && (-180.0..=180.0).contains(&report.longitude)) {
        return bad(InvalidPosition::Longitude);
    }
    if let Some(a) = report.accuracy_m
        && !(a.is_finite() && (0.0..=MAX_ACCURACY_M).contains(&a))
    {
        return bad(InvalidPosition::Accuracy);
    }
    if report.recorded_at > now + CLOCK_SKEW {
        return bad(InvalidPosition::InTheFuture);
    }
    if report.recorded_at < now - MAX_AGE {
        return bad(InvalidPosition::TooOld);
    }
    if let Some(s) = report.speed_kmh
        && !(s.is_finite() && (0.0..=MAX_SPEED_KMH).contains(&s))
    {
        return bad(InvalidPosition::Speed);
    }
    if let Some(h) = report.heading_deg
        && !(h.is_finite() && (0.0..=360.0).contains(&h))
    {
        return bad(InvalidPosition::Heading);
    }
    Ok(Position {
        technician_id: technician,
        recorded_at: report.recorded_at,
        received_at: now,
        latitude: report.latitude,
        longitude: report.longitude,
        accuracy_m: report.accuracy_m,
        speed_kmh: report.speed_kmh,
        heading_deg: report.heading_deg,
        source,
    })
}

/// What became of an accepted position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Stored (committed) and published to the live maps.
    Stored,
    /// Valid, but none of the technician's visits is Traveling: not kept.
    Dropped,
}

// ---- The live hub ---------------------------------------------------------------------------

/// What a technician's live channel holds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Live {
    /// The newest position stored since the channel was made.
    pub position: Option<Position>,
    /// Bumped when one of the technician's visits changes state: watchers re-check.
    pub visits_epoch: u64,
}

/// The in-process fan-out of positions: one `watch` channel per watched technician.
#[derive(Debug, Clone, Default)]
pub struct Hub {
    channels: Arc<Mutex<HashMap<TechnicianId, watch::Sender<Live>>>>,
}

impl Hub {
    /// Watches a technician (the channel is made on first use).
    pub fn subscribe(&self, technician: TechnicianId) -> watch::Receiver<Live> {
        let mut channels = self.lock();
        // Drop the channels nobody watches any more (cheap: one per watched technician).
        channels.retain(|_, tx| tx.receiver_count() > 0);
        channels
            .entry(technician)
            .or_insert_with(|| watch::channel(Live::default()).0)
            .subscribe()
    }

    /// Publishes a stored position to the technician's watchers, if any (older fixes than the
    /// one shown are ignored).
    pub fn publish(&self, position: Position) {
        self.update(position.technician_id, |live| match live.position {
            Some(p) if p.recorded_at > position.recorded_at => false,
            _ => {
                live.position = Some(position);
                true
            }
        });
    }

    /// Tells the technician's watchers that one of their visits changed state.
    pub fn visits_changed(&self, technician: TechnicianId) {
        self.update(technician, |live| {
            live.visits_epoch += 1;
            true
        });
    }

    /// How many technicians are watched (metrics, tests).
    pub fn watched(&self) -> usize {
        self.lock()
            .values()
            .filter(|tx| tx.receiver_count() > 0)
            .count()
    }

    fn update(&self, technician: TechnicianId, change: impl FnOnce(&mut Live) -> bool) {
        let mut channels = self.lock();
        if let Some(tx) = channels.get(&technician) {
            if tx.receiver_count() == 0 {
                channels.remove(&technician);
            } else {
                tx.send_if_modified(change);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TechnicianId, watch::Sender<Live>>> {
        // A panic while holding this lock cannot leave the map half-changed: keep going.
        self.channels.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---- The group-commit writer ----------------------------------------------------------------

struct Pending {
    position: Position,
    done: oneshot::Sender<bool>,
}

/// Tracking's shared state in [`App`]: the hub, the writer (started on first use) and the
/// per-technician flood limit. Cheap to clone.
#[derive(Clone, Default)]
pub struct Tracking {
    pub hub: Hub,
    writer: Arc<OnceLock<mpsc::Sender<Pending>>>,
    limits: Arc<Mutex<HashMap<TechnicianId, (i64, u32)>>>,
    /// Transactions the writer committed (each holding a batch).
    commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for Tracking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracking")
            .field("watched", &self.hub.watched())
            .finish_non_exhaustive()
    }
}

impl Tracking {
    /// Stores a validated position through the group-commit writer; returns once it is
    /// committed (and published).
    pub async fn store(&self, store: &Store, position: Position) -> Result<()> {
        let writer = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(write_loop(
                store.clone(),
                self.hub.clone(),
                self.commits.clone(),
                rx,
            ));
            tx
        });
        let (done, answer) = oneshot::channel();
        writer
            .try_send(Pending { position, done })
            .map_err(|_| TrackingError::Unavailable)?;
        match answer.await {
            Ok(true) => Ok(()),
            _ => Err(TrackingError::Unavailable),
        }
    }

    /// How many transactions the writer has committed so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Counts one position of the technician in the current second.
    fn within_limit(&self, technician: TechnicianId, now: Timestamp) -> bool {
        let second = now.as_second();
        let mut limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        if limits.len() > 10_000 {
            limits.retain(|_, (s, _)| *s == second);
        }
        let entry = limits.entry(technician).or_insert((second, 0));
        if entry.0 != second {
            *entry = (second, 0);
        }
        entry.1 += 1;
        entry.1 <= PER_TECHNICIAN_PER_SECOND
    }
}

async fn write_loop(
    store: Store,
    hub: Hub,
    commits: Arc<AtomicU64>,
    mut rx: mpsc::Receiver<Pending>,
) {
    let mut batch = Vec::with_capacity(256);
    // The writer keeps a connection of its own: under load, waiting in the pool's queue behind
    // the requests it is about to answer would only slow every one of them down.
    let mut own = None;
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let positions: Vec<Position> = batch.iter().map(|p| p.position).collect();
        if own.is_none() {
            own = store.conn().await.ok();
        }
        let result = match own.as_mut() {
            Some(conn) => positions::insert_batch(conn, &positions).await,
            None => Err(StoreError::Corrupt("no database connection".into())),
        };
        let stored = match result {
            Ok(()) => {
                commits.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(e) => {
                tracing::error!(error = %e, count = positions.len(), "storing positions failed");
                // Start again from a fresh connection next time.
                own = None;
                false
            }
        };
        if stored {
            for p in &positions {
                hub.publish(*p);
            }
        }
        for pending in batch.drain(..) {
            let _ = pending.done.send(stored);
        }
    }
}

async fn write_batch(store: &Store, positions: &[Position]) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    positions::insert_positions(&mut tx, positions).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores positions one transaction each, without the writer: the benchmark's baseline.
pub async fn store_unbatched(store: &Store, position: Position) -> Result<()> {
    Ok(write_batch(store, &[position]).await?)
}

// ---- Ingestion ------------------------------------------------------------------------------

async fn enabled(conn: &mut Conn) -> Result<bool> {
    Ok(matches!(
        onsite_store::settings::get(conn, &settings::TRACKING_ENABLED).await?,
        SettingValue::Bool(true)
    ))
}

async fn require_enabled(conn: &mut Conn) -> Result<()> {
    if enabled(conn).await? {
        Ok(())
    } else {
        Err(TrackingError::Disabled)
    }
}

/// A technician a token or a session names, and whether one of their visits is Traveling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender {
    pub technician: TechnicianId,
    traveling: bool,
}

async fn record(
    app: &App,
    sender: Sender,
    report: &Report,
    source: Source,
    now: Timestamp,
) -> Result<Recorded> {
    let position = validate(sender.technician, report, source, now)?;
    if !app.tracking.within_limit(sender.technician, now) {
        return Err(TrackingError::TooMany);
    }
    if !sender.traveling {
        return Ok(Recorded::Dropped);
    }
    app.tracking.store(&app.store, position).await?;
    Ok(Recorded::Stored)
}

/// The technician a tracking app's token belongs to (tracking must be on). One query: this
/// runs for every position an app sends.
pub async fn check_token(app: &App, token: Option<&str>) -> Result<Sender> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200);
    let hash = token.map(|t| Secret::from_presented(t).hash());
    let mut conn = app.store.conn().await?;
    let facts = match &hash {
        Some(hash) => {
            positions::token_facts(&mut conn, hash, settings::TRACKING_ENABLED.key).await?
        }
        None => None,
    };
    let Some(facts) = facts else {
        // Unknown token: say "off" rather than "unknown" when tracking is off.
        require_enabled(&mut conn).await?;
        return Err(TrackingError::BadToken);
    };
    let on = facts
        .enabled
        .as_deref()
        .and_then(|raw| settings::TRACKING_ENABLED.parse(raw).ok())
        .unwrap_or_else(|| {
            settings::TRACKING_ENABLED
                .parse(settings::TRACKING_ENABLED.default)
                .expect("defaults are valid")
        });
    if on != SettingValue::Bool(true) {
        return Err(TrackingError::Disabled);
    }
    Ok(Sender {
        technician: facts.technician,
        traveling: facts.traveling,
    })
}

/// A position from a tracking app whose token [`check_token`] accepted.
pub async fn record_for(
    app: &App,
    sender: Sender,
    report: &Report,
    source: Source,
    now: Timestamp,
) -> Result<Recorded> {
    record(app, sender, report, source, now).await
}

/// A position from a tracking app, authenticated by the technician's personal token.
pub async fn record_with_token(
    app: &App,
    token: Option<&str>,
    report: &Report,
    source: Source,
    now: Timestamp,
) -> Result<Recorded> {
    let sender = check_token(app, token).await?;
    record(app, sender, report, source, now).await
}

/// A position from the technician page (the browser's geolocation), for the signed-in
/// technician themselves.
pub async fn record_for_technician(
    app: &App,
    on_duty: OnDuty,
    report: &Report,
    now: Timestamp,
) -> Result<Recorded> {
    let technician = on_duty.technician;
    let traveling = {
        let mut conn = app.store.conn().await?;
        require_enabled(&mut conn).await?;
        positions::is_traveling(&mut conn, technician).await?
    };
    let sender = Sender {
        technician,
        traveling,
    };
    record(app, sender, report, Source::Browser, now).await
}

// ---- The technician's token -----------------------------------------------------------------

/// The tracking setup page's facts.
#[derive(Debug, Clone)]
pub struct TokenStatus {
    pub enabled: bool,
    /// When the current token was made (`None`: never).
    pub created_at: Option<Timestamp>,
}

pub async fn token_status(app: &App, on_duty: OnDuty) -> Result<TokenStatus> {
    let technician = on_duty.technician;
    let mut conn = app.store.conn().await?;
    Ok(TokenStatus {
        enabled: enabled(&mut conn).await?,
        created_at: positions::token_created_at(&mut conn, technician).await?,
    })
}

/// Makes the technician a new personal token (the old one stops working). The token is in
/// the answer only: shown once, stored hashed.
pub async fn issue_token(app: &App, on_duty: OnDuty, now: Timestamp) -> Result<Secret> {
    let technician = on_duty.technician;
    let mut conn = app.store.conn().await?;
    require_enabled(&mut conn).await?;
    let token = Secret::token();
    positions::set_token(&mut conn, technician, &token.hash(), now).await?;
    Ok(token)
}

// ---- The live map ---------------------------------------------------------------------------

/// What the live map of a Traveling visit shows.
#[derive(Debug, Clone)]
pub struct LiveMap {
    pub visit: VisitView,
    /// The service address.
    pub destination: GeoPoint,
    /// When the visit started Traveling: only positions since then are shown.
    pub since: Timestamp,
    pub travel: GreatCircle,
    pub position: Option<LivePosition>,
}

/// The technician's last position with the estimated arrival.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LivePosition {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: Option<f64>,
    pub recorded_at: Timestamp,
    /// Now plus the drive from the position to the address (the site's travel model).
    pub eta: Timestamp,
    pub eta_minutes: i64,
    pub distance_km: f64,
    /// Older than [`STALE_AFTER`].
    pub stale: bool,
}

impl LiveMap {
    /// The view of a position for this map, or `None` when it is not one to show (another
    /// technician's, or recorded before the visit started Traveling).
    pub fn position_view(&self, p: &Position, now: Timestamp) -> Option<LivePosition> {
        if p.technician_id != self.visit.technician_id || p.recorded_at < self.since {
            return None;
        }
        let here = GeoPoint::new(p.latitude, p.longitude).ok()?;
        let drive = self.travel.travel(here, self.destination);
        Some(LivePosition {
            latitude: p.latitude,
            longitude: p.longitude,
            accuracy_m: p.accuracy_m,
            recorded_at: p.recorded_at,
            eta: now + SignedDuration::from_mins(drive.minutes),
            eta_minutes: drive.minutes,
            distance_km: drive.km,
            stale: now.duration_since(p.recorded_at) > STALE_AFTER,
        })
    }
}

/// The live map, or the state the visit moved on to.
#[derive(Debug, Clone)]
pub enum LiveAccess {
    Traveling(Box<LiveMap>),
    /// The visit is not Traveling (any more): nothing to show but its state.
    Left(BookingState),
}

/// The live map of a visit for a customer of its own account. Another account's visit, an
/// unknown one, or tracking off: [`TrackingError::NotFound`]
/// (or `Disabled`, which the web answers the same way).
pub async fn live_map(
    app: &App,
    customer: Customer,
    id: BookingId,
    now: Timestamp,
) -> Result<LiveAccess> {
    let account = customer.account;
    let mut conn = app.store.conn().await?;
    require_enabled(&mut conn).await?;
    let visit = match visits::visit(&mut conn, id).await {
        Ok(v) => v,
        Err(StoreError::NotFound) => return Err(TrackingError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if visit.account_id != account {
        return Err(TrackingError::NotFound);
    }
    if visit.booking.state != BookingState::Traveling {
        return Ok(LiveAccess::Left(visit.booking.state));
    }
    let since = bookings::transitions(&mut conn, id)
        .await?
        .iter()
        .rev()
        .find(|t| t.to == BookingState::Traveling)
        .map_or(visit.booking.starts_at, |t| t.at);
    // Devices send whole seconds: a fix of the very second travel started counts.
    let since = Timestamp::from_second(since.as_second()).unwrap_or(since);
    let travel = booking::site_settings(&*app.store.reference(&mut conn).await?)
        .map(|s| s.travel)
        .unwrap_or_default();
    let latest = positions::latest_since(&mut conn, visit.booking.technician_id, since).await?;
    drop(conn);
    let view = booking::booking_for_customer(app, customer.into(), id)
        .await
        .map_err(|e| match e {
            booking::BookingError::Store(e) => TrackingError::Store(e),
            _ => TrackingError::NotFound,
        })?;
    let mut map = LiveMap {
        visit: view,
        destination: visit.booking.location,
        since,
        travel,
        position: None,
    };
    map.position = latest.and_then(|p| map.position_view(&p, now));
    Ok(LiveAccess::Traveling(Box::new(map)))
}

/// Whether tracking is on (the homepage's View Live Map, the setup page).
pub async fn is_enabled(app: &App) -> Result<bool> {
    let mut conn = app.store.conn().await?;
    enabled(&mut conn).await
}

/// The map tile URL template (site setting); empty: no tiles, markers only.
pub async fn tile_url(app: &App) -> Result<String, StoreError> {
    let mut conn = app.store.conn().await?;
    Ok(
        match onsite_store::settings::get(&mut conn, &settings::TRACKING_TILE_URL).await? {
            SettingValue::Text(t) => t,
            _ => String::new(),
        },
    )
}

/// Deletes positions older than the retention period (site setting); housekeeping runs it.
pub async fn purge_old_positions(app: &App, now: Timestamp) -> Result<u64, StoreError> {
    let mut conn = app.store.conn().await?;
    let days =
        match onsite_store::settings::get(&mut conn, &settings::POSITION_RETENTION_DAYS).await? {
            SettingValue::Integer(d) => d,
            _ => 30,
        };
    positions::purge_before(&mut conn, now - SignedDuration::from_hours(24 * days)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(lat: f64, lon: f64, at: Timestamp) -> Report {
        Report {
            latitude: lat,
            longitude: lon,
            accuracy_m: Some(10.0),
            recorded_at: at,
            speed_kmh: None,
            heading_deg: None,
        }
    }

    fn check(r: Report, now: Timestamp) -> std::result::Result<(), InvalidPosition> {
        match validate(TechnicianId(1), &r, Source::Browser, now) {
            Ok(_) => Ok(()),
            Err(TrackingError::Invalid(e)) => Err(e),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn positions_are_checked_for_range_time_and_accuracy() {
        let now = Timestamp::from_second(1_900_000_000).unwrap();
        let ok = report(45.5, -73.6, now);
        assert_eq!(check(ok, now), Ok(()));
        assert_eq!(check(report(90.0, 180.0, now), now), Ok(()));
        assert_eq!(check(report(-90.0, -180.0, now), now), Ok(()));
        use InvalidPosition::{Heading, InTheFuture, Latitude, Longitude, Speed, TooOld};
        for (r, e) in [
            (report(90.01, 0.0, now), Latitude),
            (report(f64::NAN, 0.0, now), Latitude),
            (report(0.0, -180.5, now), Longitude),
            (report(0.0, f64::INFINITY, now), Longitude),
            (
                report(0.0, 0.0, now + SignedDuration::from_mins(3)),
                InTheFuture,
            ),
            (
                report(0.0, 0.0, now - SignedDuration::from_hours(25)),
                TooOld,
            ),
        ] {
            assert_eq!(check(r, now), Err(e), "{r:?}");
        }
        // A small clock skew is fine, so is a fix queued offline for hours.
        assert_eq!(
            check(report(0.0, 0.0, now + SignedDuration::from_secs(90)), now),
            Ok(())
        );
        assert_eq!(
            check(report(0.0, 0.0, now - SignedDuration::from_hours(23)), now),
            Ok(())
        );
        for (acc, fine) in [
            (0.0, true),
            (5000.0, true),
            (5000.1, false),
            (-1.0, false),
            (f64::NAN, false),
        ] {
            let r = Report {
                accuracy_m: Some(acc),
                ..ok
            };
            assert_eq!(check(r, now).is_ok(), fine, "accuracy {acc}");
        }
        let r = Report {
            speed_kmh: Some(900.0),
            ..ok
        };
        assert_eq!(check(r, now), Err(Speed));
        let r = Report {
            heading_deg: Some(361.0),
            ..ok
        };
        assert_eq!(check(r, now), Err(Heading));
        let r = Report {
            accuracy_m: None,
            ..ok
        };
        assert_eq!(check(r, now), Ok(()));
    }

    #[test]
    fn the_hub_keeps_the_newest_position_and_forgets_technicians_nobody_watches() {
        let hub = Hub::default();
        let t = Timestamp::from_second(1_900_000_000).unwrap();
        let at = |s: i64, lat: f64| Position {
            technician_id: TechnicianId(7),
            recorded_at: t + SignedDuration::from_secs(s),
            received_at: t,
            latitude: lat,
            longitude: 0.0,
            accuracy_m: None,
            speed_kmh: None,
            heading_deg: None,
            source: Source::Browser,
        };
        // Nobody watches: nothing is kept.
        hub.publish(at(0, 1.0));
        assert_eq!(hub.watched(), 0);
        let mut rx = hub.subscribe(TechnicianId(7));
        assert_eq!(rx.borrow().position, None);
        hub.publish(at(10, 2.0));
        assert!(rx.has_changed().unwrap());
        assert_eq!(rx.borrow_and_update().position.unwrap().latitude, 2.0);
        // An older fix arriving late does not move the marker back.
        hub.publish(at(5, 3.0));
        assert!(!rx.has_changed().unwrap());
        hub.visits_changed(TechnicianId(7));
        assert_eq!(rx.borrow_and_update().visits_epoch, 1);
        assert_eq!(hub.watched(), 1);
        drop(rx);
        assert_eq!(hub.watched(), 0);
        hub.publish(at(20, 4.0));
        assert!(
            hub.lock().is_empty(),
            "the channel is dropped with its last watcher"
        );
    }
}
