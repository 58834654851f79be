-- Webhooks (issue 16): endpoints administrators register, and the deliveries of events to them.
--
-- An endpoint's signing secret is stored as it is, not hashed: every delivery is signed with
-- it (HMAC-SHA256), so the portal must be able to read it back (docs/security.md).
CREATE TABLE webhook_endpoints (
    id {id},
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active {bool} NOT NULL DEFAULT TRUE,
    secret TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The events each endpoint wants (`booking.created`, …).
CREATE TABLE webhook_endpoint_events (
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
);
CREATE INDEX webhook_endpoint_events_type ON webhook_endpoint_events (event_type, endpoint_id);

-- One event to one endpoint: queued in the transaction of the change that caused the event,
-- for every active endpoint that wants its type, with the exact body every attempt sends.
-- Claimed like the email outbox (a lease in `locked_until` and a fencing `claim_token`), so
-- that several workers on several servers deliver each one once.
CREATE TABLE webhook_deliveries (
    id {id},
    event_id TEXT NOT NULL CHECK (event_id <> ''),
    event_type TEXT NOT NULL,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    claim_token BIGINT NOT NULL DEFAULT 0,
    last_attempt_at BIGINT,
    last_status_code BIGINT,
    last_error TEXT,
    response_excerpt TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    CONSTRAINT webhook_deliveries_event_endpoint UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
