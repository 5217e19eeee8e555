#!/usr/bin/env python3
"""Medians (and ranges) over runs of walpoints.py's table, per group and contender. Usage:
walmedians.py GROUP=report.md[,report.md...] ...  (e.g. none=raw/delay-1-none/results-quick.md,raw/delay-2-none/...)"""
import statistics, subprocess, sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
COLS = ["ok/s", "syncs/s", "rows/sync", "batches/sync", "sync ms", "disk busy%", "B/row", "FPI/row", "lock%", "CPU%",
        "WALWrite%", "WALSync%"]
print("| group | contender | C | runs | " + " | ".join(COLS) + " |")
print("|---|---|---:|---:|" + "---:|" * len(COLS))
for arg in sys.argv[1:]:
    group, paths = arg.split("=", 1)
    out = subprocess.run([sys.executable, os.path.join(HERE, "walpoints.py")] + paths.split(","), capture_output=True,
                         text=True).stdout.splitlines()
    header = [h.strip() for h in out[0].strip("|").split("|")]
    rows = [dict(zip(header, [c.strip() for c in line.strip("|").split("|")])) for line in out[2:]]
    for contender, clients in sorted({(r["contender"], r["C"]) for r in rows},
                                     key=lambda p: (["l1", "m1", "m3", "m1k8", "m3k8"].index(p[0]), int(p[1]))):
        mine = [r for r in rows if r["contender"] == contender and r["C"] == clients]
        if not mine:
            continue
        cells = []
        for c in COLS:
            values = sorted(float(r[c]) for r in mine if r.get(c, "") not in ("",))
            if not values:
                cells.append("")
                continue
            fmt = (lambda v: f"{v:.4f}") if c == "FPI/row" else (lambda v: f"{v:.2f}") if c in ("batches/sync", "sync ms") \
                else (lambda v: f"{v:.0f}")
            cells.append(f"{fmt(statistics.median(values))} ({fmt(values[0])}-{fmt(values[-1])})")
        print(f"| {group} | {contender} | {clients} | {len(mine)} | " + " | ".join(cells) + " |")
