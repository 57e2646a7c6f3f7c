-- Several PCs on one server database (issue 16): each running PC says who uses it and whether
-- it is the reception PC (seen_at: its last scheduler pass, so "running" = seen lately), and
-- every desktop notification of a call is recorded per PC, for the time the call was due then:
-- never twice on one PC, across restarts.
CREATE TABLE pcs (
    id        TEXT PRIMARY KEY,
    staff_id  INTEGER REFERENCES staff (id),
    reception INTEGER NOT NULL DEFAULT 0 CHECK (reception IN (0, 1)),
    seen_at   TEXT NOT NULL
) STRICT;
CREATE TABLE call_notices (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls (id),
    pc_id        TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    at           TEXT NOT NULL,
    UNIQUE (call_id, pc_id, scheduled_at)
) STRICT;
