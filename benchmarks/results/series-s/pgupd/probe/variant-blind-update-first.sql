CREATE OR REPLACE FUNCTION level_mutex_commit(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], p_update_first integer[], p_update_snapshot bigint[],
        p_key_update integer[], p_key_read boolean[], p_key bytea[],
        p_span_update integer[], p_span_low bytea[], p_span_high bytea[], p_span_bounded boolean[])
    RETURNS TABLE (seq bigint, applied_ops integer, rejected_unit integer, rejected_reason text, rejected_key bytea)
    LANGUAGE plpgsql VOLATILE
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
    v_writes integer := coalesce(array_length(p_keys, 1), 0);
    v_fast boolean := false;
    v_done bigint;
    v_want bigint;
    v_stale_keys bytea[];
    v_stale_seqs bigint[];
    v_stale_known boolean := false;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 WHERE k.id = p_keyspace RETURNING k.seq, k.horizon
        INTO v_seq, v_horizon;
    IF NOT FOUND THEN
        RETURN;
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
        -- Fast path (no update below the horizon, no spans, some writes): apply every write in one statement
        -- in which each rewritten key's row is updated only while its sequence is not above the oldest snapshot
        -- of the updates that read or write it, and the other keys of updates (read only, or deleted last) are
        -- looked up at the statement's snapshot (the state before this batch). Nothing conflicts exactly when
        -- every such row was written and no looked-up key is newer: then the batch applies whole, which is what
        -- the exact validation below would decide, with one probe per key instead of two. Otherwise the block
        -- (a subtransaction) rolls the statement back and the exact validation runs.
        IF v_unit < 0 AND v_writes > 0 AND coalesce(array_length(p_span_update, 1), 0) = 0 THEN
            BEGIN
                WITH last AS (
                    SELECT DISTINCT ON (w.key) w.key, w.value
                    FROM unnest(p_keys, p_values) WITH ORDINALITY AS w(key, value, n)
                    ORDER BY w.key, w.n DESC
                ), guard AS (
                    SELECT c.key, min(p_update_snapshot[c.unit + 1]) AS snap
                    FROM unnest(p_key_update, p_key) AS c(unit, key) GROUP BY c.key
                ), w AS MATERIALIZED (
                    SELECT l.key, l.value, g.snap FROM last l LEFT JOIN guard g ON g.key = l.key
                ), upd AS (
                    UPDATE level_mutex_entry e SET value = w.value, seq = v_seq FROM w
                    WHERE w.value IS NOT NULL AND e.keyspace_id = p_keyspace AND e.key = w.key
                        AND (w.snap IS NULL OR e.seq <= w.snap)
                    RETURNING e.key
                ), ins AS (
                    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
                    SELECT p_keyspace, w.key, w.value, v_seq FROM w
                    WHERE w.value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM upd u WHERE u.key = w.key)
                    ON CONFLICT (keyspace_id, key) DO NOTHING
                    RETURNING e.key
                ), del AS (
                    UPDATE level_mutex_entry e SET value = NULL, seq = v_seq FROM w
                    WHERE w.value IS NULL AND e.keyspace_id = p_keyspace AND e.key = w.key AND e.value IS NOT NULL
                    RETURNING e.key
                ), tombstone AS (
                    INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT p_keyspace, v_seq, d.key FROM del d
                ), stale AS (
                    -- Every key of an update newer than its oldest snapshot, with its sequence before this batch
                    -- (the statement's snapshot): rewritten keys the update above skipped, and looked-up keys.
                    SELECT e.key, e.seq FROM w JOIN level_mutex_entry e ON e.keyspace_id = p_keyspace
                        AND e.key = w.key
                    WHERE w.value IS NOT NULL AND w.snap IS NOT NULL AND e.seq > w.snap
                        AND NOT EXISTS (SELECT 1 FROM upd u WHERE u.key = w.key)
                    UNION ALL
                    SELECT e.key, e.seq FROM guard g JOIN level_mutex_entry e ON e.keyspace_id = p_keyspace
                        AND e.key = g.key AND e.seq > g.snap
                    WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.key = g.key AND w.value IS NOT NULL)
                )
                SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins),
                    (SELECT count(*) FROM w WHERE w.value IS NOT NULL),
                    (SELECT array_agg(t.key) FROM stale t), (SELECT array_agg(t.seq) FROM stale t)
                    INTO v_done, v_want, v_stale_keys, v_stale_seqs;
                IF v_stale_keys IS NOT NULL OR v_done <> v_want THEN
                    RAISE EXCEPTION USING ERRCODE = 'LM002';
                END IF;
                v_fast := true;
            EXCEPTION WHEN SQLSTATE 'LM002' THEN
                -- Rolled back. v_stale_keys holds every key an update may conflict on, with its sequence before
                -- this batch (read under the keyspace lock: nothing else has written them since): the exact
                -- validation below takes them instead of probing the table again.
                v_stale_known := true;
            END;
        END IF;
    END IF;
    IF v_updates > 0 AND NOT v_fast THEN
        -- Keys read or written: the first conflict in update order (within an update, read keys first). Each
        -- distinct key is probed once (= ANY sorts the keys and drops duplicates; an update's read-modify-write
        -- lists its key twice), and only rows newer than the oldest snapshot come back; "+ 0" keeps the planner
        -- from a nested loop over the probe's result in ordinal order (a hash join, then the first by ordinal).
        WITH hit AS MATERIALIZED (
            SELECT e.key, e.seq FROM level_mutex_entry e
            WHERE NOT v_stale_known AND e.keyspace_id = p_keyspace AND e.key = ANY (p_key)
                AND e.seq > (SELECT min(u.snap) FROM unnest(p_update_snapshot) AS u(snap))
            UNION ALL
            SELECT t.key, t.seq FROM unnest(v_stale_keys, v_stale_seqs) AS t(key, seq) WHERE v_stale_known
        )
        SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, h.key
            INTO v_key_unit, v_key_reason, v_key_key
            FROM unnest(p_key_update, p_key_read, p_key) WITH ORDINALITY AS c(unit, is_read, key, n)
            JOIN hit h ON h.key = c.key AND h.seq > p_update_snapshot[c.unit + 1]
            WHERE c.unit < v_limit
            ORDER BY c.n + 0 LIMIT 1;
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
    IF v_fast THEN
        INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
            rejected_reason, rejected_key)
        VALUES (p_batch, p_keyspace, v_seq, p_node, v_applied, v_unit, v_reason, v_key);
    ELSE
        WITH last AS MATERIALIZED (
            SELECT DISTINCT ON (w.key) w.key, w.value
            FROM unnest(p_keys[1:v_applied], p_values[1:v_applied]) WITH ORDINALITY AS w(key, value, n)
            ORDER BY w.key, w.n DESC
        ), upd AS (
            UPDATE level_mutex_entry e SET value = l.value, seq = v_seq FROM last l
            WHERE l.value IS NOT NULL AND e.keyspace_id = p_keyspace AND e.key = l.key
            RETURNING e.key
        ), put AS (
            INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
            SELECT p_keyspace, l.key, l.value, v_seq FROM last l
            WHERE l.value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM upd u WHERE u.key = l.key)
            ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
        ), del AS (
            UPDATE level_mutex_entry e SET value = NULL, seq = v_seq FROM last l
            WHERE l.value IS NULL AND e.keyspace_id = p_keyspace AND e.key = l.key AND e.value IS NOT NULL
            RETURNING e.key
        ), tombstone AS (
            INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT p_keyspace, v_seq, d.key FROM del d
        )
        INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
            rejected_reason, rejected_key)
        VALUES (p_batch, p_keyspace, v_seq, p_node, v_applied, v_unit, v_reason, v_key);
    END IF;
    RETURN QUERY SELECT v_seq, v_applied, v_unit, v_reason, v_key;
END;
$$;
