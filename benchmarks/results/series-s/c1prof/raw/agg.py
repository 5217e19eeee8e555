import json,sys,collections
f=sys.argv[1]
d=json.load(open(f))
ev=d['recording']['events']
byth=collections.Counter(); top=collections.Counter()
pkg=collections.Counter()
for e in ev:
    v=e['values']; t=v.get('sampledThread',{}) or {}
    name=(t.get('javaName') or t.get('osName') or '?')
    import re
    name=re.sub(r'-\d+$','-N',name); name=re.sub(r'[0-9a-f]{4,}','X',name)
    byth[name]+=1
    fr=v['stackTrace']['frames'] if v.get('stackTrace') else []
    if fr:
        m=fr[0]['method']; top[(name, m['type']['name']+'.'+m['name'])]+=1
        # first frame in interesting packages
        for x in fr:
            tn=x['method']['type']['name']
            if tn.startswith(('io/levelmutex','org/postgresql','com/zaxxer')) or tn.startswith('io.levelmutex'):
                pkg[(name,tn+'.'+x['method']['name'])]+=1;break
        else: pkg[(name,'(jdk only) '+fr[-1]['method']['type']['name'])]+=1
print('samples by thread');[print(' ',c,n) for n,c in byth.most_common()]
print('top frames');[print(' ',c,k) for k,c in top.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 40)]
print('first project/driver frame');[print(' ',c,k) for k,c in pkg.most_common(40)]
