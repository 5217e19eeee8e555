\set i random(0, 999)
\set r random(1, 1000000000)
WITH u AS (UPDATE level_mutex_entry e SET value = decode(lpad(to_hex(:r::bigint), 200, '0'), 'hex'), seq = :r WHERE e.keyspace_id = 1 AND e.key = int4send(:i::int) RETURNING e.seq) SELECT (SELECT seq FROM u);
