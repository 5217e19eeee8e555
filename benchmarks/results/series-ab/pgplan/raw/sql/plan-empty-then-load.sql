-- one session: the function's first call on an EMPTY entry table (its generic plans are built then), then 20k keys
-- preloaded per keyspace (never analysed), then the same call again in the same session: the plans it keeps
TRUNCATE level_mutex_tombstone, level_mutex_batch;
DROP TABLE level_mutex_entry;
CREATE TABLE level_mutex_entry (keyspace_id integer NOT NULL, key bytea NOT NULL, value bytea, seq bigint NOT NULL,
    PRIMARY KEY (keyspace_id, key));
\i plan.sql
INSERT INTO level_mutex_entry SELECT ks, convert_to('key' || lpad(i::text, 8, '0'), 'UTF8'), decode(repeat('cd', 100), 'hex'), 0
    FROM generate_series(1, 3) ks, generate_series(0, 19999) i ON CONFLICT DO NOTHING;
\echo ==== after the preload, same session
\i plan.sql
