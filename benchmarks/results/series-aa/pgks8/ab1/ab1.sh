#!/bin/bash
cd /tmp/pgks8-bench
L() { echo "$(date -u +%T) $1 $(uptime)" >> series.log; }
L "start ab1"
java -cp N1.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m1k8w,m1k8u,m3k8,m3k8w,m3k8u --out ab1 > ab1.out 2> ab1.err
L "done ab1 rc=$?"
