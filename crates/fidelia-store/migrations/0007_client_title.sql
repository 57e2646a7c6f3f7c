-- How letters greet a client: 'sra' (Estimada Sra.), 'sr' (Estimado Sr.) or 'ninguno' (neutral).
ALTER TABLE clients ADD COLUMN title TEXT NOT NULL DEFAULT 'ninguno' CHECK (title IN ('ninguno', 'sra', 'sr'));
