-- Customer records (SPEC §8, issue 6): versions for optimistic checks, the customer's approval
-- decisions, and the indexes that make every sortable list a range scan.

-- A version per record, bumped by the database on EVERY update whoever makes it (the booking
-- use cases, staff edits, imports, hand-made SQL): an approver's decision carries the version
-- they saw, and a record that changed since is refused instead of being decided blind.
ALTER TABLE work_orders ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE agreements ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE assets ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE invoices ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- PostgreSQL: a BEFORE UPDATE trigger sets the new row's version.
-- @postgres
CREATE FUNCTION onsite_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER work_orders_version BEFORE UPDATE ON work_orders
    FOR EACH ROW EXECUTE FUNCTION onsite_bump_version();
CREATE TRIGGER agreements_version BEFORE UPDATE ON agreements
    FOR EACH ROW EXECUTE FUNCTION onsite_bump_version();
CREATE TRIGGER assets_version BEFORE UPDATE ON assets
    FOR EACH ROW EXECUTE FUNCTION onsite_bump_version();
CREATE TRIGGER invoices_version BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION onsite_bump_version();
-- @end
-- SQLite cannot assign NEW in a trigger: an AFTER UPDATE trigger bumps the row once more
-- (recursive triggers are off, so this second update fires nothing).
-- @sqlite
CREATE TRIGGER work_orders_version AFTER UPDATE ON work_orders FOR EACH ROW
WHEN NEW.version = OLD.version
BEGIN
    UPDATE work_orders SET version = OLD.version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER agreements_version AFTER UPDATE ON agreements FOR EACH ROW
WHEN NEW.version = OLD.version
BEGIN
    UPDATE agreements SET version = OLD.version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER assets_version AFTER UPDATE ON assets FOR EACH ROW
WHEN NEW.version = OLD.version
BEGIN
    UPDATE assets SET version = OLD.version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER invoices_version AFTER UPDATE ON invoices FOR EACH ROW
WHEN NEW.version = OLD.version
BEGIN
    UPDATE invoices SET version = OLD.version + 1 WHERE id = NEW.id;
END;
-- @end

-- Approve / Reject by a customer's approver: who, when, with which comment, on which version
-- of the record, and the move it made. One decision per version of a record: the unique key
-- is the database's own "can't be decided twice".
CREATE TABLE approvals (
    id {id},
    record_kind TEXT NOT NULL CHECK (record_kind IN ('work_order', 'agreement')),
    record_id BIGINT NOT NULL,
    record_version BIGINT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment TEXT,
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- Kept with the decision: the user may be renamed or deleted later.
    decided_by_name TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    -- JSON: e.g. an agreement's previous and renewed period.
    detail TEXT NOT NULL DEFAULT '{}',
    UNIQUE (record_kind, record_id, record_version)
);
CREATE INDEX approvals_record ON approvals (record_kind, record_id, decided_at);

-- A record's history (work-order detail page) reads its audit events.
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, at);

-- Keyset pagination: one index per sortable column, each `(account_id, key, id)`, so a page is
-- a range scan from the cursor whatever its depth. Text keys people read as names sort
-- case-insensitively (`lower`), the same expression in the index and the query.
CREATE INDEX work_orders_account_number ON work_orders (account_id, number, id);
CREATE INDEX work_orders_account_created ON work_orders (account_id, created_at, id);
CREATE INDEX work_orders_account_status ON work_orders (account_id, status, id);
CREATE INDEX work_orders_agreement ON work_orders (agreement_id, created_at, id);
CREATE INDEX work_orders_asset ON work_orders (asset_id, created_at, id);

CREATE INDEX agreements_account_number ON agreements (account_id, number, id);
CREATE INDEX agreements_account_name ON agreements (account_id, lower(name), id);
CREATE INDEX agreements_account_ends ON agreements (account_id, ends_on, id);

CREATE INDEX assets_account_name ON assets (account_id, lower(name), id);
CREATE INDEX assets_account_product ON assets (account_id, lower(product), id);
CREATE INDEX assets_master ON assets (master_id);

CREATE INDEX invoices_account_number ON invoices (account_id, number, id);
CREATE INDEX invoices_account_issued ON invoices (account_id, issued_on, id);
CREATE INDEX invoices_account_due ON invoices (account_id, due_on, id);
CREATE INDEX invoices_account_status ON invoices (account_id, status, id);
CREATE INDEX invoices_work_order ON invoices (work_order_id);
CREATE INDEX invoices_agreement ON invoices (agreement_id);
