#!/usr/bin/env python3
"""Per variant of a series Q run (OUT = the .out file): rows/s per run (window), lock waits and Lock:transactionid
(% of busy backends), server CPU per row, WAL bytes per row by insert position, joined call mean ms; medians."""
import re, sys, statistics, collections
out = open(sys.argv[1]).read()
rows = collections.defaultdict(list)
for m in re.finditer(r"^- run (\d+), Q-W1[^\n]*?, C=256, level-mutex, ([^:]*): ([\d,.]+) batches/s in the window .*?, ([\d.]+) writes per batch(.*?)(?=^- run |\Z)", out, re.S | re.M):
    run, name, bps, wpb, rest = m.groups()
    bps = float(bps.replace(',', ''))
    lw = re.search(r"lock waits (\d+)%", rest)
    tx = re.search(r"Lock:transactionid (\d+)%", rest)
    cpu = re.search(r"server ([\d.]+) us", rest)
    wal = re.search(r"\(([\d]+) by insert position\)", rest)
    call = re.search(r"CALL level_mutex_commit_joined[^`]*`: ([\d.]+) calls/batch, ([\d.]+) ms mean", rest)
    rows[name].append(dict(run=int(run), rows=bps * float(wpb), lw=int(lw.group(1)) if lw else 0,
                           tx=int(tx.group(1)) if tx else 0, cpu=float(cpu.group(1)) if cpu else float('nan'),
                           wal=int(wal.group(1)) if wal else 0, calls=float(call.group(1)) if call else 0,
                           callms=float(call.group(2)) if call else 0, wpb=float(wpb)))
print("| variant | rows/s per run (window) | median | lock waits % | Lock:transactionid % | server CPU us/row | WAL bytes/row (insert position) | joined call ms (mean) | writes/batch |")
print("|---|---|---:|---|---|---|---|---|---:|")
def j(rs, key, fmt):
    return ", ".join(format(r[key], fmt) for r in rs)


for name, rs in rows.items():
    rs.sort(key=lambda r: r["run"])
    med = statistics.median(r["rows"] for r in rs)
    wpb = statistics.median(r["wpb"] for r in rs)
    print("| " + " | ".join([name, j(rs, "rows", ",.0f"), format(med, ",.0f"), j(rs, "lw", "d"), j(rs, "tx", "d"),
                             j(rs, "cpu", ".0f"), j(rs, "wal", "d"), j(rs, "callms", ".1f"), format(wpb, ".1f")]) + " |")
