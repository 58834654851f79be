-- Partner distribution (SPEC §9): indexes for what the distribution use cases look up often.

-- The partners that already passed on an opportunity (declined it or let it expire) and the
-- opportunity's history page.
CREATE INDEX opportunity_events_opportunity ON opportunity_events (opportunity_id, kind);

-- The metrics' look-back: every partner's events since a date, in one range scan.
CREATE INDEX opportunity_events_at ON opportunity_events (at);

-- The expiry sweep: distributed opportunities by the time they were given.
CREATE INDEX opportunities_status_distributed ON opportunities (status, distributed_at);
