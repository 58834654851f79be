//! Bookings (visits) and their recorded transitions.
//!
//! The state column only ever changes through [`BookingState::transition`] (the domain's state
//! machine): [`transition_booking`] reads the current state, asks the machine, and writes the
//! new state together with a `booking_transitions` row (who, when, from, to). A booking is born
//! Scheduled, and that first transition (from nothing to Scheduled) is recorded too.

use crate::sql::{Run, advisory_xact_lock, is_postgres, placeholders, values};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::booking::{Booking, BookingAction, BookingState, IllegalTransition};
use onsite_domain::geo::GeoPoint;
use onsite_domain::{AccountId, BookingId, TechnicianId, UserId, WorkOrderId};
use sqlx::any::AnyRow;

/// Why a transition was not applied. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// The state machine refuses the move (e.g. completing a Scheduled visit).
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    /// A recorded history whose times go backwards.
    #[error("booking transitions must be in time order")]
    OutOfOrder,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TransitionError {
    fn from(e: sqlx::Error) -> Self {
        TransitionError::Store(e.into())
    }
}

pub struct NewBooking<'a> {
    pub work_order_id: WorkOrderId,
    pub technician_id: TechnicianId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Where the visit happens (the account's address at booking time).
    pub location: GeoPoint,
    /// The calendar UID, kept across reschedules.
    pub ics_uid: &'a str,
    /// Makes a repeated submission (a double-clicked Book) a [`StoreError::Conflict`].
    pub idempotency_key: Option<&'a str>,
    /// Who booked it (`None` for the system) and when.
    pub booked_by: Option<UserId>,
    pub booked_at: Timestamp,
}

/// A transition that already happened, for loading history (imports, the demo).
#[derive(Debug, Clone, Copy)]
pub struct RecordedTransition<'a> {
    pub action: BookingAction,
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub note: Option<&'a str>,
}

/// One row of a booking's history. `from` is `None` for its creation.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingTransition {
    pub from: Option<BookingState>,
    pub to: BookingState,
    pub actor: Option<UserId>,
    pub at: Timestamp,
    pub note: Option<String>,
}

