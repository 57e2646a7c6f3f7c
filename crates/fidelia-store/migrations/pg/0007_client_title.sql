-- How letters greet a client: 'sra' (Estimada Sra.), 'sr' (Estimado Sr.) or 'ninguno' (neutral)
-- (PostgreSQL twin of ../0007_client_title.sql).
ALTER TABLE clients ADD COLUMN title TEXT NOT NULL DEFAULT 'ninguno' CHECK (title IN ('ninguno', 'sra', 'sr'));
