# per variant, point, rounds 2-3: JVM cpu, switches, and per-Java-thread cpu (us/op)
import re,sys,collections
cur=None; rnd=None; point=None
rows=collections.defaultdict(list)
for line in open(sys.argv[1]):
    m=re.match(r'=== variant (\w+) start',line)
    if m: cur=m.group(1); run=rows; continue
    m=re.match(r'round (\d+) (\w+)\s+mean\s+([\d.]+) us\s+jvm cpu\s+([\d.]+) us/op.*switches ([\d.]+)/op',line)
    if m:
        rnd=int(m.group(1)); point=m.group(2)
        if rnd>=2: rows[(cur,point,'jvm cpu')].append(float(m.group(4))); rows[(cur,point,'switches')].append(float(m.group(5))); rows[(cur,point,'mean us')].append(float(m.group(3)))
        continue
    m=re.match(r'\s+java thread (\S+)\s+cpu\s+([\d.]+) us/op',line)
    if m and rnd and rnd>=2:
        rows[(cur,point,m.group(1))].append(float(m.group(2)))
for k in sorted(rows):
    print('%-7s %-10s %-45s %s'%(k[0],k[1],k[2],' '.join('%.1f'%v for v in rows[k])))
