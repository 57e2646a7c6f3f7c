-- Two PCs, one pet: every update of a pet's record adds one to its version, and the pet form
-- sends back the version it showed, so a save made over another person's change is refused
-- instead of silently undoing it (as 0015 for calls and clients).
ALTER TABLE pets ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
