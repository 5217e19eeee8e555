-- candidate: one primary-key probe per listed key (LATERAL ... LIMIT 1 is never flattened into a join)
PREPARE probe(int, bytea[], bigint[], int[], boolean[], int) AS
SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, c.key
    FROM unnest($4, $5, $2) WITH ORDINALITY AS c(unit, is_read, key, n)
    CROSS JOIN LATERAL (SELECT FROM level_mutex_entry e WHERE e.keyspace_id = $1 AND e.key = c.key
        AND e.seq > $3[c.unit + 1] LIMIT 1) h
    WHERE c.unit < $6 ORDER BY c.n LIMIT 1;
