-- The administrators' audit log (`onsite_store::audit::page`): newest first by (at, id), each
-- filter the prefix of one index (the person; the record kind; the record), so a page is a
-- range scan from its cursor, the date range included, whatever the page's depth.
DROP INDEX audit_events_at;
DROP INDEX audit_events_entity;
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, at, id);
CREATE INDEX audit_events_kind ON audit_events (entity, at, id);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, at, id);
