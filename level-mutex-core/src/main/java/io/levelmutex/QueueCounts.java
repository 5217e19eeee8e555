package io.levelmutex;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The number of queued reads and queued write items of one mutex, packed into one atomic
 * long (reads in the high half, writes in the low half) so that queuing an operation costs
 * one atomic add, limit check included. Counts are raised before an item is added to its
 * queue and lowered after it is taken out, so they never fall below zero. Thread-safe.
 */
final class QueueCounts {

	private static final long READ = 1L << 32;

	private static final long WRITE = 1L;

	private static final long LOW = 0xFFFF_FFFFL;

	private final AtomicLong counts = new AtomicLong();

	/** Counts one more read; {@code false} (and nothing counted) if that would pass {@code limit}. */
	boolean tryAddRead(int limit) {
		return tryAdd(READ, limit);
	}

	/** Counts one more write item; {@code false} (and nothing counted) if that would pass {@code limit}. */
	boolean tryAddWrite(int limit) {
		return tryAdd(WRITE, limit);
	}

	private boolean tryAdd(long unit, int limit) {
		long after = this.counts.addAndGet(unit);
		if ((after >>> 32) + (after & LOW) > limit) {
			this.counts.addAndGet(-unit);
			return false;
		}
		return true;
	}

	void removeReads(int count) {
		this.counts.addAndGet(-READ * count);
	}

	void removeWrites(int count) {
		this.counts.addAndGet(-WRITE * count);
	}

	int reads() {
		return (int) (this.counts.get() >>> 32);
	}

	int writes() {
		return (int) (this.counts.get() & LOW);
	}

}
