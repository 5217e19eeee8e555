package io.levelmutex;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The future every operation of a mutex returns, and every stage made from it
 * ({@code thenApply}, {@code thenCompose}, {@code copy}, ...): a {@link CompletableFuture} that
 * refuses a blocking wait that would deadlock, after Netty's {@code BlockingOperationException}.
 *
 * <p>{@link #join()}, {@link #get()} and {@link #get(long, TimeUnit)} called while the future is
 * not done, on a thread that is running a cycle of any mutex (a dependent action, a listener
 * or an update function), throw {@link IllegalStateException} at once instead of waiting: the
 * awaited operation needs a cycle, and the cycle of the calling thread's mutex cannot go on
 * until the wait returns (and other mutexes' cycles share a bounded pool). Once done, the
 * future answers as usual on any thread.
 */
final class MutexFuture<T> extends CompletableFuture<T> {

	/** The mutex whose operation this future completes; immutable. */
	private final String mutexName;

	/**
	 * The next future on the owning mutex's stack of tracked futures ({@code MutexCore.pending}),
	 * or {@code null}; written by the tracking thread before the push publishes this future, then
	 * only under the mutex's pending lock (sweep, abandon). Unused on dependent stages.
	 */
	@Nullable MutexFuture<?> nextTracked;

	/**
	 * Futures pushed on the tracked stack since its last sweep, this one included, when this one was pushed (the
	 * sweep's trigger, so that tracking needs no shared counter); written by the tracking thread before the push
	 * publishes this future, set to 0 by the sweep that keeps it (a pusher racing that sweep may read either value:
	 * it is a heuristic, and that pusher's compare-and-set fails). Unused on dependent stages.
	 */
	int trackedDepth;

	MutexFuture(String mutexName) {
		this.mutexName = mutexName;
	}

	static <T> MutexFuture<T> completed(String mutexName, T value) {
		MutexFuture<T> future = new MutexFuture<>(mutexName);
		future.complete(value);
		return future;
	}

	@Override
	public <U> CompletableFuture<U> newIncompleteFuture() {
		return new MutexFuture<>(this.mutexName);
	}

	@Override
	public T join() {
		checkMayBlock();
		return super.join();
	}

	@Override
	public T get() throws InterruptedException, ExecutionException {
		checkMayBlock();
		return super.get();
	}

	@Override
	public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		checkMayBlock();
		return super.get(timeout, unit);
	}

	private void checkMayBlock() {
		if (isDone()) {
			return;
		}
		String running = CycleMarker.running();
		if (running != null) {
			throw new IllegalStateException("Blocking wait on a pending future of mutex '" + this.mutexName
					+ "' on thread " + Thread.currentThread().getName() + ", which is running a cycle of mutex '"
					+ running + "': the wait would deadlock the cycle. Chain the next step instead "
					+ "(thenCompose/thenApply/thenAccept), or move it off the cycle thread with the ...Async forms "
					+ "and an executor of your own");
		}
	}

}
