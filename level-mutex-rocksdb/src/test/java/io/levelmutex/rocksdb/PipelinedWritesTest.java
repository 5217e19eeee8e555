package io.levelmutex.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rocksdb.RocksDBException;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.codec.Codecs;

/**
 * Pipelined writes ({@code io.levelmutex.pipelineWrites=true}, issue 22 W1): a mutex hands its next batch of plain
 * writes to the store's committer while its previous batch is in flight or its items complete. Seeded randomized
 * closed loops of clients (puts and deletes of a few keys shared by every client, so that consecutive batches write
 * the same keys, gets, increments by update, afterWrite barriers), issued from the completion callbacks, against a
 * model: writes complete in issue order, each exactly once; the store ends as the successful writes applied in issue
 * order (last write wins also across two batches in flight); a get sees its client's last completed write; updates
 * see every write issued before them; events come writes-before-flushed and in batch order. Also with batch limits at
 * 1, failing RocksDB writes (a failed batch fails exactly its writes), a close of the mutex or the store mid-flight,
 * and completion callbacks that throw or block.
 */
class PipelinedWritesTest {

	private static final String PROPERTY = "io.levelmutex.pipelineWrites";

	private static final long WAIT_SECONDS = 120; // a bound for a failure report on a loaded machine, never a measure

	private static final int KEYS = 6;

	@TempDir
	Path dir;

	/** A mutex made with pipelined writes on (the core and the engine read the property when the mutex is made). */
	private static <T> T pipelined(Supplier<T> make) {
		synchronized (PipelinedWritesTest.class) {
			String before = System.getProperty(PROPERTY);
			System.setProperty(PROPERTY, "true");
			try {
				return make.get();
			}
			finally {
				if (before == null) {
					System.clearProperty(PROPERTY);
				}
				else {
					System.setProperty(PROPERTY, before);
				}
			}
		}
	}

	/** One issued operation, numbered in issue order. */
	private record Op(long seq, char kind, String key, String value, int client) {
	}

	/** A run of clients against one mutex: what was issued and how it ended. */
	private static final class Run {

		final Mutex<String, String> mutex;

		final Random random;

		final int clients;

		final int opsPerClient;

		final boolean mixed;

		final Object lock = new Object();

		long nextSeq;

		/** Guarded by lock. */
		final List<Op> issued = new ArrayList<>();

		/** Write seqs in completion order; guarded by lock. */
		final List<Long> writeCompletions = new ArrayList<>();

		/** Seq -> outcome (null value: failed); guarded by lock. */
		final Map<Long, Boolean> succeeded = new HashMap<>();

		/** Update seq -> value it returned; guarded by lock. */
		final Map<Long, Integer> updateResults = new HashMap<>();

		/** Get seq -> (value seen, client's last completed put seq on that key); guarded by lock. */
		final List<long[]> getChecks = new ArrayList<>();

		final List<String> problems = new ArrayList<>();

		final AtomicInteger completions = new AtomicInteger();

		final AtomicInteger refusedAtCall = new AtomicInteger();

		final CountDownLatch done;

		/** Per client: key -> seq of its last completed successful put; client's own (callbacks of one client run one at a time). */
		final List<Map<String, Long>> lastPut = new ArrayList<>();

		volatile Runnable onCompletion = () -> {
		};

		Run(Mutex<String, String> mutex, long seed, int clients, int opsPerClient, boolean mixed) {
			this.mutex = mutex;
			this.random = new Random(seed);
			this.clients = clients;
			this.opsPerClient = opsPerClient;
			this.mixed = mixed;
			this.done = new CountDownLatch(clients);
			for (int c = 0; c < clients; c++) {
				this.lastPut.add(new HashMap<>());
			}
		}

		void start() {
			for (int c = 0; c < this.clients; c++) {
				next(c, 0);
			}
		}

