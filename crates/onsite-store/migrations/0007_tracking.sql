-- Track my technician (SPEC §4–§5, issue 5): the personal tokens tracking apps post positions
-- with, and the positions themselves, kept for a retention period (site setting
-- `tracking/retention_days`; the housekeeping sweep deletes older ones).

-- One token per technician, stored as its SHA-256 (hex) like every other secret: the token
-- itself is shown once, when made. Making a new one replaces the old (which stops working).
CREATE TABLE tracking_tokens (
    technician_id BIGINT PRIMARY KEY REFERENCES technicians (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Positions as devices report them. `recorded_at` is the device's time of the fix,
-- `received_at` the server's time of arrival (both Unix milliseconds). Accuracy is the radius
-- in metres; speed (km/h) and heading (degrees from north) when the device gives them.
-- `source`: 'browser', 'owntracks' or 'osmand'.
CREATE TABLE positions (
    id {id},
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    recorded_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    accuracy_m DOUBLE PRECISION,
    speed_kmh DOUBLE PRECISION,
    heading_deg DOUBLE PRECISION,
    source TEXT NOT NULL
);
-- "The latest position of a technician" (the live map) reads the end of this index.
CREATE INDEX positions_technician_recorded ON positions (technician_id, recorded_at);
-- The retention sweep deletes by age.
CREATE INDEX positions_recorded ON positions (recorded_at);
