#!/usr/bin/env python3
"""Per round and point of a C1LatencyProbe output: mean and p50 latency, JVM CPU per op, and per op the read
statements, one-write statements and commit-function/procedure calls the client ran on the calling thread, and
the one-write statement's server time per call."""
import re, sys
cur = None
rows = []
for line in open(sys.argv[1]):
    m = re.match(r'round (\d+) (\S+)\s+mean\s+([\d.]+) us\s+p50\s+([\d.]+)\s+p90\s+([\d.]+)\s+jvm-cpu\s+([\d.]+)', line)
    if m:
        cur = dict(round=m.group(1), point=m.group(2), mean=float(m.group(3)), p50=float(m.group(4)),
                   cpu=float(m.group(6)), read=0.0, one=0.0, fn=0.0, one_us=0.0, read_us=0.0)
        rows.append(cur)
        continue
    if cur is None:
        continue
    m = re.match(r'\s+client\s+([\d.]+) /op\s+([\d.]+) us/op\s+([\d.]+) us/call\s+(.*)', line)
    if m and '@main' in m.group(4) or (m and '@level-mutex-cycle' in m.group(4)):
        n, what = float(m.group(1)), m.group(4)
        if what.startswith('sql SELECT 0 AS part'):
            cur['read'] += n
        elif what.startswith('sql WITH p AS NOT MATERIALIZED'):
            cur['one'] += n
        elif 'commit-fn' in what or 'CALL level_mutex' in what:
            cur['fn'] += n
    m = re.match(r'\s+server top\s+([\d.]+) calls/op\s+([\d.]+) us/op\s+([\d.]+) us/call.*?\s(WITH p AS NOT MATERIALIZED|SELECT 0 AS part)', line)
    if m:
        key = 'one_us' if m.group(4).startswith('WITH') else 'read_us'
        cur[key] = float(m.group(3))
print(f"{'round':>5} {'point':<22} {'mean us':>8} {'p50 us':>8} {'jvm cpu':>8} {'reads/op':>8} {'1-write/op':>10} {'fn/op':>6} {'1w srv us':>9} {'rd srv us':>9}")
for r in rows:
    print(f"{r['round']:>5} {r['point']:<22} {r['mean']:>8.1f} {r['p50']:>8.1f} {r['cpu']:>8.1f} {r['read']:>8.2f} {r['one']:>10.2f} {r['fn']:>6.2f} {r['one_us']:>9.1f} {r['read_us']:>9.1f}")
