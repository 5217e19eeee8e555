package io.levelmutex.reliability.overload;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexOverloadedException;
import io.levelmutex.MutexStore;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.reliability.support.RawStore;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overload: far more operations than {@link MutexOptions#maxQueuedOperations()}. The excess is
 * refused at the call with {@link MutexOverloadedException} (nothing queued, no future), every
 * accepted write completes and is on disk, and the heap stays bounded by the queue limit, not
 * by the number of attempts (measured with {@link MemoryMXBean} after a GC and reported;
 * throughput of accepted writes is reported too, never asserted).
 */
class OverloadTest {

	static final int LIMIT = 1_000;

	static final int THREADS = 8;

	@TempDir
	Path dir;

	@Test
	void whenCycleIsStalledThenTheExcessIsRefusedAtOnceAndEveryAcceptedWriteLands() throws Exception {
		CountDownLatch stalled = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		int attemptsPerThread = 25_000;
		Map<String, CompletableFuture<Void>> accepted = new ConcurrentHashMap<>();
		AtomicLong refused = new AtomicLong();
		long heapBefore;
		long heapStalled;
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store,
					MutexOptions.builder("overloaded").maxQueuedOperations(LIMIT).build());
			mutex.addListener(new MutexListener() {
				@Override
				public void onWrites(WriteBatchEvent event) {
					stalled.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
			heapBefore = usedHeapAfterGc();
			CompletableFuture<Void> first = mutex.put("first", "in flight");
			assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
			runFlood(THREADS, attemptsPerThread, (thread, n) -> {
				String key = "k" + thread + "/" + n;
				try {
					accepted.put(key, mutex.put(key, "v" + n));
				}
				catch (MutexOverloadedException ex) {
					assertThat(ex.limit()).isEqualTo(LIMIT);
					assertThat(ex.mutexName()).isEqualTo("overloaded");
					refused.incrementAndGet();
				}
			});
			heapStalled = usedHeapAfterGc();
			long attempts = (long) THREADS * attemptsPerThread;
			assertThat(accepted.size() + refused.get()).isEqualTo(attempts);
			assertThat(accepted.size()).as("accepted while the cycle was stalled").isBetween(LIMIT - 1, LIMIT);
			assertThat(accepted.values()).noneMatch(CompletableFuture::isDone);
			assertThat(mutex.stats().overloadRejections()).isEqualTo(refused.get());

			release.countDown();
			first.get(30, TimeUnit.SECONDS);
			CompletableFuture.allOf(accepted.values().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			mutex.put("after", "accepted again").get(10, TimeUnit.SECONDS);
			Report.figure("overload.stalled", "attempts", attempts);
			Report.figure("overload.stalled", "accepted", accepted.size());
			Report.figure("overload.stalled", "refusedAtCall", refused.get());
			Report.figure("overload.stalled", "heapGrowthWithFullQueueBytes", heapStalled - heapBefore);
		}
		assertThat(missingOnDisk("overloaded", accepted.keySet())).as("accepted writes missing on disk").isEmpty();
		assertThat(heapStalled - heapBefore).as("heap held by a full queue of %d writes after %d refusals", LIMIT,
				refused.get()).isLessThan(64L * 1024 * 1024);
	}

	@Test
	void whenFloodedWithoutBackOffThenAcceptedWritesAllLandAndTheRestIsRefused() throws Exception {
		int attemptsPerThread = 40_000;
		Map<String, CompletableFuture<Void>> accepted = new ConcurrentHashMap<>();
		AtomicLong refused = new AtomicLong();
		long started;
		long elapsed;
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store,
					MutexOptions.builder("flooded").maxQueuedOperations(LIMIT).build());
			started = System.nanoTime();
			runFlood(THREADS, attemptsPerThread, (thread, n) -> {
				String key = "k" + thread + "/" + n;
				try {
					CompletableFuture<Void> put = mutex.put(key, "v" + n);
					accepted.put(key, put);
				}
				catch (MutexOverloadedException ex) {
					refused.incrementAndGet();
				}
			});
			CompletableFuture.allOf(accepted.values().toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
			elapsed = System.nanoTime() - started;
			Report.figure("overload.flood", "attempts", (long) THREADS * attemptsPerThread);
			Report.figure("overload.flood", "accepted", accepted.size());
			Report.figure("overload.flood", "refusedAtCall", refused.get());
			Report.figure("overload.flood", "acceptedWritesPerSecond", accepted.size() * 1_000_000_000L / elapsed);
		}
		assertThat(accepted.size() + refused.get()).isEqualTo((long) THREADS * attemptsPerThread);
		assertThat(accepted.values()).allMatch((future) -> future.isDone() && !future.isCompletedExceptionally());
		assertThat(missingOnDisk("flooded", accepted.keySet())).as("accepted writes missing on disk").isEmpty();
	}

	/** Accepted keys not found by a raw scan of the closed store. */
	private List<String> missingOnDisk(String mutex, java.util.Set<String> accepted) throws Exception {
		java.util.Set<String> onDisk = new java.util.HashSet<>();
		for (byte[][] entry : RawStore.dump(this.dir).get("default")) {
			onDisk.add(new String(entry[0], java.nio.charset.StandardCharsets.UTF_8));
		}
		return accepted.stream().filter((key) -> !onDisk.contains(mutex + "\0" + key)).toList();
	}

	private static void runFlood(int threads, int attempts, FloodStep step) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					for (int n = 0; n < attempts; n++) {
						step.attempt(thread, n);
					}
				}));
			}
			for (Future<?> future : done) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdown();
		}
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			memory.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	@FunctionalInterface
	interface FloodStep {

		void attempt(int thread, int n);

	}

}
