-- The dashboard on a large clinic (issue 12's benchmark) (PostgreSQL twin of
-- ../0011_dashboard_indexes.sql). SQLite's triggers become PL/pgSQL functions (<trigger>_fn)
-- and row triggers of the same names.

-- Follow-up calls by the time they fall due, with what completion needs, without reading the
-- other kinds of calls nor the calls' rows.
CREATE INDEX calls_follow_ups ON calls (due_at, status, closed_at, pet_id) WHERE kind = 'seguimiento';

-- Each pet's last visit, kept by the database itself whatever writes a visit (the form, the
-- import, an edit, a deletion): the lapsed list and its count read it per pet instead of
-- seeking every pet's visits.
ALTER TABLE pets ADD COLUMN last_visit_at TEXT;
UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id);
CREATE INDEX pets_client_last ON pets (client_id, last_visit_at, deceased_on);

CREATE FUNCTION visits_last_insert_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pets SET last_visit_at = NEW.at
    WHERE id = NEW.pet_id AND (last_visit_at IS NULL OR last_visit_at < NEW.at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER visits_last_insert AFTER INSERT ON visits
    FOR EACH ROW EXECUTE FUNCTION visits_last_insert_fn();

CREATE FUNCTION visits_last_update_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id)
    WHERE id IN (OLD.pet_id, NEW.pet_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER visits_last_update AFTER UPDATE OF at, pet_id ON visits
    FOR EACH ROW EXECUTE FUNCTION visits_last_update_fn();

CREATE FUNCTION visits_last_delete_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id)
    WHERE id = OLD.pet_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER visits_last_delete AFTER DELETE ON visits
    FOR EACH ROW EXECUTE FUNCTION visits_last_delete_fn();
