-- pgcombine: SQL-only prototypes of three ways to make "fewer, larger batches per keyspace cluster-wide" (issue 19
-- item 4), installed ON TOP of schema-v2.sql by CombineProbe (benchmarks only; nothing of this is in the engine).
-- Blind batches (puts) only: the probe's workload is W1. Each prototype keeps schema v2's entry table, keyspace row
-- and batch log, so the apply inside a section is the function's own statement shape (DISTINCT ON + upsert).
--
-- (a) combining through the database: level_mutex_combine. A node that finds the keyspace's combining lock (an
--     advisory lock: no xid, no WAL to take or release it) held appends its batch to the pending table (an UNLOGGED
--     table: no WAL, so its transaction commits without a flush and in parallel with everything) and waits for it.
--     Whoever holds it applies its own batch and EVERY pending batch of the keyspace in one transaction (each its
--     own sequence, one upsert for all of them, one batch-log row each); a node whose batch was applied by an earlier
--     holder learns its outcome from the batch log.
-- (b) a lease per keyspace: level_mutex_forward (a node that does not hold the keyspace appends its batch to the
--     pending table and NOTIFYs the holder, one autocommit statement) and level_mutex_lease_apply (the holder's
--     commit: its own batch plus every pending batch of the keyspace, one transaction, synchronous, then NOTIFY
--     of each forwarding node with "pending id:sequence" pairs; delivered only after the commit is flushed).
-- (c) blind batches without the keyspace lock: level_mutex_commit_free. A shared advisory lock (an update that
--     validates spans would take it exclusively), the upsert in key order (row locks in one order: no deadlock
--     between blind batches), the writer's xid as the row's "seq" and in a batch log by xid; no keyspace row,
--     no sequence. Validation and remote-change catch-up would go by pg_snapshot visibility.
-- (d) one node's keyspaces joined: level_mutex_commit_joined (at the end of this file).
-- (e) the sequence last: level_mutex_commit_last and level_mutex_commit_last_released (at the end of this file).
--
-- A pending row names its writer's session (pid and a random token the session holds a session-level advisory lock
-- on, taken once per connection: SELECT pg_advisory_lock(pg_backend_pid(), token)): an applier drops, without
-- applying, the rows of a session that is gone (a node that died while waiting must not have its batch applied
-- later). Checked with one try of a shared advisory lock per pending batch (level_mutex_alive): ~2-30 us, against
-- 15-80 us for a pg_stat_get_activity(pid) lookup (measured in a DO block / a query, shared machine).

CREATE UNLOGGED TABLE IF NOT EXISTS level_mutex_pending (
    keyspace_id integer NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    batch_id uuid NOT NULL,
    node_id uuid NOT NULL,
    pid integer NOT NULL,
    token integer NOT NULL,
    keys bytea[] NOT NULL,
    vals bytea[] NOT NULL,
    PRIMARY KEY (keyspace_id, id)
);
-- Incompressible values: skip pglz's attempt, store out of line as is.
ALTER TABLE level_mutex_pending ALTER COLUMN keys SET STORAGE EXTERNAL;
ALTER TABLE level_mutex_pending ALTER COLUMN vals SET STORAGE EXTERNAL;

-- (c)'s batch log: by xid instead of sequence.
CREATE TABLE IF NOT EXISTS level_mutex_xbatch (
    batch_id uuid PRIMARY KEY,
    keyspace_id integer NOT NULL,
    xid bigint NOT NULL,
    node_id uuid NOT NULL,
    applied_ops integer NOT NULL
);
CREATE INDEX IF NOT EXISTS level_mutex_xbatch_xid ON level_mutex_xbatch (keyspace_id, xid);

