package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * Reads on one RocksDB snapshot: the point reads and range scans of a read phase, and the
 * reads of the update functions of one batch, whose peeks merge in the batch's
 * {@link BatchOverlay}. Owned by the cycle thread; closed at the end of the phase or of the
 * batch's building.
 */
final class SnapshotReader implements AutoCloseable {

	private final RocksAccess access;

	private final ColumnFamilyHandle family;

	private final Snapshot snapshot;

	private final ReadOptions options;

	SnapshotReader(RocksAccess access, ColumnFamilyHandle family) {
		this.access = access;
		this.family = family;
		this.snapshot = access.snapshot();
		this.options = new ReadOptions().setSnapshot(this.snapshot);
	}

	List<byte[]> multiGet(List<byte[]> keys) throws RocksDBException {
		return this.access.multiGet(this.options, this.family, keys);
	}

	byte @Nullable [] get(byte[] key) throws RocksDBException {
		return this.access.get(this.options, this.family, key);
	}

	/**
	 * For a conditional write: the first entry of the range as {@code {storedKey, value}}, or
	 * {@code null}, with the batch's earlier writes merged in.
	 */
	byte @Nullable [][] first(StoredRange range, BatchOverlay overlay) throws RocksDBException {
		return range.isEmpty() ? null : nearest(range, true, overlay);
	}

	/**
	 * For a conditional write: the last entry of the range as {@code {storedKey, value}}, or
	 * {@code null}, with the batch's earlier writes merged in.
	 */
	byte @Nullable [][] last(StoredRange range, BatchOverlay overlay) throws RocksDBException {
		return range.isEmpty() ? null : nearest(range, false, overlay);
	}

	/**
	 * Up to {@code limit} entries of the range as {@code {storedKey, value}}, in key order or
	 * in reverse, from the snapshot alone.
	 */
	List<byte[][]> scan(StoredRange range, int limit, boolean ascending) throws RocksDBException {
		List<byte[][]> entries = new ArrayList<>(Math.min(limit, 64));
		if (range.isEmpty()) {
			return entries;
		}
		try (BoundedIterator bounded = new BoundedIterator(range)) {
			RocksIterator it = bounded.iterator;
			position(it, range, ascending);
			while (it.isValid() && entries.size() < limit) {
				byte[] key = it.key();
				if (ascending ? !below(key, range.upper) : KeyBytes.compare(key, range.lower) < 0) {
					break;
				}
				entries.add(new byte[][] { key, it.value() });
				if (ascending) {
					it.next();
				}
				else {
					it.prev();
				}
			}
			it.status();
		}
		return entries;
	}

	/**
	 * The entry nearest to the range's start ({@code ascending}) or end: the snapshot's,
	 * skipping keys the overlay deletes and taking the overlay's value where it has one, or
	 * the overlay's own nearest put, whichever is nearer.
	 */
	private byte @Nullable [][] nearest(StoredRange range, boolean ascending, BatchOverlay overlay)
			throws RocksDBException {
		byte[][] found = null;
		try (BoundedIterator bounded = new BoundedIterator(range)) {
			RocksIterator it = bounded.iterator;
			position(it, range, ascending);
			while (it.isValid()) {
				byte[] key = it.key();
				if (ascending ? !below(key, range.upper) : KeyBytes.compare(key, range.lower) < 0) {
					break;
				}
				BatchOverlay.Change change = overlay.get(key);
				if (change == null || change.value() != null) {
					found = new byte[][] { key, (change == null) ? it.value() : change.value() };
					break;
				}
				if (ascending) {
					it.next();
				}
				else {
					it.prev();
				}
			}
			it.status();
		}
		if (!overlay.isEmpty()) {
			NavigableMap<ByteKey, BatchOverlay.Change> span = overlay.span(range.lower, range.upper);
			for (Map.Entry<ByteKey, BatchOverlay.Change> entry : (ascending ? span : span.descendingMap()).entrySet()) {
				if (entry.getValue().value() != null) {
					byte[] key = entry.getKey().bytes;
					int order = (found != null) ? KeyBytes.compare(key, found[0]) : 0;
					if (found == null || (ascending ? order < 0 : order > 0)) {
						found = new byte[][] { key, entry.getValue().value() };
					}
					break;
				}
			}
		}
		return found;
	}

	/** Positions a bounded iterator on the range's first (ascending) or last entry. */
	private static void position(RocksIterator it, StoredRange range, boolean ascending) {
		if (ascending) {
			it.seek(range.lower);
		}
		else {
			it.seekToLast(); // honours the upper bound: the last key below it
			if (it.isValid() && range.upper != null && KeyBytes.compare(it.key(), range.upper) >= 0) {
				it.prev();
			}
		}
	}

	private static boolean below(byte[] key, byte @Nullable [] upper) {
		return upper == null || KeyBytes.compare(key, upper) < 0;
	}

	@Override
	public void close() {
		this.options.close();
		this.access.release(this.snapshot);
	}

	/**
	 * An iterator on the reader's snapshot with RocksDB's iterate bounds set to one range, so
	 * that neither a seek nor a step walks past the range (over tombstones or into a
	 * neighbouring keyspace). Closes the iterator, then its options and bound slices.
	 */
	private final class BoundedIterator implements AutoCloseable {

		private final Slice lower;

		private final @Nullable Slice upper;

		private final ReadOptions options;

		final RocksIterator iterator;

		BoundedIterator(StoredRange range) {
			this.lower = new Slice(range.lower);
			this.upper = (range.upper != null) ? new Slice(range.upper) : null;
			this.options = new ReadOptions().setSnapshot(SnapshotReader.this.snapshot).setIterateLowerBound(this.lower);
			if (this.upper != null) {
				this.options.setIterateUpperBound(this.upper);
			}
			this.iterator = SnapshotReader.this.access.iterator(this.options, SnapshotReader.this.family);
		}

		@Override
		public void close() {
			this.iterator.close();
			this.options.close();
			this.lower.close();
			if (this.upper != null) {
				this.upper.close();
			}
		}

	}

}
