package io.levelmutex.postgres;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's batch ids, for the batch log (outcome-unknown resolution looks a batch up by its id): unique per
 * batch, and time-ordered, laid out as a version-7 UUID: the Unix time in milliseconds (48 bits), the version,
 * then a 32-bit counter of this node's batches (12 bits, the variant, 20 bits) and 42 bits of the node's id. So one
 * node's ids ascend in PostgreSQL's uuid order (bytes compared unsigned) while its clock does not step back, and
 * the batch log's unique index on them takes each new row at its right edge (as its sequence index does) instead
 * of a random leaf: a random UUID per batch touched a random leaf of an index the size of the retained log (a
 * full-page image after each checkpoint per leaf touched), and cost a {@code SecureRandom} call per batch.
 *
 * <p>Uniqueness: one node's ids differ in (millisecond, counter) until the counter comes round (2^32 batches,
 * each millisecond a new start); two nodes' ids made in the same millisecond differ unless both their counters
 * (started at random) and their 42 node bits (from the node's random id) are equal. Schema version 2 made batch_id
 * the batch log's primary key (a repeated id failed its commit); from version 3 it is not indexed and resolution looks
 * an id up among its keyspace's sequences above one known committed before the batch, so a repeated id could answer
 * for another batch only if both were that keyspace's and committed within that range. Thread-safe (an atomic
 * counter).
 */
final class BatchIds {

	private static final long VERSION_7 = 0x7000L;

	private static final long VARIANT = 0x8000_0000_0000_0000L;

	private static final long NODE_BITS = (1L << 42) - 1;

	/** 42 bits of the node's id, the low bits of every id's second half. Immutable. */
	private final long node;

	/** This node's batches so far, from a random start below 2^31; every thread takes the next one. */
	private final AtomicLong counter = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 31));

	/**
	 * Ids for one node.
	 * @param nodeId the node's id (random)
	 */
	BatchIds(UUID nodeId) {
		this.node = (nodeId.getMostSignificantBits() ^ nodeId.getLeastSignificantBits()) & NODE_BITS;
	}

	/**
	 * The next batch id.
	 * @return an id unique per batch (see the class comment), above this node's earlier ids while the clock does
	 * not step back
	 */
	UUID next() {
		long count = this.counter.getAndIncrement() & 0xFFFF_FFFFL;
		long millis = System.currentTimeMillis();
		long high = (millis << 16) | VERSION_7 | (count >>> 20);
		long low = VARIANT | ((count & 0xF_FFFFL) << 42) | this.node;
		return new UUID(high, low);
	}

}
