import sys, re, collections
res = collections.defaultdict(list)
cur = None
for line in open(sys.argv[1]):
    m = re.match(r'## round (\d+) db (\S+) script (\S+) load (\S+) \S+ \S+ client_latency_ms (\S*)', line)
    if m:
        cur = (m.group(2), m.group(3)); res[cur].append([m.group(4), m.group(5)]); continue
    if cur and line.startswith('t,'):
        f = line.strip().split(',', 5)
        calls, ex, plan, plans, q = int(f[1]), float(f[2]), float(f[3]), int(f[4]), f[5]
        if q.startswith('SELECT seq AS snap') or q.startswith('BEGIN') or q.startswith('SELECT pg_stat'): continue
        res[cur][-1].append('%s:%.0f%s' % (q[:12].replace(' ', '_'), ex, '' if plans <= 6 else '(+plan %.0f/call)' % (plan*plans/calls)))
for k in sorted(res):
    print(k)
    for r in res[k]: print('   ', r)
