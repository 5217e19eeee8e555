CREATE OR REPLACE FUNCTION level_mutex_commit_b(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], p_update_first integer[], p_update_snapshot bigint[],
        p_key_update integer[], p_key_read boolean[], p_key bytea[],
        p_span_update integer[], p_span_low bytea[], p_span_high bytea[], p_span_bounded boolean[])
    RETURNS TABLE (seq bigint, applied_ops integer, rejected_unit integer, rejected_reason text, rejected_key bytea,
        flushed boolean)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    v_seq bigint;
    v_horizon bigint;
    v_updates integer := coalesce(array_length(p_update_first, 1), 0);
    v_limit integer;
    v_unit integer := -1;
    v_reason text;
    v_key bytea;
    v_key_unit integer;
    v_key_reason text;
    v_key_key bytea;
    v_span_unit integer;
    v_span_key bytea;
    v_applied integer;
    v_flushed boolean := true;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);
    -- The lock without waiting: no row when another transaction holds it (or when the keyspace does not exist).
    -- Not tried when called by level_mutex_commit_released (which flushes after its own COMMIT).
    IF current_setting('level_mutex.commit_released', true) IS DISTINCT FROM 'on' THEN
        UPDATE level_mutex_keyspace k SET seq = k.seq + 1
            WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = p_keyspace FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING k.seq, k.horizon INTO v_seq, v_horizon;
    END IF;
    IF v_seq IS NULL THEN
        -- Contended (or released): wait for the lock, then commit without waiting for the flush (see above).
        UPDATE level_mutex_keyspace k SET seq = k.seq + 1, async_seq = k.seq + 1 WHERE k.id = p_keyspace
            RETURNING k.seq, k.horizon INTO v_seq, v_horizon;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        v_flushed := false;
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    -- Validation, only for a batch with updates (a batch of blind writes skips these statements).
    IF v_updates > 0 THEN
        SELECT u.n - 1 INTO v_unit FROM unnest(p_update_snapshot) WITH ORDINALITY AS u(snap, n)
            WHERE u.snap >= v_seq ORDER BY u.n LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'LM001', MESSAGE = 'level-mutex: nothing of the batch applied',
                DETAIL = format('%s %s FUTURE_SNAPSHOT ', v_seq - 1, v_unit);
        END IF;
        v_unit := -1;
        -- The first update whose snapshot is below the horizon: no later update is looked at.
        SELECT u.n - 1 INTO v_limit FROM unnest(p_update_snapshot) WITH ORDINALITY AS u(snap, n)
            WHERE u.snap < v_horizon ORDER BY u.n LIMIT 1;
        IF FOUND THEN
            v_unit := v_limit;
            v_reason := 'SNAPSHOT_TOO_OLD';
        ELSE
            v_limit := v_updates;
        END IF;
        -- Keys read or written: the first conflict in update order (within an update, read keys first). Two
        -- forms of one rule, each statement planned on its own. Up to 16 listed keys (8 read-modify-writes): one
        -- primary-key probe per listed key (LATERAL, never flattened, so a probe whatever the table's statistics;
        -- without statistics, in a new entry table until its first analyze, the generic plan of "= ANY" is a scan
        -- of the whole keyspace: 100-200 us for one key). Above 16 (where the probes cost more than one index scan
        -- of the sorted keys, 2x at 256): each distinct key is probed once (= ANY sorts the keys and drops
        -- duplicates; an update's read-modify-write lists its key twice), and only rows newer than the oldest
        -- snapshot come back; "+ 0" keeps the planner from a nested loop over the probe's result in ordinal order
        -- (a hash join, then the first by ordinal).
        IF coalesce(array_length(p_key, 1), 0) <= 16 THEN
            SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, c.key
                INTO v_key_unit, v_key_reason, v_key_key
                FROM unnest(p_key_update, p_key_read, p_key) WITH ORDINALITY AS c(unit, is_read, key, n)
                CROSS JOIN LATERAL (SELECT FROM level_mutex_entry e WHERE e.keyspace_id = p_keyspace
                    AND e.key = c.key AND e.seq > p_update_snapshot[c.unit + 1] LIMIT 1) h
                WHERE c.unit < v_limit
                ORDER BY c.n LIMIT 1;
        ELSE
            WITH hit AS MATERIALIZED (
                SELECT e.key, e.seq FROM level_mutex_entry e
                WHERE e.keyspace_id = p_keyspace AND e.key = ANY (p_key)
                    AND e.seq > (SELECT min(u.snap) FROM unnest(p_update_snapshot) AS u(snap))
            )
            SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, h.key
                INTO v_key_unit, v_key_reason, v_key_key
                FROM unnest(p_key_update, p_key_read, p_key) WITH ORDINALITY AS c(unit, is_read, key, n)
                JOIN hit h ON h.key = c.key AND h.seq > p_update_snapshot[c.unit + 1]
                WHERE c.unit < v_limit
                ORDER BY c.n + 0 LIMIT 1;
        END IF;
        IF FOUND THEN
            v_unit := v_key_unit;
            v_reason := v_key_reason;
            v_key := v_key_key;
            v_limit := v_key_unit;
        END IF;
        -- Spans, of the updates before the first conflict found so far: the lowest key written since the snapshot.
        SELECT s.unit, f.key INTO v_span_unit, v_span_key
            FROM unnest(p_span_update, p_span_low, p_span_high, p_span_bounded) WITH ORDINALITY
                AS s(unit, low, high, bounded, n)
            CROSS JOIN LATERAL (SELECT e.key FROM level_mutex_entry e WHERE e.keyspace_id = p_keyspace
                AND e.seq > p_update_snapshot[s.unit + 1] AND e.key >= s.low AND (NOT s.bounded OR e.key < s.high)
                ORDER BY e.key LIMIT 1) f
            WHERE s.unit < v_limit
            ORDER BY s.n LIMIT 1;
        IF FOUND THEN
            v_unit := v_span_unit;
            v_reason := 'SPAN';
            v_key := v_span_key;
        END IF;
    END IF;
    v_applied := CASE WHEN v_unit >= 0 THEN p_update_first[v_unit + 1]
        ELSE coalesce(array_length(p_keys, 1), 0) END;
    IF v_applied = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'LM001', MESSAGE = 'level-mutex: nothing of the batch applied',
            DETAIL = format('%s %s %s %s', v_seq - 1, v_unit, v_reason, coalesce(encode(v_key, 'hex'), ''));
    END IF;
    WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(p_keys[1:v_applied], p_values[1:v_applied]) WITH ORDINALITY AS w(key, value, n)
        ORDER BY w.key, w.n DESC
    ), hit AS (
        SELECT l.key, l.value, r.tid FROM last l
        CROSS JOIN LATERAL (SELECT e.ctid AS tid FROM level_mutex_entry e
            WHERE e.keyspace_id = p_keyspace AND e.key = l.key LIMIT 1) r
    ), upd AS (
        UPDATE level_mutex_entry e SET value = h.value, seq = v_seq FROM hit h
        WHERE e.ctid = h.tid AND (h.value IS NOT NULL OR e.value IS NOT NULL)
        RETURNING e.key, e.value IS NULL AS deleted
    ), ins AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, l.key, l.value, v_seq FROM last l
        WHERE l.value IS NOT NULL AND NOT EXISTS (SELECT FROM upd u WHERE u.key = l.key)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
    ), tombstone AS (
        INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT p_keyspace, v_seq, u.key FROM upd u
        WHERE u.deleted
    )
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
        rejected_reason, rejected_key)
    VALUES (p_batch, p_keyspace, v_seq, p_node, v_applied, v_unit, v_reason, v_key);
    RETURN QUERY SELECT v_seq, v_applied, v_unit, v_reason, v_key, v_flushed;
END;
$$;
