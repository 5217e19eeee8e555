package io.levelmutex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.UpdateFootprint;

/**
 * Builds one batch: takes items from the head of the write queue, in issue order, while they
 * fit the batch limits, running each update's function when it is reached, on a snapshot
 * taken (at most once per batch, only if the batch holds an update) after the previous batch,
 * plus a {@link BatchOverlay} of the writes already placed. An update whose writes do not fit
 * is left at the head of the queue: it runs again, on fresh state, for the next batch. Items an
 * engine's rejection carried back (see {@link WritePhase}) come first, before anything from the
 * queue. On an engine that {@link io.levelmutex.engine.KeyspaceStorage#batchesUpdateReads() batches update reads}
 * the snapshot is the batch's {@link PrefetchedReads}: when the first update is reached, a {@link ReadPrediction}
 * runs the functions ahead once to learn their reads, which one engine read fetches; an update beyond that
 * prediction's end starts another. When the engine validates updates, each placed update's footprint is kept for the
 * commit. Used only on the cycle thread; {@link #close()} releases the snapshot.
 */
final class BatchBuilder implements AutoCloseable {

	private final MutexCore core;

	/** The batch's number; set per batch when this builder is reused. */
	private long number;

	private final int maxOperations;

	private final long maxBytes;

	/** Items taken from the queue, in issue order; each must be completed by the caller. */
	final List<QueuedWrite> items = new ArrayList<>();

	final List<WriteOperation> operations = new ArrayList<>();

	/** The operations' stored keys, index for index. */
	final List<byte[]> storedKeys = new ArrayList<>();

	/** The footprints of the placed updates, in batch order (only when the engine validates updates). */
	final List<UpdateFootprint> footprints = new ArrayList<>(0);

	/** For each footprint, the index of its update in {@link #items}. */
	final List<Integer> footprintItems = new ArrayList<>(0);

	/** Read-only views of {@link #operations}, {@link #storedKeys} and {@link #footprints}, made once for every batch. */
	private final List<WriteOperation> operationsView = Collections.unmodifiableList(this.operations);

	private final List<byte[]> storedKeysView = Collections.unmodifiableList(this.storedKeys);

	private final List<UpdateFootprint> footprintsView = Collections.unmodifiableList(this.footprints);

	/** How many of {@link #items} were taken from the queue (the others were carried). */
	int takenFromQueue;

	long bytes;

	private @Nullable SnapshotReader reader;

	/**
	 * Whether the engine {@link io.levelmutex.engine.KeyspaceStorage#batchesUpdateReads() batches update reads}: then
	 * the batch's updates read {@link #prefetched} instead of an engine snapshot.
	 */
	private final boolean prefetches;

	/** The batch's prefetched reads (when {@link #prefetches}), made when its first update runs; cycle thread. */
	private @Nullable PrefetchedReads prefetched;

	/** Where {@link #fill} takes items from, while it runs: the items ahead, for a {@link ReadPrediction}. */
	private @Nullable Deque<QueuedWrite> fillCarried;

	private @Nullable OpQueue<QueuedWrite> fillQueue;

	private int fillLimit;

	/**
	 * Why this batch's snapshot could not be taken, if it could not: every later update of the batch fails
	 * the same way instead of asking the engine again (on PostgreSQL, each ask waits for a connection).
	 */
	private @Nullable Throwable openFailure;

	private @Nullable BatchOverlay overlay;

	/** Whether this builder holds the store's guard (while it has a snapshot). */
	private boolean guarded;

	BatchBuilder(MutexCore core, long number, boolean prefetches) {
		this.core = core;
		this.prefetches = prefetches;
		this.number = number;
		this.maxOperations = core.options().maxBatchOperations();
		this.maxBytes = core.options().maxBatchBytes();
	}

	/**
	 * Empties this builder for the next batch of its mutex (after {@link #close()}); only for a builder whose lists
	 * nobody kept: see {@link WritePhase}.
	 */
	void reset(long batchNumber) {
		this.number = batchNumber;
		this.items.clear();
		this.operations.clear();
		this.storedKeys.clear();
		this.footprints.clear();
		this.footprintItems.clear();
		this.takenFromQueue = 0;
		this.bytes = 0;
		this.reader = null;
		this.prefetched = null;
		this.openFailure = null;
		this.overlay = null;
	}

	/**
	 * Takes the carried items, from the head, then (once none is left) up to {@code limit} items from the head
	 * of {@code queue} into the batch.
	 */
	void fill(Deque<QueuedWrite> carried, OpQueue<QueuedWrite> queue, int limit) {
		this.fillCarried = carried;
		this.fillQueue = queue;
		this.fillLimit = limit;
		try {
			take(carried, queue, limit);
		}
		finally {
			this.fillCarried = null;
			this.fillQueue = null;
		}
	}

	private void take(Deque<QueuedWrite> carried, OpQueue<QueuedWrite> queue, int limit) {
		QueuedWrite item;
		while ((item = carried.peekFirst()) != null) {
			if (!place(item)) {
				return;
			}
			carried.pollFirst();
			this.items.add(item);
		}
		while (this.takenFromQueue < limit && (item = queue.peek()) != null) {
			if (!place(item)) {
				return;
			}
			queue.poll();
			this.items.add(item);
			this.takenFromQueue++;
		}
	}

	/** Places an item's writes (running an update); {@code false} if they do not fit. */
	private boolean place(QueuedWrite item) {
		if (item instanceof UpdateWrite<?, ?, ?> update) {
			return !full() && run(update);
		}
		if (!fits(item.operationCount(), item.bytes())) {
			return false;
		}
		if (item instanceof PlainWrite plain) {
			add(plain.operation);
		}
		return true;
	}

