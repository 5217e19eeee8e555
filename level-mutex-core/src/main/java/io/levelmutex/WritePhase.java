package io.levelmutex;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyFormat;

/**
 * One write phase: writes the items that were queued when it started, in issue order, in as
 * many batches as the limits need, before any new read phase. Each batch is one atomic commit
 * of the storage engine, with {@code writes} fired before and {@code flushed} after; then each
 * of its items completes, in order, with the batch's outcome.
 *
 * <p>When the engine rejects an update of a batch (another writer committed something it
 * depended on), only the operations before it were applied: the items entirely before it
 * complete with success, and the update with every item after it is carried to the head of the
 * next batch of this phase, before anything newer, so issue order holds; the update runs again
 * on fresh state with {@link UpdateContext#attempt()} one higher, and after
 * its {@code maxAttempts} ({@link MutexOptions#maxUpdateAttempts()} unless the call named one)
 * rejections it fails with
 * {@link WriteConflictException} while the items after it go on. Whatever fails, every item
 * taken from the queue completes exactly once. One per mutex, run once per write phase (nothing
 * is carried from one run to the next); used only on the cycle thread.
 */
final class WritePhase {

	private static final System.Logger LOG = System.getLogger(Mutex.class.getName());

	private final MutexCore core;

	/** Items a rejection sent back, in issue order, to head the next batch; cycle thread. */
	private final ArrayDeque<QueuedWrite> carried = new ArrayDeque<>();

	/**
	 * The builder every batch reuses when the engine keeps nothing of a batch after its commit
	 * ({@link io.levelmutex.engine.KeyspaceStorage#keepsBatchAfterCommit()}, e.g. the embedded RocksDB engine), so no builder and lists are made per batch; made by the first batch (an idle mutex holds none),
	 * {@code null} until then and on other engines. Its lists are never handed out: events and the interceptor get
	 * copies. Cycle thread.
	 */
	private @Nullable BatchBuilder reusable;

	/** Whether batches reuse {@link #reusable} (the engine keeps nothing of a batch). */
	private final boolean reusesBuilder;

	/** Whether the engine wants the reads of a batch's updates predicted and prefetched together. */
	private final boolean prefetches;

	WritePhase(MutexCore core) {
		this.core = core;
		this.reusesBuilder = !core.storage().keepsBatchAfterCommit();
		this.prefetches = core.storage().batchesUpdateReads();
	}

	/**
	 * Writes the first {@code count} items of {@code queue}; items queued meanwhile (by
	 * completion callbacks of its first batches) wait for the next cycle.
	 */
	void run(OpQueue<QueuedWrite> queue, int count) {
		int remaining = count;
		while (remaining > 0 || !this.carried.isEmpty()) {
			BatchBuilder batch = runBatch(queue, remaining);
			if (batch.items.isEmpty()) {
				return; // counted, but not yet in the queue: the next cycle takes it
			}
			remaining -= batch.takenFromQueue;
		}
	}

	private BatchBuilder runBatch(OpQueue<QueuedWrite> queue, int limit) {
		long number = this.core.nextBatchNumber();
		BatchBuilder batch;
		if (this.reusable != null) {
			batch = this.reusable;
			batch.reset(number);
		}
		else {
			batch = new BatchBuilder(this.core, number, this.prefetches);
			if (this.reusesBuilder) {
				this.reusable = batch;
			}
		}
		Throwable error = null;
		CommitResult result = null;
		boolean written = false;
		try {
			try {
				batch.fill(this.carried, queue, limit);
			}
			finally {
				try {
					batch.close();
				}
				finally {
					this.core.writesTaken(batch.takenFromQueue);
				}
			}
			if (!batch.operations.isEmpty()) {
				Outcome outcome = write(batch.engineBatch(), batch.bytes);
				error = outcome.error;
				result = outcome.result;
			}
			written = true;
		}
		catch (Throwable bug) {
			LOG.log(System.Logger.Level.ERROR, "Batch " + number + " of mutex '" + this.core.name()
					+ "' failed unexpectedly; its operations are failed", bug);
			if (!written) {
				error = new StorageException("Batch " + number + " of mutex '" + this.core.name()
						+ "' failed unexpectedly, nothing of it was applied: " + bug, bug);
			}
		}
		finally {
			if (error == null && result != null && result.hasRejection()) {
				completeRejected(batch, result);
			}
			else {
				complete(batch.items, 0, batch.items.size(), error);
			}
		}
		return batch;
	}

	/** A commit's outcome: what the engine applied, or why nothing was. */
	private record Outcome(@Nullable CommitResult result, @Nullable Throwable error) {
	}

