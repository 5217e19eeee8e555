-- (c) costs: update validation by transaction visibility, and remote-change catch-up by snapshot, against today's
-- sequence-based forms. Database t (schema v2 + prototypes + rkeys/rvals + cpu_ns from sections.sql).
INSERT INTO level_mutex_keyspace (name) VALUES ('w2-today'), ('w2-free') ON CONFLICT DO NOTHING;
INSERT INTO level_mutex_entry (keyspace_id, key, value, seq)
    SELECT k.id, int8send(i), decode(substr(repeat(md5(i::text), 7), 1, 200), 'hex'), 0
    FROM level_mutex_keyspace k, generate_series(0, 999) i WHERE k.name IN ('w2-today', 'w2-free')
    ON CONFLICT DO NOTHING;
ANALYZE level_mutex_entry;

CREATE OR REPLACE FUNCTION rkeys_distinct(n int, m int) RETURNS bytea[] LANGUAGE sql VOLATILE AS
$$ SELECT array(SELECT int8send(i) FROM generate_series(0, m - 1) i ORDER BY random() LIMIT n) $$;

-- (c) an update batch: every update's footprint keys (read and written) locked in key order, then validated by
-- visibility in the update's snapshot (a row written by a transaction the snapshot does not see, other than this
-- one, rejects it), then applied with this transaction's xid. Keys absent get a tombstone row first, so that there
-- is a row to lock (a concurrent insert of the same key then waits for this transaction). A span (peek/scan) would
-- take the keyspace's advisory lock EXCLUSIVELY instead (blind batches hold it shared) and look for any row in the
-- span not visible in the snapshot. Returns the first rejected update (-1: none).
CREATE OR REPLACE FUNCTION level_mutex_commit_free_update(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], p_update_first integer[], p_update_snapshot pg_snapshot[],
        p_key_update integer[], p_key bytea[])
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_xid bigint;
    v_unit integer := -1;
    v_applied integer;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1819045229, p_keyspace);
    v_xid := pg_current_xact_id()::text::bigint;
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, k.key, NULL, 0 FROM (SELECT DISTINCT key FROM unnest(p_key) AS u(key) ORDER BY key) k
        ON CONFLICT (keyspace_id, key) DO NOTHING;
    PERFORM FROM level_mutex_entry e WHERE e.keyspace_id = p_keyspace AND e.key = ANY (p_key)
        ORDER BY e.key FOR UPDATE;
    SELECT c.unit INTO v_unit
        FROM unnest(p_key_update, p_key) WITH ORDINALITY AS c(unit, key, n)
        JOIN level_mutex_entry e ON e.keyspace_id = p_keyspace AND e.key = c.key
        WHERE e.seq > 2 AND e.seq <> v_xid
            AND NOT pg_visible_in_snapshot(e.seq::text::xid8, p_update_snapshot[c.unit + 1])
        ORDER BY c.n LIMIT 1;
    v_applied := CASE WHEN v_unit >= 0 THEN p_update_first[v_unit + 1] ELSE cardinality(p_keys) END;
    WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(p_keys[1:v_applied], p_values[1:v_applied]) WITH ORDINALITY AS w(key, value, n)
        ORDER BY w.key, w.n DESC
    ), put AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, l.key, l.value, v_xid FROM last l WHERE l.value IS NOT NULL
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
    )
    INSERT INTO level_mutex_xbatch (batch_id, keyspace_id, xid, node_id, applied_ops)
        VALUES (p_batch, p_keyspace, v_xid, p_node, v_applied);
    RETURN coalesce(v_unit, -1);
END;
$$;

