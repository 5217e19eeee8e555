package io.levelmutex;

/**
 * Receives a mutex's phase events, level-mutex's {@code reads}, {@code writes} and
 * {@code flushed}, and the changes other writers committed ({@link #onRemoteChange}).
 *
 * <p>Listeners run on the mutex's cycle thread, synchronously, in registration order: a slow
 * listener slows its mutex, so hand long work to another executor. A listener that throws is
 * reported through {@link System.Logger} (logger {@code io.levelmutex.Mutex}) and the cycle
 * goes on; the other listeners are still called.
 */
public interface MutexListener {

	/**
	 * A read phase starts: its reads are about to run on one snapshot.
	 * @param event the phase
	 */
	default void onReads(ReadPhaseEvent event) {
	}

	/**
	 * A read phase ended: every result of its reads was delivered (its futures completed,
	 * with the dependent actions that ran on the cycle thread), or its reads failed. Called
	 * after {@link #onReads} for the same phase and before the next batch's
	 * {@link #onWrites}.
	 * @param event the phase, as given to {@link #onReads}
	 */
	default void onReadsDelivered(ReadPhaseEvent event) {
	}

	/**
	 * A batch is about to be written.
	 * @param event the batch
	 */
	default void onWrites(WriteBatchEvent event) {
	}

	/**
	 * A batch was written or failed. Called before any of its writes completes.
	 * @param event the outcome
	 */
	default void onFlushed(FlushEvent event) {
	}

	/**
	 * Other writers committed batches to the mutex's keyspace (only on engines shared by several nodes). Unlike
	 * the phase events, this one runs on the engine's notification thread, not on the cycle thread, possibly
	 * while a phase runs; a listener that throws is logged and the other listeners are still called.
	 * @param event the sequences committed
	 */
	default void onRemoteChange(RemoteChangeEvent event) {
	}

}
