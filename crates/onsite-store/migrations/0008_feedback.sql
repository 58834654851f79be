-- Feedback (SPEC §7, issue 5): the survey an administrator configures, and one response per
-- completed visit with its answers.

-- The survey's questions, in `position` order. Labels are JSON, one per language
-- ({"en": "Was the technician on time?", "fr": "…"}): English is required, other languages
-- are optional and fall back to it, and a language added later needs no migration. A question
-- is never deleted: retiring it (`active` false) takes it off the form and keeps the answers
-- already given to it.
CREATE TABLE survey_questions (
    id {id},
    kind TEXT NOT NULL CHECK (kind IN ('rating', 'yes_no', 'text')),
    labels TEXT NOT NULL,
    required {bool} NOT NULL DEFAULT FALSE,
    position BIGINT NOT NULL,
    active {bool} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX survey_questions_order ON survey_questions (active, position, id);

-- One response per visit: the unique booking is the database's own "rated once", whatever
-- races. The visit's technician, service type, account and month (YYYY-MM in the account's
-- zone, when the visit started) are kept with the response, so the staff's averages group
-- and filter on plain columns the same way on both engines.
CREATE TABLE feedback_responses (
    id {id},
    booking_id BIGINT NOT NULL UNIQUE REFERENCES bookings (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    technician_id BIGINT NOT NULL REFERENCES technicians (id),
    service_type_id BIGINT NOT NULL REFERENCES service_types (id),
    visit_month TEXT NOT NULL,
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- Kept with the response: the user may be renamed or deleted later.
    author_name TEXT NOT NULL,
    submitted_at BIGINT NOT NULL
);
CREATE INDEX feedback_responses_submitted ON feedback_responses (submitted_at, id);
CREATE INDEX feedback_responses_technician ON feedback_responses (technician_id, submitted_at);
CREATE INDEX feedback_responses_service_type ON feedback_responses (service_type_id, submitted_at);
CREATE INDEX feedback_responses_month ON feedback_responses (visit_month);
CREATE INDEX feedback_responses_account ON feedback_responses (account_id);

-- The answers to the survey's questions: one per question answered, its value in the column
-- of its kind.
CREATE TABLE feedback_answers (
    response_id BIGINT NOT NULL REFERENCES feedback_responses (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES survey_questions (id),
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    yes {bool},
    text_value TEXT,
    PRIMARY KEY (response_id, question_id)
);
CREATE INDEX feedback_answers_question ON feedback_answers (question_id);
