//! Track my technician, the pages (SPEC §4–§5): the technician's tracking-app setup (a personal
//! token, shown once, and the exact settings for OwnTracks and Traccar Client), and the
//! customer's **View Live Map** of a Traveling visit with its server-sent events.
//!
//! The live map (`/bookings/{id}/live`) shows the technician's last position, the service
//! address, the estimated arrival and the position's age; `live_map.js` (an asset file: the
//! CSP allows no inline script) draws it with Leaflet and follows
//! `/bookings/{id}/live/events`:
//!
//! - `position`: `{"latitude", "longitude", "accuracy_m", "recorded_at", "age_s", "stale",
//!   "eta", "eta_minutes", "distance_km", "eta_text", "server_now"}` (instants in Unix seconds);
//! - `state`: `{"state", "label", "link"}` when the visit leaves Traveling; the stream ends and
//!   the page removes the position.
//!
//! Every request is authorized by `onsite_app::tracking::live_map` (a contact with
//! self-scheduling of the booking's own account, the visit Traveling, tracking on), and a
//! stream checks again whenever one of the technician's visits changes state and every
//! [`RECHECK`] (the session, the person's roles, the visit): when the answer is no longer yes,
//! the stream ends; a visit handed to another technician while Traveling is followed on with
//! the new technician's positions. Positions arrive through the process's hub at once; the periodic check
//! also picks up one stored by another app server (several servers on PostgreSQL).

use crate::error::WebError;
use crate::input::PathId;
use crate::layout::{Page, render};
use crate::session::CurrentUser;
use crate::tracking::position_json;
use crate::{AppState, WebResult};
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use onsite_app::policy::Customer;
use onsite_app::secrets::Secret;
use onsite_app::tracking::{self, Live, LiveAccess, LiveMap, TrackingError};
use onsite_domain::BookingId;
use onsite_domain::booking::BookingState;
use onsite_i18n::datetime;
use serde_json::json;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::watch;

/// How often a live stream checks again that its watcher may still see the visit, besides
/// the immediate check on every state change of the technician's visits.
pub const RECHECK: Duration = Duration::from_secs(30);

/// How often an idle stream sends a comment line, so that proxies and browsers keep it open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The content type of an event stream (both paths; on the hyper path the edge layers add the
/// security headers and `Cache-Control: no-store`, the lean path writes them itself).
pub(crate) const EVENT_STREAM: &str = "text/event-stream";

/// One server-sent event, as written on the wire: `event: name`, one `data:` line, a blank line.
/// The only place the live map's event format is written (the hyper path and the lean path,
/// `crate::lean`, both send these bytes).
fn event(name: &str, data: &serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// The keep-alive comment.
const KEEP_ALIVE_FRAME: &[u8] = b":\n\n";

// ---- The technician's tracking setup --------------------------------------------------------

#[derive(Template)]
#[template(path = "tracking/setup.html")]
struct SetupPage {
    page: Page,
    enabled: bool,
    /// When the current token was made, as a date and time.
    created: Option<String>,
    /// The new token, right after it was made (shown once).
    token: Option<String>,
    owntracks_url: String,
    osmand_url: String,
    user_name: String,
}

fn setup_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    status: tracking::TokenStatus,
    token: Option<Secret>,
) -> WebResult<Response> {
    let created = status.created_at.map(|t| page.time(t));
    render(&SetupPage {
        enabled: status.enabled,
        created,
        token: token.map(|t| t.expose().to_owned()),
        owntracks_url: state.app.link("/track/owntracks"),
        osmand_url: state.app.link("/track/osmand"),
        user_name: user.user.email.to_string(),
        page,
    })
}

/// `GET /technician/tracking`: how to share one's position with a tracking app.
pub async fn setup(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let status = tracking::token_status(&state.app, user.grant()?)
        .await
        .map_err(WebError::from)?;
    setup_page(&state, page, &user, status, None)
}

/// `POST /technician/tracking/token`: a new personal token (the old one stops working),
/// shown on the page once.
pub async fn new_token(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let token = tracking::issue_token(&state.app, user.grant()?, state.clock.now())
        .await
        .map_err(WebError::from)?;
    let status = tracking::token_status(&state.app, user.grant()?)
        .await
        .map_err(WebError::from)?;
    setup_page(&state, page, &user, status, Some(token))
}

// ---- View Live Map --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "tracking/live.html")]
struct LivePage {
    page: Page,
    id: BookingId,
    service_type: String,
    technician: String,
    address: String,
    planned: String,
    dest_lat: f64,
    dest_lon: f64,
    tiles: String,
    position: Option<PositionView>,
    stale_after_s: i64,
}

