CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL, version bigint NOT NULL DEFAULT 0);
INSERT INTO kv (k, v) SELECT int4send(i), decode(repeat('00', 100), 'hex') FROM generate_series(0, 999) i;
INSERT INTO level_mutex_keyspace (name) VALUES ('probe');
INSERT INTO level_mutex_entry (keyspace_id, key, value, seq) SELECT 1, int4send(i), decode(repeat('00', 100), 'hex'), 0 FROM generate_series(0, 999) i;
