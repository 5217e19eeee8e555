\set i random(0, 999)
\set r random(1, 1000000000)
WITH k AS (UPDATE level_mutex_keyspace k SET seq = k.seq + 1 WHERE k.id = 1 RETURNING k.seq), u AS (UPDATE level_mutex_entry e SET value = decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex'), seq = k.seq FROM k WHERE e.keyspace_id = 1 AND e.key = int4send(:i::int) RETURNING e.seq), l AS (INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit) SELECT gen_random_uuid(), 1, k.seq, gen_random_uuid(), 1, -1 FROM k) SELECT (SELECT seq FROM k);
