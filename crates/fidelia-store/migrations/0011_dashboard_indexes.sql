-- The dashboard on a large clinic (issue 12's benchmark).

-- Follow-up calls by the time they fall due, with what completion needs, without reading the
-- other kinds of calls nor the calls' rows.
CREATE INDEX calls_follow_ups ON calls (due_at, status, closed_at, pet_id) WHERE kind = 'seguimiento';

-- Each pet's last visit, kept by the database itself whatever writes a visit (the form, the
-- import, an edit, a deletion): the lapsed list and its count read it per pet instead of
-- seeking every pet's visits.
ALTER TABLE pets ADD COLUMN last_visit_at TEXT;
UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id);
CREATE INDEX pets_client_last ON pets (client_id, last_visit_at, deceased_on);

CREATE TRIGGER visits_last_insert AFTER INSERT ON visits
BEGIN
    UPDATE pets SET last_visit_at = NEW.at
    WHERE id = NEW.pet_id AND (last_visit_at IS NULL OR last_visit_at < NEW.at);
END;

CREATE TRIGGER visits_last_update AFTER UPDATE OF at, pet_id ON visits
BEGIN
    UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id)
    WHERE id IN (OLD.pet_id, NEW.pet_id);
END;

CREATE TRIGGER visits_last_delete AFTER DELETE ON visits
BEGIN
    UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id)
    WHERE id = OLD.pet_id;
END;
