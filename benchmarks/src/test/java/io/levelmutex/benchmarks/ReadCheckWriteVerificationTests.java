package io.levelmutex.benchmarks;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver and the lost-update verification behind the W2 figures: every contender's
 * committed updates must be found in the store, and a lost update must be detected. No
 * timing is asserted.
 */
class ReadCheckWriteVerificationTests {

	private static final Duration WARMUP = Duration.ofMillis(100);

	private static final Duration WINDOW = Duration.ofMillis(200);

	@Test
	void whenEveryContenderRunsReadCheckWriteThenNoUpdateIsLost() throws Exception {
		List<RunResult> results = new Sweep(SweepPlan.tinyReadCheckWrite(16, 100), (result) -> {
		}).run();

		assertThat(results).extracting(RunResult::contender)
			.containsExactly(MutexContender.NAME, HandRolledCasContender.NAME, "OptimisticTransactionDB",
					"ReadWriteLock + RocksDB");
		assertThat(results).allSatisfy((result) -> {
			assertThat(result.lostUpdates()).as(result.contender()).isZero();
			assertThat(result.failures()).as(result.contender()).isZero();
			assertThat(result.successesPerSecond()).as(result.contender()).isPositive();
		});
		// level-mutex runs updates in the write phase in issue order: none conflicts on one node
		assertThat(results).filteredOn((result) -> result.contender().equals(MutexContender.NAME))
			.singleElement()
			.satisfies((result) -> assertThat(result.conflicts()).as("level-mutex conflicts").isZero());
	}

	@Test
	void whenTheObservedMutexRunsReadCheckWriteThenItRunsNextToThePlainOneAndNoUpdateIsLost() throws Exception {
		List<RunResult> odd = new Sweep(SweepPlan.tinyReadCheckWrite(16, 100), (result) -> {
		}, 1, new java.util.HashMap<>(), true).run();
		List<RunResult> even = new Sweep(SweepPlan.tinyReadCheckWrite(16, 100), (result) -> {
		}, 2, new java.util.HashMap<>(), true).run();

		assertThat(odd).extracting(RunResult::contender)
			.startsWith(MutexContender.NAME, MutexContender.OBSERVED_NAME);
		assertThat(even).extracting(RunResult::contender)
			.startsWith(MutexContender.OBSERVED_NAME, MutexContender.NAME);
		assertThat(odd).allSatisfy((result) -> {
			assertThat(result.lostUpdates()).as(result.contender()).isZero();
			assertThat(result.failures()).as(result.contender()).isZero();
		});
		assertThat(even).allSatisfy((result) -> assertThat(result.lostUpdates()).as(result.contender()).isZero());
	}

	@Test
	void whenOneDurabilityIsChosenThenOnlyItsPointsRun() throws Exception {
		SweepPlan plan = new SweepPlan(List.of(), List.of(4), List.of(100), List.of(4), List.of(), WARMUP, WINDOW);
		List<RunResult> durable = new Sweep(plan, (result) -> {
		}, 1, new java.util.HashMap<>(), false, true, false).run();
		List<RunResult> nonDurable = new Sweep(plan, (result) -> {
		}, 1, new java.util.HashMap<>(), false, false, true).run();

		assertThat(durable).isNotEmpty()
			.extracting(RunResult::workload)
			.containsOnly(Sweep.w2Label(100, true));
		assertThat(nonDurable).isNotEmpty()
			.extracting(RunResult::workload)
			.containsOnly(Sweep.w2Label(100, false));
		assertThat(durable).hasSameSizeAs(nonDurable);
	}

	@Test
	void whenOptimisticTransactionsContendOnFewKeysThenConflictsAreCountedAndRetried() throws Exception {
		Workload workload = Workload.readCheckWrite(2, SweepPlan.SEED);
		Tally tally = new Tally();
		try (OptimisticTransactionContender contender = new OptimisticTransactionContender(workload, false)) {
			new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 32, tally);

			assertThat(Sweep.lostUpdates(contender, workload, tally)).isZero();
		}
		assertThat(tally.failures()).as("failures, first: %s", tally.firstFailure()).isZero();
		assertThat(tally.conflicts()).as("conflicts of %d successes", tally.successes()).isPositive();
	}

	@Test
	void whenTheHandRolledCompareAndSetContendsOnFewKeysThenConflictsAreCountedAndNoUpdateIsLost()
			throws Exception {
		Workload workload = Workload.readCheckWrite(2, SweepPlan.SEED);
		Tally tally = new Tally();
		try (HandRolledCasContender contender = new HandRolledCasContender(workload, false)) {
			new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 32, tally);

			assertThat(Sweep.lostUpdates(contender, workload, tally)).isZero();
		}
		assertThat(tally.failures()).as("failures, first: %s", tally.firstFailure()).isZero();
		assertThat(tally.successes()).isPositive();
		// 32 clients on 2 keys: many reads of one phase see a key already written in it
		assertThat(tally.conflicts()).as("conflicts of %d successes", tally.successes()).isPositive();
	}

	@Test
	void whenTheLimitContenderRunsThenItWritesWholePrebuiltBatchesOfTheGivenSize() throws Exception {
		Workload workload = Workload.blindWrites(1000, SweepPlan.SEED);
		Tally tally = new Tally();
		try (PrebuiltBatchContender contender = new PrebuiltBatchContender(workload, false, 8, 100)) {
			RunResult result = new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 8, tally);

			assertThat(contender.poolSize()).isEqualTo(655);
			assertThat(result.meanBatch()).isEqualTo(100);
			assertThat(tally.successes() % 100).isZero();
			Workload.Stream first = workload.stream(0).next();
			assertThat(contender.readForVerification(first.key())).isNotNull();
		}
		assertThat(tally.failures()).as("failures, first: %s", tally.firstFailure()).isZero();
	}

	@Test
	void whenAnUpdateIsCountedButNotStoredThenVerificationReportsItLost() throws Exception {
		Workload workload = Workload.readCheckWrite(50, SweepPlan.SEED);
		Tally tally = new Tally();
		try (ReadWriteLockContender contender = new ReadWriteLockContender(workload, false)) {
			new ClosedLoopDriver(WARMUP, WINDOW).run("test", contender, workload, 4, tally);
			tally.success();

			assertThat(Sweep.lostUpdates(contender, workload, tally)).isEqualTo(1);
		}
	}

	@Test
	void whenTheSameClientStreamIsDrawnTwiceThenItRepeatsExactly() {
		Workload workload = Workload.mixed(1000, SweepPlan.SEED);
		Workload.Stream first = workload.stream(7);
		Workload.Stream second = workload.stream(7);
		Workload.Stream other = workload.stream(8);
		boolean differs = false;
		for (int i = 0; i < 1000; i++) {
			first.next();
			second.next();
			other.next();
			assertThat(second.keyIndex()).isEqualTo(first.keyIndex());
			assertThat(second.type()).isEqualTo(first.type());
			assertThat(second.value()).isEqualTo(first.value()).hasSize(Workload.VALUE_BYTES);
			differs |= other.keyIndex() != first.keyIndex();
		}
		assertThat(differs).isTrue();
	}

}