		/** Issues client c's op number n (from the test thread or a completion callback). */
		void next(int client, int n) {
			if (n >= this.opsPerClient) {
				this.done.countDown();
				return;
			}
			CompletableFuture<?> future;
			Op op;
			synchronized (this.lock) { // issue order = seq order
				int roll = this.random.nextInt(100);
				String key = "k" + this.random.nextInt(KEYS);
				long seq = this.nextSeq++;
				char kind = !this.mixed || roll < 70 ? 'p' : roll < 78 ? 'd' : roll < 88 ? 'g' : roll < 96 ? 'u' : 'b';
				op = new Op(seq, kind, kind == 'u' ? "counter" : key, seq + ":" + client, client);
				try {
					future = switch (kind) {
						case 'p' -> this.mutex.put(op.key, op.value);
						case 'd' -> this.mutex.del(op.key);
						case 'g' -> this.mutex.get(op.key);
						case 'u' -> this.mutex.update(ctx -> {
							int value = ctx.get("counter").map(Integer::parseInt).orElse(0) + 1;
							ctx.put("counter", Integer.toString(value));
							return value;
						});
						default -> this.mutex.afterWrite();
					};
				}
				catch (MutexClosedException closed) {
					this.refusedAtCall.incrementAndGet();
					this.done.countDown();
					return;
				}
				this.issued.add(op);
			}
			Long ownPut = this.lastPut.get(client).get(op.key);
			future.whenComplete((result, error) -> {
				this.completions.incrementAndGet();
				synchronized (this.lock) {
					if (this.succeeded.put(op.seq, error == null) != null) {
						this.problems.add("op " + op.seq + " completed twice");
					}
					if (op.kind != 'g') {
						this.writeCompletions.add(op.seq);
					}
					if (op.kind == 'u' && error == null) {
						this.updateResults.put(op.seq, (Integer) result);
					}
					if (op.kind == 'g' && error == null && ownPut != null) {
						@SuppressWarnings("unchecked")
						Optional<String> seen = (Optional<String>) result;
						this.getChecks.add(new long[] { op.seq, seen.map(v -> Long.parseLong(v.split(":")[0])).orElse(-1L),
								ownPut, op.key.charAt(1) });
					}
				}
				if (op.kind == 'p' && error == null) {
					this.lastPut.get(client).put(op.key, op.seq);
				}
				this.onCompletion.run();
				next(client, n + 1);
			});
		}

		void await() throws InterruptedException {
			assertThat(this.done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("clients done").isTrue();
		}

		/** Checks everything against the model; returns the model's final state. */
		Map<String, String> check() {
			synchronized (this.lock) {
				assertThat(this.problems).isEmpty();
				List<Long> sorted = new ArrayList<>(this.writeCompletions);
				sorted.sort(null);
				assertThat(this.writeCompletions).as("writes complete in issue order").isEqualTo(sorted);
				assertThat(this.succeeded).as("every issued op completed").hasSize(this.issued.size());
				Map<String, String> model = new HashMap<>();
				Map<Long, Long> lastDelAfter = new HashMap<>();
				int counter = 0;
				for (Op op : this.issued) { // issue order
					if (!this.succeeded.get(op.seq)) {
						continue;
					}
					switch (op.kind) {
						case 'p' -> model.put(op.key, op.value);
						case 'd' -> model.remove(op.key);
						case 'u' -> {
							counter++;
							assertThat(this.updateResults.get(op.seq)).as("update " + op.seq + " sees every write before it")
								.isEqualTo(counter);
							model.put("counter", Integer.toString(counter));
						}
						default -> {
						}
					}
				}
				for (long[] check : this.getChecks) { // a get sees its client's last completed put or a later write
					if (check[1] >= 0) {
						assertThat(check[1]).as("get " + check[0] + " sees the client's completed put " + check[2])
							.isGreaterThanOrEqualTo(check[2]);
					}
					else {
						String key = "k" + (char) check[3];
						boolean laterDel = this.issued.stream().anyMatch(op -> op.kind == 'd' && op.key.equals(key)
								&& op.seq > check[2] && op.seq < check[0] && this.succeeded.get(op.seq));
						assertThat(laterDel).as("get " + check[0] + " saw nothing after put " + check[2]).isTrue();
					}
				}
				return model;
			}
		}

	}

