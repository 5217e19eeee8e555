-- level_mutex_commit_joined as joined-per-batch.sql (pgk8, session 15), a transaction per batch committed without
-- waiting for the flush, but WITHOUT trying each keyspace lock first (no busy keyspace goes again after the others): every lock is
-- waited for in keyspace order. Installed by the benchmark's A/B points (m1k8p, m3k8p) in their own fresh database,
-- over the schema's procedure; never shipped.
CREATE OR REPLACE PROCEDURE level_mutex_commit_joined(p_node uuid, p_keyspaces integer[], p_batches uuid[],
        p_key_from integer[], p_update_from integer[], p_footprint_from integer[], p_span_from integer[],
        p_keys bytea[], p_values bytea[], p_update_first integer[], p_update_snapshot bigint[],
        p_key_update integer[], p_key_read boolean[], p_key bytea[],
        p_span_update integer[], p_span_low bytea[], p_span_high bytea[], p_span_bounded boolean[],
        p_lock_wait_ms integer,
        OUT seq bigint[], OUT applied_ops integer[], OUT rejected_unit integer[], OUT rejected_reason text[],
        OUT rejected_key bytea[], OUT error_state text[], OUT error_detail text[], OUT flushed boolean)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer := coalesce(cardinality(p_keyspaces), 0);
    v_committed integer := 0;
    v_seq bigint;
    v_applied integer;
    v_unit integer;
    v_reason text;
    v_key bytea;
    v_state text;
    v_message text;
    v_detail text;
    v_order integer[] := ARRAY(SELECT generate_series(1, coalesce(cardinality(p_keyspaces), 0)));
    v_at integer := 0;
    i integer;
BEGIN
    seq := array_fill(NULL::bigint, ARRAY[v_count]);
    applied_ops := array_fill(NULL::integer, ARRAY[v_count]);
    rejected_unit := array_fill(NULL::integer, ARRAY[v_count]);
    rejected_reason := array_fill(NULL::text, ARRAY[v_count]);
    rejected_key := array_fill(NULL::bytea, ARRAY[v_count]);
    error_state := array_fill(NULL::text, ARRAY[v_count]);
    error_detail := array_fill(NULL::text, ARRAY[v_count]);
    -- v_order: the batches in the caller's order, then those whose lock was busy at their turn, again.
    WHILE v_at < cardinality(v_order) LOOP
        v_at := v_at + 1;
        i := v_order[v_at];
        -- Settings of this batch's transaction (a COMMIT resets them): the released mode, no flush at its COMMIT
        -- (also when its batch fails after taking an xid), the lock wait.
        PERFORM set_config('level_mutex.commit_released', 'on', true);
        PERFORM set_config('synchronous_commit', 'off', true);
        IF p_lock_wait_ms > 0 THEN
            PERFORM set_config('lock_timeout', p_lock_wait_ms || 'ms', true);
        END IF;
        BEGIN
            SELECT c.seq, c.applied_ops, c.rejected_unit, c.rejected_reason, c.rejected_key
                INTO v_seq, v_applied, v_unit, v_reason, v_key
                FROM level_mutex_commit(p_keyspaces[i], p_batches[i], p_node,
                    p_keys[p_key_from[i]:p_key_from[i + 1] - 1], p_values[p_key_from[i]:p_key_from[i + 1] - 1],
                    p_update_first[p_update_from[i]:p_update_from[i + 1] - 1],
                    p_update_snapshot[p_update_from[i]:p_update_from[i + 1] - 1],
                    p_key_update[p_footprint_from[i]:p_footprint_from[i + 1] - 1],
                    p_key_read[p_footprint_from[i]:p_footprint_from[i + 1] - 1],
                    p_key[p_footprint_from[i]:p_footprint_from[i + 1] - 1],
                    p_span_update[p_span_from[i]:p_span_from[i + 1] - 1],
                    p_span_low[p_span_from[i]:p_span_from[i + 1] - 1],
                    p_span_high[p_span_from[i]:p_span_from[i + 1] - 1],
                    p_span_bounded[p_span_from[i]:p_span_from[i + 1] - 1]) c;
            IF FOUND THEN
                seq[i] := v_seq;
                applied_ops[i] := v_applied;
                rejected_unit[i] := v_unit;
                rejected_reason[i] := v_reason;
                rejected_key[i] := v_key;
                v_committed := v_committed + 1;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                v_detail = PG_EXCEPTION_DETAIL;
            error_state[i] := v_state;
            error_detail[i] := CASE WHEN v_state = 'LM001' THEN v_detail ELSE v_message END;
        END;
        -- This batch's keyspace lock released now, its commit not yet flushed.
        COMMIT;
    END LOOP;
    IF v_committed > 0 THEN
        PERFORM set_config('synchronous_commit', 'on', true);
        PERFORM pg_logical_emit_message(true, 'level-mutex', '');
    END IF;
    flushed := true;
END;
$$;
