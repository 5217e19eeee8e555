-- variant (a): the put as a PL/pgSQL function (its statements' plans cached per session)
CREATE OR REPLACE FUNCTION level_mutex_commit_put(p_ks int, p_batch uuid, p_node uuid, p_key bytea, p_value bytea)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
BEGIN
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1
    WHERE k.id = (SELECT f.id FROM level_mutex_keyspace f WHERE f.id = p_ks FOR UPDATE SKIP LOCKED)
    RETURNING k.seq INTO s;
    IF s IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('synchronous_commit', 'on', true);
    UPDATE level_mutex_entry e SET value = p_value, seq = s WHERE e.keyspace_id = p_ks AND e.key = p_key;
    IF NOT FOUND THEN
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES (p_ks, p_key, p_value, s)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    END IF;
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason,
        rejected_key) VALUES (p_batch, p_ks, s, p_node, 1, -1, NULL, NULL);
    RETURN s;
END
$$;
