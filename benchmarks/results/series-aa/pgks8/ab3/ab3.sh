#!/bin/bash
cd /tmp/pgks8-bench
L() { echo "$(date -u +%T) $1 $(uptime)" >> series.log; }
L "start ab3"
java -cp N3.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m1k8u,m1k8s4,m3k8,m3k8w,m3k8u,m3k8s4,m3k8w4 --out ab3 > ab3.out 2> ab3.err
L "done ab3 rc=$?"
