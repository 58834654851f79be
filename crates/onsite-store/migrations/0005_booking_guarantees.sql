-- Self-scheduling guarantees (SPEC §3, issue 4): a technician is never booked twice at once,
-- visits a technician can no longer make are reassigned in the background or flagged for the
-- dispatchers, and the promised arrival window is kept with the visit.

-- No two visits of one technician overlap, unless one of them is canceled. Intervals are
-- half-open [starts_at, ends_at): a visit may start the instant the previous one ends.
--
-- PostgreSQL enforces it with an exclusion constraint (btree_gist gives the `=` on a bigint a
-- GiST operator class; it is a trusted extension, so the database owner may create it). The
-- booking transaction also takes a per-technician advisory lock before checking, because
-- concurrent inserts that both wait on the constraint can deadlock, and because the constraint
-- knows nothing of travel time.
-- @postgres
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
    EXCLUDE USING gist (technician_id WITH =, int8range(starts_at, ends_at) WITH &&)
    WHERE (state <> 'canceled');
-- @end
-- SQLite has no exclusion constraints. Its booking transactions are BEGIN IMMEDIATE (one writer
-- at a time), so the check the application runs inside them cannot race; these triggers make
-- the database refuse an overlap from any other writer too (imports, hand-made SQL), with the
-- same constraint name the application maps to a conflict.
-- @sqlite
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.state <> 'canceled' AND EXISTS (
    SELECT 1 FROM bookings o
    WHERE o.technician_id = NEW.technician_id AND o.state <> 'canceled'
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap');
END;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF technician_id, starts_at, ends_at, state ON bookings
WHEN NEW.state <> 'canceled' AND EXISTS (
    SELECT 1 FROM bookings o
    WHERE o.id <> NEW.id AND o.technician_id = NEW.technician_id AND o.state <> 'canceled'
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap');
END;
-- @end

-- The end of the promised arrival window (the technician arrives in [starts_at, this]); NULL
-- for an exact start time (no arrival window) and for visits booked before this column.
ALTER TABLE bookings ADD COLUMN arrival_window_end BIGINT;

-- Open bookings of a technician from a time on: what reassignment and the lock-and-recheck read.
CREATE INDEX bookings_state_time ON bookings (state, starts_at);

-- Background reassignment: one job per change that may leave a technician unable to make some
-- of their future visits (time off added, territory or skill removed). Claimed like the email
-- outbox: a lease (`locked_until`) and a fencing token (`claim_token`), so a crashed worker's
-- job is picked up again and a worker that lost its lease cannot mark the job done. Running a
-- job twice is harmless: it only moves visits the technician can no longer make.
CREATE TABLE reassignment_jobs (
    id {id},
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('time_off', 'territories', 'skills', 'inactive')),
    requested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    claim_token BIGINT NOT NULL DEFAULT 0,
    done_at BIGINT,
    last_error TEXT
);
CREATE INDEX reassignment_jobs_due ON reassignment_jobs (next_attempt_at, id) WHERE done_at IS NULL;

-- Visits the dispatchers must look at: reassignment found nobody to take them at their time
-- and the customer was asked to pick a new one. Resolved when the visit is moved or canceled.
CREATE TABLE booking_attention (
    booking_id BIGINT PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    flagged_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX booking_attention_open ON booking_attention (flagged_at) WHERE resolved_at IS NULL;
