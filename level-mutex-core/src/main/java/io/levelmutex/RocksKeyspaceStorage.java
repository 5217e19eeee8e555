package io.levelmutex;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;

/**
 * One mutex's keyspace in the embedded RocksDB engine: a column family and the keyspace's prefix. No other
 * writer commits to it (the store refuses overlapping keyspaces), so commits never validate updates. Its
 * sequence counts the batches this storage committed since it was opened. Used from the mutex's cycle only.
 */
final class RocksKeyspaceStorage implements KeyspaceStorage {

	/** Keys and values RocksDB stores: its slices are limited to a signed 32-bit length. */
	static final int MAX_BYTES = Integer.MAX_VALUE - 8;

	private final RocksAccess access;

	private final ColumnFamilyHandle family;

	private final WriteOptions writeOptions;

	private final byte[] prefix;

	/** Batches committed; written by the mutex's cycle thread, one call at a time. */
	private volatile long sequence;

	RocksKeyspaceStorage(RocksAccess access, ColumnFamilyHandle family, WriteOptions writeOptions, byte[] prefix) {
		this.access = access;
		this.family = family;
		this.writeOptions = writeOptions;
		this.prefix = prefix;
	}

	@Override
	public byte[] keyPrefix() {
		return this.prefix;
	}

	@Override
	public boolean validatesUpdates() {
		return false;
	}

	@Override
	public int maxKeyBytes() {
		return MAX_BYTES;
	}

	@Override
	public int maxValueBytes() {
		return MAX_BYTES;
	}

	@Override
	public ReadSnapshot snapshot() {
		return new RocksSnapshot(this.access, this.family, this.sequence);
	}

	@Override
	public CommitResult commit(EngineBatch batch) {
		try (WriteBatch writeBatch = new WriteBatch()) {
			int i = 0;
			for (WriteOperation op : batch.operations()) {
				byte[] key = batch.storedKeys().get(i++);
				if (op.type() == WriteOperation.Type.PUT) {
					writeBatch.put(this.family, key, op.value());
				}
				else {
					writeBatch.delete(this.family, key);
				}
			}
			this.access.write(this.writeOptions, writeBatch);
		}
		catch (RocksDBException ex) {
			throw new StorageException("RocksDB write failed: " + ex.getMessage(), ex);
		}
		long committed = this.sequence + 1;
		this.sequence = committed;
		return CommitResult.applied(committed, batch.size());
	}

	@Override
	public void close() {
		// the column family stays open for the store's life; RocksEngine closes it
	}

}
