package io.levelmutex.benchmarks;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * Outcome counters of one run, cumulative from its first operation to its last, written by
 * every client thread (and the mutex's cycle threads) without a lock.
 */
public final class Tally {

	// Written by any client or cycle thread; LongAdder is thread-safe.
	private final LongAdder successes = new LongAdder();

	// Written by any client or cycle thread; LongAdder is thread-safe.
	private final LongAdder conflicts = new LongAdder();

	// Written by any client or cycle thread; LongAdder is thread-safe.
	private final LongAdder failures = new LongAdder();

	// The first failure seen; set once by whichever thread fails first.
	private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();

	/** Counts one success. */
	public void success() {
		this.successes.increment();
	}

	/**
	 * Counts successes.
	 * @param count how many
	 */
	public void successes(int count) {
		this.successes.add(count);
	}

	/** Counts one conflict (an operation refused, nothing written). */
	public void conflict() {
		this.conflicts.increment();
	}

	/**
	 * Counts one failure.
	 * @param error the failure (the first one is kept)
	 */
	public void failure(Throwable error) {
		this.failures.increment();
		this.firstFailure.compareAndSet(null, error);
	}

	/** @return the successes so far */
	public long successes() {
		return this.successes.sum();
	}

	/** @return the conflicts so far */
	public long conflicts() {
		return this.conflicts.sum();
	}

	/** @return the failures so far */
	public long failures() {
		return this.failures.sum();
	}

	/** @return the first failure, or {@code null} */
	public @Nullable Throwable firstFailure() {
		return this.firstFailure.get();
	}

}
