-- Two PCs, one pet: every update of a pet's record adds one to its version, and the pet form
-- sends back the version it showed, so a save made over another person's change is refused
-- instead of silently undoing it (PostgreSQL twin of ../0017_pet_versions.sql).
ALTER TABLE pets ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
