import sys, re, collections
rows = []
cur = None
for line in open(sys.argv[1]):
    m = re.match(r'## round (\d+) db (\S+) script (\S+) load (\S+) \S+ \S+ client_latency_ms (\S*)', line)
    if m:
        cur = dict(round=m.group(1), db=m.group(2), script=m.group(3), load=m.group(4), lat=m.group(5), st={}); rows.append(cur); continue
    if cur and line.startswith('t,'):
        f = line.strip().split(',', 5)
        calls, ex, plan, plans, tag = int(f[1]), float(f[2]), float(f[3]), int(f[4]), f[5]
        if tag: cur['st'][tag] = (ex + plan * plans / calls, calls)
pairs = {'pair-put': ('F-PUT', 'S-PUT'), 'pair-del': ('F-DEL', 'S-DEL'), 'pair-upd': ('F-UPD', 'S-UPD'), 'pair-yard': ('U-PUT', 'JPA-SELECT', 'JPA-UPDATE')}
for r in rows:
    st = r['st']; p = pairs[r['script']]
    vals = ' '.join('%s %.1f us' % (t, st[t][0]) if t in st else '%s -' % t for t in p)
    ratio = ''
    if r['script'] != 'pair-yard' and all(t in st for t in p):
        ratio = 'statement/function %.2f' % (st[p[1]][0] / st[p[0]][0])
    calls = st[p[0]][1] if p[0] in st else 0
    print('round %s %-8s %-9s load %-5s calls %5d  %s  %s' % (r['round'], r['db'], r['script'], r['load'], calls, vals, ratio))
