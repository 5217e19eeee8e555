package io.levelmutex.reliability.postgres;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.LevelMutexException;
import io.levelmutex.Mutex;
import io.levelmutex.WriteConflictException;

/**
 * The conditional-increment workload of the multi-node suites. One increment is one
 * {@link Mutex#update} unit of two writes: counter {@code c/<k>} goes from {@code v} to
 * {@code v + 1}, and a marker {@code m/<node>/<run>/<client>/<n>} naming the counter is written
 * with it. So the final state proves atomicity and the absence of lost updates at once: every
 * counter equals the number of markers naming it, every acknowledged increment has its marker,
 * and an increment refused with {@link WriteConflictException} has none.
 */
final class Counters {

	/** The keys of counters sort before those of markers. */
	static final String COUNTER_PREFIX = "c/";

	static final String MARKER_PREFIX = "m/";

	private static final int SCAN_LIMIT = 1_000_000;

	private Counters() {
	}

	static String counterKey(int counter) {
		return COUNTER_PREFIX + counter;
	}

	static String markerKey(String node, String run, int client, long n) {
		return MARKER_PREFIX + node + "/" + run + "/" + client + "/" + n;
	}

	/**
	 * Increments a counter and writes its marker, in one unit.
	 * @return the counter's new value
	 */
	static CompletableFuture<Long> increment(Mutex<String, String> mutex, String counter, String marker,
			int maxAttempts) {
		return mutex.update((context) -> {
			long next = context.get(counter).map(Long::parseLong).orElse(0L) + 1;
			context.put(counter, Long.toString(next));
			context.put(marker, counter);
			return next;
		}, maxAttempts);
	}

	/** The failure itself, without the {@link CompletionException} or {@link ExecutionException} around it. */
	static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * Whether a failure is one a user may see from the PostgreSQL engine: a typed
	 * {@link LevelMutexException}, never a raw driver exception.
	 */
	static boolean typed(Throwable failure) {
		return unwrap(failure) instanceof LevelMutexException;
	}

	/** Whether a typed failure leaves the write's outcome open (it may or may not be applied). */
	static boolean outcomeUnknown(Throwable failure) {
		return unwrap(failure) instanceof CommitOutcomeUnknownException;
	}

	/**
	 * The whole keyspace, read through a mutex (every node sees the same committed state).
	 * @param mutex a mutex on the keyspace
	 * @return counters (key to value), markers (marker to the counter it names) and other keys
	 */
	static State read(Mutex<String, String> mutex) {
		List<Entry<String, String>> entries = mutex.scan(KeyRange.<String>all(), SCAN_LIMIT).join();
		if (entries.size() >= SCAN_LIMIT) {
			throw new AssertionError("More than " + SCAN_LIMIT + " entries: raise the limit");
		}
		Map<String, Long> counters = new HashMap<>();
		Map<String, String> markers = new HashMap<>();
		Map<String, String> others = new HashMap<>();
		for (Entry<String, String> entry : entries) {
			if (entry.key().startsWith(COUNTER_PREFIX)) {
				counters.put(entry.key(), Long.parseLong(entry.value()));
			}
			else if (entry.key().startsWith(MARKER_PREFIX)) {
				markers.put(entry.key(), entry.value());
			}
			else {
				others.put(entry.key(), entry.value());
			}
		}
		return new State(counters, markers, others);
	}

	/**
	 * A keyspace's final state.
	 * @param counters counter key to value
	 * @param markers marker key to counter key
	 * @param others every other key, to its value
	 */
	record State(Map<String, Long> counters, Map<String, String> markers, Map<String, String> others) {

		/** Counters that differ from the number of markers naming them (a torn unit or a lost update). */
		Map<String, String> mismatches() {
			Map<String, Long> counted = new HashMap<>();
			this.markers.values().forEach((counter) -> counted.merge(counter, 1L, Long::sum));
			Map<String, String> out = new HashMap<>();
			for (String counter : union(counted.keySet(), this.counters.keySet())) {
				long value = this.counters.getOrDefault(counter, 0L);
				long markers = counted.getOrDefault(counter, 0L);
				if (value != markers) {
					out.put(counter, "value " + value + ", markers " + markers);
				}
			}
			return out;
		}

		long total() {
			return this.counters.values().stream().mapToLong(Long::longValue).sum();
		}

		private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
			java.util.Set<String> all = new java.util.TreeSet<>(a);
			all.addAll(b);
			return all;
		}

	}

}
