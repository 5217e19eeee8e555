\set k random(0, 999)
SELECT e.value, e.seq FROM level_mutex_entry e WHERE e.keyspace_id = 1 AND e.key = int4send(:k) AND e.value IS NOT NULL;
UPDATE level_mutex_keyspace SET seq = seq + 1 WHERE id = 1;
