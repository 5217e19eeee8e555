package io.levelmutex.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

import io.levelmutex.StorageException;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadSnapshot;

/**
 * A RocksDB snapshot of one column family: the embedded engine's {@link ReadSnapshot}. Owned by the cycle
 * thread that opened it; closed at the end of its read phase or batch building.
 */
final class RocksSnapshot implements ReadSnapshot {

	private final RocksAccess access;

	private final ColumnFamilyHandle family;

	private final long sequence;

	private final Snapshot snapshot;

	private final ReadOptions options;

	RocksSnapshot(RocksAccess access, ColumnFamilyHandle family, long sequence) {
		this.access = access;
		this.family = family;
		this.sequence = sequence;
		this.snapshot = access.snapshot();
		this.options = new ReadOptions().setSnapshot(this.snapshot);
	}

	@Override
	public long sequence() {
		return this.sequence;
	}

	@Override
	public List<byte @Nullable []> multiGet(List<byte[]> keys) {
		if (keys.isEmpty()) {
			return new ArrayList<>(); // RocksDB's multiGet refuses an empty list
		}
		try {
			return this.access.multiGet(this.options, this.family, keys);
		}
		catch (RocksDBException ex) {
			throw failure("multiGet", ex);
		}
	}

	@Override
	public byte @Nullable [] get(byte[] key) {
		try {
			return this.access.get(this.options, this.family, key);
		}
		catch (RocksDBException ex) {
			throw failure("get", ex);
		}
	}

	@Override
	public List<KeyValue> scan(KeySpan span, int limit, boolean ascending) {
		byte[] lower = span.lower();
		byte @Nullable [] upper = span.upper();
		List<KeyValue> entries = new ArrayList<>(Math.min(limit, 64));
		if (upper != null && Arrays.compareUnsigned(lower, upper) >= 0) {
			return entries;
		}
		try (BoundedIterator bounded = new BoundedIterator(lower, upper)) {
			RocksIterator it = bounded.iterator;
			if (ascending) {
				it.seek(lower);
			}
			else {
				it.seekToLast(); // honours the upper bound: the last key below it
				if (it.isValid() && upper != null && Arrays.compareUnsigned(it.key(), upper) >= 0) {
					it.prev();
				}
			}
			while (it.isValid() && entries.size() < limit) {
				byte[] key = it.key();
				if (ascending ? (upper != null && Arrays.compareUnsigned(key, upper) >= 0)
						: Arrays.compareUnsigned(key, lower) < 0) {
					break;
				}
				entries.add(new KeyValue(key, it.value()));
				if (ascending) {
					it.next();
				}
				else {
					it.prev();
				}
			}
			it.status();
		}
		catch (RocksDBException ex) {
			throw failure("scan", ex);
		}
		return entries;
	}

	private static StorageException failure(String what, RocksDBException ex) {
		return new StorageException("RocksDB " + what + " failed: " + ex.getMessage(), ex);
	}

	/** Whether {@link #close()} ran (releasing a RocksDB snapshot twice crashes the process); owner thread. */
	private boolean closed;

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.options.close();
		this.access.release(this.snapshot);
	}

	/**
	 * An iterator on the snapshot with RocksDB's iterate bounds set to one range, so that neither a seek nor a
	 * step walks past the range (over tombstones or into a neighbouring keyspace). Closes the iterator, then its
	 * options and bound slices.
	 */
	private final class BoundedIterator implements AutoCloseable {

		private final Slice lower;

		private final @Nullable Slice upper;

		private final ReadOptions options;

		final RocksIterator iterator;

		BoundedIterator(byte[] lower, byte @Nullable [] upper) {
			this.lower = new Slice(lower);
			this.upper = (upper != null) ? new Slice(upper) : null;
			this.options = new ReadOptions().setSnapshot(RocksSnapshot.this.snapshot).setIterateLowerBound(this.lower);
			if (this.upper != null) {
				this.options.setIterateUpperBound(this.upper);
			}
			this.iterator = RocksSnapshot.this.access.iterator(this.options, RocksSnapshot.this.family);
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