	/** Records the events: writes before flushed, each in batch order; how often two batches were in flight. */
	private static final class Events implements MutexListener {

		private final List<String> problems = new ArrayList<>();

		private long lastWrites;

		private long lastFlushed;

		int overlaps;

		int failedOperations;

		@Override
		public synchronized void onWrites(WriteBatchEvent event) {
			if (event.batch() <= this.lastWrites) {
				this.problems.add("writes " + event.batch() + " after writes " + this.lastWrites);
			}
			if (this.lastWrites > this.lastFlushed) {
				this.overlaps++; // the previous batch was not flushed yet: pipelined
			}
			this.lastWrites = event.batch();
		}

		@Override
		public synchronized void onFlushed(FlushEvent event) {
			if (event.batch() <= this.lastFlushed || event.batch() > this.lastWrites) {
				this.problems.add("flushed " + event.batch() + " after flushed " + this.lastFlushed + ", writes "
						+ this.lastWrites);
			}
			this.lastFlushed = event.batch();
			if (!event.succeeded()) {
				this.failedOperations += event.size();
			}
		}

		synchronized void check() {
			assertThat(this.problems).isEmpty();
		}

	}

	private MutexStore open(boolean durable, RocksFaults.WriteHook hook) {
		return RocksFaults.openWithWriteHook(this.dir, StoreOptions.builder().durable(durable).build(), hook);
	}

	private static Mutex<String, String> mutex(MutexStore store, int maxBatch) {
		return pipelined(() -> store.mutex(MutexOptions.builder("pipe").maxBatchOperations(maxBatch).build(),
				Codecs.utf8(), Codecs.utf8()));
	}

	private static Map<String, String> stored(Mutex<String, String> mutex) {
		Map<String, String> state = new HashMap<>();
		for (int k = 0; k < KEYS; k++) {
			String key = "k" + k;
			mutex.get(key).join().ifPresent(value -> state.put(key, value));
		}
		mutex.get("counter").join().ifPresent(value -> state.put("counter", value));
		return state;
	}

	@ParameterizedTest(name = "durable {0}, max batch {1}, seed {2}, mixed {3}")
	@CsvSource({ "true, 1000, 1, false", "false, 1000, 2, false", "true, 1000, 3, true", "false, 1000, 4, true",
			"true, 1, 5, true", "false, 1, 6, true", "false, 3, 7, true" })
	void randomizedClosedLoopMatchesTheModel(boolean durable, int maxBatch, long seed, boolean mixed) throws Exception {
		try (MutexStore store = open(durable, batch -> {
		})) {
			Mutex<String, String> mutex = mutex(store, maxBatch);
			Events events = new Events();
			mutex.addListener(events);
			Run run = new Run(mutex, seed, 48, 60, mixed);
			run.start();
			run.await();
			mutex.afterWrite().join();
			Map<String, String> model = run.check();
			events.check();
			assertThat(stored(mutex)).isEqualTo(model);
			if (!mixed && maxBatch > 1) {
				assertThat(events.overlaps).as("batches pipelined").isPositive();
			}
		}
	}

	@ParameterizedTest(name = "durable {0}, seed {1}")
	@CsvSource({ "true, 11", "false, 12", "true, 13" })
	void aFailedWriteFailsExactlyItsBatches(boolean durable, long seed) throws Exception {
		AtomicInteger writes = new AtomicInteger();
		try (MutexStore store = open(durable, batch -> {
			if (writes.incrementAndGet() % 5 == 0) {
				throw new RocksDBException("injected");
			}
		})) {
			Mutex<String, String> mutex = mutex(store, 1000);
			Events events = new Events();
			mutex.addListener(events);
			Run run = new Run(mutex, seed, 48, 60, seed == 13);
			run.start();
			run.await();
			mutex.afterWrite().join();
			Map<String, String> model = run.check();
			events.check();
			long failedWrites;
			synchronized (run.lock) {
				failedWrites = run.issued.stream().filter(op -> op.kind == 'p' || op.kind == 'd' || op.kind == 'u')
					.filter(op -> !run.succeeded.get(op.seq)).count();
			}
			assertThat(failedWrites).as("failed writes").isPositive();
			assertThat((long) events.failedOperations).as("failed writes = writes of failed batches")
				.isEqualTo(failedWrites);
			assertThat(stored(mutex)).isEqualTo(model);
		}
	}

