-- Territories and partner profiles in the back office (issue 14): both carry a version for
-- optimistic checks (a second member of staff's stale save is refused), and an account's
-- territory is looked up by territory (the territory page's accounts, the counts of the list,
-- the refusal to remove a territory an account is in).
ALTER TABLE territories ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE partner_profiles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX accounts_territory ON accounts (territory_id);
CREATE INDEX technician_territories_territory ON technician_territories (territory_id);
CREATE INDEX partner_territories_territory ON partner_territories (territory_id);
