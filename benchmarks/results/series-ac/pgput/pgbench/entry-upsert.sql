\set i random(0, 999)
\set r random(1, 1000000000)
INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) VALUES (1, int4send(:i::int), decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex'), :r) ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq;
