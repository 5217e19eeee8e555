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
	 * its capacity instead of growing from empty per commit; owned by the commit (or the {@link #round} of hints)
	 * that set {@link #batchInUse}, closed by whichever of {@link #close()} and that owner ends last. Replaced by a
	 * new one when a round gives it up unsealed (the filler closes the old one, or it failed). Guarded by {@code this}.
	 */
	private WriteBatch reusable = new WriteBatch();

	/** Whether a commit (or a round of hints) is filling or writing {@link #reusable}; guarded by {@code this}. */
	private boolean batchInUse;

	/** Whether {@link #close()} ran; guarded by {@code this}. */
	private boolean closed;

	/** The store's committer of durable batches, or {@code null}: not durable, commits write here. */
	private final @Nullable GroupCommitter committer;

	/** The store's filler of native batches ahead of their commits, or {@code null}: no hints ({@link #prepare}). */
	private final @Nullable Prefiller prefiller;

	/**
	 * The round filling {@link #reusable} with the hints since the last commit, or {@code null}; made by the first
	 * hint after a commit (which sets {@link #batchInUse}: the round owns the batch until sealed), taken and sealed
	 * by the next commit or by {@link #close()}. Guarded by {@code this}.
	 */
	private @Nullable PrefillRound round;

	/** The last round sealed, whose emptied arrays the next round reuses, or {@code null}; guarded by {@code this}. */
	private @Nullable PrefillRound sealedRound;

	RocksKeyspaceStorage(RocksAccess access, ColumnFamilyHandle family, WriteOptions writeOptions, byte[] prefix) {
		this(access, family, writeOptions, prefix, null, null);
	}

	RocksKeyspaceStorage(RocksAccess access, ColumnFamilyHandle family, WriteOptions writeOptions, byte[] prefix,
			@Nullable GroupCommitter committer) {
		this(access, family, writeOptions, prefix, committer, null);
	}

	RocksKeyspaceStorage(RocksAccess access, ColumnFamilyHandle family, WriteOptions writeOptions, byte[] prefix,
			@Nullable GroupCommitter committer, @Nullable Prefiller prefiller) {
		this.access = access;
		this.committer = committer;
		this.prefiller = prefiller;
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

	/** Hints are taken when the store fills batches ahead ({@link Prefiller}). */
	@Override
	public boolean preparesBatches() {
		return this.prefiller != null;
	}

	/**
	 * Hands the hinted operations to the store's {@link Prefiller}, which puts them into this storage's native batch
	 * while the cycle goes on; the next {@link #commit} uses what it filled if that is the start of its batch. Ignored
	 * after {@link #close()} and while a commit holds the batch.
	 */
	@Override
	public void prepare(WriteOperation[] operations, byte[][] storedKeys, int count) {
		Prefiller filler = this.prefiller;
		if (filler == null || count <= 0) {
			return;
		}
		PrefillRound hinted;
		synchronized (this) {
			hinted = this.round;
			if (hinted == null) {
				if (this.closed || this.batchInUse) {
					return;
				}
				this.batchInUse = true; // the round owns the batch until sealed
				hinted = new PrefillRound(this.family, this.reusable, this.sealedRound);
				this.sealedRound = null;
				this.round = hinted;
			}
			hinted.add(operations, storedKeys, count);
		}
		filler.offer(hinted);
	}

	/**
	 * The batch a commit fills and writes: the prefilled one if the round sealed with the start of this batch in it
	 * (then {@code prefilled[0]} says how many operations it holds), else the reusable batch, empty.
	 */
	private WriteBatch batchFor(EngineBatch batch, int[] prefilled) {
		PrefillRound hinted;
		synchronized (this) {
			hinted = this.round;
			this.round = null;
		}
		if (hinted == null) {
			return acquireBatch();
		}
		int sealed = hinted.seal();
		if (sealed == PrefillRound.SEALED) {
			// the round's batch is this.reusable (batchInUse still set): this commit now holds it
			if (hinted.startsWith(batch.operations(), batch.storedKeys())) {
				prefilled[0] = hinted.filled();
			}
			else {
				hinted.batch.clear(); // the hints went wrong: fill it from the start
			}
			PrefillRound emptied = hinted.recycle();
			synchronized (this) {
				this.sealedRound = emptied;
			}
			return hinted.batch;
		}
		synchronized (this) {
			if (sealed == PrefillRound.FAILED) {
				hinted.batch.close(); // a put failed in it: its content is unknown
			} // ABANDONED: the filler closes it after its put
			this.reusable = new WriteBatch();
			if (this.closed) {
				this.reusable.close();
				this.batchInUse = false;
				return new WriteBatch();
			}
			return this.reusable; // batchInUse stays set: this commit holds it
		}
	}

	@Override
	public CommitResult commit(EngineBatch batch) {
		int[] prefilled = { 0 };
		WriteBatch writeBatch = (this.prefiller != null) ? batchFor(batch, prefilled) : acquireBatch();
		try {
			List<WriteOperation> operations = batch.operations();
			List<byte[]> storedKeys = batch.storedKeys();
			for (int i = prefilled[0], n = operations.size(); i < n; i++) { // indexed: no iterator per batch
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

	/** The round of hints now, or {@code null} (tests: to wait for the filler). */
	synchronized @Nullable PrefillRound round() {
		return this.round;
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

	/**
	 * Drops the round of hints (a batch the committer writes instead of this storage's commit): its native batch is
	 * the reusable one again, empty. Cycle thread.
	 */
	void discardHints() {
		PrefillRound hinted;
		synchronized (this) {
			hinted = this.round;
			this.round = null;
		}
		if (hinted != null) {
			releaseRound(hinted, hinted.seal());
		}
	}

	/** Gives back the batch of a round the caller sealed (or failed to seal, see {@link PrefillRound#seal}). */
	private synchronized void releaseRound(PrefillRound hinted, int sealed) {
		if (sealed == PrefillRound.SEALED) {
			this.sealedRound = hinted.recycle();
			releaseBatch(hinted.batch); // this.reusable: cleared, or closed if the storage closed
			return;
		}
		if (sealed == PrefillRound.FAILED) {
			hinted.batch.close();
		} // ABANDONED: the filler closes it after its put
		this.batchInUse = false;
		this.reusable = new WriteBatch();
		if (this.closed) {
			this.reusable.close();
		}
	}

	@Override
	public void close() {
		// the column family stays open for the store's life; RocksEngine closes it
		PrefillRound hinted;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			hinted = this.round;
			this.round = null;
			if (!this.batchInUse) {
				this.reusable.close();
			}
		}
		if (hinted != null) { // its batch is this.reusable, held by the round: closed by releaseRound (or the filler)
			releaseRound(hinted, hinted.seal());
		}
	}

}
