package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.BlockingCalls;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.StorageEngine;

/**
 * One mutex at the byte level: its read and write queues, the drain that runs its cycles on the
 * executor one at a time, and its close. Typed access goes through {@link CodecMutex} views; the
 * encoding of input is {@link InputEncoder}'s, the tracking of handed-out futures
 * {@link TrackedFutures}'.
 */
final class MutexCore {

	/*
	 * Design.
	 *
	 * The cycle. Callers queue reads and write items (OpQueue, no lock) and schedule a drain. A drain
	 * task, on the executor, runs cycles: a read phase runs every read counted when the cycle started on
	 * one snapshot and delivers the results in issue order (ReadPhase); then a write phase writes every
	 * item queued by then, including those issued while the reads were delivered, in issue order, in as
	 * many atomic batches as the limits need (WritePhase). Each phase completes every operation it took,
	 * exactly once, whatever fails.
	 *
	 * Drain status (drainStatus, after Caffeine's BoundedLocalCache), at most one drain running per mutex:
	 *   IDLE                    no task. Work arrives: -> REQUIRED, and the task is submitted (or, for a lone
	 *                           blocking write, -> PROCESSING_TO_IDLE by its caller, who runs the drain: below).
	 *   REQUIRED                a task is submitted, not yet running. Work arrives: stays.
	 *   PROCESSING_TO_IDLE      a task runs, and no work arrived since it last looked. Work arrives:
	 *                           -> PROCESSING_TO_REQUIRED.
	 *   PROCESSING_TO_REQUIRED  a task runs, and work arrived meanwhile. Work arrives: stays.
	 * The task CASes REQUIRED -> PROCESSING_TO_IDLE when it starts (and does nothing if that fails: see helping); after a cycle that leaves the queues empty it CASes
	 * PROCESSING_TO_IDLE -> IDLE and ends, or, if work arrived, sets PROCESSING_TO_IDLE and runs another cycle.
	 * After MAX_CYCLES_PER_DRAIN cycles in one task, or an unexpected throwable, it sets REQUIRED and submits a new
	 * task, so other mutexes get the executor. A write phase that waits for an asynchronous commit already returns the
	 * thread (the commit's completion resumes the cycle in a new task, queued behind the other mutexes' tasks), so the
	 * count starts again in that task: a drain whose every batch waits for a commit costs one task per batch and no
	 * extra task to yield (issue 22: the hand-offs a batch pays). If the executor refuses a task, the thread that submitted it claims the
	 * drain (REQUIRED -> PROCESSING_TO_IDLE, as a task would), fails what was queued, goes IDLE, and submits again
	 * if more work arrived (submit); if it cannot claim it, a joining caller or an earlier task did and runs it.
	 *
	 * A blocking wait helps instead of parking (after ForkJoinPool's helping join). A task submitted for REQUIRED
	 * is a token, not the drain itself: whoever CASes REQUIRED -> PROCESSING_TO_IDLE owns the drain. A caller
	 * blocking in MutexFuture.join()/get() (not get(timeout): a cycle it ran could outlast its timeout, e.g. a
	 * commit waiting for another node's lock) on a write's future of this mutex (put, del, update, afterWrite, or
	 * a stage made from one; not a read's: see trackWrite) that is not done, on a thread that runs no cycle
	 * (CycleMarker) and is no pool thread (BlockingCalls.PlaceLender: it must not lend a place it does not hold),
	 * reads drainStatus and, if it is REQUIRED, tries that CAS once (helpDrain), but only a drain submitted because work arrived at an idle mutex whose last write batch held at most one
	 * write (claimable), and only while the caller's write is the only write queued: a drain that yields or is handed back by a helper stays the executor's (a busy mutex's
	 * cycles run back to back on a pool thread; claimed by callers, each would end in a hand-off to the next:
	 * measured slower), and so does the next drain after a batch of several writes (callers write concurrently:
	 * the pool thread's wake-up lets their burst gather into one batch, where a claiming caller would commit the
	 * first few alone; 256 blocking non-durable clients were measured 6-15% slower). Won: it runs cycles on its own
	 * thread, marked as a cycle thread, until its own future is done (checked after each cycle) or no work is left
	 * (-> IDLE, as a task), at most MAX_CYCLES_PER_DRAIN; work left after its future is done goes back to the
	 * executor as a yielding drain does (REQUIRED + submit). A write phase that waits for an async commit returns
	 * the thread as on any cycle thread (the commit's completion resumes the cycle on the executor) and the caller
	 * then parks as before. The task submitted for the claimed REQUIRED later finds drainStatus not REQUIRED and
	 * does nothing, or finds a newer REQUIRED (whose own task is still queued: every REQUIRED submits one after it
	 * is set) and runs that drain; either way at most one drain runs at a time and every REQUIRED is claimed by
	 * exactly one thread. On the store's own CyclePool the helper takes one queued task of this mutex back out
	 * (CyclePool.cancel: any of them is as good, all are the same token), so that a late stale task neither claims
	 * the next drain its caller is about to claim nor, queued while a pool cycle lends its place, makes the pool
	 * start a thread whose shrink later wakes every idle one. Lost: the caller parks as before. A caller that
	 * joins while the drain runs (PROCESSING_*) reads one volatile and parks: 256 joiners cost at most one CAS
	 * each, and only while the status is REQUIRED. The helper claims only when it will run the cycle to its end:
	 * not on an interrupted thread (join() included: the interrupt would reach the cycle's blocking calls, such as
	 * an engine's connection wait, and fail other callers' batch); an interrupt that arrives while the caller runs
	 * the cycle reaches what the cycle runs, as it would on a pool thread interrupted then. Ordering, phases,
	 * events, exactly-once completion, close and abandon are the drain's, unchanged; other callers' callbacks and
	 * listeners may run on the helping thread, as on any cycle thread. Only on the store's own pool
	 * (JoinableExecutor): a mutex on an executor the application gave it runs every cycle there. Off with the
	 * system property io.levelmutex.joinRunsCycle=false (read when a mutex is made; for A/B measurements).
	 *
	 * A blocking write claims an idle drain without a task (BlockingMutex: the caller says it will wait). Helping at
	 * join() cannot save the submit: at put() the mutex cannot know the caller will block, so the submit has already
	 * woken a pool thread, which finds the drain claimed and parks again, competing for the processors (issue 19's
	 * C=1 profile). A blocking write (awaitWrite: put, del, update, afterWrite's barrier) queues its item, then, under
	 * the conditions helpDrain claims under (joinRunsCycle; the drain IDLE, and the last write batch single, read after
	 * that volatile IDLE; its item the only write queued; a thread that is no pool thread, not interrupted, and runs
	 * no cycle: BlockingWait refuses a cycle thread before anything is queued), CASes IDLE -> PROCESSING_TO_IDLE
	 * itself (claimIdleDrain) and runs cycles(false, its future) exactly as a helper does: nothing is submitted, so
	 * no task exists to be stale. Whoever CASes out of IDLE owns the drain, so the invariants hold as for a task: a
	 * producer that finds PROCESSING_TO_IDLE sets PROCESSING_TO_REQUIRED and the caller's loop sees its work; the
	 * caller's CAS fails if another producer's scheduleDrain won (IDLE -> REQUIRED), and then the caller schedules
	 * (a no-op) and waits in join(), which may claim that REQUIRED as before; at most one drain runs, and every
	 * REQUIRED is still set by exactly one thread and submitted once. The rest is the helper's: once its future is
	 * done, work left goes back to the executor (REQUIRED + submit; if the executor refuses, submit fails what is
	 * queued, exactly once), and a write phase that waits for an asynchronous commit returns the thread (the
	 * commit's completion resumes the cycle on the executor, or on the commit's thread if the executor refuses, while
	 * the caller parks in join()). A close arriving meanwhile finds the drain PROCESSING and is run by it, or by the
	 * pool after the hand-back; abandon fails the caller's future like any other. Otherwise (conditions not met, CAS
	 * lost) the write is scheduled as any write. Blocking reads do not claim: a caller that ran a read's cycle would
	 * run the write phase after it too (writes issued while the results were delivered must join the very next write
	 * phase), held past its result (see trackWrite); they queue and wait for the pool.
	 *
	 * Close. closeAsync sets closed (new operations are refused at the call), starts the closeTimeout
	 * timer and schedules a drain; the queued operations run as usual, and the drain that goes IDLE with
	 * closed set calls closed(): the store forgets the mutex, the keyspace storage is closed and the close
	 * future completes.
	 *
	 * Abandon. If the close has not completed within closeTimeout (a callback, update function or listener
	 * blocks a phase), abandon fails every future still pending (TrackedFutures.failAll) and completes the
	 * close at once. The blocked phase runs on until it returns, then writes nothing (abandoned() is set);
	 * the store's release closes the keyspace storage once no phase uses it (StoreGuard).
	 *
	 * Who owns what. Caller threads: add to the queues and raise counts, track futures, read closed.
	 * The cycle thread (whichever thread runs the current drain: a task of the executor, or a caller
	 * that claimed it (REQUIRED at a join, IDLE at a blocking write); successive drains are ordered by the drainStatus CAS, a volatile write by the finishing
	 * drain and a volatile read before the next is submitted or claimed, so these fields need no further
	 * synchronization): takes from the queues and lowers counts, readPhase, writePhase, phaseReads, phaseNumber, batchNumber, writesInFlight (written), cycleThread.
	 * Any thread: closeAsync, abandon (the timer's thread), closeStorage (once, by CAS). The engine's
	 * notification thread: remoteChanged.
	 */

