-- The catalogue in the back office (issue 14): characteristics and products are retired
-- rather than deleted (technicians, service types, assets, partners and opportunities refer
-- to them), lead types become a list of their own, and service types carry a version for
-- optimistic checks (a second member of staff's stale save is refused) and a name per
-- language besides their default one.
ALTER TABLE characteristics ADD COLUMN active {bool} NOT NULL DEFAULT TRUE;
ALTER TABLE products ADD COLUMN active {bool} NOT NULL DEFAULT TRUE;
ALTER TABLE service_types ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The kinds of lead partners take (`partner_profiles.lead_types`, `opportunities.lead_type`
-- hold their codes), seeded with the ones opportunities already name.
CREATE TABLE lead_types (
    id {id},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    active {bool} NOT NULL DEFAULT TRUE
);
INSERT INTO lead_types (code, name)
    SELECT DISTINCT lead_type, lead_type FROM opportunities WHERE lead_type <> '';

-- A service type's name in a language other than its default name's; the booking pages show
-- the person's language when the service type has a name in it.
CREATE TABLE service_type_names (
    service_type_id BIGINT NOT NULL REFERENCES service_types (id) ON DELETE CASCADE,
    locale TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (service_type_id, locale)
);
