import csv, sys
def load(d):
    rows=list(csv.DictReader(open(f'bench/async/{d}-timeline.csv')))
    return [(int(r['round']), float(r['virtual_seconds']), float(r['accuracy'])) for r in rows]
runs={n:load(n) for n in ['fedavg','fedbuff']}
def at(rows,t):
    best=None
    for r,ts,a in rows:
        if ts<=t: best=(r,a)
    return best
def reach(rows,target):
    for r,ts,a in rows:
        if a>=target: return (r,ts)
    return None
T=[10,20,30,40,50,60,70]
print('| virtual s | ' + ' | '.join(f'{t}' for t in T)+' |')
for n,rows in runs.items():
    print(f'| {n} | '+' | '.join(('%.1f (r%d)'%(at(rows,t)[1]*100,at(rows,t)[0]) if at(rows,t) else '-') for t in T)+' |')
for target in [0.6,0.7,0.75,0.78]:
    print(target, {n:reach(rows,target) for n,rows in runs.items()})
for n,rows in runs.items():
    print(n,'end',rows[-1],'last10 mean %.4f'%(sum(a for _,_,a in rows[-10:])/10), 'best %.4f'%max(a for _,_,a in rows))
