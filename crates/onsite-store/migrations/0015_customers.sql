-- Customers in the back office (issue 14): accounts and contacts are created, edited and
-- deactivated by staff rather than deleted (visits, records, invitations and the audit log
-- refer to them). Both carry a version for optimistic checks (a second member of staff's stale
-- save is refused); accounts get free-text notes; contacts get the language of their emails,
-- the web roles their next invitation offers, and whether they are active.
ALTER TABLE accounts ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN active {bool} NOT NULL DEFAULT TRUE;
ALTER TABLE contacts ADD COLUMN language TEXT;                      -- NULL = the portal's default
ALTER TABLE contacts ADD COLUMN web_roles TEXT NOT NULL DEFAULT '';  -- comma-separated
ALTER TABLE contacts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The staff's accounts list (`onsite_store::directory::accounts_page`): keyset pages by the
-- folded name then id, whole, by kind or by status, each a range scan from its cursor.
CREATE INDEX accounts_list ON accounts (search_key, id);
CREATE INDEX accounts_list_kind ON accounts (kind, search_key, id);
CREATE INDEX accounts_list_active ON accounts (active, search_key, id);
