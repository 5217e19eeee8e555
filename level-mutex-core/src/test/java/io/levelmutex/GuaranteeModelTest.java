package io.levelmutex;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.levelmutex.GuaranteeScenarios.Program;
import io.levelmutex.GuaranteeScenarios.Runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The README's guarantees, checked against a sequential model over seeded programs: every
 * read's result, every update's result, every write's outcome, the batches' order and
 * limits, {@code afterWrite()} ordering, no lost compare-and-set, the final store, and that
 * every operation completes exactly once. Each seed picks a point of the cross-product batch
 * limit {1, 2, 3, default} x byte limit {tiny, default}, and whether batches fail.
 *
 * <p>{@code -Dguarantee.seedsPerConfig=N} sets how many seeds run per configuration (the
 * {@code stress} profile raises it); {@code -Dguarantee.seed=S} replays one seed.
 */
class GuaranteeModelTest {

	static final long BASE_SEED = Long.getLong("guarantee.baseSeed", 20261130L);

	/** Batch limits {1, 2, 3, default} x byte limits {tiny, default} x programs {with updates, without}. */
	static final int CONFIGS = 16;

	/** Bytes of the keyspace prefix "g\0" in every stored key. */
	static final int PREFIX_LENGTH = 2;

	/** A tiny byte limit: one or two writes per batch. */
	static final long TINY_BATCH_BYTES = 12;

	static LongStream seeds() {
		String replay = System.getProperty("guarantee.seed");
		if (replay != null && !replay.isBlank()) {
			return LongStream.of(Long.parseLong(replay.trim()));
		}
		int perConfig = Integer.getInteger("guarantee.seedsPerConfig", 4);
		return LongStream.range(BASE_SEED, BASE_SEED + (long) perConfig * CONFIGS);
	}

	static MutexOptions.Builder options(long seed) {
		int config = (int) Math.floorMod(seed, 8);
		MutexOptions.Builder options = MutexOptions.builder(RecordingMutexTarget.NAME).maxUpdateAttempts(1);
		int batch = config % 4;
		if (batch < 3) {
			options.maxBatchOperations(batch + 1);
		}
		if (config >= 4) {
			options.maxBatchBytes(TINY_BATCH_BYTES);
		}
		return options;
	}

	static boolean updates(long seed) {
		return Math.floorMod(seed, CONFIGS) < 8;
	}

	static boolean faults(long seed) {
		return Math.floorMod(Math.floorDiv(seed, CONFIGS), 3) == 0;
	}

	static LongPredicate failing(long seed) {
		if (!faults(seed)) {
			return (batch) -> false;
		}
		return (batch) -> new java.util.Random(seed * 31 + batch).nextInt(6) == 0;
	}

	static String describe(long seed) {
		MutexOptions options = options(seed).build();
		return "seed " + seed + " (maxBatchOperations " + options.maxBatchOperations() + ", maxBatchBytes "
				+ options.maxBatchBytes() + ", batch faults " + (faults(seed) ? "on" : "off") + ", "
				+ (updates(seed) ? "with" : "without")
				+ " updates)";
	}

	static String replay(long seed) {
		return "mvn -B -o -pl level-mutex-core -am test -Dtest='GuaranteeModelTest' -Dguarantee.seed=" + seed
				+ " -Dsurefire.failIfNoSpecifiedTests=false";
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenSeededProgramRunsThenMutexKeepsEveryGuaranteeOfTheModel(long seed) {
		System.out.println("GuaranteeModelTest " + describe(seed));
		Program program = GuaranteeScenarios.generate(seed, updates(seed));
		BatchRecorder recorder = new BatchRecorder(failing(seed));
		OperationLedger actual = new OperationLedger();
		Map<String, String> stored;
		List<GuaranteeScenarios.CasWin> wins;
		MutexOptions options;
		try (RecordingMutexTarget target = new RecordingMutexTarget(options(seed), recorder)) {
			Runner runner = new Runner(target, actual);
			runner.run(program);
			stored = target.stored();
			wins = runner.casWins;
			options = target.mutex.options();
		}
		ModelMutex model = new ModelMutex(recorder.batches, options, PREFIX_LENGTH);
		OperationLedger expected = new OperationLedger();
		new Runner(model, expected).run(program);

		if (Boolean.getBoolean("guarantee.verbose")) {
			System.out.println("mutex: " + lines(actual));
			System.out.println("model: " + lines(expected));
			System.out.println("batches: " + recorder.batches);
		}
		List<String> problems = new ArrayList<>();
		if (model.divergence() != null) {
			problems.add("batches: " + model.divergence());
		}
		String difference = GuaranteeScenarios.firstDifference(actual.records(), expected.records(),
				model.divergence() == null);
		if (difference != null) {
			problems.add("outcomes: " + difference);
		}
		actual.notCompletedExactlyOnce().forEach((problem) -> problems.add("completion: " + problem));
		actual.orderViolations().forEach((problem) -> problems.add("order: " + problem));
		GuaranteeScenarios.lostUpdates(wins).forEach((problem) -> problems.add("cas: " + problem));
		problems.addAll(storageFailures(actual, recorder));
		if (model.divergence() == null) {
			if (model.unconsumedBatches() > 0) {
				problems.add("batches: the mutex wrote " + model.unconsumedBatches()
						+ " batches more than the model: " + recorder.batches);
			}
			if (!stored.equals(model.committed().asMap())) {
				problems.add("store: RocksDB holds " + stored + ", the model " + model.committed().asMap());
			}
		}
		if (!problems.isEmpty()) {
			fail(describe(seed) + " broke " + problems.size() + " guarantee checks; replay with: " + replay(seed)
					+ "\n  " + String.join("\n  ", problems.subList(0, Math.min(problems.size(), 8))));
		}
		assertThat(actual.records()).as("operations issued").isNotEmpty();
	}

	private static String lines(OperationLedger ledger) {
		return String.join("\n  ", ledger.records().stream().map(Object::toString).toList());
	}

	/** A write that failed with a StorageException failed with the very error of its batch. */
	private static List<String> storageFailures(OperationLedger ledger, BatchRecorder recorder) {
		Set<Throwable> batchErrors = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
		recorder.batches.forEach((batch) -> {
			if (batch.error != null) {
				batchErrors.add(batch.error);
			}
		});
		List<String> problems = new ArrayList<>();
		for (OperationLedger.Record record : ledger.records()) {
			if (record.error instanceof StorageException && !batchErrors.contains(record.error)) {
				problems.add("failure: " + record + " failed with a StorageException that is not its batch's error: "
						+ record.error.getMessage());
			}
		}
		return problems;
	}

}
