\set k random(0, 999)
/* U-PUT */ INSERT INTO kv (k, v) VALUES (int4send(:k), decode(repeat('01',100),'hex')) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
BEGIN;
/* JPA-SELECT */ SELECT v, version FROM jpa WHERE id = :k \gset
/* JPA-UPDATE */ UPDATE jpa SET v = decode(repeat('01',100),'hex'), version = version + 1 WHERE id = :k AND version = :version;
COMMIT;
