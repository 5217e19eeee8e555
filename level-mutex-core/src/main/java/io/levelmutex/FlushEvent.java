package io.levelmutex;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The {@code flushed} event: a batch was written, or failed.
 *
 * @param mutexName the mutex
 * @param batch the batch's number, counting from 1 for each mutex
 * @param operations the batch's writes in the order they were applied (unmodifiable)
 * @param bytes the bytes the batch stores: keys with their keyspace prefix, and values (the
 * sum of {@link WriteOperation#size()}, the measure {@link MutexOptions#maxBatchBytes()} limits)
 * @param duration how long RocksDB took to write it
 * @param error why the batch failed, or {@code null} when it was written
 */
public record FlushEvent(String mutexName, long batch, List<WriteOperation> operations, long bytes,
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
