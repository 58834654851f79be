-- The workforce in the back office (issue 14): reusable working-hours templates, technicians
-- that follow one, an optimistic version on technicians (a second member of staff's stale save
-- is refused), a folded search key for the technicians' list, and background reassignment for
-- changed hours, which keeps what each run did for the page that asked.

-- A template's weekly periods, in the local time of each technician who follows it. Its
-- technicians' `working_hours` rows are a copy of these, rewritten in the transaction that
-- changes the template (or a technician's template): the scheduling snapshot reads
-- `working_hours` only, whose triggers (migration 0010) bump its version.
CREATE TABLE working_hours_templates (
    id {id},
    name TEXT NOT NULL UNIQUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE working_hours_template_periods (
    template_id BIGINT NOT NULL REFERENCES working_hours_templates (id) ON DELETE CASCADE,
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),  -- ISO: Monday = 1
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL,
    CHECK (start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute)
);
CREATE INDEX working_hours_template_periods_template ON working_hours_template_periods (template_id);

-- NULL: the technician's own hours (written before templates, or none yet).
ALTER TABLE technicians ADD COLUMN working_hours_template_id BIGINT REFERENCES working_hours_templates (id);
CREATE INDEX technicians_template ON technicians (working_hours_template_id);
ALTER TABLE technicians ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- The name in Unicode lower case without accents (`directory::search_key`), filled by the store
-- on every write and, for rows written before this migration, right after migrating
-- (`technicians::fill_search_keys`). The list is a keyset page over (search_key, id).
ALTER TABLE technicians ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
CREATE INDEX technicians_search ON technicians (search_key, id);

-- Reassignment learns a fifth reason (the hours changed) and keeps its report (JSON: kept,
-- reassigned, flagged) once done. SQLite cannot change a CHECK constraint: the table is copied.
-- @postgres
ALTER TABLE reassignment_jobs DROP CONSTRAINT reassignment_jobs_reason_check;
ALTER TABLE reassignment_jobs ADD CONSTRAINT reassignment_jobs_reason_check
    CHECK (reason IN ('time_off', 'territories', 'skills', 'inactive', 'working_hours'));
ALTER TABLE reassignment_jobs ADD COLUMN report TEXT;
-- @end
-- @sqlite
CREATE TABLE reassignment_jobs_copy (
    id {id},
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('time_off', 'territories', 'skills', 'inactive', 'working_hours')),
    requested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    claim_token BIGINT NOT NULL DEFAULT 0,
    done_at BIGINT,
    last_error TEXT,
    report TEXT
);
INSERT INTO reassignment_jobs_copy (id, technician_id, reason, requested_by, created_at,
        next_attempt_at, attempts, locked_until, claim_token, done_at, last_error)
    SELECT id, technician_id, reason, requested_by, created_at, next_attempt_at, attempts,
        locked_until, claim_token, done_at, last_error
    FROM reassignment_jobs;
DROP TABLE reassignment_jobs;
ALTER TABLE reassignment_jobs_copy RENAME TO reassignment_jobs;
CREATE INDEX reassignment_jobs_due ON reassignment_jobs (next_attempt_at, id) WHERE done_at IS NULL;
-- @end
