#!/usr/bin/env python3
"""Per point of a series-Q A/B (.out profile and .err lines): rate, batch size, statements per batch, lock waits,
Lock:transactionid, WALWrite, server and JVM CPU per row, rows per WAL sync; then the mean per contender, and
the joined committers' counters from the .err (whole point, all nodes summed)."""
import re, sys, collections
out, err = sys.argv[1], sys.argv[2]
text = open(out).read()
blocks = re.split(r'\n(?=- run \d+, Q-W1)', text)
rows = []
for b in blocks:
    m = re.match(r'- run (\d+), Q-W1[^:]*?C=256, (level-mutex[^:]*): ([\d.,]+) batches/s.*?([\d.]+) writes per batch, mean flush ([\d.]+) ms.*?= ([\d.]+) per batch', b, re.S)
    if not m:
        continue
    run, name, bps, wpb, flush, spb = m.groups()
    bps = float(bps.replace(',', ''))
    def f(pat, default='-'):
        x = re.search(pat, b)
        return x.group(1) if x else default
    rows.append(dict(run=int(run), name=name, rows=bps*float(wpb), wpb=float(wpb), flush=float(flush), spb=float(spb),
        lockw=f(r'lock waits (\d+)%'), txid=f(r'Lock:transactionid (\d+)%', '0'), walw=f(r'LWLock:WALWrite (\d+)%', '0'),
        busy=f(r'([\d.]+) busy backends'), srv=f(r'server ([\d.]+) us'), jvm=f(r'this JVM ([\d.]+) us'),
        rps=f(r'\*\*([\d.]+) rows and')))
print('| run | contender | rows/s (window) | writes/batch | statements/batch | mean flush ms | busy backends | lock waits % | Lock:transactionid % | LWLock:WALWrite % | server CPU us/row | JVM CPU us/row | rows per WAL sync |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for r in rows:
    print(f"| {r['run']} | {r['name']} | {r['rows']:,.0f} | {r['wpb']} | {r['spb']} | {r['flush']} | {r['busy']} | {r['lockw']} | {r['txid']} | {r['walw']} | {r['srv']} | {r['jvm']} | {r['rps']} |")
print()
agg = collections.OrderedDict()
for r in rows:
    agg.setdefault(r['name'], []).append(r)
print('| contender (mean of runs) | rows/s | statements/batch | lock waits % | Lock:transactionid % | server CPU us/row |')
print('|---|---|---|---|---|---|')
def mean(xs):
    xs = [float(x) for x in xs if x != '-']
    return sum(xs)/len(xs) if xs else float('nan')
for name, rs in sorted(agg.items()):
    print(f"| {name} | {mean([r['rows'] for r in rs]):,.0f} | {mean([r['spb'] for r in rs]):.2f} | {mean([r['lockw'] for r in rs]):.1f} | {mean([r['txid'] for r in rs]):.1f} | {mean([r['srv'] for r in rs]):.1f} |")
print()
counters = collections.OrderedDict()
for line in open(err):
    m = re.match(r'joined counters, (.*), node \d+: (.*)', line.strip())
    if not m or 'null' in m.group(2):
        continue
    c = dict(kv.split('=') for kv in m.group(2).split())
    counters.setdefault(m.group(1), []).append({k: int(v) for k, v in c.items()})
print('| contender | points x nodes | joinedCalls | joinedBatches | batches/call | directBatches | soleBatches | skippedBatches | skipped per joined batch | heldCalls |')
print('|---|---|---|---|---|---|---|---|---|---|')
for name, cs in counters.items():
    s = {k: sum(c.get(k, 0) for c in cs) for k in cs[0]}
    print(f"| {name} | {len(cs)} | {s['joinedCalls']} | {s['joinedBatches']} | {s['joinedBatches']/max(1,s['joinedCalls']):.2f} | {s['directBatches']} | {s['soleBatches']} | {s.get('skippedBatches',0)} | {s.get('skippedBatches',0)/max(1,s['joinedBatches']):.3f} | {s.get('heldCalls',0)} |")
