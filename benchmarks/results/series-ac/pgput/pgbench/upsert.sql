\set i random(0, 999)
\set r random(1, 1000000000)
INSERT INTO kv (k, v) VALUES (int4send(:i::int), decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex')) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
