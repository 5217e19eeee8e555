J=/work/wt/c1prof/benchmarks/target/benchmarks.jar
for i in 1 2; do
  for v in main nohint; do
    if [ $v = main ]; then CP=/tmp/c1prof/cls:$J; else CP=/tmp/c1prof/nohint:/tmp/c1prof/cls:$J; fi
    echo "=== pair $i variant $v $(cat /proc/loadavg)"
    java -cp $CP io.levelmutex.benchmarks.postgres.C1CpuProbe 1 3000 upsert,put,optimistic,update 2>&1 | grep -v SLF4J | grep -v "0.0 us/op (user    0.0 sys    0.0)"
  done
done
