#!/bin/bash
cd /work/bench/pg3node
for w in 500 3000; do
  echo "$(date +%T) start warm$w load $(cut -d' ' -f1-3 /proc/loadavg)" >> w.log
  java -cp A.jar io.levelmutex.benchmarks.postgres.Pg3NodeProbe --rounds 3 --warmup-ms $w --window-ms 1200 --points e1,e3,s1,s3 --out warm$w > warm$w.out 2> warm$w.err
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> w.log
