#!/usr/bin/env python3
"""Per-symbol server CPU per node batch (us) of two perf recordings, self and inclusive, and the excess of B over
A scaled by rows: usage perfdiff.py A.script usA_per_batch rowsA B.script usB_per_batch rowsB [N]
(X.script: `perf script -F comm,pid,ip,sym` output). Excess = B - A * rowsB / rowsA (the part not proportional to rows)."""
import sys, collections
def load(path):
    selfc = collections.Counter(); incl = collections.Counter(); n = 0; cur = []
    for line in open(path, errors="replace"):
        if not line.strip():
            if cur:
                n += 1; selfc[cur[0]] += 1
                for s in set(cur): incl[s] += 1
            cur = []; continue
        if line.startswith(("\t", " ")):
            p = line.split()
            if len(p) >= 2: cur.append(p[1] if p[1] != "[unknown]" else "?" + p[0][-5:])
    return selfc, incl, n
a, ua, ra, b, ub, rb = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
top = int(sys.argv[7]) if len(sys.argv) > 7 else 40
sa, ia, na = load(a); sb, ib, nb = load(b)
for title, ca, cb in (("SELF", sa, sb), ("INCLUSIVE", ia, ib)):
    rows = []
    for s in set(ca) | set(cb):
        va = ca[s] / na * ua; vb = cb[s] / nb * ub
        rows.append((vb - va * rb / ra, va, vb, s))
    rows.sort(reverse=True)
    print("== %s: excess us/batch, A us/batch, B us/batch, symbol" % title)
    for r in rows[:top]:
        print("%8.1f %8.1f %8.1f  %s" % r)
