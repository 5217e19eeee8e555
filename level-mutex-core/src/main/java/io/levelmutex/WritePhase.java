package io.levelmutex;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Queue;

import org.jspecify.annotations.Nullable;
import org.rocksdb.WriteBatch;

/**
 * One write phase: writes the items that were queued when it started, in issue order, in as
 * many batches as the limits need, before any new read phase. Each batch is one atomic
 * {@link WriteBatch} written with one RocksDB call, with {@code writes} fired before and
 * {@code flushed} after; then each of its items completes, in order, with the batch's
 * outcome. Whatever fails, every item taken from the queue completes exactly once. Used only
 * on the cycle thread.
 */
final class WritePhase {

	private static final System.Logger LOG = System.getLogger(Mutex.class.getName());

	private final MutexCore core;

	WritePhase(MutexCore core) {
		this.core = core;
	}

	/**
	 * Writes the first {@code count} items of {@code queue}; items queued meanwhile (by
	 * completion callbacks of its first batches) wait for the next cycle.
	 */
	void run(Queue<WriteItem> queue, int count) {
		int remaining = count;
		while (remaining > 0) {
			int taken = runBatch(queue, remaining);
			if (taken == 0) {
				return; // counted, but not yet in the queue: the next cycle takes it
			}
			remaining -= taken;
		}
	}

	private int runBatch(Queue<WriteItem> queue, int limit) {
		long number = this.core.nextBatchNumber();
		BatchBuilder batch = new BatchBuilder(this.core, number);
		Throwable error = null;
		boolean written = false;
		try {
			try {
				batch.fill(queue, limit);
			}
			finally {
				try {
					batch.close();
				}
				finally {
					this.core.writesTaken(batch.items.size());
				}
			}
			if (!batch.operations.isEmpty()) {
				error = write(number, Collections.unmodifiableList(batch.operations), batch.bytes);
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
			complete(batch.items, error);
		}
		return batch.items.size();
	}

	private @Nullable Throwable write(long number, List<WriteOperation> view, long bytes) {
		MutexListeners listeners = this.core.listeners();
		if (!listeners.isEmpty()) {
			listeners.writes(new WriteBatchEvent(this.core.name(), number, view));
		}
		long start = System.nanoTime();
		Throwable error = apply(number, view);
		Duration duration = Duration.ofNanos(System.nanoTime() - start);
		this.core.counters().batchWritten(view.size(), duration, Instant.now(), error);
		if (!listeners.isEmpty()) {
			listeners.flushed(new FlushEvent(this.core.name(), number, view, bytes, duration, error));
		}
		return error;
	}

	private @Nullable Throwable apply(long number, List<WriteOperation> operations) {
		MutexStore store = this.core.store();
		try {
			BatchInterceptor interceptor = store.options().batchInterceptor();
			if (interceptor != null) {
				interceptor.beforeBatch(this.core.name(), operations);
			}
			if (this.core.abandoned() != null) {
				return this.core.abandoned(); // closed after closeTimeout: its futures were failed, write nothing
			}
			if (!store.guard().enter()) {
				return this.core.storeClosed();
			}
			try (WriteBatch batch = new WriteBatch()) {
				for (WriteOperation op : operations) {
					if (op.type() == WriteOperation.Type.PUT) {
						batch.put(this.core.family(), op.storedKey, op.value());
					}
					else {
						batch.delete(this.core.family(), op.storedKey);
					}
				}
				store.access().write(this.core.writeOptions(), batch);
			}
			finally {
				store.guard().exit();
			}
			return null;
		}
		catch (Throwable ex) {
			return new StorageException("Batch " + number + " of mutex '" + this.core.name() + "' ("
					+ operations.size() + " writes) failed, nothing of it was applied: " + ex.getMessage(), ex);
		}
	}

	/** Completes every item, in issue order; then they no longer hold up {@link Mutex#afterWrite()}. */
	private void complete(List<WriteItem> items, @Nullable Throwable error) {
		try {
			for (WriteItem item : items) {
				try {
					item.complete(error);
				}
				catch (Throwable ex) {
					LOG.log(System.Logger.Level.ERROR, "Completing a write of mutex '" + this.core.name() + "' failed",
							ex);
				}
			}
		}
		finally {
			this.core.writesCompleted(items.size());
		}
	}

}
