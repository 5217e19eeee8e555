WITH p AS NOT MATERIALIZED (
    SELECT P1::int AS ks, P2::uuid AS batch, P3::uuid AS node, P4::bytea AS key, P5::bytea AS value,
        P6::bigint AS snap, P7::bytea AS read
), s AS MATERIALIZED (
    SELECT k.seq AS current, k.horizon, set_config('synchronous_commit', 'on', true) AS durable
    FROM p, level_mutex_keyspace k WHERE k.id = p.ks
), r AS MATERIALIZED (
    SELECT CASE
        WHEN p.snap IS NULL THEN NULL
        WHEN p.snap > s.current THEN 'FUTURE_SNAPSHOT'
        WHEN p.snap < s.horizon THEN 'SNAPSHOT_TOO_OLD'
        WHEN EXISTS (SELECT FROM level_mutex_entry e
            WHERE e.keyspace_id = p.ks AND e.key = p.read AND e.seq > p.snap) THEN 'KEY_READ'
        WHEN EXISTS (SELECT FROM level_mutex_entry e
            WHERE e.keyspace_id = p.ks AND e.key = p.key AND e.seq > p.snap) THEN 'KEY_WRITTEN'
        END AS reason
    FROM p, s
), k AS (
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM p, s, r
    WHERE k.id = p.ks AND r.reason IS NULL AND (k.seq = s.current OR (p.value IS NOT NULL AND p.snap IS NULL))
    RETURNING k.seq
), put AS (
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
    SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE p.value IS NOT NULL
    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
), del AS (
    UPDATE level_mutex_entry e SET value = NULL, seq = k.seq FROM p, k
    WHERE p.value IS NULL AND e.keyspace_id = p.ks AND e.key = p.key AND e.value IS NOT NULL
    RETURNING e.keyspace_id, e.seq, e.key
), tombstone AS (
    INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT d.keyspace_id, d.seq, d.key FROM del d
), logged AS (
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
        rejected_reason, rejected_key)
    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
)
SELECT k.seq, s.current, r.reason FROM s CROSS JOIN r LEFT JOIN k ON true
