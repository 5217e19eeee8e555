#!/bin/bash
cd /work/bench/ae
L() { echo "$(date +%T) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" >> series.log; }
W=/work/bench/ae/w1cpu.jar
S=io.levelmutex.rocksdb.serializedBatches
L "start w1b (second quiet run of the serialized fill; order: serialized first)"
for m in non-durable durable; do java -cp $W io.levelmutex.benchmarks.W1LimitProbe 7 2 $m 256 mutex:$S=true,mutex,limit; done > w1b.out 2> w1b.err
L "start handoff-b"
java -cp $W io.levelmutex.benchmarks.HandOffProbe 3 0 1x256:$S=true 1x256 32x8:$S=true 32x8 1x1:$S=true 1x1 > handoff-b.out 2> handoff-b.err
L "done w1b"
