import sys, re, glob
# per run and round: put/upsert and update/optimistic (mean, p50) and the commit statement's server time per call
rows = []
for f in sorted(glob.glob(sys.argv[1] + '/c1-*.out'), key=lambda f: int(re.search(r'c1-(\d+)', f).group(1))):
    txt = open(f).read()
    blocks = re.split(r'\n(?=round \d )', txt)
    data = {}
    for b in blocks:
        m = re.match(r'round (\d) (\S+)\s+mean\s+([\d.]+) us\s+p50\s+([\d.]+).*?jvm-cpu\s+([\d.]+).*?loadavg ([\d.]+)', b, re.S)
        if not m: continue
        r, point = int(m.group(1)), m.group(2)
        srv = None
        for line in b.splitlines():
            s = re.match(r'\s+server top\s+([\d.]+) calls/op\s+([\d.]+) us/op\s+([\d.]+) us/call\s+(.*)', line)
            if s and s.group(4).startswith('INSERT INTO kv'):
                data.setdefault('kv', {})[int(m.group(1))] = float(s.group(2))
            if s and ('WITH p AS' in s.group(4) or 'level_mutex_commit' in s.group(4) or s.group(4).startswith('SELECT seq, applied_ops')):
                srv = (srv or 0) + float(s.group(2))
        up_srv = data.get('kv', {}).get(r) if point == 'upsert' else None
        data[(r, point)] = (float(m.group(3)), float(m.group(4)), srv if point != 'upsert' else up_srv, m.group(6), float(m.group(5)))
    print('==', f.split('/')[-1])
    for r in (1, 2, 3):
        try:
            up, op, pu, ud = (data[(r, p)] for p in ('upsert', 'optimistic', 'put', 'update'))
        except KeyError:
            continue
        print('  round %d load %s  put/upsert mean %.2f p50 %.2f  update/optimistic mean %.2f p50 %.2f  commit server us/op: put %.1f update %.1f  upsert %.1f' % (
            r, pu[3], pu[0]/up[0], pu[1]/up[1], ud[0]/op[0], ud[1]/op[1], pu[2] or -1, ud[2] or -1, up[2] or -1))
