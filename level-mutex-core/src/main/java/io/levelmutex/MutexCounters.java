package io.levelmutex;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * A mutex's statistics. Every field but {@link #overloadRejections}, {@link #lastSequence} and
 * {@link #remoteBatches} has one writer, the cycle thread (at most one cycle runs at a time), and
 * is volatile so that {@link Mutex#stats()} may read it from any thread; rejections are counted
 * by caller threads, remote changes by the engine's notification thread.
 */
final class MutexCounters {

	private volatile long readPhases;

	private volatile long readsExecuted;

	private volatile long batchesFlushed;

	private volatile long batchesFailed;

	private volatile long writesFlushed;

	private volatile long conflicts;

	/**
	 * When the last batch finished, in epoch milliseconds, or -1 if none has (kept as a number, the
	 * {@link Instant} made only when stats are read); written by the cycle thread.
	 */
	private volatile long lastFlushMillis = -1;

	/** How long the last batch took, in nanoseconds, or -1 if none has; written by the cycle thread. */
	private volatile long lastFlushNanos = -1;

	private volatile @Nullable Throwable lastError;

	private volatile boolean lastBatchFailed;

	private final LongAdder overloadRejections = new LongAdder();

	/** The highest commit sequence known (own commits and remote changes); written by the cycle and engine threads. */
	private final AtomicLong lastSequence = new AtomicLong();

	/** Batches other writers committed, as reported; written by the engine's notification thread. */
	private volatile long remoteBatches;

	/**
	 * {@link System#nanoTime()} when a drain task was last handed to the executor; 0 while a
	 * drain task runs. Written by the thread that schedules the drain and by the cycle thread.
	 */
	private volatile long drainSubmitted;

	/** {@link System#nanoTime()} when the running cycle started, 0 when none runs. */
	private volatile long cycleStarted;

	/** A drain task is about to be handed to the executor. */
	void drainSubmitted() {
		long now = System.nanoTime();
		this.drainSubmitted = (now != 0) ? now : 1;
	}

	/** A drain task started on a cycle thread. */
	void drainStarted() {
		this.drainSubmitted = 0;
	}

	void cycleStarted() {
		long now = System.nanoTime();
		this.cycleStarted = (now != 0) ? now : 1;
	}

	void cycleEnded() {
		this.cycleStarted = 0;
	}

	void readPhase(int reads) {
		this.readPhases++;
		this.readsExecuted += reads;
	}

	void batchWritten(int writes, long durationNanos, long finishedMillis, @Nullable Throwable error) {
		this.lastFlushNanos = durationNanos;
		this.lastFlushMillis = finishedMillis;
		if (error == null) {
			this.batchesFlushed++;
			this.writesFlushed += writes;
			this.lastBatchFailed = false;
		}
		else {
			this.batchesFailed++;
			this.lastError = error;
			this.lastBatchFailed = true;
		}
	}

	void committed(long sequence) {
		this.lastSequence.accumulateAndGet(sequence, Math::max);
	}

	long lastSequence() {
		return this.lastSequence.get();
	}

	void remoteChange(long fromSequence, long toSequence) {
		this.remoteBatches += toSequence - fromSequence + 1;
		this.lastSequence.accumulateAndGet(toSequence, Math::max);
	}

	void conflict() {
		this.conflicts++;
	}

	void rejected() {
		this.overloadRejections.increment();
	}

	MutexStats snapshot(String name, int queuedReads, int queuedWrites, boolean closed) {
		long started = this.cycleStarted;
		Duration running = (started != 0) ? Duration.ofNanos(Math.max(0, System.nanoTime() - started)) : null;
		long submitted = this.drainSubmitted;
		Duration waiting = (submitted != 0 && started == 0 && queuedReads + queuedWrites > 0)
				? Duration.ofNanos(Math.max(0, System.nanoTime() - submitted)) : null;
		long flushMillis = this.lastFlushMillis;
		long flushNanos = this.lastFlushNanos;
		Instant lastFlushTime = (flushMillis >= 0) ? Instant.ofEpochMilli(flushMillis) : null;
		Duration lastFlushDuration = (flushNanos >= 0) ? Duration.ofNanos(flushNanos) : null;
		return new MutexStats(name, queuedReads, queuedWrites, this.readPhases, this.readsExecuted,
				this.batchesFlushed, this.batchesFailed, this.writesFlushed, this.conflicts,
				this.overloadRejections.sum(), lastFlushTime, lastFlushDuration, this.lastError,
				this.lastBatchFailed, closed, running, waiting, this.lastSequence.get(), this.remoteBatches);
	}

}
