LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;
\set n 256
\set range 100000
SELECT * FROM (SELECT bk(256, 100000) AS k, (SELECT seq FROM level_mutex_keyspace WHERE id = 1) AS s) a,
LATERAL level_mutex_commit(1, gen_random_uuid(), '00000000-0000-0000-0000-000000000001'::uuid, a.k, bv(256),
  (SELECT array_agg(g - 1) FROM generate_series(1, 256) g),
  array_fill(a.s, ARRAY[256]),
  (SELECT array_agg((g - 1) / 2) FROM generate_series(1, 2 * 256) g),
  (SELECT array_agg(g % 2 = 1) FROM generate_series(1, 2 * 256) g),
  (SELECT array_agg(a.k[(g + 1) / 2]) FROM generate_series(1, 2 * 256) g),
  '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);
