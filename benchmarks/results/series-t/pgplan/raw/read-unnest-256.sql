\set k random(0, 700)
SELECT array_agg(int4send(:k + g))::text AS arr FROM generate_series(0, 256 - 1) g \gset
SELECT 0 AS part, 0 AS n, NULL::bytea AS key, NULL::bytea AS value, seq FROM level_mutex_keyspace WHERE id = 1 UNION ALL SELECT 1, k.n::int, NULL::bytea, e.value, NULL::bigint FROM unnest(:arr::bytea[]) WITH ORDINALITY AS k(key, n) JOIN level_mutex_entry e ON e.keyspace_id = 1 AND e.key = k.key AND e.value IS NOT NULL;
