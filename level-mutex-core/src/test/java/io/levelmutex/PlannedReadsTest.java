package io.levelmutex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.ReadPlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads handed to the engine as plans: a read phase is one {@link io.levelmutex.engine.KeyspaceStorage#read} on
 * every engine; on an engine that batches update reads, a batch's update functions run once on a recording
 * snapshot to learn their reads, one plan fetches them, the real run reads that answer, and only what the first run
 * could not predict is read on its own, never letting an update commit on a state that changed under it. Counted
 * on the in-memory engine, whose plans are its round trips.
 */
class PlannedReadsTest {

	/** A string mutex on a {@link MemoryEngine}, its cycles run by the test. */
	private static final class Fixture implements AutoCloseable {

		final MemoryEngine engine;

		final ManualExecutor executor = new ManualExecutor();

		final MutexStore store;

		final Mutex<String, String> mutex;

		Fixture(boolean batching) {
			this(batching, (options) -> {
			});
		}

		Fixture(boolean batching, Consumer<MutexOptions.Builder> configure) {
			this.engine = new MemoryEngine();
			if (batching) {
				this.engine.batchingReads();
			}
			this.store = MutexStore.open(this.engine, StoreOptions.builder().build());
			MutexOptions.Builder options = MutexOptions.builder("m").executor(this.executor);
			configure.accept(options);
			this.mutex = this.store.mutex(options.build(), Codecs.utf8(), Codecs.utf8());
		}

		/** Writes entries and runs the cycle. */
		void seed(String... keysAndValues) {
			for (int i = 0; i < keysAndValues.length; i += 2) {
				this.mutex.put(keysAndValues[i], keysAndValues[i + 1]);
			}
			run();
		}

		/** Runs the cycles; returns the plans the engine read meanwhile. */
		List<ReadPlan> run() {
			int before = this.engine.plans().size();
			this.executor.runAll();
			List<ReadPlan> plans = this.engine.plans();
			return plans.subList(before, plans.size());
		}

		@Override
		public void close() {
			this.mutex.closeAsync();
			this.executor.runAll();
			this.store.close();
		}

	}

	private static UpdateFunction<String, String, Integer> increment(String key, AtomicInteger runs) {
		return (ctx) -> {
			runs.incrementAndGet();
			int value = ctx.get(key).map(Integer::parseInt).orElse(0) + 1;
			ctx.put(key, String.valueOf(value));
			return value;
		};
	}

	@ParameterizedTest(name = "batching engine {0}")
	@ValueSource(booleans = { true, false })
	void whenAReadPhaseHoldsGetsAndRangeReadsThenTheEngineAnswersThemAsOnePlan(boolean batching) {
		try (Fixture fixture = new Fixture(batching)) {
			fixture.seed("a", "1", "b", "2", "c", "3", "d", "4");
			int snapshots = fixture.engine.snapshotsAsked();
			Mutex<String, String> mutex = fixture.mutex;
			CompletableFuture<Optional<String>> a = mutex.get("a");
			CompletableFuture<Optional<String>> again = mutex.get("a");
			CompletableFuture<Optional<String>> missing = mutex.get("zz");
			CompletableFuture<Optional<Entry<String, String>>> first = mutex.peekFirst(KeyRange.atLeast("b"));
			CompletableFuture<Optional<Entry<String, String>>> last = mutex.peekLast(KeyRange.all());
			CompletableFuture<List<Entry<String, String>>> one = mutex.scan(KeyRange.closed("b", "d"), 1);
			CompletableFuture<List<Entry<String, String>>> inverted = mutex.scan(KeyRange.closed("d", "a"), 5);
			CompletableFuture<List<Entry<String, String>>> reversed = mutex.scan(KeyRange.closedOpen("a", "d"), 2,
					true);
			CompletableFuture<List<Entry<String, String>>> beyond = mutex.scan(KeyRange.greaterThan("d"), 3);
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).as("plans of one read phase").hasSize(1);
			ReadPlan plan = plans.get(0);
			assertThat(plan.keys()).as("gets, duplicates and misses included, in issue order")
				.extracting(String::new)
				.containsExactly("a", "a", "zz");
			assertThat(plan.scans()).as("range reads in issue order; the inverted one is not asked")
				.extracting(ReadPlan.Scan::limit, ReadPlan.Scan::ascending)
				.containsExactly(org.assertj.core.groups.Tuple.tuple(1, true), org.assertj.core.groups.Tuple.tuple(1, false),
						org.assertj.core.groups.Tuple.tuple(1, true), org.assertj.core.groups.Tuple.tuple(2, false),
						org.assertj.core.groups.Tuple.tuple(3, true));
			assertThat(a.join()).contains("1");
			assertThat(again.join()).contains("1");
			assertThat(missing.join()).isEmpty();
			assertThat(first.join()).contains(new Entry<>("b", "2"));
			assertThat(last.join()).contains(new Entry<>("d", "4"));
			assertThat(one.join()).containsExactly(new Entry<>("b", "2"));
			assertThat(inverted.join()).isEmpty();
			assertThat(reversed.join()).containsExactly(new Entry<>("c", "3"), new Entry<>("b", "2"));
			assertThat(beyond.join()).isEmpty();
			assertThat(fixture.engine.snapshotsAsked() - snapshots).as("snapshots")
				.isEqualTo(batching ? 0 : 1);
		}
	}

	@Test
	void whenAReadPhaseHoldsOnlyEmptyRangesThenTheEngineIsNotAsked() {
		try (Fixture fixture = new Fixture(true)) {
			CompletableFuture<List<Entry<String, String>>> inverted = fixture.mutex.scan(KeyRange.closed("z", "a"), 1);
			CompletableFuture<Optional<Entry<String, String>>> empty = fixture.mutex
				.peekFirst(KeyRange.closedOpen("k", "k"));
			assertThat(fixture.run()).isEmpty();
			assertThat(inverted.join()).isEmpty();
			assertThat(empty.join()).isEmpty();
		}
	}

	@Test
	void whenTheEngineCannotAnswerAPlanThenEveryReadOfThePhaseFailsTypedAndTheNextPhaseReads() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("a", "1");
			fixture.engine.failNextSnapshot(new StorageUnavailableException("server gone", null));
			CompletableFuture<Optional<String>> get = fixture.mutex.get("a");
			CompletableFuture<List<Entry<String, String>>> scan = fixture.mutex.scan(KeyRange.all(), 1);
			fixture.run();
			for (CompletableFuture<?> read : List.of(get, scan)) {
				assertThatThrownBy(read::join).hasCauseInstanceOf(StorageUnavailableException.class)
					.hasMessageContaining("Read phase")
					.hasMessageContaining("'m'")
					.hasMessageContaining("server gone");
			}
			CompletableFuture<Optional<String>> next = fixture.mutex.get("a");
			fixture.run();
			assertThat(next.join()).contains("1");
		}
	}

	@Test
	void whenABatchHoldsManyUpdatesThenTheirReadsAreFetchedWithOnePlanAndEachFunctionRunsTwice() {
		try (Fixture fixture = new Fixture(true)) {
			AtomicInteger runs = new AtomicInteger();
			List<CompletableFuture<Integer>> updates = new ArrayList<>();
			for (int i = 0; i < 256; i++) {
				updates.add(fixture.mutex.update(increment("c" + (i % 16), runs)));
			}
			CompletableFuture<Optional<Entry<String, String>>> peeks = fixture.mutex
				.update((ctx) -> ctx.peekFirst(KeyRange.atLeast("c")));
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).as("one prefetch for the batch").hasSize(1);
			assertThat(plans.get(0).keys()).as("each counter once").hasSize(16);
			assertThat(plans.get(0).scans()).hasSize(1);
			assertThat(runs).as("a prediction run and the real run each").hasValue(512);
			for (int i = 0; i < 256; i++) {
				assertThat(updates.get(i).join()).isEqualTo(i / 16 + 1);
			}
			assertThat(peeks.join()).contains(new Entry<>("c0", "16"));
			assertThat(fixture.engine.contents("m")).hasSize(16).containsEntry("c15", "16");
			assertThat(fixture.engine.commits()).isEqualTo(1);
		}
	}

	@Test
	void whenTheEngineDoesNotBatchUpdateReadsThenEachFunctionRunsOnceOnOneSnapshot() {
		try (Fixture fixture = new Fixture(false)) {
			AtomicInteger runs = new AtomicInteger();
			for (int i = 0; i < 64; i++) {
				fixture.mutex.update(increment("c" + (i % 8), runs));
			}
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).as("no plan for the updates").isEmpty();
			assertThat(fixture.engine.snapshotsAsked()).as("one snapshot for the batch").isEqualTo(1);
			assertThat(runs).as("no prediction run").hasValue(64);
			assertThat(fixture.engine.contents("m")).containsEntry("c7", "8");
		}
	}

	@Test
	void whenBatchesHoldOnlyPlainWritesAndBarriersThenNothingIsRead() {
		try (Fixture fixture = new Fixture(true, (options) -> options.maxBatchOperations(2))) {
			for (int i = 0; i < 5; i++) {
				fixture.mutex.put("k" + i, "v");
				fixture.mutex.afterWrite();
			}
			fixture.mutex.del("k0");
			assertThat(fixture.run()).isEmpty();
			assertThat(fixture.engine.contents("m")).hasSize(4);
		}
	}

	@Test
	void whenAnUpdateReadsNothingThenOnePlanStillNamesTheSnapshotSequenceItIsValidatedFrom() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("a", "1", "b", "2");
			List<Long> snapshots = new ArrayList<>();
			fixture.engine.beforeCommit((batch) -> batch.updates().forEach((u) -> snapshots.add(u.snapshotSequence())));
			CompletableFuture<String> blind = fixture.mutex.update((ctx) -> {
				ctx.put("c", "3");
				return "done";
			});
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).hasSize(1);
			assertThat(plans.get(0).isEmpty()).isTrue();
			assertThat(blind.join()).isEqualTo("done");
			assertThat(snapshots).as("the seed's batch is sequence 1").containsExactly(1L);
		}
	}

	@Test
	void whenMoreUpdatesAreQueuedThanOneBatchHoldsThenEachBatchPrefetchesOnce() {
		try (Fixture fixture = new Fixture(true, (options) -> options.maxBatchOperations(4))) {
			AtomicInteger runs = new AtomicInteger();
			for (int i = 0; i < 10; i++) {
				fixture.mutex.update(increment("c" + i, runs));
			}
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).extracting((plan) -> plan.keys().size()).containsExactly(4, 4, 2);
			assertThat(fixture.engine.commits()).isEqualTo(3);
			assertThat(fixture.engine.contents("m")).hasSize(10);
		}
	}

	@Test
	void whenUpdatesWriteNothingThenOnePredictionCoversAllOfThem() {
		try (Fixture fixture = new Fixture(true, (options) -> options.maxBatchOperations(1))) {
			fixture.seed("a", "1");
			List<CompletableFuture<Optional<String>>> reads = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				reads.add(fixture.mutex.update((ctx) -> ctx.get("a")));
			}
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).hasSize(1);
			assertThat(reads).allSatisfy((read) -> assertThat(read.join()).contains("1"));
		}
	}

	@Test
	void whenTheRealRunsGoPastThePredictionsEndThenTheUpdatesBeyondItArePrefetchedByAnotherPlan() {
		try (Fixture fixture = new Fixture(true, (options) -> options.maxBatchOperations(2))) {
			fixture.seed("k", "1", "other", "2");
			int commits = fixture.engine.commits();
			// the prediction (which sees no "k") writes two keys: the batch looks full after it
			CompletableFuture<String> fills = fixture.mutex.update((ctx) -> {
				if (ctx.get("k").isEmpty()) {
					ctx.put("x", "1");
					ctx.put("y", "1");
					return "wrote";
				}
				return "nothing";
			});
			CompletableFuture<Optional<String>> beyond = fixture.mutex.update((ctx) -> ctx.get("other"));
			List<ReadPlan> plans = fixture.run();
			assertThat(fills.join()).isEqualTo("nothing");
			assertThat(beyond.join()).contains("2");
			assertThat(plans).extracting((plan) -> plan.keys().stream().map(String::new).toList())
				.containsExactly(List.of("k"), List.of("other"));
			assertThat(fixture.engine.commits() - commits).as("one batch, with nothing to write: no commit").isZero();
		}
	}

	@Test
	void whenAnUpdateReadsAKeyChosenFromAValueThenThatKeyIsReadOnItsOwnOnceAndTheResultIsRight() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("ptr", "t1", "t1", "10", "t2", "20");
			UpdateFunction<String, String, String> follow = (ctx) -> {
				String target = ctx.get("ptr").orElse("none");
				String value = ctx.get(target).orElse("absent");
				return target + "=" + value;
			};
			CompletableFuture<String> first = fixture.mutex.update(follow);
			CompletableFuture<String> second = fixture.mutex.update(follow);
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).as("the prefetch, then one read of the unpredicted key").hasSize(2);
			assertThat(plans.get(0).keys()).extracting(String::new).containsExactly("ptr", "none");
			assertThat(plans.get(1).keys()).extracting(String::new).containsExactly("t1");
			assertThat(first.join()).isEqualTo("t1=10");
			assertThat(second.join()).isEqualTo("t1=10");
		}
	}

	@Test
	void whenAnUpdateReadsWhatEarlierUpdatesOfTheBatchWroteThenItSeesEveryEarlierWriteAndNoneLater() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("ptr", "t1", "t1", "old");
			Mutex<String, String> mutex = fixture.mutex;
			CompletableFuture<String> before = mutex.update((ctx) -> ctx.get("t2").orElse("absent"));
			// writes to a key chosen from a value: the prediction (which sees no "ptr") writes elsewhere
			mutex.update((ctx) -> {
				ctx.put(ctx.get("ptr").orElse("nowhere").replace('1', '2'), "from-update");
				return null;
			});
			CompletableFuture<String> seesUpdate = mutex.update((ctx) -> ctx.get("t2").orElse("absent"));
			mutex.put("t2", "plain");
			CompletableFuture<String> seesPlain = mutex.update((ctx) -> ctx.get("t2").orElse("absent"));
			mutex.del("t1");
			CompletableFuture<Optional<Entry<String, String>>> peek = mutex
				.update((ctx) -> ctx.peekFirst(KeyRange.atLeast("t")));
			mutex.put("t2", "later");
			fixture.run();
			assertThat(before.join()).isEqualTo("absent");
			assertThat(seesUpdate.join()).isEqualTo("from-update");
			assertThat(seesPlain.join()).isEqualTo("plain");
			assertThat(peek.join()).contains(new Entry<>("t2", "plain"));
			assertThat(fixture.engine.contents("m")).containsEntry("t2", "later").doesNotContainKey("t1");
		}
	}

	@Test
	void whenAFunctionThrowsOnlyInThePredictionThenItsRealRunDecides() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("k", "5");
			AtomicInteger runs = new AtomicInteger();
			CompletableFuture<Integer> update = fixture.mutex.update((ctx) -> {
				runs.incrementAndGet();
				int value = Integer.parseInt(ctx.get("k").orElseThrow()); // the prediction reads nothing: throws
				ctx.put("k", String.valueOf(value * 2));
				return value;
			});
			List<ReadPlan> plans = fixture.run();
			assertThat(update.join()).isEqualTo(5);
			assertThat(runs).hasValue(2);
			assertThat(plans).as("the read before the throw was predicted").hasSize(1);
			assertThat(fixture.engine.contents("m")).containsEntry("k", "10");
		}
	}

	@Test
	void whenAFunctionThrowsOnlyInTheRealRunThenItFailsWritingNothingAndLaterUpdatesDoNotSeeItsWrites() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("k", "5");
			CompletableFuture<String> throwing = fixture.mutex.update((ctx) -> {
				if (ctx.get("k").isPresent()) {
					throw new IllegalStateException("k is there");
				}
				ctx.put("written", "by the prediction only");
				return "wrote";
			});
			CompletableFuture<String> later = fixture.mutex.update((ctx) -> ctx.get("written").orElse("absent"));
			fixture.run();
			assertThatThrownBy(throwing::join).isInstanceOf(CompletionException.class)
				.hasCauseInstanceOf(IllegalStateException.class)
				.hasRootCauseMessage("k is there");
			assertThat(later.join()).isEqualTo("absent");
			assertThat(fixture.engine.contents("m")).doesNotContainKey("written");
		}
	}

	@Test
	void whenPeeksFollowDeletesOfTheBatchThenThePrefetchedScanHoldsEnoughAndTheAnswersAreRight() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("a1", "1", "a2", "2", "a3", "3", "a4", "4", "a5", "5");
			Mutex<String, String> mutex = fixture.mutex;
			mutex.del("a1");
			mutex.del("a2");
			CompletableFuture<Optional<Entry<String, String>>> first = mutex
				.update((ctx) -> ctx.peekFirst(KeyRange.atLeast("a")));
			mutex.update((ctx) -> {
				ctx.del("a5");
				ctx.del("a4");
				return null;
			});
			CompletableFuture<Optional<Entry<String, String>>> last = mutex
				.update((ctx) -> ctx.peekLast(KeyRange.closed("a", "b")));
			CompletableFuture<Optional<Entry<String, String>>> limitOne = mutex
				.update((ctx) -> ctx.peekLast(KeyRange.closed("a4", "a5")));
			CompletableFuture<Optional<Entry<String, String>>> inverted = mutex
				.update((ctx) -> ctx.peekFirst(KeyRange.closed("z", "a")));
			CompletableFuture<Optional<Entry<String, String>>> empty = mutex
				.update((ctx) -> ctx.peekLast(KeyRange.closedOpen("a3", "a3")));
			List<ReadPlan> plans = fixture.run();
			assertThat(plans).as("no fallback: the predicted limits cover the batch's deletes").hasSize(1);
			assertThat(plans.get(0).scans()).as("the inverted and the empty range are not asked").hasSize(3);
			assertThat(first.join()).contains(new Entry<>("a3", "3"));
			assertThat(last.join()).contains(new Entry<>("a3", "3"));
			assertThat(limitOne.join()).isEmpty();
			assertThat(inverted.join()).isEmpty();
			assertThat(empty.join()).isEmpty();
		}
	}

	@Test
	void whenAPeekNeedsMoreEntriesThanPredictedThenItIsReadAgainWithItsLimit() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("ptr", "a1", "a1", "1", "a2", "2", "a3", "3");
			Mutex<String, String> mutex = fixture.mutex;
			// deletes a key chosen from a value: the prediction deletes nothing, so it asks the peek for 1 entry
			mutex.update((ctx) -> {
				ctx.get("ptr").ifPresent(ctx::del);
				return null;
			});
			CompletableFuture<Optional<Entry<String, String>>> first = mutex
				.update((ctx) -> ctx.peekFirst(KeyRange.atLeast("a")));
			List<ReadPlan> plans = fixture.run();
			assertThat(first.join()).contains(new Entry<>("a2", "2"));
			assertThat(plans).hasSize(2);
			assertThat(plans.get(1).scans()).extracting(ReadPlan.Scan::limit).containsExactly(2);
		}
	}

	@Test
	void whenTheOtherWriterChangesAPrefetchedKeyBeforeAFallbackReadThenTheMixedViewNeverCommits() {
		try (Fixture fixture = new Fixture(true, (options) -> options.maxUpdateAttempts(3))) {
			fixture.seed("ptr", "a", "a", "1", "b", "100");
			AtomicInteger reads = new AtomicInteger();
			fixture.engine.beforeRead((plan) -> {
				if (reads.incrementAndGet() == 2) { // the fallback read of the first attempt
					Map<String, @Nullable String> move = new HashMap<>();
					move.put("ptr", "b");
					fixture.engine.otherWriter("m", move);
				}
			});
			List<Integer> attempts = new ArrayList<>();
			CompletableFuture<String> update = fixture.mutex.update((ctx) -> {
				String target = ctx.get("ptr").orElseThrow();
				int value = Integer.parseInt(ctx.get(target).orElseThrow());
				attempts.add(ctx.attempt());
				ctx.put(target, String.valueOf(value + 1));
				return target;
			});
			fixture.run();
			assertThat(update.join()).as("ran again on the state with the moved pointer").isEqualTo("b");
			assertThat(fixture.engine.contents("m")).containsEntry("a", "1").containsEntry("b", "101");
			assertThat(attempts).as("attempts that got past their reads").contains(1, 2);
		}
	}

	@ParameterizedTest(name = "maxUpdateAttempts {0}")
	@ValueSource(ints = { 1, 2 })
	void whenAFallbackReadSeesAnotherWritersNewerCommitThenTheUpdateIsRejectedNotCommittedOnAMixedState(int max) {
		try (Fixture fixture = new Fixture(true, (options) -> options.maxUpdateAttempts(max))) {
			fixture.seed("ptr", "a", "a", "1", "sum", "0");
			AtomicInteger reads = new AtomicInteger();
			fixture.engine.beforeRead((plan) -> {
				if (reads.incrementAndGet() == 2) { // the first fallback ("ptr"): the other writer strikes just before
					Map<String, @Nullable String> write = new HashMap<>();
					write.put("a", "50");
					write.put("sum", "-1");
					fixture.engine.otherWriter("m", write);
				}
			});
			AtomicInteger runs = new AtomicInteger();
			CompletableFuture<String> update = fixture.mutex.update((ctx) -> {
				runs.incrementAndGet();
				int sum = Integer.parseInt(ctx.get("sum").orElseThrow()); // prefetched: 0 at the first attempt
				int value = Integer.parseInt(ctx.get(ctx.get("ptr").orElseThrow()).orElseThrow()); // fallback: 50
				ctx.put("sum", String.valueOf(sum + value));
				return sum + "+" + value;
			});
			CompletableFuture<Void> afterIt = fixture.mutex.put("after", "x");
			fixture.run();
			if (max == 1) {
				assertThatThrownBy(update::join).hasCauseInstanceOf(WriteConflictException.class);
				assertThat(fixture.engine.contents("m")).containsEntry("sum", "-1");
			}
			else {
				assertThat(update.join()).isEqualTo("-1+50");
				assertThat(fixture.engine.contents("m")).containsEntry("sum", "49");
			}
			assertThat(afterIt).isCompleted();
			assertThat(fixture.engine.contents("m")).containsEntry("after", "x");
			assertThat(runs.get()).as("prediction and real run per attempt").isEqualTo(2 * max);
		}
	}

	@Test
	void whenThePrefetchFailsThenTheBatchsUpdatesFailTypedItsPlainWritesCommitAndTheNextBatchReads() {
		try (Fixture fixture = new Fixture(true)) {
			fixture.seed("k", "1");
			fixture.engine.failNextSnapshot(new StorageUnavailableException("server gone", null));
			AtomicInteger runs = new AtomicInteger();
			CompletableFuture<Integer> one = fixture.mutex.update(increment("k", runs));
			CompletableFuture<Void> plain = fixture.mutex.put("p", "v");
			CompletableFuture<Integer> two = fixture.mutex.update(increment("k", runs));
			fixture.run();
			for (CompletableFuture<Integer> update : List.of(one, two)) {
				assertThatThrownBy(update::join).hasCauseInstanceOf(StorageUnavailableException.class)
					.hasMessageContaining("could not read");
			}
			assertThat(plain).isCompleted();
			assertThat(runs).as("only the prediction ran: the prefetch failed before the real runs").hasValue(2);
			CompletableFuture<Integer> three = fixture.mutex.update(increment("k", runs));
			fixture.run();
			assertThat(three.join()).isEqualTo(2);
		}
	}

}
