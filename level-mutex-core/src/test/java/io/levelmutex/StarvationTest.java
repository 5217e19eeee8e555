package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared cycle pool: busy mutexes cannot starve another one for good, callbacks that block
 * on another mutex fail fast instead of deadlocking the pool, and the time work waits for a
 * cycle thread is reported. The timeout only keeps a regression from hanging the build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StarvationTest {

	@Test
	void whenBusyMutexesKeepThePoolFullThenAnotherMutexStillGetsACycle() {
		try (TempStore temp = TempStore.open((builder) -> builder.cycleThreads(2))) {
			AtomicBoolean stop = new AtomicBoolean();
			ConcurrentLinkedQueue<CompletableFuture<?>> issued = new ConcurrentLinkedQueue<>();
			List<Mutex<String, String>> busy = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("busy-" + i).build(),
						Codecs.utf8(), Codecs.utf8());
				busy.add(mutex);
				keepBusy(mutex, stop, issued);
			}
			Awaitility.await().until(() -> busy.stream().allMatch((mutex) -> mutex.stats().batchesFlushed() > 100));
			Mutex<String, String> starved = temp.store.mutex(MutexOptions.builder("starved").build(), Codecs.utf8(),
					Codecs.utf8());
			for (int round = 0; round < 20; round++) {
				CompletableFuture<Void> write = starved.put("k", "v" + round);
				issued.add(write);
				write.join();
				CompletableFuture<Optional<String>> read = starved.get("k");
				issued.add(read);
				assertThat(read.join()).contains("v" + round);
			}
			stop.set(true);
			Awaitility.await().until(() -> issued.stream().allMatch(CompletableFuture::isDone));
			assertThat(issued).allSatisfy((future) -> assertThat(future).isCompleted());
		}
	}

	/** Re-issues a write from each write's completion, so that the mutex never runs out of work. */
	private static void keepBusy(Mutex<String, String> mutex, AtomicBoolean stop,
			ConcurrentLinkedQueue<CompletableFuture<?>> issued) {
		for (int i = 0; i < 4; i++) {
			String key = "k" + i;
			issued.add(mutex.put(key, "v").thenRun(() -> again(mutex, key, stop, issued)));
		}
	}

	private static void again(Mutex<String, String> mutex, String key, AtomicBoolean stop,
			ConcurrentLinkedQueue<CompletableFuture<?>> issued) {
		if (!stop.get()) {
			issued.add(mutex.put(key, "v").thenRun(() -> again(mutex, key, stop, issued)));
		}
	}

	@Test
	void whenCallbacksOfTwoMutexesBlockOnAThirdWithTwoCycleThreadsThenTheyFailFastAndTheStoreKeepsWorking() {
		try (TempStore temp = TempStore.open((builder) -> builder.cycleThreads(2))) {
			Mutex<String, String> first = temp.store.mutex(MutexOptions.builder("first").build(), Codecs.utf8(),
					Codecs.utf8());
			Mutex<String, String> second = temp.store.mutex(MutexOptions.builder("second").build(), Codecs.utf8(),
					Codecs.utf8());
			Mutex<String, String> third = temp.store.mutex(MutexOptions.builder("third").build(), Codecs.utf8(),
					Codecs.utf8());
			List<CompletableFuture<?>> issued = new ArrayList<>();
			AtomicReference<CompletableFuture<?>> innerFirst = new AtomicReference<>();
			AtomicReference<CompletableFuture<?>> innerSecond = new AtomicReference<>();
			CountDownLatch go = new CountDownLatch(1);
			// both functions hold their cycle thread (the whole pool) until every callback is registered,
			// so the callbacks run on the cycle threads
			CompletableFuture<Integer> heldFirst = first.update((ctx) -> {
				go.await();
				return 1;
			});
			CompletableFuture<Integer> heldSecond = second.update((ctx) -> {
				go.await();
				return 2;
			});
			issued.add(heldFirst);
			issued.add(heldSecond);
			CompletableFuture<Object> viaFirst = heldFirst.thenApply((ignored) -> {
				innerFirst.set(third.get("x"));
				return innerFirst.get().join();
			});
			CompletableFuture<Object> viaSecond = heldSecond.thenApply((ignored) -> {
				innerSecond.set(third.get("x"));
				return innerSecond.get().join();
			});
			go.countDown();
			issued.add(viaFirst);
			issued.add(viaSecond);
			assertFailsFast(viaFirst, "'third'");
			assertFailsFast(viaSecond, "'third'");
			issued.add(innerFirst.get());
			issued.add(innerSecond.get());
			CompletableFuture<Void> write = third.put("x", "1");
			issued.add(write);
			write.join();
			assertThat(third.get("x").join()).contains("1");
			CompletableFuture.allOf(issued.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null).join();
			assertThat(issued).allSatisfy((future) -> assertThat(future).isDone());
		}
	}

	@Test
	void whenWorkWaitsForACycleThreadThenStatsReportHowLongUntilACycleRuns() {
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open((builder) -> builder.closeTimeout(Duration.ofSeconds(5)))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("waiting").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			assertThat(mutex.stats().waitingForCycle()).isNull();
			CompletableFuture<Void> write = mutex.put("k", "v");
			assertThat(mutex.stats().waitingForCycle()).isNotNull();
			Awaitility.await().until(() -> mutex.stats().waitingForCycle().compareTo(Duration.ofMillis(2)) > 0);
			executor.runAll();
			assertThat(write).isCompleted();
			assertThat(mutex.stats().waitingForCycle()).isNull();
			mutex.closeAsync();
			executor.runAll();
		}
	}

	private static void assertFailsFast(CompletableFuture<?> future, String awaited) {
		Throwable error = future.handle((value, ex) -> ex).join();
		Throwable cause = (error instanceof CompletionException) ? error.getCause() : error;
		assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessageContaining(awaited);
	}

}
