-- Searches that ignore case and accents the same way on both engines (SQLite's LOWER folds
-- ASCII letters only, so "ÉMILIE" was not found by "emilie"): each account and contact keeps
-- its searchable text in Unicode lower case with accents removed, computed in Rust by the
-- store on every write (`directory::search_key`). A migration cannot run Rust: rows written
-- before this one hold '' until the store fills them right after migrating
-- (`directory::fill_search_keys`, idempotent, under the migration lock).
ALTER TABLE accounts ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
