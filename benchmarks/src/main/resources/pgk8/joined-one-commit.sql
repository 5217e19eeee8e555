-- level_mutex_commit_joined as schema v3 had it before pgk8 (main 9abd409): ONE COMMIT for every keyspace of the call,
-- every keyspace lock held from its batch's apply to that COMMIT; with the skipping path (LM002) that pgk8 removed,
-- never taken by the engine any more. Every keyspace batch through level_mutex_commit in a subtransaction of its own.
-- Session 15: the same behaviour as the schema's procedure, an A/A control (session 16's pgset used it as the
-- per-keyspace B against its set-based procedure, taken back after the quiet run: an A/A control again). Installed
-- by the benchmark's A/B points (m1k8c, m3k8c) in their own fresh database, over the schema's procedure; never shipped.
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
BEGIN
    seq := array_fill(NULL::bigint, ARRAY[v_count]);
    applied_ops := array_fill(NULL::integer, ARRAY[v_count]);
    rejected_unit := array_fill(NULL::integer, ARRAY[v_count]);
    rejected_reason := array_fill(NULL::text, ARRAY[v_count]);
    rejected_key := array_fill(NULL::bytea, ARRAY[v_count]);
    error_state := array_fill(NULL::text, ARRAY[v_count]);
    error_detail := array_fill(NULL::text, ARRAY[v_count]);
    PERFORM set_config('level_mutex.commit_released', 'on', true);
    IF p_lock_wait_ms > 0 THEN
        PERFORM set_config('lock_timeout', p_lock_wait_ms || 'ms', true);
    END IF;
    FOR i IN 1 .. v_count LOOP
        IF p_lock_wait_ms < 0 THEN
            -- The lock without waiting (held to the COMMIT, whatever the batch's subtransaction does); not granted
            -- and the keyspace exists: busy, skipped. A keyspace that does not exist goes on (no row, as below).
            PERFORM FROM level_mutex_keyspace l WHERE l.id = p_keyspaces[i] FOR NO KEY UPDATE SKIP LOCKED;
            IF NOT FOUND AND EXISTS (SELECT FROM level_mutex_keyspace l WHERE l.id = p_keyspaces[i]) THEN
                error_state[i] := 'LM002';
                error_detail[i] := 'level-mutex: keyspace busy, batch skipped';
                CONTINUE;
            END IF;
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
    END LOOP;
    COMMIT;
    IF v_committed > 0 THEN
        PERFORM set_config('synchronous_commit', 'on', true);
        PERFORM pg_logical_emit_message(true, 'level-mutex', '');
    END IF;
    flushed := true;
END;
$$;