/// Creates a Scheduled booking and records its creation.
pub async fn insert_booking(conn: &mut Conn, b: &NewBooking<'_>) -> Result<BookingId> {
    match insert_booking_with_history(conn, b, &[]).await {
        Ok(id) => Ok(id),
        Err(TransitionError::Store(e)) => Err(e),
        // An empty history has no transition to refuse.
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}

/// Creates a booking that has already been through `history` (in time order, after
/// `booked_at`), checking every step against the state machine before writing anything.
pub async fn insert_booking_with_history(
    conn: &mut Conn,
    b: &NewBooking<'_>,
    history: &[RecordedTransition<'_>],
) -> Result<BookingId, TransitionError> {
    let mut steps = Vec::with_capacity(history.len() + 1);
    steps.push((
        None,
        BookingState::Scheduled,
        b.booked_by,
        b.booked_at,
        None,
    ));
    let mut state = BookingState::Scheduled;
    let mut last_at = b.booked_at;
    let mut cancel_reason = None;
    let mut sequence = 0_i64;
    for t in history {
        let next = state.transition(t.action)?;
        if t.at < last_at {
            return Err(TransitionError::OutOfOrder);
        }
        if t.action == BookingAction::Cancel {
            cancel_reason = t.note;
            sequence += 1;
        }
        steps.push((Some(state), next, t.actor, t.at, t.note));
        state = next;
        last_at = t.at;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO bookings (work_order_id, technician_id, state, starts_at, ends_at, latitude, longitude, \
         ics_uid, ics_sequence, cancel_reason, idempotency_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(b.work_order_id.0)
    .bind(b.technician_id.0)
    .bind(state.as_str())
    .bind(to_ms(b.starts_at))
    .bind(to_ms(b.ends_at))
    .bind(b.location.lat())
    .bind(b.location.lon())
    .bind(b.ics_uid)
    .bind(sequence)
    .bind(cancel_reason)
    .bind(b.idempotency_key)
    .bind(to_ms(b.booked_at))
    .bind(to_ms(last_at))
    .fetch_one(&mut *conn)
    .await?;
    // One statement for the whole history: a completed visit has four rows, and loading
    // thousands of them (the demo, imports) should not cost a round trip each.
    let sql = format!(
        "INSERT INTO booking_transitions (booking_id, from_state, to_state, actor_user_id, at, note) VALUES {}",
        values(steps.len(), &["?"; 6])
    );
    let mut q = sqlx::query(&sql);
    for (from, to, actor, at, note) in &steps {
        q = q
            .bind(id)
            .bind(from.map(BookingState::as_str))
            .bind(to.as_str())
            .bind(actor.map(|a| a.0))
            .bind(to_ms(*at))
            .bind(*note);
    }
    q.execute(&mut *conn).await?;
    Ok(BookingId(id))
}

/// Applies `action` to the booking now, on behalf of `actor`. Returns the new state; an illegal
/// move is refused with [`TransitionError::Illegal`] and writes nothing.
pub async fn transition_booking(
    conn: &mut Conn,
    id: BookingId,
    action: BookingAction,
    actor: Option<UserId>,
    note: Option<&str>,
) -> Result<BookingState, TransitionError> {
    transition_booking_at(conn, id, action, actor, note, Timestamp::now()).await
}

/// [`transition_booking`] at a given instant.
pub async fn transition_booking_at(
    conn: &mut Conn,
    id: BookingId,
    action: BookingAction,
    actor: Option<UserId>,
    note: Option<&str>,
    at: Timestamp,
) -> Result<BookingState, TransitionError> {
    // The update only applies if the state is still the one read: if another request moved
    // the booking in between (PostgreSQL at READ COMMITTED lets both read), read again and
    // decide on the new state rather than overwriting it.
    for _ in 0..3 {
        let raw: String = sqlx::query_scalar("SELECT state FROM bookings WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
        let from = BookingState::parse(&raw).map_err(StoreError::from)?;
        let to = from.transition(action)?;
        let cancel = action == BookingAction::Cancel;
        let changed = sqlx::query(
            "UPDATE bookings SET state = $1, updated_at = $2, \
             cancel_reason = CASE WHEN $3 THEN $4 ELSE cancel_reason END, \
             ics_sequence = ics_sequence + CASE WHEN $3 THEN 1 ELSE 0 END \
             WHERE id = $5 AND state = $6",
        )
        .bind(to.as_str())
        .bind(to_ms(at))
        .bind(cancel)
        .bind(note)
        .bind(id.0)
        .bind(from.as_str())
        .changed(conn)
        .await?;
        if !changed {
            continue;
        }
        sqlx::query(
            "INSERT INTO booking_transitions (booking_id, from_state, to_state, actor_user_id, at, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.0)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(actor.map(|a| a.0))
        .bind(to_ms(at))
        .bind(note)
        .execute(&mut *conn)
        .await?;
        return Ok(to);
    }
    Err(StoreError::Conflict {
        constraint: "bookings.state".into(),
    }
    .into())
}

/// The technician's visit that is Traveling, if any (there is at most one: migration 0018).
pub async fn traveling_visit_of(
    conn: &mut Conn,
    technician: TechnicianId,
) -> Result<Option<BookingId>> {
    sqlx::query("SELECT id FROM bookings WHERE technician_id = $1 AND state = 'traveling'")
        .bind(technician.0)
        .optional(conn, |r| Ok(BookingId(r.i64("id")?)))
        .await
}

/// When the visit last entered `state`, and the note of that move (a completion's note).
pub async fn last_entered(
    conn: &mut Conn,
    id: BookingId,
    state: BookingState,
) -> Result<Option<(Timestamp, Option<String>)>> {
    sqlx::query(
        "SELECT at, note FROM booking_transitions WHERE booking_id = $1 AND to_state = $2 \
         ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(id.0)
    .bind(state.as_str())
    .optional(conn, |r| Ok((r.ts("at")?, r.opt_text("note")?)))
    .await
}

/// The longest a visit may last (migration 0010 enforces it). A visit overlapping `[from, to)`
/// starts in `(from - LONGEST_VISIT, to)`: the bound that turns "visits around a time" into a
/// short range of the `(technician_id, starts_at)` index instead of the technician's history.
pub const LONGEST_VISIT: SignedDuration = SignedDuration::from_hours(24);

/// The lowest start (exclusive, in ms) of a visit that can still overlap a time after `from`.
fn earliest_overlapping_start(from: Timestamp) -> i64 {
    to_ms(from).saturating_sub(LONGEST_VISIT.as_millis() as i64)
}

const COLUMNS: &str = "b.id, b.work_order_id, b.technician_id, b.state, b.starts_at, b.ends_at, b.latitude, \
                       b.longitude, b.ics_uid, b.ics_sequence, b.cancel_reason";

pub async fn booking(conn: &mut Conn, id: BookingId) -> Result<Booking> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM bookings b WHERE b.id = $1"))
        .bind(id.0)
        .one(conn, booking_from_row)
        .await
}

/// The technician's bookings that overlap [from, to), in every state, by start time.
pub async fn bookings_of_technician(
    conn: &mut Conn,
    technician: TechnicianId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Booking>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bookings b WHERE b.technician_id = $1 AND b.starts_at < $2 AND b.ends_at > $3 \
         AND b.starts_at > $4 ORDER BY b.starts_at, b.id"
    ))
    .bind(technician.0)
    .bind(to_ms(to))
    .bind(to_ms(from))
    .bind(earliest_overlapping_start(from))
    .all(conn, booking_from_row)
    .await
}

/// Every booking of the account's work orders, by start time.
pub async fn bookings_of_account(conn: &mut Conn, account: AccountId) -> Result<Vec<Booking>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bookings b JOIN work_orders w ON w.id = b.work_order_id \
         WHERE w.account_id = $1 ORDER BY b.starts_at, b.id"
    ))
    .bind(account.0)
    .all(conn, booking_from_row)
    .await
}

pub async fn bookings_of_work_order(
    conn: &mut Conn,
    work_order: WorkOrderId,
) -> Result<Vec<Booking>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bookings b WHERE b.work_order_id = $1 ORDER BY b.starts_at, b.id"
    ))
    .bind(work_order.0)
    .all(conn, booking_from_row)
    .await
}

