\set k random(0, 999)
INSERT INTO kv (k, v) VALUES (int4send(:k), '\xabababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
