package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class OpQueueTest {

	static final class Item extends QueuedOp {

		final int producer;

		final int sequence;

		Item(int producer, int sequence) {
			this.producer = producer;
			this.sequence = sequence;
		}

		@Override
		public String toString() {
			return this.producer + ":" + this.sequence;
		}

	}

	@Test
	void whenEmptyThenPeekAndPollFindNothing() {
		OpQueue<Item> queue = new OpQueue<>();
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.peek()).isNull();
		assertThat(queue.poll()).isNull();
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void whenAddsAndPollsInterleaveThenEntriesComeOutInAddOrder() {
		OpQueue<Item> queue = new OpQueue<>();
		Item a = new Item(0, 0);
		Item b = new Item(0, 1);
		Item c = new Item(0, 2);
		Item d = new Item(0, 3);
		queue.add(a);
		queue.add(b);
		assertThat(queue.peek()).isSameAs(a);
		assertThat(queue.peek()).isSameAs(a); // peek leaves it
		queue.add(c); // added while the consumer's list holds b
		assertThat(queue.poll()).isSameAs(a);
		assertThat(a.queueNext).isNull(); // a taken entry links to nothing (no retention)
		assertThat(queue.isEmpty()).isFalse();
		assertThat(queue.poll()).isSameAs(b);
		queue.add(d);
		assertThat(queue.poll()).isSameAs(c);
		assertThat(queue.peek()).isSameAs(d);
		assertThat(queue.poll()).isSameAs(d);
		assertThat(queue.poll()).isNull();
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void whenOneEntryAddedThenPeekSeesItAndPollTakesItOnce() {
		OpQueue<Item> queue = new OpQueue<>();
		Item only = new Item(0, 0);
		queue.add(only);
		assertThat(queue.isEmpty()).isFalse();
		assertThat(queue.peek()).isSameAs(only);
		assertThat(queue.poll()).isSameAs(only);
		assertThat(queue.poll()).isNull();
		assertThat(queue.isEmpty()).isTrue();
	}

	/**
	 * Producers add while one consumer polls (peeking first at random): every entry comes out exactly once, and
	 * each producer's entries in the order it added them.
	 */
	@ParameterizedTest
	@ValueSource(longs = { 1L, 42L, 0x5EEDL, 20261130L })
	void whenManyProducersAddWhileTheConsumerPollsThenEachEntryComesOutOnceInEachProducersOrder(long seed)
			throws Exception {
		System.out.println("OpQueueTest seed " + seed);
		Random random = new Random(seed);
		int producers = 2 + random.nextInt(7);
		int perProducer = 5_000 + random.nextInt(20_000);
		OpQueue<Item> queue = new OpQueue<>();
		ExecutorService pool = Executors.newFixedThreadPool(producers);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		try {
			for (int p = 0; p < producers; p++) {
				int producer = p;
				long producerSeed = random.nextLong();
				done.add(pool.submit(() -> {
					Random own = new Random(producerSeed);
					start.await();
					for (int i = 0; i < perProducer; i++) {
						queue.add(new Item(producer, i));
						if (own.nextInt(64) == 0) {
							Thread.yield();
						}
					}
					return null;
				}));
			}
			int[] nextExpected = new int[producers];
			int total = producers * perProducer;
			int taken = 0;
			start.countDown();
			while (taken < total) {
				Item peeked = random.nextBoolean() ? queue.peek() : null;
				Item item = queue.poll();
				if (item == null) {
					assertThat(peeked).isNull();
					Thread.onSpinWait();
					continue;
				}
				if (peeked != null) {
					assertThat(item).isSameAs(peeked);
				}
				assertThat(item.sequence).as("producer %d's next entry (seed %d)", item.producer, seed)
					.isEqualTo(nextExpected[item.producer]);
				nextExpected[item.producer]++;
				taken++;
			}
			for (Future<?> future : done) {
				future.get(1, TimeUnit.MINUTES);
			}
			assertThat(queue.poll()).isNull();
			assertThat(queue.isEmpty()).isTrue();
			assertThat(nextExpected).containsOnly(perProducer);
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Adds that happen one after another on different threads (each thread adds, then hands the turn to the next)
	 * come out in that order: the queue's order is the adds' linearisation order, not a per-thread order.
	 */
	@ParameterizedTest
	@ValueSource(longs = { 7L, 1234L })
	void whenAddsAreOrderedAcrossThreadsThenTheyComeOutInThatOrder(long seed) throws Exception {
		System.out.println("OpQueueTest seed " + seed);
		Random random = new Random(seed);
		int threads = 2 + random.nextInt(4);
		int total = 2_000 + random.nextInt(2_000);
		OpQueue<Item> queue = new OpQueue<>();
		Object turnLock = new Object();
		int[] turn = { 0 }; // the next sequence number to add; guarded by turnLock
		AtomicBoolean stop = new AtomicBoolean();
		List<Item> out = new ArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int self = t;
			Thread worker = new Thread(() -> {
				try {
					for (;;) {
						synchronized (turnLock) {
							while (turn[0] < total && turn[0] % threads != self) {
								turnLock.wait();
							}
							if (turn[0] >= total) {
								return;
							}
							queue.add(new Item(self, turn[0]));
							turn[0]++;
							turnLock.notifyAll();
						}
					}
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			workers.add(worker);
			worker.start();
		}
		while (out.size() < total && !stop.get()) {
			Item item = queue.poll();
			if (item != null) {
				out.add(item);
			}
			else if (failure.get() != null) {
				stop.set(true);
			}
			else {
				Thread.onSpinWait();
			}
		}
		for (Thread worker : workers) {
			worker.join(TimeUnit.MINUTES.toMillis(1));
		}
		assertThat(failure.get()).isNull();
		assertThat(out).hasSize(total);
		for (int i = 0; i < total; i++) {
			assertThat(out.get(i).sequence).as("entry %d (seed %d)", i, seed).isEqualTo(i);
		}
		assertThat(queue.isEmpty()).isTrue();
	}

	/** The consumer role moves from thread to thread (ordered by join): nothing is lost or taken twice. */
	@Test
	void whenTheConsumerMovesBetweenThreadsThenEveryEntryComesOutOnceInOrder() throws Exception {
		OpQueue<Item> queue = new OpQueue<>();
		List<Item> out = new ArrayList<>();
		for (int round = 0; round < 50; round++) {
			for (int i = 0; i < 10; i++) {
				queue.add(new Item(0, round * 10 + i));
			}
			Thread consumer = new Thread(() -> {
				for (int i = 0; i < 7; i++) { // leaves 3 on the consumer's list for the next consumer
					out.add(queue.poll());
				}
			});
			consumer.start();
			consumer.join();
		}
		Item item;
		while ((item = queue.poll()) != null) {
			out.add(item);
		}
		assertThat(out).hasSize(500);
		for (int i = 0; i < 500; i++) {
			assertThat(out.get(i).sequence).isEqualTo(i);
		}
	}

}
