CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
\i schema-v2.sql
INSERT INTO level_mutex_keyspace (name) VALUES ('bench');
INSERT INTO level_mutex_entry (keyspace_id, key, value, seq) SELECT 1, int4send(i), decode(repeat('01',100),'hex'), 0 FROM generate_series(0,999) i;
CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL);
INSERT INTO kv SELECT int4send(i), decode(repeat('01',100),'hex') FROM generate_series(0,999) i;
CREATE TABLE jpa (id integer PRIMARY KEY, v bytea NOT NULL, version bigint NOT NULL);
INSERT INTO jpa SELECT i, decode(repeat('01',100),'hex'), 0 FROM generate_series(0,999) i;
