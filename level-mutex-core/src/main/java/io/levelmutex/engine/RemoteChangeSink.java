package io.levelmutex.engine;

/**
 * Where an engine reports batches other writers committed to a keyspace. Called on the engine's own thread,
 * in sequence order, each sequence at most once per keyspace storage; ranges may merge several batches.
 */
@FunctionalInterface
public interface RemoteChangeSink {

	/**
	 * Batches {@code fromSequence} to {@code toSequence} (both included) were committed by other writers.
	 * @param fromSequence the first sequence
	 * @param toSequence the last sequence, at least {@code fromSequence}
	 */
	void changed(long fromSequence, long toSequence);

}
