#!/bin/bash
R=/work/wt/pgk8/benchmarks/results/series-ab/pgk8
L() { echo "$(date -u +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/series.log; }
cd /work/wt/pgk8 && mvn -B -o -q -pl benchmarks -am -DskipTests package > /tmp/pgk8-build4.log 2>&1 || exit 1
cp benchmarks/target/benchmarks.jar /tmp/pgk8-ab4.jar
mkdir -p $R/ab4 && cd $R/ab4
L "start ab4 (branch pgk8 after the take-back)"
java -cp /tmp/pgk8-ab4.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 4 --only W1 --clients 256 --contenders m1k8,m1k8c,m1k8r,m3k8,m3k8c,m3k8r,m3k8p --out ab4 > ab4.out 2> ab4.err
L "end ab4"
cd /tmp/pgk8-main && mvn -B -o -q -pl benchmarks -am -DskipTests package > /tmp/pgk8-build5.log 2>&1 || exit 1
cp /tmp/pgk8-main/benchmarks/target/benchmarks.jar /tmp/pgk8-ab5-main.jar
mkdir -p $R/ab5 && cd $R/ab5
L "start ab5 (main 9abd409: skipping with one sender)"
java -cp /tmp/pgk8-ab5-main.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain --series Q --quick --runs 4 --only W1 --clients 256 --contenders m1k8,m1k8s,m3k8,m3k8s --out ab5 > ab5.out 2> ab5.err
L "end ab5"
