#!/usr/bin/env python3
"""Tabulates the instrumented schema's per-batch log lines (run.sh's NAME.probe.gz): per database (one contender,
one rep), the keyspace lock's section per batch split into its steps, the hand-off to the next waiter, the routes.
Times in microseconds from clock_timestamp() inside the function; batches larger than 300 writes (the preload)
and the first second of each database are left out."""
import gzip, sys, statistics as st
from collections import defaultdict

def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')

def fmt(xs):
    return f"{st.mean(xs):7.0f} {q(xs,.5):6.0f} {q(xs,.9):6.0f}" if xs else "      -      -      -"

for path in sys.argv[1:]:
    f = defaultdict(dict); r = defaultdict(dict)
    for line in gzip.open(path, 'rt'):
        head, _, msg = line.partition('LOG:  lmprobe ')
        if not msg:
            continue
        db = head.split('_', 2)[2].rstrip('_')
        p = msg.split()
        if p[0] == 'f':
            ks, seq, route, n, nu, pid = int(p[1]), int(p[2]), p[3], int(p[4]), int(p[5]), int(p[6])
            t = list(map(int, p[7:14])) if len(p) >= 14 else list(map(int, p[7:12])) + [0, 0]
            f[db][(ks, seq)] = (route, n, nu, pid, *t)
        else:
            r[db][(int(p[1]), int(p[2]))] = int(p[3])
    print(f"# {path}")
    for db in sorted(f, key=lambda d: int(d.split('_')[1]) if d.split('_')[1].isdigit() else 0):
        rows = {k: v for k, v in f[db].items() if v[1] <= 300}
        if not rows:
            continue
        t0 = min(v[4] for v in rows.values()) + 1_000_000
        rows = {k: v for k, v in rows.items() if v[4] >= t0}
        if len(rows) < 10:
            continue
        keys = sorted(rows)
        span = (max(v[8] for v in rows.values()) - min(v[4] for v in rows.values())) / 1e6
        routes = defaultdict(int)
        for v in rows.values():
            routes[v[0]] += 1
        wait = [v[5] - v[4] for v in rows.values()]
        val = [v[6] - v[5] for v in rows.values()]
        ups = [v[7] - v[6] for v in rows.values()]
        log = [v[8] - v[7] for v in rows.values()]
        apply_ = [v[8] - v[5] for v in rows.values()]
        commit = [r[db][k] - rows[k][8] for k in keys if rows[k][0] == 'released' and k in r[db]]
        # hand-off: the next batch (seq + 1) was already waiting when this one finished its apply
        hand = defaultdict(list); wake = []
        for k in keys:
            n = (k[0], k[1] + 1)
            if n in rows and rows[n][4] < rows[k][8]:
                hand[rows[k][0]].append(rows[n][5] - rows[k][8])
                if k in r[db]:
                    wake.append(rows[n][5] - r[db][k])
        nk = [v[1] for v in rows.values()]
        npid = len({v[3] for v in rows.values()})
        busy = sum(apply_) / 1e6
        handsum = sum(sum(h) for h in hand.values()) / 1e6
        waited = sum(1 for w in wait if w > 50)
        print(f"## {db}: {len(rows)} batches in {span:.2f} s ({len(rows)/span:.0f}/s), {st.mean(nk):.1f} writes/batch "
              f"({sum(nk)/span:.0f} rows/s), {npid} backends, updates/batch {st.mean(v[2] for v in rows.values()):.1f}")
        print("   routes: " + ", ".join(f"{k} {v} ({v/len(rows):.0%})" for k, v in sorted(routes.items())))
        print(f"   lock held in apply (locked -> batch logged): {busy/span:.0%} of the span; hand-offs while a waiter "
              f"was queued: {sum(len(h) for h in hand.values())} ({sum(len(h) for h in hand.values())/len(rows):.0%}), "
              f"summing to {handsum/span:.0%} of the span; batches that waited > 50 us: {waited/len(rows):.0%}")
        print("   step (us)                               mean    p50    p90")
        print("   wait for the lock (enter -> locked)  " + fmt(wait))
        print("   validation                           " + fmt(val))
        print("   entry upsert                         " + fmt(ups))
        print("   batch-log insert                     " + fmt(log))
        print("   apply total (locked -> logged)       " + fmt(apply_))
        print("   released: logged -> after COMMIT     " + fmt(commit))
        for route, h in sorted(hand.items()):
            print(f"   hand-off after {route:9s} (logged -> next locked) " + fmt(h) + f"  n={len(h)}")
        print("   released: after COMMIT -> next locked " + fmt(wake) + f"  n={len(wake)}")
        # with the previous-commit probe (v[9] = the previous batch's commit timestamp, v[10] = after the probe)
        probe = [v[10] - v[8] for v in rows.values() if v[10]]
        if probe:
            commit2 = defaultdict(list); wake2 = defaultdict(list)
            for k in keys:
                n = (k[0], k[1] + 1)
                if n in rows and rows[n][9]:
                    commit2[rows[k][0]].append(rows[n][9] - rows[k][10])
                    if rows[n][4] < rows[n][9]:
                        wake2[rows[k][0]].append(rows[n][5] - rows[n][9])
            print("   probe of the previous commit (in the lock, instrumentation) " + fmt(probe))
            for route in sorted(commit2):
                print(f"   after {route:9s}: probed -> its commit timestamp   " + fmt(commit2[route]) + f"  n={len(commit2[route])}")
            for route in sorted(wake2):
                print(f"   after {route:9s}: commit ts -> waiter locked     " + fmt(wake2[route]) + f"  n={len(wake2[route])}")
        pw = [v[5] - v[4] for v in rows.values()]
        print()
