\set i random(0, 999)
SELECT v FROM kv WHERE k = int4send(:i::int);
