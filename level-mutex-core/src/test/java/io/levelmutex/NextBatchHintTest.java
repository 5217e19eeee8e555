package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints an engine that prepares batches gets while a batch completes ({@link NextBatchHint}): whatever the
 * clients do from their callbacks (puts, deletes, updates, barriers, reads, up to the batch limits), what was hinted
 * before a commit is the start of that commit's batch, the same operations in the same order; the writes are as
 * without hints, every future completes exactly once, and neither a failing hint nor a close in the middle of a
 * completion loop changes that.
 */
class NextBatchHintTest {

	private final ManualExecutor executor = new ManualExecutor();

	@ParameterizedTest(name = "{0} clients, max {1} operations / {2} bytes per batch, seed {3}, puts only {4}")
	@CsvSource({
		"128, 8192, 33554432, 1, false",
		"128, 8192, 33554432, 2, false",
		"300, 150, 33554432, 3, false", // the next batch ends at its operation limit
		"300, 150, 33554432, 4, true",
		"300, 8192, 3000, 5, true", // ... at its byte limit (every put 20 bytes: 150 per batch)
		"1, 8192, 33554432, 6, false", // lone writes: no hint
	})
	void whenClientsIssueTheirNextOperationFromTheirCallbacksThenEveryBatchStartsWithWhatWasHintedForIt(int clients,
			int maxOperations, long maxBytes, long seed, boolean putsOnly) {
		MemoryEngine memory = MemoryEngine.embedded();
		HintingEngine engine = new HintingEngine(memory, false);
		try (MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("hinted").executor(this.executor)
				.maxBatchOperations(maxOperations).maxBatchBytes(maxBytes).build(), Codecs.utf8(), Codecs.utf8());
			ClosedLoop loop = new ClosedLoop(mutex, clients, 30, seed);
			loop.putsOnly = putsOnly;
			loop.start();
			this.executor.runAll();
			loop.assertDone();
			assertThat(memory.contents("hinted")).isEqualTo(loop.model);
			assertHintsStartTheirBatches(engine);
			if (clients >= 2 * NextBatchHint.MIN_ITEMS) {
				assertThat(engine.hintedOperations()).as("hints were given").isPositive();
			}
			if (clients == 1) {
				assertThat(engine.hintedOperations()).isZero();
			}
			mutex.closeAsync();
			this.executor.runAll();
		}
	}

	@Test
	void whenTheEnginesHintsThrowThenEveryOperationStillCompletesOnceAndIsWritten() {
		MemoryEngine memory = MemoryEngine.embedded();
		HintingEngine engine = new HintingEngine(memory, true);
		try (MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("throwing").executor(this.executor).build(),
					Codecs.utf8(), Codecs.utf8());
			ClosedLoop loop = new ClosedLoop(mutex, 200, 20, 11);
			loop.start();
			this.executor.runAll();
			loop.assertDone();
			assertThat(memory.contents("throwing")).isEqualTo(loop.model);
			assertThat(engine.hintedOperations()).as("hints were tried").isPositive();
			assertHintsStartTheirBatches(engine);
			mutex.closeAsync();
			this.executor.runAll();
		}
	}

	@Test
	void whenACallbackClosesTheMutexInTheMiddleOfACompletionLoopThenEveryFutureCompletesOnce() {
		MemoryEngine memory = MemoryEngine.embedded();
		HintingEngine engine = new HintingEngine(memory, false);
		try (MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("closing").executor(this.executor).build(),
					Codecs.utf8(), Codecs.utf8());
			ClosedLoop loop = new ClosedLoop(mutex, 200, 20, 12);
			loop.closeAfter = 200 * 3 + 100; // in the middle of the fourth batch's completions
			loop.start();
			this.executor.runAll();
			loop.assertDone();
			assertThat(mutex.closeAsync()).isDone();
			assertThat(loop.refused.get()).as("operations refused at the call after the close").isPositive();
			assertHintsStartTheirBatches(engine);
			assertThat(memory.contents("closing")).isEqualTo(loop.model);
		}
	}

	/** What each commit was hinted is the start of its batch: the same operations and stored keys, in order. */
	private static void assertHintsStartTheirBatches(HintingEngine engine) {
		List<HintingEngine.HintedCommit> commits = engine.commits();
		assertThat(commits).isNotEmpty();
		for (int c = 0; c < commits.size(); c++) {
			HintingEngine.HintedCommit commit = commits.get(c);
			assertThat(commit.hinted().size()).as("commit %d: hinted no more than its batch", c)
				.isLessThanOrEqualTo(commit.batch().size());
			for (int i = 0; i < commit.hinted().size(); i++) {
				assertThat(commit.hinted().get(i)).as("commit %d, operation %d", c, i).isSameAs(commit.batch().get(i));
				assertThat(commit.hintedKeys().get(i)).as("commit %d, key %d", c, i)
					.isSameAs(commit.batchKeys().get(i));
			}
		}
	}


	/**
	 * Clients that each issue their next operation from the callback of the last (puts, deletes and updates of the
	 * client's own keys, barriers, reads), from a seed; the model is what their writes leave.
	 */
	private static final class ClosedLoop {

		final Mutex<String, String> mutex;

		final int clients;

		final int operationsPerClient;

		final Random random;

		final Map<String, String> model = new TreeMap<>();

		final AtomicInteger completions = new AtomicInteger();

		final AtomicInteger finished = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final List<Throwable> unexpected = new ArrayList<>();

		/** After this many completions a callback closes the mutex; -1: never. */
		int closeAfter = -1;

		/** Whether every operation is a put (each 20 bytes with the prefix of a mutex named "hinted"). */
		boolean putsOnly;

		ClosedLoop(Mutex<String, String> mutex, int clients, int operationsPerClient, long seed) {
			this.mutex = mutex;
			this.clients = clients;
			this.operationsPerClient = operationsPerClient;
			this.random = new Random(seed);
		}

		void start() {
			for (int c = 0; c < this.clients; c++) {
				issue(c, 0);
			}
		}

		private void issue(int client, int n) {
			if (n == this.operationsPerClient) {
				this.finished.incrementAndGet();
				return;
			}
			String key = String.format("c%04d-k%d", client, this.random.nextInt(4)); // 8 bytes
			int pick = this.putsOnly ? 0 : this.random.nextInt(100);
			CompletableFuture<?> future;
			Runnable applied;
			try {
				if (pick < 70) {
					String value = String.format("v%04d", n); // 5 bytes
					future = this.mutex.put(key, value);
					applied = () -> this.model.put(key, value);
				}
				else if (pick < 80) {
					future = this.mutex.del(key);
					applied = () -> this.model.remove(key);
				}
				else if (pick < 90) {
					String counter = String.format("c%04d-n", client);
					future = this.mutex.update((context) -> {
						Optional<String> current = context.get(counter);
						String next = String.valueOf(current.map(Integer::parseInt).orElse(0) + 1);
						context.put(counter, next);
						return next;
					});
					applied = () -> this.model.merge(counter, "1",
							(old, one) -> String.valueOf(Integer.parseInt(old) + 1));
				}
				else if (pick < 95) {
					future = this.mutex.afterWrite();
					applied = () -> {
					};
				}
				else {
					future = this.mutex.get(key);
					applied = () -> {
					};
				}
			}
			catch (MutexClosedException closed) {
				this.refused.incrementAndGet();
				this.finished.incrementAndGet();
				return;
			}
			AtomicInteger once = new AtomicInteger();
			future.whenComplete((result, error) -> {
				if (once.incrementAndGet() != 1) {
					this.unexpected.add(new AssertionError("completed twice"));
				}
				if (error != null) {
					this.unexpected.add(error);
				}
				else {
					applied.run();
				}
				if (this.completions.incrementAndGet() == this.closeAfter) {
					this.mutex.closeAsync();
				}
				issue(client, n + 1);
			});
		}

		void assertDone() {
			assertThat(this.unexpected).isEmpty();
			assertThat(this.finished.get()).as("every client finished").isEqualTo(this.clients);
		}

	}

}
