WITH p AS NOT MATERIALIZED (
    SELECT P1::int AS ks, P2::uuid AS batch, P3::uuid AS node, P4::bytea AS key, P5::bytea AS value
), k AS (
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM p WHERE k.id = p.ks
    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
), put AS (
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
    SELECT p.ks, p.key, p.value, k.seq FROM p, k
    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
), logged AS (
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
        rejected_reason, rejected_key)
    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
)
SELECT k.seq FROM k
