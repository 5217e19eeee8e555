#!/bin/bash
cd /tmp/pgks8-bench
L() { echo "$(date -u +%T) $1 $(uptime)" >> series.log; }
L "start ab2"
java -cp N2.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m1k8w,m1k8h,m1k8u,m3k8,m3k8w,m3k8h,m3k8u --out ab2 > ab2.out 2> ab2.err
L "done ab2 rc=$?"
