#!/bin/bash
# series Z part 3, quiet (12:53-12:58 UTC): M = main b651634 after the merges of pgjoin, lead, pgfix, pg3node (the library code as at the end of the session)
cd /work/bench/z2
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
J=/work/bench/z2/M.jar
L "start pgq-blocking"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --c1-client blocking --out pg-q-blocking > pg-q-blocking.out 2> pg-q-blocking.err
L "start pgq-joined-ab"
java -cp $J io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 3 --only W1 --clients 256 --contenders m1,m1u,m1k8,m1k8u,m3k8,m3k8u --out pg-q-joined-ab > pg-q-joined-ab.out 2> pg-q-joined-ab.err
L "start pg3node"
java -cp $J io.levelmutex.benchmarks.postgres.Pg3NodeProbe --rounds 3 --warmup-ms 2000 --window-ms 4000 --points e1,e3,e3c,s1,s3 --out pg3node-quiet > pg3node-quiet.out 2> pg3node-quiet.err
L "done"
