package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads increment a few counters by read-modify-write. Small batches make write phases
 * spill over several batches; each update still sees every write issued before it, so none
 * conflicts and every one succeeds. The final counts must equal the successful updates: no
 * lost update, no phantom.
 */
class ConcurrentCountersTest {

	@ParameterizedTest(name = "batch={0}, attempts={1}")
	@CsvSource({ "8192, 1", "2, 1", "3, 5", "1, 1" })
	void whenThreadsIncrementCountersThenFinalCountsEqualSuccesses(int maxBatch, int attempts) throws Exception {
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(
					MutexOptions.builder("counters").maxBatchOperations(maxBatch).maxUpdateAttempts(attempts).build(),
					Codecs.utf8(), Codecs.utf8());
			int threads = 8;
			int perThread = 300;
			int counters = 3;
			ConcurrentHashMap<String, LongAdder> successes = new ConcurrentHashMap<>();
			LongAdder conflicts = new LongAdder();
			ExecutorService callers = Executors.newFixedThreadPool(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				submitted.add(callers.submit(() -> {
					start.await();
					List<CompletableFuture<Void>> mine = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						String key = "counter-" + ((thread + i) % counters);
						mine.add(mutex.<Integer>update((ctx) -> {
							int n = Integer.parseInt(ctx.get(key).orElse("0"));
							ctx.put(key, Integer.toString(n + 1));
							return n + 1;
						}).handle((value, error) -> {
							if (error == null) {
								successes.computeIfAbsent(key, (k) -> new LongAdder()).increment();
							}
							else if (error instanceof WriteConflictException
									|| error.getCause() instanceof WriteConflictException) {
								conflicts.increment();
							}
							else {
								throw new CompletionException(error);
							}
							return null;
						}));
					}
					return mine;
				}));
			}
			start.countDown();
			List<CompletableFuture<Void>> all = new ArrayList<>();
			for (Future<List<CompletableFuture<Void>>> future : submitted) {
				all.addAll(future.get(60, TimeUnit.SECONDS));
			}
			callers.shutdown();
			CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
			long total = 0;
			for (int c = 0; c < counters; c++) {
				String key = "counter-" + c;
				long stored = Long.parseLong(mutex.get(key).get(60, TimeUnit.SECONDS).orElse("0"));
				long succeeded = successes.getOrDefault(key, new LongAdder()).sum();
				assertThat(stored).as(key).isEqualTo(succeeded);
				total += succeeded;
			}
			assertThat(total + conflicts.sum()).isEqualTo(threads * perThread);
			// updates run in the write phase in issue order: none conflicts, every one succeeds
			assertThat(conflicts.sum()).isZero();
			assertThat(total).isEqualTo(threads * perThread);
			assertThat(mutex.stats().conflicts()).isZero();
		}
	}

}
