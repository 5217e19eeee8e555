\set i random(0, 999)
\set r random(1, 1000000000)
SELECT level_mutex_commit_put(1, gen_random_uuid(), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, int4send(:i::int), decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex'));
