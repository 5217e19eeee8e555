package io.levelmutex;

import org.jspecify.annotations.Nullable;

/**
 * An entry of one of a mutex's queues ({@link OpQueue}): carries the link to the next entry,
 * so that queuing allocates no node. An entry is queued at most once.
 *
 * <p>The queued entries are named as pairs: a {@link QueuedRead} ({@link GetRead}, {@link RangeRead}) and a
 * {@link QueuedWrite} ({@link PlainWrite}, {@link UpdateWrite}, {@link WriteBarrier}), because "queued" says what
 * they are (entries of a mutex's queues, owned by the cycle thread) and leaves "write operation" to the one put or
 * delete of a batch ({@link WriteOperation}) that the events and the storage engines see.
 */
abstract class QueuedOp {

	/**
	 * The next entry: on the producers' stack, the one pushed before this (written by the pushing
	 * thread before the push publishes this entry); on the consumer's list, the one queued after
	 * this (written by the consumer only). {@code null} once taken.
	 */
	@Nullable QueuedOp queueNext;

}