	private static final System.Logger LOG = System.getLogger(Mutex.class.getName());

	// Drain status (see the design above): whether a drain task is scheduled or running, and
	// whether more work arrived while it ran.
	static final int IDLE = 0;

	static final int REQUIRED = 1;

	static final int PROCESSING_TO_IDLE = 2;

	static final int PROCESSING_TO_REQUIRED = 3;

	/** Cycles one drain task runs before it yields the executor to other mutexes. */
	static final int MAX_CYCLES_PER_DRAIN = 32;

	/** The system property that, set to {@code false}, keeps blocking waits from running a drain (A/B measurements). */
	static final String JOIN_RUNS_CYCLE_PROPERTY = "io.levelmutex.joinRunsCycle";

	private final MutexStore store;

	private final MutexOptions options;

	private final byte[] prefix;

	private final KeyspaceStorage storage;

	/** Whether the footprints of updates are recorded for the engine to validate. */
	private final boolean validatesUpdates;

	/** Encodes the mutex's keys, values and ranges, held to its limits; immutable. */
	private final InputEncoder input;

	/** Set once by whichever thread closes the keyspace storage first. */
	private final AtomicBoolean storageClosed = new AtomicBoolean();

	private final Executor executor;

	private final MutexListeners listeners;

	private final MutexCounters counters = new MutexCounters();

