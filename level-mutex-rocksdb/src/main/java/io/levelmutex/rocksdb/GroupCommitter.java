package io.levelmutex.rocksdb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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
 * none queued, none waiting for its completion) is written at once by the cycle that hands it over, on its own
 * thread, as without group commit ({@link RocksKeyspaceStorage#commit}: the wait runs through
 * {@link io.levelmutex.engine.BlockingCalls#run}, so the store's cycle pool runs other cycles meanwhile), and its
 * stage is complete when {@link #submit} returns: a lone mutex pays no thread hand-off. A batch handed over while
 * another is in flight is queued: the writer thread joins the queued batches (their cycles returned their threads)
 * into one native batch and writes them with ONE synced RocksDB write; the completer thread then completes each
 * batch's future, group after group in write order and in the order they were handed over within a group. A mutex
 * has at most one batch here at a time (the core starts no other commit of a keyspace until its stage completes),
 * so neither path reorders a mutex's batches.
 *
 * <p>Gathering: one writer, so at most one joined write is inside RocksDB's write call at a time, and every batch
 * handed over during a write goes out in the next one. When a write returns, the writer passes its group to the
 * completer and takes what gathered meanwhile at once, without waiting for any thread to wake; the completer's
 * completions resume those mutexes' cycles during that next write, and their next batches gather for the write
 * after it. So the number of batches per synced write follows the load, the syncs follow one another with no
 * thread wake-up between them, and a hand-off wakes the writer only when it found it waiting. A second writer inside
 * RocksDB would gain nothing: RocksDB writes synced batches through its WAL one write group at a time, so it would
 * wait behind the first (a write stuck in RocksDB holds the next anyway). A cycle's direct write is not the
 * writer's: batches queued behind a stuck direct write are written meanwhile (RocksDB joins the two when both are in
 * its write call).
 *
 * <p>States (every transition but {@link #busy}'s under {@link #lock}, documented in the manner of the drain status
 * of Caffeine's {@code BoundedLocalCache}):
 * <ul>
 * <li><b>idle</b> ({@code busy == 0}): a batch handed over is written directly by its cycle (busy 0 -> 1 -> 0).</li>
 * <li><b>writer waiting</b> ({@link #writerWaiting}, queue empty): the next batch queued signals it.</li>
 * <li><b>writing</b>: the writer took the whole queue and is filling its native batch or inside RocksDB's write
 * call; batches handed over meanwhile only join the queue (no signal).</li>
 * <li><b>written</b>: the write returned (or failed); the writer appends the group with its outcome to
 * {@link #written}, signals the completer if it waits, and goes back to the queue (writing again at once if
 * batches gathered).</li>
 * <li><b>completing</b>: the completer takes the oldest written group, marks its batches done ({@link #busy}), and
 * completes their futures; then the next group, or it waits ({@link #completerWaiting}).</li>
 * <li><b>closed</b>: hand-offs fail at once; close moves what is queued to the completer, failed unwritten (the
 * store's handles may be closing); a write in flight, direct or the writer's, ends normally; the writer then ends,
 * the completer ends once it completed every written group, and close returns once both ended and nothing is in
 * flight.</li>
 * </ul>
 *
 * <p>Atomicity: each mutex's batch is all or nothing, as the whole joined write is. A batch whose operations cannot
 * be added to the native batch is rolled back to the save point before it and fails alone; if the shared write
 * fails, exactly the batches in it fail, with the write's error; a failed direct write fails exactly its own
 * batch. Only durable batches come here: non-durable ones
 * are written by their cycle (a memtable insert, nothing to wait for), so synced and unsynced batches never mix.
 *
 * <p>Completing a future runs only the core's hand-off of the cycle's continuation to its executor: no user code
 * runs on these threads (unless an executor refuses the continuation, see
 * {@link io.levelmutex.engine.KeyspaceStorage#commitAsync}), so the completer does not hold up the writer.
 */
final class GroupCommitter implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(RocksStore.class.getName());

	/** One batch handed over: where it goes, its operations, the storage whose sequence it advances. */
	record Pending(RocksKeyspaceStorage storage, ColumnFamilyHandle family, EngineBatch batch,
			CompletableFuture<CommitResult> result) {
	}

	/** A group the writer wrote (or failed), for the completer: per batch why it failed, or {@code null}. */
	private record Written(List<Pending> group, @Nullable Throwable[] errors) {
	}

	private final RocksAccess access;

	private final WriteOptions options;

	/** The writer thread: takes the queue, writes it, passes it on. */
	private final Thread writer;

	/** The completer thread: completes the written groups in order. */
	private final Thread completer;

	/**
	 * Batches handed over and not yet done: written directly, queued, being written, or written and waiting for the
	 * completer. Shared by every thread without a lock: {@link #submit} adds one (a cycle writes directly only when
	 * it raises it from 0), whoever ends a batch takes it off ({@link #done}) before completing the batch's future,
	 * so that the same mutex's next batch sees the committer idle again.
	 */
	private final AtomicInteger busy = new AtomicInteger();

	/** Guards {@link #queue}, {@link #written} and the waiting flags, and orders {@link #closed}. */
	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when a batch is queued while the writer waits, and at close. */
	private final Condition queuedBatches = this.lock.newCondition();

	/** Signalled when a group is written while the completer waits, when the writer ends, and at close. */
	private final Condition writtenGroups = this.lock.newCondition();

	/** Signalled when {@link #busy} reaches 0 after close (close waits for a direct write in flight). */
	private final Condition drained = this.lock.newCondition();

	/** Batches handed over, in order, not yet taken by the writer; guarded by {@link #lock}. */
	private ArrayList<Pending> queue = new ArrayList<>();

	/** Groups written (or failed), oldest first, not yet taken by the completer; guarded by {@link #lock}. */
	private final ArrayDeque<Written> written = new ArrayDeque<>();

	/** Whether the writer waits for batches (only then is it signalled); guarded by {@link #lock}. */
	private boolean writerWaiting;

	/** Whether the completer waits for groups (only then is it signalled); guarded by {@link #lock}. */
	private boolean completerWaiting;

	/** Whether the writer ended (after close): the completer ends once {@link #written} is empty; guarded by {@link #lock}. */
	private boolean writerEnded;

	/**
	 * Whether {@link #close()} ran; written by close under {@link #lock}, read under it by the queue's side and
	 * without it (volatile) by a direct write.
	 */
	private volatile boolean closed;

	GroupCommitter(RocksAccess access, WriteOptions options, String threadName) {
		this.access = access;
		this.options = options;
		this.writer = new Thread(this::runWriter, threadName + "-write");
		this.completer = new Thread(this::runCompleter, threadName + "-complete");
		this.writer.setDaemon(true);
		this.completer.setDaemon(true);
		this.writer.start();
		this.completer.start();
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
		this.lock.lock();
		try {
			if (this.closed) {
				done(1);
				result.completeExceptionally(closedFailure());
				return result;
			}
			this.queue.add(new Pending(storage, family, batch, result));
			if (this.writerWaiting) { // while it writes, batches gather for its return
				this.queuedBatches.signal();
			}
		}
		finally {
			this.lock.unlock();
		}
		return result;
	}

	private static StorageException closedFailure() {
		return new StorageException("The store's committer is closed; nothing of the batch was applied", null);
	}

	/** {@code count} batches handed over are done (their futures not yet completed); wakes a waiting close. */
	private void done(int count) {
		if (this.busy.addAndGet(-count) == 0 && this.closed) {
			this.lock.lock();
			try {
				this.drained.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	private void runWriter() {
		try (WriteBatch joined = new WriteBatch()) { // the writer's, cleared after each write
			writeUntilClosed(joined);
		}
		finally {
			this.lock.lock();
			try {
				this.writerEnded = true;
				this.writtenGroups.signal();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	private void writeUntilClosed(WriteBatch joined) {
		for (;;) {
			ArrayList<Pending> group;
			this.lock.lock();
			try {
				while (this.queue.isEmpty() && !this.closed) {
					this.writerWaiting = true;
					try {
						this.queuedBatches.awaitUninterruptibly(); // only close() ends this thread
					}
					finally {
						this.writerWaiting = false;
					}
				}
				if (this.closed) {
					return; // close moved what was queued to the completer; nothing comes after
				}
				group = this.queue;
				this.queue = new ArrayList<>();
			}
			finally {
				this.lock.unlock();
			}
			@Nullable Throwable[] errors;
			try {
				errors = write(joined, group);
			}
			catch (Throwable bug) {
				LOG.log(System.Logger.Level.ERROR, "The store's committer failed unexpectedly", bug);
				errors = new Throwable[group.size()];
				Arrays.fill(errors, new StorageException(
						"RocksDB group write failed unexpectedly, nothing of the batch was applied: " + bug, bug));
			}
			this.lock.lock();
			try {
				this.written.add(new Written(group, errors));
				if (this.completerWaiting) {
					this.writtenGroups.signal();
				}
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	private void runCompleter() {
		while (completeNext(true)) {
			// next group
		}
	}

	/**
	 * Completes the oldest written group.
	 * @param wait whether to wait for one while the writer runs
	 * @return whether a group was completed ({@code false}: none left and the writer ended, or none and not waiting)
	 */
	private boolean completeNext(boolean wait) {
		Written next;
		this.lock.lock();
		try {
			while (wait && this.written.isEmpty() && !this.writerEnded) {
				this.completerWaiting = true;
				try {
					this.writtenGroups.awaitUninterruptibly();
				}
				finally {
					this.completerWaiting = false;
				}
			}
			next = this.written.poll();
		}
		finally {
			this.lock.unlock();
		}
		if (next == null) {
			return false;
		}
		done(next.group().size());
		complete(next.group(), next.errors());
		return true;
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

	/** @return batches handed over and not yet done: written directly, queued, being written or completed (for tests) */
	int inFlight() {
		return this.busy.get();
	}

	/** @return batches handed over and not yet taken by the writer (for tests) */
	int queued() {
		this.lock.lock();
		try {
			return this.queue.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stops the writer and the completer; fails what is handed over after (or was queued and not taken before)
	 * this, without writing it. A write in flight (the writer's or a cycle's direct one) ends normally first and its
	 * batches complete: this waits for both threads, unless the caller is the completer (the store's close may run
	 * there, from a batch's completion; it then completes the groups left itself), and for every batch handed over
	 * to be done.
	 */
	@Override
	public void close() {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (!this.queue.isEmpty()) {
				ArrayList<Pending> group = this.queue;
				this.queue = new ArrayList<>();
				@Nullable Throwable[] errors = new Throwable[group.size()];
				Arrays.fill(errors, new StorageException(
						"The store closed before the batch was written; nothing of it was applied", null));
				this.written.add(new Written(group, errors));
			}
			this.queuedBatches.signal();
			this.writtenGroups.signal();
		}
		finally {
			this.lock.unlock();
		}
		boolean interrupted = join(this.writer);
		if (Thread.currentThread() == this.completer) {
			while (completeNext(false)) {
				// the groups written before the writer ended
			}
		}
		else {
			interrupted |= join(this.completer);
		}
		this.lock.lock();
		try {
			while (this.busy.get() != 0) { // a direct write in flight (nothing queued or written is left)
				try {
					this.drained.await();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** @return whether the wait was interrupted (it goes on until the thread ended) */
	private static boolean join(Thread thread) {
		boolean interrupted = false;
		while (thread != Thread.currentThread()) {
			try {
				thread.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		return interrupted;
	}

}
