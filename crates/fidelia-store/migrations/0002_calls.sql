-- Follow-up calls (Flow 1) and every attempt made on them.

CREATE TABLE calls (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('seguimiento', 'cortesia')),
    -- the visit a follow-up call comes from; one call per visit
    visit_id     INTEGER UNIQUE REFERENCES visits (id) ON DELETE SET NULL,
    pet_id       INTEGER NOT NULL REFERENCES pets (id),
    staff_id     INTEGER REFERENCES staff (id),
    -- when the rule wanted it (visit + delay) and when it sits in the agenda (opening hours, retries)
    due_at       TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 60),
    status       TEXT NOT NULL CHECK (status IN ('pendiente', 'realizada', 'ilocalizable', 'cancelada')),
    reason       TEXT NOT NULL DEFAULT '',
    script       TEXT NOT NULL DEFAULT '',
    -- set once, when the "call due" notification was shown: never twice
    notified_at  TEXT,
    closed_at    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX calls_status_scheduled ON calls (status, scheduled_at);
CREATE INDEX calls_pet ON calls (pet_id);

CREATE TABLE call_attempts (
    id       INTEGER PRIMARY KEY,
    call_id  INTEGER NOT NULL REFERENCES calls (id),
    at       TEXT NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    outcome  TEXT NOT NULL CHECK (outcome IN ('mejor', 'igual', 'peor', 'revision', 'no_contesta', 'buzon', 'numero_erroneo')),
    notes    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX call_attempts_call ON call_attempts (call_id, at);
