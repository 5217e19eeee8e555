package io.levelmutex.rocksdb;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import io.levelmutex.WriteOperation;

/**
 * One keyspace's native batch being filled ahead of its commit, by the store's {@link Prefiller}, with the
 * operations the core hinted ({@link RocksKeyspaceStorage#prepare}): the hints are appended by the cycle (the
 * producer), the filler thread puts them into {@link #batch} in order, and the commit seals the round and writes
 * the batch if what was filled is the start of its own batch.
 *
 * <p>Who owns {@link #batch} ({@link #state}): while {@link #OPEN}, nobody touches it but a filler that CASes
 * {@code OPEN -> FILLING}, puts a few operations and CASes back. {@link #seal} (the commit, or the storage's close)
 * CASes {@code OPEN -> SEALED} and then owns it with the {@link #filled} operations in it; if the filler is inside
 * RocksDB's put ({@code FILLING}) it waits a moment, then gives the batch up ({@code FILLING -> ABANDONED}), and
 * the filler closes it after that put. A put that fails leaves it {@link #FAILED}: the sealer then owns a batch
 * that holds an unknown part of an operation, and closes it. No state but {@code OPEN} and {@code FILLING} ever
 * changes again.
 */
final class PrefillRound {

	static final int OPEN = 0;

	static final int FILLING = 1;

	static final int SEALED = 2;

	static final int ABANDONED = 3;

	static final int FAILED = 4;

	/** The arrays' first capacity (they grow to the largest batch hinted, then stay). */
	private static final int INITIAL_CAPACITY = 256;

	/** Operations a filler puts per turn in {@link #FILLING}: what a sealer may have to wait for. */
	private static final int OPERATIONS_PER_TURN = 8;

	/** How long a sealer waits for a filler inside a put before it gives the batch up (a put takes well under 1 us). */
	private static final long SEAL_WAIT_NANOS = 20_000;

	final ColumnFamilyHandle family;

	/** The native batch filled; owned as {@link #state} says. */
	final WriteBatch batch;

	final AtomicInteger state = new AtomicInteger(OPEN);

	/** Whether the round is in the filler's queue or being worked on by it (a producer offers it only if not). */
	final AtomicBoolean queued = new AtomicBoolean();

	/**
	 * The hinted operations; below {@link #published} written by the producer before it raised published, never
	 * again; grown (copied) by the producer, which reads and writes it without a lock (one producer).
	 */
	private WriteOperation[] operations;

	/** Their stored keys, index for index; written and grown with {@link #operations}. */
	private byte[][] storedKeys;

	/** Hinted operations visible to the filler; written by the producer. */
	private volatile int published;

	/**
	 * Operations put into {@link #batch}, in order from the first hinted; written by the filler while it holds
	 * {@code FILLING} (once per turn), read by the sealer after its CAS to {@code SEALED} (ordered by the two CASes);
	 * volatile only so that tests can watch it ({@link #filledSoFar}).
	 */
	private volatile int filled;

	/**
	 * A round that reuses the arrays of a sealed one ({@link #recycle}) if given, else makes its own.
	 */
	PrefillRound(ColumnFamilyHandle family, WriteBatch batch, @Nullable PrefillRound sealed) {
		this.family = family;
		this.batch = batch;
		if (sealed != null) {
			this.operations = sealed.operations;
			this.storedKeys = sealed.storedKeys;
		}
		else {
			this.operations = new WriteOperation[INITIAL_CAPACITY];
			this.storedKeys = new byte[INITIAL_CAPACITY][];
		}
	}

	/**
	 * Empties the arrays of a round this thread sealed ({@link #SEALED}: the filler reads them no more), so that the
	 * next round of the same storage reuses them; sealer only, once.
	 * @return this round, to hand to the next one's constructor
	 */
	PrefillRound recycle() {
		int count = this.published;
		Arrays.fill(this.operations, 0, count, null);
		Arrays.fill(this.storedKeys, 0, count, null);
		return this;
	}

