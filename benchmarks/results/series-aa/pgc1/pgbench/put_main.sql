\set i random(0, 999)
\set r random(1, 1000000000)
WITH p AS NOT MATERIALIZED ( SELECT 1::int AS ks, gen_random_uuid() AS batch, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS node, int4send(:i::int) AS key, decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex') AS value
), free AS MATERIALIZED ( SELECT k.id FROM p, level_mutex_keyspace k WHERE k.id = p.ks FOR UPDATE OF k SKIP LOCKED
), k AS ( UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM free WHERE k.id = free.id RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
), put AS ( INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT p.ks, p.key, p.value, k.seq FROM p, k ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
), logged AS ( INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key) SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
) SELECT k.seq, NULL::bigint, NULL::text FROM (SELECT) AS one LEFT JOIN k ON true;
