package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import org.jspecify.annotations.Nullable;

/**
 * Builds one batch: takes items from the head of the write queue, in issue order, while they
 * fit the batch limits, running each update's function when it is reached, on a snapshot
 * taken (at most once per batch, only if the batch holds an update) after the previous batch,
 * plus a {@link BatchOverlay} of the writes already placed. An update whose writes do not fit
 * is left at the head of the queue: it runs again, on fresh state, for the next batch. Used
 * only on the cycle thread; {@link #close()} releases the snapshot.
 */
final class BatchBuilder implements AutoCloseable {

	private final MutexCore core;

	private final long number;

	private final int maxOperations;

	private final long maxBytes;

	/** Items taken from the queue, in issue order; each must be completed by the caller. */
	final List<WriteItem> items = new ArrayList<>();

	final List<WriteOperation> operations = new ArrayList<>();

	long bytes;

	private @Nullable SnapshotReader reader;

	private @Nullable BatchOverlay overlay;

	/** Whether this builder holds the store's guard (while it has a snapshot). */
	private boolean guarded;

	BatchBuilder(MutexCore core, long number) {
		this.core = core;
		this.number = number;
		this.maxOperations = core.options().maxBatchOperations();
		this.maxBytes = core.options().maxBatchBytes();
	}

	/** Takes up to {@code limit} items from the head of {@code queue} into the batch. */
	void fill(Queue<WriteItem> queue, int limit) {
		WriteItem item;
		while (this.items.size() < limit && (item = queue.peek()) != null) {
			if (item instanceof UpdateWrite<?, ?, ?> update) {
				if (full() || !run(update)) {
					break;
				}
			}
			else if (!fits(item.operationCount(), item.bytes())) {
				break;
			}
			else if (item instanceof PlainWrite plain) {
				add(plain.operation);
			}
			queue.poll();
			this.items.add(item);
		}
	}

	/**
	 * Runs an update's function on the state its predecessors leave.
	 * @return {@code false} if its writes do not fit this batch (nothing of it was kept)
	 */
	private <K, V, R> boolean run(UpdateWrite<K, V, R> update) {
		Throwable unavailable = open();
		if (unavailable != null) {
			update.failed(unavailable);
			return true;
		}
		SnapshotUpdateContext<K, V> context = new SnapshotUpdateContext<>(this.core, this.number, this.reader,
				this.overlay, update.keyCodec, update.valueCodec);
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
		for (WriteOperation op : writes) {
			add(op);
		}
		return true;
	}

	/** Takes the batch's snapshot and overlay on first use; the failure if the store cannot be read. */
	private @Nullable Throwable open() {
		if (this.reader != null) {
			return null;
		}
		MutexStore store = this.core.store();
		if (!store.guard().enter()) {
			return this.core.storeClosed();
		}
		this.guarded = true;
		try {
			this.reader = new SnapshotReader(store.access(), this.core.family());
		}
		catch (Throwable ex) {
			this.guarded = false;
			store.guard().exit();
			return new StorageException("Update of mutex '" + this.core.name() + "' could not read (batch "
					+ this.number + "): " + ex, ex);
		}
		BatchOverlay placed = new BatchOverlay();
		for (WriteOperation op : this.operations) {
			placed.record(op);
		}
		this.overlay = placed;
		return null;
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
