package io.levelmutex;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * Reads of one read phase, all on one RocksDB snapshot. Point reads and range peeks; peeks
 * can merge in a {@link PhaseOverlay} and record what they examined in a
 * {@link UnitFootprint}. Owned by the cycle thread; closed at the end of the phase.
 */
final class SnapshotReader implements AutoCloseable {

	private final RocksAccess access;

	private final ColumnFamilyHandle family;

	private final Snapshot snapshot;

	private final ReadOptions options;

	private @Nullable RocksIterator iterator;

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
	 * The first entry of the range as {@code {storedKey, value}}, or {@code null}.
	 * @param overlay changes to merge in, or {@code null}
	 * @param footprint where to record the span examined, or {@code null}
	 */
	byte @Nullable [][] first(StoredRange range, @Nullable PhaseOverlay overlay, @Nullable UnitFootprint footprint)
			throws RocksDBException {
		byte[][] found = null;
		if (!range.isEmpty()) {
			RocksIterator it = iterator();
			it.seek(range.lower);
			while (it.isValid()) {
				byte[] key = it.key();
				if (range.upper != null && KeyBytes.compare(key, range.upper) >= 0) {
					break;
				}
				PhaseOverlay.Change change = (overlay != null) ? overlay.get(key) : null;
				if (change == null) {
					found = new byte[][] { key, it.value() };
					break;
				}
				if (change.value() != null) {
					found = new byte[][] { key, change.value() };
					break;
				}
				it.next();
			}
			it.status();
			if (overlay != null && !overlay.isEmpty()) {
				for (Map.Entry<ByteKey, PhaseOverlay.Change> entry : overlay.span(range.lower, range.upper)
					.entrySet()) {
					if (entry.getValue().value() != null) {
						byte[] key = entry.getKey().bytes;
						if (found == null || KeyBytes.compare(key, found[0]) < 0) {
							found = new byte[][] { key, entry.getValue().value() };
						}
						break;
					}
				}
			}
		}
		if (footprint != null) {
			byte[] high = (found != null) ? KeyBytes.next(found[0]) : range.upper;
			footprint.span(range.lower, high);
			if (overlay != null) {
				overlay.dependOnSpan(footprint, range.lower, high);
			}
		}
		return found;
	}

	/**
	 * The last entry of the range as {@code {storedKey, value}}, or {@code null}.
	 * @param overlay changes to merge in, or {@code null}
	 * @param footprint where to record the span examined, or {@code null}
	 */
	byte @Nullable [][] last(StoredRange range, @Nullable PhaseOverlay overlay, @Nullable UnitFootprint footprint)
			throws RocksDBException {
		byte[][] found = null;
		if (!range.isEmpty()) {
			RocksIterator it = iterator();
			if (range.upper != null) {
				it.seekForPrev(range.upper);
				if (it.isValid() && KeyBytes.compare(it.key(), range.upper) >= 0) {
					it.prev();
				}
			}
			else {
				it.seekToLast();
			}
			while (it.isValid()) {
				byte[] key = it.key();
				if (KeyBytes.compare(key, range.lower) < 0) {
					break;
				}
				PhaseOverlay.Change change = (overlay != null) ? overlay.get(key) : null;
				if (change == null) {
					found = new byte[][] { key, it.value() };
					break;
				}
				if (change.value() != null) {
					found = new byte[][] { key, change.value() };
					break;
				}
				it.prev();
			}
			it.status();
			if (overlay != null && !overlay.isEmpty()) {
				for (Map.Entry<ByteKey, PhaseOverlay.Change> entry : overlay.span(range.lower, range.upper)
					.descendingMap()
					.entrySet()) {
					if (entry.getValue().value() != null) {
						byte[] key = entry.getKey().bytes;
						if (found == null || KeyBytes.compare(key, found[0]) > 0) {
							found = new byte[][] { key, entry.getValue().value() };
						}
						break;
					}
				}
			}
		}
		if (footprint != null) {
			byte[] low = (found != null) ? found[0] : range.lower;
			footprint.span(low, range.upper);
			if (overlay != null) {
				overlay.dependOnSpan(footprint, low, range.upper);
			}
		}
		return found;
	}

	private RocksIterator iterator() {
		if (this.iterator == null) {
			this.iterator = this.access.iterator(this.options, this.family);
		}
		return this.iterator;
	}

	@Override
	public void close() {
		if (this.iterator != null) {
			this.iterator.close();
		}
		this.options.close();
		this.access.release(this.snapshot);
	}

}