	private Outcome write(EngineBatch batch, long bytes) {
		MutexListeners listeners = this.core.listeners();
		List<WriteOperation> view = batch.operations();
		if (this.reusesBuilder
				&& (!listeners.isEmpty() || this.core.store().options().batchInterceptor() != null)) {
			view = List.copyOf(view); // the reused builder's lists change with the next batch: events keep a copy
		}
		if (!listeners.isEmpty()) {
			listeners.writes(new WriteBatchEvent(this.core.name(), batch.number(), view));
		}
		long start = System.nanoTime();
		Outcome outcome = apply(batch, view);
		long nanos = System.nanoTime() - start;
		CommitResult result = outcome.result;
		List<WriteOperation> applied = view;
		long appliedBytes = bytes;
		long sequence;
		if (result != null) {
			sequence = result.sequence();
			this.core.counters().committed(sequence);
			if (result.hasRejection()) {
				applied = view.subList(0, Math.min(result.appliedOperations(), view.size()));
				appliedBytes = 0;
				for (WriteOperation op : applied) {
					appliedBytes += op.size();
				}
				this.core.counters().conflict();
			}
		}
		else {
			sequence = this.core.counters().lastSequence();
		}
		if (outcome.error != null || !applied.isEmpty()) {
			this.core.counters().batchWritten(applied.size(), nanos, System.currentTimeMillis(), outcome.error);
		}
		if (!listeners.isEmpty()) {
			listeners.flushed(new FlushEvent(this.core.name(), batch.number(), sequence, applied, appliedBytes,
					Duration.ofNanos(nanos), outcome.error));
		}
		return outcome;
	}

	private Outcome apply(EngineBatch batch, List<WriteOperation> published) {
		MutexStore store = this.core.store();
		try {
			BatchInterceptor interceptor = store.options().batchInterceptor();
			if (interceptor != null) {
				interceptor.beforeBatch(this.core.name(), published);
			}
			if (this.core.abandoned() != null) {
				// closed after closeTimeout: its futures were failed, write nothing
				return new Outcome(null, this.core.abandoned());
			}
			if (!store.guard().enter()) {
				return new Outcome(null, this.core.storeClosed());
			}
			CommitResult result;
			try {
				result = this.core.storage().commit(batch);
			}
			finally {
				store.guard().exit();
			}
			if (result.hasRejection() && (result.rejectedUpdate() >= batch.updates().size()
					|| result.appliedOperations() != batch.updates().get(result.rejectedUpdate()).firstOperation())) {
				// an engine bug: what it applied is unclear, so no item may be reported written or retried
				return new Outcome(null, new CommitOutcomeUnknownException("Batch " + batch.number() + " of mutex '"
						+ this.core.name() + "': the engine rejected update " + result.rejectedUpdate() + " of "
						+ batch.updates().size() + " after applying " + result.appliedOperations()
						+ " operations, which does not match the batch", null));
			}
			return new Outcome(result, null);
		}
		catch (Throwable ex) {
			return new Outcome(null, failure(batch, ex));
		}
	}

	private StorageException failure(EngineBatch batch, Throwable ex) {
		if (ex instanceof CommitOutcomeUnknownException) {
			return new CommitOutcomeUnknownException("Batch " + batch.number() + " of mutex '" + this.core.name()
					+ "' (" + batch.size() + " writes): its outcome is unknown, it may or may not have been applied: "
					+ ex.getMessage(), ex);
		}
		String message = "Batch " + batch.number() + " of mutex '" + this.core.name() + "' (" + batch.size()
				+ " writes) failed, nothing of it was applied: " + ex.getMessage();
		if (ex instanceof StorageUnavailableException) {
			return new StorageUnavailableException(message, ex);
		}
		return new StorageException(message, ex);
	}

	/**
	 * Completes the items before the rejected update with success, fails the update if it used its last
	 * attempt, and carries it (unless failed) and every item after it to the head of the next batch.
	 */
	private void completeRejected(BatchBuilder batch, CommitResult result) {
		List<QueuedWrite> items = batch.items;
		int rejectedItem = batch.footprintItems.get(result.rejectedUpdate());
		complete(items, 0, rejectedItem, null);
		UpdateWrite<?, ?, ?> rejected = (UpdateWrite<?, ?, ?>) items.get(rejectedItem);
		int next = rejectedItem;
		int max = rejected.maxAttempts;
		if (rejected.attempt() >= max) {
			WriteConflictException conflict = new WriteConflictException(this.core.name(),
					conflictKey(result.conflictKey()), rejected.attempt(), max);
			next++;
			try {
				rejected.fail(conflict);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Failing an update of mutex '" + this.core.name() + "' failed", ex);
			}
			finally {
				this.core.writesCompleted(1);
			}
		}
		for (int i = items.size() - 1; i >= next; i--) {
			QueuedWrite item = items.get(i);
			if (item instanceof UpdateWrite<?, ?, ?> update) {
				update.again(item == rejected);
			}
			this.carried.addFirst(item);
		}
	}

	private String conflictKey(byte @Nullable [] stored) {
		if (stored == null) {
			return "(not named by the engine)";
		}
		return KeyFormat.abbreviate(KeyBytes.strip(this.core.prefix(), stored));
	}

	/**
	 * Completes items {@code from} to {@code to - 1}, in issue order; then they no longer hold up
	 * {@link Mutex#afterWrite()}.
	 */
	private void complete(List<QueuedWrite> items, int from, int to, @Nullable Throwable error) {
		try {
			for (int i = from; i < to; i++) {
				try {
					items.get(i).complete(error);
				}
				catch (Throwable ex) {
					LOG.log(System.Logger.Level.ERROR, "Completing a write of mutex '" + this.core.name() + "' failed",
							ex);
				}
			}
		}
		finally {
			this.core.writesCompleted(to - from);
		}
	}

}
