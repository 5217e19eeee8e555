package io.levelmutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.levelmutex.engine.BlockingCalls;

/** The store's cycle pool lends a place for every cycle waiting in a durable write, up to its limit. */
class CyclePoolTest {

	private static final long WAIT_SECONDS = 30; // a failure signal only

	private CyclePool pool;

	@AfterEach
	void shutdown() {
		if (this.pool != null) {
			this.pool.shutdown();
		}
	}

	@Test
	void whenEveryThreadWaitsForDurabilityThenEachGetsAnotherTaskRunMeanwhile() throws Exception {
		// 8 cycles on a pool of 1, each waiting until all 8 are waiting: only possible if each wait lends its place
		this.pool = new CyclePool("test-", 1);
		int cycles = 8;
		CountDownLatch allWaiting = new CountDownLatch(cycles);
		CountDownLatch done = new CountDownLatch(cycles);
		AtomicInteger mostLent = new AtomicInteger();
		for (int i = 0; i < cycles; i++) {
			this.pool.execute(() -> {
				awaitingDurability(() -> {
					mostLent.accumulateAndGet(this.pool.extraThreads(), Math::max);
					allWaiting.countDown();
					await(allWaiting);
				});
				done.countDown();
			});
		}
		assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(mostLent.get()).isEqualTo(cycles);
		Awaitility.await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.pool.extraThreads() == 0);
	}

	@Test
	void whenTheLimitOfExtraThreadsIsReachedThenAFurtherWaitHoldsItsThread() throws Exception {
		this.pool = new CyclePool("test-", 1, 2);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch threeWaiting = new CountDownLatch(3);
		CountDownLatch fourthRan = new CountDownLatch(1);
		for (int i = 0; i < 3; i++) {
			this.pool.execute(() -> awaitingDurability(() -> {
				threeWaiting.countDown();
				await(release);
			}));
		}
		// three waits on 1 + 2 threads: the third could not lend its place
		assertThat(threeWaiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.pool.extraThreads()).isEqualTo(2);
		this.pool.execute(fourthRan::countDown);
		assertThat(fourthRan.getCount()).isOne(); // queued: every thread is held (the limit is a hard cap)
		release.countDown();
		assertThat(fourthRan.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		// the other waits give their places back as they return
		Awaitility.await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.pool.extraThreads() == 0);
	}

	@Test
	void whenSomeWaitsReturnThenThePoolKeepsItsPlacesUntilNoCycleWaits() throws Exception {
		// shrinking on every return would wake every idle thread each time
		this.pool = new CyclePool("test-", 2);
		CountDownLatch bothWaiting = new CountDownLatch(2);
		CountDownLatch releaseFirst = new CountDownLatch(1);
		CountDownLatch releaseSecond = new CountDownLatch(1);
		CountDownLatch firstReturned = new CountDownLatch(1);
		CountDownLatch secondReturned = new CountDownLatch(1);
		this.pool.execute(() -> {
			awaitingDurability(() -> {
				bothWaiting.countDown();
				await(releaseFirst);
			});
			firstReturned.countDown();
		});
		this.pool.execute(() -> {
			awaitingDurability(() -> {
				bothWaiting.countDown();
				await(releaseSecond);
			});
			secondReturned.countDown();
		});
		assertThat(bothWaiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.pool.places()).isEqualTo(4);
		releaseFirst.countDown();
		assertThat(firstReturned.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.pool.extraThreads()).isOne();
		assertThat(this.pool.places()).isEqualTo(4);
		releaseSecond.countDown();
		assertThat(secondReturned.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.pool.extraThreads()).isZero();
		assertThat(this.pool.places()).isEqualTo(2);
	}

	@Test
	void whenTheWriteThrowsThenThePlaceIsGivenBackAndTheErrorPropagates() throws Exception {
		this.pool = new CyclePool("test-", 1);
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		this.pool.execute(() -> {
			try {
				CyclePoolTest.<IOException>awaitingDurability(() -> {
					throw new IOException("disk gone");
				});
			}
			catch (IOException ex) {
				errors.add(ex);
			}
			done.countDown();
		});
		assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("disk gone");
		assertThat(this.pool.extraThreads()).isZero();
	}

	@Test
	void whenCalledOutsideACyclePoolThenTheWriteJustRuns() {
		this.pool = new CyclePool("test-", 1);
		AtomicInteger ran = new AtomicInteger();
		awaitingDurability(ran::incrementAndGet);
		assertThat(ran).hasValue(1);
		assertThat(this.pool.extraThreads()).isZero();
		assertThatThrownBy(() -> CyclePoolTest.<IOException>awaitingDurability(() -> {
			throw new IOException("inline");
		})).isInstanceOf(IOException.class);
	}

	@Test
	void whenThePoolIsShutDownWhileAWriteWaitsThenItFinishesAndNothingIsLent() throws Exception {
		this.pool = new CyclePool("test-", 1);
		CountDownLatch waiting = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		this.pool.execute(() -> {
			awaitingDurability(() -> {
				waiting.countDown();
				await(release);
			});
			// a cycle still running after shutdown (the store's close timed out) can still wait on a write
			awaitingDurability(() -> assertThat(this.pool.extraThreads()).isZero());
			done.countDown();
		});
		assertThat(waiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		this.pool.shutdown();
		release.countDown();
		assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.pool.extraThreads()).isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("latch never opened");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A blocking call through the engine SPI's facility, as an engine's durable write makes it. */
	private static <X extends Exception> void awaitingDurability(BlockingWrite<X> write) throws X {
		BlockingCalls.run(() -> {
			write.run();
			return null;
		});
	}

	@FunctionalInterface
	private interface BlockingWrite<X extends Exception> {

		void run() throws X;

	}

}
