package io.levelmutex;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The operation futures one mutex handed out and that may not have completed yet, kept so that an
 * abandoned close can fail every one of them ({@link #failAll}).
 *
 * <p>Shape: an intrusive stack linked through {@link MutexFuture#nextTracked}, so that tracking
 * allocates nothing. Caller threads push with a CAS on the head; every {@link #sweepInterval} pushes
 * (counted on the stack itself, {@link MutexFuture#trackedDepth}) the caller that reaches the count
 * sweeps the completed futures out. One thread at a time sweeps or takes the stack, under
 * {@link #lock}. A future tracked after {@link #failAll} sees the failure and fails itself.
 */
final class TrackedFutures {

	/** Fewest futures tracked between two sweeps. */
	static final int MIN_SWEEP_INTERVAL = 1024;

	/** The mutex's name, for messages. */
	private final String mutexName;

	/**
	 * The head of the stack: pushed by caller threads (a CAS); taken whole by a sweep or by
	 * {@link #failAll}, both under {@link #lock}.
	 */
	private final AtomicReference<@Nullable MutexFuture<?>> head = new AtomicReference<>();

	/** Held by the thread sweeping the stack or taking it in {@link #failAll}. */
	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Pushes between two sweeps: twice the futures a sweep kept, at least
	 * {@link #MIN_SWEEP_INTERVAL}, so that sweeping costs O(1) per operation; written by the
	 * sweeper under {@link #lock}, read by any thread.
	 */
	private volatile int sweepInterval = MIN_SWEEP_INTERVAL;

	/** Set once by {@link #failAll}; read by any thread. */
	private volatile @Nullable MutexClosedException failure;

	TrackedFutures(String mutexName) {
		this.mutexName = mutexName;
	}

	/**
	 * Tracks an operation's future until it completes; any thread. A future that is already done is
	 * returned as it is; one tracked after {@link #failAll} is failed at once.
	 * @param future the future, a {@link MutexFuture} unless it is done
	 * @return the same future
	 * @throws IllegalArgumentException if a pending future is not a {@link MutexFuture}
	 */
	<T> CompletableFuture<T> track(CompletableFuture<T> future) {
		if (future.isDone()) {
			return future;
		}
		if (!(future instanceof MutexFuture<T> node)) {
			throw new IllegalArgumentException("Mutex '" + this.mutexName + "': only a MutexFuture can be tracked");
		}
		MutexFuture<?> top;
		int depth;
		do {
			top = this.head.get();
			node.nextTracked = top;
			depth = (top != null) ? top.trackedDepth + 1 : 1;
			node.trackedDepth = depth;
		}
		while (!this.head.compareAndSet(top, node));
		// the push above and this read pair with failAll's write of the failure and its take of
		// the stack (all volatile): either failAll takes this future, or this thread sees the failure
		MutexClosedException failed = this.failure;
		if (failed != null) { // failed between the enqueue and now
			future.completeExceptionally(failed);
		}
		else if (depth >= this.sweepInterval) {
			sweep();
		}
		return future;
	}

	/**
	 * Takes the stack, unlinks its completed futures and pushes the others back in their order;
	 * one thread at a time, skipped if another is sweeping.
	 */
	private void sweep() {
		if (!this.lock.tryLock()) {
			return;
		}
		try {
			MutexFuture<?> node = this.head.getAndSet(null);
			MutexFuture<?> first = null;
			MutexFuture<?> last = null;
			int kept = 0;
			while (node != null) {
				MutexFuture<?> next = node.nextTracked;
				node.nextTracked = null;
				if (!node.isDone()) {
					node.trackedDepth = 0; // pushes on top of the kept futures count from 1 again
					if (last == null) {
						first = node;
					}
					else {
						last.nextTracked = node;
					}
					last = node;
					kept++;
				}
				node = next;
			}
			if (last != null) {
				MutexFuture<?> top;
				do {
					top = this.head.get();
					last.nextTracked = top;
				}
				while (!this.head.compareAndSet(top, first));
			}
			this.sweepInterval = Math.max(MIN_SWEEP_INTERVAL, 2 * kept);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Fails every tracked future not completed yet, and every future tracked from now on, with
	 * {@code failure}; any thread. Failing a future runs its dependents on this thread.
	 * @param failure the failure
	 */
	void failAll(MutexClosedException failure) {
		this.failure = failure;
		MutexFuture<?> node;
		// waits for a sweep in progress to push back what it kept; futures tracked after this take
		// see the failure and fail themselves
		this.lock.lock();
		try {
			node = this.head.getAndSet(null);
		}
		finally {
			this.lock.unlock();
		}
		// outside the lock: failing a future runs its dependents, which may track more futures
		while (node != null) {
			MutexFuture<?> next = node.nextTracked;
			node.nextTracked = null;
			node.completeExceptionally(failure);
			node = next;
		}
	}

	/** @return the failure given to {@link #failAll}, or {@code null} before it */
	@Nullable MutexClosedException failure() {
		return this.failure;
	}

	/** How many futures the stack holds now, completed or not (for tests); any thread. */
	int size() {
		this.lock.lock();
		try {
			int count = 0;
			for (MutexFuture<?> node = this.head.get(); node != null; node = node.nextTracked) {
				count++;
			}
			return count;
		}
		finally {
			this.lock.unlock();
		}
	}

}
