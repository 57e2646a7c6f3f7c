-- Privacy rights and the audit log (issue 13).

-- A client erased at their request: the row stays (the clinic's totals count its visits), its
-- personal data gone; the day it was erased.
ALTER TABLE clients ADD COLUMN erased_at TEXT;

-- Who did what, on this clinic's records: changes to clients and consents, exports, erasures,
-- backups and restores. Ids only, never a person's name or a free text.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    -- the staff member using the PC (Ajustes → Este equipo), when known
    staff_id  INTEGER REFERENCES staff (id),
    action    TEXT NOT NULL,
    -- what it was done to: 'client' and its id, or nothing (a backup)
    record    TEXT,
    record_id INTEGER,
    detail    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