	/** The batch for the engine. */
	EngineBatch engineBatch() {
		return new EngineBatch(this.number, this.operationsView, this.storedKeysView, this.footprintsView);
	}

	/**
	 * Runs an update's function on the state its predecessors leave.
	 * @return {@code false} if its writes do not fit this batch (nothing of it was kept)
	 */
	private <K, V, R> boolean run(UpdateWrite<K, V, R> update) {
		Throwable unavailable = open();
		PrefetchedReads reads = this.prefetched;
		if (unavailable == null && reads != null && update.predictedFor != this.number) {
			unavailable = prefetch(reads); // the first update of the batch, or one past the last prediction's end
		}
		if (unavailable != null) {
			update.failed(unavailable);
			return true;
		}
		SnapshotReader snapshot = this.reader;
		SnapshotUpdateContext<K, V> context = new SnapshotUpdateContext<>(this.core, this.number, snapshot,
				this.overlay, update.keyCodec, update.valueCodec, update.attempt());
		R result;
		try {
			result = update.function.apply(context);
		}
		catch (Throwable ex) {
			update.failed(ex);
			return true;
		}
		finally {
			context.end();
		}
		List<WriteOperation> writes = context.writes();
		long size = 0;
		for (WriteOperation op : writes) {
			size += op.size();
		}
		if (!fits(writes.size(), size)) {
			return false;
		}
		update.ran(result, writes, size);
		if (this.core.validatesUpdates()) {
			this.footprints.add(new UpdateFootprint(this.operations.size(), writes.size(), snapshot.sequence(),
					context.readKeys(), context.spans()));
			this.footprintItems.add(this.items.size());
		}
		for (WriteOperation op : writes) {
			add(op);
		}
		return true;
	}

	/** Takes the batch's snapshot and overlay on first use; the failure if the store cannot be read. */
	private @Nullable Throwable open() {
		if (this.openFailure != null) {
			return this.openFailure;
		}
		if (this.reader != null) {
			return null;
		}
		MutexStore store = this.core.store();
		if (!store.guard().enter()) {
			return this.core.storeClosed();
		}
		this.guarded = true;
		try {
			if (this.prefetches) {
				this.prefetched = new PrefetchedReads(this.core.storage());
				this.reader = new SnapshotReader(this.prefetched); // read by the first prefetch, just after
			}
			else {
				this.reader = new SnapshotReader(this.core.storage());
			}
		}
		catch (Throwable ex) {
			this.guarded = false;
			store.guard().exit();
			this.openFailure = StorageFailures.wrap("Update of mutex '" + this.core.name() + "' could not read (batch "
					+ this.number + ")", ex);
			return this.openFailure;
		}
		BatchOverlay placed = new BatchOverlay();
		for (WriteOperation op : this.operations) {
			placed.record(op);
		}
		this.overlay = placed;
		return null;
	}

	/**
	 * Predicts the reads of the updates from the one the batch reached (the head of the carried items, or of the
	 * queue once none is carried) to where the batch would be full, and fetches them with one engine read.
	 * @return the failure if the engine could not answer (every later update of the batch fails the same way)
	 */
	private @Nullable Throwable prefetch(PrefetchedReads reads) {
		try {
			ReadPrediction prediction = new ReadPrediction(this.core, this.number, this.maxOperations, this.maxBytes);
			reads.fetch(prediction.predict(this.operations, ahead()));
			return null;
		}
		catch (Throwable ex) {
			this.openFailure = StorageFailures.wrap("Update of mutex '" + this.core.name() + "' could not read (batch "
					+ this.number + ")", ex);
			return this.openFailure;
		}
	}

	/** The items not yet placed that this batch may still take, in issue order: carried, then queued. */
	private Iterator<QueuedWrite> ahead() {
		Deque<QueuedWrite> carried = this.fillCarried;
		OpQueue<QueuedWrite> queue = this.fillQueue;
		int queued = this.fillLimit - this.takenFromQueue;
		Iterator<QueuedWrite> carriedItems = (carried != null) ? carried.iterator() : Collections.emptyIterator();
		return new Iterator<>() {

			private @Nullable QueuedWrite next = (queue != null && queued > 0) ? queue.peek() : null;

			private int left = queued;

			@Override
			public boolean hasNext() {
				return carriedItems.hasNext() || (this.next != null && this.left > 0);
			}

			@Override
			public QueuedWrite next() {
				if (carriedItems.hasNext()) {
					return carriedItems.next();
				}
				QueuedWrite item = this.next;
				if (item == null || this.left <= 0 || queue == null) {
					throw new NoSuchElementException();
				}
				this.left--;
				this.next = queue.following(item);
				return item;
			}

		};
	}

	private boolean full() {
		return !this.operations.isEmpty() && (this.operations.size() >= this.maxOperations || this.bytes >= this.maxBytes);
	}

	/** Whether writes of that size fit; anything fits an empty batch (a larger item goes alone). */
	private boolean fits(int count, long size) {
		return this.operations.isEmpty()
				|| (this.operations.size() + count <= this.maxOperations && this.bytes + size <= this.maxBytes);
	}

	private void add(WriteOperation op) {
		this.operations.add(op);
		this.storedKeys.add(op.storedKey);
		this.bytes += op.size();
		if (this.overlay != null) {
			this.overlay.record(op);
		}
	}

	/** Releases the snapshot and the store's guard, if taken. */
	@Override
	public void close() {
		try {
			if (this.reader != null) {
				this.reader.close();
			}
		}
		finally {
			this.reader = null;
			if (this.guarded) {
				this.guarded = false;
				this.core.store().guard().exit();
			}
		}
	}

}