struct PositionView {
    latitude: f64,
    longitude: f64,
    recorded_at: i64,
    eta_text: String,
    eta_minutes: i64,
    age: String,
    stale: bool,
}

/// "10:42 AM" in the visit's zone.
fn eta_text(page_locale: onsite_i18n::Locale, map: &LiveMap, eta: Timestamp) -> String {
    datetime::time(
        page_locale,
        eta.to_zoned(map.visit.time_zone.clone()).time(),
    )
}

/// "Updated 12 s ago" / "Updated 3 min ago".
fn age_text(page: &Page, seconds: i64) -> String {
    if seconds < 90 {
        page.tn("tracking-updated-seconds", "seconds", seconds.max(0))
    } else {
        page.tn("tracking-updated-minutes", "minutes", seconds / 60)
    }
}

/// The map of a Traveling visit, or 404 (another account's visit, not Traveling, tracking
/// off: all the same to the asker). The page, the event stream and the lean path
/// (`crate::lean`) all ask this.
pub(crate) async fn authorized_map(
    state: &AppState,
    customer: Customer,
    id: BookingId,
    now: Timestamp,
) -> WebResult<Box<LiveMap>> {
    match tracking::live_map(&state.app, customer, id, now).await {
        Ok(LiveAccess::Traveling(map)) => Ok(map),
        Ok(LiveAccess::Left(_)) => Err(WebError::NotFound),
        Err(TrackingError::Store(e)) => Err(WebError::internal(e)),
        Err(_) => Err(WebError::NotFound),
    }
}

/// `GET /bookings/{id}/live`: View Live Map.
pub async fn live_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Response> {
    let now = state.clock.now();
    let map = authorized_map(&state, user.grant()?, id, now).await?;
    let tiles = tracking::tile_url(&state.app)
        .await
        .map_err(WebError::internal)?;
    let planned = datetime::time(
        page.locale,
        map.visit
            .starts_at
            .to_zoned(map.visit.time_zone.clone())
            .time(),
    );
    let position = map.position.map(|p| PositionView {
        latitude: p.latitude,
        longitude: p.longitude,
        recorded_at: p.recorded_at.as_second(),
        eta_text: eta_text(page.locale, &map, p.eta),
        eta_minutes: p.eta_minutes,
        age: age_text(&page, now.duration_since(p.recorded_at).as_secs()),
        stale: p.stale,
    });
    render(&LivePage {
        id,
        service_type: map.visit.service_type.clone(),
        technician: map.visit.technician_name.clone(),
        address: map.visit.address.clone(),
        planned,
        dest_lat: map.destination.lat(),
        dest_lon: map.destination.lon(),
        tiles,
        position,
        stale_after_s: tracking::STALE_AFTER.as_secs(),
        page,
    })
}

/// One live stream's state: the same for a stream served by hyper ([`live_events`]) and one
/// served by the lean path (`crate::lean`).
pub(crate) struct Watch {
    state: AppState,
    locale: onsite_i18n::Locale,
    session: Secret,
    id: BookingId,
    map: Box<LiveMap>,
    rx: watch::Receiver<Live>,
    epoch: u64,
    last_sent: Option<Timestamp>,
    first: Option<Bytes>,
    finished: bool,
    recheck: tokio::time::Interval,
    keep_alive: tokio::time::Interval,
}

/// What a check of the watcher's right found.
enum Check {
    Still,
    /// The visit went to another technician while Traveling: the stream now follows them.
    Reassigned,
    /// The visit left Traveling: tell, then end.
    Left(Bytes),
    /// No longer allowed: end without a word.
    Gone,
}

impl Watch {
    /// Opens the stream of an authorized `map` (see [`authorized_map`]) for the session
    /// `session`: subscribes to the technician's hub channel; the first event is the last known
    /// position.
    pub(crate) fn open(
        state: AppState,
        locale: onsite_i18n::Locale,
        session: Secret,
        id: BookingId,
        map: Box<LiveMap>,
        now: Timestamp,
    ) -> Watch {
        let rx = state.app.tracking.hub.subscribe(map.visit.technician_id);
        let epoch = rx.borrow().visits_epoch;
        let start = tokio::time::Instant::now();
        let mut recheck = tokio::time::interval_at(start + RECHECK, RECHECK);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut keep_alive = tokio::time::interval_at(start + KEEP_ALIVE, KEEP_ALIVE);
        keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut watch = Watch {
            locale,
            session,
            id,
            last_sent: map.position.map(|p| p.recorded_at),
            map,
            rx,
            epoch,
            first: None,
            finished: false,
            recheck,
            keep_alive,
            state,
        };
        watch.first = watch.position_event(now);
        watch
    }

