package io.levelmutex;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.BlockingCalls;

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
 *
 * <p>On any other thread (not a pool thread) {@link #join()} and {@link #get()} on a write's future (or a stage
 * made from one) that is not done first help: if
 * the mutex's drain is submitted but not started, the waiting thread claims it and runs the cycle itself,
 * instead of parking until a pool thread ran it and woke it ({@code MutexCore.helpDrain}; the design comment
 * of {@code MutexCore} says who owns what). Then it waits as a {@link CompletableFuture} does.
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

	/**
	 * The mutex whose drain a blocking wait on this future may run, or {@code null} (not handed out by a mutex,
	 * e.g. a close future); set by {@code MutexCore.track} before the future is handed out, copied to dependent
	 * stages when they are made. A thread that sees {@code null} (an unsafe hand-over) only parks.
	 */
	@Nullable MutexCore drainOwner;

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
		MutexFuture<U> dependent = new MutexFuture<>(this.mutexName);
		dependent.drainOwner = this.drainOwner;
		return dependent;
	}

	@Override
	public T join() {
		checkMayBlock();
		helpDrain();
		return super.join();
	}

	@Override
	public T get() throws InterruptedException, ExecutionException {
		checkMayBlock();
		helpDrain(); // not when interrupted: then super.get() throws
		return super.get();
	}

	@Override
	public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		checkMayBlock();
		// never runs a cycle: a cycle it ran could outlast the timeout (a commit waiting for a lock)
		return super.get(timeout, unit);
	}

	/**
	 * Runs the mutex's submitted drain on this thread if nobody started it (see the class comment); not on a pool
	 * thread, and not on an interrupted thread (the interrupt would reach the cycle's blocking calls, e.g. an
	 * engine's connection wait, and fail other callers' batch).
	 */
	private void helpDrain() {
		MutexCore owner = this.drainOwner;
		Thread thread = Thread.currentThread();
		if (owner != null && !isDone() && !(thread instanceof BlockingCalls.PlaceLender) && !thread.isInterrupted()) {
			owner.helpDrain(this);
		}
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
