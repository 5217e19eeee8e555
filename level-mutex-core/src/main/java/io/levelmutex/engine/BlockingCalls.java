package io.levelmutex.engine;

/**
 * Runs an engine's blocking calls so that the store's cycle pool keeps its other cycles running meanwhile, in the
 * spirit of {@link java.util.concurrent.ForkJoinPool#managedBlock}: an engine wraps every call that waits for
 * something other than a processor (a synced write, a database round trip) in {@link #run(BlockingCall)}.
 *
 * <p>On a thread of a store-owned cycle pool the pool lends the waiting cycle's place to another cycle for as long
 * as the call runs (up to a bound; past it the call simply holds its thread), so that the synced writes of many
 * busy mutexes arrive together and can share one sync. On any other thread (an application's executor) the call
 * just runs. The place is given back when the call returns or throws. Nothing else changes: the call runs on the
 * calling thread, its result and exception are the caller's.
 *
 * <p>Threads that can lend their place implement {@link PlaceLender}; the core's cycle pool threads do. Engines
 * do not implement it, they only call {@link #run(BlockingCall)}.
 */
public final class BlockingCalls {

	private BlockingCalls() {
	}

	/**
	 * Runs a blocking call, lending the calling cycle's place while it runs when the thread can.
	 * @param call the call
	 * @param <T> what it returns
	 * @param <X> what it throws
	 * @return the call's result
	 * @throws X whatever the call throws; a lent place is given back either way
	 */
	public static <T, X extends Exception> T run(BlockingCall<T, X> call) throws X {
		if (!(Thread.currentThread() instanceof PlaceLender lender)) {
			return call.call();
		}
		boolean lent = lender.lendPlace();
		try {
			return call.call();
		}
		finally {
			if (lent) {
				lender.returnPlace();
			}
		}
	}

	/**
	 * A call that blocks (waits for a disk or a server).
	 * @param <T> what it returns
	 * @param <X> what it throws
	 */
	@FunctionalInterface
	public interface BlockingCall<T, X extends Exception> {

		/**
		 * Runs the call.
		 * @return its result
		 * @throws X its failure
		 */
		T call() throws X;

	}

	/**
	 * A pool thread that can let its pool run another task while it waits in a blocking call. Implemented by the
	 * threads of a store-owned cycle pool.
	 */
	public interface PlaceLender {

		/**
		 * The thread is about to block: its pool may run another task meanwhile.
		 * @return whether a place was lent (then {@link #returnPlace()} follows once the call returns)
		 */
		boolean lendPlace();

		/** The blocking call returned: the place lent by {@link #lendPlace()} is given back. */
		void returnPlace();

	}

}
