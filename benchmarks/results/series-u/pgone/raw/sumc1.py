import sys, re, glob, statistics
for f in sorted(glob.glob(sys.argv[1] + '/c1-*.out')):
    txt = open(f).read()
    blocks = re.split(r'\n(?=round \d )', txt)
    data = {}
    for b in blocks:
        m = re.match(r'round (\d) (\S+)\s+mean\s+([\d.]+) us\s+p50\s+([\d.]+).*?loadavg ([\d.]+)', b)
        if not m: continue
        r, point, mean, p50, load = int(m.group(1)), m.group(2), float(m.group(3)), float(m.group(4)), m.group(5)
        srv = None
        for line in b.splitlines():
            s = re.match(r'\s+server top\s+([\d.]+) calls/op\s+([\d.]+) us/op\s+([\d.]+) us/call\s+(.*)', line)
            if s and ('WITH p AS' in s.group(4) or 'level_mutex_commit' in s.group(4) or 'rejected_key FROM' in s.group(4) or s.group(4).startswith('SELECT seq, applied_ops')):
                srv = float(s.group(3))
        data[(r, point)] = (mean, p50, srv, load)
    print('==', f.split('/')[-1])
    for r in (1, 2, 3):
        try:
            up, op, pu, ud, fn = (data[(r, p)] for p in ('upsert', 'optimistic', 'put', 'update', 'fn'))
        except KeyError:
            continue
        print('  round %d load %s  put/upsert mean %.2f p50 %.2f  update/optimistic mean %.2f p50 %.2f   server commit us: fn %s put %s update %s' % (
            r, pu[3], pu[0]/up[0], pu[1]/up[1], ud[0]/op[0], ud[1]/op[1], fn[2], pu[2], ud[2]))
