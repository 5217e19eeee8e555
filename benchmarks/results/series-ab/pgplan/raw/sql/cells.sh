#!/bin/bash
# usage: [VARIANTS="a b p p b a"] [KINDS="upd new"] [STATS="unanalysed analysed"] cells.sh CALLS : every cell (256 / 85 writes per batch; existing keys (upd) / all new keys (new); entry table
# never analysed / analysed) on a freshly reloaded 20k-key keyspace (setup.sql: no bloat carried from cell to cell),
# runs A (main), B (pgplan's LATERAL probe + ctid UPDATE), P (pgblind's UPDATE ... FROM, for reference) in the order
# A B P P B A, each run a new backend (its generic plans built on the table as it is then).
cd "$(dirname "$0")"
P="psql -h 127.0.0.1 -p 55931 -U postgres -X -q -d b"
for stats in ${STATS:-unanalysed analysed}; do for kind in ${KINDS:-upd new}; do for n in 256 85; do
  $P -v ON_ERROR_STOP=1 -f setup.sql 2>&1 | grep -v NOTICE
  [ $stats = analysed ] && $P -c "ANALYZE level_mutex_entry"
  echo "## cell $stats $kind $n $(date -u +%H:%M:%S) uptime: $(uptime)"
  for v in ${VARIANTS:-a b p p b a}; do ./run.sh $kind-$v-$n.sql $1; done
done; done; done
