#!/usr/bin/env python3
"""Per-batch counts from series Q results-quick.md files: python3 summarize.py raw/*-results-quick.md"""
import re, sys
KINDS = [("CALL", "CALL level_mutex_commit_released"), ("fn", "SELECT seq, applied_ops"),
         ("flush", "SELECT set_config"), ("seqs", "SELECT id, seq, async_seq"),
         ("own", "SELECT seq FROM level_mutex_batch"), ("catchup", "SELECT k.id, k.seq"), ("notify", "SELECT pg_notify")]
CONT = {"level-mutex, 1 node:": "m1", "level-mutex, 3 nodes:": "m3", "level-mutex, 1 node, 8 keyspaces:": "m1k8",
        "level-mutex, 3 nodes, 8 keyspaces:": "m3k8"}
for path in sys.argv[1:]:
    name = path.split("/")[-1].split("-")[0]
    text = open(path).read()
    for m in re.finditer(r"\| blind puts C=256, (one keyspace|8 keyspaces): 3 nodes / 1 node \| >= 0.9 \| ([0-9.]+) \| [^|]*\| [^|]*\| runs: ([0-9. ]+)\|", text):
        print(f"{name} ratio {m.group(1)}: median {m.group(2)} runs {m.group(3).strip()}")
    blocks = re.split(r"\n- run ", text)
    for b in blocks[1:]:
        head = b.split("\n")[0]
        run = head.split(",")[0]
        cont = next((v for k, v in CONT.items() if k in head), None)
        if cont is None or cont in ("m1", "m1k8"):
            continue
        bps = re.search(r"([0-9.]+) batches/s", head).group(1)
        wpb = re.search(r"([0-9.]+) writes per batch", head).group(1)
        walw = re.search(r"LWLock:WALWrite (\d+)%", b)
        lockw = re.search(r"lock waits (\d+)%", b)
        calls = {}
        for k, pat in KINDS:
            mm = re.search(re.escape(pat) + r".*?: ([0-9.]+) calls/batch, ([0-9.]+) ms mean", b)
            calls[k] = f"{mm.group(1)}" if mm else "-"
            if k == "CALL" and mm:
                calls["CALLms"] = mm.group(2)
        stmts = sum(float(v) for k, v in calls.items() if k not in ("CALLms",) and v != "-")
        print(f"{name} run{run} {cont}: {bps} b/s, {wpb} w/b, WALWrite {walw.group(1) if walw else '-'}%, lockwait {lockw.group(1) if lockw else '-'}%, "
              + ", ".join(f"{k} {v}" for k, v in calls.items()) + f", all {stmts:.2f}/batch")
