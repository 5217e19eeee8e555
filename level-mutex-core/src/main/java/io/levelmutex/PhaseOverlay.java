package io.levelmutex;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The writes of the conditional writes already evaluated in the current read phase, so that
 * each later one sees them: updates of one phase are serialized in issue order. Owned by the
 * cycle thread; lives for one read phase.
 */
final class PhaseOverlay {

	/** One key's latest write in the phase: a value, or {@code null} for a delete. */
	record Change(byte @Nullable [] value, UnitWrite<?> writer) {
	}

	private final TreeMap<ByteKey, Change> changes = new TreeMap<>();

	boolean isEmpty() {
		return this.changes.isEmpty();
	}

	void record(UnitWrite<?> unit) {
		for (WriteOperation op : unit.operations) {
			this.changes.put(new ByteKey(op.storedKey), new Change(op.value(), unit));
		}
	}

	@Nullable Change get(byte[] storedKey) {
		return this.changes.isEmpty() ? null : this.changes.get(new ByteKey(storedKey));
	}

	NavigableMap<ByteKey, Change> span(byte[] low, byte @Nullable [] high) {
		ByteKey from = new ByteKey(low);
		return (high != null) ? this.changes.subMap(from, true, new ByteKey(high), false)
				: this.changes.tailMap(from, true);
	}

	/** Records, as dependencies, the writers of every change within {@code [low, high)}. */
	void dependOnSpan(UnitFootprint footprint, byte[] low, byte @Nullable [] high) {
		if (this.changes.isEmpty()) {
			return;
		}
		for (Map.Entry<ByteKey, Change> entry : span(low, high).entrySet()) {
			footprint.dependencies.add(entry.getValue().writer());
		}
	}

}
