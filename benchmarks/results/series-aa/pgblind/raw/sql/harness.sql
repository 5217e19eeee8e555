CREATE OR REPLACE FUNCTION probe_l1e(p_keys bytea[], p_values bytea[]) RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT 2, k, v, 7 FROM unnest(p_keys, p_values) AS u(k, v) ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
END $$;
DROP TABLE IF EXISTS probe_times; CREATE TABLE probe_times (variant text, t double precision, walb numeric, cpu double precision);
CREATE OR REPLACE PROCEDURE probe_ab(p_rounds int, p_variants text[]) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; c0 bigint; w0 pg_lsn; r record; v text; v_b int;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', false);
  FOR i IN 1..p_rounds LOOP
    v_b := 1 + (i % 300);
    FOREACH v IN ARRAY p_variants LOOP
      IF v LIKE '%2' THEN SELECT * INTO r FROM args2 WHERE args2.b = v_b; ELSE SELECT * INTO r FROM args WHERE args.b = v_b; END IF;
      COMMIT;
      w0 := pg_current_wal_insert_lsn();
      t0 := clock_timestamp(); c0 := split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint;
      CASE split_part(v, ':', 1)
        WHEN 'cur' THEN PERFORM * FROM level_mutex_commit(2, gen_random_uuid(), gen_random_uuid(), r.k, r.v, '{}','{}','{}','{}','{}','{}','{}','{}','{}');
        WHEN 'old' THEN PERFORM * FROM probe_commit_old(2, gen_random_uuid(), gen_random_uuid(), r.k, r.v, '{}','{}','{}','{}','{}','{}','{}','{}','{}');
        WHEN 'new' THEN PERFORM * FROM probe_commit_new(2, gen_random_uuid(), gen_random_uuid(), r.k, r.v, '{}','{}','{}','{}','{}','{}','{}','{}','{}');
        WHEN 'l1e' THEN PERFORM probe_l1e(r.k, r.v);
        ELSE PERFORM * FROM probe_commit2(2, gen_random_uuid(), gen_random_uuid(), r.k, r.v, split_part(v, ':', 1)::int);
      END CASE;
      INSERT INTO probe_times VALUES (v, extract(epoch from clock_timestamp() - t0) * 1e6, pg_current_wal_insert_lsn() - w0, (split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint - c0) / 1000.0);
      COMMIT;
    END LOOP;
  END LOOP;
END $$;
