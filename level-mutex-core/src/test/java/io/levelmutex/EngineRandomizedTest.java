package io.levelmutex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded random run of puts, deletes and updates on an engine whose other writer strikes at random between a
 * batch's snapshot and its commit (and whose commits sometimes fail): every future completes exactly once, no
 * increment is lost (the counters equal the successful increments of both writers), and the keys only this
 * mutex writes end as the last successful operation in issue order says. A failing seed replays.
 */
class EngineRandomizedTest {

	private static final int OPERATIONS = 400;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 42, 2026 })
	void whenAnotherWriterStrikesAtRandomThenNoUpdateIsLostAndIssueOrderHolds(long seed) {
		run(seed, false);
	}

	/**
	 * The same on an engine that batches update reads (functions run once more to predict their reads, one prefetch
	 * per batch, fallback reads for keys chosen from values): the other writer also strikes between a batch's
	 * prefetch and its fallback reads, and some updates follow a pointer another writer moves.
	 */
	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 42, 2026, 7, 8, 9 })
	void whenAnotherWriterStrikesBetweenPrefetchAndFallbackReadsThenNoUpdateIsLostAndIssueOrderHolds(long seed) {
		run(seed, true);
	}

	private static void run(long seed, boolean batching) {
		System.out.println("EngineRandomizedTest seed " + seed + (batching ? ", batching reads" : ""));
		Random random = new Random(seed);
		MemoryEngine engine = new MemoryEngine();
		if (batching) {
			engine.batchingReads();
		}
		ManualExecutor executor = new ManualExecutor();
		MutexStore store = MutexStore.open(engine, StoreOptions.builder().build());
		int maxAttempts = 1 + random.nextInt(3);
		Mutex<String, String> mutex = store.mutex(MutexOptions.builder("m").executor(executor)
			.maxUpdateAttempts(maxAttempts)
			.maxBatchOperations(1 + random.nextInt(8))
			.build(), Codecs.utf8(), Codecs.utf8());
		Map<String, Integer> otherIncrements = new HashMap<>();
		AtomicInteger commits = new AtomicInteger();
		engine.beforeCommit((batch) -> {
			commits.incrementAndGet();
			int roll = random.nextInt(10);
			if (roll < 4) {
				otherIncrement(engine, random, otherIncrements);
			}
			else if (roll == 4) {
				engine.failNextCommit(new StorageException("scripted failure", null));
			}
		});
		if (batching) {
			engine.beforeRead((plan) -> {
				int roll = random.nextInt(10);
				if (roll < 3) {
					otherIncrement(engine, random, otherIncrements);
				}
				else if (roll < 5) {
					Map<String, @Nullable String> move = new HashMap<>();
					move.put("ptr", "c" + random.nextInt(3));
					engine.otherWriter("m", move);
				}
				else if (roll == 5) {
					engine.failNextSnapshot(new StorageUnavailableException("scripted read failure", null));
				}
			});
		}
		List<Issued> issued = new ArrayList<>();
		AtomicInteger completions = new AtomicInteger();
		int i = 0;
		while (i < OPERATIONS) {
			int round = 1 + random.nextInt(12);
			for (int r = 0; r < round && i < OPERATIONS; r++, i++) {
				Issued op = issue(mutex, random, i, batching);
				op.future.whenComplete((value, error) -> {
					op.completions++;
					completions.incrementAndGet();
				});
				issued.add(op);
			}
			executor.runAll();
		}
		CompletableFuture<Void> barrier = mutex.afterWrite();
		executor.runAll();
		assertThat(barrier).isCompleted();
		assertThat(issued).allSatisfy((op) -> assertThat(op.completions).as("completions of %s", op).isEqualTo(1));
		assertThat(completions).hasValue(OPERATIONS);
		assertThat(mutex.stats().queued()).isZero();
		Map<String, Integer> expectedCounters = new TreeMap<>(otherIncrements);
		Map<String, @Nullable String> expectedPlain = new TreeMap<>();
		for (Issued op : issued) {
			if (op.future.isCompletedExceptionally()) {
				Throwable error = op.future.handle((v, ex) -> ex).join();
				assertThat(error).as("failure of %s", op).isInstanceOfAny(StorageException.class,
						WriteConflictException.class);
				if (error instanceof WriteConflictException conflict) {
					assertThat(conflict.attempts()).isEqualTo(maxAttempts);
				}
				continue;
			}
			if (op.counter != null) {
				expectedCounters.merge(op.counter, 1, Integer::sum);
			}
			if (op.followsPointer) {
				expectedCounters.merge((String) op.future.join(), 1, Integer::sum);
			}
			if (op.plainKey != null) {
				expectedPlain.put(op.plainKey, op.plainValue);
			}
		}
		Map<String, String> contents = engine.contents("m");
		expectedCounters.forEach((counter, count) -> assertThat(contents.get(counter)).as("counter %s, seed %d",
				counter, seed).isEqualTo(String.valueOf(count)));
		expectedPlain.forEach((key, value) -> assertThat(contents.get(key)).as("key %s, seed %d", key, seed)
			.isEqualTo(value));
		mutex.closeAsync();
		executor.runAll();
		store.close();
		assertThat(commits.get()).isPositive();
	}

	private static void otherIncrement(MemoryEngine engine, Random random, Map<String, Integer> otherIncrements) {
		String counter = "c" + random.nextInt(3);
		String current = engine.contents("m").get(counter);
		Map<String, @Nullable String> write = new HashMap<>();
		write.put(counter, String.valueOf(((current != null) ? Integer.parseInt(current) : 0) + 1));
		engine.otherWriter("m", write);
		otherIncrements.merge(counter, 1, Integer::sum);
	}

	private static Issued issue(Mutex<String, String> mutex, Random random, int index, boolean pointers) {
		String plainKey = "p" + random.nextInt(4);
		if (pointers && random.nextInt(4) == 0) {
			// increments the counter "ptr" names: a key chosen from a value, which no prediction knows
			Issued follow = new Issued("increment *ptr", mutex.update((ctx) -> {
				String counter = ctx.get("ptr").orElse("c0");
				int value = ctx.get(counter).map(Integer::parseInt).orElse(0);
				ctx.put(counter, String.valueOf(value + 1));
				return counter;
			}), null, null, null);
			follow.followsPointer = true;
			return follow;
		}
		return switch (random.nextInt(5)) {
			case 0 -> new Issued("put " + plainKey, mutex.put(plainKey, "v" + index), null, plainKey, "v" + index);
			case 1 -> new Issued("del " + plainKey, mutex.del(plainKey), null, plainKey, null);
			case 2, 3 -> {
				String counter = "c" + random.nextInt(3);
				yield new Issued("increment " + counter, mutex.update((ctx) -> {
					int value = ctx.get(counter).map(Integer::parseInt).orElse(0);
					ctx.put(counter, String.valueOf(value + 1));
					return value;
				}), counter, null, null);
			}
			default -> {
				// sets a plain key after reading a counter: a conflict carries it, and the puts after it
				String counter = "c" + random.nextInt(3);
				yield new Issued("set " + plainKey, mutex.update((ctx) -> {
					ctx.get(counter);
					ctx.peekFirst(KeyRange.atLeast("c"));
					ctx.put(plainKey, "u" + index);
					return index;
				}), null, plainKey, "u" + index);
			}
		};
	}

	/** One issued operation and what it does when it succeeds; {@code completions} on the test thread. */
	private static final class Issued {

		final String description;

		final CompletableFuture<?> future;

		final @Nullable String counter;

		final @Nullable String plainKey;

		final @Nullable String plainValue;

		int completions;

		/** An increment of the counter its result names. */
		boolean followsPointer;

		Issued(String description, CompletableFuture<?> future, @Nullable String counter, @Nullable String plainKey,
				@Nullable String plainValue) {
			this.description = description;
			this.future = future;
			this.counter = counter;
			this.plainKey = plainKey;
			this.plainValue = plainValue;
		}

		@Override
		public String toString() {
			return this.description;
		}

	}

}
