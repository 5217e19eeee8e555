-- Server time of the part of a commit that holds the keyspace's lock, per variant, one session, alternated.
-- today85 / today256: level_mutex_commit (released mode: waits for the lock, commits without the flush) + its COMMIT.
-- combN: N pending batches of 85 rows inserted first (not timed), then the combiner's part: advisory lock,
--        probe, apply_pending (all N), COMMIT without the flush.
-- free85: level_mutex_commit_free + COMMIT (no keyspace lock at all; for reference).
DROP TABLE IF EXISTS bench_times;
CREATE TABLE bench_times (variant text, rows int, us double precision, cpu_us double precision);
CREATE OR REPLACE FUNCTION cpu_ns() RETURNS bigint LANGUAGE sql VOLATILE AS $f$ SELECT split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint $f$;
CREATE OR REPLACE PROCEDURE bench_sections(p_reps int)
LANGUAGE plpgsql AS $$
DECLARE
  r int; n int; t0 timestamptz; c0 bigint; v_keys bytea[]; v_vals bytea[]; i int; v_id bigint; x record; v_load text;
  node uuid := '00000000-0000-0000-0000-000000000001';
BEGIN
  PERFORM pg_advisory_lock(pg_backend_pid(), 7);
  FOR r IN 1..p_reps LOOP
    -- today, 85 and 256
    FOREACH n IN ARRAY ARRAY[85, 256] LOOP
      v_keys := rkeys(n); v_vals := rvals(n);
      COMMIT;
      PERFORM set_config('level_mutex.commit_released', 'on', true);
      t0 := clock_timestamp(); c0 := cpu_ns();
      PERFORM * FROM level_mutex_commit(1, gen_random_uuid(), node, v_keys, v_vals, '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[], '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);
      COMMIT;
      INSERT INTO bench_times VALUES ('today', n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
      COMMIT;
    END LOOP;
    -- combining 1, 2, 3 pending batches of 85
    FOREACH n IN ARRAY ARRAY[1, 2, 3] LOOP
      FOR i IN 1..n LOOP
        INSERT INTO level_mutex_pending (keyspace_id, batch_id, node_id, pid, token, keys, vals)
          VALUES (1, gen_random_uuid(), node, pg_backend_pid(), 7, rkeys(85), rvals(85)) RETURNING id INTO v_id;
      END LOOP;
      COMMIT;
      t0 := clock_timestamp(); c0 := cpu_ns();
      PERFORM pg_advisory_xact_lock(1819045229, 1);
      PERFORM FROM level_mutex_pending p WHERE p.keyspace_id = 1 AND p.id = v_id;
      PERFORM * FROM level_mutex_apply_pending(1, true, NULL, NULL, NULL, NULL);
      PERFORM set_config('synchronous_commit', 'off', true);
      COMMIT;
      INSERT INTO bench_times VALUES ('combine' || n, 85 * n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
      COMMIT;
    END LOOP;
    -- (e): the upsert outside the lock (timed apart), then the lock part: keyspace row, batch log, COMMIT
    FOREACH n IN ARRAY ARRAY[85, 256] LOOP
      v_keys := rkeys(n); v_vals := rvals(n);
      COMMIT;
      t0 := clock_timestamp(); c0 := cpu_ns();
      PERFORM pg_advisory_xact_lock_shared(1819045230, 1);
      WITH last AS (SELECT DISTINCT ON (w.key) w.key, w.value FROM unnest(v_keys, v_vals) WITH ORDINALITY AS w(key, value, k) ORDER BY w.key, w.k DESC)
      INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT 1, l.key, l.value, pg_current_xact_id()::text::bigint FROM last l
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
      INSERT INTO bench_times VALUES ('last-upsert', n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
      t0 := clock_timestamp(); c0 := cpu_ns();
      UPDATE level_mutex_keyspace k SET seq = k.seq + 1, async_seq = k.seq + 1 WHERE k.id = 1 RETURNING k.seq INTO v_id;
      INSERT INTO level_mutex_batch_last (batch_id, keyspace_id, seq, xid, node_id, applied_ops)
        VALUES (gen_random_uuid(), 1, v_id, pg_current_xact_id()::text::bigint, node, n);
      PERFORM set_config('synchronous_commit', 'off', true);
      COMMIT;
      INSERT INTO bench_times VALUES ('last-locked', n, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
      COMMIT;
    END LOOP;
    v_keys := rkeys(85); v_vals := rvals(85);
    COMMIT;
    PERFORM set_config('synchronous_commit', 'off', true);
    t0 := clock_timestamp(); c0 := cpu_ns();
    PERFORM level_mutex_commit_free(1, gen_random_uuid(), node, v_keys, v_vals);
    COMMIT;
    INSERT INTO bench_times VALUES ('free', 85, extract(epoch FROM clock_timestamp() - t0) * 1e6, (cpu_ns() - c0) / 1e3);
    COMMIT;
  END LOOP;
END $$;
