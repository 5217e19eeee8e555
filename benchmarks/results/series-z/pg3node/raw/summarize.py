import re,sys
for f in sys.argv[1:]:
    txt=open(f).read()
    print("##",f)
    for blk in re.split(r'\n(?=### engine|SQL-only)', txt):
        if blk.startswith('### engine'):
            head=blk.splitlines()[0]
            m=re.search(r'engine, (\d) node\(s\)( on channels[^,]*)?, round (\d)',head)
            rows=re.search(r'- (\d+) rows/s, (\d+) node batches/s',blk)
            pb=re.search(r'cycle ([\d.]+) = flush ([\d.]+) \+ gap ([\d.]+).*?commit statement \(client\) ([\d.]+)',blk)
            lh=re.search(r'([\d.]+) catch-ups, ([\d.]+) hint statements(?: \(([\d.]+) keyspace hints left out)?',blk)
            srv=re.search(r'server processes \(\d+\): CPU (\d+) us/batch',blk)
            def g(name):
                mm=re.search(r'  - '+re.escape(name)+r': CPU (\d+), wait (\d+)',blk)
                return (mm.group(1)+'/'+mm.group(2)) if mm else '-'
            call=re.search(r'([\d.]+) calls/batch, ([\d.]+) ms mean, \d+ ms total: `CALL',blk)
            fn=re.search(r'([\d.]+) calls/batch, ([\d.]+) ms mean, \d+ ms total: `SELECT seq, applied',blk)
            print(f"e{m.group(1)}{'c' if m.group(2) else ''} r{m.group(3)} | {rows.group(1)} | {rows.group(2)} | {pb.group(1)} | {pb.group(2)} | {pb.group(4)} | "
                  f"{(call.group(2)+' x'+call.group(1)) if call else '-'} | {(fn.group(2)+' x'+fn.group(1)) if fn else '-'} | {lh.group(1)} | {lh.group(2)} | {lh.group(3) or '-'} | "
                  f"{g('cycle* level-mutex-pos')} | {g('level-mutex-pg-')} | {g('level-mutex-pos')} | {g('CN CompilerThre')} | {srv.group(1)}")
        elif blk.startswith('SQL-only'):
            row=re.search(r'\| (\d) \| 1 \| today \| (\d) \| (\d+) \| (\d+) \| [\d.]+ \| \d+ \| [^|]* \| \d+ \| [\d.]+ \| ([\d.]+) \| ([\d.]+) \|.*?call ([\d.]+) ms',blk)
            if row:
                n=int(row.group(2)); rb=float(row.group(3))/float(row.group(4))
                print(f"s{n} r{row.group(1)} | {row.group(3)} | {row.group(4)} | call {row.group(7)} | server {float(row.group(5))*rb:.0f} us/batch | JVM {float(row.group(6))*rb:.0f} us/batch")
