-- The A/B database: schema v3 (A = main's level_mutex_commit), B = fb.sql's level_mutex_commit_b, A and B on keyspace 1 (alternated runs: one table state),
-- preloaded with 20,000 keys (100-byte values) and NEVER analysed (autovacuum off in this cluster).
-- Batches as the engine sends them: random keys in issue order (duplicates possible), 300 per size.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
-- A new entry table each time: TRUNCATE would keep an earlier ANALYZE's column statistics.
TRUNCATE level_mutex_tombstone, level_mutex_batch;
DROP TABLE level_mutex_entry;
CREATE TABLE level_mutex_entry (keyspace_id integer NOT NULL, key bytea NOT NULL, value bytea, seq bigint NOT NULL,
    PRIMARY KEY (keyspace_id, key));
INSERT INTO level_mutex_entry SELECT ks, convert_to('key' || lpad(i::text, 8, '0'), 'UTF8'), decode(repeat('cd', 100), 'hex'), 0
    FROM generate_series(1, 1) ks, generate_series(0, 19999) i;
DROP TABLE IF EXISTS args;
CREATE TABLE args AS SELECT n, b, array_agg(convert_to('key' || lpad((floor(random() * 20000))::int::text, 8, '0'), 'UTF8')) k,
    array_agg(decode(md5(random()::text) || md5(random()::text) || md5(random()::text), 'hex') || decode(repeat('cd', 52), 'hex')) v
    FROM (VALUES (256), (85)) s(n), generate_series(1, 300) b, LATERAL generate_series(1, s.n) i GROUP BY n, b;
CREATE UNIQUE INDEX ON args (n, b);
CREATE SEQUENCE IF NOT EXISTS newkey;
ANALYZE args;
