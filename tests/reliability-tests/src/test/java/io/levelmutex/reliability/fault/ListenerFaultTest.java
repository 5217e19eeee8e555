package io.levelmutex.reliability.fault;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexStore;
import io.levelmutex.ReadPhaseEvent;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.TestStores;
import io.levelmutex.rocksdb.RocksStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listeners that fail: one that throws from every event must not fail any operation nor stop
 * the listeners registered after it; one that blocks holds up only its own mutex (another
 * mutex of the same store keeps working), and once released its mutex completes everything
 * that queued up and keeps cycling.
 */
class ListenerFaultTest {

	@TempDir
	Path dir;

	@Test
	void whenListenerThrowsThenOperationsSucceedAndLaterListenersStillRun() throws Exception {
		AtomicInteger thrown = new AtomicInteger();
		AtomicInteger reads = new AtomicInteger();
		AtomicInteger writes = new AtomicInteger();
		AtomicInteger flushes = new AtomicInteger();
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store, "throwing");
			mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					thrown.incrementAndGet();
					throw new IllegalStateException("injected listener failure in reads");
				}

				@Override
				public void onWrites(WriteBatchEvent event) {
					thrown.incrementAndGet();
					throw new IllegalStateException("injected listener failure in writes");
				}

				@Override
				public void onFlushed(FlushEvent event) {
					thrown.incrementAndGet();
					throw new IllegalStateException("injected listener failure in flushed");
				}
			});
			mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					reads.incrementAndGet();
				}

				@Override
				public void onWrites(WriteBatchEvent event) {
					writes.incrementAndGet();
				}

				@Override
				public void onFlushed(FlushEvent event) {
					flushes.incrementAndGet();
				}
			});
			List<CompletableFuture<?>> operations = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				String key = "k" + (i % 50);
				operations.add(mutex.put(key, "v" + i));
				operations.add(mutex.get(key));
				operations.add(mutex.update((context) -> {
					context.put(key + "/u", context.get(key).orElse("none"));
					return null;
				}, 1_000));
			}
			CompletableFuture.allOf(operations.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			assertThat(mutex.get("k49").get(10, TimeUnit.SECONDS)).contains("v499");
			assertThat(reads.get()).as("reads events seen by the next listener").isPositive();
			assertThat(writes.get()).as("writes events seen by the next listener").isPositive();
			assertThat(flushes.get()).as("every batch reaches the next listener").isEqualTo(writes.get());
			assertThat(thrown.get()).isEqualTo(reads.get() + writes.get() + flushes.get());
			Report.figure("fault.listener", "listenerFailuresInjected", thrown.get());
		}
	}

	@Test
	void whenListenerThrowsAnAssertionErrorThenOperationsStillComplete() throws Exception {
		AtomicInteger thrown = new AtomicInteger();
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store, "asserting");
			mutex.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					thrown.incrementAndGet();
					throw new AssertionError("a failed assertion inside a listener");
				}
			});
			for (int i = 0; i < 20; i++) {
				mutex.put("k" + i, "v").get(10, TimeUnit.SECONDS);
			}
			assertThat(mutex.get("k19").get(10, TimeUnit.SECONDS)).contains("v");
			assertThat(thrown.get()).isEqualTo(20);
		}
	}

	@Test
	void whenListenerBlocksThenOnlyItsMutexWaitsAndItResumesWhenReleased() throws Exception {
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (MutexStore store = RocksStore.builder(this.dir)
				.storeOptions(StoreOptions.builder().cycleThreads(4).build()).open()) {
			Mutex<String, String> slow = TestStores.strings(store, "slow");
			Mutex<String, String> other = TestStores.strings(store, "other");
			Mutex.ListenerRegistration registration = slow.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					blocked.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
			CompletableFuture<Void> first = slow.put("first", "1");
			assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
			List<CompletableFuture<?>> queued = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				queued.add(slow.put("queued" + i, "q"));
				queued.add(slow.get("first"));
			}
			for (int i = 0; i < 200; i++) {
				other.put("o" + i, "o").get(10, TimeUnit.SECONDS);
			}
			assertThat(other.get("o199").get(10, TimeUnit.SECONDS)).contains("o");
			assertThat(first).as("a write completes only after its flushed listeners returned").isNotDone();
			assertThat(queued).noneMatch(CompletableFuture::isDone);

			release.countDown();
			first.get(10, TimeUnit.SECONDS);
			CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			registration.close();
			slow.put("after", "a").get(10, TimeUnit.SECONDS);
			assertThat(slow.get("queued99").get(10, TimeUnit.SECONDS)).contains("q");
			Report.figure("fault.listener", "blockedListenerOperationsHeldThenCompleted", queued.size() + 1);
			Report.figure("fault.listener", "otherMutexOperationsWhileBlocked", 201);
		}
	}

}
