\set k random(0, 999)
SELECT 1 FROM kv WHERE k = int4send(:k);