	/**
	 * Runs every read phase (made on the first, then reused, so that an idle mutex holds none); used by the
	 * cycle thread only.
	 */
	private @Nullable ReadPhase readPhase;

	/** Runs every write phase (made once, not per cycle); used by the cycle thread only. */
	private final WritePhase writePhase;

	/**
	 * The queued reads and write items, linked through the items (no node per operation); added to by
	 * callers, taken from by the cycle thread (or, when the executor refused the cycle, by the thread
	 * failing what was queued: see {@link #submit()}).
	 */
	private final OpQueue<QueuedRead> reads = new OpQueue<>();

	private final OpQueue<QueuedWrite> writes = new OpQueue<>();

	/** Reads and write items waiting, for the queue limit; raised by callers, lowered by the cycle thread. */
	private final QueueCounts counts = new QueueCounts();

	/**
	 * Write items taken from the queue whose futures have not all completed yet, for
	 * {@link #afterWrite()}; written only by the cycle thread (raised before the queue count is
	 * lowered, lowered after the items' futures completed), read by any thread.
	 */
	private volatile int writesInFlight;

	private final AtomicInteger drainStatus = new AtomicInteger(IDLE);

	/**
	 * Whether the submitted drain (drainStatus REQUIRED) may be claimed by a joining caller: set after the CAS
	 * IDLE -> REQUIRED by the thread that made it (work arrived at an idle mutex), cleared by the drain owner before
	 * it sets REQUIRED to yield or hand the rest back (a busy mutex: its next cycles stay the executor's). Read by
	 * joining callers after reading REQUIRED; the drainStatus writes order it.
	 */
	private volatile boolean claimable;

	/**
	 * Whether the last write batch took at most one write item (true before the first): only then is a drain
	 * submitted at an idle mutex claimable, since after a batch of several writes callers write concurrently and a
	 * caller claiming the next drain would cut their burst into small batches. Written by the cycle thread
	 * ({@link #writesTaken}); read by the thread that makes the drain REQUIRED, after the drainStatus CAS that
	 * orders it after the cycle's writes, and by a blocking writer after it read IDLE ({@link #claimIdleDrain}).
	 */
	private boolean lastBatchSingle = true;

	/**
	 * {@link #lastBatchSingle} by {@code min(itemsTaken, 2)}: a table instead of {@code count <= 1}, which javac
	 * compiles to a branch (see {@link #writesTaken}).
	 */
	private static final boolean[] SINGLE_BY_COUNT = { true, true, false };

	/** The task every submit hands to the executor (one instance, so that a claimed one can be taken back). */
	private final Runnable drainTask = this::drain;

	/** The task a completed asynchronous commit hands to the executor: the rest of its cycle (one instance). */
	private final Runnable resumeTask = () -> cycles(true, null);

	/** What a write phase's pending commit runs when it completes (one instance: no lambda per batch). */
	private final BiConsumer<Object, @Nullable Throwable> resumeOnCommit = (result, error) -> resumeAfterCommit();

	/**
	 * Whether a blocking wait on this mutex's futures may claim and run a submitted drain: on the store's own pool
	 * ({@link JoinableExecutor}), not on an executor the application gave the mutex, and not when switched off by
	 * the property; immutable.
	 */
	private final boolean joinRunsCycle;

	private final CompletableFuture<Void> closeFuture;

	/** The byte-level view handed out by the store; immutable. */
	private final CodecMutex<byte[], byte[]> bytesView;

	/** Set once by {@link #closeAsync()}; read by any thread. */
	private volatile boolean closed;

	/** The futures handed out and maybe not completed yet, failed by {@link #abandon}; any thread. */
	private final TrackedFutures tracked;

	/** The thread running the current drain task, or {@code null}; written by the cycle thread. */
	private volatile @Nullable Thread cycleThread;

	/**
	 * The reads of the running read phase, in issue order: one list reused by every phase (empty
	 * between phases, so it holds no finished read); cycle thread.
	 */
	private ArrayList<QueuedRead> phaseReads = new ArrayList<>();

