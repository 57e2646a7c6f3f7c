-- The import history: one row per import run (from the window, the CLI or the watched folder),
-- with its report; the content hash lets the watched folder import a file only once.
CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('window', 'cli', 'folder')),
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL CHECK (outcome IN ('imported', 'failed')),
    report TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_runs_hash ON import_runs (content_hash);
