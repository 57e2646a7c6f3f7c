-- Reminders and surveys, second part (issue 11). Migrations run with foreign keys off and are
-- checked with foreign_key_check afterwards, so a table can be rebuilt (SQLite cannot change a
-- CHECK in place).
--
-- 1. Calls gain two kinds that reuse the call machinery: 'cuidado' (a vaccine or deworming
--    still not done after two messages: phone the client) and 'encuesta' (a poor survey answer:
--    the owner calls to apologise and listen). item_key says what a call is about, unique, so
--    the same reminder or survey never makes two calls.
CREATE TABLE calls_new (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('seguimiento', 'cortesia', 'cuidado', 'encuesta')),
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
INSERT INTO calls_new (id, kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, script, notified_at, closed_at, created_at, updated_at)
    SELECT id, kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, script, notified_at, closed_at, created_at, updated_at FROM calls;
DROP TABLE calls;
ALTER TABLE calls_new RENAME TO calls;
CREATE INDEX calls_status_scheduled ON calls (status, scheduled_at);
CREATE INDEX calls_pet ON calls (pet_id);
CREATE INDEX calls_status_closed ON calls (status, closed_at);

-- 2. A client may want no messages at all: preferred channel 'ninguno'.
CREATE TABLE clients_new (
    id                 INTEGER PRIMARY KEY,
    first_name         TEXT NOT NULL,
    surnames           TEXT NOT NULL,
    phone1             TEXT NOT NULL DEFAULT '',
    phone2             TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    preferred_channel  TEXT NOT NULL CHECK (preferred_channel IN ('telefono', 'whatsapp', 'email', 'ninguno')),
    consent_care       INTEGER NOT NULL CHECK (consent_care IN (0, 1)),
    consent_commercial INTEGER NOT NULL CHECK (consent_commercial IN (0, 1)),
    notes              TEXT NOT NULL DEFAULT '',
    search_key         TEXT NOT NULL DEFAULT '',
    sort_key           TEXT NOT NULL DEFAULT '',
    source_id          TEXT UNIQUE,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    origin             TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import')),
    imported_at        TEXT,
    phone1_e164        TEXT NOT NULL DEFAULT '',
    phone2_e164        TEXT NOT NULL DEFAULT '',
    phone_flag         INTEGER NOT NULL DEFAULT 0 CHECK (phone_flag IN (0, 1)),
    title              TEXT NOT NULL DEFAULT 'ninguno' CHECK (title IN ('ninguno', 'sra', 'sr'))
) STRICT;
INSERT INTO clients_new (id, first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care, consent_commercial, notes, search_key, sort_key, source_id, created_at, updated_at, origin, imported_at, phone1_e164, phone2_e164, phone_flag, title)
    SELECT id, first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care, consent_commercial, notes, search_key, sort_key, source_id, created_at, updated_at, origin, imported_at, phone1_e164, phone2_e164, phone_flag, title FROM clients;
DROP TABLE clients;
ALTER TABLE clients_new RENAME TO clients;
CREATE INDEX clients_sort_key ON clients (sort_key);
CREATE INDEX clients_search ON clients (search_key, sort_key);

-- 3. Every change of a consent, kept: which consent, given or withdrawn, when, how the client
--    said so, and who recorded it. The clients' own columns hold the current value.
CREATE TABLE consent_changes (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    consent    TEXT NOT NULL CHECK (consent IN ('cuidado', 'comercial')),
    given      INTEGER NOT NULL CHECK (given IN (0, 1)),
    how        TEXT NOT NULL CHECK (how IN ('presencial', 'telefono', 'whatsapp', 'email', 'escrito', 'importacion')),
    staff_id   INTEGER REFERENCES staff (id),
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX consent_changes_client ON consent_changes (client_id, at);

-- 4. Satisfaction surveys (Flow 2): one per visit, with a short code the online form asks for;
--    the answers (scores 1-5, recommend 0-10, a comment) once given. A poor answer raises an
--    alert for the owner until someone has seen it.
CREATE TABLE surveys (
    id            INTEGER PRIMARY KEY,
    visit_id      INTEGER NOT NULL UNIQUE REFERENCES visits (id),
    client_id     INTEGER NOT NULL REFERENCES clients (id),
    code          TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    answered_at   TEXT,
    -- 'telefono' (the form in the app), 'formulario' (typed from a paper or online form),
    -- 'importado' (the online form's CSV export)
    answered_via  TEXT CHECK (answered_via IN ('telefono', 'formulario', 'importado')),
    recorded_by   INTEGER REFERENCES staff (id),
    overall       INTEGER CHECK (overall BETWEEN 1 AND 5),
    care          INTEGER CHECK (care BETWEEN 1 AND 5),
    facilities    INTEGER CHECK (facilities BETWEEN 1 AND 5),
    availability  INTEGER CHECK (availability BETWEEN 1 AND 5),
    cleanliness   INTEGER CHECK (cleanliness BETWEEN 1 AND 5),
    recommend     INTEGER CHECK (recommend BETWEEN 0 AND 10),
    comment       TEXT NOT NULL DEFAULT '',
    poor          INTEGER NOT NULL DEFAULT 0 CHECK (poor IN (0, 1)),
    alert_seen_at TEXT,
    alert_seen_by INTEGER REFERENCES staff (id)
) STRICT;
CREATE INDEX surveys_client ON surveys (client_id, created_at);
CREATE INDEX surveys_alerts ON surveys (poor, alert_seen_at);

-- 5. When Fidelia next looks at an application for its reminders (the day of its next step),
--    so the morning queue reads only what is due, not every application: NULL = never again
--    (a newer application replaced it, the pet died, every step was taken, or it is too old).
--    Existing applications: the latest of each pet and kind, looked at early (60 days before
--    its due date; the morning pass then sets the exact day by the clinic's rules).
ALTER TABLE preventive_treatments ADD COLUMN check_on TEXT;
UPDATE preventive_treatments SET check_on = date(next_due_on, '-60 days')
WHERE next_due_on IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM preventive_treatments n
                  WHERE n.pet_id = preventive_treatments.pet_id AND n.kind = preventive_treatments.kind
                    AND (n.applied_on > preventive_treatments.applied_on
                         OR (n.applied_on = preventive_treatments.applied_on AND n.id > preventive_treatments.id)));
CREATE INDEX preventive_treatments_check ON preventive_treatments (check_on) WHERE check_on IS NOT NULL;
CREATE INDEX preventive_treatments_pet_kind ON preventive_treatments (pet_id, kind, applied_on);

-- 6. Birthdays by month and day ('MM-DD'), so the morning's greetings read today's only.
CREATE INDEX pets_birthday ON pets (substr(birth_date, 6)) WHERE birth_date IS NOT NULL AND deceased_on IS NULL;
