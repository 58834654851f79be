//! The schedule board's pages: the board (`/staff/visits`), its fragment
//! (`/staff/visits/board`), its server-sent events (`/staff/visits/events`) and the state
//! buttons of a visit — Start travel, Start work, Complete (with a note), Stop travel, Cancel
//! (with a reason) — through `onsite_app::booking::transition`, which records who and when and
//! sends the customer's emails.
//!
//! The day view places every block on a CSS grid of five-minute columns over the hours the
//! day needs (working hours, visits and their travel, time off; 07:00–19:00 when there is
//! nothing), computed here: the content security policy allows no `style` attribute, so a
//! block carries the classes `gs-N` (first column) and `gw-N` (columns spanned) of
//! `board.css`. The columns are elapsed time, so a day with a clock change has 23 or 25
//! hours. The week view is a table of technicians × days with each day's visits as chips.
//! A visit's details and buttons show in a panel (`?visit=ID`); `board.js` follows the
//! events, fetches the fragment again when the board changed, and moves visits by drag and
//! drop through the move API.

use super::{BoardQuery, board_zone, query_string, shifted};
use crate::booking::pages::state_label;
use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::{PathId, parse_id};
use crate::layout::{Page, render_with_status};
use crate::session::CurrentUser;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use onsite_app::board::{self, Attention, Placed, Request, Schedule, Span, View};
use onsite_app::booking::{self, BookingError};
use onsite_app::policy::Staff;
use onsite_domain::BookingId;
use onsite_domain::InvalidInput;
use onsite_domain::booking::{BookingAction, BookingState};
use onsite_i18n::datetime;
use onsite_store::visibility::Visibility;
use std::convert::Infallible;
use std::time::Duration;

/// One grid column: five minutes.
const COLUMN_MINUTES: i64 = 5;
/// Most hours a day view spans (a day with a clock change back has 25).
const MAX_HOURS: i64 = 25;

/// A move the board offers for a visit in its state.
#[derive(Debug, Clone)]
struct Move {
    action: &'static str,
    label: String,
    /// Cancel needs a reason; Complete takes an optional note.
    note: Option<NoteField>,
    danger: bool,
}

#[derive(Debug, Clone)]
struct NoteField {
    label: String,
    required: bool,
}

fn moves(page: &Page, state: BookingState) -> Vec<Move> {
    let plain = |action, label: &str| Move {
        action,
        label: page.t(label),
        note: None,
        danger: false,
    };
    let cancel = Move {
        action: "cancel",
        label: page.t("dispatch-action-cancel"),
        note: Some(NoteField {
            label: page.t("dispatch-cancel-reason"),
            required: true,
        }),
        danger: true,
    };
    match state {
        BookingState::Scheduled => vec![
            plain("start_travel", "dispatch-action-start-travel"),
            cancel,
        ],
        BookingState::Traveling => vec![
            plain("start_work", "dispatch-action-start-work"),
            plain("stop_travel", "dispatch-action-stop-travel"),
            cancel,
        ],
        BookingState::InProgress => vec![Move {
            action: "complete",
            label: page.t("dispatch-action-complete"),
            note: Some(NoteField {
                label: page.t("dispatch-complete-note"),
                required: false,
            }),
            danger: false,
        }],
        BookingState::Completed | BookingState::Canceled => Vec::new(),
    }
}

/// A visit as a block (day view), a chip (week view) or a card (attention lane).
#[derive(Debug, Clone)]
struct Block {
    id: i64,
    technician: String,
    /// "9:00 AM – 10:30 AM" (in the board's zone, said once on the page).
    times: String,
    date: String,
    customer: String,
    service_type: String,
    state_key: &'static str,
    state: String,
    /// The localized reasons it needs attention.
    attention: Vec<String>,
    /// "18 min travel".
    travel: String,
    /// Grid placement (day view): first column and columns spanned of the visit, and of the
    /// drive before it (0 columns: none).
    gs: i64,
    gw: i64,
    travel_gs: i64,
    travel_gw: i64,
    starts_at: String,
    minutes: i64,
    /// Whether it may be dragged (open visits only).
    movable: bool,
    href: String,
    fragment: String,
}

/// A shaded stretch of a lane: working hours or time off.
#[derive(Debug, Clone)]
struct Shade {
    gs: i64,
    gw: i64,
    off: bool,
}

