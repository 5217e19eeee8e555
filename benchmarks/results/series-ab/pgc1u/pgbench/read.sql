\set i random(0, 999)
SELECT 0 AS part, (async_seq = seq)::int AS n, NULL::bytea AS key, NULL::bytea AS value, seq FROM level_mutex_keyspace WHERE id = 1 UNION ALL SELECT 1, 1, NULL::bytea, e.value, NULL::bigint FROM level_mutex_entry e WHERE e.keyspace_id = 1 AND e.key = int4send(:i::int) AND e.value IS NOT NULL;
