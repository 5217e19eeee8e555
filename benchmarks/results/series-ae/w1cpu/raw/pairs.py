import re,sys
for f in sys.argv[1:]:
    cs=[];ps=[]
    for line in open(f):
        if not line.startswith('rep') or 'warm-up' in line: continue
        ser=re.search(r'\| mutex [\d,]+ \(.*?write event (\d+) us, cpu/op ([\d.]+) us, pool cpu/op ([\d.]+)',line)
        off=re.search(r'serializedBatches=false [\d,]+ \(.*?write event (\d+) us, cpu/op ([\d.]+) us, pool cpu/op ([\d.]+)',line)
        cs.append((float(ser.group(2)),float(off.group(2)))); ps.append((float(ser.group(3)),float(off.group(3))))
    med=lambda l: sorted(l)[len(l)//2]
    print(f, 'pairs',len(cs),'cpu/op ser lower in',sum(a<b for a,b in cs),'median ser',med([a for a,b in cs]),'off',med([b for a,b in cs]),'| pool ser lower in',sum(a<b for a,b in ps),'median',med([a for a,b in ps]),med([b for a,b in ps]))
