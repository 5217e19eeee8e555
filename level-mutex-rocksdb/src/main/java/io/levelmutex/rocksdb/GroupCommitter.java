package io.levelmutex.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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
 * The store's committer of durable batches. A batch handed over while nothing is in flight (no batch written,
 * none queued) is written at once by the cycle that hands it over, on its own thread, as without group commit
 * ({@link RocksKeyspaceStorage#commit}: the wait runs through {@link io.levelmutex.engine.BlockingCalls#run}, so
 * the store's cycle pool runs other cycles meanwhile), and its stage is complete when {@link #submit} returns: a
 * lone mutex pays no thread hand-off. A batch handed over while another is in flight is queued: a writer thread
 * joins the queued batches (their cycles returned their threads) into one native batch and writes them with ONE
 * synced RocksDB write, then completes each batch's future, in the order they were handed over. A mutex has at
 * most one batch here at a time (the core starts no other commit of a keyspace until its stage completes), so
 * neither path reorders a mutex's batches.
 *
 * <p>Gathering: at most one writer is inside RocksDB's write call at a time. While it writes, the batches handed
 * over gather in the queue and wake no one; when its write returns, the other writer (of {@link #WRITERS}) takes
 * everything that gathered and writes it while the first completes its own group's futures (which resumes those
 * mutexes' cycles, whose next batches gather for the write after). So each write carries everything handed over
 * during the previous one: the number of batches per synced write follows the load, with one wake-up per write
 * instead of one per hand-off. A second writer inside RocksDB would gain nothing: RocksDB writes synced batches
 * through its WAL one write group at a time, so it would wait behind the first (a write stuck in RocksDB holds the
 * next anyway). A cycle's direct write is not counted as a writer's: batches queued behind a stuck direct write are
 * written meanwhile (RocksDB joins the two when both are in its write call).
 *
 * <p>States (the hand-off between the cycles and the writers; every transition but {@link #busy}'s under
 * {@link #lock}, in the manner of the drain status of Caffeine's {@code BoundedLocalCache}):
 * <ul>
 * <li><b>idle</b> ({@code busy == 0}): a batch handed over is written directly by its cycle (busy 0 -> 1 -> 0).</li>
 * <li><b>queued, no writer writing</b> ({@code !writing}, queue not empty): the hand-off that found no writer
 * writing notified an idle writer; if none was idle, both are completing groups and the first to come back takes
 * the queue.</li>
 * <li><b>writing</b> ({@link #writing}): one writer took the whole queue and is filling the native batch or inside
 * RocksDB's write call. Batches handed over meanwhile only join the queue; the other writer waits even if batches
 * are queued.</li>
 * <li><b>write returned</b>: the writer clears {@link #writing} and, if batches gathered and the other writer is
 * idle, notifies it (it goes to <b>writing</b> with them); then it completes its group's futures, in hand-off
 * order, and comes back for the queue (waiting if the other is writing).</li>
 * <li><b>closed</b>: hand-offs fail at once; a writer that finds the queue not empty fails what is in it unwritten
 * (the store's handles may be closing); a write in flight, direct or a writer's, ends normally; close returns
 * once both writers ended and nothing is in flight.</li>
 * </ul>
 *
 * <p>Atomicity: each mutex's batch is all or nothing, as the whole joined write is. A batch whose operations cannot
 * be added to the native batch is rolled back to the save point before it and fails alone; if the shared write
 * fails, exactly the batches in it fail, with the write's error; a failed direct write fails exactly its own
 * batch. Only durable batches come here: non-durable ones
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

	/** Writer threads: one inside RocksDB's write call while the other completes its last group, or waits. */
	static final int WRITERS = 2;

	/**
	 * The system property that sets the number of writer threads when a committer is made ({@link #WRITERS} unless
	 * set); for the benchmarks' A/B in one JVM (issue 22), not a supported setting.
	 */
	static final String WRITERS_PROPERTY = "io.levelmutex.rocksdb.committerWriters";

	private final List<Thread> threads = new ArrayList<>();

	/**
	 * Batches handed over and not yet done: written directly, queued, or in a writer's write. Shared by every
	 * thread without a lock: {@link #submit} adds one (a cycle writes directly only when it raises it from 0),
	 * whoever ends a batch takes it off ({@link #done}) before completing the batch's future, so that the same
	 * mutex's next batch sees the committer idle again.
	 */
	private final AtomicInteger busy = new AtomicInteger();

	/**
	 * Guards {@link #queue}, {@link #idle} and {@link #writing}, and orders {@link #closed}; close waits on it for
	 * {@link #busy}.
	 */
	private final Object lock = new Object();

	/** Batches handed over, in order, not yet taken by the thread; guarded by {@link #lock}. */
	private ArrayList<Pending> queue = new ArrayList<>();

	/**
	 * Whether {@link #close()} ran; written by close under {@link #lock}, read under it by the queue's side and
	 * without it (volatile) by a direct write.
	 */
	private volatile boolean closed;

	/** Writer threads waiting for batches (only then is one notified); guarded by {@link #lock}. */
	private int idle;

	/**
	 * Whether a writer took a group and has not yet returned from its write (the other writer then leaves the queue
	 * to gather); set and cleared by that writer, guarded by {@link #lock}.
	 */
	private boolean writing;

	GroupCommitter(RocksAccess access, WriteOptions options, String threadName) {
		this(access, options, threadName, Math.max(1, Integer.getInteger(WRITERS_PROPERTY, WRITERS)));
	}

	/** @param writers writer threads, at least 1 */
	GroupCommitter(RocksAccess access, WriteOptions options, String threadName, int writers) {
		this.access = access;
		this.options = options;
		for (int i = 0; i < writers; i++) {
			Thread thread = new Thread(this::run, threadName + "-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
		}
		this.threads.forEach(Thread::start);
	}

	/**
	 * Hands a batch over; the future completes once it was written (or failed): already when this returns if the
	 * committer was idle and the calling thread wrote the batch itself. The batch's lists stay untouched by the
	 * caller until then.
	 */
	CompletableFuture<CommitResult> submit(RocksKeyspaceStorage storage, ColumnFamilyHandle family,
			EngineBatch batch) {
		for (;;) {
			int inFlight = this.busy.get();
			if (inFlight == 0) {
				if (this.busy.compareAndSet(0, 1)) {
					return writeHere(storage, batch);
				}
			}
			else if (this.busy.compareAndSet(inFlight, inFlight + 1)) {
				return enqueue(storage, family, batch);
			}
		}
	}

	/** Nothing else in flight: the caller writes its batch itself, as without group commit. */
	private CompletableFuture<CommitResult> writeHere(RocksKeyspaceStorage storage, EngineBatch batch) {
		CompletableFuture<CommitResult> result;
		try {
			if (this.closed) {
				result = CompletableFuture.failedFuture(closedFailure());
			}
			else {
				result = CompletableFuture.completedFuture(storage.commit(batch));
			}
		}
		catch (RuntimeException | Error ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		finally {
			done(1);
		}
		return result;
	}

	private CompletableFuture<CommitResult> enqueue(RocksKeyspaceStorage storage, ColumnFamilyHandle family,
			EngineBatch batch) {
		CompletableFuture<CommitResult> result = new CompletableFuture<>();
		synchronized (this.lock) {
			if (this.closed) {
				done(1);
				result.completeExceptionally(closedFailure());
				return result;
			}
			this.queue.add(new Pending(storage, family, batch, result));
			if (this.idle > 0 && !this.writing) {
				this.lock.notify(); // while a writer writes, batches gather for its return (or the other's write)
			}
		}
		return result;
	}

	private static StorageException closedFailure() {
		return new StorageException("The store's committer is closed; nothing of the batch was applied", null);
	}

	/** {@code count} batches handed over are done (their futures not yet completed); wakes a waiting close. */
	private void done(int count) {
		if (this.busy.addAndGet(-count) == 0 && this.closed) {
			synchronized (this.lock) {
				this.lock.notifyAll();
			}
		}
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
				while ((this.queue.isEmpty() || this.writing) && !this.closed) {
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
				this.writing = !closing;
			}
			@Nullable Throwable[] errors;
			try {
				if (closing) { // the store closed: its handles may be gone (the guard lets no commit be in flight then)
					errors = new Throwable[group.size()];
					Arrays.fill(errors, new StorageException(
							"The store closed before the batch was written; nothing of it was applied", null));
				}
				else {
					errors = write(joined, group);
				}
			}
			catch (Throwable bug) {
				LOG.log(System.Logger.Level.ERROR, "The store's committer failed unexpectedly", bug);
				errors = new Throwable[group.size()];
				Arrays.fill(errors, new StorageException(
						"RocksDB group write failed unexpectedly, nothing of the batch was applied: " + bug, bug));
			}
			finally {
				if (!closing) {
					writeReturned();
				}
			}
			done(group.size());
			complete(group, errors);
		}
	}

	/**
	 * This writer's write returned (or failed): the other writer, if it waits, takes what gathered meanwhile, while
	 * this one completes its group.
	 */
	private void writeReturned() {
		synchronized (this.lock) {
			this.writing = false;
			if (this.idle > 0 && !this.queue.isEmpty()) {
				this.lock.notify();
			}
		}
	}

	/** Completes every batch of a written (or failed) group exactly once, in the order they were handed over. */
	private static void complete(List<Pending> group, @Nullable Throwable[] errors) {
		for (int g = 0, size = group.size(); g < size; g++) {
			Pending pending = group.get(g);
			Throwable error = errors[g];
			try {
				if (error != null) {
					pending.result.completeExceptionally(error);
				}
				else {
					pending.result.complete(pending.storage.committed(pending.batch.size()));
				}
			}
			catch (Throwable bug) { // a dependent that throws: the other batches still complete
				LOG.log(System.Logger.Level.ERROR, "Completing a batch written by the store's committer failed", bug);
				pending.result.completeExceptionally(bug);
			}
		}
	}

	/**
	 * Fills the joined batch and writes it once.
	 * @return per batch of the group, why it failed, or {@code null} if it was written
	 */
	private @Nullable Throwable[] write(WriteBatch batch, List<Pending> group) {
		int size = group.size();
		@Nullable Throwable[] errors = new Throwable[size];
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
					errors[g] = writeFailure(ex);
					try {
						batch.rollbackToSavePoint();
					}
					catch (RocksDBException rollback) {
						ex.addSuppressed(rollback);
						throw new IllegalStateException("Rolling back a refused batch failed", ex);
					}
				}
			}
			if (accepted > 0) {
				try {
					this.access.write(this.options, batch);
				}
				catch (RocksDBException | RuntimeException ex) {
					StorageException failure = writeFailure(ex);
					for (int g = 0; g < size; g++) {
						if (errors[g] == null) {
							errors[g] = failure;
						}
					}
				}
			}
			return errors;
		}
		finally {
			batch.clear();
		}
	}

	private static StorageException writeFailure(Exception ex) {
		return new StorageException("RocksDB write failed: " + ex.getMessage(), ex);
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

	/** @return batches handed over and not yet done: written directly, queued or being written (for tests) */
	int inFlight() {
		return this.busy.get();
	}

	/** @return batches handed over and not yet taken by a writer thread (for tests) */
	int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	/**
	 * Stops the writer threads; fails what is handed over after (or was queued and not taken before) this, without
	 * writing it. A write in flight (a writer's or a cycle's direct one) ends normally first: this waits for the
	 * writers, unless one is the caller (the store's close may run on a writer, from the last batch's completion),
	 * and for every batch handed over to be done.
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
		synchronized (this.lock) {
			while (this.busy.get() != 0) { // a direct write in flight (nothing queued is left: the writers drained it)
				try {
					this.lock.wait();
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
