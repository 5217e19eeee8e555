package io.levelmutex.reliability.linearizability;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.linearizability.HistoryRecorder.Config;
import io.levelmutex.reliability.linearizability.HistoryRecorder.History;
import io.levelmutex.reliability.linearizability.Op.Kind;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checkers can fail: hand-made histories with a known verdict, and deliberately broken
 * mutexes ({@link BrokenMutexes}) driven by the same recorder, must be caught.
 */
class CheckerCanFailTest {

	static final int MAX_ATTEMPTS = 10;

	@TempDir
	static Path dir;

	// Written once by @BeforeAll, then only read by the test thread.
	static MutexStore store;

	@BeforeAll
	static void openStore() {
		store = TestStores.open(dir, false);
	}

	@AfterAll
	static void closeStore() {
		store.close();
	}

	@Test
	void whenAReadMissesACompletedWriteThenTheCheckerRejectsTheHistory() {
		List<Op> stale = List.of(new Op(0, Kind.PUT, List.of("k"), "v1", null, 0, 10),
				new Op(1, Kind.GET, List.of("k"), null, null, 20, 30));
		List<Op> concurrent = List.of(new Op(0, Kind.PUT, List.of("k"), "v1", null, 0, 25),
				new Op(1, Kind.GET, List.of("k"), null, null, 20, 30));
		List<Op> lostAppend = List.of(new Op(0, Kind.APPEND, List.of("k"), "t1", null, 0, 50),
				new Op(1, Kind.APPEND, List.of("k"), "t2", null, 10, 40),
				new Op(2, Kind.GET, List.of("k"), null, "t1,", 60, 70));
		List<Op> tornTransfer = List.of(new Op(0, Kind.TRANSFER, List.of("a", "b"), "t", java.util.Arrays.asList(null, null), 0, 10),
				new Op(1, Kind.GET, List.of("a"), null, "t,", 20, 30), new Op(2, Kind.PEEK_LAST, List.of(), null, List.of("a", "t,"), 20, 30));
		assertThat(LinearizabilityChecker.check(stale)).isPresent();
		assertThat(LinearizabilityChecker.check(concurrent)).isEmpty();
		assertThat(LinearizabilityChecker.check(lostAppend)).isPresent();
		assertThat(LinearizabilityChecker.check(tornTransfer)).as("peekLast misses b written with a").isPresent();
	}

	@Test
	void whenUpdatesSkipTheConflictCheckThenTheCheckerCatchesIt() throws Exception {
		int attempts = catchWithin((round, seed) -> {
			Mutex<String, String> real = TestStores.strings(store, MutexOptions.builder("unchecked-" + round).build());
			History history = HistoryRecorder.record(BrokenMutexes.uncheckedUpdates(real),
					new Config(8, 60, List.of("a", "b"), 1, false), seed);
			return LinearizabilityChecker.check(history.ops());
		});
		Report.figure("linearizability.brokenUncheckedUpdates", "caughtAfterHistories", attempts);
	}

	@Test
	void whenWritesAreAcknowledgedEarlyThenTheCheckerCatchesIt() throws Exception {
		int attempts = catchWithin((round, seed) -> {
			Mutex<String, String> real = TestStores.strings(store, MutexOptions.builder("early-" + round).build());
			History history = HistoryRecorder.record(BrokenMutexes.earlyAcknowledgements(real),
					new Config(4, 60, List.of("a", "b"), 1, false), seed);
			return LinearizabilityChecker.check(history.ops());
		});
		Report.figure("linearizability.brokenEarlyAcknowledgements", "caughtAfterHistories", attempts);
	}

	@Test
	void whenReadResultsAreDeliveredOnAnotherThreadThenThePhaseCheckCatchesIt() throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			int attempts = catchWithin((round, seed) -> {
				Mutex<String, String> real = TestStores.strings(store, MutexOptions.builder("async-" + round).build());
				PhaseOrderProbe probe = new PhaseOrderProbe();
				real.addListener(probe);
				List<String> violations = probe.run(BrokenMutexes.asyncDelivery(real, executor), 2000);
				return violations.isEmpty() ? Optional.empty()
						: Optional.of(violations.size() + " units overtaken, e.g. " + violations.get(0));
			});
			Report.figure("linearizability.brokenAsyncDelivery", "caughtAfterRuns", attempts);
		}
		finally {
			executor.shutdown();
		}
	}

	private static int catchWithin(Run run) throws Exception {
		for (int round = 0; round < MAX_ATTEMPTS; round++) {
			long seed = Settings.seed() + 50_000 + round;
			Optional<String> violation = run.apply(round, seed);
			if (violation.isPresent()) {
				System.out.println("[reliability] caught (seed " + seed + "): "
						+ violation.get().substring(0, Math.min(400, violation.get().length())));
				return round + 1;
			}
		}
		throw new AssertionError("The broken mutex was not caught in " + MAX_ATTEMPTS + " runs");
	}

	@FunctionalInterface
	interface Run {

		Optional<String> apply(int round, long seed) throws Exception;

	}

}
