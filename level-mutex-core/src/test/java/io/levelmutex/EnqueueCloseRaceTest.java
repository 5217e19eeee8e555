package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Callers on many threads (and completion callbacks on the cycle thread) queue puts, gets and barriers while the
 * mutex closes: each call either is refused at once ({@link MutexClosedException}, or
 * {@link MutexOverloadedException} at the queue limit) or is queued, and every
 * queued operation completes exactly once, normally (a close runs what was queued), with every put it reported
 * written readable afterwards. Races the enqueue protocol (count, link, wake the cycle) against the cycle and the
 * close.
 */
class EnqueueCloseRaceTest {

	@ParameterizedTest
	@ValueSource(longs = { 3L, 99L, 0xC105EL, 20261130L, 777L })
	void whenCallersRaceTheCloseThenEveryQueuedOperationCompletesOnceAndEveryWrittenPutIsKept(long seed)
			throws Exception {
		System.out.println("EnqueueCloseRaceTest seed " + seed);
		Random random = new Random(seed);
		int threads = 2 + random.nextInt(5);
		int opsBeforeClose = 200 + random.nextInt(3_000);
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(
					MutexOptions.builder("race").maxBatchOperations(1 + random.nextInt(64)).build(), Codecs.utf8(),
					Codecs.utf8());
			ConcurrentLinkedQueue<CompletableFuture<?>> queued = new ConcurrentLinkedQueue<>();
			Map<String, String> written = new ConcurrentHashMap<>();
			AtomicInteger completions = new AtomicInteger();
			AtomicInteger issued = new AtomicInteger();
			AtomicReference<Throwable> unexpected = new AtomicReference<>();
			CountDownLatch enough = new CountDownLatch(1);
			List<Thread> callers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				long callerSeed = random.nextLong();
				int caller = t;
				Thread thread = new Thread(() -> {
					Random own = new Random(callerSeed);
					try {
						for (int i = 0;; i++) {
							if (!issue(mutex, own, "t" + caller + "-" + i, queued, written, completions, unexpected)) {
								return; // refused: the mutex is closed
							}
							if (issued.incrementAndGet() >= opsBeforeClose) {
								enough.countDown();
							}
						}
					}
					catch (Throwable ex) {
						unexpected.compareAndSet(null, ex);
					}
				});
				callers.add(thread);
				thread.start();
			}
			assertThat(enough.await(1, TimeUnit.MINUTES)).isTrue();
			CompletableFuture<Void> closed = mutex.closeAsync();
			for (Thread thread : callers) {
				thread.join(TimeUnit.MINUTES.toMillis(1));
				assertThat(thread.isAlive()).isFalse();
			}
			closed.get(1, TimeUnit.MINUTES);
			// every queued operation completed (a callback may have queued more before the close: include them)
			for (CompletableFuture<?> future : queued) {
				future.get(1, TimeUnit.MINUTES);
			}
			assertThat(unexpected.get()).as("seed %d", seed).isNull();
			assertThat(completions.get()).as("completions, seed %d", seed).isEqualTo(queued.size());
			Mutex<String, String> reopened = temp.store.mutex(MutexOptions.builder("race").build(),
					Codecs.utf8(), Codecs.utf8());
			for (Map.Entry<String, String> put : written.entrySet()) {
				assertThat(reopened.get(put.getKey()).get(1, TimeUnit.MINUTES)).as("seed %d", seed)
					.contains(put.getValue());
			}
			reopened.close();
		}
	}

	/**
	 * Issues one random operation; a put's callback (on the cycle thread) sometimes issues one more.
	 * @return {@code false} if the mutex refused it as closed
	 */
	private static boolean issue(Mutex<String, String> mutex, Random random, String key,
			ConcurrentLinkedQueue<CompletableFuture<?>> queued, Map<String, String> written, AtomicInteger completions,
			AtomicReference<Throwable> unexpected) {
		CompletableFuture<?> future;
		try {
			int kind = random.nextInt(10);
			if (kind < 6) {
				String value = "v" + random.nextInt(1000);
				boolean chain = random.nextInt(4) == 0;
				CompletableFuture<Void> put = mutex.put(key, value);
				queued.add(put);
				future = put.whenComplete((ok, error) -> {
					if (error == null) {
						written.put(key, value);
						if (chain) { // queued from the cycle thread, maybe while the mutex closes
							issue(mutex, new Random(key.hashCode()), key + "c", queued, written, completions,
									unexpected);
						}
					}
				});
			}
			else if (kind < 9) {
				future = mutex.get(key);
				queued.add(future);
			}
			else {
				future = mutex.afterWrite();
				queued.add(future);
			}
		}
		catch (MutexClosedException refused) {
			return false;
		}
		catch (MutexOverloadedException refused) {
			return true; // not queued (the callers issue open-loop): try again
		}
		future.whenComplete((ok, error) -> {
			completions.incrementAndGet();
			if (error != null) {
				unexpected.compareAndSet(null, error);
			}
		});
		return true;
	}

}
