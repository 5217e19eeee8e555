#!/usr/bin/env bash
# Runs the given modules' test suites N times under nice 19 with one nice-19 CPU burner beside them
# (CI is 2 loaded cores). Usage: loop.sh OUTDIR N MODULES [extra mvn args...]
# Each iteration's summary goes to OUTDIR/summary.txt; a failing iteration's Surefire reports are kept.
set -u
out=$1; n=$2; mods=$3; shift 3
mkdir -p "$out"
nice -n 19 bash -c 'while :; do :; done' & burner=$!
trap 'kill $burner 2>/dev/null' EXIT
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  nice -n 19 mvn -B -o -pl "$mods" -Dsurefire.rerunFailingTestsCount=0 -Dmaven.test.failure.ignore=true "$@" test > "$out/mvn-$i.log" 2>&1
  rc=$?
  end=$(date +%s)
  fails=$(grep -h -E "Tests run:.*(Failures: [1-9]|Errors: [1-9])" "$out/mvn-$i.log" | grep -v "^\[INFO\] Tests run\|^\[WARNING\] Tests run: [0-9]*, Failures" | head -5)
  tot=$(grep -E "^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$" "$out/mvn-$i.log" | tr '\n' ' ')
  echo "$(date -u +%T) iter $i rc=$rc $((end-start))s load=$(cut -d' ' -f1-3 /proc/loadavg) totals: $tot" >> "$out/summary.txt"
  if grep -q -E "FAIL|<<< ERROR|<<< FAILURE" "$out/mvn-$i.log"; then
    echo "  FAILED: $(grep -E '<<< (FAILURE|ERROR)' "$out/mvn-$i.log" | tr '\n' ' ')" >> "$out/summary.txt"
    mkdir -p "$out/reports-$i"
    for m in ${mods//,/ }; do cp -r "$m/target/surefire-reports" "$out/reports-$i/$(basename $m)" 2>/dev/null; done
  else
    rm -f "$out/mvn-$i.log"
  fi
  [ -e "$out/STOP" ] && break
done
