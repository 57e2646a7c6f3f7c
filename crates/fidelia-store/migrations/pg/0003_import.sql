-- CSV import (issue 4): where each record came from, phones in E.164, remembered column mappings
-- (PostgreSQL twin of ../0003_import.sql).
--
-- origin: 'manual' (entered in Fidelia) or 'import'. imported_at: when an import last wrote the
-- record; a record whose updated_at is later was edited by hand since, and an import leaves it
-- alone unless told to overwrite. phone*_e164: '' when empty or unreadable; phone_flag = 1 when
-- a phone was kept as typed because it could not be read.

ALTER TABLE clients ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import'));
ALTER TABLE clients ADD COLUMN imported_at TEXT;
ALTER TABLE clients ADD COLUMN phone1_e164 TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN phone2_e164 TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN phone_flag BIGINT NOT NULL DEFAULT 0 CHECK (phone_flag IN (0, 1));

ALTER TABLE pets ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import'));
ALTER TABLE pets ADD COLUMN imported_at TEXT;
ALTER TABLE visits ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import'));
ALTER TABLE visits ADD COLUMN imported_at TEXT;
ALTER TABLE appointments ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import'));
ALTER TABLE appointments ADD COLUMN imported_at TEXT;
ALTER TABLE preventive_treatments ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import'));
ALTER TABLE preventive_treatments ADD COLUMN imported_at TEXT;

-- The column mapping a user chose, per header signature (fidelia_core::import::fields::signature).
CREATE TABLE import_mappings (
    signature  TEXT PRIMARY KEY,
    -- JSON: fidelia_core::import::Mapping (headers, fields, shape)
    mapping    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