	/** Read phases and batches run so far; cycle thread. */
	private long phaseNumber;

	private long batchNumber;

	MutexCore(MutexStore store, MutexOptions options, StorageEngine engine, boolean durable, Executor executor) {
		this.store = store;
		this.options = options;
		this.closeFuture = new MutexFuture<>(options.name());
		this.executor = executor;
		this.joinRunsCycle = executor instanceof JoinableExecutor
				&& !"false".equals(System.getProperty(JOIN_RUNS_CYCLE_PROPERTY));
		this.listeners = new MutexListeners(options.name());
		this.bytesView = new CodecMutex<>(this, Codecs.bytes(), Codecs.bytes());
		this.storage = engine.open(options.keyspace(), durable, this::remoteChanged);
		this.prefix = this.storage.keyPrefix();
		this.validatesUpdates = this.storage.validatesUpdates();
		this.input = new InputEncoder(options.name(), this.prefix, options, this.storage.maxKeyBytes(),
				this.storage.maxValueBytes());
		this.tracked = new TrackedFutures(options.name());
		this.writePhase = new WritePhase(this); // last: it looks at the storage and the options
	}

	/** Other writers committed batches to the keyspace; the engine's notification thread. */
	private void remoteChanged(long fromSequence, long toSequence) {
		this.counters.remoteChange(fromSequence, toSequence);
		if (!this.listeners.isEmpty()) {
			this.listeners.remoteChange(new RemoteChangeEvent(name(), fromSequence, toSequence));
		}
	}

