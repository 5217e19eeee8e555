package io.levelmutex.postgres;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What an update unit saw, for validation at commit: the unit is rejected if any row of its keyspace written by
 * a batch with a sequence above {@code snapshotSequence} is one of its read or written keys or lies in one of
 * its spans (inserts, updates and deletes: deletes are seen through tombstones), or if its snapshot is older
 * than the keyspace's tombstone horizon. A rejected unit truncates its batch: only the writes before
 * {@code firstOp} are applied.
 *
 * @param firstOp the index in the batch of the unit's first write (where it starts even if it writes nothing)
 * @param snapshotSequence the keyspace sequence of the snapshot the unit read
 * @param readKeys keys the unit read
 * @param spans key spans the unit examined, each {@code [low, high)} with {@code high == null} unbounded; an
 * inverted span examined nothing
 * @param writtenKeys keys the unit writes
 */
record UnitFootprint(int firstOp, long snapshotSequence, List<byte[]> readKeys, List<Span> spans,
		List<byte[]> writtenKeys) {

	UnitFootprint {
		readKeys = List.copyOf(readKeys);
		spans = List.copyOf(spans);
		writtenKeys = List.copyOf(writtenKeys);
	}

	/**
	 * A span {@code [low, high)} of keys.
	 *
	 * @param low the first key of the span (empty: from the start)
	 * @param high the bound, excluded, or null for unbounded
	 */
	record Span(byte[] low, byte @Nullable [] high) {

		boolean isEmpty() {
			return this.high != null && Arrays.compareUnsigned(this.low, this.high) >= 0;
		}

	}

}