/// The booking's history, oldest first.
pub async fn transitions(conn: &mut Conn, id: BookingId) -> Result<Vec<BookingTransition>> {
    sqlx::query(
        "SELECT from_state, to_state, actor_user_id, at, note FROM booking_transitions \
         WHERE booking_id = $1 ORDER BY at, id",
    )
    .bind(id.0)
    .all(conn, |r| {
        Ok(BookingTransition {
            from: r
                .opt_text("from_state")?
                .map(|s| BookingState::parse(&s))
                .transpose()?,
            to: BookingState::parse(&r.text("to_state")?)?,
            actor: r.opt_i64("actor_user_id")?.map(UserId),
            at: r.ts("at")?,
            note: r.opt_text("note")?,
        })
    })
    .await
}

pub(crate) fn booking_from_row(r: &AnyRow) -> Result<Booking> {
    let starts_at = r.ts("starts_at")?;
    let ends_at = r.ts("ends_at")?;
    if starts_at >= ends_at {
        return Err(StoreError::Corrupt(format!(
            "booking ends before it starts ({starts_at} ≥ {ends_at})"
        )));
    }
    Ok(Booking {
        id: BookingId(r.i64("id")?),
        work_order_id: WorkOrderId(r.i64("work_order_id")?),
        technician_id: TechnicianId(r.i64("technician_id")?),
        state: BookingState::parse(&r.text("state")?)?,
        starts_at,
        ends_at,
        location: GeoPoint::new(r.f64("latitude")?, r.f64("longitude")?)?,
        ics_uid: r.text("ics_uid")?,
        ics_sequence: r.i64("ics_sequence")?,
        cancel_reason: r.opt_text("cancel_reason")?,
    })
}

// ---- Self-scheduling: the double-booking guarantee and moving visits -------------------------
//
// The guarantee has three layers. (1) The booking transaction takes the technician's lock
// ([`lock_technician`]): PostgreSQL's advisory lock, or nothing on SQLite, whose booking
// transactions are BEGIN IMMEDIATE and so already one at a time. (2) Under that lock the caller
// re-reads the technician's visits ([`open_bookings_between`]) and re-checks the time, travel
// included, with the scheduling engine; [`overlapping`] is the plain interval check, the same
// query on both engines. (3) The database itself refuses an overlap (migration 0005: an
// exclusion constraint on PostgreSQL, triggers on SQLite), reported as
// [`StoreError::is_overlap`].

/// Keeps a PostgreSQL advisory lock key out of the way of other uses (the migration lock, test
/// helpers): the technician's id in the low 32 bits under a fixed tag ("TECH").
const TECHNICIAN_LOCK_TAG: i64 = 0x5445_4348 << 32;

