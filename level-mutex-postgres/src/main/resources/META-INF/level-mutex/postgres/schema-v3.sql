-- level-mutex PostgreSQL schema, version 3: the complete schema, for a new database.
--
-- A database at version 2 (schema-v2.sql) is upgraded by upgrade-v2-to-v3.sql; one at version 1 (schema-v1.sql)
-- by upgrade-v1-to-v2.sql, then upgrade-v2-to-v3.sql (running this file on either does the same: every statement
-- is idempotent). drop.sql removes everything. Runs as is (psql, Flyway; Liquibase
-- "sql" changesets with splitStatements:false, or endDelimiter set, because the function bodies hold semicolons)
-- with the default table-name prefix "level_mutex_"; the library replaces that prefix (and nothing else: it
-- appears only at the start of identifiers) with a configured one. Byte order of keys: bytea compares as
-- unsigned bytes (memcmp), the order of RocksDB's bytewise comparator.
--
-- Version 3 adds the procedure level_mutex_commit_joined (a node's ready batches of several keyspaces in one
-- transaction, a subtransaction per keyspace) and the function level_mutex_commit_put (a blind put of one key),
-- and makes (keyspace_id, seq) the batch log's primary key, its only index (version 2 also indexed batch_id);
-- version 2's other tables, its function and procedure are unchanged.
--
-- Version 2 added the function level_mutex_commit: a batch commits in one statement, one round trip. It dropped
-- the entry table's foreign key (see the table) and its second index (keyspace_id, seq) of version 1: "seq"
-- changes with every write, so while it was indexed no update of an entry could be HOT and every write inserted
-- into both indexes (about half of a 256-write commit's server time, measured). Old tombstones are found through
-- the table level_mutex_tombstone instead (written only by deletes), and span validation scans a span through
-- the primary key (the span the update's read already scanned). Upgrading (the block after the tables) records
-- version 1's tombstones there and drops the index and the foreign key.

CREATE TABLE IF NOT EXISTS level_mutex_schema_version (
    version integer PRIMARY KEY
);

-- One row per keyspace. "seq" is the sequence of the last batch committed to the keyspace: every commit takes
-- this row's lock (UPDATE ... RETURNING), so commits of one keyspace serialise here and the sequence is
-- gapless and in commit order across every node. "horizon": tombstones with seq <= horizon may have been
-- cleaned up, so a unit whose snapshot sequence is below it cannot be validated and is rejected.
-- "async_seq": the sequence of the last batch committed without waiting for its WAL flush (a commit that found
-- the row locked, see level_mutex_commit); while async_seq = seq a reader must not hand out what it read before
-- a flush of its own (a later synchronous commit made everything before it durable: async_seq < seq).
CREATE TABLE IF NOT EXISTS level_mutex_keyspace (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    seq bigint NOT NULL DEFAULT 0,
    horizon bigint NOT NULL DEFAULT 0,
    async_seq bigint NOT NULL DEFAULT 0
);

-- From an earlier build of version 2: the column async_seq.
ALTER TABLE level_mutex_keyspace ADD COLUMN IF NOT EXISTS async_seq bigint NOT NULL DEFAULT 0;

-- Entries. value NULL is a tombstone: the key was deleted by the batch with sequence "seq" (kept so that
-- validation of a span sees deletes, until the clean-up removes it). "seq" is the keyspace sequence of the
-- batch that last wrote the row. No foreign key to the keyspace table (version 1 had one): only
-- level_mutex_commit writes entries, after it locked the keyspace's row, and keyspace rows are never deleted;
-- the check per new key doubled the server's work for a batch of new keys (measured).
CREATE TABLE IF NOT EXISTS level_mutex_entry (
    keyspace_id integer NOT NULL,
    key bytea NOT NULL,
    value bytea,
    seq bigint NOT NULL,
    PRIMARY KEY (keyspace_id, key)
);

-- Tombstones by sequence, for the clean-up: one row per tombstone a batch wrote (the key deleted by the batch
-- with sequence "seq"). A row outlives its tombstone when the key is written again; the clean-up deletes an
-- entry only when it is still that tombstone (value NULL, same "seq"). Only deletes write here, so puts keep
-- the entry table at one index.
CREATE TABLE IF NOT EXISTS level_mutex_tombstone (
    keyspace_id integer NOT NULL,
    seq bigint NOT NULL,
    key bytea NOT NULL,
    PRIMARY KEY (keyspace_id, seq, key)
);

-- From version 1 (or an earlier build of version 2): record the existing tombstones, drop the sequence index
-- and the foreign keys of the entry table and of the batch log (found by the catalog: their generated names depend
-- on the prefix's length). Does nothing once they are gone.
DO $$
DECLARE
    v_constraint name;
BEGIN
    IF to_regclass('level_mutex_entry_seq') IS NOT NULL THEN
        INSERT INTO level_mutex_tombstone (keyspace_id, seq, key)
            SELECT keyspace_id, seq, key FROM level_mutex_entry WHERE value IS NULL
            ON CONFLICT DO NOTHING;
        DROP INDEX level_mutex_entry_seq;
    END IF;
    FOR v_constraint IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'level_mutex_entry'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE level_mutex_entry DROP CONSTRAINT %I', v_constraint);
    END LOOP;
    IF to_regclass('level_mutex_batch') IS NOT NULL THEN
        FOR v_constraint IN SELECT conname FROM pg_constraint
                WHERE conrelid = 'level_mutex_batch'::regclass AND contype = 'f' LOOP
            EXECUTE format('ALTER TABLE level_mutex_batch DROP CONSTRAINT %I', v_constraint);
        END LOOP;
    END IF;
END
$$;

-- Committed batches, written in the batch's own transaction: after a connection is lost during COMMIT the
-- committing node looks its batch id up here to learn whether the batch committed ("outcome unknown"
-- resolution), how many of its writes were applied and which update (if any) was rejected and truncated it.
-- node_id tells the remote-change listener which sequences a node committed itself.
-- No foreign key to the keyspace table (version 1 had one): its check ran through SPI and took a key-share lock on
-- the keyspace row in every commit (about 15% of a one-write commit's server time); rows are written only under
-- that row's lock, and keyspace rows are never deleted.
CREATE TABLE IF NOT EXISTS level_mutex_batch (
    batch_id uuid PRIMARY KEY,
    keyspace_id integer NOT NULL,
    seq bigint NOT NULL,
    node_id uuid NOT NULL,
    applied_ops integer NOT NULL,
    rejected_unit integer NOT NULL,
    rejected_reason text,
    rejected_key bytea
);

CREATE UNIQUE INDEX IF NOT EXISTS level_mutex_batch_seq ON level_mutex_batch (keyspace_id, seq);


-- From an earlier build of version 2: its commit function returned no "flushed" column (a function's result
-- type cannot be replaced in place).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_proc WHERE oid = to_regprocedure('level_mutex_commit(integer, uuid, uuid, bytea[],
            bytea[], integer[], bigint[], integer[], boolean[], bytea[], integer[], bytea[], bytea[], boolean[])')
            AND NOT 'flushed' = ANY (proargnames)) THEN
        DROP FUNCTION level_mutex_commit(integer, uuid, uuid, bytea[], bytea[], integer[], bigint[], integer[],
            boolean[], bytea[], integer[], bytea[], bytea[], boolean[]);
    END IF;
END
$$;

-- Commits one batch in ONE statement (schema version 2): called as
-- SELECT * FROM level_mutex_commit(...) on a connection in autocommit, so the call is its own transaction and
-- its reply arrives after the COMMIT. In order: take the keyspace row's lock and the next sequence (commits of
-- one keyspace serialise here only for this call and its commit, so the sequence is gapless and in commit order
-- across every node; other keyspaces are not touched); refuse snapshot sequences at or above the new sequence;
-- find the first rejected update (its snapshot below the tombstone horizon, a key it read or writes written
-- after its snapshot, or a key in one of its spans inserted, changed or deleted after its snapshot); apply the
-- writes before that update's first write (all when none is rejected), the last write of a key winning, a
-- delete leaving a tombstone only where a value was (and recording it in level_mutex_tombstone); record the
-- batch in the batch log. A batch without updates skips the validation statements. When nothing is applied
-- the call fails with SQLSTATE LM001 instead, so that its transaction rolls back (no sequence taken, no commit
-- record to flush while the lock is held): DETAIL carries the outcome. Runs in the caller's isolation level:
-- under READ COMMITTED (PostgreSQL's default) each statement below sees every batch committed before the lock
-- was granted. The lock is the first statement on purpose: validation must see every earlier batch, and every
-- write carries the sequence; applying writes before it would leave rows of a batch that validation may still
-- truncate (a subtransaction to undo them costs more than it saves). What the lock holds up is the apply
-- statement and, uncontended, the COMMIT's flush: the apply is kept to one heap update per written key (HOT: the entry table
-- has only its primary key) plus one primary-key probe. Its statements run generic plans (plan_cache_mode, set
-- for the call only): PostgreSQL's default re-planned the key validation on every call of a small batch (a
-- custom plan looks cheaper than the generic one, which assumes ten keys), 70-150 us of planning per call for a
-- 20-40 us execution; the generic plans (with the tables' statistics, one primary-key probe per key) are as good
-- at one key and at 256. The key validation has a second form for small batches, whose generic plan probes the
-- primary key even in a table never analysed (see there).
--
-- Contention-adaptive commit: the lock is first tried without waiting (SKIP LOCKED). Free: the call commits with
-- synchronous_commit on, so the lock is held through the COMMIT's WAL flush and the reply says flushed (true).
-- Held by another transaction (another node's commit, a clean-up): the call waits for it, then commits with
-- synchronous_commit off for its own transaction only (a SET clause of a function restores only the variables
-- it names; a local set_config of another variable lasts to the end of the transaction), records its sequence
-- in the keyspace's async_seq and replies flushed = false: the lock is released at the COMMIT, before the flush,
-- so the next commit proceeds and the flushes of several nodes group. The caller then makes the batch durable
-- before it acknowledges anything (a second transaction that writes WAL and commits synchronously flushes the WAL
-- up to its own commit record, past this one's), and readers that see async_seq = seq flush before they hand out
-- what they read. The sequence stays gapless and in commit order (the lock is held until the COMMIT; a crash loses
-- a tail of the WAL, never a middle, so never a batch before a durable one).
--
-- Arguments: the keyspace id, batch id and node id; the batch's keys and values in issue order (a NULL value
-- deletes); per update its first write and snapshot sequence; the keys of all updates (update index from 0,
-- true for a read key, false for a written key), in update order; the non-empty spans of all updates (update
-- index, low, high, bounded: false for no upper bound), in update order.
-- Returns one row: the batch's sequence, the number of writes applied from the first, the rejected update's
-- index or -1, the reason (KEY_READ, KEY_WRITTEN, SPAN or SNAPSHOT_TOO_OLD), the conflicting key, whether the
-- COMMIT flushed the WAL (false: committed without waiting for the flush, see above); no row when
-- the keyspace does not exist. Nothing applied: SQLSTATE LM001 with DETAIL "<current sequence> <update index>
-- <reason> <conflicting key in hex>", the reason FUTURE_SNAPSHOT when an update claims a snapshot the keyspace
-- has not reached.
CREATE OR REPLACE FUNCTION level_mutex_commit(p_keyspace integer, p_batch uuid, p_node uuid,
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
    ), put AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, l.key, l.value, v_seq FROM last l WHERE l.value IS NOT NULL
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
    RETURN QUERY SELECT v_seq, v_applied, v_unit, v_reason, v_key, v_flushed;
END;
$$;

-- Commits one batch as level_mutex_commit does, with the keyspace's lock released BEFORE the WAL flush, still in
-- ONE round trip (schema version 2): called as CALL level_mutex_commit_released(..., NULL, NULL, NULL, NULL,
-- NULL, NULL) on a connection in autocommit (a procedure may COMMIT only there). It calls level_mutex_commit,
-- which then takes the lock waiting for it (no SKIP LOCKED try), records the batch's sequence in async_seq and
-- commits without waiting for the flush; the procedure COMMITs that (the lock is released), then makes it durable
-- in a second transaction that writes WAL under an xid and commits with synchronous_commit on (its flush covers
-- the batch's commit record) before it replies. Many nodes' commits of one keyspace thus hold its lock only for
-- their apply, and their flushes group. The engine calls it while its keyspace's commits meet the lock held (the
-- function then replied flushed = false); an uncontended commit costs less through the function (one
-- transaction). Arguments and reply: as level_mutex_commit's (the reply's columns are all NULL when the keyspace
-- does not exist; flushed is true). Nothing applied: SQLSTATE LM001 as there (before the COMMIT: nothing
-- committed). A failure after the COMMIT leaves the batch committed but perhaps not durable: the engine resolves
-- it through the batch log, as a lost COMMIT.
CREATE OR REPLACE PROCEDURE level_mutex_commit_released(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], p_update_first integer[], p_update_snapshot bigint[],
        p_key_update integer[], p_key_read boolean[], p_key bytea[],
        p_span_update integer[], p_span_low bytea[], p_span_high bytea[], p_span_bounded boolean[],
        OUT seq bigint, OUT applied_ops integer, OUT rejected_unit integer, OUT rejected_reason text,
        OUT rejected_key bytea, OUT flushed boolean)
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('level_mutex.commit_released', 'on', true);
    SELECT c.seq, c.applied_ops, c.rejected_unit, c.rejected_reason, c.rejected_key
        INTO seq, applied_ops, rejected_unit, rejected_reason, rejected_key
        FROM level_mutex_commit(p_keyspace, p_batch, p_node, p_keys, p_values, p_update_first, p_update_snapshot,
            p_key_update, p_key_read, p_key, p_span_update, p_span_low, p_span_high, p_span_bounded) c;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    COMMIT;
    PERFORM set_config('synchronous_commit', 'on', true);
    PERFORM pg_logical_emit_message(true, 'level-mutex', '');
    flushed := true;
END;
$$;

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

INSERT INTO level_mutex_schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;

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
