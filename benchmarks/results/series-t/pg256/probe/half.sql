SELECT * FROM level_mutex_commit(:ks, gen_random_uuid(), '00000000-0000-0000-0000-000000000001'::uuid, bk(:n / 2, :range) || nk(:n / 2), bv(:n),
  '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[], '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);
