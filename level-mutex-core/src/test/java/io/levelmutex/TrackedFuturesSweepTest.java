package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack of tracked futures is swept of completed ones as operations go on (the sweep is triggered by the
 * stack's own depth count, no shared counter): however many operations complete, from however many threads, the
 * stack holds about one sweep interval of futures, not one per operation ever issued.
 */
class TrackedFuturesSweepTest {

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 5 })
	void whenManyOperationsCompleteThenTheTrackedStackStaysBounded(int threads) throws Exception {
		long seed = 31L * threads;
		System.out.println("TrackedFuturesSweepTest seed " + seed);
		int perThread = 12 * TrackedFutures.MIN_SWEEP_INTERVAL / threads;
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("sweep").build(), Codecs.utf8(),
					Codecs.utf8());
			MutexCore core = ((CodecMutex<?, ?>) mutex).core();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> callers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				Random random = new Random(seed + t);
				int caller = t;
				Thread thread = new Thread(() -> {
					try {
						start.await();
						List<CompletableFuture<?>> window = new ArrayList<>();
						for (int i = 0; i < perThread; i++) {
							String key = "k" + caller + "-" + random.nextInt(100);
							window.add(random.nextBoolean() ? mutex.put(key, "v") : mutex.get(key));
							if (window.size() >= 8) { // at most 8 pending per thread
								for (CompletableFuture<?> future : window) {
									future.get(1, TimeUnit.MINUTES);
								}
								window.clear();
							}
						}
						for (CompletableFuture<?> future : window) {
							future.get(1, TimeUnit.MINUTES);
						}
					}
					catch (Throwable ex) {
						failure.compareAndSet(null, ex);
					}
				});
				callers.add(thread);
				thread.start();
			}
			start.countDown();
			for (Thread thread : callers) {
				thread.join(TimeUnit.MINUTES.toMillis(2));
				assertThat(thread.isAlive()).isFalse();
			}
			assertThat(failure.get()).isNull();
			// issued: 12 intervals' worth; kept: at most one interval plus the few pending at each sweep
			assertThat(core.trackedFutures().size()).as("seed %d", seed)
				.isLessThanOrEqualTo(TrackedFutures.MIN_SWEEP_INTERVAL + 8 * threads + 1);
			mutex.close();
		}
	}

}