-- Whether the session that wrote a pending row is still connected (it holds its token's lock); this session's own
-- rows count as alive (its own session lock does not conflict with itself).
CREATE OR REPLACE FUNCTION level_mutex_alive(p_pid integer, p_token integer)
    RETURNS boolean
    LANGUAGE sql VOLATILE
AS $$
    SELECT p_pid = pg_backend_pid() OR NOT pg_try_advisory_xact_lock_shared(p_pid, p_token);
$$;

-- (a) and (b): applies the keyspace's pending batches (and, for (b), the holder's own batch first, if any) in one
-- transaction: the keyspace row's lock, one sequence per batch in order, one upsert for all of them (the last write
-- of a key wins, with its batch's sequence), one batch-log row each; the rows of dead sessions are deleted without
-- being applied. p_async: record the last sequence in async_seq (committed without its flush). Returns the last
-- sequence (NULL: nothing applied), the own batch's sequence, the number of pending batches applied and, when an own
-- batch argument is given ((b)), the applied pending batches by node: {node id: "pending id:sequence,..."}.
-- The pending table is a queue (every row deleted soon after its insert): its dead rows are found through the
-- primary key by an index scan, which marks the dead index entries it meets (kill_prior_tuple) so that later scans
-- skip them; a bitmap scan (the planner's choice without statistics) visits every dead row's heap page on every
-- call until VACUUM runs (measured: 5.9 ms for one live batch among 900 dead ones).
CREATE OR REPLACE FUNCTION level_mutex_apply_pending(p_keyspace integer, p_async boolean,
        p_batch uuid, p_node uuid, p_keys bytea[], p_values bytea[])
    RETURNS TABLE (last_seq bigint, own_seq bigint, applied integer, outcomes jsonb)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
    SET enable_bitmapscan = off
    SET enable_seqscan = off
AS $$
DECLARE
    v_seq bigint;
    v_max bigint;
    v_own bigint;
    v_n integer;
    v_outcomes jsonb;
BEGIN
    SELECT k.seq INTO v_seq FROM level_mutex_keyspace k WHERE k.id = p_keyspace FOR NO KEY UPDATE;
    WITH d AS MATERIALIZED (
        DELETE FROM level_mutex_pending p WHERE p.keyspace_id = p_keyspace
        RETURNING p.id, p.batch_id, p.node_id, p.pid, p.token, p.keys, p.vals
    ), b0 AS (
        SELECT 0::bigint AS id, p_batch AS batch_id, p_node AS node_id, p_keys AS keys, p_values AS vals
        WHERE p_batch IS NOT NULL AND cardinality(p_keys) > 0
        UNION ALL
        SELECT d.id, d.batch_id, d.node_id, d.keys, d.vals FROM d WHERE level_mutex_alive(d.pid, d.token)
    ), b AS MATERIALIZED (
        SELECT b0.*, v_seq + row_number() OVER (ORDER BY b0.id) AS s FROM b0
    ), w AS (
        SELECT DISTINCT ON (u.key) u.key, u.value, b.s
        FROM b CROSS JOIN LATERAL unnest(b.keys, b.vals) WITH ORDINALITY AS u(key, value, n)
        ORDER BY u.key, b.s DESC, u.n DESC
    ), put AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, w.key, w.value, w.s FROM w WHERE w.value IS NOT NULL
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
    ), log AS (
        INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit)
        SELECT b.batch_id, p_keyspace, b.s, b.node_id, cardinality(b.keys), -1 FROM b
    )
    SELECT (SELECT max(b.s) FROM b), (SELECT b.s FROM b WHERE b.id = 0), (SELECT count(*) FROM b WHERE b.id > 0),
        CASE WHEN p_batch IS NOT NULL THEN
            (SELECT jsonb_object_agg(x.node_id, x.ids) FROM (SELECT b.node_id, string_agg(b.id || ':' || b.s, ',') AS ids
                FROM b WHERE b.id > 0 GROUP BY b.node_id) x) END
        INTO v_max, v_own, v_n, v_outcomes;
    IF v_max IS NOT NULL THEN
        UPDATE level_mutex_keyspace k SET seq = v_max,
            async_seq = CASE WHEN p_async THEN v_max ELSE k.async_seq END
            WHERE k.id = p_keyspace;
    END IF;
    RETURN QUERY SELECT v_max, v_own, v_n, v_outcomes;
END;
$$;

