\set k random(0, 999)
SELECT seq, applied_ops FROM :fn(1, gen_random_uuid(), '00000000-0000-0000-0000-000000000001'::uuid, ARRAY[int4send(:k)], ARRAY[decode(repeat('01',100),'hex')], ARRAY[0], ARRAY[(SELECT seq FROM level_mutex_keyspace WHERE id = 1)], ARRAY[0,0], ARRAY[true,false], ARRAY[int4send(:k), int4send(:k)], '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);