	@ParameterizedTest(name = "durable {0}, close store {1}")
	@CsvSource({ "true, false", "false, false", "true, true", "false, true" })
	void closeMidFlightCompletesEveryOperationOnce(boolean durable, boolean closeStore) throws Exception {
		MutexStore store = open(durable, batch -> {
		});
		Map<String, String> model;
		try {
			Mutex<String, String> mutex = mutex(store, 1000);
			Run run = new Run(mutex, closeStore ? 21 : 22, 48, 200, false);
			CountDownLatch half = new CountDownLatch(1);
			run.onCompletion = () -> {
				if (run.completions.get() == 48 * 20) {
					half.countDown();
					if (!closeStore) {
						mutex.closeAsync(); // on the cycle thread, while a pipelined batch may be in flight
					}
				}
			};
			run.start();
			assertThat(half.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
			if (closeStore) {
				store.close();
			}
			run.await();
			mutex.closeAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
			synchronized (run.lock) {
				assertThat(run.problems).isEmpty();
				assertThat(run.succeeded).as("every issued op completed").hasSize(run.issued.size());
			}
			assertThat(run.refusedAtCall.get()).isPositive();
			model = run.check();
		}
		finally {
			store.close();
		}
		try (MutexStore reopened = open(durable, batch -> {
		})) {
			Mutex<String, String> mutex = reopened.mutex(MutexOptions.builder("pipe").build(), Codecs.utf8(),
					Codecs.utf8());
			assertThat(stored(mutex)).isEqualTo(model);
		}
	}

	@ParameterizedTest(name = "durable {0}")
	@CsvSource({ "true", "false" })
	void throwingAndBlockingCallbacksDoNotStopThePipeline(boolean durable) throws Exception {
		try (MutexStore store = open(durable, batch -> {
		})) {
			Mutex<String, String> mutex = mutex(store, 1000);
			Events events = new Events();
			mutex.addListener(events);
			Run run = new Run(mutex, 31, 48, 60, false);
			CountDownLatch blocked = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			run.onCompletion = () -> {
				int n = run.completions.get();
				if (n % 97 == 0) {
					throw new IllegalStateException("a callback that throws");
				}
				if (n == 48 * 30 && blocked.getCount() == 1) {
					blocked.countDown();
					try {
						release.await(WAIT_SECONDS, TimeUnit.SECONDS); // blocks the cycle thread mid-completion
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			};
			run.start();
			assertThat(blocked.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
			release.countDown();
			// the throwing callbacks stopped their clients (their next op is never issued): wait for the rest
			mutex.afterWrite().get(WAIT_SECONDS, TimeUnit.SECONDS);
			CompletableFuture<Void> quiet = new CompletableFuture<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS).toNanos();
			int seen;
			do { // every issued op completes: a completion count that equals the issued count
				seen = run.completions.get();
				mutex.afterWrite().get(WAIT_SECONDS, TimeUnit.SECONDS);
				synchronized (run.lock) {
					if (run.succeeded.size() == run.issued.size() && run.completions.get() == seen) {
						quiet.complete(null);
					}
				}
			}
			while (!quiet.isDone() && System.nanoTime() < deadline);
			assertThat(quiet).isDone();
			Map<String, String> model = run.check();
			events.check();
			assertThat(stored(mutex)).isEqualTo(model);
		}
	}

}
