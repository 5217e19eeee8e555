package io.levelmutex;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.rocksdb.WriteBatch;

/**
 * One write phase: turns the writes drained from the queue into one {@link WriteBatch},
 * leaving out conditional writes that conflict, writes it with one RocksDB call, fires
 * {@code writes} before and {@code flushed} after, then completes every write in issue
 * order with the batch's outcome. Used only on the cycle thread.
 */
final class WritePhase {

	private final MutexCore core;

	private final long number;

	WritePhase(MutexCore core, long number) {
		this.core = core;
		this.number = number;
	}

	void run(List<WriteItem> items, ConflictTracker conflicts, boolean unitsInPlay) {
		conflicts.beginBatch(unitsInPlay);
		List<WriteOperation> operations = new ArrayList<>(items.size());
		long bytes = 0;
		for (WriteItem item : items) {
			if (item instanceof PlainWrite plain) {
				operations.add(plain.operation);
				bytes += plain.operation.size();
				conflicts.mark(plain.operation, null, this.number);
			}
			else if (item instanceof UnitWrite<?> unit) {
				byte[] conflictKey = conflicts.conflict(unit);
				if (conflictKey != null) {
					unit.status = UnitWrite.Status.REJECTED;
					unit.origin.conflictKey = conflictKey;
					continue;
				}
				unit.status = UnitWrite.Status.ACCEPTED;
				for (WriteOperation op : unit.operations) {
					operations.add(op);
					bytes += op.size();
					conflicts.mark(op, unit, this.number);
				}
			}
		}
		Throwable error = null;
		Duration duration = Duration.ZERO;
		if (!operations.isEmpty()) {
			List<WriteOperation> view = Collections.unmodifiableList(operations);
			if (!this.core.listeners().isEmpty()) {
				this.core.listeners().writes(new WriteBatchEvent(this.core.name(), this.number, view));
			}
			long start = System.nanoTime();
			error = write(view);
			duration = Duration.ofNanos(System.nanoTime() - start);
			this.core.counters().batchWritten(view.size(), duration, Instant.now(), error);
			conflicts.endBatch(error == null, this.core.unitsWaiting());
			if (!this.core.listeners().isEmpty()) {
				this.core.listeners()
					.flushed(new FlushEvent(this.core.name(), this.number, view, bytes, duration, error));
			}
		}
		else {
			conflicts.endBatch(false, this.core.unitsWaiting());
		}
		complete(items, error);
	}

	private @Nullable Throwable write(List<WriteOperation> operations) {
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
			return new StorageException("Batch " + this.number + " of mutex '" + this.core.name() + "' ("
					+ operations.size() + " writes) failed, nothing of it was applied: " + ex.getMessage(), ex);
		}
	}

	private void complete(List<WriteItem> items, @Nullable Throwable error) {
		this.core.writesCompleted();
		for (WriteItem item : items) {
			if (item instanceof PlainWrite plain) {
				if (error == null) {
					plain.future.complete(null);
				}
				else {
					plain.future.completeExceptionally(error);
				}
			}
			else if (item instanceof UnitWrite<?> unit) {
				completeUnit(unit, error);
			}
			else if (item instanceof WriteBarrier barrier) {
				barrier.future.complete(null);
			}
		}
	}

	private <R> void completeUnit(UnitWrite<R> unit, @Nullable Throwable error) {
		if (unit.status == UnitWrite.Status.REJECTED) {
			this.core.counters().conflict();
			this.core.retryOrFail(unit.origin);
		}
		else if (error == null) {
			unit.status = UnitWrite.Status.COMMITTED;
			unit.origin.future.complete(unit.result);
		}
		else {
			unit.status = UnitWrite.Status.REJECTED;
			unit.origin.future.completeExceptionally(error);
		}
	}

}
