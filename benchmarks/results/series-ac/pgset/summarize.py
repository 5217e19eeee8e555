"""JoinedSetProbe output: per (senders, W) the server CPU per keyspace batch of each set-based form against main's
procedure in the SAME round (run back to back), as a ratio; the median ratio and how many rounds it was lower."""
import re, sys, statistics, collections
rows = collections.defaultdict(dict)  # (file, senders, W, round) -> proc -> (cpu, rows/s)
for f in sys.argv[1:]:
    for line in open(f):
        m = re.match(r'round (\d+) (\S+)\s+senders (\d+) W\s*(\d+) .*rows/s\s+(\d+) \| server CPU ms/kbatch ([\d.]+)', line)
        if m:
            rows[(f, int(m.group(3)), int(m.group(4)), int(m.group(1)))][m.group(2)] = (float(m.group(6)), int(m.group(5)))
pairs = collections.defaultdict(list)
for (f, s, w, r), d in rows.items():
    a = d.get('level_mutex_commit_joined')
    for p in ('level_mutex_commit_joined_set', 'level_mutex_commit_joined_set2'):
        if a and p in d:
            pairs[(s, w, p)].append((f, r, a[0], d[p][0]))
print('| senders x W | set-based form | rounds | server CPU ms per keyspace batch, main -> set-based (each round) | median ratio | rounds lower |')
print('|---|---|---:|---|---:|---:|')
for k in sorted(pairs):
    v = pairs[k]
    ratios = [b / a for _, _, a, b in v]
    lower = sum(1 for x in ratios if x < 1)
    print(f'| {k[0]} x {k[1]} | {k[2].replace("level_mutex_commit_joined_", "")} | {len(v)} | '
          + ', '.join(f'{a:.3f}->{b:.3f}' for _, _, a, b in v)
          + f' | {statistics.median(ratios):.2f} | {lower} of {len(v)} |')
