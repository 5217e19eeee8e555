package io.levelmutex;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

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
	 * ({@link io.levelmutex.engine.KeyspaceStorage#keepsBatchAfterCommit()}, e.g. the embedded RocksDB engine), so no
	 * builder and lists are made per batch; made by the mutex's first write phase ({@link #run}: an idle mutex holds
	 * none), {@code null} until then and on other engines (a builder per batch). Not made in {@link #runBatch}: a
	 * "made yet?" branch there is taken once per mutex, so the JIT's optimized runBatch, compiled while one busy
	 * mutex ran, has it as a trap, and the first batch of the next mutex created threw that code away (issue 22, the
	 * deoptimization about 18 s into series X's JVMs: {@code unstable_if} at runBatch's bci 12, JDK 17 and 25). In
	 * {@code run}, once per phase, the same trap only sends the per-cycle code back to the interpreter for a while,
	 * which costs nothing measurable. Its lists are never handed out: events and the interceptor get copies. Cycle
	 * thread.
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

	/** The queue of the run in progress; cycle thread. */
	private @Nullable OpQueue<QueuedWrite> queue;

	/** Items of the run in progress not yet taken into a batch; cycle thread. */
	private int remaining;

	/** The batch handed to the engine whose commit has not completed, or {@code null}; cycle thread. */
	private @Nullable BatchBuilder pendingBatch;

	/** The commit of {@link #pendingBatch}; cycle thread. */
	private @Nullable Commit pendingCommit;

	/**
	 * Writes the first {@code count} items of {@code queue}; items queued meanwhile (by
	 * completion callbacks of its first batches) wait for the next cycle.
	 * @return {@code null} when the phase finished, or the stage of a commit the engine has not completed: the
	 * cycle then returns its thread and calls {@link #resume()} once the stage completed
	 */
	@Nullable CompletionStage<?> run(OpQueue<QueuedWrite> queue, int count) {
		if (this.reusable == null && this.reusesBuilder) { // the mutex's first write phase (see reusable)
			this.reusable = new BatchBuilder(this.core, 0, this.prefetches);
		}
		this.queue = queue;
		this.remaining = count;
		return runBatches();
	}

	/**
	 * Completes the batch whose commit {@link #run} or an earlier {@code resume} answered (its stage has completed),
	 * then writes the rest of the phase.
	 * @return as {@link #run}
	 */
	@Nullable CompletionStage<?> resume() {
		BatchBuilder batch = this.pendingBatch;
		Commit commit = this.pendingCommit;
		this.pendingBatch = null;
		this.pendingCommit = null;
		if (batch == null || commit == null) {
			return runBatches();
		}
		Throwable error = null;
		CommitResult result = null;
		try {
			Outcome outcome = finish(commit);
			error = outcome.error;
			result = outcome.result;
		}
		catch (Throwable bug) {
			LOG.log(System.Logger.Level.ERROR, "Batch " + commit.batch.number() + " of mutex '" + this.core.name()
					+ "' failed unexpectedly after its commit; its operations are failed", bug);
			error = new CommitOutcomeUnknownException("Batch " + commit.batch.number() + " of mutex '" + this.core.name()
					+ "' failed unexpectedly after its commit, it may or may not have been applied: " + bug, bug);
		}
		finally {
			settle(batch, result, error);
		}
		return runBatches();
	}

	private @Nullable CompletionStage<?> runBatches() {
		while (this.remaining > 0 || !this.carried.isEmpty()) {
			OpQueue<QueuedWrite> from = this.queue;
			BatchBuilder batch = runBatch(from, this.remaining);
			if (this.pendingCommit != null) {
				return this.pendingCommit.stage;
			}
			if (batch.items.isEmpty()) {
				break; // counted, but not yet in the queue: the next cycle takes it
			}
		}
		this.queue = null;
		return null;
	}

	private BatchBuilder runBatch(OpQueue<QueuedWrite> queue, int limit) {
		long number = this.core.nextBatchNumber();
		// the same way for every batch of every mutex of an engine: made by run() if reused (see reusable)
		BatchBuilder batch = this.reusable;
		if (batch != null) {
			batch.reset(number);
		}
		else {
			batch = new BatchBuilder(this.core, number, this.prefetches);
		}
		Throwable error = null;
		CommitResult result = null;
		boolean written = false;
		boolean handedOff = false;
		try {
			try {
				batch.fill(this.carried, queue, limit);
			}
			finally {
				try {
					batch.close();
				}
				finally {
					this.remaining -= batch.takenFromQueue;
					this.core.writesTaken(batch.takenFromQueue);
				}
			}
			if (!batch.operations.isEmpty()) {
				Commit commit = start(batch.engineBatch(), batch.bytes);
				if (commit.stage != null && !commit.stage.toCompletableFuture().isDone()) {
					this.pendingBatch = batch;
					this.pendingCommit = commit;
					handedOff = true; // resume() completes its items
					return batch;
				}
				Outcome outcome = finish(commit);
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
			if (!handedOff) {
				if (error == null && result != null && result.hasRejection()) {
					completeRejected(batch, result);
				}
				else {
					// settle(batch, null/result, error) written out: this per-item loop in the per-batch method
					// makes the JIT compile it after hundreds of batches rather than thousands (its back-edges count)
					List<QueuedWrite> items = batch.items;
					int count = items.size();
					try {
						for (int i = 0; i < count; i++) {
							completeItem(items.get(i), error);
						}
					}
					finally {
						this.core.writesCompleted(count);
					}
				}
			}
		}
		return batch;
	}

	/** Completes a batch's items with its commit's outcome (or carries a rejected update and what follows). */
	private void settle(BatchBuilder batch, @Nullable CommitResult result, @Nullable Throwable error) {
		if (error == null && result != null && result.hasRejection()) {
			completeRejected(batch, result);
		}
		else {
			complete(batch.items, 0, batch.items.size(), error);
		}
	}

	/** A commit's outcome: what the engine applied, or why nothing was. */
	private record Outcome(@Nullable CommitResult result, @Nullable Throwable error) {
	}

	/**
	 * A commit started: the batch, the operations its events publish, its bytes, when it started, and either the
	 * engine's stage ({@code entered}: the store guard is held until {@link #finish}) or why nothing was handed to
	 * the engine.
	 */
	private record Commit(EngineBatch batch, List<WriteOperation> view, long bytes, long startNanos,
			@Nullable CompletionStage<CommitResult> stage, @Nullable Throwable refused) {
	}

	private Commit start(EngineBatch batch, long bytes) {
		MutexListeners listeners = this.core.listeners();
		List<WriteOperation> view = batch.operations();
		if (this.reusesBuilder
				&& (!listeners.isEmpty() || this.core.store().options().batchInterceptor() != null)) {
			// the reused builder's lists change with the next batch: events keep a copy (one array copy; List.copyOf
			// copies twice and checks every element for null)
			view = Collections.unmodifiableList(Arrays.asList(view.toArray(new WriteOperation[0])));
		}
		if (!listeners.isEmpty()) {
			listeners.writes(new WriteBatchEvent(this.core.name(), batch.number(), view));
		}
		long start = System.nanoTime();
		MutexStore store = this.core.store();
		try {
			BatchInterceptor interceptor = store.options().batchInterceptor();
			if (interceptor != null) {
				interceptor.beforeBatch(this.core.name(), view);
			}
			if (this.core.abandoned() != null) {
				// closed after closeTimeout: its futures were failed, write nothing
				return new Commit(batch, view, bytes, start, null, this.core.abandoned());
			}
			if (!store.guard().enter()) {
				return new Commit(batch, view, bytes, start, null, this.core.storeClosed());
			}
			CompletionStage<CommitResult> stage;
			try {
				stage = this.core.storage().commitAsync(batch);
			}
			catch (Throwable ex) {
				store.guard().exit();
				throw ex;
			}
			return new Commit(batch, view, bytes, start, stage, null);
		}
		catch (Throwable ex) {
			return new Commit(batch, view, bytes, start, null, failure(batch, ex));
		}
	}

	/** Ends a commit whose stage (if any) completed: its outcome, counters and {@code flushed} event. */
	private Outcome finish(Commit commit) {
		Outcome outcome = outcome(commit);
		long nanos = System.nanoTime() - commit.startNanos;
		List<WriteOperation> view = commit.view;
		CommitResult result = outcome.result;
		List<WriteOperation> applied = view;
		long appliedBytes = commit.bytes;
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
		MutexListeners listeners = this.core.listeners();
		if (!listeners.isEmpty()) {
			listeners.flushed(new FlushEvent(this.core.name(), commit.batch.number(), sequence, applied, appliedBytes,
					Duration.ofNanos(nanos), outcome.error));
		}
		return outcome;
	}

	private Outcome outcome(Commit commit) {
		if (commit.stage == null) {
			return new Outcome(null, commit.refused);
		}
		EngineBatch batch = commit.batch;
		try {
			CommitResult result;
			try {
				result = commit.stage.toCompletableFuture().join();
			}
			catch (CompletionException | CancellationException wrapped) {
				Throwable cause = wrapped instanceof CompletionException && wrapped.getCause() != null
						? wrapped.getCause() : wrapped;
				return new Outcome(null, failure(batch, cause));
			}
			finally {
				this.core.store().guard().exit();
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
				completeItem(items.get(i), error);
			}
		}
		finally {
			this.core.writesCompleted(to - from);
		}
	}

	/** Completes one item; a failure of its completion is logged and does not stop the items after it. */
	private void completeItem(QueuedWrite item, @Nullable Throwable error) {
		try {
			item.complete(error);
		}
		catch (Throwable ex) {
			LOG.log(System.Logger.Level.ERROR, "Completing a write of mutex '" + this.core.name() + "' failed", ex);
		}
	}

}