DROP TABLE IF EXISTS bench_updates;
CREATE TABLE bench_updates (variant text, updates int, us double precision, cpu_us double precision);
-- 256 read-modify-write updates of distinct keys of 1k (W2's shape), one snapshot for the batch, no conflict:
-- today's function (validation by sequence) against (c)'s (lock the keys, validate by visibility).
CREATE OR REPLACE PROCEDURE bench_updates(p_reps int, p_n int)
LANGUAGE plpgsql AS $$
DECLARE
    r int; t0 timestamptz; c0 bigint; v_keys bytea[]; v_vals bytea[]; v_seq bigint; v_snap pg_snapshot;
    v_first int[]; v_ksnap bigint[]; v_kupd int[]; v_kread boolean[]; v_k bytea[]; v_snaps pg_snapshot[];
    v_kupd2 int[]; v_k2 bytea[];
    v_today int; v_free int;
    node uuid := '00000000-0000-0000-0000-000000000001';
BEGIN
    SELECT id INTO v_today FROM level_mutex_keyspace WHERE name = 'w2-today';
    SELECT id INTO v_free FROM level_mutex_keyspace WHERE name = 'w2-free';
    FOR r IN 1..p_reps LOOP
        v_keys := rkeys_distinct(p_n, 1000); v_vals := rvals(p_n);
        SELECT seq INTO v_seq FROM level_mutex_keyspace WHERE id = v_today;
        v_first := array(SELECT i - 1 FROM generate_series(1, p_n) i);
        v_ksnap := array_fill(v_seq, ARRAY[p_n]);
        v_kupd := array(SELECT (i - 1) / 2 FROM generate_series(1, 2 * p_n) i);
        v_kread := array(SELECT i % 2 = 1 FROM generate_series(1, 2 * p_n) i);
        v_k := array(SELECT v_keys[(i + 1) / 2] FROM generate_series(1, 2 * p_n) i);
        COMMIT;
        PERFORM set_config('synchronous_commit', 'off', true);
        t0 := clock_timestamp(); c0 := cpu_ns();
        PERFORM * FROM level_mutex_commit(v_today, gen_random_uuid(), node, v_keys, v_vals, v_first, v_ksnap,
            v_kupd, v_kread, v_k, '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);
        COMMIT;
        INSERT INTO bench_updates VALUES ('today', p_n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
        COMMIT;
        v_keys := rkeys_distinct(p_n, 1000); v_vals := rvals(p_n);
        v_snap := pg_current_snapshot();
        v_snaps := array_fill(v_snap, ARRAY[p_n]);
        v_kupd2 := array(SELECT i - 1 FROM generate_series(1, p_n) i);
        COMMIT;
        PERFORM set_config('synchronous_commit', 'off', true);
        t0 := clock_timestamp(); c0 := cpu_ns();
        PERFORM level_mutex_commit_free_update(v_free, gen_random_uuid(), node, v_keys, v_vals, v_first, v_snaps,
            v_kupd2, v_keys);
        COMMIT;
        INSERT INTO bench_updates VALUES ('free', p_n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
        COMMIT;
    END LOOP;
END $$;

-- Catch-up: today's listener statement (sequences + this node's batches in the range) against a snapshot-based one
-- over the xid batch log ((c): the batches visible in the new snapshot and not in the previous one), after p_batches
-- batches of other nodes, and with an old snapshot's xmin held back (a long transaction elsewhere).
DROP TABLE IF EXISTS bench_catchup;
CREATE TABLE bench_catchup (variant text, batches int, us double precision, found int);
INSERT INTO level_mutex_keyspace (name) VALUES ('cu-today'), ('cu-free') ON CONFLICT DO NOTHING;
-- p_batches one-write batches of another node on both keyspaces, each its own transaction; then each catch-up form
-- once with the state before them as "seen" (repeated p_reps times, same range).
CREATE OR REPLACE PROCEDURE bench_catchup(p_batches int, p_reps int, p_held_xmin boolean)
LANGUAGE plpgsql AS $$
DECLARE
    i int; r int; t0 timestamptz; v_seen bigint; v_prev pg_snapshot; v_cur pg_snapshot; v_found int;
    v_today int; v_free int; v_ids int[];
    other uuid := '00000000-0000-0000-0000-000000000002';
    me uuid := '00000000-0000-0000-0000-000000000001';
BEGIN
    SELECT id INTO v_today FROM level_mutex_keyspace WHERE name = 'cu-today';
    SELECT id INTO v_free FROM level_mutex_keyspace WHERE name = 'cu-free';
    SELECT seq INTO v_seen FROM level_mutex_keyspace WHERE id = v_today;
    v_prev := pg_current_snapshot();
    IF p_held_xmin THEN
        -- as if a transaction that started long ago (xid 1000) were still running when v_prev was taken
        v_prev := ('1000:' || pg_snapshot_xmax(v_prev)::text || ':1000')::pg_snapshot;
    END IF;
    COMMIT;
    FOR i IN 1..p_batches LOOP
        PERFORM * FROM level_mutex_commit(v_today, gen_random_uuid(), other, ARRAY[int8send(i)], ARRAY['\x00'::bytea],
            '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[], '{}'::int[], '{}'::bytea[],
            '{}'::bytea[], '{}'::boolean[]);
        PERFORM level_mutex_commit_free(v_free, gen_random_uuid(), other, ARRAY[int8send(i)], ARRAY['\x00'::bytea]);
        COMMIT;
    END LOOP;
    v_cur := pg_current_snapshot();
    FOR r IN 1..p_reps LOOP
        t0 := clock_timestamp();
        SELECT cardinality(x.own) INTO v_found FROM (
            SELECT k.id, k.seq, k.async_seq = k.seq, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::int8,
                CASE WHEN current_setting('synchronous_standby_names') = ''
                THEN pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::int8 ELSE -1 END,
                ARRAY(SELECT b.seq FROM level_mutex_batch b WHERE b.keyspace_id = k.id AND b.seq > w.seen
                    AND b.seq <= k.seq AND b.node_id = me ORDER BY b.seq) AS own
            FROM unnest(ARRAY[v_today], ARRAY[v_seen]) AS w(id, seen) JOIN level_mutex_keyspace k ON k.id = w.id) x;
        INSERT INTO bench_catchup VALUES ('today' || CASE WHEN p_held_xmin THEN '-heldxmin' ELSE '' END, p_batches,
            extract(epoch FROM clock_timestamp() - t0) * 1e6, v_found);
        t0 := clock_timestamp();
        SELECT count(*) INTO v_found FROM level_mutex_xbatch b
            WHERE b.keyspace_id = v_free AND b.xid >= pg_snapshot_xmin(v_prev)::text::bigint
                AND NOT pg_visible_in_snapshot(b.xid::text::xid8, v_prev)
                AND pg_visible_in_snapshot(b.xid::text::xid8, v_cur);
        INSERT INTO bench_catchup VALUES ('free' || CASE WHEN p_held_xmin THEN '-heldxmin' ELSE '' END, p_batches,
            extract(epoch FROM clock_timestamp() - t0) * 1e6, v_found);
        COMMIT;
    END LOOP;
END $$;

-- (e) an update batch: footprint and written keys locked in key order (tombstone rows for absent keys first), key
-- validation through the batch log (the batch that wrote each footprint key's row, by xid, has a sequence above
-- the update's snapshot), the upsert, then the keyspace's lock, sequence and batch log.
INSERT INTO level_mutex_keyspace (name) VALUES ('w2-last') ON CONFLICT DO NOTHING;
INSERT INTO level_mutex_entry (keyspace_id, key, value, seq)
    SELECT k.id, int8send(i), decode(substr(repeat(md5(i::text), 7), 1, 200), 'hex'), 0
    FROM level_mutex_keyspace k, generate_series(0, 999) i WHERE k.name = 'w2-last'
    ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION level_mutex_commit_last_update(p_keyspace integer, p_batch uuid, p_node uuid,
        p_keys bytea[], p_values bytea[], p_update_first integer[], p_update_snapshot bigint[],
        p_key_update integer[], p_key bytea[])
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_xid bigint;
    v_unit integer := -1;
    v_applied integer;
    v_seq bigint;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1819045230, p_keyspace);
    v_xid := pg_current_xact_id()::text::bigint;
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, k.key, NULL, 0 FROM (SELECT DISTINCT key FROM unnest(p_key || p_keys) AS u(key) ORDER BY key) k
        ON CONFLICT (keyspace_id, key) DO NOTHING;
    PERFORM FROM level_mutex_entry e WHERE e.keyspace_id = p_keyspace AND e.key = ANY (p_key || p_keys)
        ORDER BY e.key FOR UPDATE;
    SELECT c.unit INTO v_unit
        FROM unnest(p_key_update, p_key) WITH ORDINALITY AS c(unit, key, n)
        JOIN level_mutex_entry e ON e.keyspace_id = p_keyspace AND e.key = c.key
        JOIN level_mutex_batch_last b ON b.keyspace_id = p_keyspace AND b.xid = e.seq
        WHERE b.seq > p_update_snapshot[c.unit + 1]
        ORDER BY c.n LIMIT 1;
    v_applied := CASE WHEN v_unit >= 0 THEN p_update_first[v_unit + 1] ELSE cardinality(p_keys) END;
    WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(p_keys[1:v_applied], p_values[1:v_applied]) WITH ORDINALITY AS w(key, value, n)
        ORDER BY w.key, w.n DESC
    )
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT p_keyspace, l.key, l.value, v_xid FROM last l WHERE l.value IS NOT NULL
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 WHERE k.id = p_keyspace RETURNING k.seq INTO v_seq;
    INSERT INTO level_mutex_batch_last (batch_id, keyspace_id, seq, xid, node_id, applied_ops)
        VALUES (p_batch, p_keyspace, v_seq, v_xid, p_node, v_applied);
    RETURN coalesce(v_unit, -1);
END;
$$;

CREATE OR REPLACE PROCEDURE bench_updates_last(p_reps int, p_n int)
LANGUAGE plpgsql AS $$
DECLARE
    r int; t0 timestamptz; c0 bigint; v_keys bytea[]; v_vals bytea[]; v_seq bigint;
    v_first int[]; v_ksnap bigint[]; v_kupd int[]; v_last int;
    node uuid := '00000000-0000-0000-0000-000000000001';
BEGIN
    SELECT id INTO v_last FROM level_mutex_keyspace WHERE name = 'w2-last';
    FOR r IN 1..p_reps LOOP
        v_keys := rkeys_distinct(p_n, 1000); v_vals := rvals(p_n);
        SELECT seq INTO v_seq FROM level_mutex_keyspace WHERE id = v_last;
        v_first := array(SELECT i - 1 FROM generate_series(1, p_n) i);
        v_ksnap := array_fill(v_seq, ARRAY[p_n]);
        v_kupd := array(SELECT i - 1 FROM generate_series(1, p_n) i);
        COMMIT;
        PERFORM set_config('synchronous_commit', 'off', true);
        t0 := clock_timestamp(); c0 := cpu_ns();
        PERFORM level_mutex_commit_last_update(v_last, gen_random_uuid(), node, v_keys, v_vals, v_first, v_ksnap,
            v_kupd, v_keys);
        COMMIT;
        INSERT INTO bench_updates VALUES ('last', p_n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
        COMMIT;
    END LOOP;
END $$;
