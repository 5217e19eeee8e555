package io.levelmutex.benchmarks.postgres;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import io.levelmutex.benchmarks.ClosedLoopDriver;
import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.RunResult;
import io.levelmutex.benchmarks.Sweep;
import io.levelmutex.benchmarks.SweepPlan;
import io.levelmutex.benchmarks.Tally;
import io.levelmutex.benchmarks.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Series P's harness on a private PostgreSQL, tiny runs: each contender writes what it counts, the
 * compare-and-set contenders lose no update on a few hot keys, and the verification sees an update counted
 * but not stored. No timing is asserted.
 */
class PostgresContendersTests {

	private static final Duration WARMUP = Duration.ofMillis(100);

	private static final Duration WINDOW = Duration.ofMillis(300);

	private static PgServer server;

	@BeforeAll
	static void startServer() {
		server = PgServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	static Stream<PgContenderKind> blindWriters() {
		return Arrays.stream(PgContenderKind.values()).filter((kind) -> kind.runs(PgPlan.Load.W1));
	}

	static Stream<PgContenderKind> updaters() {
		return Arrays.stream(PgContenderKind.values()).filter((kind) -> kind.runs(PgPlan.Load.W2));
	}

	@ParameterizedTest
	@MethodSource("blindWriters")
	void whenAContenderRunsBlindWritesThenEveryKeyFoundHoldsAWrittenValue(PgContenderKind kind) throws Exception {
		Workload workload = Workload.blindWrites(50, SweepPlan.SEED);
		Tally tally = new Tally();
		try (Contender contender = kind.create(server, workload, 4)) {
			new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 4, tally);

			int found = 0;
			for (int i = 0; i < workload.keyCount(); i++) {
				byte[] value = contender.readForVerification(workload.keyAt(i));
				if (value != null) {
					found++;
					assertThat(value).as("value of key %d", i).hasSize(Workload.VALUE_BYTES);
				}
			}
			assertThat(contender.name()).isEqualTo(kind.contenderName());
			assertThat(found).as("keys written").isPositive().isLessThanOrEqualTo((int) tally.successes());
		}
		assertThat(tally.failures()).as("failures, first: %s", tally.firstFailure()).isZero();
	}

	@ParameterizedTest
	@MethodSource("updaters")
	void whenAContenderRunsReadCheckWriteOnFourHotKeysThenACompareAndSetLosesNoUpdate(PgContenderKind kind)
			throws Exception {
		Workload workload = Workload.readCheckWrite(4, SweepPlan.SEED);
		Tally tally = new Tally();
		RunResult result;
		long lost;
		try (Contender contender = kind.create(server, workload, 16)) {
			result = new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 16, tally);
			lost = Sweep.lostUpdates(contender, workload, tally);
		}
		assertThat(tally.failures()).as("failures, first: %s", tally.firstFailure()).isZero();
		assertThat(tally.successes()).as("successes (%s)", result).isPositive();
		// successes minus stored revisions: never negative (no revision invented), 0 for a compare-and-set
		assertThat(lost).as("lost updates of %d", tally.successes()).isNotNegative();
		if (kind.compareAndSet()) {
			assertThat(lost).as("lost updates of %d", tally.successes()).isZero();
		}
	}

	@ParameterizedTest
	@MethodSource("blindWriters")
	void whenKeysArePreloadedThenEveryKeyHoldsRevisionZeroBeforeTheRun(PgContenderKind kind) throws Exception {
		Workload workload = Workload.blindWrites(300, SweepPlan.SEED);
		try (Contender contender = kind.create(server, workload, 2, true)) {
			for (int i = 0; i < workload.keyCount(); i++) {
				assertThat(contender.readForVerification(workload.keyAt(i))).as("key %d", i)
					.isEqualTo(workload.initialValue(i));
			}
		}
	}

	@Test
	void whenAContenderIsGivenAWorkloadItDoesNotRunThenItIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PgContenderKind.LIMIT.create(server, Workload.readCheckWrite(10, SweepPlan.SEED), 1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PgContenderKind.OPTIMISTIC.create(server, Workload.blindWrites(10, SweepPlan.SEED), 1));
	}

	@Test
	void whenTheEngineTableIsCreatedThenTheNewestSchemaFileIsFound() throws Exception {
		assertThat(EngineTable.newestSchemaFile()).matches("schema-v\\d+\\.sql");
	}

	@Test
	void whenAnUpdateIsCountedButNotStoredThenVerificationReportsItLost() throws Exception {
		Workload workload = Workload.readCheckWrite(10, SweepPlan.SEED);
		Tally tally = new Tally();
		try (Contender contender = PgContenderKind.SELECT_FOR_UPDATE.create(server, workload, 2)) {
			new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 2, tally);
			tally.success();

			assertThat(Sweep.lostUpdates(contender, workload, tally)).isEqualTo(1);
		}
	}

}
