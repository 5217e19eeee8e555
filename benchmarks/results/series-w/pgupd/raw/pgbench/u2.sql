\set k random(0, 999)
\set ks 1
SELECT k.seq, (k.async_seq = k.seq)::int AS n, e.value FROM level_mutex_keyspace k LEFT JOIN level_mutex_entry e ON e.keyspace_id = :ks AND e.key = int4send(:k) AND e.value IS NOT NULL WHERE k.id = :ks;
UPDATE level_mutex_keyspace SET seq = seq + 1 WHERE id = 1;
