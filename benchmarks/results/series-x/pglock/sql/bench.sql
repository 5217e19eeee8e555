INSERT INTO level_mutex_keyspace (name) VALUES ('k');
INSERT INTO level_mutex_entry SELECT 1, int8send(i), int8send(i), 0 FROM generate_series(1, 100000) i;
VACUUM ANALYZE level_mutex_entry;
CREATE UNLOGGED TABLE res (variant text, n int, us float8, wal bigint);
CREATE OR REPLACE PROCEDURE bench(p_n int, p_reps int) LANGUAGE plpgsql AS $$
DECLARE
  k bytea[]; v bytea[]; r0 bigint; t0 timestamptz; l0 pg_lsn; s bigint := 1000; i int; variant text;
BEGIN
  FOR i IN 1 .. p_reps * 3 LOOP
    r0 := (random() * 99999)::bigint;
    SELECT array_agg(int8send(((r0 + g * 389) % 100000) + 1)), array_agg(int8send(i::bigint)) INTO k, v FROM generate_series(1, p_n) g;
    s := s + 1;
    variant := (ARRAY['A', 'B', 'C'])[i % 3 + 1];
    l0 := pg_current_wal_insert_lsn();
    t0 := clock_timestamp();
    IF variant = 'A' THEN
      -- today's statement (blind batch, no deletes)
      WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(k, v) WITH ORDINALITY AS w(key, value, n) ORDER BY w.key, w.n DESC
      ), put AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT 1, l.key, l.value, s FROM last l WHERE l.value IS NOT NULL
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
      ) SELECT 1 INTO i;
    ELSIF variant = 'B' THEN
      -- UPDATE the keys that exist, INSERT .. ON CONFLICT only the others
      WITH last AS (
        SELECT DISTINCT ON (w.key) w.key, w.value
        FROM unnest(k, v) WITH ORDINALITY AS w(key, value, n) ORDER BY w.key, w.n DESC
      ), upd AS (
        UPDATE level_mutex_entry e SET value = l.value, seq = s FROM last l
        WHERE l.value IS NOT NULL AND e.keyspace_id = 1 AND e.key = l.key RETURNING e.key
      ), put AS (
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT 1, l.key, l.value, s FROM last l WHERE l.value IS NOT NULL AND l.key NOT IN (SELECT u.key FROM upd u)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
      ) SELECT 1 INTO i;
    ELSE
      -- L1-like: plain upsert without the DISTINCT ON
      INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
        SELECT 1, w.key, w.value, s FROM unnest(k, v) AS w(key, value)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    END IF;
    INSERT INTO res VALUES (variant, p_n, extract(epoch FROM clock_timestamp() - t0) * 1e6, pg_current_wal_insert_lsn() - l0);
    COMMIT;
  END LOOP;
END $$;
