-- Speed of self-scheduling (issue 4): what every search and every booking reads but rarely
-- changes, cached in the process, and visits bounded in length so that "this technician's
-- visits around a time" is a short index range instead of their whole history.

-- The reference data (settings, territories, service types and their skills, technicians with
-- their hours, exceptions, time off, territories and skills) has one version, changed by the
-- database on EVERY write to those tables, whoever makes it (the back office, imports,
-- hand-made SQL, another app server), in the writer's own transaction. A process keeps a
-- snapshot of that data under the version it read first and checks the version — one
-- single-row read — before trusting it (`onsite_store::reference`). A new version is never a
-- value used before (a sequence on PostgreSQL, a random 64-bit number on SQLite), so a
-- snapshot taken inside a transaction that is then rolled back can never match again.
CREATE TABLE reference_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO reference_version (id, version) VALUES (1, 1);
-- @postgres
CREATE SEQUENCE reference_versions START WITH 2;
CREATE FUNCTION onsite_bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reference_version SET version = nextval('reference_versions') WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER settings_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER territories_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON territories
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER service_types_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_types
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER service_type_skills_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_type_skills
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER technicians_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON technicians
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER technician_territories_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON technician_territories
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER technician_skills_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON technician_skills
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER working_hours_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON working_hours
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER working_exceptions_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON working_exceptions
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
CREATE TRIGGER time_off_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON time_off
    FOR EACH STATEMENT EXECUTE FUNCTION onsite_bump_reference_version();
-- @end
-- SQLite has row triggers only: one new version per row written (a bulk load changes it many
-- times, a few microseconds each).
-- @sqlite
CREATE TRIGGER settings_reference_insert AFTER INSERT ON settings
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER settings_reference_update AFTER UPDATE ON settings
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER settings_reference_delete AFTER DELETE ON settings
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER territories_reference_insert AFTER INSERT ON territories
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER territories_reference_update AFTER UPDATE ON territories
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER territories_reference_delete AFTER DELETE ON territories
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER service_types_reference_insert AFTER INSERT ON service_types
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER service_types_reference_update AFTER UPDATE ON service_types
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER service_types_reference_delete AFTER DELETE ON service_types
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER service_type_skills_reference_insert AFTER INSERT ON service_type_skills
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER service_type_skills_reference_update AFTER UPDATE ON service_type_skills
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER service_type_skills_reference_delete AFTER DELETE ON service_type_skills
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technicians_reference_insert AFTER INSERT ON technicians
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technicians_reference_update AFTER UPDATE ON technicians
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technicians_reference_delete AFTER DELETE ON technicians
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technician_territories_reference_insert AFTER INSERT ON technician_territories
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technician_territories_reference_update AFTER UPDATE ON technician_territories
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technician_territories_reference_delete AFTER DELETE ON technician_territories
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technician_skills_reference_insert AFTER INSERT ON technician_skills
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technician_skills_reference_update AFTER UPDATE ON technician_skills
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER technician_skills_reference_delete AFTER DELETE ON technician_skills
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER working_hours_reference_insert AFTER INSERT ON working_hours
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER working_hours_reference_update AFTER UPDATE ON working_hours
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER working_hours_reference_delete AFTER DELETE ON working_hours
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER working_exceptions_reference_insert AFTER INSERT ON working_exceptions
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER working_exceptions_reference_update AFTER UPDATE ON working_exceptions
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER working_exceptions_reference_delete AFTER DELETE ON working_exceptions
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER time_off_reference_insert AFTER INSERT ON time_off
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER time_off_reference_update AFTER UPDATE ON time_off
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER time_off_reference_delete AFTER DELETE ON time_off
BEGIN UPDATE reference_version SET version = random() WHERE id = 1; END;
-- @end

-- A visit lasts at most a day (service types last 5 to 720 minutes): the longest visit is what
-- lets a search for a technician's visits overlapping [from, to) read only those starting in
-- [from - 1 day, to) through the (technician_id, starts_at) index.
-- @postgres
ALTER TABLE bookings ADD CONSTRAINT bookings_at_most_a_day CHECK (ends_at - starts_at <= 86400000);
-- @end
-- @sqlite
CREATE TRIGGER bookings_at_most_a_day_insert BEFORE INSERT ON bookings
WHEN NEW.ends_at - NEW.starts_at > 86400000
BEGIN
    SELECT RAISE(ABORT, 'bookings_at_most_a_day');
END;
CREATE TRIGGER bookings_at_most_a_day_update BEFORE UPDATE OF starts_at, ends_at ON bookings
WHEN NEW.ends_at - NEW.starts_at > 86400000
BEGIN
    SELECT RAISE(ABORT, 'bookings_at_most_a_day');
END;
-- The overlap guard of migration 0005, reading the same short range.
DROP TRIGGER bookings_no_overlap_insert;
DROP TRIGGER bookings_no_overlap_update;
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.state <> 'canceled' AND EXISTS (
    SELECT 1 FROM bookings o
    WHERE o.technician_id = NEW.technician_id AND o.state <> 'canceled'
      AND o.starts_at < NEW.ends_at AND o.starts_at > NEW.starts_at - 86400000
      AND o.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap');
END;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF technician_id, starts_at, ends_at, state ON bookings
WHEN NEW.state <> 'canceled' AND EXISTS (
    SELECT 1 FROM bookings o
    WHERE o.id <> NEW.id AND o.technician_id = NEW.technician_id AND o.state <> 'canceled'
      AND o.starts_at < NEW.ends_at AND o.starts_at > NEW.starts_at - 86400000
      AND o.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap');
END;
-- @end
