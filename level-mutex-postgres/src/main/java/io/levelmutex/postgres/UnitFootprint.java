package io.levelmutex.postgres;

import java.util.List;
import java.util.Set;

/**
 * What an update unit saw, for validation at commit: the unit is rejected if any row of its keyspace written by
 * a batch with a sequence above {@code snapshotSequence} is one of its read or written keys or lies in one of
 * its spans (inserts, updates and deletes: deletes are seen through tombstones), or if it depends on a rejected
 * unit of the same batch.
 *
 * @param unit the unit's id, unique in the batch, at least 0
 * @param snapshotSequence the keyspace sequence of the snapshot the unit read
 * @param readKeys keys the unit read
 * @param spans key spans the unit examined, each {@code [low, high)} with {@code high == null} unbounded; an
 * inverted span examined nothing
 * @param writtenKeys keys the unit writes
 * @param dependsOn ids of earlier units of the same batch whose writes the unit read
 */
record UnitFootprint(int unit, long snapshotSequence, List<byte[]> readKeys, List<Span> spans,
		List<byte[]> writtenKeys, Set<Integer> dependsOn) {

	UnitFootprint {
		readKeys = List.copyOf(readKeys);
		spans = List.copyOf(spans);
		writtenKeys = List.copyOf(writtenKeys);
		dependsOn = Set.copyOf(dependsOn);
	}

	/**
	 * A span {@code [low, high)} of keys.
	 *
	 * @param low the first key of the span (empty: from the start)
	 * @param high the bound, excluded, or null for unbounded
	 */
	record Span(byte[] low, byte @org.jspecify.annotations.Nullable [] high) {

		boolean isEmpty() {
			return this.high != null && java.util.Arrays.compareUnsigned(this.low, this.high) >= 0;
		}

	}

}
