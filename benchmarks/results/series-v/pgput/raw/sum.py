import re, collections, sys
for f in sys.argv[1:]:
  lines = open(f).read().split('## ')[1:]
  res = collections.defaultdict(list)
  for b in lines:
    h = b.splitlines()[0]
    m = re.match(r'round (\d+) order (\w+) db (\w+) pair cur/(\w+) load ([\d.]+)', h)
    vals = {}
    for l in b.splitlines()[1:]:
        c, us, pl, tag = l.split(',')
        vals[tag] = float(us)
    r, o, db, c, load = m.groups()
    if 'CUR' in vals and c.upper() in vals:
        res[(c, db)].append((vals[c.upper()] / vals['CUR'], vals['CUR'], vals[c.upper()], load))
  print('#', f, ': per round variant/cur server time per call (exec+plan, us), pgbench -M prepared, alternated in each transaction')
  for k in sorted(res):
    rs = sorted(x[0] for x in res[k]); med = rs[len(rs)//2] if len(rs)%2 else (rs[len(rs)//2-1]+rs[len(rs)//2])/2
    print('%-6s %-9s median %.2f | ratios %s | cur %s | variant %s | load %s' % (k[0], k[1], med, ' '.join('%.2f' % x[0] for x in res[k]), ' '.join('%.0f' % x[1] for x in res[k]), ' '.join('%.0f' % x[2] for x in res[k]), ' '.join(x[3] for x in res[k])))
