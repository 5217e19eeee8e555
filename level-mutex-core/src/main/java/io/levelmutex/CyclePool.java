package io.levelmutex;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.engine.BlockingCalls;

/**
 * A store's own pool of cycle threads: it runs {@code size} cycles at once, plus one more for each
 * cycle that waits in a durable (synced) storage write.
 *
 * <p>Why: a durable write spends most of its time waiting for the disk (or a server), not on a
 * processor, and an engine such as RocksDB joins the synced writes that arrive together into one WAL
 * sync (its write group). With a fixed pool, {@code size} mutexes waiting for their sync would hold
 * every thread, and every other mutex's write phase would wait for one of them to return instead of
 * joining their sync (measured in BENCHMARKS.md, "Many mutexes: the cycle pool"). A cycle thread that
 * enters an engine's blocking call ({@link BlockingCalls#run}) lends its place to a new or idle thread
 * for as long as it waits, up to {@link #MAX_EXTRA_THREADS} at once; past that, the wait simply holds
 * its thread. While any cycle waits, the pool keeps the most places it has lent since none did, so it
 * may run up to that many cycles beyond its size; it shrinks back once no cycle waits.
 *
 * <p>Threads above {@code size} end after {@link #EXTRA_KEEP_ALIVE_SECONDS} idle, so a steady stream
 * of syncs does not start a thread per write. Thread-safe.
 */
final class CyclePool implements JoinableExecutor {

	/** The most threads lent at once, above the pool's size. */
	static final int MAX_EXTRA_THREADS = 256;

	/** How long a thread above the pool's size stays idle before it ends. */
	static final long EXTRA_KEEP_ALIVE_SECONDS = 30;

	private final int size;

	private final int maxExtraThreads;

	private final ThreadPoolExecutor executor;

	/**
	 * Cycles waiting in a durable write that lent their place; changed, with the executor's core size,
	 * only under {@code this}. Read without the lock by {@link #extraThreads()}.
	 */
	private final AtomicInteger lent = new AtomicInteger();

	CyclePool(String threadNamePrefix, int size) {
		this(threadNamePrefix, size, MAX_EXTRA_THREADS);
	}

	CyclePool(String threadNamePrefix, int size, int maxExtraThreads) {
		this.size = size;
		this.maxExtraThreads = maxExtraThreads;
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(size, size + maxExtraThreads, EXTRA_KEEP_ALIVE_SECONDS,
				TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new CycleThread(this, task, threadNamePrefix + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	@Override
	public void execute(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * Takes a task out of the queue if no thread took it yet: a mutex's drain task whose drain a joining caller
	 * claimed, so that it neither runs later (and claims a newer drain while its caller is about to) nor keeps a
	 * queued task that makes a lending cycle start one more thread (whose later shrink wakes every idle thread).
	 * @param task the task handed to {@link #execute}
	 * @return whether it was taken out
	 */
	boolean cancel(Runnable task) {
		return this.executor.getQueue().remove(task);
	}

	/** Stops taking tasks; the running ones finish (the store's close has already waited for its phases). */
	void shutdown() {
		this.executor.shutdown();
	}

	/** How many cycles may run at once now: the size, plus the most places lent since no cycle waited; for tests. */
	int places() {
		return this.executor.getCorePoolSize();
	}

	/** Tasks queued and not taken by a thread yet; for tests. */
	int queuedTasks() {
		return this.executor.getQueue().size();
	}

	/** Tasks handed to the pool so far and run, running or queued (one taken back out is not counted); for tests. */
	long tasksSubmitted() {
		return this.executor.getTaskCount();
	}

	/** The most threads the pool has had at once (0 while no task was ever handed to it); for tests. */
	int mostThreads() {
		return this.executor.getLargestPoolSize();
	}

	/** Places lent by cycles waiting in a durable write, now; for tests and diagnostics. */
	int extraThreads() {
		return this.lent.get();
	}

	private synchronized boolean lend() {
		int extra = this.lent.get();
		if (extra >= this.maxExtraThreads || this.executor.isShutdown()) {
			return false;
		}
		this.lent.set(extra + 1);
		if (this.size + extra + 1 > this.executor.getCorePoolSize()) {
			// starts a thread for a queued cycle now, or for the next one submitted
			this.executor.setCorePoolSize(this.size + extra + 1);
		}
		return true;
	}

	/**
	 * The pool shrinks back to its size only once no cycle waits: lowering it on every return would wake
	 * every idle thread each time (the executor interrupts them to let the extra ones end), which under a
	 * steady stream of syncs cost a fifth of the processors (measured: 32 busy durable mutexes).
	 */
	private synchronized void giveBack() {
		int extra = this.lent.get() - 1;
		this.lent.set(extra);
		if (extra == 0 && this.executor.getCorePoolSize() != this.size) {
			this.executor.setCorePoolSize(this.size);
		}
	}

	/** A thread of a {@code CyclePool}: lends its place in the pool during an engine's blocking call. */
	private static final class CycleThread extends Thread implements BlockingCalls.PlaceLender {

		final CyclePool pool;

		CycleThread(CyclePool pool, Runnable task, String name) {
			super(task, name);
			this.pool = pool;
		}

		@Override
		public boolean lendPlace() {
			return this.pool.lend();
		}

		@Override
		public void returnPlace() {
			this.pool.giveBack();
		}

	}

}