/// Takes the technician's booking lock until the end of the current transaction. Call it first
/// in every transaction that gives the technician a visit, before reading their visits.
pub async fn lock_technician(conn: &mut Conn, technician: TechnicianId) -> Result<()> {
    // PostgreSQL: a transaction-scoped advisory lock serializes the transactions booking this
    // technician (and only them), so the re-read that follows sees every visit committed before.
    // SQLite: nothing to do, the transaction began with BEGIN IMMEDIATE and holds the database's
    // single write lock, so no other booking can commit in between.
    if is_postgres(conn) {
        advisory_xact_lock(conn, TECHNICIAN_LOCK_TAG | (technician.0 & 0xffff_ffff)).await?;
    }
    Ok(())
}

/// How many open (not canceled) visits of the technician overlap `[starts_at, ends_at)`,
/// leaving out `except` (the visit being moved). The same query on both engines.
pub async fn overlapping(
    conn: &mut Conn,
    technician: TechnicianId,
    starts_at: Timestamp,
    ends_at: Timestamp,
    except: Option<BookingId>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE technician_id = $1 AND state <> 'canceled' \
         AND starts_at < $2 AND ends_at > $3 AND id <> $4 AND starts_at > $5",
    )
    .bind(technician.0)
    .bind(to_ms(ends_at))
    .bind(to_ms(starts_at))
    .bind(except.map_or(0, |b| b.0))
    .bind(earliest_overlapping_start(starts_at))
    .fetch_one(&mut *conn)
    .await?)
}

/// How many pairs of open (not canceled) visits of one technician overlap, in the whole
/// database: zero unless the guarantees above failed. For checks after the fact (crash and
/// load tests, benchmarks); it reads every booking.
pub async fn overlapping_pairs(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.technician_id = b.technician_id \
         AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at \
         AND b.starts_at > a.starts_at - $1 \
         WHERE a.state <> 'canceled' AND b.state <> 'canceled'",
    )
    .bind(LONGEST_VISIT.as_millis() as i64)
    .fetch_one(&mut *conn)
    .await?)
}

/// The booking a submission with this idempotency key created, if any.
pub async fn booking_by_idempotency_key(conn: &mut Conn, key: &str) -> Result<Option<Booking>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bookings b WHERE b.idempotency_key = $1"
    ))
    .bind(key)
    .optional(conn, booking_from_row)
    .await
}

/// Open (not canceled) visits overlapping `[from, to)` — of one technician or of all —
/// leaving out `except`, ordered by technician then start: the commitments the scheduling
/// engine takes, in the order it reads fastest.
pub async fn open_bookings_between(
    conn: &mut Conn,
    from: Timestamp,
    to: Timestamp,
    technician: Option<TechnicianId>,
    except: Option<BookingId>,
) -> Result<Vec<Booking>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bookings b WHERE b.state <> 'canceled' AND b.starts_at < $1 \
         AND b.ends_at > $2 AND ($3 = 0 OR b.technician_id = $3) AND b.id <> $4 \
         AND b.starts_at > $5 ORDER BY b.technician_id, b.starts_at, b.id"
    ))
    .bind(to_ms(to))
    .bind(to_ms(from))
    .bind(technician.map_or(0, |t| t.0))
    .bind(except.map_or(0, |b| b.0))
    .bind(earliest_overlapping_start(from))
    .all(conn, booking_from_row)
    .await
}

/// The technician's Scheduled visits starting at or after `from`, by start: what background
/// reassignment looks at when the technician's availability changes.
pub async fn scheduled_of_technician_from(
    conn: &mut Conn,
    technician: TechnicianId,
    from: Timestamp,
) -> Result<Vec<Booking>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bookings b WHERE b.technician_id = $1 AND b.state = 'scheduled' \
         AND b.starts_at >= $2 ORDER BY b.starts_at, b.id"
    ))
    .bind(technician.0)
    .bind(to_ms(from))
    .all(conn, booking_from_row)
    .await
}

