package io.levelmutex;

import org.jspecify.annotations.Nullable;

/**
 * An entry of the write queue: a plain write, a conditional write, or an
 * {@link Mutex#afterWrite()} barrier. Created on the caller's thread, then owned by the cycle
 * thread. Each item taken from the queue is completed exactly once, by
 * {@link #complete(Throwable)} or {@link #fail(Throwable)}.
 */
abstract class QueuedWrite extends QueuedOp {

	/** How many writes this item adds to a batch (for an update: once its function ran). */
	abstract int operationCount();

	/** How many key and value bytes this item adds to a batch (for an update: once its function ran). */
	abstract long bytes();

	/**
	 * Completes the caller's future with the outcome of the batch the item was placed in.
	 * @param batchError the batch's failure, or {@code null} if it was written (or had no writes)
	 */
	abstract void complete(@Nullable Throwable batchError);

	/** Fails the caller's future without the item having been placed in a batch. */
	abstract void fail(Throwable error);

}
