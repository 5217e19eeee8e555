\set i random(0, 999)
\set r random(1, 1000000000)
BEGIN;
SELECT v, version FROM kv WHERE k = int4send(:i::int) \gset
UPDATE kv SET v = decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex'), version = :version + 1 WHERE k = int4send(:i::int) AND version = :version;
COMMIT;
