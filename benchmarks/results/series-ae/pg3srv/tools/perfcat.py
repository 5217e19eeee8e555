#!/usr/bin/env python3
"""Attributes `perf script` samples of the PostgreSQL server to categories by their call chains.

Usage: perf script -i X.data -F pid,tid,comm,ip,sym,dso | perfcat.py [--pids pid=role,...]
Each sample goes to the first category (in the order below) any frame of its chain matches; the shares are of
all samples (CPU time at a fixed sampling rate)."""
import re, sys, collections

CATS = [
    ("NOTIFY send (PreCommit/AtCommit_Notify, SignalBackends, queue add)", r"^(Async_Notify|PreCommit_Notify|AtCommit_Notify|SignalBackends|asyncQueueAddEntries|pg_notify|asyncQueueAdvanceTail|asyncQueueFillWarning)$"),
    ("NOTIFY receive (signal handler, queue read, latch wake)", r"^(ProcessNotifyInterrupt|HandleNotifyInterrupt|asyncQueueReadAllNotifications|asyncQueueProcessPageEntries|procsignal_sigusr1_handler|ProcessClientReadInterrupt|NotifyMyFrontEnd|ProcessIncomingNotify)$"),
    ("WAL flush (XLogFlush, fdatasync, walwriter)", r"^(XLogFlush|XLogWrite|issue_xlog_fsync|XLogBackgroundFlush|fdatasync|WalWriterMain|pg_fdatasync)$"),
    ("WAL insert", r"^(XLogInsert|XLogInsertRecord|XLogRecordAssemble|CopyXLogRecordToWAL|ReserveXLogInsertLocation|WALInsertLockAcquire)$"),
    ("HOT pruning (heap_page_prune_opt)", r"^(heap_page_prune_opt|heap_page_prune)$"),
    ("planning / plan cache (GetCachedPlan, planner, plpgsql compile)", r"^(GetCachedPlan|BuildCachedPlan|RevalidateCachedQuery|pg_plan_query|planner|standard_planner|plpgsql_compile|do_compile|pg_analyze_and_rewrite.*|parse_analyze.*|raw_parser|SPI_prepare.*|_SPI_prepare_plan|CompleteCachedPlan|CreateCachedPlan)$"),
    ("catalog / relcache / syscache", r"^(RelationBuildDesc|SearchCatCache.*|SearchSysCache.*|RelationIdGetRelation|LookupTypeNameOid|typenameTypeId|lookup_type_cache|fmgr_info_cxt_security|func_get_detail|FuncnameGetCandidates|get_func_.*|AcceptInvalidationMessages|ReceiveSharedInvalidMessages|LocalExecuteInvalidationMessage)$"),
    ("heavyweight locks / row locks / waits", r"^(LockAcquire|LockAcquireExtended|LockRelease|LockReleaseAll|XactLockTableWait|heap_lock_tuple|LockTuple|ProcSleep|LockRelationOid|UnlockRelationId|LockBuffer|WaitOnLock|ProcLockWakeup|GetLockConflicts)$"),
    ("snapshot / ProcArray", r"^(GetSnapshotData|GetTransactionSnapshot|GetLatestSnapshot|ProcArrayEndTransaction|ProcArrayGroupClearXid|GetNewTransactionId|TransactionIdIsInProgress|XidInMVCCSnapshot)$"),
    ("transaction start / commit / abort (rest)", r"^(StartTransaction|CommitTransaction|AbortTransaction|CleanupTransaction|StartTransactionCommand|CommitTransactionCommand|_SPI_commit|SPI_commit|SPI_start_transaction|RecordTransactionCommit|AtEOXact_.*|ResourceOwnerRelease.*|smgrDoPendingDeletes|PreCommit_on_commit_actions|AtStart_.*)$"),
    ("client protocol (parse/bind/describe, socket I/O)", r"^(exec_parse_message|exec_bind_message|exec_describe_.*|pq_.*|secure_read|secure_write|socket_.*|internal_flush|printtup.*|SendRowDescriptionMessage|ReadCommand|SocketBackend|exec_simple_query)$"),
    ("statement execution (executor, index, heap, PL/pgSQL body)", r"^(ExecutorRun|standard_ExecutorRun|ExecutorStart|standard_ExecutorStart|ExecutorFinish|standard_ExecutorFinish|ExecutorEnd|standard_ExecutorEnd|PortalRun.*|ExecuteCallStmt|ExecCallStmt|ProcessUtility|standard_ProcessUtility|plpgsql_.*|exec_stmt.*|SPI_execute.*|_SPI_execute_plan|ExecModifyTable|ExecInsert|ExecUpdate|heap_.*|_bt_.*|btinsert|index_.*|ExecScan)$"),
    ("idle wait / latch / epoll (syscalls)", r"^(WaitEventSetWait|WaitEventSetWaitBlock|WaitLatch|epoll_wait|__GI_epoll_wait|pg_usleep|ServerLoop|SyncRepWaitForLSN|PGSemaphoreLock|do_futex_wait.*|__futex.*)$"),
    ("background processes' own work", r"^(BackgroundWriterMain|CheckpointerMain|AutoVacLauncherMain|ApplyLauncherMain|BgBufferSync)$"),
]
CRE = [(n, re.compile(p)) for n, p in CATS]

def main():
    roles = {}
    if len(sys.argv) > 2 and sys.argv[1] == "--pids":
        for kv in sys.argv[2].split(","):
            k, v = kv.split("=")
            roles[k] = v
    counts = collections.Counter(); byrole = collections.defaultdict(collections.Counter)
    total = 0; frames = []; head = None
    def flush():
        nonlocal total
        if head is None: return
        cat = "other (unresolved / kernel only)"
        for n, c in CRE:
            if any(c.match(f) for f in frames):
                cat = n; break
        counts[cat] += 1; total += 1
        byrole[roles.get(head, "pid " + head if roles else "all")][cat] += 1
    for line in sys.stdin:
        if not line.strip():
            flush(); head = None; frames = []; continue
        if not line.startswith((" ", "\t")):
            parts = line.split()
            head = parts[1].split("/")[0] if parts[0] == "postgres" and len(parts) > 1 else parts[1] if len(parts)>1 else parts[0]
            m = re.match(r"\S+\s+(\d+)", line)
            head = m.group(1) if m else head
            continue
        p = line.split()
        if len(p) >= 2:
            frames.append(re.sub(r"\+0x[0-9a-f]+$", "", p[1]))
    flush()
    print("samples", total)
    for n, c in counts.most_common():
        print("%6.1f%%  %s" % (100.0 * c / total, n))
    if roles:
        for r, cc in sorted(byrole.items(), key=lambda x: -sum(x[1].values())):
            s = sum(cc.values())
            print("\n[%s] %.1f%% of samples" % (r, 100.0 * s / total))
            for n, c in cc.most_common(8):
                print("  %6.1f%%  %s" % (100.0 * c / total, n))

main()
