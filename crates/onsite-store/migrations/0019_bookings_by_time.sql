-- The dispatchers' board reads a period's visits of every technician (and its live-update
-- fingerprint re-reads them every second): an index by start time, so that this costs the
-- period's visits and not every visit ever booked (issue 15, the board's speed target).
CREATE INDEX bookings_starts_at ON bookings (starts_at);
