#!/bin/bash
# senders A/B (hypothesis 3): joined with 2 (default), 1 and 4 senders; 3 alternated runs
cd /tmp/pgks8-bench
L() { echo "$(date -u +%T) $1 $(uptime)" >> series.log; }
L "start ab6"
java -cp N6.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1k8,m1k8j1,m1k8j4,m3k8,m3k8j1,m3k8j4 --out ab6 > ab6.out 2> ab6.err
L "done ab6 rc=$?"
