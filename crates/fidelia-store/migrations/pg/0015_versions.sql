-- Two PCs, one record: every update of a call or a client adds one to its version, and a screen
-- sends back the version it showed, so a save made over another person's change is refused
-- instead of silently undoing it (PostgreSQL twin of ../0015_versions.sql).
ALTER TABLE calls ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
