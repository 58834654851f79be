//! A dispatcher moves a visit to another time or technician (issue 15, item 2): the board's
//! drag and drop, the keyboard "Move…" dialog and the JSON API all call [`check_move`] before
//! and [`move_visit`] to do it.
//!
//! The check is the scheduling engine's ([`onsite_schedule::check_move`]): every reason the
//! move is refused, each worded in the dispatcher's language by [`MoveCheck::reasons`]. A
//! dispatcher may override working hours, time off and travel time by stating a reason (kept
//! in the audit line and the visit's history), never eligibility, an overlap or the past.
//!
//! [`move_visit`] checks again inside its write transaction, under the target technician's
//! lock (SQLite `BEGIN IMMEDIATE`; PostgreSQL the per-technician advisory lock bookings take),
//! against their visits as committed then: of two dispatchers moving visits into the same free
//! hour at once, the second sees the first's visit and is refused with the overlap. The
//! database's overlap guard stays the last line. The write itself is rescheduling's
//! ([`crate::booking::write_move`]): calendar sequence + 1 with the same UID, history, audit,
//! and the customer's "new time" email with the updated invitation.

use crate::booking::{
    self, MoveAudit, NewTime, REASON_MAX, Written, around, commit, display_zone, found, rollback,
};
use crate::context::App;
use crate::failure::{Failure, Kind};
use crate::policy::{Grant, Staff};
use crate::reassign::visit_request;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_domain::booking::BookingState;
use onsite_domain::technician::{ResourceKind, Technician};
use onsite_domain::text::free_text;
use onsite_domain::{BookingId, CharacteristicId, InvalidInput, TechnicianId};
use onsite_i18n::{Arg, Locale, datetime};
use onsite_schedule::{Commitment, MoveQuestion, Neighbour, Refusal, Verdict};
use onsite_store::visits::{self, Visit};
use onsite_store::{Conn, StoreError, accounts, bookings, catalog};
use std::borrow::Cow;

/// Every [`Reason::code`] there is.
pub const REASON_CODES: [&str; 9] = Refusal::CODES;

/// Where the dispatcher wants the visit: a technician and a start. The visit keeps its length
/// (arrival window and time on site).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub technician: TechnicianId,
    pub starts_at: Timestamp,
}

/// A visit's technician and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub technician_id: TechnicianId,
    pub technician_name: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// A move as checked: the visit, where it is and where it would go, and the engine's verdict.
#[derive(Debug, Clone)]
pub struct MoveCheck {
    pub visit: Visit,
    pub account_name: String,
    pub from: Placement,
    pub to: Placement,
    pub verdict: Verdict,
    /// The zone the dispatcher reads and types times in: their profile's, else the visit's
    /// (its account's address).
    pub zone: TimeZone,
    /// The same technician and time it has: moving changes nothing.
    pub unchanged: bool,
    skill_names: Vec<(CharacteristicId, String)>,
}

/// One reason a move is refused, worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// [`Refusal::code`]: `lacks_skill`, `overlap`, `outside_hours`, `time_off`, `travel`,
    /// `territory`, `inactive`, `not_a_user`, `past`.
    pub code: &'static str,
    pub message: String,
    pub overridable: bool,
}

impl MoveCheck {
    /// Every reason, in the verdict's order, in `locale`.
    pub fn reasons(&self, locale: Locale) -> Vec<Reason> {
        self.verdict
            .refusals
            .iter()
            .map(|r| Reason {
                code: r.code(),
                message: self.sentence(locale, r),
                overridable: r.overridable(),
            })
            .collect()
    }

    /// One line for the whole verdict.
    pub fn summary(&self, locale: Locale) -> String {
        let id = if self.verdict.is_clear() {
            "moves-summary-clear"
        } else if self.verdict.overridable() {
            "moves-summary-overridable"
        } else {
            "moves-summary-refused"
        };
        locale.text(id)
    }

    fn time(&self, locale: Locale, t: Timestamp) -> String {
        datetime::time(locale, t.to_zoned(self.zone.clone()).time())
    }

