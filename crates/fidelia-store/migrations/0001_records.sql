-- Fidelia's first schema: the clinic's records.
-- Instants are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; calendar dates 'YYYY-MM-DD'; money integer cents.
-- source_id is the record's id in the practice-management system it was imported from.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    role   TEXT NOT NULL CHECK (role IN ('veterinario', 'auxiliar', 'recepcion', 'direccion')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE clients (
    id                 INTEGER PRIMARY KEY,
    first_name         TEXT NOT NULL,
    surnames           TEXT NOT NULL,
    phone1             TEXT NOT NULL DEFAULT '',
    phone2             TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    preferred_channel  TEXT NOT NULL CHECK (preferred_channel IN ('telefono', 'whatsapp', 'email')),
    consent_care       INTEGER NOT NULL CHECK (consent_care IN (0, 1)),
    consent_commercial INTEGER NOT NULL CHECK (consent_commercial IN (0, 1)),
    notes              TEXT NOT NULL DEFAULT '',
    -- folded names, pet names and phone digits (fidelia_core::text::client_search_key)
    search_key         TEXT NOT NULL DEFAULT '',
    -- folded "surnames first name", for alphabetical lists
    sort_key           TEXT NOT NULL DEFAULT '',
    source_id          TEXT UNIQUE,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX clients_sort_key ON clients (sort_key);

CREATE TABLE pets (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    name        TEXT NOT NULL,
    species     TEXT NOT NULL CHECK (species IN ('perro', 'gato', 'conejo', 'ave', 'huron', 'roedor', 'reptil', 'otro')),
    breed       TEXT NOT NULL DEFAULT '',
    sex         TEXT NOT NULL CHECK (sex IN ('macho', 'hembra', 'desconocido')),
    birth_date  TEXT,
    deceased_on TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    source_id   TEXT UNIQUE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX pets_client ON pets (client_id);

CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    pet_id       INTEGER NOT NULL REFERENCES pets (id),
    staff_id     INTEGER REFERENCES staff (id),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('consulta', 'revision', 'vacunacion', 'cirugia', 'urgencia', 'alta_hospitalaria', 'otro')),
    severity     TEXT NOT NULL CHECK (severity IN ('leve', 'moderada', 'grave')),
    reason       TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER CHECK (amount_cents IS NULL OR amount_cents >= 0),
    source_id    TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX visits_pet_at ON visits (pet_id, at);
CREATE INDEX visits_at ON visits (at);

CREATE TABLE appointments (
    id           INTEGER PRIMARY KEY,
    pet_id       INTEGER NOT NULL REFERENCES pets (id),
    staff_id     INTEGER REFERENCES staff (id),
    starts_at    TEXT NOT NULL,
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
    reason       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('programada', 'cancelada', 'realizada')),
    source_id    TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX appointments_starts_at ON appointments (starts_at);
CREATE INDEX appointments_pet ON appointments (pet_id, starts_at);

CREATE TABLE preventive_treatments (
    id          INTEGER PRIMARY KEY,
    pet_id      INTEGER NOT NULL REFERENCES pets (id),
    kind        TEXT NOT NULL CHECK (kind IN ('vacuna', 'desparasitacion_interna', 'desparasitacion_externa', 'otro')),
    product     TEXT NOT NULL DEFAULT '',
    applied_on  TEXT NOT NULL,
    next_due_on TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    source_id   TEXT UNIQUE,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX preventive_treatments_pet ON preventive_treatments (pet_id, applied_on);
