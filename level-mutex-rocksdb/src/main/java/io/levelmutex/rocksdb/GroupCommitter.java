package io.levelmutex.rocksdb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.StorageException;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;

/**
 * The store's committer of durable batches: a writer thread joins the batches the mutexes' cycles handed it
 * (each cycle returns its thread meanwhile) into one native batch and writes them with ONE synced RocksDB write,
 * then completes each batch's future, in the order they were handed over. While one write waits for the disk,
 * the next batches gather, so the number of batches per write follows the load. There are {@link #WRITERS}
 * writer threads: while one waits for its sync the other takes what gathered meanwhile (RocksDB joins the two
 * writes in its own write group), and one stuck write does not hold up every other mutex. A mutex has at most one
 * batch here at a time, so two writers never reorder a mutex's batches.
 *
 * <p>Atomicity: each mutex's batch is all or nothing, as the whole joined write is. A batch whose operations cannot
 * be added to the native batch is rolled back to the save point before it and fails alone; if the shared write
 * fails, exactly the batches in it fail, with the write's error. Only durable batches come here: non-durable ones
 * are written by their cycle (a memtable insert, nothing to wait for), so synced and unsynced batches never mix.
 *
 * <p>Completing a future runs only the core's hand-off of the cycle's continuation to its executor: no user code
 * runs on this thread (unless an executor refuses the continuation, see
 * {@link io.levelmutex.engine.KeyspaceStorage#commitAsync}).
 */
final class GroupCommitter implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(RocksStore.class.getName());

	/** One batch handed over: where it goes, its operations, the storage whose sequence it advances. */
	record Pending(RocksKeyspaceStorage storage, ColumnFamilyHandle family, EngineBatch batch,
			CompletableFuture<CommitResult> result) {
	}

	private final RocksAccess access;

	private final WriteOptions options;

	/** Writer threads: one writing while the other gathers. */
	static final int WRITERS = 2;

	private final List<Thread> threads = new ArrayList<>();

	/** Guards {@link #queue}, {@link #closed} and {@link #idle}. */
	private final Object lock = new Object();

	/** Batches handed over, in order, not yet taken by the thread; guarded by {@link #lock}. */
	private ArrayList<Pending> queue = new ArrayList<>();

	/** Whether {@link #close()} ran; guarded by {@link #lock}. */
	private boolean closed;

	/** Writer threads waiting for batches (only then is one notified); guarded by {@link #lock}. */
	private int idle;

	GroupCommitter(RocksAccess access, WriteOptions options, String threadName) {
		this.access = access;
		this.options = options;
		for (int i = 0; i < WRITERS; i++) {
			Thread thread = new Thread(this::run, threadName + "-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
		}
		this.threads.forEach(Thread::start);
	}

	/**
	 * Hands a batch over; the future completes once it was written (or failed). The batch's lists stay
	 * untouched by the caller until then.
	 */
	CompletableFuture<CommitResult> submit(RocksKeyspaceStorage storage, ColumnFamilyHandle family,
			EngineBatch batch) {
		CompletableFuture<CommitResult> result = new CompletableFuture<>();
		boolean wake;
		synchronized (this.lock) {
			if (this.closed) {
				result.completeExceptionally(new StorageException("The store's committer is closed; nothing of the"
						+ " batch was applied", null));
				return result;
			}
			this.queue.add(new Pending(storage, family, batch, result));
			wake = this.idle > 0;
			if (wake) {
				this.lock.notify();
			}
		}
		return result;
	}

	private void run() {
		try (WriteBatch joined = new WriteBatch()) { // this writer's, cleared after each write
			commitUntilClosed(joined);
		}
	}

	private void commitUntilClosed(WriteBatch joined) {
		for (;;) {
			ArrayList<Pending> group;
			boolean closing;
			synchronized (this.lock) {
				while (this.queue.isEmpty() && !this.closed) {
					this.idle++;
					try {
						this.lock.wait();
					}
					catch (InterruptedException ex) {
						// only close() ends this thread
					}
					finally {
						this.idle--;
					}
				}
				if (this.queue.isEmpty()) {
					return; // closed, nothing left
				}
				group = this.queue;
				this.queue = new ArrayList<>();
				closing = this.closed;
			}
			try {
				if (closing) { // the store closed: its handles may be gone (the guard lets no commit be in flight then)
					for (Pending pending : group) {
						pending.result.completeExceptionally(new StorageException(
								"The store closed before the batch was written; nothing of it was applied", null));
					}
					continue;
				}
				write(joined, group);
			}
			catch (Throwable bug) {
				LOG.log(System.Logger.Level.ERROR, "The store's committer failed unexpectedly", bug);
				for (Pending pending : group) {
					pending.result.completeExceptionally(new StorageException(
							"RocksDB group write failed unexpectedly, nothing of the batch was applied: " + bug, bug));
				}
			}

		}
	}

	/** Fills the joined batch, writes it once, completes every batch of the group exactly once. */
	private void write(WriteBatch batch, List<Pending> group) {
		int size = group.size();
		@Nullable Throwable[] refused = new Throwable[size];
		int accepted = 0;
		try {
			for (int g = 0; g < size; g++) {
				Pending pending = group.get(g);
				try {
					batch.setSavePoint();
					fill(batch, pending);
					accepted++;
				}
				catch (RocksDBException | RuntimeException ex) {
					refused[g] = ex;
					try {
						batch.rollbackToSavePoint();
					}
					catch (RocksDBException rollback) {
						ex.addSuppressed(rollback);
						throw new IllegalStateException("Rolling back a refused batch failed", ex);
					}
				}
			}
			Throwable writeError = null;
			if (accepted > 0) {
				try {
					this.access.write(this.options, batch);
				}
				catch (RocksDBException | RuntimeException ex) {
					writeError = ex;
				}
			}
			for (int g = 0; g < size; g++) {
				Pending pending = group.get(g);
				Throwable error = refused[g] != null ? refused[g] : writeError;
				if (error != null) {
					pending.result.completeExceptionally(new StorageException("RocksDB write failed: "
							+ error.getMessage(), error));
				}
				else {
					pending.result.complete(pending.storage.committed(pending.batch.size()));
				}
			}
		}
		finally {
			batch.clear();
		}
	}

	private static void fill(WriteBatch batch, Pending pending) throws RocksDBException {
		List<WriteOperation> operations = pending.batch.operations();
		List<byte[]> storedKeys = pending.batch.storedKeys();
		for (int i = 0, n = operations.size(); i < n; i++) {
			WriteOperation op = operations.get(i);
			if (op.type() == WriteOperation.Type.PUT) {
				batch.put(pending.family, storedKeys.get(i), op.value());
			}
			else {
				batch.delete(pending.family, storedKeys.get(i));
			}
		}
	}

	/** @return batches handed over and not yet taken by the thread (for tests) */
	int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	/**
	 * Stops the thread; fails what is handed over after (or was not taken before) this, without writing it. Waits for the thread unless it
	 * is the caller (the store's close may run on a writer, from the last batch's completion).
	 */
	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.lock.notifyAll();
		}
		boolean interrupted = false;
		for (Thread thread : this.threads) {
			while (thread != Thread.currentThread()) {
				try {
					thread.join();
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
