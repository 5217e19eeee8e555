package io.levelmutex;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * How a {@link BlockingMutex} waits for an operation's future on the caller's thread: refused on a cycle thread
 * before anything is queued, then {@code join()} (not interruptible; on a mutex's own future it may run the cycle:
 * {@link MutexFuture}), its failure thrown unwrapped. Stateless.
 */
final class BlockingWait {

	private BlockingWait() {
	}

	/**
	 * Throws if the current thread runs a cycle of any mutex: a blocking call there would deadlock that cycle.
	 * Checked before the operation is queued, so that the call fails the same way whatever the timing.
	 * @param mutexName the mutex called
	 * @param call the method called, for the message
	 * @throws IllegalStateException on a cycle thread
	 */
	static void refuseOnCycleThread(String mutexName, String call) {
		String running = CycleMarker.running();
		if (running != null) {
			throw new IllegalStateException("Blocking " + call + " on mutex '" + mutexName + "' on thread "
					+ Thread.currentThread().getName() + ", which is running a cycle of mutex '" + running
					+ "': the wait would deadlock the cycle; nothing was queued. Use the mutex's futures there and "
					+ "chain the next step (thenCompose/thenApply/thenAccept), or move it off the cycle thread with "
					+ "the ...Async forms and an executor of your own");
		}
	}

	/**
	 * Waits for a future as {@code join()} does and returns its value, or throws its failure unwrapped.
	 * @param future an operation's future
	 * @return its value
	 */
	static <T> T result(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw unwrapped(ex.getCause() != null ? ex.getCause() : ex);
		}
	}

	/**
	 * The failure a blocking call throws for an operation that failed with {@code failure}: an unchecked one as it
	 * is, a checked one (an update function's) wrapped in an {@link UndeclaredThrowableException}.
	 */
	static RuntimeException unwrapped(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof RuntimeException unchecked) {
			return unchecked;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new UndeclaredThrowableException(cause, cause.toString());
	}

}
