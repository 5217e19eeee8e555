-- level-mutex PostgreSQL schema: upgrade from version 2 (schema-v2.sql) to version 3 (schema-v3.sql).
--
-- Idempotent. Adds the procedure level_mutex_commit_joined and the function level_mutex_commit_put, makes the
-- batch log's index on (keyspace_id, seq) its primary key in place of batch_id (dropping that index: a brief
-- exclusive lock of the table, no scan) and records version 3; nothing else changes (version 2's other tables,
-- function level_mutex_commit and procedure level_mutex_commit_released stay as they are). Runs as is with the
-- default table-name prefix "level_mutex_" (psql, Flyway; Liquibase with splitStatements:false or endDelimiter
-- set: the procedure body holds semicolons). Engines of this version also run on a version-2 schema, without
-- joined commits and with a plain statement in place of level_mutex_commit_put; engines of version 2 refuse to
-- open a version-3 schema, so upgrade every node's library before (or with) running this script.

-- Commits a blind put of ONE key (schema version 3) as the engine's one-write commit does, in a function whose
-- statements' plans are cached per session (measured: less server time than the same work as one statement with
-- data-modifying CTEs, the engine's form on a schema without this function): called as SELECT s, NULL::bigint,
-- NULL::text FROM level_mutex_commit_put(keyspace, batch, node, key, value) AS s on a connection in autocommit.
-- It never waits for the keyspace row's lock (SKIP LOCKED): held, it writes nothing and returns NULL, and the
-- engine commits the batch through level_mutex_commit. Free: the lock and the next sequence (gapless, in commit
-- order across every node, as level_mutex_commit's), the entry (an UPDATE, else an INSERT, ON CONFLICT DO UPDATE
-- for an entry inserted by a batch that committed meanwhile), the batch-log row (for outcome-unknown
-- resolution); synchronous_commit on, so the lock is held through the COMMIT's WAL flush. Returns the batch's
-- sequence; NULL also when the keyspace does not exist.
CREATE OR REPLACE FUNCTION level_mutex_commit_put(p_keyspace integer, p_batch uuid, p_node uuid, p_key bytea,
        p_value bytea)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v_seq bigint;
BEGIN
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1
        WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = p_keyspace FOR UPDATE SKIP LOCKED)
        RETURNING k.seq INTO v_seq;
    IF v_seq IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('synchronous_commit', 'on', true);
    UPDATE level_mutex_entry e SET value = p_value, seq = v_seq WHERE e.keyspace_id = p_keyspace AND e.key = p_key;
    IF NOT FOUND THEN
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES (p_keyspace, p_key, p_value, v_seq)
            ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    END IF;
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
        rejected_reason, rejected_key)
        VALUES (p_batch, p_keyspace, v_seq, p_node, 1, -1, NULL, NULL);
    RETURN v_seq;
END;
$$;

-- Commits the ready batches of SEVERAL keyspaces of one node in ONE transaction and one round trip (schema version
-- 3): called as CALL level_mutex_commit_joined(node, keyspaces, batches, key_from, update_from, footprint_from,
-- span_from, keys, values, update_first, update_snapshot, key_update, key_read, key, span_update, span_low,
-- span_high, span_bounded, lock_wait_ms, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) on a connection in
-- autocommit. Batch i
-- is keyspace p_keyspaces[i], id p_batches[i]; its arguments to level_mutex_commit are the slices
-- [p_X_from[i], p_X_from[i + 1] - 1] of the flattened arrays (each *_from array has one more element than the
-- batches: the end), with its update and write indexes relative to its own batch, exactly as level_mutex_commit
-- takes them. The caller sorts the batches by keyspace id, so every node takes keyspace locks in one order (no
-- deadlock between joined commits). Each batch runs level_mutex_commit in the released mode (it waits for its
-- keyspace's lock, records its sequence in async_seq, commits without waiting for the flush) inside a
-- subtransaction of its own (a BEGIN ... EXCEPTION block): a batch that applies nothing (LM001) or fails (any
-- error but a cancel) is rolled back alone, with its locks, and reported in its element of error_state /
-- error_detail (LM001: the function's DETAIL; otherwise the message); the others commit. A keyspace lock not
-- granted within lock_wait_ms (lock_timeout, for this transaction; 0: no limit) fails its batch alone with
-- SQLSTATE 55P03, so that a lock held long elsewhere does not hold up the other keyspaces' batches: the engine
-- then commits that batch on its own, waiting for the lock as level_mutex_commit does. Then ONE COMMIT (every
-- keyspace's lock released, before the flush) and, if anything committed, a second transaction that writes WAL
-- and commits synchronously, which makes all of them durable before the reply (as level_mutex_commit_released).
-- Replies, per batch: sequence (NULL: nothing committed; with error_state NULL too, the keyspace does not exist),
-- applied writes, rejected update or -1, reason, key, SQLSTATE of its failure or NULL, its detail; flushed true.
-- A failure after the COMMIT leaves the committed batches committed, perhaps not durable: the engine resolves
-- each through the batch log, as a lost COMMIT.
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

-- Version 3: the batch log's one index is its primary key (keyspace_id, seq); version 2 also indexed batch_id (its
-- primary key), one more index entry and WAL record in every commit (measured: 8 -> 7 WAL records per one-write
-- commit). Every lookup names the keyspace: the listener and the clean-up read sequences, and outcome-unknown
-- resolution finds a batch id among the keyspace's sequences above one known committed before the batch
-- (WHERE keyspace_id = ? AND seq > ? AND batch_id = ?). Found by the catalog (the generated constraint name
-- depends on the prefix's length); does nothing once done.
DO $$
DECLARE
    v_constraint name;
BEGIN
    SELECT c.conname INTO v_constraint FROM pg_constraint c
        WHERE c.conrelid = 'level_mutex_batch'::regclass AND c.contype = 'p'
        AND c.conkey = ARRAY[(SELECT a.attnum FROM pg_attribute a
            WHERE a.attrelid = 'level_mutex_batch'::regclass AND a.attname = 'batch_id')];
    IF v_constraint IS NOT NULL THEN
        EXECUTE format('ALTER TABLE level_mutex_batch DROP CONSTRAINT %I', v_constraint);
        ALTER TABLE level_mutex_batch ADD PRIMARY KEY USING INDEX level_mutex_batch_seq;
    END IF;
END
$$;

INSERT INTO level_mutex_schema_version (version) VALUES (3) ON CONFLICT DO NOTHING;
