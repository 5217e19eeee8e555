-- the validation statement of level_mutex_commit as a prepared statement ($1 keyspace, $2 p_key,
-- $3 p_update_snapshot, $4 p_key_update, $5 p_key_read, $6 v_limit); variant "orig" and "initplan"
PREPARE orig(int, bytea[], bigint[], int[], boolean[], int) AS
WITH hit AS MATERIALIZED (
    SELECT e.key, e.seq FROM level_mutex_entry e
    WHERE e.keyspace_id = $1 AND e.key = ANY ($2)
        AND e.seq > (SELECT min(u.snap) FROM unnest($3) AS u(snap)))
SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, h.key
    FROM unnest($4, $5, $2) WITH ORDINALITY AS c(unit, is_read, key, n)
    JOIN hit h ON h.key = c.key AND h.seq > $3[c.unit + 1]
    WHERE c.unit < $6 ORDER BY c.n + 0 LIMIT 1;
PREPARE initplan(int, bytea[], bigint[], int[], boolean[], int) AS
WITH hit AS MATERIALIZED (
    SELECT e.key, e.seq FROM level_mutex_entry e
    WHERE e.keyspace_id = $1 AND e.key = ANY ((SELECT $2)::bytea[])
        AND e.seq > (SELECT min(u.snap) FROM unnest($3) AS u(snap)))
SELECT c.unit, CASE WHEN c.is_read THEN 'KEY_READ' ELSE 'KEY_WRITTEN' END, h.key
    FROM unnest($4, $5, $2) WITH ORDINALITY AS c(unit, is_read, key, n)
    JOIN hit h ON h.key = c.key AND h.seq > $3[c.unit + 1]
    WHERE c.unit < $6 ORDER BY c.n + 0 LIMIT 1;
