-- readPlan's gets part (PostgresSql.readPlan(true,false,false)) vs a "key = ANY" form; generic plans at 1/16/256 keys
PREPARE unnest_form(int, bytea[], int) AS
SELECT 0 AS part, 0 AS n, NULL::bytea AS key, NULL::bytea AS value, seq FROM level_mutex_keyspace WHERE id = $1
UNION ALL
SELECT 1, k.n::int, NULL::bytea, e.value, NULL::bigint
FROM unnest($2::bytea[]) WITH ORDINALITY AS k(key, n)
JOIN level_mutex_entry e ON e.keyspace_id = $3 AND e.key = k.key AND e.value IS NOT NULL;
PREPARE any_form(int, bytea[], int) AS
SELECT 0 AS part, 0 AS n, NULL::bytea AS key, NULL::bytea AS value, seq FROM level_mutex_keyspace WHERE id = $1
UNION ALL
SELECT 1, 0, e.key, e.value, NULL::bigint
FROM level_mutex_entry e WHERE e.keyspace_id = $3 AND e.key = ANY ($2::bytea[]) AND e.value IS NOT NULL;
SET plan_cache_mode = force_generic_plan;
