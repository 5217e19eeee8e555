#!/bin/bash
# usage: [VARIANTS="a b p p b a"] emptyplan.sh CALLS N : the series Q case. A new entry table; ONE session calls the function once on the EMPTY
# table (its generic plans are built then and kept, as the engine's pooled connections keep theirs after preloading
# through the engine), then 20,000 keys are preloaded (never analysed) and the session makes CALLS calls of N-put
# batches (a DO loop, each call its own transaction: COMMIT after each). Prints the function call's server time, WAL records and bytes per call (pg_stat_statements).
cd "$(dirname "$0")"
P="psql -h 127.0.0.1 -p 55931 -U postgres -X -q -d b"
for v in ${VARIANTS:-a b p p b a}; do
  f=level_mutex_commit; [ $v != a ] && f=level_mutex_commit_$v
  $P -v ON_ERROR_STOP=1 -f setup.sql 2>&1 | grep -v NOTICE
  $P -c "TRUNCATE level_mutex_entry" >/dev/null
  $P -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT * FROM $f(1, gen_random_uuid(), gen_random_uuid(), ARRAY['\x01'::bytea, '\x02'::bytea], ARRAY['\x01'::bytea, '\x02'::bytea], '{}','{}','{}','{}','{}','{}','{}','{}','{}');
INSERT INTO level_mutex_entry SELECT 1, convert_to('key' || lpad(i::text, 8, '0'), 'UTF8'), decode(repeat('cd', 100), 'hex'), 0
    FROM generate_series(0, 19999) i ON CONFLICT DO NOTHING;
SELECT pg_stat_statements_reset();
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT k, v FROM args WHERE n = $2 ORDER BY b LIMIT $1 LOOP
    PERFORM * FROM $f(1, gen_random_uuid(), gen_random_uuid(), r.k, r.v, '{}','{}','{}','{}','{}','{}','{}','{}','{}');
    COMMIT;
  END LOOP; END \$\$;
SQL
  s=$($P -At -F' ' -c "select round(total_exec_time::numeric/calls*1000), round(wal_records::numeric/calls,1), round(wal_bytes/calls), round(shared_blks_hit::numeric/calls) from pg_stat_statements where query like '%level_mutex_commit%' and not toplevel and query not like '%DO%' and calls >= $1")
  echo "emptyplan $v n=$2 load=$(cut -d' ' -f1 /proc/loadavg) call_us/walrec/walbytes/blks_hit=$s"
done
