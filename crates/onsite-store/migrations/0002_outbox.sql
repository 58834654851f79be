-- The email outbox. A message is inserted in the same transaction as the change that causes it
-- (so a rolled-back change never sends anything), then delivered by a background worker.
--
-- Exactly-once per event: `event_key` is the idempotency key of the event that caused the
-- message (e.g. 'booking:42:confirmed:v3'); a second insert with the same key does nothing.
-- One worker at a time: a worker claims a message by setting `locked_until` (a lease, so the
-- claim of a crashed worker expires) and bumping `claim_token` (a fencing token: a worker whose
-- lease expired and whose message was claimed again can no longer mark it sent or failed).

CREATE TABLE email_outbox (
    id {id},
    event_key TEXT NOT NULL CHECK (event_key <> ''),
    kind TEXT NOT NULL,                   -- the template folder: 'test', 'booking-confirmed', …
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,   -- delivery attempts started (counted at claim time)
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,                  -- a worker's lease; NULL or past = free to claim
    claim_token BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    transport TEXT,                       -- what delivered it: 'mailbox' or 'smtp'
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    CONSTRAINT email_outbox_event_key UNIQUE (event_key)
);
-- What the worker looks for: due pending messages, oldest due first.
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE status = 'pending';
-- The mailbox page: newest first, optionally by status or recipient.
CREATE INDEX email_outbox_status ON email_outbox (status, id);
CREATE INDEX email_outbox_recipient ON email_outbox (recipient, id);

CREATE TABLE email_outbox_attachments (
    id {id},
    message_id BIGINT NOT NULL REFERENCES email_outbox (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content {blob} NOT NULL
);
CREATE INDEX email_outbox_attachments_message ON email_outbox_attachments (message_id, id);
