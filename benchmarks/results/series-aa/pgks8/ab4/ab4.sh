#!/bin/bash
cd /tmp/pgks8-bench
L() { echo "$(date -u +%T) $1 $(uptime)" >> series.log; }
L "start ab4"
java -Dio.levelmutex.postgres.joinedSkips=0 -cp N3.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m3k8,m3k8w,m3k8u --out ab4 > ab4.out 2> ab4.err
L "done ab4 rc=$?"