#[derive(Debug, Clone)]
struct LaneView {
    id: i64,
    name: String,
    shades: Vec<Shade>,
    blocks: Vec<Block>,
    /// "Working 8:00 AM – 4:30 PM; time off 1:00 PM – 2:00 PM" for screen readers.
    summary: String,
    /// Week view: one cell per day.
    cells: Vec<WeekCell>,
}

#[derive(Debug, Clone)]
struct WeekCell {
    hours: String,
    off: bool,
    blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
struct HourMark {
    label: String,
    gs: i64,
    gw: i64,
}

/// The open visit's details and its buttons.
#[derive(Debug, Clone)]
struct Detail {
    block: Block,
    asset: Option<String>,
    work_order: String,
    cancel_reason: Option<String>,
    completion_note: Option<String>,
    moves: Vec<Move>,
}

#[derive(Debug, Clone)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The board's body: what the fragment route serves and the page includes.
#[derive(Template)]
#[template(path = "dispatch/board_body.html")]
struct BoardBody {
    page: Page,
    week: bool,
    period: String,
    zone: String,
    /// Day view: the grid's hours (`hours-H` class) and their labels.
    hours: i64,
    marks: Vec<HourMark>,
    /// The first instant of the grid (RFC 3339) and its length in minutes, for drops.
    grid_from: String,
    grid_minutes: i64,
    days: Vec<String>,
    lanes: Vec<LaneView>,
    attention: Vec<Block>,
    truncated: bool,
    detail: Option<Detail>,
    /// The filters as hidden fields of the forms (to come back to the same board).
    day: String,
    view: &'static str,
    territory: String,
    skill: String,
    technician: String,
}

#[derive(Template)]
#[template(path = "dispatch/board.html")]
struct BoardPage {
    page: Page,
    errors: FieldErrors,
    /// The rendered [`BoardBody`].
    body_html: String,
    day: String,
    view: &'static str,
    week: bool,
    previous: String,
    next: String,
    today: String,
    day_link: String,
    week_link: String,
    events: String,
    fragment: String,
    territories: Vec<Choice>,
    skills: Vec<Choice>,
    technicians: Vec<Choice>,
}

/// Columns from `from` to `at` (whole five-minute steps, rounded down), 1-based.
fn column(from: Timestamp, at: Timestamp) -> i64 {
    at.duration_since(from).as_mins().div_euclid(COLUMN_MINUTES) + 1
}

/// Columns spanned by `[a, b)`, at least one.
fn span(a: Timestamp, b: Timestamp) -> i64 {
    let mins = b.duration_since(a).as_mins();
    ((mins + COLUMN_MINUTES - 1) / COLUMN_MINUTES).max(1)
}

/// The hours the day view shows: whole hours of the zone around everything of the day.
fn window(schedule: &Schedule, zone: &TimeZone) -> Span {
    let Span { from, to } = schedule.period;
    let mut first: Option<Timestamp> = None;
    let mut last: Option<Timestamp> = None;
    let mut see = |a: Timestamp, b: Timestamp| {
        let (a, b) = (a.max(from), b.min(to));
        if a < b {
            first = Some(first.map_or(a, |f| f.min(a)));
            last = Some(last.map_or(b, |l| l.max(b)));
        }
    };
    for lane in &schedule.lanes {
        for s in lane.working.iter().chain(&lane.time_off) {
            see(s.from, s.to);
        }
        for p in &lane.visits {
            let b = &p.visit.visit.booking;
            see(
                b.starts_at - SignedDuration::from_mins(p.travel_minutes),
                b.ends_at,
            );
        }
    }
    let at_hour = |h: i8| {
        schedule
            .period
            .from
            .to_zoned(zone.clone())
            .with()
            .hour(h)
            .build()
            .map(|z| z.timestamp())
            .unwrap_or(from)
    };
    let (first, last) = match (first, last) {
        (Some(f), Some(l)) => (f, l),
        _ => (at_hour(7), at_hour(19)),
    };
    // Down and up to whole hours of the zone (offsets are whole hours nearly everywhere;
    // elsewhere the grid starts at the zone's half hour).
    let down = |t: Timestamp| {
        let z = t.to_zoned(zone.clone());
        z.with()
            .minute(0)
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .map(|z| z.timestamp())
            .unwrap_or(t)
    };
    let start = down(first).max(from);
    let mut end = down(last);
    if end < last {
        end += SignedDuration::from_hours(1);
    }
    let end = end
        .min(to)
        .min(start + SignedDuration::from_hours(MAX_HOURS));
    if end <= start {
        return Span {
            from: start,
            to: (start + SignedDuration::from_hours(1)).min(to),
        };
    }
    Span {
        from: start,
        to: end,
    }
}

fn attention_label(page: &Page, a: Attention) -> String {
    page.t(&format!("board-attention-{}", a.as_str()))
}

struct Builder<'a> {
    page: &'a Page,
    zone: &'a TimeZone,
    grid: Span,
    query: String,
}

