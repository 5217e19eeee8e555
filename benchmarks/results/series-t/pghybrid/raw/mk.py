import sys
u=int(sys.argv[1])
print(r"\set k random(0, %d)" % (1000-u))
g="generate_series(0,%d)" % (u-1)
print("SELECT seq, applied_ops FROM :fn(1, gen_random_uuid(), '00000000-0000-0000-0000-000000000001'::uuid, "
 f"ARRAY(SELECT int4send(:k+i) FROM {g} i), ARRAY(SELECT decode(repeat('01',100),'hex') FROM {g} i), "
 f"ARRAY(SELECT i FROM {g} i), ARRAY(SELECT k.seq FROM level_mutex_keyspace k, {g} i WHERE k.id = 1), "
 f"ARRAY(SELECT i FROM {g} i, (VALUES (true), (false)) t(r) ORDER BY i, NOT r), "
 f"ARRAY(SELECT r FROM {g} i, (VALUES (true), (false)) t(r) ORDER BY i, NOT r), "
 f"ARRAY(SELECT int4send(:k+i) FROM {g} i, (VALUES (true), (false)) t(r) ORDER BY i, NOT r), "
 "'{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);")
