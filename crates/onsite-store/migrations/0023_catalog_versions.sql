-- The catalogue's named lists (characteristics, products, lead types) get the version every
-- other record staff edit has: a rename or a retirement from an older version is refused, on
-- the pages and in the API alike (issue 16, the back office over the API).
ALTER TABLE characteristics ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE lead_types ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