    fn position_event(&self, now: Timestamp) -> Option<Bytes> {
        let p = self.map.position?;
        let mut data = position_json(&self.map, now);
        data["eta_text"] = json!(eta_text(self.locale, &self.map, p.eta));
        data["server_now"] = json!(now.as_second());
        Some(event("position", &data))
    }

    fn state_event(&self, to: BookingState) -> Bytes {
        let page_label = self.locale.text(&format!("bookings-state-{}", to.as_str()));
        let data = json!({
            "state": to.as_str(),
            "label": page_label,
            "link": format!("/bookings/{}", self.id),
        });
        event("state", &data)
    }

    /// Asks again whether this session may see the visit's live map.
    async fn check(&mut self) -> Check {
        let now = self.state.clock.now();
        let active = match onsite_app::identity::session(
            &self.state.app,
            self.session.expose(),
            now,
        )
        .await
        {
            Ok(Some(active)) => active,
            _ => return Check::Gone,
        };
        let Some(customer) = crate::session::principal_of(&active.user).grant() else {
            return Check::Gone;
        };
        match tracking::live_map(&self.state.app, customer, self.id, now).await {
            Ok(LiveAccess::Traveling(map)) => {
                if map.visit.technician_id != self.map.visit.technician_id {
                    self.rx = self
                        .state
                        .app
                        .tracking
                        .hub
                        .subscribe(map.visit.technician_id);
                    self.epoch = self.rx.borrow().visits_epoch;
                    self.last_sent = map.position.map(|p| p.recorded_at);
                    self.map = map;
                    return Check::Reassigned;
                }
                self.map = map;
                Check::Still
            }
            Ok(LiveAccess::Left(to)) => Check::Left(self.state_event(to)),
            Err(_) => Check::Gone,
        }
    }

    /// The next bytes to send (an event or a keep-alive comment), or `None` to end the
    /// stream. The check (with its database queries) is boxed: it runs rarely, and unboxed its
    /// large future would make every idle stream's future as large.
    pub(crate) async fn next(&mut self) -> Option<Bytes> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        if self.finished {
            return None;
        }
        loop {
            tokio::select! {
                changed = self.rx.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                    let live = *self.rx.borrow_and_update();
                    if live.visits_epoch != self.epoch {
                        self.epoch = live.visits_epoch;
                        match Box::pin(self.check()).await {
                            Check::Still => {}
                            // `live` was the previous technician's: show the new one's.
                            Check::Reassigned => match self.position_event(self.state.clock.now()) {
                                Some(event) => return Some(event),
                                None => continue,
                            },
                            Check::Left(event) => {
                                self.finished = true;
                                return Some(event);
                            }
                            Check::Gone => return None,
                        }
                    }
                    let Some(p) = live.position else { continue };
                    if self.last_sent.is_some_and(|t| t > p.recorded_at) {
                        continue;
                    }
                    let now = self.state.clock.now();
                    if let Some(view) = self.map.position_view(&p, now) {
                        self.map.position = Some(view);
                        self.last_sent = Some(p.recorded_at);
                        return self.position_event(now);
                    }
                }
                _ = self.keep_alive.tick() => return Some(Bytes::from_static(KEEP_ALIVE_FRAME)),
                _ = self.recheck.tick() => match Box::pin(self.check()).await {
                    Check::Still => {
                        // A position stored by another app server (its own hub): shown now.
                        let newer = self.map.position.filter(|p| {
                            self.last_sent.is_none_or(|t| t < p.recorded_at)
                        });
                        if let Some(p) = newer {
                            self.last_sent = Some(p.recorded_at);
                            return self.position_event(self.state.clock.now());
                        }
                    }
                    Check::Reassigned => {
                        if let Some(event) = self.position_event(self.state.clock.now()) {
                            return Some(event);
                        }
                    }
                    Check::Left(event) => {
                        self.finished = true;
                        return Some(event);
                    }
                    Check::Gone => return None,
                },
            }
        }
    }
}

/// `GET /bookings/{id}/live/events`: the live map's server-sent events. A fresh connection
/// whose first request is this one is usually served by the lean path instead (`crate::lean`,
/// the same [`Watch`]); this handler serves the others (a browser reusing a keep-alive
/// connection, a head that arrived slowly).
pub async fn live_events(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Response> {
    let now = state.clock.now();
    let map = authorized_map(&state, user.grant()?, id, now).await?;
    let watch = Watch::open(state, page.locale, user.token.clone(), id, map, now);
    let stream = futures_util::stream::unfold(watch, |mut watch| async move {
        watch
            .next()
            .await
            .map(|bytes| (Ok::<_, Infallible>(bytes), watch))
    });
    Ok(([(CONTENT_TYPE, EVENT_STREAM)], Body::from_stream(stream)).into_response())
}
