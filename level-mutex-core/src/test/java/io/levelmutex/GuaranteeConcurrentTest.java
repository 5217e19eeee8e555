package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The guarantees on a real, multi-threaded cycle pool, where no model can predict exactly:
 * many caller threads run read-modify-write increments ({@code update}, one attempt), racing
 * get-then-put compare-and-set clients issued from {@code thenAccept}, plain writes, reads of
 * empty and inverted ranges and {@code afterWrite()} barriers, under small batch limits and
 * injected batch failures, with the mutex closed while work is in flight. Checked by
 * invariants: every future completes exactly once, counters equal committed increments, no
 * update conflicts (the embedded engine serializes them), no compare-and-set loses an update,
 * each thread's writes complete in its issue order and a barrier only after the thread's
 * earlier writes. {@code -Dguarantee.realRounds=N} sets the seeds ({@code -Pstress} raises it);
 * {@code -Dguarantee.realSeed=S} replays one.
 */
class GuaranteeConcurrentTest {

	static final int THREADS = 8;

	static final int OPERATIONS_PER_THREAD = 150;

	static final String[] COUNTERS = { "n0", "n1", "n2" };

	static final String[] CAS_KEYS = { "x0", "x1" };

	static LongStream seeds() {
		String replay = System.getProperty("guarantee.realSeed");
		if (replay != null && !replay.isBlank()) {
			return LongStream.of(Long.parseLong(replay.trim()));
		}
		long base = Long.getLong("guarantee.baseSeed", 20261130L);
		return LongStream.range(base, base + 8L * Integer.getInteger("guarantee.realRounds", 1));
	}

	static MutexOptions.Builder options(long seed) {
		int config = (int) Math.floorMod(seed, 8);
		MutexOptions.Builder options = MutexOptions.builder("real").maxUpdateAttempts(1);
		if (config % 4 < 3) {
			options.maxBatchOperations(config % 4 + 1);
		}
		if (config >= 4) {
			options.maxBatchBytes(GuaranteeModelTest.TINY_BATCH_BYTES);
		}
		return options;
	}

	/** What the callers saw; every field is thread-safe. */
	static final class Observed {

		final Map<String, LongAdder> increments = new ConcurrentHashMap<>();

		final List<GuaranteeScenarios.CasWin> casWins = Collections.synchronizedList(new ArrayList<>());

		final List<String> problems = Collections.synchronizedList(new ArrayList<>());

		final List<CompletableFuture<?>> futures = Collections.synchronizedList(new ArrayList<>());

		/** Written by the cycle thread in onReads, read by callbacks on it. */
		final AtomicLong readPhases = new AtomicLong();

		/** The thread that started the latest read phase; written in onReads, read by callbacks. */
		volatile @Nullable Thread cycleThread;

		/** CAS reads whose callback ran on a caller thread (the read completed first): not ordered, skipped. */
		final LongAdder unorderedCallbacks = new LongAdder();

		/** Completion stamps, taken on the completing thread. */
		final AtomicLong completions = new AtomicLong();

