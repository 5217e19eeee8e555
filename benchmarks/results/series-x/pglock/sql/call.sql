CREATE OR REPLACE PROCEDURE calls(p_n int, p_reps int) LANGUAGE plpgsql AS $$
DECLARE k bytea[]; v bytea[]; r0 bigint; i int; x record;
BEGIN
  FOR i IN 1 .. p_reps LOOP
    r0 := (random() * 99999)::bigint;
    SELECT array_agg(int8send(((r0 + g * 389) % 100000) + 1)), array_agg(int8send(i::bigint)) INTO k, v FROM generate_series(1, p_n) g;
    SELECT * INTO x FROM level_mutex_commit(1, gen_random_uuid(), gen_random_uuid(), k, v, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}');
    COMMIT;
  END LOOP;
END $$;
