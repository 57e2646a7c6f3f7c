-- Search reads a small covering index (folded key, sort key, row id) instead of the clients'
-- whole rows (PostgreSQL twin of ../0006_search_index.sql).
CREATE INDEX clients_search ON clients (search_key, sort_key);
