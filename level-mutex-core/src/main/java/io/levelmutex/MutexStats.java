package io.levelmutex;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a mutex's counters. Counters are cumulative since the mutex was
 * created; each field is read without a lock, so fields may be a few operations apart.
 *
 * @param mutexName the mutex
 * @param queuedReads reads (gets, peeks, scans) waiting for a read phase
 * @param queuedWrites writes, conditional writes and {@link Mutex#afterWrite()} barriers waiting
 * for a batch
 * @param readPhases read phases run
 * @param readsExecuted reads run
 * @param batchesFlushed batches written successfully
 * @param batchesFailed batches that failed
 * @param writesFlushed writes applied in successful batches
 * @param conflicts update attempts the engine rejected for a conflict with another writer (always 0
 * on the embedded engine, where an update sees every write issued before it)
 * @param overloadRejections calls refused because the queue was full
 * @param lastFlushTime when the last batch finished, or {@code null} if none has
 * @param lastFlushDuration how long the last batch took, or {@code null} if none has
 * @param lastError the error of the last failed batch, or {@code null} if none failed
 * @param lastBatchFailed whether the most recent batch failed (none has succeeded since)
 * @param closed whether the mutex is closed
 * @param runningCycle how long the cycle that is running now has been running, or {@code null}
 * when no cycle runs; a long one means a listener, a callback run on the cycle thread, or RocksDB
 * is holding the mutex up
 * @param waitingForCycle how long the oldest queued work has waited for a cycle thread with no
 * cycle of this mutex running, or {@code null} when none waits (no work queued, or a cycle
 * runs); a long one means the executor's threads are all taken (by busy or blocked mutexes)
 * @param lastSequence the highest commit sequence of the keyspace this mutex knows of: its own last
 * committed batch's ({@link FlushEvent#sequence()}) or the last one other writers reported, 0 before any
 * @param remoteBatches batches other writers committed to the keyspace, as reported to
 * {@link MutexListener#onRemoteChange} (always 0 on the embedded engine)
 */
public record MutexStats(String mutexName, int queuedReads, int queuedWrites, long readPhases, long readsExecuted,
		long batchesFlushed, long batchesFailed, long writesFlushed, long conflicts, long overloadRejections,
		@Nullable Instant lastFlushTime, @Nullable Duration lastFlushDuration, @Nullable Throwable lastError,
		boolean lastBatchFailed, boolean closed, @Nullable Duration runningCycle, @Nullable Duration waitingForCycle,
		long lastSequence, long remoteBatches) {

	/**
	 * Operations waiting in total.
	 * @return queued reads plus queued writes
	 */
	public int queued() {
		return this.queuedReads + this.queuedWrites;
	}

}