    fn sentence(&self, locale: Locale, r: &Refusal) -> String {
        let name = self.to.technician_name.as_str();
        let n = |v: i64| Arg::Num(v as f64);
        match r {
            Refusal::LacksSkills(skills) => {
                let list: Vec<String> = skills
                    .iter()
                    .map(|s| {
                        let skill = self
                            .skill_names
                            .iter()
                            .find(|(id, _)| *id == s.characteristic_id)
                            .map_or_else(|| s.characteristic_id.0.to_string(), |x| x.1.clone());
                        locale.text_with(
                            "moves-skill-at-least",
                            &[
                                ("skill", Arg::Str(&skill)),
                                ("rating", n(s.rating.get().into())),
                            ],
                        )
                    })
                    .collect();
                let skills = list.join(", ");
                locale.text_with(
                    "moves-reason-lacks-skill",
                    &[("name", Arg::Str(name)), ("skills", Arg::Str(&skills))],
                )
            }
            Refusal::Overlap {
                starts_at,
                travel_minutes,
            } => {
                let time = self.time(locale, *starts_at);
                locale.text_with(
                    "moves-reason-overlap",
                    &[("time", Arg::Str(&time)), ("travel", n(*travel_minutes))],
                )
            }
            Refusal::TravelBefore {
                from,
                needed_minutes,
                available_minutes,
            }
            | Refusal::TravelAfter {
                to: from,
                needed_minutes,
                available_minutes,
            } => {
                let after = matches!(r, Refusal::TravelBefore { .. });
                let (id, time) = match (from, after) {
                    (Neighbour::HomeBase, true) => ("moves-reason-travel-from-home", None),
                    (Neighbour::HomeBase, false) => ("moves-reason-travel-to-home", None),
                    (Neighbour::Visit(t), true) => ("moves-reason-travel-after", Some(*t)),
                    (Neighbour::Visit(t), false) => ("moves-reason-travel-before", Some(*t)),
                };
                let time = time.map(|t| self.time(locale, t)).unwrap_or_default();
                locale.text_with(
                    id,
                    &[
                        ("time", Arg::Str(&time)),
                        ("needed", n(*needed_minutes)),
                        ("available", n(*available_minutes)),
                    ],
                )
            }
            other => {
                let id = match other {
                    Refusal::NotAUser => "moves-reason-not-a-user",
                    Refusal::Inactive => "moves-reason-inactive",
                    Refusal::OutsideTerritory => "moves-reason-territory",
                    Refusal::InPast => "moves-reason-past",
                    Refusal::OutsideHours => "moves-reason-outside-hours",
                    _ => "moves-reason-time-off",
                };
                locale.text_with(id, &[("name", Arg::Str(name))])
            }
        }
    }
}

/// What [`move_visit`] did.
#[derive(Debug, Clone)]
pub struct Moved {
    /// `false`: the visit already had that technician and time; nothing changed.
    pub moved: bool,
    /// The check the move passed, made under the lock (overridden reasons included).
    pub check: MoveCheck,
}

#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("not found")]
    NotFound,
    /// Only Scheduled visits move.
    #[error("a {0:?} visit cannot be moved")]
    NotScheduled(BookingState),
    /// Refused: the reasons are in the check (override them with a reason when all of them
    /// may be).
    #[error("move refused")]
    Refused(Box<MoveCheck>),
    /// Someone changed the visit at the same moment: look again.
    #[error("the visit changed meanwhile")]
    Changed,
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot render email: {0}")]
    Email(#[from] onsite_notify::emails::RenderError),
}

impl MoveError {
    /// The Fluent message that explains it (`moves.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            MoveError::NotFound => "booking-not-found",
            MoveError::NotScheduled(_) => "moves-not-scheduled",
            MoveError::Refused(check) if check.verdict.overridable() => "moves-summary-overridable",
            MoveError::Refused(_) => "moves-summary-refused",
            MoveError::Changed => "booking-changed",
            MoveError::Invalid(e) => match e.field {
                "technician_id" => "moves-unknown-technician",
                "reason" => "moves-reason-too-long",
                _ => "moves-invalid-time",
            },
            MoveError::Store(_) | MoveError::Email(_) => "error-internal",
        }
    }
}

