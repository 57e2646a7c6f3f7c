-- Two PCs, one record: every update of a call or a client adds one to its version, and a screen
-- sends back the version it showed, so a save made over another person's change is refused
-- instead of silently undoing it.
ALTER TABLE calls ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
