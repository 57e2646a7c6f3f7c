-- Loyalty (Flow 5): letters issued (thank-yous per review period, condolences) and birthday coupons.

CREATE TABLE letters (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('agradecimiento', 'condolencia')),
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    pet_id     INTEGER REFERENCES pets (id),
    -- the review period of a thank-you ('2026-T4'); NULL for a condolence
    period     TEXT,
    tier       TEXT,
    score      INTEGER,
    body       TEXT NOT NULL,
    printed    INTEGER NOT NULL DEFAULT 0 CHECK (printed IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;
-- Never thanked twice in one period.
CREATE UNIQUE INDEX letters_one_thanks_per_period ON letters (client_id, period) WHERE kind = 'agradecimiento';
CREATE INDEX letters_client ON letters (client_id, created_at);

CREATE TABLE coupons (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    pet_id       INTEGER NOT NULL REFERENCES pets (id),
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    -- the birthday it celebrates
    birthday     TEXT NOT NULL,
    percent      INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 90),
    expires_on   TEXT NOT NULL,
    message      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'emitido' CHECK (status IN ('emitido', 'canjeado', 'cancelado')),
    redeemed_at  TEXT,
    created_at   TEXT NOT NULL
) STRICT;
-- One greeting per pet and birthday.
CREATE UNIQUE INDEX coupons_one_per_birthday ON coupons (pet_id, birthday);
