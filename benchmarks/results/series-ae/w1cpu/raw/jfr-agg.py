import json,sys,collections
f=sys.argv[1]; ev=sys.argv[2]
d=json.load(open(f))
events=d['recording']['events']
top=collections.Counter(); incl=collections.Counter(); thr=collections.Counter(); alloc=collections.Counter()
n=0
for e in events:
    if e['type']!=ev: continue
    v=e['values']
    t=v.get('sampledThread') or v.get('eventThread')
    tn=t['javaName'] if t else '?'
    if tn=='main' or 'JFR' in tn: continue
    st=v.get('stackTrace') or {'frames':[]}
    frames=[fr['method']['type']['name'].split('.')[-1]+'.'+fr['method']['name']+':'+str(fr.get('lineNumber')) for fr in st['frames']]
    w=v.get('weight',1) if ev=='jdk.ObjectAllocationSample' else 1
    n+=w
    thr[tn.rstrip('0123456789')]+=w
    if frames: top[frames[0]]+=w
    seen=set()
    for fr in frames:
        m=fr.rsplit(':',1)[0]
        if m not in seen: incl[m]+=w; seen.add(m)
    if ev=='jdk.ObjectAllocationSample':
        cls=v['objectClass']['name']
        site=[x for x in frames if not x.startswith(('ArrayList','CompletableFuture.','Arrays','Object'))][:3]
        alloc[(cls,' < '.join(frames[:4]))]+=w
print('total',n); print('threads',thr.most_common(10))
print('--- top frames'); [print(f'{c*100/n:5.1f}% {k}') for k,c in top.most_common(40)]
print('--- inclusive'); [print(f'{c*100/n:5.1f}% {k}') for k,c in incl.most_common(60)]
if alloc:
    print('--- alloc'); [print(f'{c*100/n:5.1f}% {k}') for k,c in alloc.most_common(30)]
