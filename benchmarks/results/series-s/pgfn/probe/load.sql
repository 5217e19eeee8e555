CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
INSERT INTO level_mutex_keyspace (name) SELECT 'ks' || g FROM generate_series(1,8) g;
INSERT INTO level_mutex_entry (keyspace_id, key, value, seq)
  SELECT ks, convert_to('key' || lpad(g::text, 8, '0'), 'SQL_ASCII'), gen_random_bytes_stub, 0
  FROM generate_series(1,8) ks, generate_series(0, 99999) g, LATERAL (SELECT decode(repeat(md5(g::text), 3) || 'abcdef01', 'hex') AS gen_random_bytes_stub) v
  WHERE ks = 1 OR g < 20000;
-- helpers: keys of a batch (distinct, in random issue order), values
CREATE OR REPLACE FUNCTION bv(n int) RETURNS bytea[] LANGUAGE sql VOLATILE AS $f$
  SELECT array_agg(decode(repeat(md5(random()::text), 3) || 'abcdef01', 'hex')) FROM generate_series(1, n) $f$;
VACUUM ANALYZE;
