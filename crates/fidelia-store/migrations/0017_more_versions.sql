-- Two PCs, one pet or one win-back case: every update of a pet's record or of a case adds one
-- to its version, and the pet form and the case card send back the version they showed, so a
-- save made over another person's change is refused instead of silently undoing it (as 0015
-- for calls and clients).
ALTER TABLE pets ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE winback_cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
