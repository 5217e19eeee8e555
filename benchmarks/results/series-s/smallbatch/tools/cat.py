import sys, collections
# categories: first matching rule, scanning the stack from the leaf to the root
RULES = [
 ("rocksdb memtable insert", ["MemTable::Add", "InsertInto", "InlineSkipList"]),
 ("WAL write+fdatasync (kernel incl.)", ["fdatasync", "__libc_write", "PosixWritableFile", "WritableFileWriter", "SyncWAL", "WriteToWAL"]),
 ("rocksdb write-group/other", ["DBImpl::WriteImpl", "WriteThread", "RocksDB.write0", "RocksDB_write0"]),
 ("native batch fill (JNI put/clear)", ["WriteBatch.put", "putJni", "WriteBatch.clear", "setSavePoint", "rollbackToSavePoint", "WriteBatch_put", "WriteBatch_clear"]),
 ("wake another thread (unpark/notify/futex_wake)", ["futex_wake", "Unsafe.unpark", "LockSupport.unpark", "pthread_cond_signal", "ObjectMonitor::notify", "JVM_MonitorNotify", "try_to_wake_up", "__lll_lock_wake"]),
 ("park/wait/schedule (futex_wait, idle spin)", ["futex_wait", "Unsafe_Park", "Parker::park", "LockSupport.park", "JVM_MonitorWait", "ObjectMonitor::wait", "__schedule", "sched_yield", "schedule", "ObjectMonitor::enter", "ObjectMonitor::EnterI", "SpinPause"]),
 ("user callback (probe's next put)", ["ProfileDriver.next", "ProfileDriver$$Lambda"]),
 ("page faults", ["asm_exc_page_fault"]),
 ("GC/JIT/VM threads", []),
]
def classify(comm, frames):
    if not comm.startswith("level-mutex"):
        return "GC/JIT/VM threads"
    for name, keys in RULES:
        for f in frames:
            if any(k in f for k in keys):
                return name
    return "other Java on this thread (cycle, committer logic)"
def run(path, batches, writes):
    tot = collections.Counter(); n = 0
    comm = None; frames = []
    def flush():
        nonlocal n
        if comm is None: return
        who = "committer" if comm.startswith("level-mutex-com") else ("cycle" if comm.startswith("level-mutex") else "other")
        tot[(who, classify(comm, frames))] += 1; n += 1
    for line in open(path):
        if not line.strip():
            flush(); comm = None; frames = []; continue
        if not line.startswith("\t") and not line.startswith(" "):
            comm = line.split(" ")[0] if not line.startswith("level-mutex") else line.rsplit(" ", 2)[0].strip()
            comm = line.strip().rsplit(" ", 1)[0]
            continue
        frames.append(line.strip().split(" ", 1)[1] if " " in line.strip() else line.strip())
    flush()
    return tot, n
if __name__ == "__main__":
    path, batches, cpu_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    tot, n = run(path, batches, 0)
    us_per_sample = cpu_ms * 1000 / n  # scale samples to perf stat's task-clock
    print(f"{path}: {n} samples, {batches} batches, task-clock {cpu_ms} ms -> {cpu_ms*1000/batches:.1f} us CPU/batch")
    for (who, cat), c in sorted(tot.items(), key=lambda x: -x[1]):
        print(f"{c*us_per_sample/batches:8.2f} us/batch {100*c/n:5.1f}%  {who:9s} {cat}")