/// Records the end of the promised arrival window (`None`: an exact start time).
pub async fn set_arrival_window_end(
    conn: &mut Conn,
    id: BookingId,
    arrival_window_end: Option<Timestamp>,
) -> Result<()> {
    sqlx::query("UPDATE bookings SET arrival_window_end = $1 WHERE id = $2")
        .bind(arrival_window_end.map(to_ms))
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

/// A Scheduled visit's new time and technician (a reschedule).
#[derive(Debug, Clone, Copy)]
pub struct Move {
    pub id: BookingId,
    /// The calendar sequence the caller read: the move applies only if nobody changed the
    /// visit since (every change that is sent to the customer's calendar bumps it).
    pub expected_sequence: i64,
    pub technician_id: TechnicianId,
    pub starts_at: Timestamp,
    pub arrival_window_end: Option<Timestamp>,
    pub ends_at: Timestamp,
    pub at: Timestamp,
}

/// Moves a Scheduled visit and bumps its calendar sequence (the UID stays). `false` when the
/// visit is no longer Scheduled or changed since it was read: nothing is written then. An
/// overlap the database refuses is [`StoreError::is_overlap`].
pub async fn move_booking(conn: &mut Conn, m: &Move) -> Result<bool> {
    sqlx::query(
        "UPDATE bookings SET technician_id = $1, starts_at = $2, ends_at = $3, arrival_window_end = $4, \
         ics_sequence = ics_sequence + 1, updated_at = $5 \
         WHERE id = $6 AND state = 'scheduled' AND ics_sequence = $7",
    )
    .bind(m.technician_id.0)
    .bind(to_ms(m.starts_at))
    .bind(to_ms(m.ends_at))
    .bind(m.arrival_window_end.map(to_ms))
    .bind(to_ms(m.at))
    .bind(m.id.0)
    .bind(m.expected_sequence)
    .changed(conn)
    .await
}

/// A Scheduled visit given to another technician at the same time.
#[derive(Debug, Clone, Copy)]
pub struct Handover<'a> {
    pub id: BookingId,
    /// The technician the caller read: the change applies only if the visit is still theirs…
    pub from: TechnicianId,
    /// …and still at this time.
    pub starts_at: Timestamp,
    pub to: TechnicianId,
    /// Who decided (`None`: the system, e.g. background reassignment).
    pub actor: Option<UserId>,
    /// What the history says about it.
    pub note: &'a str,
    pub at: Timestamp,
}

/// Gives a Scheduled visit to another technician at the same time, recording the change in its
/// history (a row from Scheduled to Scheduled with the note). `false` when the visit is no
/// longer Scheduled with `from` at `starts_at` (someone moved it meanwhile): nothing is written.
pub async fn change_technician(conn: &mut Conn, h: &Handover<'_>) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE bookings SET technician_id = $1, updated_at = $2 \
         WHERE id = $3 AND state = 'scheduled' AND technician_id = $4 AND starts_at = $5",
    )
    .bind(h.to.0)
    .bind(to_ms(h.at))
    .bind(h.id.0)
    .bind(h.from.0)
    .bind(to_ms(h.starts_at))
    .changed(conn)
    .await?;
    if !changed {
        return Ok(false);
    }
    record_change(conn, h.id, BookingState::Scheduled, h.actor, h.at, h.note).await?;
    Ok(true)
}

/// Adds a row to the visit's history for a change that keeps its state (rescheduled, technician
/// changed): who, when, what.
pub async fn record_change(
    conn: &mut Conn,
    id: BookingId,
    state: BookingState,
    actor: Option<UserId>,
    at: Timestamp,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO booking_transitions (booking_id, from_state, to_state, actor_user_id, at, note) \
         VALUES ($1, $2, $2, $3, $4, $5)",
    )
    .bind(id.0)
    .bind(state.as_str())
    .bind(actor.map(|a| a.0))
    .bind(to_ms(at))
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// [`open_bookings_between`] for a set of technicians (the candidates for a visit), in the
/// same order: what a search around one time needs, without every other technician's day.
pub async fn open_bookings_of(
    conn: &mut Conn,
    technicians: &[TechnicianId],
    from: Timestamp,
    to: Timestamp,
    except: Option<BookingId>,
) -> Result<Vec<Booking>> {
    if technicians.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(5, technicians.len());
    let sql = format!(
        "SELECT {COLUMNS} FROM bookings b WHERE b.state <> 'canceled' AND b.starts_at < $1 \
         AND b.ends_at > $2 AND b.id <> $3 AND b.starts_at > $4 AND b.technician_id IN ({list}) \
         ORDER BY b.technician_id, b.starts_at, b.id"
    );
    let mut q = sqlx::query(&sql)
        .bind(to_ms(to))
        .bind(to_ms(from))
        .bind(except.map_or(0, |b| b.0))
        .bind(earliest_overlapping_start(from));
    for t in technicians {
        q = q.bind(t.0);
    }
    q.all(conn, booking_from_row).await
}
