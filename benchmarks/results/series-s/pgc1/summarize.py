# Summarises the probe outputs in raw/: per point, per run, round 2 (steady state) figures, and medians.
import re, glob, statistics as st
from collections import defaultdict
def parse(f):
    out = {}
    for b in re.split(r'\n(?=round )', open(f).read()):
        m = re.match(r'round (\d) (\S+)\s+mean\s+([\d.]+) us\s+p50\s+([\d.]+).*?jvm-cpu\s+([\d.]+).*loadavg (\S+)', b)
        if not m: continue
        rnd, pt, mean, p50, cpu, load = m.groups()
        ho = re.search(r'hand-offs/op ([\d.]+)', b)
        lst = sum(float(x) for x in re.findall(r'server top\s+([\d.]+) calls/op.*(?:level_mutex_keyspace WHERE id = ANY|level_mutex_batch WHERE keyspace_id)', b))
        stm = sum(float(x) for x in re.findall(r'server top\s+([\d.]+) calls/op', b))
        srv = sum(float(x) for x in re.findall(r'server top\s+[\d.]+ calls/op\s+([\d.]+) us/op', b))
        out[(int(rnd), pt)] = dict(mean=float(mean), p50=float(p50), cpu=float(cpu), load=float(load),
            handoffs=float(ho.group(1)) if ho else None, listener=lst, stmts=stm, server_us=srv)
    return out
for side in ('before', 'after'):
    runs = [parse(f) for f in sorted(glob.glob(f'c1-steps-{side}-*.out')) + sorted(glob.glob(f'c1-{side}-*.out'))]
    print(f'== {side}: {len(runs)} runs (c1-steps-{side}-*, c1-{side}-*), round 2 of each')
    agg = defaultdict(lambda: defaultdict(list))
    ratios = defaultdict(list)
    for r in runs:
        for (rnd, pt), v in r.items():
            if rnd != 2: continue
            for k, x in v.items():
                if x is not None: agg[pt][k].append(x)
        g = {pt: v for (rnd, pt), v in r.items() if rnd == 2}
        if 'put' in g and 'upsert' in g: ratios['put/upsert mean'].append(g['put']['mean'] / g['upsert']['mean'])
        if 'update' in g and 'optimistic' in g: ratios['update/optimistic mean'].append(g['update']['mean'] / g['optimistic']['mean'])
        if 'put' in g and 'fn' in g: ratios['put/fn mean'].append(g['put']['mean'] / g['fn']['mean'])
    for pt, d in agg.items():
        print(f'  {pt:10} ' + '  '.join(f'{k} med {st.median(x):.2f}' for k, x in d.items()))
    for k, x in ratios.items():
        print(f'  {k}: ' + ', '.join(f'{y:.2f}' for y in x) + f'  (median {st.median(x):.2f})')
