#!/bin/bash
# prints each target's runs per series Q output dir
cd /work/bench/x
for d in "$@"; do
  echo "== $d"
  sed -n '/^## Targets/,/^Each ratio/p' $d/results-quick.md | grep "^| " | grep -v "^| target\|^|---" | awk -F'|' '{gsub(/^ +| +$/,"",$2); gsub(/^ +| +$/,"",$4); gsub(/^ +| +$/,"",$7); print substr($2,1,60) " | " $4 " | " $7}'
done
