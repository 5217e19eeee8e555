\set k random(1, 19999)
\set ks 1
SELECT (NOT flushed)::int AS needflush FROM p_commit(:ks, gen_random_uuid(), '00000000-0000-0000-0000-000000000001', (SELECT array_agg(('k' || i)::bytea) FROM generate_series(:k::int, :k::int) i), (SELECT array_agg('v'::bytea) FROM generate_series(1, 1)), '{}','{}','{}','{}','{}','{}','{}','{}','{}') \gset
\if :needflush
SELECT set_config('synchronous_commit', 'on', true), pg_logical_emit_message(true, 'level-mutex', '');
\endif