impl Failure for MoveError {
    fn kind(&self) -> Kind {
        match self {
            MoveError::NotFound => Kind::NotFound,
            MoveError::NotScheduled(_) | MoveError::Refused(_) | MoveError::Changed => {
                Kind::Conflict
            }
            MoveError::Invalid(_) => Kind::Invalid,
            MoveError::Store(e) => e.kind(),
            MoveError::Email(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            MoveError::NotScheduled(_) => "not_modifiable",
            MoveError::Refused(_) => "move_refused",
            MoveError::Changed => "changed",
            MoveError::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            MoveError::Invalid(e) => Some(Cow::Borrowed(e.field)),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            MoveError::Store(e) => e.message(locale),
            MoveError::NotScheduled(state) => {
                let state = locale.text(&format!("bookings-state-{}", state.as_str()));
                locale.text_with("moves-not-scheduled", &[("state", Arg::Str(&state))])
            }
            _ => locale.text(self.message_id()),
        }
    }
}

impl From<booking::BookingError> for MoveError {
    fn from(e: booking::BookingError) -> Self {
        match e {
            booking::BookingError::NotFound => MoveError::NotFound,
            booking::BookingError::Changed => MoveError::Changed,
            booking::BookingError::Invalid(i) => MoveError::Invalid(i),
            booking::BookingError::Store(s) => MoveError::Store(s),
            booking::BookingError::Email(m) => MoveError::Email(m),
            other => MoveError::Store(StoreError::Corrupt(other.to_string())),
        }
    }
}

pub type Result<T, E = MoveError> = std::result::Result<T, E>;

/// What the "Move…" dialog offers: the visit, where it is, the technicians to pick from (user
/// resources, by name; inactive ones included so a refusal can say so) and the zone its times
/// are typed in.
#[derive(Debug, Clone)]
pub struct MoveDialog {
    pub visit: Visit,
    pub account_name: String,
    pub zone: TimeZone,
    pub technicians: Vec<Technician>,
}

/// The dialog's facts for visit `id`.
pub async fn dialog(app: &App, staff: Staff, id: BookingId) -> Result<MoveDialog> {
    let mut conn = app.store.conn().await?;
    let visit = found(visits::visit(&mut conn, id).await)?;
    let account = found(accounts::account(&mut conn, visit.account_id).await)?;
    let me = booking::user(&mut conn, staff.user()).await?;
    let reference = app.store.reference(&mut conn).await?;
    let technicians = reference
        .technicians
        .iter()
        .filter(|t| t.kind == ResourceKind::User)
        .cloned()
        .collect();
    Ok(MoveDialog {
        zone: display_zone(me.as_ref(), &account),
        account_name: account.name.clone(),
        visit,
        technicians,
    })
}

/// Checks moving visit `id` to `target`, changing nothing.
pub async fn check_move(
    app: &App,
    staff: Staff,
    id: BookingId,
    target: Target,
    now: Timestamp,
) -> Result<MoveCheck> {
    let mut conn = app.store.conn().await?;
    assess(app, &mut conn, staff, id, target, now).await
}

/// Moves visit `id` to `target` if the check (made again under the technician's lock) allows
/// it; with `override_reason`, a move refused only for reasons a dispatcher may override goes
/// ahead and the reason is recorded. The same technician and time changes nothing.
pub async fn move_visit(
    app: &App,
    staff: Staff,
    id: BookingId,
    target: Target,
    override_reason: Option<String>,
    now: Timestamp,
) -> Result<Moved> {
    let reason = free_text(
        "reason",
        override_reason.as_deref().unwrap_or(""),
        REASON_MAX,
    )?;
    let mut tx = app.store.begin().await?;
    bookings::lock_technician(&mut tx, target.technician).await?;
    let check = match assess(app, &mut tx, staff, id, target, now).await {
        Ok(check) => check,
        Err(e) => {
            rollback(tx).await?;
            return Err(e);
        }
    };
    if check.unchanged {
        rollback(tx).await?;
        return Ok(Moved {
            moved: false,
            check,
        });
    }
    if !check.verdict.allows(reason.is_some()) {
        rollback(tx).await?;
        return Err(MoveError::Refused(Box::new(check)));
    }
    let account = found(accounts::account(&mut tx, check.visit.account_id).await)?;
    let window = check
        .visit
        .arrival_window_end
        .map(|w| w.duration_since(check.visit.booking.starts_at));
    let to = NewTime {
        technician: target.technician,
        starts_at: check.to.starts_at,
        arrival_window_end: window
            .filter(|w| w.is_positive())
            .and_then(|w| check.to.starts_at.checked_add(w).ok()),
        ends_at: check.to.ends_at,
    };
    let overriding = reason.as_deref().filter(|_| !check.verdict.is_clear());
    let written = booking::write_move(
        app,
        &mut tx,
        staff.into(),
        &check.visit,
        &account,
        &to,
        MoveAudit {
            action: "booking.move",
            override_reason: overriding,
        },
        now,
    )
    .await?;
    match written {
        Written::Done => {}
        Written::Changed | Written::Overlap => {
            rollback(tx).await?;
            return Err(MoveError::Changed);
        }
    }
    commit(tx).await?;
    app.mail_queued();
    app.tracking
        .hub
        .visits_changed(check.visit.booking.technician_id);
    app.tracking.hub.visits_changed(target.technician);
    Ok(Moved { moved: true, check })
}

/// The check, on `conn` (inside the write transaction for a move).
async fn assess(
    app: &App,
    conn: &mut Conn,
    staff: Staff,
    id: BookingId,
    target: Target,
    now: Timestamp,
) -> Result<MoveCheck> {
    let visit = found(visits::visit(conn, id).await)?;
    let b = &visit.booking;
    if b.state != BookingState::Scheduled {
        return Err(MoveError::NotScheduled(b.state));
    }
    let reference = app.store.reference(conn).await?;
    let tech = reference
        .technician(target.technician)
        .cloned()
        .ok_or(InvalidInput::new("technician_id", "unknown"))?;
    let from_name = visit.technician_name.clone();
    let ends_at = target
        .starts_at
        .checked_add(b.ends_at.duration_since(b.starts_at))
        .map_err(|_| InvalidInput::new("starts_at", "out-of-range"))?;
    let account = found(accounts::account(conn, visit.account_id).await)?;
    let me = booking::user(conn, staff.user()).await?;
    let zone = display_zone(me.as_ref(), &account);
    let service_type = reference
        .service_type(visit.service_type_id)
        .ok_or(StoreError::NotFound)?;
    let request = visit_request(conn, &reference, &visit, &account, service_type.duration).await?;
    let (lo, hi) = around(target.starts_at);
    let theirs: Vec<Commitment> = bookings::open_bookings_of(conn, &[tech.id], lo, hi, Some(id))
        .await?
        .iter()
        .map(Commitment::from)
        .collect();
    let site = booking::site_settings(&reference)?;
    let verdict = onsite_schedule::check_move(
        &MoveQuestion {
            technician: &tech,
            request: &request,
            commitments: &theirs,
            starts_at: target.starts_at,
            ends_at,
            now,
        },
        &site.travel,
    );
    let skill_names = if verdict
        .refusals
        .iter()
        .any(|r| matches!(r, Refusal::LacksSkills(_)))
    {
        catalog::list_characteristics(conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    } else {
        Vec::new()
    };
    let unchanged = b.technician_id == target.technician && b.starts_at == target.starts_at;
    Ok(MoveCheck {
        from: Placement {
            technician_id: b.technician_id,
            technician_name: from_name,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
        },
        to: Placement {
            technician_id: tech.id,
            technician_name: tech.name.clone(),
            starts_at: target.starts_at,
            ends_at,
        },
        // Nothing to refuse when nothing moves.
        verdict: if unchanged {
            Verdict::default()
        } else {
            verdict
        },
        zone,
        unchanged,
        skill_names,
        account_name: account.name.clone(),
        visit,
    })
}
