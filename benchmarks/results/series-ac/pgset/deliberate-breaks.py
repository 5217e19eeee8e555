import sys
f='/work/wt/pgset/level-mutex-postgres/src/main/resources/META-INF/level-mutex/postgres/schema-v3.sql'
breaks={
 'B1-first-write-wins': ("ORDER BY b.keyspace_id, w.key, w.n DESC", "ORDER BY b.keyspace_id, w.key, w.n ASC"),
 'B2-tombstone-over-tombstone': ("AND e.key = l.key\n                        AND e.value IS NOT NULL", "AND e.key = l.key"),
 'B3-no-tombstone-row': ("SELECT d.keyspace_id, d.seq, d.key FROM del d", "SELECT d.keyspace_id, d.seq, d.key FROM del d WHERE false"),
 'B4-another-keyspaces-sequence': ("SELECT b.i, b.seq, p_keyspaces[b.i] AS keyspace_id", "SELECT b.i, (SELECT max(s) FROM unnest(v_blind_seq) s) AS seq, p_keyspaces[b.i] AS keyspace_id"),
 'B6-no-per-keyspace-fallback': ("            IF v_per_keyspace THEN\n                RAISE;", "            IF true THEN\n                RAISE;"),
 'B7-update-batches-applied-blind': ("IF NOT v_per_keyspace AND p_update_from[i + 1] = p_update_from[i]\n", "IF NOT v_per_keyspace AND true\n"),
 'B9-blind-lock-timeout-unreported': ("                            error_state[i] := v_state;\n                            error_detail[i] := v_message;", "                            NULL;"),
 'B8-batch-log-applied-count': ("p_node, p_key_from[b.i + 1] - p_key_from[b.i], -1", "p_node, 1, -1"),
}
name=sys.argv[1]
s=open(f).read()
old,new=breaks[name]
assert s.count(old)==1, (name, s.count(old))
open(f,'w').write(s.replace(old,new))
