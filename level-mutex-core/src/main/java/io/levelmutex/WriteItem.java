package io.levelmutex;

/**
 * An entry of the write queue: a plain write, the writes of a conditional write, or an
 * {@link Mutex#afterWrite()} barrier. Created on the caller's (or cycle) thread, then owned by
 * the cycle thread.
 */
abstract class WriteItem {

	/** How many writes this item adds to a batch. */
	abstract int operationCount();

	/** How many key and value bytes this item adds to a batch. */
	abstract long bytes();

}
