#!/bin/bash
# final A/B (pgks8 branch after its last engine commit): joined (default: waiting for locks, as main), joined skipping, 4 senders, unjoined; 4 alternated runs
cd /tmp/pgks8-bench
L() { echo "$(date -u +%T) $1 $(uptime)" >> series.log; }
L "start ab5"
java -cp N5.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 4 --only W1 --clients 256 --contenders m1k8,m1k8s,m1k8j4,m1k8u,m3k8,m3k8s,m3k8j4,m3k8u --out ab5 > ab5.out 2> ab5.err
L "done ab5 rc=$?"
