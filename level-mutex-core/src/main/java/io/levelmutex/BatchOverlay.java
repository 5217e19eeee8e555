package io.levelmutex;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The writes already placed in the batch being built (plain writes and earlier updates'
 * writes, in issue order, the last write of a key winning), so that an update function sees
 * every write issued before it. Allocated only for a batch that holds an update, when its
 * first update runs. Owned by the cycle thread; lives for one batch.
 */
final class BatchOverlay {

	/** One key's latest write in the batch: a value, or {@code null} for a delete. */
	record Change(byte @Nullable [] value) {
	}

	private final TreeMap<ByteKey, Change> changes = new TreeMap<>();

	boolean isEmpty() {
		return this.changes.isEmpty();
	}

	void record(WriteOperation op) {
		this.changes.put(new ByteKey(op.storedKey), new Change(op.value()));
	}

	@Nullable Change get(byte[] storedKey) {
		return this.changes.isEmpty() ? null : this.changes.get(new ByteKey(storedKey));
	}

	/** The changes within {@code [low, high)}; empty when {@code low} is not below {@code high}. */
	NavigableMap<ByteKey, Change> span(byte[] low, byte @Nullable [] high) {
		if (this.changes.isEmpty() || (high != null && KeyBytes.compare(low, high) >= 0)) {
			return Collections.emptyNavigableMap();
		}
		ByteKey from = new ByteKey(low);
		return (high != null) ? this.changes.subMap(from, true, new ByteKey(high), false)
				: this.changes.tailMap(from, true);
	}

}
