package io.levelmutex;

/**
 * The {@code remote change} event: other writers (other nodes sharing the storage engine) committed batches
 * to a mutex's keyspace. Never fired by the embedded engine, which has no other writer. Delivered in sequence
 * order, each sequence at most once; one event may cover several batches. The changes are visible to the
 * mutex's next read phase that starts after the event.
 *
 * @param mutexName the mutex
 * @param fromSequence the first batch's sequence
 * @param toSequence the last batch's sequence (included), at least {@code fromSequence}
 */
public record RemoteChangeEvent(String mutexName, long fromSequence, long toSequence) {

	/**
	 * How many batches the event covers.
	 * @return {@code toSequence - fromSequence + 1}
	 */
	public long batches() {
		return this.toSequence - this.fromSequence + 1;
	}

}
