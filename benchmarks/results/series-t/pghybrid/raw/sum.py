import sys,re
rows=[];cur=None
for l in open(sys.argv[1]):
    if l.startswith('=='):
        p=l.split(); cur=dict(state=p[1],u=p[2],keys=p[3],f=p[4],pair=p[6],load=p[9]); rows.append(cur)
    elif l.startswith('fn '): cur['fn']=float(l.split()[2])
    elif l.startswith('validation'):
        p=l.split(); cur['val']=float(p[2]); cur['plan']=float(p[3]); cur['plans']=p[4]
print('state keys fn pair load | fn_us_per_call | validation exec_us plan_us plans')
for r in rows: print(r['state'],r['keys'],r['f'],r['pair'],r['load'],'|',r.get('fn'),'|',r.get('val'),r.get('plan'),r.get('plans'))
