-- CSV import and export (issue 16): the reference a record has in the system it came from
-- (a CRM's customer number, an ERP's equipment id). An import matches each row on it, so that
-- importing the same file twice changes nothing; an export writes it, so that a file exported
-- and imported again finds the same records. NULL for a record made in Onsite and never given
-- one; unique where set (both engines let a unique index hold any number of NULLs).
ALTER TABLE accounts ADD COLUMN external_ref TEXT;
ALTER TABLE contacts ADD COLUMN external_ref TEXT;
ALTER TABLE assets ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX accounts_external_ref ON accounts (external_ref);
CREATE UNIQUE INDEX contacts_external_ref ON contacts (external_ref);
CREATE UNIQUE INDEX assets_external_ref ON assets (external_ref);
