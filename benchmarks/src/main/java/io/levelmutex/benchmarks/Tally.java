package io.levelmutex.benchmarks;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * Outcome counters of one run, cumulative from its first operation to its last, written by
 * every client thread (and the mutex's cycle threads) without a lock.
 */
final class Tally {

	// Written by any client or cycle thread; LongAdder is thread-safe.
	private final LongAdder successes = new LongAdder();

	// Written by any client or cycle thread; LongAdder is thread-safe.
	private final LongAdder conflicts = new LongAdder();

	// Written by any client or cycle thread; LongAdder is thread-safe.
	private final LongAdder failures = new LongAdder();

	// The first failure seen; set once by whichever thread fails first.
	private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();

	void success() {
		this.successes.increment();
	}

	void successes(int count) {
		this.successes.add(count);
	}

	void conflict() {
		this.conflicts.increment();
	}

	void failure(Throwable error) {
		this.failures.increment();
		this.firstFailure.compareAndSet(null, error);
	}

	long successes() {
		return this.successes.sum();
	}

	long conflicts() {
		return this.conflicts.sum();
	}

	long failures() {
		return this.failures.sum();
	}

	@Nullable Throwable firstFailure() {
		return this.firstFailure.get();
	}

}
