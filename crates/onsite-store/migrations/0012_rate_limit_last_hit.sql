-- Each counter keeps the instant of its last hit, so that a wait can be required after a
-- failure and grow with the failures (sign-in throttling, `onsite_app::throttle`). Counters
-- written before this migration have none: no wait is required after them.
ALTER TABLE rate_limits ADD COLUMN last_hit_at BIGINT;
