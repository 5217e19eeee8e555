\echo == :u updates (keys listed:) 
SELECT ARRAY(SELECT int4send(100+i) FROM generate_series(0,:u-1) i, (VALUES (true), (false)) t(r) ORDER BY i, NOT r) AS keys,
 ARRAY(SELECT k.seq FROM level_mutex_keyspace k, generate_series(0,:u-1) i WHERE k.id = 1) AS snaps,
 ARRAY(SELECT i FROM generate_series(0,:u-1) i, (VALUES (true), (false)) t(r) ORDER BY i, NOT r) AS units,
 ARRAY(SELECT r FROM generate_series(0,:u-1) i, (VALUES (true), (false)) t(r) ORDER BY i, NOT r) AS reads \gset
\echo -- v_any
EXPLAIN (ANALYZE, COSTS off, TIMING on, SUMMARY on) EXECUTE v_any(1, :'keys', :'snaps', :'units', :'reads', :u);
\echo -- v_lat
EXPLAIN (ANALYZE, COSTS off, TIMING on, SUMMARY on) EXECUTE v_lat(1, :'keys', :'snaps', :'units', :'reads', :u);
