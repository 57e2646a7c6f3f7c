-- Messages to clients (Flow 3 care reminders first; appointment reminders, surveys and birthday
-- greetings next): prepared by Fidelia for a day, sent by reception through WhatsApp, e-mail or
-- the phone, and kept as the client's communication log.

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    kind        TEXT NOT NULL CHECK (kind IN ('cuidado', 'cita', 'encuesta', 'cumpleanos')),
    -- the day reception should send it (a postponed message moves)
    send_on     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pendiente'
                CHECK (status IN ('pendiente', 'enviado', 'omitido', 'cancelado')),
    -- how it was sent; NULL until then
    channel     TEXT CHECK (channel IN ('whatsapp', 'email', 'telefono', 'copiado')),
    body        TEXT NOT NULL,
    -- why it was skipped, postponed or cancelled
    note        TEXT NOT NULL DEFAULT '',
    done_at     TEXT,
    done_by     INTEGER REFERENCES staff (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX messages_queue ON messages (status, send_on);
CREATE INDEX messages_client ON messages (client_id, kind, created_at);

-- What a message is about: one row per due item and step ('cuidado:<pet>:<kind>:<due day>:<step>').
-- The key is unique: an item and step get one message, ever, whoever prepares it.
CREATE TABLE message_items (
    item_key    TEXT PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    pet_id      INTEGER REFERENCES pets (id),
    due_on      TEXT NOT NULL
) STRICT;
CREATE INDEX message_items_message ON message_items (message_id);
CREATE INDEX message_items_pet ON message_items (pet_id);
