package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mutex tracks every future it hands out so that an abandoned close (closeTimeout) fails
 * each one still pending, however many futures were handed out and completed before (the
 * tracking is swept of completed futures every so many operations) and whichever threads are
 * still handing futures out when the close is abandoned. The timeout only keeps a regression
 * from hanging the build; nothing is timed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TrackedFuturesAbandonTest {

	private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(100);

	@Test
	void whenManyFuturesCompletedBeforeThenEveryPendingOneFailsOnAbandonAndNoCompletedOneChanges()
			throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (TempStore temp = TempStore.open((builder) -> builder.closeTimeout(CLOSE_TIMEOUT))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("swept").build(), Codecs.utf8(),
					Codecs.utf8());
			// several sweeps' worth of completed futures, from several threads
			List<CompletableFuture<?>> completed = new ArrayList<>();
			for (int i = 0; i < 5 * TrackedFutures.MIN_SWEEP_INTERVAL; i++) {
				completed.add((i % 3 == 0) ? mutex.get("k" + (i % 50)) : mutex.put("k" + (i % 50), "v" + i));
			}
			CompletableFuture.allOf(completed.toArray(new CompletableFuture<?>[0])).join();
			CompletableFuture<Integer> blocked = mutex.update((ctx) -> {
				entered.countDown();
				release.await();
				return 1;
			});
			entered.await();
			// more than a sweep interval pending at once, issued from four threads, so that sweeps
			// run while they are pending
			List<CompletableFuture<?>> pending = Collections.synchronizedList(new ArrayList<>());
			List<Thread> issuers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				issuers.add(start(() -> {
					for (int i = 0; i < TrackedFutures.MIN_SWEEP_INTERVAL; i++) {
						String key = "t" + thread + "-" + i;
						pending.add(switch (i % 4) {
							case 0 -> mutex.get(key);
							case 1 -> mutex.put(key, "x");
							case 2 -> mutex.update((ctx) -> ctx.get(key));
							default -> mutex.afterWrite();
						});
					}
				}));
			}
			for (Thread issuer : issuers) {
				issuer.join();
			}
			assertThat(pending).hasSize(4 * TrackedFutures.MIN_SWEEP_INTERVAL).noneMatch(CompletableFuture::isDone);

			mutex.close();

			assertThat(pending).allSatisfy(TrackedFuturesAbandonTest::assertClosedFailure);
			assertClosedFailure(blocked);
			assertThat(completed).allSatisfy((future) -> assertThat(future).isCompleted());
			release.countDown();
		}
		finally {
			release.countDown();
		}
	}

	/**
	 * Threads hand out futures right up to the close, and the close is abandoned at once:
	 * every future handed out completes, exactly once, and none is left pending.
	 */
	@ParameterizedTest(name = "round {0}")
	@ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void whenFuturesAreHandedOutWhileTheCloseIsAbandonedThenEachCompletesExactlyOnce(int round) throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (TempStore temp = TempStore.open((builder) -> builder.closeTimeout(Duration.ofMillis(1)))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("racing-" + round).build(),
					Codecs.utf8(), Codecs.utf8());
			mutex.update((ctx) -> {
				entered.countDown();
				release.await();
				return 1;
			});
			entered.await();
			List<CompletableFuture<?>> handedOut = Collections.synchronizedList(new ArrayList<>());
			AtomicBoolean stop = new AtomicBoolean();
			CyclicBarrier start = new CyclicBarrier(5);
			List<Thread> issuers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				issuers.add(start(() -> {
					awaitBarrier(start);
					for (int i = 0; !stop.get(); i++) {
						try {
							CompletableFuture<?> future = (i % 2 == 0) ? mutex.put("t" + thread + "-" + i, "x")
									: mutex.get("t" + thread);
							handedOut.add(future);
						}
						catch (MutexClosedException ex) {
							return; // closed at the call: nothing handed out
						}
						catch (MutexOverloadedException ex) {
							Thread.onSpinWait(); // queue full: refused at the call, nothing handed out
						}
					}
				}));
			}
			awaitBarrier(start);
			Awaitility.await().until(() -> handedOut.size() >= 2000);

			mutex.close();
			stop.set(true);
			for (Thread issuer : issuers) {
				issuer.join();
			}

			Awaitility.await().until(() -> handedOut.stream().allMatch(CompletableFuture::isDone));
			assertThat(handedOut).allSatisfy(TrackedFuturesAbandonTest::assertClosedFailure);
			// a second completion attempt must find each future already completed
			for (CompletableFuture<?> future : handedOut) {
				assertThat(future.completeExceptionally(new IllegalStateException("twice"))).isFalse();
			}
			release.countDown();
		}
		finally {
			release.countDown();
		}
	}

	private static Thread start(Runnable task) {
		Thread thread = new Thread(task, "issuer");
		thread.start();
		return thread;
	}

	private static void awaitBarrier(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertClosedFailure(CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		AtomicReference<Throwable> error = new AtomicReference<>();
		future.whenComplete((value, ex) -> error.set(ex));
		Throwable cause = (error.get() instanceof CompletionException) ? error.get().getCause() : error.get();
		assertThat(cause).isInstanceOf(MutexClosedException.class);
	}

}
