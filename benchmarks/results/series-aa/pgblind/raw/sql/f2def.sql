CREATE OR REPLACE FUNCTION probe_commit2(p_keyspace integer, p_batch uuid, p_node uuid, p_keys bytea[], p_values bytea[], p_mode int)
 RETURNS TABLE (seq bigint, applied_ops integer, rejected_unit integer, rejected_reason text, rejected_key bytea, flushed boolean)
 LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE v_seq bigint; v_horizon bigint; v_applied integer := cardinality(p_keys); v_unit integer := -1; v_reason text; v_key bytea;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1
            WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = p_keyspace FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING k.seq, k.horizon INTO v_seq, v_horizon;
    IF p_mode = 0 THEN
      -- lock only
      NULL;
    ELSIF p_mode = 1 THEN
      -- put-only, upsert with DISTINCT ON
      WITH last AS (SELECT DISTINCT ON (w.key) w.key, w.value FROM unnest(p_keys, p_values) WITH ORDINALITY AS w(key, value, n) ORDER BY w.key, w.n DESC)
      INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT p_keyspace, l.key, l.value, v_seq FROM last l
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    ELSIF p_mode = 2 THEN
      -- put-only, update then insert the rest, DISTINCT ON
      WITH last AS (SELECT DISTINCT ON (w.key) w.key, w.value FROM unnest(p_keys, p_values) WITH ORDINALITY AS w(key, value, n) ORDER BY w.key, w.n DESC),
      upd AS (UPDATE level_mutex_entry e SET value = l.value, seq = v_seq FROM last l WHERE e.keyspace_id = p_keyspace AND e.key = l.key RETURNING e.key)
      INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT p_keyspace, l.key, l.value, v_seq FROM last l
        WHERE NOT EXISTS (SELECT FROM upd u WHERE u.key = l.key)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    ELSIF p_mode = 3 THEN
      -- presorted distinct input: update then insert, no DISTINCT ON
      WITH upd AS (UPDATE level_mutex_entry e SET value = l.value, seq = v_seq FROM unnest(p_keys, p_values) AS l(key, value) WHERE e.keyspace_id = p_keyspace AND e.key = l.key RETURNING e.key)
      INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT p_keyspace, l.key, l.value, v_seq FROM unnest(p_keys, p_values) AS l(key, value)
        WHERE NOT EXISTS (SELECT FROM upd u WHERE u.key = l.key)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    END IF;
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key)
    VALUES (p_batch, p_keyspace, v_seq, p_node, v_applied, v_unit, v_reason, v_key);
    RETURN QUERY SELECT v_seq, v_applied, v_unit, v_reason, v_key, true;
END;
$$;