-- (a): one CALL per node batch, in autocommit. First the combining lock is tried without waiting: free, the node
-- applies its own batch (passed as arguments, never written to the pending table) and every pending batch in one
-- transaction. Held: the node appends its batch to the pending table, commits that (no flush: unlogged), and waits.
-- p_shared: it waits for the lock in SHARE mode first (every node waiting so wakes at once when the combiner ends, and
-- finds its batch applied without a hand-off through the lock), and only if its batch is still pending waits for it
-- exclusively; false: every node waits exclusively, in turn (a node whose batch was applied still takes the lock once).
-- p_release: the combiner commits without the flush and flushes in a second transaction (the lock released before the
-- flush); false: it holds the lock through a synchronous commit. A node served by another combiner flushes (released
-- mode) and reads its sequence from the batch log.
-- Returns the node's batch's sequence, the batches this call applied (0: applied by another), whether this call
-- applied them, whether it found the lock free, its wait for the lock and its apply, in microseconds (server clock).
CREATE OR REPLACE PROCEDURE level_mutex_combine(p_keyspace integer, p_batch uuid, p_node uuid, p_token integer,
        p_keys bytea[], p_values bytea[], p_release boolean, p_shared boolean,
        OUT seq bigint, OUT combined integer, OUT self_applied boolean, OUT free boolean, OUT wait_us integer,
        OUT apply_us integer)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
    v_got boolean := false;
    v_t0 timestamptz;
    v_t1 timestamptz;
BEGIN
    wait_us := 0;
    free := pg_try_advisory_xact_lock(1819045229, p_keyspace);
    v_t1 := clock_timestamp();
    IF free THEN
        SELECT a.own_seq, a.applied + 1 INTO seq, combined
            FROM level_mutex_apply_pending(p_keyspace, p_release, p_batch, p_node, p_keys, p_values) a;
        self_applied := true;
    ELSE
        INSERT INTO level_mutex_pending (keyspace_id, batch_id, node_id, pid, token, keys, vals)
            VALUES (p_keyspace, p_batch, p_node, pg_backend_pid(), p_token, p_keys, p_values)
            RETURNING id INTO v_id;
        COMMIT;
        v_t0 := clock_timestamp();
        IF p_shared THEN
            PERFORM pg_advisory_xact_lock_shared(1819045229, p_keyspace);
            PERFORM FROM level_mutex_pending p WHERE p.keyspace_id = p_keyspace AND p.id = v_id;
            IF FOUND THEN
                COMMIT;
                PERFORM pg_advisory_xact_lock(1819045229, p_keyspace);
                v_got := true;
            END IF;
        ELSE
            PERFORM pg_advisory_xact_lock(1819045229, p_keyspace);
            v_got := true;
        END IF;
        v_t1 := clock_timestamp();
        wait_us := (extract(epoch FROM v_t1 - v_t0) * 1000000)::integer;
        IF v_got THEN
            PERFORM FROM level_mutex_pending p WHERE p.keyspace_id = p_keyspace AND p.id = v_id;
            v_got := FOUND;
        END IF;
        IF v_got THEN
            SELECT a.applied INTO combined
                FROM level_mutex_apply_pending(p_keyspace, p_release, NULL, NULL, NULL, NULL) a;
            self_applied := true;
        ELSE
            combined := 0;
            self_applied := false;
        END IF;
    END IF;
    apply_us := CASE WHEN self_applied THEN (extract(epoch FROM clock_timestamp() - v_t1) * 1000000)::integer
        ELSE 0 END;
    IF self_applied AND p_release THEN
        PERFORM set_config('synchronous_commit', 'off', true);
        COMMIT;
        PERFORM set_config('synchronous_commit', 'on', true);
        PERFORM pg_logical_emit_message(true, 'level-mutex', '');
    ELSIF NOT self_applied THEN
        COMMIT;
        IF p_release THEN
            -- applied by an earlier holder, committed before this node got the lock, perhaps not yet flushed
            PERFORM set_config('synchronous_commit', 'on', true);
            PERFORM pg_logical_emit_message(true, 'level-mutex', '');
        END IF;
    END IF;
    IF seq IS NULL THEN
        SELECT b.seq INTO seq FROM level_mutex_batch b WHERE b.batch_id = p_batch;
    END IF;
END;
$$;

