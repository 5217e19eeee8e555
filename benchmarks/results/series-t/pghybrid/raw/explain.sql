SET plan_cache_mode = force_generic_plan;
PREPARE v_any(int, bytea[], bigint[], int[], boolean[], int) AS
WITH hit AS MATERIALIZED (
    SELECT e.key, e.seq FROM level_mutex_entry e
    WHERE e.keyspace_id = $1 AND e.key = ANY ($2)
        AND e.seq > (SELECT min(u.snap) FROM unnest($3) AS u(snap)))
SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, h.key
    FROM unnest($4, $5, $2) WITH ORDINALITY AS c(unit, is_read, key, n)
    JOIN hit h ON h.key = c.key AND h.seq > $3[c.unit + 1]
    WHERE c.unit < $6 ORDER BY c.n + 0 LIMIT 1;
PREPARE v_lat(int, bytea[], bigint[], int[], boolean[], int) AS
SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, c.key
    FROM unnest($4, $5, $2) WITH ORDINALITY AS c(unit, is_read, key, n)
    CROSS JOIN LATERAL (SELECT FROM level_mutex_entry e WHERE e.keyspace_id = $1
        AND e.key = c.key AND e.seq > $3[c.unit + 1] LIMIT 1) h
    WHERE c.unit < $6 ORDER BY c.n LIMIT 1;
\set u 1
\i explain-one.sql
\set u 8
\i explain-one.sql
\set u 16
\i explain-one.sql
\set u 32
\i explain-one.sql
\set u 128
\i explain-one.sql
