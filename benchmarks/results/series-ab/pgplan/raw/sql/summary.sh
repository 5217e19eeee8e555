#!/bin/bash
# usage: summary.sh cells-N.txt : per cell and function (a = main's, b = pgplan's LATERAL + ctid, p = pgblind's, t = LATERAL
# + one TID list scan): backend CPU per call (mean of its runs, the runs), WAL records and bytes per call (means), and
# each function's CPU over A's
awk '
/^## cell/ { cell = $3 " " $4 " " $5; order[++nc] = cell; next }
/backend_cpu_us/ {
  split($1, f, "-"); v = f[2]; if (!(v in seen)) { seen[v] = 1; vs[++nv] = v }
  for (i = 2; i <= NF; i++) { if ($i ~ /^backend_cpu_us=/) { sub("backend_cpu_us=", "", $i); cpu = $i } if ($i ~ /^call_us/) { w = $(i + 1); wb = $(i + 2) } }
  k = cell SUBSEP v; runs[k] = runs[k] (runs[k] == "" ? "" : ", ") cpu; sum[k] += cpu; n[k]++; wr[k] += w; wbs[k] += wb
}
END {
  for (c = 1; c <= nc; c++) { cell = order[c]; a = cell SUBSEP "a"; printf "%s:", cell;
    for (j = 1; j <= nv; j++) { k = cell SUBSEP vs[j]; if (n[k] == 0) continue;
      printf "  %s cpu %d (%s) x%.2f wal %.0f rec %.0f B;", vs[j], sum[k]/n[k], runs[k], (sum[k]/n[k])/(sum[a]/n[a]), wr[k]/n[k], wbs[k]/n[k] }
    printf "\n" }
}' "$1"
