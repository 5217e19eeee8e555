\set b random(1, 300)
WITH last AS (SELECT DISTINCT ON (w.key) w.key, w.value FROM unnest((SELECT k FROM args WHERE n = 256 AND b = :b), (SELECT v FROM args WHERE n = 256 AND b = :b)) WITH ORDINALITY AS w(key, value, n) ORDER BY w.key, w.n DESC)
SELECT count(*) FROM last l CROSS JOIN LATERAL (SELECT e.ctid AS tid FROM level_mutex_entry e WHERE e.keyspace_id = 1 AND e.key = l.key LIMIT 1) r;
