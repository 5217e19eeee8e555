#!/bin/sh
# A = /tmp/help-A.jar (branch help), B = /tmp/help-B.jar (main 8460f03). Alternated; load recorded in every file.
set -x
for x in B2:B A2:A; do n=${x%%:*}; j=${x##*:}
  java -cp /tmp/help-$j.jar io.levelmutex.benchmarks.postgres.C1LatencyProbe 2 1500 upsert,optimistic,put,update > pg-c1latency-$n.txt 2>&1
done
for x in A1:A B1:B B2:B A2:A; do n=${x%%:*}; j=${x##*:}
  java -cp /tmp/help-$j.jar io.levelmutex.benchmarks.postgres.C1CpuProbe 2 2000 upsert,put,optimistic,update > pg-c1cpu-$n.txt 2>&1
done
for x in A1:A B1:B B2:B A2:A; do n=${x%%:*}; j=${x##*:}
  (cat /proc/loadavg; java -jar /tmp/help-$j.jar --quick --only W1 --clients 256 --no-jmh --no-memory --no-many --out /tmp/help-w1-$n 2>&1; cat /proc/loadavg) > embedded-w1-c256-$n.txt 2>&1
done
for x in A1:A B1:B B2:B A2:A; do n=${x%%:*}; j=${x##*:}
  (cat /proc/loadavg; java -cp /tmp/help-$j.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --only W1 --clients 256 --out /tmp/help-q-$n 2>&1; cat /proc/loadavg) > pg-q-w1-c256-$n.txt 2>&1
done
