"""Medians of server CPU per keyspace batch and rows/s per (senders, W, procedure) from JoinedSetProbe output."""
import re, sys, statistics, collections
d = collections.defaultdict(list)
for f in sys.argv[1:]:
    for line in open(f):
        m = re.match(r'round (\d+) (\S+)\s+senders (\d+) W\s*(\d+) .*rows/s\s+(\d+) \| server CPU ms/kbatch ([\d.]+)', line)
        if m:
            d[(int(m.group(3)), int(m.group(4)), m.group(2))].append((float(m.group(6)), int(m.group(5))))
print('| senders x W | procedure | runs | server CPU ms per keyspace batch (each run) | median | rows/s median |')
print('|---|---|---:|---|---:|---:|')
for k in sorted(d):
    cpu = [c for c, _ in d[k]]
    rows = [r for _, r in d[k]]
    print(f'| {k[0]} x {k[1]} | {k[2]} | {len(cpu)} | {", ".join(f"{c:.3f}" for c in cpu)} | {statistics.median(cpu):.3f} | {statistics.median(rows):,.0f} |')
