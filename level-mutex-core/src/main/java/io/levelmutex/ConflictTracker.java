package io.levelmutex;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Finds conflicts of conditional writes: remembers, per key, the last write of the batch being
 * built and of recent batches, and whether a unit saw it. Only kept while units are in play:
 * a batch of plain writes with no unit waiting records nothing. Owned by the cycle thread.
 */
final class ConflictTracker {

	/** Who wrote a key last: a plain write ({@code unit == null}) or a unit, in which batch. */
	record Mark(@Nullable UnitWrite<?> unit, long batch) {
	}

	/** Marks of batches written since the oldest unit still queued was read. */
	private final TreeMap<ByteKey, Mark> committed = new TreeMap<>();

	/** Marks of the batch being built. */
	private final TreeMap<ByteKey, Mark> building = new TreeMap<>();

	private boolean tracking;

	void beginBatch(boolean track) {
		this.tracking = track || !this.committed.isEmpty();
	}

	void mark(WriteOperation op, @Nullable UnitWrite<?> unit, long batch) {
		if (this.tracking) {
			this.building.put(new ByteKey(op.storedKey), new Mark(unit, batch));
		}
	}

	/**
	 * The key on which {@code unit} conflicts, or {@code null} if it may commit: a dependency
	 * that did not commit, or a write it did not see on a key it read or writes, or within a
	 * span it examined.
	 */
	byte @Nullable [] conflict(UnitWrite<?> unit) {
		for (UnitWrite<?> dependency : unit.footprint.dependencies) {
			if (dependency.status != UnitWrite.Status.ACCEPTED && dependency.status != UnitWrite.Status.COMMITTED) {
				return dependency.operations.get(0).storedKey;
			}
		}
		if (this.committed.isEmpty() && this.building.isEmpty()) {
			return null;
		}
		for (byte[] key : unit.footprint.keys) {
			if (unseen(unit, key)) {
				return key;
			}
		}
		for (WriteOperation op : unit.operations) {
			if (unseen(unit, op.storedKey)) {
				return op.storedKey;
			}
		}
		for (byte[][] span : unit.footprint.spans) {
			byte[] key = unseenInSpan(unit, this.building, span[0], span[1]);
			if (key == null) {
				key = unseenInSpan(unit, this.committed, span[0], span[1]);
			}
			if (key != null) {
				return key;
			}
		}
		return null;
	}

	private boolean unseen(UnitWrite<?> unit, byte[] storedKey) {
		ByteKey key = new ByteKey(storedKey);
		Mark mark = this.building.get(key);
		if (mark == null) {
			mark = this.committed.get(key);
		}
		return mark != null && !unit.saw(mark.unit(), mark.batch());
	}

	private static byte @Nullable [] unseenInSpan(UnitWrite<?> unit, TreeMap<ByteKey, Mark> marks, byte[] low,
			byte @Nullable [] high) {
		if (marks.isEmpty()) {
			return null;
		}
		ByteKey from = new ByteKey(low);
		NavigableMap<ByteKey, Mark> span = (high != null) ? marks.subMap(from, true, new ByteKey(high), false)
				: marks.tailMap(from, true);
		for (Map.Entry<ByteKey, Mark> entry : span.entrySet()) {
			if (!unit.saw(entry.getValue().unit(), entry.getValue().batch())) {
				return entry.getKey().bytes;
			}
		}
		return null;
	}

	/**
	 * The batch was written (or failed): keep its marks only while units that were read
	 * before it still wait in the queue.
	 */
	void endBatch(boolean written, boolean unitsWaiting) {
		if (written && unitsWaiting) {
			this.committed.putAll(this.building);
		}
		this.building.clear();
		if (!unitsWaiting) {
			this.committed.clear();
		}
		this.tracking = false;
	}

}
