-- The agenda lists calls closed during the day it shows: find them by when they closed
-- (PostgreSQL twin of ../0004_call_indexes.sql).
CREATE INDEX calls_status_closed ON calls (status, closed_at);