-- (b), a node that does not hold the keyspace: one autocommit statement. Its transaction writes no WAL-logged row
-- (unlogged table), so it commits without a flush; NOTIFY serialises committing notifiers cluster-wide (PostgreSQL
-- holds a database-wide lock from PreCommit_Notify to the end of the commit), held here only for a commit without a
-- flush.
CREATE OR REPLACE FUNCTION level_mutex_forward(p_keyspace integer, p_batch uuid, p_node uuid, p_token integer,
        p_keys bytea[], p_values bytea[])
    RETURNS bigint
    LANGUAGE sql VOLATILE
AS $$
    WITH i AS (
        INSERT INTO level_mutex_pending (keyspace_id, batch_id, node_id, pid, token, keys, vals)
        VALUES (p_keyspace, p_batch, p_node, pg_backend_pid(), p_token, p_keys, p_values)
        RETURNING id
    )
    SELECT i.id FROM i, pg_notify('level_mutex_fwd', p_keyspace::text);
$$;

-- (b), the holder: its own batch (may be empty) and every pending batch of the keyspace in one transaction, committed
-- synchronously (nobody else commits to the keyspace: the lock is free, held through the flush); THEN, in a second
-- transaction (no WAL: commits without a flush, so the cluster-wide NOTIFY lock is held briefly), NOTIFY each
-- forwarding node with "pending id:sequence" pairs: delivered after the batch is durable. Returns the own batch's
-- sequence (NULL without one) and how many forwarded batches were applied.
CREATE OR REPLACE PROCEDURE level_mutex_lease_apply(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], OUT seq bigint, OUT forwarded integer)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_outcomes jsonb;
BEGIN
    SELECT a.own_seq, a.applied, a.outcomes INTO seq, forwarded, v_outcomes
        FROM level_mutex_apply_pending(p_keyspace, false, coalesce(p_batch, gen_random_uuid()), p_node, p_keys,
            p_values) a;
    COMMIT;
    IF forwarded > 0 THEN
        PERFORM pg_notify('lmo_' || replace(o.key, '-', ''), o.value) FROM jsonb_each_text(v_outcomes) o;
    END IF;
END;
$$;

-- (c)
CREATE OR REPLACE FUNCTION level_mutex_commit_free(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[])
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_xid bigint;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1819045229, p_keyspace);
    v_xid := pg_current_xact_id()::text::bigint;
    WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(p_keys, p_values) WITH ORDINALITY AS w(key, value, n)
        ORDER BY w.key, w.n DESC
    ), put AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, l.key, l.value, v_xid FROM last l WHERE l.value IS NOT NULL
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
    )
    INSERT INTO level_mutex_xbatch (batch_id, keyspace_id, xid, node_id, applied_ops)
        VALUES (p_batch, p_keyspace, v_xid, p_node, cardinality(p_keys));
    RETURN v_xid;
END;
$$;

-- (d) one node joins its keyspaces' ready batches into ONE transaction and round trip (pgmany's joined commit, here
-- with every node doing it): schema v2's commit function per keyspace, in keyspace-id order (every node takes the
-- keyspaces' locks in that order: no deadlock), each batch its own sequence and batch-log row; in the released mode
-- (the function waits for each lock and commits without the flush, then the procedure flushes in a second
-- transaction, as level_mutex_commit_released). p_first: where each keyspace's writes start in p_keys (1-based).
CREATE OR REPLACE PROCEDURE level_mutex_commit_joined(p_keyspaces integer[], p_batches uuid[], p_node uuid,
        p_first integer[], p_keys bytea[], p_values bytea[], OUT batches integer)
    LANGUAGE plpgsql
AS $$
DECLARE
    i integer;
    v_from integer;
    v_to integer;
    v_seq bigint;