	/** Closes the keyspace storage once; any thread, once no phase of this mutex uses it. */
	void closeStorage() {
		if (this.storageClosed.compareAndSet(false, true)) {
			try {
				this.storage.close();
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.WARNING, "Closing the storage of mutex '" + name() + "' failed", ex);
			}
			this.store.storageClosed(this);
		}
	}

	CodecMutex<byte[], byte[]> bytesView() {
		return this.bytesView;
	}

	// ---- queuing (any thread)

	void enqueueRead(QueuedRead read) {
		checkOpen();
		if (!this.counts.tryAddRead(this.options.maxQueuedOperations())) {
			throw overloaded();
		}
		this.reads.add(read);
		scheduleDrain();
	}

	void enqueueWrite(QueuedWrite write) {
		queueWrite(write);
		scheduleDrain();
	}

	/** Adds a write item to the queue, or throws, queuing nothing; the caller then schedules (or claims) a drain. */
	private void queueWrite(QueuedWrite write) {
		checkOpen();
		if (!this.counts.tryAddWrite(this.options.maxQueuedOperations())) {
			throw overloaded();
		}
		this.writes.add(write);
	}

	CompletableFuture<Void> afterWrite() {
		WriteBarrier barrier = queueBarrier();
		if (barrier == null) {
			return MutexFuture.completed(name(), null);
		}
		scheduleDrain();
		return barrier.future;
	}

	/** Queues an {@link #afterWrite()} barrier, or returns {@code null} if no write is queued or in flight. */
	private @Nullable WriteBarrier queueBarrier() {
		checkOpen();
		// counts first: the cycle raises writesInFlight before it lowers the count
		if (this.counts.writes() == 0 && this.writesInFlight == 0) {
			return null;
		}
		WriteBarrier barrier = new WriteBarrier(name());
		queueWrite(barrier);
		return barrier;
	}

	// ---- blocking calls (BlockingMutex: the caller waits for the outcome on this thread, which runs no cycle)

	/**
	 * Queues a write for a caller that waits for it, and waits: a lone writer at an idle mutex claims the drain at
	 * once and runs its cycle here, submitting no task ({@link #claimIdleDrain}); otherwise the drain is scheduled as
	 * for any write and the caller waits as {@code join()} does (which may still help: {@link #helpDrain}).
	 * @param write the write item (a put, delete, update or barrier), not queued yet
	 * @param future its future
	 * @return the future's value
	 */
	<T> T awaitWrite(QueuedWrite write, CompletableFuture<T> future) {
		queueWrite(write);
		return awaitQueuedWrite(future);
	}

	/** {@link #afterWrite()} for a caller that waits: its barrier is queued and awaited as {@link #awaitWrite} does. */
	void awaitAfterWrite() {
		WriteBarrier barrier = queueBarrier();
		if (barrier != null) {
			awaitQueuedWrite(barrier.future);
		}
	}

	/** The write whose future this is was just queued (once: the queue links its items): claim or schedule, wait. */
	private <T> T awaitQueuedWrite(CompletableFuture<T> future) {
		trackWrite(future);
		if (claimIdleDrain()) {
			cycles(false, future);
		}
		else {
			scheduleDrain();
		}
		return BlockingWait.result(future);
	}

	/** Queues a read for a caller that waits for it, and waits; the pool runs its cycle (see the design above). */
	<T> T awaitRead(QueuedRead read, CompletableFuture<T> future) {
		enqueueRead(read);
		return BlockingWait.result(track(future));
	}

	/**
	 * The blocking write just queued may run its cycle on this thread: CASes IDLE -> PROCESSING_TO_IDLE, as a drain
	 * task starting would, but only where {@link #helpDrain} would claim the drain a submit makes (the store's own
	 * pool, on, a thread that is no pool thread and not interrupted, the last batch single and no other write queued),
	 * so that no task is submitted and no pool thread woken for a cycle the caller runs anyway.
	 * @return whether this thread now owns the drain (then it runs {@link #cycles})
	 */
	private boolean claimIdleDrain() {
		Thread thread = Thread.currentThread();
		// drainStatus first: IDLE was written by the drain that ended last, after its writesTaken
		if (!this.joinRunsCycle || this.drainStatus.get() != IDLE || !this.lastBatchSingle
				|| this.counts.writes() > 1 || thread instanceof BlockingCalls.PlaceLender || thread.isInterrupted()) {
			return false;
		}
		if (!this.drainStatus.compareAndSet(IDLE, PROCESSING_TO_IDLE)) {
			return false; // another caller's work scheduled a drain meanwhile: it will take this write too
		}
		this.counters.drainStarted(); // for MutexStats.waitingForCycle: no drain waits for a thread
		return true;
	}

	/**
	 * Items were taken from the write queue into a batch; cycle thread. Branch-free on purpose: it is inlined into
	 * the write phase's per-batch method, and a branch on the batch's size that one run never takes (a batch of at
	 * most one item, or none, at a busy mutex) makes the JIT's optimized code trap and be thrown away the first time
	 * it is taken, e.g. when a new burst starts with a single write ({@link #SINGLE_BY_COUNT}).
	 */
	void writesTaken(int count) {
		this.lastBatchSingle = SINGLE_BY_COUNT[Math.min(count, 2)];
		this.writesInFlight += count; // count >= 0; adding 0 changes nothing
		this.counts.removeWrites(count);
	}

	/**
	 * Items taken into a batch have completed: they no longer hold up {@link #afterWrite()}; cycle thread.
	 * Branch-free like {@link #writesTaken}: {@code count >= 0}, and subtracting 0 changes nothing.
	 */
	void writesCompleted(int count) {
		this.writesInFlight -= count;
	}

	long nextBatchNumber() {
		return ++this.batchNumber;
	}

	private MutexOverloadedException overloaded() {
		this.counters.rejected();
		return new MutexOverloadedException(name(), this.options.maxQueuedOperations());
	}

	private void checkOpen() {
		if (this.closed) {
			throw new MutexClosedException("Mutex '" + name() + "' is closed; the operation was not queued");
		}
		if (!this.store.isOpen()) {
			throw new MutexClosedException(
					"The store of mutex '" + name() + "' is closed; the operation was not queued");
		}
	}

	// ---- drain status state machine

	void scheduleDrain() {
		for (;;) {
			int status = this.drainStatus.get();
			switch (status) {
				case IDLE -> {
					if (this.drainStatus.compareAndSet(IDLE, REQUIRED)) {
						this.claimable = this.lastBatchSingle;
						submit();
						return;
					}
				}
				case PROCESSING_TO_IDLE -> {
					if (this.drainStatus.compareAndSet(PROCESSING_TO_IDLE, PROCESSING_TO_REQUIRED)) {
						return;
					}
				}
				default -> {
					return; // REQUIRED or PROCESSING_TO_REQUIRED: a drain will see the work
				}
			}
		}
	}

	/**
	 * Hands a drain task to the executor; the drain status is REQUIRED. If the executor refuses
	 * it, no cycle runs and none is scheduled, so this thread owns the queues: it fails what was
	 * queued (nothing else is taken from a queue outside a cycle), then goes IDLE and tries
	 * again for whatever arrived meanwhile.
	 */
	private void submit() {
		this.counters.drainSubmitted(); // for MutexStats.waitingForCycle
		for (;;) {
			try {
				this.executor.execute(this.drainTask);
				return;
			}
			catch (RejectedExecutionException ex) {
				if (!this.drainStatus.compareAndSet(REQUIRED, PROCESSING_TO_IDLE)) {
					return; // a joining caller (or an earlier task) claimed the drain and runs it
				}
				failQueued(rejection(ex));
				this.drainStatus.set(IDLE);
				if (!hasWork()) {
					if (this.closed) {
						closed();
					}
					return;
				}
				if (!this.drainStatus.compareAndSet(IDLE, REQUIRED)) {
					return; // another thread scheduled a drain for the new work
				}
				this.claimable = this.lastBatchSingle;
			}
		}
	}

	private LevelMutexException rejection(RejectedExecutionException ex) {
		int queued = this.counts.reads() + this.counts.writes();
		if (this.closed || !this.store.isOpen()) {
			return new MutexClosedException("Mutex '" + name() + "' is closing and its executor rejected its cycle ("
					+ ex.getMessage() + "); " + queued + " queued operations were failed");
		}
		return new CycleRejectedException(name(), queued, ex);
	}

	private void drain() {
		if (!this.drainStatus.compareAndSet(REQUIRED, PROCESSING_TO_IDLE)) {
			return; // a joining caller claimed the drain this task was submitted for, and ran it
		}
		this.counters.drainStarted(); // for MutexStats.waitingForCycle
		cycles(false, null);
	}

	/**
	 * A caller is about to block on {@code awaited}, a future of this mutex that is not done, on a thread that
	 * runs no cycle and is no pool thread: if a drain is submitted and not started, the caller claims it and runs
	 * cycles here until {@code awaited} is done (see the design above). Returns at once otherwise.
	 * @param awaited the future the caller waits for
	 */
	void helpDrain(CompletableFuture<?> awaited) {
		if (!this.joinRunsCycle || this.drainStatus.get() != REQUIRED || !this.claimable) {
			return; // running, idle, just claimed, or yielded by a busy drain: park as usual
		}
		if (this.counts.writes() > 1) {
			return; // other callers' writes are queued too: the pool's wake-up lets their burst gather
		}
		if (!this.drainStatus.compareAndSet(REQUIRED, PROCESSING_TO_IDLE)) {
			return;
		}
		this.counters.drainStarted(); // for MutexStats.waitingForCycle
		if (this.executor instanceof CyclePool pool) {
			pool.cancel(this.drainTask); // a task of this mutex, if still queued: it would find nothing to run
		}
		cycles(false, awaited);
	}

	/**
	 * Runs cycles on this thread until no work is left, {@link #MAX_CYCLES_PER_DRAIN} ran in this task (then it
	 * yields the executor), or a write phase handed a batch to the engine that the engine has not committed yet: then
	 * this thread returns, the drain status stays PROCESSING (no other drain starts), and the commit's completion
	 * hands the rest of the cycle to the executor in a new task ({@link #resumeAfterCommit}), whose count starts at 0.
	 * @param resuming whether the current cycle's write phase waits to be resumed
	 * @param awaited on a joining caller's thread, the future it waits for: once it is done, work left goes back
	 * to the executor; {@code null} on an executor's thread
	 */
	private void cycles(boolean resuming, @Nullable CompletableFuture<?> awaited) {
		this.cycleThread = Thread.currentThread();
		int cycles = 0;
		String outerCycle = CycleMarker.enter(name()); // blocking waits on MutexFuture now fail fast
		CompletionStage<?> pending = null;
		try {
			// Only the loop is here; what runs per cycle is in runCycle/resumeCycle and nextCycle. This method runs once
			// per drain (at most MAX_CYCLES_PER_DRAIN cycles), so the JIT compiles it with C2 only after some 600 drains
			// (~20,000 cycles: 5M writes at C=256, later than most of series X's JVMs ended); a method called once per
			// cycle gets there after ~5,000 calls (issue 22).
			for (;;) {
				pending = resuming ? resumeCycle() : runCycle();
				resuming = false;
				if (pending != null) {
					this.cycleThread = null;
					break;
				}
				if (!nextCycle(++cycles, awaited)) {
					return; // went IDLE, or handed the rest to the executor
				}
			}
		}
		catch (Throwable ex) {
			// A bug outside the phases (each phase completes every operation it took): keep cycling.
			LOG.log(System.Logger.Level.ERROR, "Cycle of mutex '" + name() + "' failed unexpectedly", ex);
			this.cycleThread = null;
			this.claimable = false;
			this.drainStatus.set(REQUIRED);
			submit();
			return;
		}
		finally {
			CycleMarker.exit(outerCycle);
		}
		// last: from here the continuation may run on another thread
		pending.whenComplete(this.resumeOnCommit);
	}

	/**
	 * After a cycle that ended on this thread (its write phase waits for no commit): whether this drain runs another
	 * cycle here. If no work is left it goes IDLE (unless work arrived meanwhile), and completes a pending close; after
	 * {@link #MAX_CYCLES_PER_DRAIN} cycles, or once a joining caller's {@code awaited} future is done, it hands the
	 * rest to the executor (REQUIRED, not claimable, and a new task). Cycle thread.
	 * @param cycles the cycles this drain task (or joining caller) ran so far, this one included
	 * @param awaited as {@link #cycles}
	 * @return {@code true} to run another cycle; {@code false} when this thread no longer owns the drain
	 */
	private boolean nextCycle(int cycles, @Nullable CompletableFuture<?> awaited) {
		if (!hasWork()) {
			if (this.drainStatus.compareAndSet(PROCESSING_TO_IDLE, IDLE)) {
				this.cycleThread = null;
				if (this.closed) {
					closed();
				}
				return false;
			}
			this.drainStatus.set(PROCESSING_TO_IDLE);
		}
		if (cycles >= MAX_CYCLES_PER_DRAIN || (awaited != null && awaited.isDone())) {
			this.cycleThread = null;
			this.claimable = false;
			this.drainStatus.set(REQUIRED);
			submit();
			return false;
		}
		return true;
	}

	/**
	 * A commit a write phase waited for completed (on the engine's thread): the rest of the cycle runs on the
	 * executor, or here if the executor refuses it (it shut down), so that the batch's operations complete
	 * exactly once.
	 */
	private void resumeAfterCommit() {
		try {
			this.executor.execute(this.resumeTask);
		}
		catch (RejectedExecutionException ex) {
			cycles(true, null);
		}
	}

	private boolean hasWork() {
		return !this.reads.isEmpty() || !this.writes.isEmpty();
	}

	// ---- the cycle (cycle thread)

	/** @return {@code null} when the cycle ended, or the commit its write phase waits for */
	private @Nullable CompletionStage<?> runCycle() {
		this.counters.cycleStarted();
		CompletionStage<?> pending = null;
		try {
			pending = runPhases();
		}
		finally {
			if (pending == null) {
				this.counters.cycleEnded();
			}
		}
		return pending;
	}

	/** Goes on with the cycle whose write phase waited for a commit; returns as {@link #runCycle()}. */
	private @Nullable CompletionStage<?> resumeCycle() {
		CompletionStage<?> pending = null;
		try {
			pending = this.writePhase.resume();
		}
		finally {
			if (pending == null) {
				this.counters.cycleEnded();
			}
		}
		return pending;
	}

	private @Nullable CompletionStage<?> runPhases() {
		List<QueuedRead> phaseReads = drainReads();
		if (!phaseReads.isEmpty()) {
			try {
				runReadPhase(phaseReads);
				this.listeners.readsDelivered(this.phaseNumber, phaseReads.size());
			}
			finally {
				releasePhaseReads();
			}
		}
		// every write queued so far, including those issued while the read results were delivered
		int queuedWrites = this.counts.writes();
		if (queuedWrites > 0) {
			return this.writePhase.run(this.writes, queuedWrites);
		}
		return null;
	}

	/** The reads counted now, taken from the queue into {@link #phaseReads} (empty before). */
	private List<QueuedRead> drainReads() {
		int count = this.counts.reads();
		if (count == 0) {
			return List.of();
		}
		List<QueuedRead> drained = this.phaseReads;
		QueuedRead read;
		while (drained.size() < count && (read = this.reads.poll()) != null) {
			drained.add(read);
		}
		this.counts.removeReads(drained.size());
		return drained;
	}

	/** Empties {@link #phaseReads} for the next phase. */
	private void releasePhaseReads() {
		this.phaseReads = ReusedLists.emptied(this.phaseReads);
	}

	private void runReadPhase(List<QueuedRead> phaseReads) {
		try {
			readPhase(phaseReads);
		}
		catch (Throwable bug) {
			// reads already delivered keep their result: a future completes once
			StorageException failure = new StorageException(
					"Read phase of mutex '" + name() + "' failed unexpectedly: " + bug, bug);
			LOG.log(System.Logger.Level.ERROR, failure.getMessage(), bug);
			for (QueuedRead read : phaseReads) {
				try {
					read.fail(failure);
				}
				catch (Throwable ex) {
					LOG.log(System.Logger.Level.ERROR, "Failing a read of mutex '" + name() + "' failed", ex);
				}
			}
		}
	}

	private void readPhase(List<QueuedRead> phaseReads) {
		long number = ++this.phaseNumber;
		this.counters.readPhase(phaseReads.size());
		if (!this.listeners.isEmpty()) {
			this.listeners.reads(new ReadPhaseEvent(name(), number, phaseReads.size()));
		}
		ReadPhase reused = this.readPhase;
		if (reused == null) {
			reused = new ReadPhase(this);
			this.readPhase = reused;
		}
		ReadPhase phase = reused.start(number);
		if (abandoned() != null || !this.store.guard().enter()) { // abandoned: its reads were failed
			MutexClosedException failure = storeClosed();
			for (QueuedRead read : phaseReads) {
				read.fail(failure);
			}
			return;
		}
		boolean executed;
		try {
			executed = phase.execute(phaseReads, this.storage);
		}
		finally {
			this.store.guard().exit();
		}
		if (executed) {
			phase.deliver(phaseReads);
		}
	}

	/** Fails the operations queued now (not those that arrive meanwhile); no cycle runs. */
	private void failQueued(Throwable error) {
		int reads = this.counts.reads();
		QueuedRead read;
		while (reads-- > 0 && (read = this.reads.poll()) != null) {
			this.counts.removeReads(1);
			try {
				read.fail(error);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Failing a read of mutex '" + name() + "' failed", ex);
			}
		}
		int writes = this.counts.writes();
		QueuedWrite item;
		while (writes-- > 0 && (item = this.writes.poll()) != null) {
			this.counts.removeWrites(1);
			try {
				item.fail(error);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Failing a write of mutex '" + name() + "' failed", ex);
			}
		}
	}

	// ---- closing

	CompletableFuture<Void> closeAsync() {
		if (!this.closed) {
			this.closed = true;
			scheduleAbandon();
			scheduleDrain();
		}
		return this.closeFuture;
	}

	/**
	 * Hands out an operation's future, tracked until it completes so that {@link #abandon} can fail
	 * it; any thread.
	 */
	<T> CompletableFuture<T> track(CompletableFuture<T> future) {
		return this.tracked.track(future);
	}

	/**
	 * Hands out a write's future ({@code put}, {@code del}, {@code update}, {@code afterWrite}) as {@link #track}
	 * does, and lets a blocking wait on it (or on a stage made from it) run this mutex's drain ({@link #helpDrain}).
	 * Not a read's: a read completes in a cycle's read phase, and a caller that ran the cycle would also run the
	 * write phase after it (with the writes its own read callbacks issued), held past its result; a caller holding
	 * a database lock those writes wait for would deadlock (StoreFaultTest's terminated-connection test did).
	 */
	<T> CompletableFuture<T> trackWrite(CompletableFuture<T> future) {
		if (future instanceof MutexFuture<T> helping) {
			helping.drainOwner = this; // before the future is handed out
		}
		return this.tracked.track(future);
	}

	/** The futures handed out and maybe not completed yet (for tests). */
	TrackedFutures trackedFutures() {
		return this.tracked;
	}

	/** Abandons the close if it has not completed within the store's closeTimeout. */
	private void scheduleAbandon() {
		Duration timeout = this.store.options().closeTimeout();
		CompletableFuture<Void> timer = new CompletableFuture<>();
		timer.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS)
			.thenRunAsync(() -> abandon("Mutex '" + name() + "' did not finish its queued and running operations within"
					+ " closeTimeout " + timeout + " of closing"));
		this.closeFuture.whenComplete((value, error) -> timer.cancel(false));
	}

	/**
	 * Gives up on a close that did not complete in time (a blocked callback, update function or
	 * listener): fails every operation not completed yet with {@link MutexClosedException},
	 * stops the mutex from reading or writing anything more, and completes the close. A phase
	 * that is blocked keeps running until it returns, then writes nothing. Any thread; only the
	 * first call does anything.
	 */
	void abandon(String reason) {
		if (this.closeFuture.isDone() || this.tracked.failure() != null) {
			return;
		}
		this.tracked.failAll(new MutexClosedException(
				reason + "; the operation was failed (a write may or may not have been applied)"));
		closed();
	}

	/** @return the failure of an abandoned close, or {@code null} */
	@Nullable MutexClosedException abandoned() {
		return this.tracked.failure();
	}

	/**
	 * The mutex's last operation completed: leaves the store's registry first, so that no
	 * caller woken by the close future can be handed this closed instance, then completes it.
	 */
	private void closed() {
		this.store.forget(this);
		if (this.tracked.failure() == null) { // no phase runs: the storage can go (abandoned: the store's release closes it)
			closeStorage();
		}
		this.closeFuture.complete(null);
	}

	boolean isClosed() {
		return this.closed;
	}

	CompletableFuture<Void> closeFuture() {
		return this.closeFuture;
	}

	boolean onCycleThread() {
		return Thread.currentThread() == this.cycleThread;
	}

	MutexClosedException storeClosed() {
		return new MutexClosedException("The store of mutex '" + name() + "' is closed; the operation was not run");
	}

	// ---- input (any thread)

	/** The encoder of this mutex's keys, values and ranges. */
	InputEncoder input() {
		return this.input;
	}

	// Delegates kept for SnapshotUpdateContext (being rewritten on another branch); new code uses input().

	<K> byte[] encodeKey(Codec<K> codec, @Nullable K key) {
		return this.input.encodeKey(codec, key);
	}

	<K, T> WriteOperation putOperation(Codec<K> keyCodec, @Nullable K key, Codec<T> valueCodec, @Nullable T value) {
		return this.input.putOperation(keyCodec, key, valueCodec, value);
	}

	<K> WriteOperation delOperation(Codec<K> keyCodec, @Nullable K key) {
		return this.input.delOperation(keyCodec, key);
	}

	<K> KeySpan storedSpan(Codec<K> keyCodec, @Nullable KeyRange<K> range) {
		return this.input.storedSpan(keyCodec, range);
	}

	byte[] storedKey(byte[] key) {
		return this.input.storedKey(key);
	}

	// ---- accessors

	String name() {
		return this.options.name();
	}

	MutexOptions options() {
		return this.options;
	}

	MutexStore store() {
		return this.store;
	}

	KeyspaceStorage storage() {
		return this.storage;
	}

	boolean validatesUpdates() {
		return this.validatesUpdates;
	}

	byte[] prefix() {
		return this.prefix;
	}

	int prefixLength() {
		return this.prefix.length;
	}

	MutexListeners listeners() {
		return this.listeners;
	}

	MutexCounters counters() {
		return this.counters;
	}

	MutexStats stats() {
		return this.counters.snapshot(name(), this.counts.reads(), this.counts.writes(), this.closed);
	}

}
