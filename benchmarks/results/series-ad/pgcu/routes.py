#!/usr/bin/env python3
"""Per point and round of a C1LatencyProbe output (put-only statement's points, -stmt, not counted): commits through each route (counts, from the client
lines' us/op / us/call x ops), the clean-up's statements, and the put/update statement's server time per call.
Usage: routes.py OPS FILE"""
import re, sys
ops = int(sys.argv[1])
cur = None
rows = []
def calls(line):
    m = re.search(r'([\d.]+) us/op\s+([\d.]+) us/call', line)
    return 0.0 if not m or float(m.group(2)) == 0 else float(m.group(1)) / float(m.group(2)) * ops
for line in open(sys.argv[2]):
    m = re.match(r'round (\d+) (\S+)\s+mean\s+([\d.]+) us\s+p50\s+([\d.]+)\s+p90\s+([\d.]+)\s+jvm-cpu\s+([\d.]+)', line)
    if m:
        cur = dict(round=m.group(1), point=m.group(2), mean=m.group(3), p50=m.group(4), p90=m.group(5), cpu=m.group(6),
                   load=line.split('loadavg')[1].split()[0], one=0, fn=0, rel=0, clean=0, srv='', cli_us=0.0, srv_us=0.0)
        rows.append(cur)
        continue
    if cur is None:
        continue
    if line.startswith('    client') and 'after-commit' not in line and 'listener' not in line:
        if 'sql commit-fn' in line or 'level_mutex_commit_released' in line or 'sql SELECT s, NULL' in line or 'sql WITH p AS' in line:
            cur['cli_us'] += float(re.search(r'([\d.]+) us/op', line).group(1))
        if 'sql commit-fn' in line: cur['fn'] += calls(line)
        elif 'level_mutex_commit_released' in line: cur['rel'] += calls(line)
        elif 'sql SELECT s, NULL' in line or 'sql WITH p AS' in line:
            cur['one'] += calls(line)
    if line.startswith('    client') and 'after-commit' in line and ('horizon' in line or 'WITH h AS' in line):
        cur['clean'] += calls(line)
    if line.startswith('    server top') and ('level_mutex_commit' in line or 'WITH p AS' in line or 'SELECT seq, applied_ops' in line):
        cur['srv_us'] += float(re.search(r'([\d.]+) us/op', line).group(1))
    if line.startswith('    server top') and (' SELECT s, NULL::bigint' in line or 'WITH p AS' in line or 'WITH c AS' in line) and not cur['srv']:
        m = re.search(r'([\d.]+) us/call', line)
        cur['srv'] = m.group(1) if m else ''
print('| round | point | load | mean us | p50 | p90 | jvm-cpu us/op | one-write | commit-fn | released | clean-ups | put stmt server us/call | commit stmts client us/op | commit stmts server us/op |')
print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for r in rows:
    print('| %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %.1f | %.1f |' % (r['round'], r['point'], r['load'], r['mean'], r['p50'], r['p90'], r['cpu'], r['one'], r['fn'], r['rel'], r['clean'], r['srv'], r['cli_us'], r['srv_us']))
