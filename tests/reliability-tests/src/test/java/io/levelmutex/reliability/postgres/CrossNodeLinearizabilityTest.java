package io.levelmutex.reliability.postgres;

import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.levelmutex.Mutex;
import io.levelmutex.postgres.test.PostgresClusterExtension;
import io.levelmutex.reliability.linearizability.BrokenMutexes;
import io.levelmutex.reliability.linearizability.HistoryRecorder;
import io.levelmutex.reliability.linearizability.HistoryRecorder.Config;
import io.levelmutex.reliability.linearizability.HistoryRecorder.History;
import io.levelmutex.reliability.linearizability.LinearizabilityChecker;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes ({@link io.levelmutex.postgres.PostgresStore}s in this JVM) on one database: seeded clients
 * spread over the nodes run get/put/del/conditional-append (and two-key updates and {@code peekLast}) on the
 * same keys; the recorded histories, stamped with real-time call and return, must be linearizable
 * ({@link LinearizabilityChecker}, per key when single-key). Conditional counters incremented from every
 * node lose nothing. And the checker must catch a broken node whose updates read, then put, without the
 * engine's cross-node validation.
 *
 * <p>Seeds: {@code reliability.pgLinearizabilitySeeds} of them from {@code reliability.seed + 60000}.
 */
class CrossNodeLinearizabilityTest {

	static final int NODES = 3;

	/** Histories a broken node may take to be caught. */
	static final int MAX_BROKEN_HISTORIES = 10;

	@RegisterExtension
	static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();

	static Stream<Long> seeds() {
		int count = Settings.intSetting("pgLinearizabilitySeeds", 2);
		return LongStream.range(0, count).mapToObj((i) -> Settings.seed() + 60_000 + i);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void whenThreeNodesRunSingleKeyOperationsOnTheSameKeysThenTheHistoryIsLinearizable(long seed) throws Exception {
		System.out.println("[reliability] postgres single-key linearizability seed " + seed);
		try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "single_" + seed, NODES)) {
			int window = (seed % 2 == 0) ? 1 : 4;
			History history = HistoryRecorder.record(nodes.mutexes("registers"),
					new Config(9, 40, List.of("a", "b", "c", "d"), window, false), seed);
			assertThat(history.errors()).as("unexpected failures (seed %d)", seed).isEmpty();
			assertThat(LinearizabilityChecker.check(history.ops())).as("linearizability (seed %d)", seed).isEmpty();
			Report.figure("postgres.linearizability.singleKey", "operationsChecked", history.ops().size());
			Report.figure("postgres.linearizability.singleKey", "conflictsAfterAllAttempts", history.conflicts());
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void whenThreeNodesRunTwoKeyUpdatesAndPeeksThenTheHistoryIsLinearizable(long seed) throws Exception {
		System.out.println("[reliability] postgres multi-key linearizability seed " + seed);
		try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "multi_" + seed, NODES)) {
			History history = HistoryRecorder.record(nodes.mutexes("registers"),
					new Config(6, 25, List.of("a", "b", "c"), 1, true), seed + 1);
			assertThat(history.errors()).as("unexpected failures (seed %d)", seed).isEmpty();
			assertThat(LinearizabilityChecker.check(history.ops())).as("linearizability (seed %d)", seed).isEmpty();
			Report.figure("postgres.linearizability.multiKey", "operationsChecked", history.ops().size());
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void whenThreeNodesIncrementTheSameCountersThenNoUpdateIsLost(long seed) throws Exception {
		System.out.println("[reliability] postgres counters seed " + seed);
		try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "counters_" + seed, NODES)) {
			CounterLoad load = new CounterLoad(nodes, "counters", 4, 3, seed).start();
			load.awaitEveryNodeCommits(40);
			CounterLoad.Result result = load.stopAndCheck();
			CounterLog log = result.log();
			assertThat(log.defects).as("raw failures or hangs (seed %d)", seed).isEmpty();
			assertThat(log.typedFailures).as("failures other than conflicts (seed %d)", seed).isEmpty();
			assertThat(result.verdict().violations()).as("final state against acknowledgements (seed %d)", seed)
				.isEmpty();
			assertThat(result.verdict().total()).as("counters sum to the acknowledged increments (seed %d)", seed)
				.isEqualTo(log.acknowledged.size());
			Report.figure("postgres.counters", "acknowledgedIncrements", log.acknowledged.size());
			Report.figure("postgres.counters", "conflictsAfterAllAttempts", log.conflicts);
			Report.figure("postgres.counters", "lost", result.verdict().lost());
		}
	}

	@Test
	void whenNodesReadThenPutWithoutValidationThenTheCheckerCatchesIt() throws Exception {
		for (int round = 0; round < MAX_BROKEN_HISTORIES; round++) {
			long seed = Settings.seed() + 65_000 + round;
			try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "broken_" + round, NODES)) {
				List<Mutex<String, String>> broken = nodes.mutexes("registers")
					.stream()
					.map(BrokenMutexes::uncheckedUpdates)
					.toList();
				History history = HistoryRecorder.record(broken, new Config(9, 30, List.of("a", "b"), 1, false), seed);
				Optional<String> violation = LinearizabilityChecker.check(history.ops());
				if (violation.isPresent()) {
					System.out.println("[reliability] broken nodes caught (seed " + seed + "): "
							+ violation.get().substring(0, Math.min(400, violation.get().length())));
					Report.figure("postgres.linearizability.brokenReadThenPut", "caughtAfterHistories", round + 1);
					return;
				}
			}
		}
		throw new AssertionError("Nodes updating by read-then-put were not caught in " + MAX_BROKEN_HISTORIES
				+ " histories");
	}

}
