package io.levelmutex.reliability.linearizability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * JetBrains Lincheck in stress mode over the mutex as a concurrent map: get, put, del and an
 * increment through {@link Mutex#update}, each awaited, checked against a sequential
 * {@link HashMap}. Every Lincheck invocation uses its own key prefix in one shared mutex. A
 * variant whose increment is a plain get followed by a put (no conflict check) must fail.
 * (Lincheck's model-checking mode does not apply: the cycle runs on the mutex's own executor
 * threads, outside Lincheck's control.)
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class MutexLincheckTest {

	// Counts instances across Lincheck's threads, so each gets its own key prefix.
	private static final AtomicLong INSTANCES = new AtomicLong();

	private final String prefix = "i" + INSTANCES.incrementAndGet() + "/";

	/**
	 * Reads a key.
	 * @param key the key
	 * @return the value or {@code null}
	 */
	@Operation
	public Integer get(@Param(name = "key") int key) {
		return Shared.MUTEX.get(this.prefix + key).join().map(Integer::valueOf).orElse(null);
	}

	/**
	 * Writes a key.
	 * @param key the key
	 * @param value the value
	 */
	@Operation
	public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
		Shared.MUTEX.put(this.prefix + key, Integer.toString(value)).join();
	}

	/**
	 * Deletes a key.
	 * @param key the key
	 */
	@Operation
	public void del(@Param(name = "key") int key) {
		Shared.MUTEX.del(this.prefix + key).join();
	}

	/**
	 * Increments a key atomically.
	 * @param key the key
	 * @return the new value
	 */
	@Operation
	public int increment(@Param(name = "key") int key) {
		String stored = this.prefix + key;
		return Shared.MUTEX.update((context) -> {
			int next = context.get(stored).map(Integer::parseInt).orElse(0) + 1;
			context.put(stored, Integer.toString(next));
			return next;
		}, 100).join();
	}

	@Test
	void whenStressedByLincheckThenTheMutexBehavesAsASequentialMap() {
		int iterations = Math.min(100, Math.max(8, Settings.intSetting("linearizabilityRounds", 6) * 2));
		new StressOptions().iterations(iterations)
			.invocationsPerIteration(100)
			.threads(3)
			.actorsPerThread(3)
			.actorsBefore(2)
			.actorsAfter(1)
			.sequentialSpecification(SequentialMap.class)
			.check(MutexLincheckTest.class);
		Report.figure("lincheck", "scenarios", iterations);
		Report.figure("lincheck", "invocations", iterations * 100L);
	}

	@Test
	void whenIncrementSkipsTheConflictCheckThenLincheckFails() {
		assertThatExceptionOfType(LincheckAssertionError.class)
			.isThrownBy(() -> new StressOptions().iterations(50)
				.invocationsPerIteration(200)
				.threads(3)
				.actorsPerThread(3)
				.sequentialSpecification(SequentialMap.class)
				.check(UncheckedIncrement.class));
	}

	@AfterAll
	static void closeStore() throws java.io.IOException {
		Shared.STORE.close();
		try (java.util.stream.Stream<Path> files = Files.walk(Shared.DIR)) {
			for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	/** The sequential specification: a map with the same operations. */
	public static class SequentialMap {

		// Used by Lincheck's sequential replay, one thread at a time.
		private final Map<Integer, Integer> map = new HashMap<>();

		/**
		 * Reads a key.
		 * @param key the key
		 * @return the value or {@code null}
		 */
		public Integer get(int key) {
			return this.map.get(key);
		}

		/**
		 * Writes a key.
		 * @param key the key
		 * @param value the value
		 */
		public void put(int key, int value) {
			this.map.put(key, value);
		}

		/**
		 * Deletes a key.
		 * @param key the key
		 */
		public void del(int key) {
			this.map.remove(key);
		}

		/**
		 * Increments a key.
		 * @param key the key
		 * @return the new value
		 */
		public int increment(int key) {
			return this.map.merge(key, 1, Integer::sum);
		}

	}

	/** A broken map over the mutex: increment reads, then writes later, with no check. */
	@Param(name = "key", gen = IntGen.class, conf = "1:2")
	public static class UncheckedIncrement {

		private final String prefix = "u" + INSTANCES.incrementAndGet() + "/";

		/**
		 * Reads a key.
		 * @param key the key
		 * @return the value or {@code null}
		 */
		@Operation
		public Integer get(@Param(name = "key") int key) {
			return Shared.MUTEX.get(this.prefix + key).join().map(Integer::valueOf).orElse(null);
		}

		/**
		 * Increments a key with a read and a later write.
		 * @param key the key
		 * @return the new value
		 */
		@Operation
		public int increment(@Param(name = "key") int key) {
			String stored = this.prefix + key;
			Optional<String> current = Shared.MUTEX.get(stored).join();
			int next = current.map(Integer::parseInt).orElse(0) + 1;
			Shared.MUTEX.put(stored, Integer.toString(next)).join();
			return next;
		}

	}

	/** The store and mutex shared by every Lincheck invocation. */
	static final class Shared {

		static final Path DIR;

		static final MutexStore STORE;

		static final Mutex<String, String> MUTEX;

		static {
			try {
				DIR = Files.createTempDirectory("lincheck");
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			STORE = TestStores.open(DIR, false);
			MUTEX = TestStores.strings(STORE, "lincheck");
		}

		private Shared() {
		}

	}

}