impl Builder<'_> {
    fn block(&self, p: &Placed) -> Block {
        let v = &p.visit;
        let b = &v.visit.booking;
        let z = |t: Timestamp| t.to_zoned(self.zone.clone());
        let travel_start = b.starts_at - SignedDuration::from_mins(p.travel_minutes);
        let visible = |a: Timestamp, e: Timestamp| {
            let (a, e) = (a.max(self.grid.from), e.min(self.grid.to));
            (a < e).then_some((column(self.grid.from, a), span(a, e)))
        };
        let (gs, gw) = visible(b.starts_at, b.ends_at).unwrap_or((0, 0));
        let (travel_gs, travel_gw) = if p.travel_minutes > 0 {
            visible(travel_start, b.starts_at).unwrap_or((0, 0))
        } else {
            (0, 0)
        };
        Block {
            id: b.id.0,
            technician: v.visit.technician_name.clone(),
            times: datetime::time_range(self.page.locale, &z(b.starts_at), &z(b.ends_at)),
            date: datetime::date(self.page.locale, z(b.starts_at).date()),
            customer: v.account_name.clone(),
            service_type: v.visit.service_type.clone(),
            state_key: b.state.as_str(),
            state: state_label(self.page, b.state),
            attention: p
                .attention
                .iter()
                .map(|a| attention_label(self.page, *a))
                .collect(),
            travel: self
                .page
                .tn("board-travel-minutes", "minutes", p.travel_minutes),
            gs,
            gw,
            travel_gs,
            travel_gw,
            starts_at: b.starts_at.to_string(),
            minutes: b.ends_at.duration_since(b.starts_at).as_mins(),
            movable: matches!(b.state, BookingState::Scheduled),
            href: format!("/staff/visits?{}&visit={}#visit-detail", self.query, b.id),
            fragment: format!("/staff/visits/board?{}&visit={}", self.query, b.id),
        }
    }

    fn span_text(&self, s: &Span) -> String {
        datetime::time_range(
            self.page.locale,
            &s.from.to_zoned(self.zone.clone()),
            &s.to.to_zoned(self.zone.clone()),
        )
    }
}

