-- The micro benchmarks' database (psql -d t, after schema-v2.sql and ../../../../src/main/resources/pgcombine/prototypes.sql):
-- keyspace 1 with 100k 8-byte keys and 100-byte values, helpers for random keys and values.
INSERT INTO level_mutex_keyspace (name) VALUES ('bench-0') ON CONFLICT DO NOTHING;
INSERT INTO level_mutex_entry SELECT 1, int8send(i), decode(substr(repeat(md5(i::text), 7), 1, 200), 'hex'), 0
    FROM generate_series(0, 99999) i ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION rkeys(n int) RETURNS bytea[] LANGUAGE sql VOLATILE AS
$$ SELECT array(SELECT int8send((random() * 99999)::int8) FROM generate_series(1, n)) $$;
CREATE OR REPLACE FUNCTION rvals(n int) RETURNS bytea[] LANGUAGE sql VOLATILE AS
$$ SELECT array(SELECT decode(substr(repeat(md5(random()::text), 7), 1, 200), 'hex') FROM generate_series(1, n)) $$;
VACUUM ANALYZE;
