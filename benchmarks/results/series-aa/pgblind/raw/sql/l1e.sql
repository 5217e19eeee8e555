\set b random(1, 300)
INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT 2, k, v, 7 FROM unnest((select k from args2 where b = :b), (select v from args2 where b = :b)) AS u(k, v) ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
