-- A pet can be deceased on a day nobody knows (an import saying "Sí" without a date): the flag
-- says whether it has died, `deceased_on` the day when it is known. Whatever leaves deceased
-- pets out reads the flag (PostgreSQL twin of ../0014_pet_deceased.sql).
ALTER TABLE pets ADD COLUMN deceased BIGINT NOT NULL DEFAULT 0 CHECK (deceased IN (0, 1));
UPDATE pets SET deceased = 1 WHERE deceased_on IS NOT NULL;

-- The indexes that told the living by `deceased_on IS NULL`, rebuilt on the flag: the
-- morning's birthdays (living pets only) and each client's last visit with whether the pet
-- lives (the lapsed list and its count read this index alone). substr(birth_date, 6) is the
-- same function, with the same result, in PostgreSQL.
DROP INDEX pets_birthday;
CREATE INDEX pets_birthday ON pets (substr(birth_date, 6)) WHERE birth_date IS NOT NULL AND deceased = 0;
DROP INDEX pets_client_last;
CREATE INDEX pets_client_last ON pets (client_id, last_visit_at, deceased);
