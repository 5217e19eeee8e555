package io.levelmutex.rocksdb;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.StorageException;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.BlockingCalls;
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

	/** Whether commits are synced (the store is durable); read once from the write options. */
	private final boolean durable;

	/**
	 * Batches committed; written by the mutex's cycle thread (a direct write too) or, for a batch the committer
	 * queued, by a writer thread before the batch's stage completes: one commit at a time either way.
	 */
	private volatile long sequence;

	/**
	 * The native batch every commit refills (cleared after each), so that its buffer is allocated once and keeps
	 * its capacity instead of growing from empty per commit; owned by the commit that set {@link #batchInUse},
	 * closed by whichever of {@link #close()} and that commit ends last. Guarded by {@code this}.
	 */
	private final WriteBatch reusable = new WriteBatch();

	/** Whether a commit is filling or writing {@link #reusable}; guarded by {@code this}. */
	private boolean batchInUse;

	/** Whether {@link #close()} ran; guarded by {@code this}. */
	private boolean closed;

	/** The store's committer of durable batches, or {@code null}: not durable, commits write here. */
	private final @Nullable GroupCommitter committer;

	RocksKeyspaceStorage(RocksAccess access, ColumnFamilyHandle family, WriteOptions writeOptions, byte[] prefix) {
		this(access, family, writeOptions, prefix, null);
	}

	RocksKeyspaceStorage(RocksAccess access, ColumnFamilyHandle family, WriteOptions writeOptions, byte[] prefix,
			@Nullable GroupCommitter committer) {
		this.access = access;
		this.committer = committer;
		this.family = family;
		this.writeOptions = writeOptions;
		this.prefix = prefix;
		this.durable = writeOptions.sync();
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

	/** Nothing of a batch is kept: its operations are copied into the native batch, which is cleared after the write. */
	@Override
	public boolean keepsBatchAfterCommit() {
		return false;
	}

	@Override
	public ReadSnapshot snapshot() {
		return new RocksSnapshot(this.access, this.family, this.sequence);
	}

	/**
	 * Durable: hands the batch to the store's committer. If nothing else is in flight there, the batch is written
	 * here, on the calling thread, as {@link #commit} does, and the stage answered is complete; otherwise the
	 * committer writes it with the ready batches of other mutexes in one synced write, and this answers at once (the
	 * cycle holds no thread meanwhile). Not durable: {@link #commit}.
	 */
	@Override
	public CompletionStage<CommitResult> commitAsync(EngineBatch batch) {
		GroupCommitter group = this.committer;
		if (group == null) {
			return KeyspaceStorage.super.commitAsync(batch);
		}
		return group.submit(this, this.family, batch);
	}

	/** A batch of this keyspace was written (by the committer): the next sequence, as {@link #commit} answers. */
	CommitResult committed(int operations) {
		long committed = this.sequence + 1;
		this.sequence = committed;
		return CommitResult.applied(committed, operations);
	}

	@Override
	public CommitResult commit(EngineBatch batch) {
		WriteBatch writeBatch = acquireBatch();
		try {
			List<WriteOperation> operations = batch.operations();
			List<byte[]> storedKeys = batch.storedKeys();
			for (int i = 0, n = operations.size(); i < n; i++) { // indexed: no iterator per batch
				WriteOperation op = operations.get(i);
				byte[] key = storedKeys.get(i);
				if (op.type() == WriteOperation.Type.PUT) {
					writeBatch.put(this.family, key, op.value());
				}
				else {
					writeBatch.delete(this.family, key);
				}
			}
			if (this.durable) {
				// waits for the disk: the store's cycle pool runs another mutex's cycle meanwhile, whose
				// synced write can join this one's WAL sync
				BlockingCalls.run(() -> {
					this.access.write(this.writeOptions, writeBatch);
					return null;
				});
			}
			else {
				this.access.write(this.writeOptions, writeBatch);
			}
		}
		catch (RocksDBException ex) {
			throw new StorageException("RocksDB write failed: " + ex.getMessage(), ex);
		}
		finally {
			releaseBatch(writeBatch);
		}
		long committed = this.sequence + 1;
		this.sequence = committed;
		return CommitResult.applied(committed, batch.size());
	}

	/** The reusable batch, empty; a fresh one if this storage is closed (or, against its contract, in use). */
	private synchronized WriteBatch acquireBatch() {
		if (this.closed || this.batchInUse) {
			return new WriteBatch();
		}
		this.batchInUse = true;
		return this.reusable;
	}

	/** Empties the reusable batch for the next commit (closes it if the storage closed meanwhile), or closes a fresh one. */
	private synchronized void releaseBatch(WriteBatch used) {
		if (used != this.reusable) {
			used.close();
			return;
		}
		this.batchInUse = false;
		if (this.closed) {
			used.close();
		}
		else {
			used.clear();
		}
	}

	@Override
	public synchronized void close() {
		// the column family stays open for the store's life; RocksEngine closes it
		if (!this.closed) {
			this.closed = true;
			if (!this.batchInUse) {
				this.reusable.close();
			}
		}
	}

}
