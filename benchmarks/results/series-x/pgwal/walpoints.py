#!/usr/bin/env python3
"""Tabulates the WAL and backend figures of series Q reports (results-quick.md / results-full.md) given as arguments:
one row per run and contender. Usage: walpoints.py [--tag] report.md..."""
import re, sys

SHORT = {"limit": "l1", "1 node": "m1", "3 nodes": "m3", "1 node, 8 keyspaces": "m1k8", "3 nodes, 8 keyspaces": "m3k8"}

def short(name):
    name = name.strip()
    if name.startswith("level-mutex, "):
        return SHORT.get(name[len("level-mutex, "):], name)
    return "l1" if "limit" in name.lower() or "L1" in name else name

def num(pattern, text, default=""):
    m = re.search(pattern, text)
    return m.group(1).replace(",", "") if m else default

def points(path):
    text = open(path).read()
    blocks = re.split(r"\n- (?=run \d+, )", text)
    rows = {}
    for b in blocks[1:]:
        head = re.match(r"run (\d+), [^\n]*?C=(\d+), ([^:]+): ", b)
        if not head:
            continue
        key = (int(head.group(1)), short(head.group(3)), int(head.group(2)))
        r = rows.setdefault(key, {})
        if "batches/s in the window" in b:
            r["batch/s"] = num(r"([\d,.]+) batches/s in the window", b)
            r["rows/batch"] = num(r"([\d.]+) writes per batch", b)
            r["stmt/batch"] = num(r"= ([\d.]+) per batch", b)
        if "busy backends per sample" in b:
            r["busy"] = num(r"([\d.]+) busy backends per sample", b)
            r["lock%"] = num(r"lock waits (\d+)%", b)
            r["CPU%"] = num(r" CPU (\d+)%", b, "0")
            r["WALWrite%"] = num(r"LWLock:WALWrite (\d+)%", b, "0")
            r["WALSync%"] = num(r"IO:WALSync (\d+)%", b, "0")
        if "WAL syncs/s" in b:
            r["syncs/s"] = num(r"(\d+) WAL syncs/s", b)
            r["rows/sync"] = num(r"\*\*([\d.]+) rows and", b)
            r["batches/sync"] = num(r"rows and ([\d.]+) batches per sync", b)
            r["sync ms"] = num(r"mean sync ([\d.]+) ms", b)
            r["disk busy%"] = num(r"syncing (\d+)% of the window", b)
            r["B/row"] = num(r"\(([\d]+) by insert position\)", b)
            r["FPI/row"] = num(r"([\d.]+) full-page images", b)
            r["ckpt"] = num(r"(\d+) checkpoints", b)
    return rows

def okps(path):
    """ops/s per (run, contender) from the progress lines of the .err beside the report, if given."""
    out = {}
    try:
        for line in open(path):
            m = re.match(r"\[run (\d+)\] .*?C=(\d+)\s+(.*?)\s{2,}([\d,]+) ok/s", line)
            if m:
                out[(int(m.group(1)), short(m.group(3)), int(m.group(2)))] = m.group(4).replace(",", "")
    except OSError:
        pass
    return out

COLS = ["ok/s", "batch/s", "rows/batch", "syncs/s", "rows/sync", "batches/sync", "sync ms", "disk busy%", "B/row",
        "FPI/row", "ckpt", "stmt/batch", "busy", "lock%", "CPU%", "WALWrite%", "WALSync%"]

args = sys.argv[1:]
print("| report | run | contender | C | " + " | ".join(COLS) + " |")
print("|---|---:|---|---:|" + "---:|" * len(COLS))
for path in args:
    rows = points(path)
    ok = okps(re.sub(r"/results-\w+\.md$", "", path) + ".err")
    tag = path.split("/")[-2]
    order = ["l1", "m1", "m3", "m1k8", "m3k8"]
    for key in sorted(rows, key=lambda k: (k[0], order.index(k[1]) if k[1] in order else 9, k[2])):
        r = rows[key]
        r["ok/s"] = ok.get(key, "")
        print(f"| {tag} | {key[0]} | {key[1]} | {key[2]} | " + " | ".join(str(r.get(c, "")) for c in COLS) + " |")
