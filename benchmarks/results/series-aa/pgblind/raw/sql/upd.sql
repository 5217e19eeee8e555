\set b random(1, 300)
UPDATE level_mutex_entry e SET value = u.v, seq = 7 FROM unnest((select k from args2 where b = :b), (select v from args2 where b = :b)) AS u(k, v) WHERE e.keyspace_id = 2 AND e.key = u.k;
