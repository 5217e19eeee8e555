INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT 1, k, v, 7 FROM unnest(bk(:n, :range), bv(:n)) AS t(k, v)
ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