BEGIN
    batches := 0;
    PERFORM set_config('level_mutex.commit_released', 'on', true);
    FOR i IN 1 .. cardinality(p_keyspaces) LOOP
        v_from := p_first[i];
        v_to := coalesce(p_first[i + 1], cardinality(p_keys) + 1) - 1;
        SELECT c.seq INTO v_seq FROM level_mutex_commit(p_keyspaces[i], p_batches[i], p_node, p_keys[v_from:v_to],
            p_values[v_from:v_to], '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[],
            '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]) c;
        batches := batches + 1;
    END LOOP;
    COMMIT;
    PERFORM set_config('synchronous_commit', 'on', true);
    PERFORM pg_logical_emit_message(true, 'level-mutex', '');
END;
$$;

-- (e) the sequence last: a batch writes its rows BEFORE it takes the keyspace's lock, with its transaction's xid in
-- the row instead of the sequence (sorted upsert: blind batches of different nodes lock rows in one order, no
-- deadlock), then takes the keyspace row's lock, the next sequence and writes its batch-log row (sequence AND xid),
-- and commits. The lock is held only for the sequence, the batch log and the COMMIT: what 3 nodes serialise on is
-- no longer the upsert. Conflicting writers still commit in row-lock order (a batch waiting for another's row lock
-- takes the keyspace lock after that one committed), so sequence order = commit order = row version order. Update
-- validation would map a row's xid to its batch's sequence through the batch log (index on keyspace, xid): keys
-- under row locks taken in key order before the upsert, spans under the keyspace lock (see README). Outcome
-- resolution cannot rely on the keyspace lock any more (a batch may be writing rows before it takes it): every
-- batch holds a shared advisory lock on its keyspace from its start, and resolution takes it exclusively, which
-- waits for every batch in flight. Contention-adaptive like schema v2's function: lock free -> held through a
-- synchronous commit; held -> wait, commit without the flush (flushed = false), the caller flushes.
CREATE TABLE IF NOT EXISTS level_mutex_batch_last (
    batch_id uuid PRIMARY KEY,
    keyspace_id integer NOT NULL,
    seq bigint NOT NULL,
    xid bigint NOT NULL,
    node_id uuid NOT NULL,
    applied_ops integer NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS level_mutex_batch_last_seq ON level_mutex_batch_last (keyspace_id, seq);
CREATE INDEX IF NOT EXISTS level_mutex_batch_last_xid ON level_mutex_batch_last (keyspace_id, xid);

CREATE OR REPLACE FUNCTION level_mutex_commit_last(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[])
    RETURNS TABLE (seq bigint, flushed boolean)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    v_xid bigint;
    v_seq bigint;
    v_flushed boolean := true;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);
    PERFORM pg_advisory_xact_lock_shared(1819045230, p_keyspace);
    v_xid := pg_current_xact_id()::text::bigint;
    WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(p_keys, p_values) WITH ORDINALITY AS w(key, value, n)
        ORDER BY w.key, w.n DESC
    )
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, l.key, l.value, v_xid FROM last l WHERE l.value IS NOT NULL
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    IF current_setting('level_mutex.commit_released', true) IS DISTINCT FROM 'on' THEN
        UPDATE level_mutex_keyspace k SET seq = k.seq + 1
            WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = p_keyspace FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING k.seq INTO v_seq;
    END IF;
    IF v_seq IS NULL THEN
        UPDATE level_mutex_keyspace k SET seq = k.seq + 1, async_seq = k.seq + 1 WHERE k.id = p_keyspace
            RETURNING k.seq INTO v_seq;
        v_flushed := false;
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    INSERT INTO level_mutex_batch_last (batch_id, keyspace_id, seq, xid, node_id, applied_ops)
        VALUES (p_batch, p_keyspace, v_seq, v_xid, p_node, cardinality(p_keys));
    RETURN QUERY SELECT v_seq, v_flushed;
END;
$$;

-- (e) released: as level_mutex_commit_released (the lock waited for, released at a COMMIT without the flush, then
-- a flushing transaction), in one CALL.
CREATE OR REPLACE PROCEDURE level_mutex_commit_last_released(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], OUT seq bigint)
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('level_mutex.commit_released', 'on', true);
    SELECT c.seq INTO seq FROM level_mutex_commit_last(p_keyspace, p_batch, p_node, p_keys, p_values) c;
    COMMIT;
    PERFORM set_config('synchronous_commit', 'on', true);
    PERFORM pg_logical_emit_message(true, 'level-mutex', '');
END;
$$;
