-- Winning back lost clients (issue 12). A win-back case is a client handed to a staff member to
-- call back; its calls are calls of one more kind, 'recuperacion' (the agenda, the notifications
-- and the attempts of every other call), each tied to its case by item_key
-- ('recuperacion:<case>:<n>'). Calls are rebuilt for the new kind, as in 0009, and their
-- attempts for one more outcome, 'hablado' (a win-back call that reached the client).
CREATE TABLE calls_new (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('seguimiento', 'cortesia', 'cuidado', 'encuesta', 'recuperacion')),
    visit_id     INTEGER UNIQUE REFERENCES visits (id) ON DELETE SET NULL,
    pet_id       INTEGER NOT NULL REFERENCES pets (id),
    staff_id     INTEGER REFERENCES staff (id),
    due_at       TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 60),
    status       TEXT NOT NULL CHECK (status IN ('pendiente', 'realizada', 'ilocalizable', 'cancelada')),
    reason       TEXT NOT NULL DEFAULT '',
    script       TEXT NOT NULL DEFAULT '',
    notified_at  TEXT,
    closed_at    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    item_key     TEXT UNIQUE
) STRICT;
INSERT INTO calls_new SELECT id, kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, script, notified_at, closed_at, created_at, updated_at, item_key FROM calls;
DROP TABLE calls;
ALTER TABLE calls_new RENAME TO calls;
CREATE INDEX calls_status_scheduled ON calls (status, scheduled_at);
CREATE INDEX calls_pet ON calls (pet_id);
CREATE INDEX calls_status_closed ON calls (status, closed_at);

CREATE TABLE call_attempts_new (
    id       INTEGER PRIMARY KEY,
    call_id  INTEGER NOT NULL REFERENCES calls (id),
    at       TEXT NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    outcome  TEXT NOT NULL CHECK (outcome IN ('mejor', 'igual', 'peor', 'revision', 'no_contesta', 'buzon', 'numero_erroneo', 'hablado')),
    notes    TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO call_attempts_new SELECT id, call_id, at, staff_id, outcome, notes FROM call_attempts;
DROP TABLE call_attempts;
ALTER TABLE call_attempts_new RENAME TO call_attempts;
CREATE INDEX call_attempts_call ON call_attempts (call_id, at);

CREATE TABLE winback_cases (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    staff_id     INTEGER REFERENCES staff (id),
    status       TEXT NOT NULL DEFAULT 'por_llamar'
                 CHECK (status IN ('por_llamar', 'no_contesta', 'hablado', 'volvera', 'no_volvera', 'cerrado')),
    -- one of the clinic's reasons for leaving (Settings), as worded when it was recorded
    reason       TEXT NOT NULL DEFAULT '',
    apology      INTEGER NOT NULL DEFAULT 0 CHECK (apology IN (0, 1)),
    notes        TEXT NOT NULL DEFAULT '',
    next_date    TEXT,
    -- the day of the first call made (an attempt): recovery counts from it
    called_on    TEXT,
    -- the day the reason was recorded (the reasons report counts by it)
    reason_on    TEXT,
    -- the first visit within the recovery window after the call: recovered
    recovered_on TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX winback_cases_client ON winback_cases (client_id);
CREATE INDEX winback_cases_status ON winback_cases (status);

-- The dashboard reads who was seen in a span of time (visits by time, with their pet), and the
-- lapsed list each client's visits and spend (visits by pet, with their amount): both from the
-- indexes alone, without reading the visits' rows.
DROP INDEX visits_at;
CREATE INDEX visits_at ON visits (at, pet_id);
DROP INDEX visits_pet_at;
CREATE INDEX visits_pet_at ON visits (pet_id, at, amount_cents);

