#!/usr/bin/env python3
"""Medians over the rounds of a CombineProbe output (raw/*.out): per keyspaces, design and nodes: rows/s, rows per
node batch, server and JVM CPU per row, WAL syncs/s and rows per sync, latency mean, and the design notes' batches per
section / forwarded share; plus the within-round ratios the probe printed. Usage: summarize.py raw/fast-1.out"""
import re, sys, statistics
from collections import defaultdict

rows = defaultdict(list)
ratios = []
for line in open(sys.argv[1]):
    if line.startswith('| ') and line.count('|') > 15 and line.split('|')[1].strip().isdigit():
        f = [x.strip() for x in line.strip().strip('|').split('|')]
        rnd, ks, design, nodes = int(f[0]), int(f[1]), f[2], int(f[3])
        lat = [float(x) for x in f[8].split('/')]
        notes = f[15]
        m = re.search(r'([\d.]+) batches per section', notes)
        sec = float(m.group(1)) if m else None
        m = re.search(r'lock waits (\d+)%', notes)
        lw = float(m.group(1)) if m else None
        m = re.search(r'CPU (\d+)%', notes)
        cpu = float(m.group(1)) if m else None
        rows[(ks, design, nodes)].append(dict(rate=float(f[4]), rpb=float(f[6]), lat=lat[0], syncs=float(f[9]),
            rps=float(f[10]), scpu=float(f[11]), jcpu=float(f[12]), sec=sec, lw=lw, cpuw=cpu))
    elif line.startswith('| ') and '**' in line:
        ratios.append(line.rstrip())

def med(key, vals):
    v = [x[key] for x in vals if x[key] is not None]
    return statistics.median(v) if v else float('nan')

print('| keyspaces | design | nodes | rows/s | rows/batch | latency mean ms | server CPU us/row | JVM CPU us/row | WAL syncs/s | rows/sync | batches/section | lock waits % | CPU % of busy samples |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for (ks, design, nodes), vals in sorted(rows.items(), key=lambda kv: (kv[0][0], list(dict.fromkeys(k[1] for k in rows)).index(kv[0][1]), kv[0][2])):
    print('| %d | %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %s | %s | %s |' % (ks, design, nodes,
        med('rate', vals), med('rpb', vals), med('lat', vals) / 1000, med('scpu', vals), med('jcpu', vals),
        med('syncs', vals), med('rps', vals),
        ('%.2f' % med('sec', vals)) if any(x['sec'] for x in vals) else '-',
        ('%.0f' % med('lw', vals)), ('%.0f' % med('cpuw', vals))))
print()
for r in ratios:
    print(r)
