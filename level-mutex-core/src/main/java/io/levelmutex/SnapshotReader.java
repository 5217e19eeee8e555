package io.levelmutex;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;

/**
 * Reads on one snapshot: the reads of the update functions of one batch, whose peeks merge in the batch's
 * {@link BatchOverlay}; the snapshot is the engine's, or, on an engine that
 * {@link KeyspaceStorage#batchesUpdateReads()}, the batch's {@link PrefetchedReads} (or a prediction's recorder). Keys are stored keys (prefix
 * included). Owned by the cycle thread; closed at the end of the phase or of the batch's building.
 */
final class SnapshotReader implements AutoCloseable {

	private final ReadSnapshot snapshot;

	/**
	 * Opens a snapshot of the keyspace.
	 * @throws StorageException if the engine cannot open one
	 */
	SnapshotReader(KeyspaceStorage storage) {
		this.snapshot = storage.snapshot();
	}

	/** Reads the given snapshot (prefetched or recording reads of a batch's updates); closes it when closed. */
	SnapshotReader(ReadSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	/** @return the sequence of the last batch the snapshot sees */
	long sequence() {
		return this.snapshot.sequence();
	}

	byte @Nullable [] get(byte[] key) {
		return this.snapshot.get(key);
	}

	/**
	 * For a conditional write: the first entry of the range, or {@code null}, with the batch's earlier writes
	 * merged in.
	 */
	@Nullable KeyValue first(KeySpan range, BatchOverlay overlay) {
		return range.isEmpty() ? null : nearest(range, true, overlay);
	}

	/**
	 * For a conditional write: the last entry of the range, or {@code null}, with the batch's earlier writes
	 * merged in.
	 */
	@Nullable KeyValue last(KeySpan range, BatchOverlay overlay) {
		return range.isEmpty() ? null : nearest(range, false, overlay);
	}

	/**
	 * The entry nearest to the range's start ({@code ascending}) or end: the snapshot's, skipping keys the
	 * overlay deletes and taking the overlay's value where it has one, or the overlay's own nearest put,
	 * whichever is nearer. One scan: it needs at most one entry more than the overlay's deletes that lie
	 * before the overlay's nearest put.
	 */
	private @Nullable KeyValue nearest(KeySpan range, boolean ascending, BatchOverlay overlay) {
		KeyValue overlayPut = null;
		int deletes = 0;
		if (!overlay.isEmpty()) {
			NavigableMap<ByteKey, BatchOverlay.Change> span = overlay.span(range.lower(), range.upper());
			for (Map.Entry<ByteKey, BatchOverlay.Change> entry : (ascending ? span : span.descendingMap()).entrySet()) {
				byte[] value = entry.getValue().value();
				if (value != null) {
					overlayPut = new KeyValue(entry.getKey().bytes, value);
					break;
				}
				deletes++;
			}
		}
		KeyValue found = null;
		for (KeyValue entry : this.snapshot.scan(range, deletes + 1, ascending)) {
			BatchOverlay.Change change = overlay.get(entry.key());
			if (change == null) {
				found = entry;
				break;
			}
			if (change.value() != null) {
				found = new KeyValue(entry.key(), change.value());
				break;
			}
		}
		if (overlayPut != null) {
			int order = (found != null) ? KeyBytes.compare(overlayPut.key(), found.key()) : 0;
			if (found == null || (ascending ? order < 0 : order > 0)) {
				found = overlayPut;
			}
		}
		return found;
	}

	@Override
	public void close() {
		this.snapshot.close();
	}

}
