\set k random(0, 999)
SELECT v, version FROM kv WHERE k = int4send(:k);
UPDATE level_mutex_keyspace SET seq = seq + 1 WHERE id = 1;