	/** Appends hinted operations and publishes them to the filler; producer only. */
	void add(WriteOperation[] hinted, byte[][] hintedKeys, int count) {
		int from = this.published; // the producer's own last write
		WriteOperation[] to = this.operations;
		byte[][] keys = this.storedKeys;
		if (from + count > to.length) {
			int length = Math.max(2 * to.length, from + count);
			to = Arrays.copyOf(to, length);
			keys = Arrays.copyOf(keys, length);
			// before the volatile write below: a filler that sees the new count sees these arrays
			this.operations = to;
			this.storedKeys = keys;
		}
		System.arraycopy(hinted, 0, to, from, count);
		System.arraycopy(hintedKeys, 0, keys, from, count);
		this.published = from + count;
	}

	/** Whether published operations wait to be put; filler only (it alone writes {@link #filled}). */
	boolean hasWork() {
		return this.filled < this.published && this.state.get() == OPEN;
	}

	/**
	 * Puts every published operation not yet put, a few per turn, as long as nobody sealed the round; filler only.
	 * @return {@code false} once the round is no longer the filler's (sealed, abandoned, failed)
	 */
	boolean fill() {
		for (;;) {
			int end = this.published; // first: then the array read below holds every operation below it
			int from = this.filled;
			if (from >= end) {
				return this.state.get() == OPEN;
			}
			if (!this.state.compareAndSet(OPEN, FILLING)) {
				return false;
			}
			int to = Math.min(end, from + OPERATIONS_PER_TURN);
			WriteOperation[] ops = this.operations;
			byte[][] keys = this.storedKeys;
			boolean failed = false;
			int i = from;
			try {
				for (; i < to; i++) {
					WriteOperation op = ops[i];
					if (op.type() == WriteOperation.Type.PUT) {
						this.batch.put(this.family, keys[i], op.value());
					}
					else {
						this.batch.delete(this.family, keys[i]);
					}
				}
			}
			catch (RocksDBException | RuntimeException ex) {
				failed = true;
			}
			this.filled = i;
			if (!this.state.compareAndSet(FILLING, failed ? FAILED : OPEN)) {
				this.batch.close(); // ABANDONED: the sealer gave the batch up, this thread is its last user
				return false;
			}
			if (failed) {
				return false;
			}
		}
	}

	/**
	 * Ends the round for the filler: sealer only (the commit, or the storage's close), once.
	 * @return {@link #SEALED} (the caller owns {@link #batch} with {@link #filled()} operations in it),
	 * {@link #FAILED} (the caller owns a batch to close), or {@link #ABANDONED} (the filler closes it)
	 */
	int seal() {
		long deadline = 0;
		for (;;) {
			int now = this.state.get();
			if (now == OPEN) {
				if (this.state.compareAndSet(OPEN, SEALED)) {
					return SEALED;
				}
			}
			else if (now == FILLING) {
				long time = System.nanoTime();
				if (deadline == 0) {
					deadline = time + SEAL_WAIT_NANOS;
				}
				else if (time - deadline > 0 && this.state.compareAndSet(FILLING, ABANDONED)) {
					return ABANDONED;
				}
				Thread.onSpinWait();
			}
			else {
				return now; // FAILED (SEALED and ABANDONED are only set here, once)
			}
		}
	}

	/** Operations put so far, as the filler last wrote it (tests: to wait for the filler). */
	int filledSoFar() {
		return this.filled;
	}

	/** Operations hinted so far. */
	int published() {
		return this.published;
	}

	/** Operations in the batch; for the sealer after {@link #seal} answered {@link #SEALED}. */
	int filled() {
		return this.filled;
	}

	/**
	 * Whether the sealed batch holds exactly the first {@link #filled()} operations of {@code batchOperations}, the
	 * same objects in the same order; sealer only.
	 */
	boolean startsWith(List<WriteOperation> batchOperations, List<byte[]> batchKeys) {
		int count = this.filled;
		if (count > batchOperations.size()) {
			return false;
		}
		WriteOperation[] ops = this.operations;
		byte[][] keys = this.storedKeys;
		for (int i = 0; i < count; i++) {
			if (ops[i] != batchOperations.get(i) || keys[i] != batchKeys.get(i)) {
				return false;
			}
		}
		return true;
	}

}
