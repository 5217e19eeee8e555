CREATE OR REPLACE PROCEDURE steps(p_reps int) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; t1 timestamptz; t2 timestamptz; t3 timestamptz; t4 timestamptz; a float8 := 0; b float8 := 0; c float8 := 0; d float8 := 0; v_seq bigint; v_h bigint;
BEGIN
  FOR i IN 1 .. p_reps LOOP
    t0 := clock_timestamp();
    PERFORM set_config('synchronous_commit', 'on', true);
    t1 := clock_timestamp();
    IF current_setting('level_mutex.commit_released', true) IS DISTINCT FROM 'on' THEN
      t2 := clock_timestamp();
      UPDATE level_mutex_keyspace k SET seq = k.seq + 1
            WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = 1 FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING k.seq, k.horizon INTO v_seq, v_h;
    END IF;
    t3 := clock_timestamp();
    COMMIT;
    t4 := clock_timestamp();
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 WHERE k.id = 1 RETURNING k.seq, k.horizon INTO v_seq, v_h;
    a := a + extract(epoch FROM t1 - t0); b := b + extract(epoch FROM t2 - t1); c := c + extract(epoch FROM t3 - t2); d := d + extract(epoch FROM clock_timestamp() - t4);
    COMMIT;
  END LOOP;
  RAISE NOTICE 'us per call: set_config %, current_setting %, skip-locked update %, plain update %', round((a/p_reps*1e6)::numeric,1), round((b/p_reps*1e6)::numeric,1), round((c/p_reps*1e6)::numeric,1), round((d/p_reps*1e6)::numeric,1);
END $$;
