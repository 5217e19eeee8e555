SELECT * FROM (SELECT bk(:n, :range) AS k, (SELECT seq FROM level_mutex_keyspace WHERE id = 1) AS s) a,
LATERAL level_mutex_commit(1, gen_random_uuid(), '00000000-0000-0000-0000-000000000001'::uuid, a.k, bv(:n),
  (SELECT array_agg(g - 1) FROM generate_series(1, :n) g),
  (SELECT array_agg(CASE WHEN g = :n THEN greatest(a.s - 10, 0) ELSE a.s END) FROM generate_series(1, :n) g),
  (SELECT array_agg((g - 1) / 2) FROM generate_series(1, 2 * :n) g),
  (SELECT array_agg(g % 2 = 1) FROM generate_series(1, 2 * :n) g),
  (SELECT array_agg(a.k[(g + 1) / 2]) FROM generate_series(1, 2 * :n) g),
  '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);
