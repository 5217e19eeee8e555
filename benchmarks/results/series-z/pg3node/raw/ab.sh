#!/bin/bash
# A = main 8e8c93d + probe (A.jar), B = + AfterCommit full spacing and covered hints (B.jar); tmpfs server
cd /work/bench/pg3node
for i in 1 2 3; do
  for v in A B; do
    echo "$(date +%T) start $v$i load $(cut -d' ' -f1-3 /proc/loadavg)" >> ab.log
    java -Djava.io.tmpdir=/dev/shm/pg3node -cp $v.jar io.levelmutex.benchmarks.postgres.Pg3NodeProbe --rounds 2 --warmup-ms 2000 --window-ms 4000 --points e3,e1 --out ab-$v$i > ab-$v$i.out 2> ab-$v$i.err
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> ab.log
