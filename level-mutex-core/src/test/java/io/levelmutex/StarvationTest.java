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

	/** A bound on every wait, for a failure report on a loaded machine; never a synchronisation. */
	private static final long WAIT_SECONDS = 90;

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
			Awaitility.await("every busy mutex flushed over 100 batches")
				.atMost(Duration.ofSeconds(WAIT_SECONDS))
				.until(() -> busy.stream().allMatch((mutex) -> mutex.stats().batchesFlushed() > 100));
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
			Awaitility.await("every issued operation completed after the busy writers stopped")
				.atMost(Duration.ofSeconds(WAIT_SECONDS))
				.until(() -> issued.stream().allMatch(CompletableFuture::isDone));
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

	/**
	 * Both cycle threads run a callback (of {@code first} and of {@code second}) that waits for a read of
	 * {@code third}, which needs a cycle thread: each wait must fail at once. The callbacks hold their thread until
	 * both have waited, so that neither thread can run {@code third}'s cycle before the other callback's wait: the
	 * read is pending at both waits on any schedule (a thread freed early used to run it, and that wait then
	 * returned the done read: 7% of runs under load). The memory engine makes no blocking call, so no cycle lends
	 * its place and the pool keeps its two threads.
	 */
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
			CountDownLatch bothWaited = new CountDownLatch(2);
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
			CompletableFuture<Object> viaFirst = heldFirst
				.thenApply((ignored) -> waitOnCycleThread(third, innerFirst, bothWaited));
			CompletableFuture<Object> viaSecond = heldSecond
				.thenApply((ignored) -> waitOnCycleThread(third, innerSecond, bothWaited));
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

	/**
	 * A callback on a cycle thread: reads {@code third} and waits for the read; then, whatever the wait did, holds
	 * the thread until the other callback has waited too (bounded: a wait that blocks instead of failing never
	 * counts down, and the test then reports which callback did not fail fast rather than hanging).
	 */
	private static Object waitOnCycleThread(Mutex<String, String> third,
			AtomicReference<CompletableFuture<?>> inner, CountDownLatch bothWaited) {
		inner.set(third.get("x"));
		try {
			return inner.get().join();
		}
		finally {
			bothWaited.countDown();
			awaitUninterruptibly(bothWaited);
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new AssertionError("the other cycle thread's callback never finished its wait on 'third' within "
						+ WAIT_SECONDS + " s: it blocked instead of failing fast");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while the other callback waited on 'third'", ex);
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
			Awaitility.await("the reported wait for a cycle grew past 2 ms")
				.atMost(Duration.ofSeconds(WAIT_SECONDS))
				.until(() -> mutex.stats().waitingForCycle().compareTo(Duration.ofMillis(2)) > 0);
			executor.runAll();
			assertThat(write).isCompleted();
			assertThat(mutex.stats().waitingForCycle()).isNull();
			mutex.closeAsync();
			executor.runAll();
		}
	}

	private static void assertFailsFast(CompletableFuture<?> future, String awaited) {
		Awaitility.await("a callback's blocking wait on " + awaited + " on a cycle thread failed fast")
			.atMost(Duration.ofSeconds(WAIT_SECONDS))
			.until(future::isDone);
		Throwable error = future.handle((value, ex) -> ex).join();
		Throwable cause = (error instanceof CompletionException) ? error.getCause() : error;
		assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessageContaining(awaited);
	}

}
