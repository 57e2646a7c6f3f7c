-- Search reads a small covering index (folded key, sort key, rowid) instead of the clients'
-- whole rows: a substring search still visits every entry, but of a much smaller structure.
CREATE INDEX clients_search ON clients (search_key, sort_key);