/// The board's body for `schedule`.
fn body(page: Page, request: &Request, schedule: &Schedule, visit: Option<BookingId>) -> BoardBody {
    let zone = &request.zone;
    let week = request.view == View::Week;
    let grid = if week {
        schedule.period
    } else {
        window(schedule, zone)
    };
    let query = query_string(request);
    let b = Builder {
        page: &page,
        zone,
        grid,
        query: query.clone(),
    };
    let day_dates: Vec<jiff::civil::Date> = (0..request.view.days())
        .filter_map(|i| request.day.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    let mut detail = None;
    let mut lanes = Vec::with_capacity(schedule.lanes.len());
    for lane in &schedule.lanes {
        let mut blocks = Vec::with_capacity(lane.visits.len());
        for p in &lane.visits {
            let block = b.block(p);
            if visit == Some(p.id()) {
                detail = Some((block.clone(), p));
            }
            blocks.push(block);
        }
        let shades = if week {
            Vec::new()
        } else {
            lane.working
                .iter()
                .map(|s| (s, false))
                .chain(lane.time_off.iter().map(|s| (s, true)))
                .filter_map(|(s, off)| {
                    let (a, e) = (s.from.max(grid.from), s.to.min(grid.to));
                    (a < e).then(|| Shade {
                        gs: column(grid.from, a),
                        gw: span(a, e),
                        off,
                    })
                })
                .collect()
        };
        let working: Vec<String> = lane.working.iter().map(|s| b.span_text(s)).collect();
        let off: Vec<String> = lane.time_off.iter().map(|s| b.span_text(s)).collect();
        let mut summary = if working.is_empty() {
            page.t("board-not-working")
        } else {
            page.t1("board-working", "hours", working.join(", "))
        };
        if !off.is_empty() {
            summary.push_str("; ");
            summary.push_str(&page.t1("board-time-off", "hours", off.join(", ")));
        }
        let cells = if week {
            day_dates
                .iter()
                .map(|d| {
                    let on = |t: Timestamp| t.to_zoned(zone.clone()).date() == *d;
                    let hours: Vec<String> = lane
                        .working
                        .iter()
                        .filter(|s| on(s.from))
                        .map(|s| b.span_text(s))
                        .collect();
                    WeekCell {
                        hours: hours.join(", "),
                        off: lane.time_off.iter().any(|s| {
                            on(s.from)
                                || (s.from.to_zoned(zone.clone()).date() < *d
                                    && s.to.to_zoned(zone.clone()).date() >= *d)
                        }),
                        blocks: blocks
                            .iter()
                            .zip(&lane.visits)
                            .filter(|(_, p)| on(p.visit.visit.booking.starts_at))
                            .map(|(blk, _)| blk.clone())
                            .collect(),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        lanes.push(LaneView {
            id: lane.id.0,
            name: lane.name.clone(),
            shades,
            blocks,
            summary,
            cells,
        });
    }
    let attention: Vec<Block> = schedule
        .attention
        .iter()
        .map(|p| {
            let block = b.block(p);
            if detail.is_none() && visit == Some(p.id()) {
                detail = Some((block.clone(), p));
            }
            block
        })
        .collect();
    let detail = detail.map(|(block, p)| {
        let v = &p.visit;
        let records = v.visit.records(Visibility::All);
        Detail {
            asset: records.asset.map(str::to_owned),
            work_order: records.work_order_number.unwrap_or_default().to_owned(),
            cancel_reason: v.visit.booking.cancel_reason.clone(),
            completion_note: v.completion_note.clone(),
            moves: moves(&page, v.visit.booking.state),
            block,
        }
    });
    let hours = span(grid.from, grid.to).div_euclid(12).clamp(1, MAX_HOURS);
    let marks = if week {
        Vec::new()
    } else {
        (0..hours)
            .map(|h| {
                let at = grid.from + SignedDuration::from_hours(h);
                HourMark {
                    label: datetime::time(page.locale, at.to_zoned(zone.clone()).time()),
                    gs: h * 12 + 1,
                    gw: 12,
                }
            })
            .collect()
    };
    let first = datetime::date(page.locale, request.day);
    let period = if week {
        let last = day_dates.last().copied().unwrap_or(request.day);
        page.locale.text_with(
            "dispatch-period",
            &[
                ("from", onsite_i18n::Arg::Str(&first)),
                (
                    "to",
                    onsite_i18n::Arg::Str(&datetime::date(page.locale, last)),
                ),
            ],
        )
    } else {
        first
    };
    BoardBody {
        week,
        period,
        zone: zone.iana_name().unwrap_or("UTC").to_owned(),
        hours,
        marks,
        grid_from: grid.from.to_string(),
        grid_minutes: hours * 60,
        days: day_dates
            .iter()
            .map(|d| datetime::day_month(page.locale, *d))
            .collect(),
        lanes,
        attention,
        truncated: schedule.truncated,
        detail,
        day: request.day.to_string(),
        view: request.view.as_str(),
        territory: request.territory.map(|t| t.to_string()).unwrap_or_default(),
        skill: request.skill.map(|s| s.0.to_string()).unwrap_or_default(),
        technician: request
            .technician
            .map(|t| t.to_string())
            .unwrap_or_default(),
        page,
    }
}

/// The checked request of `query` for this dispatcher, its errors, and their grant.
async fn request_of(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    query: &BoardQuery,
    errors: &mut FieldErrors,
) -> WebResult<(Staff, Request)> {
    let staff: Staff = user.grant()?;
    let zone = board_zone(state, user, staff).await?;
    let request = query.request(&zone, state.clock.now(), |e| {
        errors.add_invalid(page.locale, &e)
    });
    Ok((staff, request))
}

fn visit_of(query: &BoardQuery) -> Option<BookingId> {
    query.visit.as_deref().and_then(parse_id).map(BookingId)
}

async fn board_view(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    query: &BoardQuery,
    mut errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let (staff, request) = request_of(state, &page, user, query, &mut errors).await?;
    let schedule = board::schedule(&state.app, staff, &request, state.clock.now()).await?;
    let status = if status == StatusCode::OK && !errors.is_empty() {
        crate::error::INVALID
    } else {
        status
    };
    let here = query_string(&request);
    let choices = |items: Vec<(String, String)>, selected: Option<String>| {
        items
            .into_iter()
            .map(|(value, label)| Choice {
                selected: selected.as_deref() == Some(value.as_str()),
                value,
                label,
            })
            .collect::<Vec<_>>()
    };
    let view = BoardPage {
        errors,
        previous: format!("/staff/visits?{}", shifted(&request, -request.view.days())),
        next: format!("/staff/visits?{}", shifted(&request, request.view.days())),
        today: {
            let today = state.clock.now().to_zoned(request.zone.clone()).date();
            let days = today
                .since(request.day)
                .map(|s| s.get_days() as i64)
                .unwrap_or(0);
            format!("/staff/visits?{}", shifted(&request, days))
        },
        day_link: format!("/staff/visits?{}", here.replace("view=week", "view=day")),
        week_link: format!("/staff/visits?{}", here.replace("view=day", "view=week")),
        events: if state.config.board_poll.is_some() {
            format!("/staff/visits/events?{here}")
        } else {
            String::new()
        },
        fragment: format!(
            "/staff/visits/board?{here}{}",
            visit_of(query)
                .map(|v| format!("&visit={v}"))
                .unwrap_or_default()
        ),
        territories: choices(
            schedule
                .territories
                .iter()
                .map(|t| (t.id.to_string(), t.name.clone()))
                .collect(),
            request.territory.map(|t| t.to_string()),
        ),
        skills: choices(
            schedule
                .skills
                .iter()
                .map(|s| (s.id.0.to_string(), s.name.clone()))
                .collect(),
            request.skill.map(|s| s.0.to_string()),
        ),
        technicians: choices(
            schedule
                .technicians
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone()))
                .collect(),
            request.technician.map(|t| t.to_string()),
        ),
        body_html: body(page.clone(), &request, &schedule, visit_of(query))
            .render()
            .map_err(crate::WebError::internal)?,
        day: request.day.to_string(),
        view: request.view.as_str(),
        week: request.view == View::Week,
        page,
    };
    render_with_status(status, &view)
}

/// `GET /staff/visits`: the board.
pub async fn board(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<BoardQuery>,
) -> WebResult<Response> {
    board_view(
        &state,
        page,
        &user,
        &query,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `GET /staff/visits/board`: the board's body alone (what `board.js` swaps in when the
/// board changed, and the blocks' details with htmx).
pub async fn fragment(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<BoardQuery>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let (staff, request) = request_of(&state, &page, &user, &query, &mut errors).await?;
    let schedule = board::schedule(&state.app, staff, &request, state.clock.now()).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        crate::error::INVALID
    };
    render_with_status(status, &body(page, &request, &schedule, visit_of(&query)))
}

// ---- Live updates ---------------------------------------------------------------------------

/// How often a board's stream checks again that its watcher is still a signed-in dispatcher.
pub const RECHECK: Duration = Duration::from_secs(30);
/// How often a board's stream says "changed" anyway: late visits become late as time passes.
pub const REFRESH: Duration = Duration::from_secs(60);

/// One board stream: polls the board's fingerprint and says `changed` when it moves.
struct BoardWatch {
    state: AppState,
    session: onsite_app::secrets::Secret,
    staff: Staff,
    request: Request,
    last: u64,
    /// `http.board_poll_ms` is not 0: the stream polls (else it only keeps the line open).
    polling: bool,
    poll: tokio::time::Interval,
    recheck: tokio::time::Interval,
    refresh: tokio::time::Interval,
    keep_alive: tokio::time::Interval,
    first: bool,
}

const CHANGED: &[u8] = b"event: changed\ndata: {}\n\n";
const READY: &[u8] = b"event: ready\ndata: {}\n\n";
const KEEP_ALIVE_FRAME: &[u8] = b":\n\n";

impl BoardWatch {
    async fn next(&mut self) -> Option<Bytes> {
        if self.first {
            self.first = false;
            return Some(Bytes::from_static(READY));
        }
        loop {
            tokio::select! {
                _ = self.poll.tick(), if self.polling => {
                    match board::fingerprint(&self.state.app, self.staff, &self.request).await {
                        Ok(now) if now != self.last => {
                            self.last = now;
                            return Some(Bytes::from_static(CHANGED));
                        }
                        Ok(_) => {}
                        // A database hiccup: try again at the next tick.
                        Err(e) => tracing::warn!(error = %e, "board fingerprint"),
                    }
                }
                _ = self.refresh.tick(), if self.polling => return Some(Bytes::from_static(CHANGED)),
                _ = self.keep_alive.tick() => return Some(Bytes::from_static(KEEP_ALIVE_FRAME)),
                _ = self.recheck.tick() => {
                    let now = self.state.clock.now();
                    let still = match onsite_app::identity::session(&self.state.app, self.session.expose(), now).await {
                        Ok(Some(active)) => crate::session::principal_of(&active.user).staff().is_some(),
                        _ => false,
                    };
                    if !still {
                        return None;
                    }
                }
            }
        }
    }
}

/// `GET /staff/visits/events`: the board's server-sent events: `ready` once, then `changed`
/// whenever anything the board of the query shows changed, on any server sharing the
/// database (its fingerprint is polled every `http.board_poll_ms`, `WebConfig::board_poll`),
/// and at least every [`REFRESH`]. With polling off, only keep-alive comments.
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<BoardQuery>,
) -> WebResult<Response> {
    let staff: Staff = user.grant()?;
    let zone = board_zone(&state, &user, staff).await?;
    let request = query.checked(&zone, state.clock.now())?;
    let last = board::fingerprint(&state.app, staff, &request).await?;
    let start = tokio::time::Instant::now();
    let every = |d: Duration| {
        let mut i = tokio::time::interval_at(start + d, d);
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        i
    };
    let watch = BoardWatch {
        session: user.token.clone(),
        staff,
        request,
        last,
        polling: state.config.board_poll.is_some(),
        poll: every(state.config.board_poll.unwrap_or(REFRESH)),
        recheck: every(RECHECK),
        refresh: every(REFRESH),
        keep_alive: every(crate::tracking::pages::KEEP_ALIVE),
        first: true,
        state,
    };
    let stream = futures_util::stream::unfold(watch, |mut watch| async move {
        watch
            .next()
            .await
            .map(|bytes| (Ok::<_, Infallible>(bytes), watch))
    });
    Ok((
        [(CONTENT_TYPE, crate::tracking::pages::EVENT_STREAM)],
        Body::from_stream(stream),
    )
        .into_response())
}

// ---- The state buttons ----------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TransitionForm {
    action: Option<String>,
    note: Option<String>,
    day: Option<String>,
    view: Option<String>,
    territory: Option<String>,
    skill: Option<String>,
    technician: Option<String>,
}

pub(crate) fn parse_action(raw: Option<&str>) -> Result<BookingAction, InvalidInput> {
    match raw.map(str::trim) {
        Some("start_travel") => Ok(BookingAction::StartTravel),
        Some("stop_travel") => Ok(BookingAction::StopTravel),
        Some("start_work") => Ok(BookingAction::StartWork),
        Some("complete") => Ok(BookingAction::Complete),
        Some("cancel") => Ok(BookingAction::Cancel),
        None | Some("") => Err(InvalidInput::new("action", "required")),
        Some(_) => Err(InvalidInput::new("action", "unknown")),
    }
}

/// `POST /staff/visits/{id}/transition`: moves the visit (action, and the note or the cancel
/// reason), then back to the same board with the visit open.
pub async fn transition(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
    Form(form): Form<TransitionForm>,
) -> WebResult<Response> {
    let query = BoardQuery {
        day: form.day.clone(),
        view: form.view.clone(),
        territory: form.territory.clone(),
        skill: form.skill.clone(),
        technician: form.technician.clone(),
        visit: Some(id.0.to_string()),
    };
    let action = match parse_action(form.action.as_deref()) {
        Ok(a) => a,
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add_invalid(page.locale, &e);
            return board_view(&state, page, &user, &query, errors, crate::error::INVALID).await;
        }
    };
    let note = form.note.as_deref().filter(|n| !n.trim().is_empty());
    let done = booking::transition(
        &state.app,
        user.grant()?,
        id,
        action,
        note,
        state.clock.now(),
    )
    .await;
    match done {
        Ok(_) => {
            let mut errors = FieldErrors::new();
            let (_, request) = request_of(&state, &page, &user, &query, &mut errors).await?;
            Ok(see_other(&format!(
                "/staff/visits?notice=visit-updated&{}&visit={id}#visit-detail",
                query_string(&request)
            )))
        }
        Err(e) if e.is_internal() || matches!(e, BookingError::NotFound) => Err(e.into()),
        Err(e) => {
            let status = crate::error::status(&e);
            let mut errors = FieldErrors::new();
            errors.add(FORM, page.t(e.message_id()));
            board_view(&state, page, &user, &query, errors, status).await
        }
    }
}
