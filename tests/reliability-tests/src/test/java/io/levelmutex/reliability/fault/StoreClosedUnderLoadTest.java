package io.levelmutex.reliability.fault;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.LevelMutexException;
import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The store closed underneath running mutexes: {@code MutexStore.close()} while clients keep
 * issuing gets, puts and conditional writes. Nothing hangs: every returned future completes,
 * either normally or with a {@link LevelMutexException} naming the mutex; calls after the
 * close throw {@link MutexClosedException}; and every write acknowledged before the close is
 * in the reopened store. Health polled while the store closes (RocksDB properties read from
 * another thread) ends with the store reported closed, and never crashes the JVM.
 */
class StoreClosedUnderLoadTest {

	static final int CLIENTS = 24;

	@TempDir
	Path dir;

	@Test
	void whenStoreClosesUnderLoadThenEveryFutureCompletesAndAcknowledgedWritesSurvive() throws Exception {
		Map<String, String> acknowledged = new ConcurrentHashMap<>();
		List<CompletableFuture<?>> issued = java.util.Collections.synchronizedList(new ArrayList<>());
		AtomicLong refusedAtCall = new AtomicLong();
		CountDownLatch warm = new CountDownLatch(2000);
		MutexStore store = TestStores.open(this.dir, true);
		Mutex<String, String> first = TestStores.strings(store, "first");
		Mutex<String, String> second = TestStores.strings(store, "second");
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
		List<Future<?>> loops = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			int client = c;
			Mutex<String, String> mutex = (c % 2 == 0) ? first : second;
			loops.add(clients.submit(() -> {
				for (int n = 0;; n++) {
					String key = "c" + client + "/" + n;
					String value = "v" + n;
					try {
						CompletableFuture<?> future = switch (n % 3) {
							case 0 -> mutex.put(key, value).thenRun(() -> acknowledged.put(mutex.name() + "|" + key, value));
							case 1 -> mutex.get("c" + client + "/" + (n - 1));
							default -> mutex.update((context) -> {
								context.put(key, value);
								return key;
							}).thenRun(() -> acknowledged.put(mutex.name() + "|" + key, value));
						};
						issued.add(future);
						future.whenComplete((result, ex) -> warm.countDown());
						if (n % 16 == 0) {
							future.handle((result, ex) -> null).get(30, TimeUnit.SECONDS);
						}
					}
					catch (MutexClosedException ex) {
						assertThat(ex).hasMessageContaining(mutex.name());
						refusedAtCall.incrementAndGet();
						return null;
					}
				}
			}));
		}
		assertThat(warm.await(60, TimeUnit.SECONDS)).as("load running before the close").isTrue();
		AtomicLong healthChecks = new AtomicLong();
		Future<io.levelmutex.StoreHealth> poller = clients.submit(() -> {
			io.levelmutex.StoreHealth health;
			do {
				health = store.health();
				healthChecks.incrementAndGet();
			}
			while (health.open());
			return health;
		});
		await().atMost(Duration.ofSeconds(120)).until(() -> healthChecks.get() >= 100); // a bound, not a pace
		store.close();
		for (Future<?> loop : loops) {
			loop.get(60, TimeUnit.SECONDS);
		}
		assertThat(poller.get(60, TimeUnit.SECONDS).healthy()).as("health polled through the close").isFalse();
		assertThat(store.health().open()).isFalse();
		clients.shutdown();

		long failed = 0;
		List<CompletableFuture<?>> all;
		synchronized (issued) {
			all = new ArrayList<>(issued);
		}
		for (CompletableFuture<?> future : all) {
			future.handle((result, ex) -> null).get(30, TimeUnit.SECONDS);
			if (future.isCompletedExceptionally()) {
				failed++;
				future.exceptionally((ex) -> {
					Throwable cause = (ex instanceof java.util.concurrent.CompletionException) ? ex.getCause() : ex;
					assertThat(cause).isInstanceOf(LevelMutexException.class).hasMessageMatching("(?s).*(first|second).*");
					return null;
				}).join();
			}
		}
		assertThat(first.isClosed()).isTrue();
		assertThatExceptionOfType(MutexClosedException.class).isThrownBy(() -> first.put("late", "x"))
			.withMessageContaining("first");
		assertThatExceptionOfType(MutexClosedException.class).isThrownBy(() -> second.get("late"))
			.withMessageContaining("second");

		try (MutexStore reopened = TestStores.open(this.dir, true)) {
			Mutex<String, String> first2 = TestStores.strings(reopened, "first");
			Mutex<String, String> second2 = TestStores.strings(reopened, "second");
			List<String> lost = new ArrayList<>();
			for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
				String[] parts = ack.getKey().split("\\|", 2);
				Mutex<String, String> mutex = parts[0].equals("first") ? first2 : second2;
				if (!mutex.get(parts[1]).get(30, TimeUnit.SECONDS).equals(Optional.of(ack.getValue()))) {
					lost.add(ack.getKey());
				}
			}
			assertThat(lost).as("writes acknowledged before the store closed").isEmpty();
			first2.put("after-reopen", "x").get(10, TimeUnit.SECONDS);
		}
		Report.figure("fault.storeClosed", "operationsIssued", all.size());
		Report.figure("fault.storeClosed", "operationsFailedByClose", failed);
		Report.figure("fault.storeClosed", "callsRefusedAfterClose", refusedAtCall.get());
		Report.figure("fault.storeClosed", "acknowledgedWritesChecked", acknowledged.size());
		Report.figure("fault.storeClosed", "healthChecksDuringClose", healthChecks.get());
		Report.figure("fault.storeClosed", "lost", 0);
	}

}
