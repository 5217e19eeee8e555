CREATE OR REPLACE FUNCTION public.put_ioc(p_keyspace integer, p_batch uuid, p_node uuid, p_key bytea, p_value bytea)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE v_seq bigint;
BEGIN
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1
        WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = p_keyspace FOR UPDATE SKIP LOCKED)
        RETURNING k.seq INTO v_seq;
    IF v_seq IS NULL THEN RETURN NULL; END IF;
    PERFORM set_config('synchronous_commit', 'on', true);
    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES (p_keyspace, p_key, p_value, v_seq)
        ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key)
        VALUES (p_batch, p_keyspace, v_seq, p_node, 1, -1, NULL, NULL);
    RETURN v_seq;
END; $function$

CREATE OR REPLACE FUNCTION public.put_nolock(p_keyspace integer, p_batch uuid, p_node uuid, p_key bytea, p_value bytea)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE v_seq bigint;
BEGIN
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 WHERE k.id = p_keyspace RETURNING k.seq INTO v_seq;
    IF v_seq IS NULL THEN RETURN NULL; END IF;
    PERFORM set_config('synchronous_commit', 'on', true);
    UPDATE level_mutex_entry e SET value = p_value, seq = v_seq WHERE e.keyspace_id = p_keyspace AND e.key = p_key;
    IF NOT FOUND THEN
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES (p_keyspace, p_key, p_value, v_seq)
            ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    END IF;
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key)
        VALUES (p_batch, p_keyspace, v_seq, p_node, 1, -1, NULL, NULL);
    RETURN v_seq;
END; $function$

CREATE OR REPLACE FUNCTION public.put_nokey(p_keyspace integer, p_batch uuid, p_node uuid, p_key bytea, p_value bytea)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE v_seq bigint;
BEGIN
    UPDATE level_mutex_keyspace k SET seq = k.seq + 1
        WHERE k.id = (SELECT l.id FROM level_mutex_keyspace l WHERE l.id = p_keyspace FOR NO KEY UPDATE SKIP LOCKED)
        RETURNING k.seq INTO v_seq;
    IF v_seq IS NULL THEN RETURN NULL; END IF;
    PERFORM set_config('synchronous_commit', 'on', true);
    UPDATE level_mutex_entry e SET value = p_value, seq = v_seq WHERE e.keyspace_id = p_keyspace AND e.key = p_key;
    IF NOT FOUND THEN
        INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES (p_keyspace, p_key, p_value, v_seq)
            ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
    END IF;
    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key)
        VALUES (p_batch, p_keyspace, v_seq, p_node, 1, -1, NULL, NULL);
    RETURN v_seq;
END; $function$

