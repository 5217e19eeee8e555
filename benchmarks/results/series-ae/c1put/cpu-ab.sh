#!/bin/bash
# C1CpuProbe from the base jar (HEAD before the cut) and the branch jar, back to back, alternated
cd /work/wt/c1put
for r in 1 2 3; do
  for j in base branch; do
    jar=/tmp/c1put-base.jar; [ $j = branch ] && jar=/tmp/c1put-branch.jar
    echo "=== run $r jar $j $(uptime)"
    java -cp $jar io.levelmutex.benchmarks.postgres.C1CpuProbe 1 6000 put-blocking,upsert 2>&1 | grep -E "^round|^    java  "
  done
done
echo "=== end $(uptime)"