		final LongAdder refusedAfterClose = new LongAdder();

	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenManyThreadsDriveTheMutexThenEveryInvariantHolds(long seed) throws Exception {
		MutexOptions.Builder builder = options(seed);
		String header = "seed " + seed + " (maxBatchOperations " + builder.build().maxBatchOperations()
				+ ", maxBatchBytes " + builder.build().maxBatchBytes()
				+ "); replay with: mvn -B -o -pl level-mutex-core"
				+ " -am test -Dtest='GuaranteeConcurrentTest' -Dguarantee.realSeed=" + seed
				+ " -Dsurefire.failIfNoSpecifiedTests=false";
		System.out.println("GuaranteeConcurrentTest " + header);
		Random faults = new Random(seed);
		Observed observed = new Observed();
		ExecutorService callers = Executors.newFixedThreadPool(THREADS);
		BatchInterceptor interceptor = (name, ops) -> {
			synchronized (faults) {
				if (faults.nextInt(12) == 0) {
					throw new IllegalStateException("injected batch failure");
				}
			}
		};
		try (TempStore temp = TempStore.open((store) -> store.cycleThreads(4)
			.closeTimeout(Duration.ofSeconds(5))
			.batchInterceptor(interceptor))) {
			Mutex<String, String> mutex = temp.store.mutex(builder.build(), Codecs.utf8(), Codecs.utf8());
			mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					observed.cycleThread = Thread.currentThread();
					observed.readPhases.incrementAndGet();
				}
			});
			long began = System.nanoTime();
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> threads = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				Random random = new Random(seed * 1_000 + t);
				String thread = "t" + t;
				threads.add(callers.submit(() -> {
					start.await();
					new Caller(mutex, observed, random, thread).run();
					return null;
				}));
			}
			start.countDown();
			for (Future<?> thread : threads) {
				thread.get(60, TimeUnit.SECONDS);
			}
			mutex.closeAsync();
			if (awaitAll(observed)) {
				mutex.closeAsync().get(20, TimeUnit.SECONDS);
			}
			System.out.println("GuaranteeConcurrentTest seed " + seed + ": " + observed.futures.size() + " operations ("
					+ observed.unorderedCallbacks.sum() + " CAS callbacks off the cycle thread, skipped) in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms (measured, not asserted)");
			Map<String, String> stored = temp.engine.contents("real");
			for (String counter : COUNTERS) {
				long committed = observed.increments.getOrDefault(counter, new LongAdder()).sum();
				long value = Long.parseLong(stored.getOrDefault(counter, "0"));
				if (value != committed) {
					observed.problems.add("counter " + counter + " holds " + value + " but " + committed
							+ " increments committed: " + ((value < committed) ? "lost updates" : "phantom updates"));
				}
			}
			observed.problems.addAll(GuaranteeScenarios.lostUpdates(List.copyOf(observed.casWins)));
		}
		finally {
			callers.shutdownNow();
		}
		if (!observed.problems.isEmpty()) {
			List<String> problems = List.copyOf(observed.problems);
			fail(header + "\n  " + problems.size() + " problems, the first:\n  "
					+ String.join("\n  ", problems.subList(0, Math.min(8, problems.size()))));
		}
		assertThat(observed.futures).isNotEmpty();
	}

	/** Waits for every future; {@code false}, with a problem recorded, if some stay pending. */
	private static boolean awaitAll(Observed observed) throws Exception {
		List<CompletableFuture<?>> futures = List.copyOf(observed.futures);
		try {
			CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
				.exceptionally((error) -> null)
				.get(20, TimeUnit.SECONDS); // a bound for a failure report, never a synchronisation
			return true;
		}
		catch (TimeoutException ex) {
			long pending = futures.stream().filter((future) -> !future.isDone()).count();
			observed.problems.add(0, pending + " of " + futures.size()
					+ " futures still pending 20 s after the mutex closed (a dropped batch or a lost wake-up)");
			return false;
		}
	}

	/** One caller thread's seeded workload. */
	private static final class Caller {

		private final Mutex<String, String> mutex;

		private final Observed observed;

		private final Random random;

		private final String name;

		/** This thread's writes in issue order with their completion stamps; touched by any thread. */
		private final List<CompletableFuture<?>> writes = Collections.synchronizedList(new ArrayList<>());

		private final List<AtomicLong> stamps = Collections.synchronizedList(new ArrayList<>());

		Caller(Mutex<String, String> mutex, Observed observed, Random random, String name) {
			this.mutex = mutex;
			this.observed = observed;
			this.random = random;
			this.name = name;
		}

		void run() {
			for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
				int roll = this.random.nextInt(100);
				if (roll < 35) {
					increment(COUNTERS[this.random.nextInt(COUNTERS.length)]);
				}
				else if (roll < 50) {
					cas(CAS_KEYS[this.random.nextInt(CAS_KEYS.length)], 1 + this.random.nextInt(3));
				}
				else if (roll < 70) {
					String key = String.valueOf((char) ('a' + this.random.nextInt(6)));
					write(this.random.nextBoolean() ? this.mutex.put(key, "v" + i) : this.mutex.del(key));
				}
				else if (roll < 90) {
					read();
				}
				else {
					barrier();
				}
			}
			// finish with a barrier: it must complete after every write this thread issued
			barrier();
		}

		private void increment(String counter) {
			CompletableFuture<Integer> update = this.mutex.update((context) -> {
				int n = Integer.parseInt(context.get(counter).orElse("0"));
				context.peekFirst(KeyRange.closed("f", "b")); // inverted: empty, never an exception
				context.put(counter, Integer.toString(n + 1));
				return n + 1;
			});
			write(update);
			update.whenComplete((value, error) -> {
				Throwable cause = OperationLedger.unwrap(error);
				if (cause == null) {
					this.observed.increments.computeIfAbsent(counter, (k) -> new LongAdder()).increment();
				}
				else if (!(cause instanceof StorageException)) {
					this.observed.problems.add("update of " + counter + " by " + this.name + " failed with "
							+ cause.getClass().getSimpleName() + ": " + cause.getMessage()
							+ " (only an injected batch failure may fail it)");
				}
			});
		}

		/** get(key) -> put(key, seen + 1) from thenAccept, then the next round from the put's completion. */
		private void cas(String key, int rounds) {
			CompletableFuture<Void> done = this.mutex.get(key).thenAccept((value) -> {
				if (Thread.currentThread() != this.observed.cycleThread) {
					// the read completed before thenAccept was registered: this callback runs on
					// the caller's thread, where the README promises no ordering; a put from here
					// could overwrite a later winner, so the client gives this round up
					this.observed.unorderedCallbacks.increment();
					return;
				}
				int seen = Integer.parseInt(value.orElse("0"));
				long phase = this.observed.readPhases.get();
				CompletableFuture<Void> put;
				try {
					put = this.mutex.put(key, Integer.toString(seen + 1));
				}
				catch (MutexClosedException ex) {
					this.observed.refusedAfterClose.increment();
					return;
				}
				this.observed.futures.add(put);
				put.whenComplete((ok, error) -> {
					if (error == null) {
						this.observed.casWins.add(new GuaranteeScenarios.CasWin(key, this.name, seen, phase));
					}
					if (rounds > 1) {
						try {
							cas(key, rounds - 1);
						}
						catch (MutexClosedException ex) {
							this.observed.refusedAfterClose.increment();
						}
					}
				});
			});
			this.observed.futures.add(done);
		}

		private void read() {
			String low = String.valueOf((char) ('a' + this.random.nextInt(6)));
			String high = String.valueOf((char) ('a' + this.random.nextInt(6)));
			KeyRange<String> range = switch (this.random.nextInt(4)) {
				case 0 -> KeyRange.closed(low, high);
				case 1 -> KeyRange.closedOpen(low, low);
				case 2 -> KeyRange.closed(high, low);
				default -> KeyRange.all();
			};
			CompletableFuture<?> read = switch (this.random.nextInt(3)) {
				case 0 -> this.mutex.peekFirst(range);
				case 1 -> this.mutex.peekLast(range);
				default -> this.mutex.scan(range, 1 + this.random.nextInt(3), this.random.nextBoolean());
			};
			this.observed.futures.add(read);
			read.whenComplete((value, error) -> {
				if (error != null) {
					this.observed.problems.add("read of " + range + " failed: " + OperationLedger.unwrap(error));
				}
			});
		}

		private void barrier() {
			List<CompletableFuture<?>> earlier = List.copyOf(this.writes);
			CompletableFuture<Void> barrier = this.mutex.afterWrite();
			this.observed.futures.add(barrier);
			barrier.whenComplete((ok, error) -> {
				long pending = earlier.stream().filter((write) -> !write.isDone()).count();
				if (pending > 0) {
					this.observed.problems.add("afterWrite of " + this.name + " completed while " + pending
							+ " of its " + earlier.size() + " earlier writes were pending");
				}
			});
		}

		private void write(CompletableFuture<?> write) {
			AtomicLong stamp = new AtomicLong(-1);
			int index;
			synchronized (this.writes) {
				index = this.writes.size();
				this.writes.add(write);
				this.stamps.add(stamp);
			}
			this.observed.futures.add(write);
			write.whenComplete((ok, error) -> {
				stamp.set(this.observed.completions.incrementAndGet());
				if (index > 0) {
					long previous = this.stamps.get(index - 1).get();
					if (previous < 0) {
						this.observed.problems.add(this.name + "'s write " + index + " completed before its write "
								+ (index - 1) + ": writes complete out of issue order");
					}
				}
			});
		}

	}

}
