package io.levelmutex;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The {@code flushed} event: a batch was written, or failed. Every {@code writes} event is followed by
 * exactly one {@code flushed} event for the same batch.
 *
 * <p>On an engine that validates updates against other writers, a batch may be applied only in part: when
 * the engine rejects an update, the operations before it are applied (atomically) and this event lists
 * exactly those, with the batch's sequence; the rejected update and the items after it run again in the next
 * batch. When nothing at all was applied (the batch's first update was rejected), the event has no operation,
 * no error, and the keyspace's current sequence: no batch was committed.
 *
 * @param mutexName the mutex
 * @param batch the batch's number, counting from 1 for each mutex
 * @param sequence the keyspace's commit sequence after the batch: the batch's own when it applied something
 * (RocksDB: the number of batches this mutex committed since it opened; PostgreSQL: gapless across nodes and
 * persisted), otherwise the last one this mutex knows of
 * @param operations the batch's writes in the order they were applied (unmodifiable)
 * @param bytes the bytes the batch stores: keys with their keyspace prefix, and values (the
 * sum of {@link WriteOperation#size()}, the measure {@link MutexOptions#maxBatchBytes()} limits)
 * @param duration how long the engine took to commit it
 * @param error why the batch failed, or {@code null} when it was written
 */
public record FlushEvent(String mutexName, long batch, long sequence, List<WriteOperation> operations, long bytes,
		Duration duration, @Nullable Throwable error) {

	/**
	 * The number of writes in the batch.
	 * @return the batch size
	 */
	public int size() {
		return this.operations.size();
	}

	/**
	 * Whether the batch was written.
	 * @return {@code true} if nothing failed
	 */
	public boolean succeeded() {
		return this.error == null;
	}

	/**
	 * Why the batch failed.
	 * @return the error, empty when the batch was written
	 */
	public Optional<Throwable> failure() {
		return Optional.ofNullable(this.error);
	}

}
