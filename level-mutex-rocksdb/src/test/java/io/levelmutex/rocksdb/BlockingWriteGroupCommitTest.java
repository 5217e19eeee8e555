package io.levelmutex.rocksdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.BlockingMutex;
import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteOperation;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Blocking writes ({@link Mutex#blocking()}) on many mutexes of one durable RocksDB store, whose batches go through
 * the store's {@link GroupCommitter}: a lone blocking writer runs its cycle on its own thread, and when another write
 * is in flight that cycle hands its batch to the committer and returns (the commit is answered later, the rest of the
 * cycle resumes on the pool while the caller waits). Checked here: every blocking write returns or throws exactly
 * once, after every write issued before it on its mutex completed; each mutex's batches are written in issue order
 * and atomically (an update's writes together or not at all); a failure of a shared write fails exactly the batches it
 * carried, each caller throwing its batch's {@link StorageException} (naming its mutex) unwrapped; closing a mutex,
 * or the store, while blocking writers wait completes each of them once; a blocking call from a callback, listener or
 * update function on a cycle thread fails fast with {@link IllegalStateException} and queues nothing. The seeded run
 * is checked against a model built from the mutexes' {@code flushed} events and the callers' own outcomes; its seed
 * and settings are in every assertion's description.
 * <p>
 * Session 13 (flakehunt) wrote it again after session 12's version (branch {@code blockingapi}) was lost unmerged.
 */
class BlockingWriteGroupCommitTest {

	/** A bound for a failure report on a loaded machine, never a measure. */
	private static final Duration WAIT = Duration.ofSeconds(120);

	/** The committer's writer threads' names start with this. */
	private static final String WRITER_THREAD = "level-mutex-commit-";

	private static final Pattern INJECTED = Pattern.compile("injected failure of write (\\d+);");

	/**
	 * The store's RocksDB writes, through a hook: counts them and their entries, holds the first {@code blocked}
	 * until {@link #release}, and, once armed, fails each write the seed picks (about one in {@code failEvery}).
	 */
	static final class Gate {

		final int blocked;

		final CountDownLatch entered;

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger writes = new AtomicInteger();

		/** Entries (puts and deletes) of each write, by write number (from 1). */
		final Map<Integer, Integer> entries = new ConcurrentHashMap<>();

		/** The write numbers that threw. */
		final Set<Integer> failed = ConcurrentHashMap.newKeySet();

		/** The thread of each write, in write order. */
		final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

		/** Seed of the failures, or 0 for none; set before {@link #armed}. */
		volatile long failureSeed;

		volatile int failEvery = 5;

		/** A write number (from 1) that throws, or 0. */
		volatile int failing;

		/** Failures by the seed only once set (the mutexes are open by then). */
		volatile boolean armed;

		Gate(int blocked) {
			this.blocked = blocked;
			this.entered = new CountDownLatch(blocked);
		}

		void beforeWrite(WriteBatch batch) throws RocksDBException {
			int number = this.writes.incrementAndGet();
			this.entries.put(number, batch.count());
			this.threads.add(Thread.currentThread().getName());
			if (number <= this.blocked) {
				this.entered.countDown();
				await(this.release, "the test's release of the blocked write");
			}
			boolean fails = number == this.failing || (this.armed && this.failureSeed != 0
					&& new Random(this.failureSeed * 1_000_003L + number).nextInt(this.failEvery) == 0);
			if (fails) {
				this.failed.add(number);
				throw new RocksDBException("injected failure of write " + number + ";");
			}
		}

		long joinedWrites() {
			return this.threads.stream().filter((name) -> name.startsWith(WRITER_THREAD)).count();
		}

	}

	private static MutexStore open(Path path, Gate gate, int cycleThreads, Duration closeTimeout) {
		return RocksStore.builder(path)
			.storeOptions(StoreOptions.builder().durable(true).cycleThreads(cycleThreads).closeTimeout(closeTimeout)
				.build())
			.access((db) -> new RocksAccess(db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					gate.beforeWrite(batch);
					super.write(options, batch);
				}
			})
			.open();
	}

	private static GroupCommitter committer(MutexStore store) {
		return ((RocksEngine) store.engine()).committer();
	}

	private static Mutex<String, String> mutex(MutexStore store, String name, int batchLimit) {
		MutexOptions.Builder options = MutexOptions.builder(name);
		if (batchLimit > 0) {
			options.maxBatchOperations(batchLimit);
		}
		return store.mutex(options.build(), Codecs.utf8(), Codecs.utf8());
	}

	private static void await(CountDownLatch latch, String what) {
		try {
			if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
				throw new AssertionError(what + ": not reached within " + WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Waits (bounded) until a condition holds: the committer's queue and parked threads are only seen by polling. */
	private static void until(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError(what + ": not reached within " + WAIT);
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

	/**
	 * One blocking put on each of 2 mutexes, each on its own thread: with the gate holding 2 writes, the first waits
	 * in its cycle's direct write (on its caller's thread), the second in a writer's write inside RocksDB; what is
	 * handed over next waits in the committer's queue, for one write after them.
	 */
	private static List<Thread> blockWriters(MutexStore store, Gate gate, Map<String, Object> outcomes) {
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < 2; w++) {
			BlockingMutex<String, String> blocker = mutex(store, "blocker" + w, 0).blocking();
			String name = "blocker" + w;
			Thread thread = new Thread(() -> outcomes.put(name, outcome(() -> blocker.put("k", "v"))), name);
			threads.add(thread);
			thread.start();
			long left = 1 - w;
			until(() -> gate.entered.getCount() <= left, "blocker " + w + " inside its write");
		}
		return threads;
	}

	/** A call's outcome: "ok", or the exception it threw; never both, once. */
	private static Object outcome(Runnable call) {
		try {
			call.run();
			return "ok";
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	private static void join(Thread thread) throws InterruptedException {
		thread.join(WAIT.toMillis());
		assertThat(thread.isAlive()).as("thread %s still running after %s", thread.getName(), WAIT).isFalse();
	}

	/**
	 * While two writes are held in RocksDB, one blocking put on each of n mutexes (each on its own thread) waits in the
	 * committer's queue; released, ONE write carries all n batches. Written: every caller returns once and its put is
	 * there. Failing (that one write throws): every caller throws its own batch's StorageException, unwrapped, naming
	 * its mutex and the injected failure; nothing of them is applied; each mutex goes on with the next blocking write.
	 */
	@ParameterizedTest(name = "the shared write fails: {0}")
	@ValueSource(booleans = { false, true })
	void whenBlockingWritersOfManyMutexesWaitBehindAWriteThenOneSharedWriteCompletesOrFailsExactlyTheirBatches(
			boolean failing) throws Exception {
		Gate gate = new Gate(2);
		if (failing) {
			gate.failing = 3; // the two held writes, then the one that carries the batches gathered behind them
		}
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2, WAIT)) {
			Map<String, Object> outcomes = new ConcurrentHashMap<>();
			int n = 6;
			List<BlockingMutex<String, String>> mutexes = new ArrayList<>();
			for (int m = 0; m < n; m++) {
				mutexes.add(mutex(store, "m" + m, 0).blocking());
			}
			List<Thread> blockers = blockWriters(store, gate, outcomes);
			List<Thread> writers = new ArrayList<>();
			for (int m = 0; m < n; m++) {
				BlockingMutex<String, String> mutex = mutexes.get(m);
				String name = "m" + m;
				Thread writer = new Thread(() -> {
					Object previous = outcomes.put(name, outcome(() -> mutex.put("k", "v-" + name)));
					if (previous != null) {
						outcomes.put(name + " twice", previous);
					}
				}, "writer-" + m);
				writers.add(writer);
				writer.start();
			}
			GroupCommitter committer = committer(store);
			until(() -> committer.queued() == n, "one batch of each mutex queued in the committer");
			assertThat(outcomes).as("no blocking writer returned while its batch waits").doesNotContainKeys("m0", "m1");
			gate.release.countDown();
			for (Thread thread : writers) {
				join(thread);
			}
			for (Thread thread : blockers) {
				join(thread);
			}
			assertThat(List.of(gate.entries.get(1), gate.entries.get(2), gate.entries.get(3)))
				.as("entries per write (%s)", gate.entries).containsExactly(1, 1, n);
			assertThat(gate.joinedWrites()).as("writes on the committer's writers: %s", gate.threads).isEqualTo(2);
			assertThat(outcomes).hasSize(n + 2);
			assertThat(outcomes.get("blocker0")).isEqualTo("ok");
			assertThat(outcomes.get("blocker1")).isEqualTo("ok");
			Set<Object> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
			for (int m = 0; m < n; m++) {
				Object outcome = outcomes.get("m" + m);
				BlockingMutex<String, String> mutex = mutexes.get(m);
				if (failing) {
					assertThat(outcome).as("mutex m%d's caller", m).isInstanceOf(StorageException.class);
					assertThat(((StorageException) outcome).getMessage()).contains("mutex 'm" + m + "'")
						.contains("injected failure of write 3;");
					distinct.add(outcome);
					assertThat(mutex.get("k")).as("nothing of m%d's failed batch applied", m).isEmpty();
				}
				else {
					assertThat(outcome).as("mutex m%d's caller", m).isEqualTo("ok");
					assertThat(mutex.get("k")).contains("v-m" + m);
				}
				mutex.put("k", "later"); // the mutex goes on, and a lone blocking write needs no other
				assertThat(mutex.get("k")).contains("later");
			}
			if (failing) {
				assertThat(distinct).as("one StorageException per failed batch").hasSize(n);
			}
			assertThat(committer.inFlight()).isZero();
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	/**
	 * Blocking writers wait on n mutexes: the first of each mutex with its batch queued in the committer behind two
	 * held writes, a second queued behind it in its mutex. Mutex close: each close runs its queued writes to
	 * completion, so every caller returns normally once the held writes go through, the writes are there, and a
	 * blocking write after the close throws MutexClosedException at the call. Store close (closeTimeout 300 ms, the
	 * writes held until close returns): close abandons what is left, so every waiting caller throws
	 * MutexClosedException exactly once, and the second writes (still queued in their mutexes) were never written.
	 */
	@ParameterizedTest(name = "store close: {0}")
	@ValueSource(booleans = { false, true })
	void whenAMutexOrTheStoreClosesWithBlockingWritersWaitingThenEachCallEndsOnce(boolean storeClose)
			throws Exception {
		Gate gate = new Gate(2);
		Path path = TempStore.newDirectory();
		MutexStore store = open(path, gate, 2, storeClose ? Duration.ofMillis(300) : WAIT);
		try {
			Map<String, Object> outcomes = new ConcurrentHashMap<>();
			AtomicInteger returns = new AtomicInteger();
			int n = 4;
			List<Mutex<String, String>> mutexes = new ArrayList<>();
			for (int m = 0; m < n; m++) {
				mutexes.add(mutex(store, "m" + m, 0));
			}
			List<Thread> blockers = blockWriters(store, gate, outcomes);
			List<Thread> writers = new ArrayList<>();
			GroupCommitter committer = committer(store);
			for (int round = 0; round < 2; round++) {
				for (int m = 0; m < n; m++) {
					BlockingMutex<String, String> mutex = mutexes.get(m).blocking();
					String name = "m" + m + "/" + round;
					Thread writer = new Thread(() -> {
						outcomes.put(name, outcome(() -> mutex.put(name, "v")));
						returns.incrementAndGet();
					}, "writer-" + name);
					writers.add(writer);
					writer.start();
					if (round == 0) {
						int queued = m + 1;
						until(() -> committer.queued() == queued, "the first batch of m" + m + " in the committer");
					}
				}
			}
			for (int m = 0; m < n; m++) {
				Mutex<String, String> mutex = mutexes.get(m);
				until(() -> mutex.stats().queuedWrites() == 1, "a second blocking write queued on " + mutex.name());
			}
			assertThat(returns.get()).isZero();
			if (storeClose) {
				store.close(); // waits closeTimeout for the mutexes, then abandons what is left
				for (Thread thread : writers) {
					join(thread);
				}
				gate.release.countDown();
			}
			else {
				List<CompletableFuture<Void>> closings = new ArrayList<>();
				mutexes.forEach((mutex) -> closings.add(mutex.closeAsync()));
				gate.release.countDown();
				for (CompletableFuture<Void> closing : closings) {
					closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				}
				for (Thread thread : writers) {
					join(thread);
				}
			}
			for (Thread thread : blockers) {
				join(thread);
			}
			assertThat(returns.get()).as("every blocking writer returned or threw once").isEqualTo(2 * n);
			for (int round = 0; round < 2; round++) {
				for (int m = 0; m < n; m++) {
					String name = "m" + m + "/" + round;
					Object outcome = outcomes.get(name);
					if (storeClose) {
						assertThat(outcome).as(name).isInstanceOf(MutexClosedException.class);
						assertThat(((MutexClosedException) outcome).getMessage()).contains("'m" + m + "'");
					}
					else {
						assertThat(outcome).as(name).isEqualTo("ok");
					}
				}
			}
			for (Mutex<String, String> mutex : mutexes) {
				assertThat(mutex.isClosed()).isTrue();
				assertThatThrownBy(() -> mutex.blocking().put("after", "v")).isInstanceOf(MutexClosedException.class);
			}
			if (!storeClose) {
				for (int m = 0; m < n; m++) {
					Mutex<String, String> reopened = mutex(store, "m" + m, 0);
					for (int round = 0; round < 2; round++) {
						assertThat(reopened.blocking().get("m" + m + "/" + round)).contains("v");
					}
				}
			}
		}
		finally {
			gate.release.countDown();
			store.close();
		}
		if (storeClose) {
			// abandoned: the second writes, still queued in their mutexes, were never written; the first ones had
			// been handed to the committer ("a write whose batch was already under way may or may not have been
			// applied", README)
			try (MutexStore reopened = openOnceReleased(path)) {
				for (int m = 0; m < 4; m++) {
					assertThat(mutex(reopened, "m" + m, 0).blocking().get("m" + m + "/1")).as("m%d/1", m).isEmpty();
				}
			}
		}
		TempStore.deleteRecursively(path);
	}

	/**
	 * A blocking call made on a cycle thread, where the mutex's cycle resumes after a joined write: a completion
	 * callback of a write the committer's writer wrote (run on the pool, where the cycle resumes), a flushed listener
	 * and an update function run in the cycle a lone blocking writer runs on its own thread. Each throws IllegalStateException naming the mutex called and the mutex whose cycle
	 * runs, queues nothing, and the cycle goes on; the same calls off the cycle thread succeed.
	 */
	@Test
	void whenABlockingWriteIsCalledOnACycleThreadThenItFailsFastAndQueuesNothing() throws Exception {
		Gate gate = new Gate(2);
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2, WAIT)) {
			Mutex<String, String> a = mutex(store, "a", 0);
			Mutex<String, String> b = mutex(store, "b", 0);
			Map<String, Object> outcomes = new ConcurrentHashMap<>();
			ConcurrentLinkedQueue<String> cycleThreads = new ConcurrentLinkedQueue<>();
			List<Thread> blockers = blockWriters(store, gate, outcomes);
			// a write the committer carries (two writes are held): its callback cannot run before it is registered
			CompletableFuture<Void> joined = a.put("x", "1");
			CompletableFuture<Void> callback = joined.thenRun(() -> {
				cycleThreads.add("callback " + Thread.currentThread().getName());
				outcomes.put("callback: b.put", outcome(() -> b.blocking().put("from-callback", "v")));
				outcomes.put("callback: a.put", outcome(() -> a.blocking().put("from-callback", "v")));
				outcomes.put("callback: a.update", outcome(() -> a.blocking().update((context) -> null)));
				outcomes.put("callback: b.afterWrite", outcome(() -> b.blocking().afterWrite()));
				outcomes.put("callback: b.get", outcome(() -> b.blocking().get("from-callback")));
			});
			until(() -> committer(store).queued() == 1, "a's batch in the committer");
			gate.release.countDown();
			callback.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			for (Thread thread : blockers) {
				join(thread);
			}
			// a flushed listener of b, on the cycle a lone blocking writer of b runs on its own thread (the test's)
			CountDownLatch listened = new CountDownLatch(1);
			Mutex.ListenerRegistration registration = b.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					if (listened.getCount() > 0) {
						cycleThreads.add("listener " + Thread.currentThread().getName());
						outcomes.put("listener: a.put", outcome(() -> a.blocking().put("from-listener", "v")));
						outcomes.put("listener: b.del", outcome(() -> b.blocking().del("from-listener")));
						listened.countDown();
					}
				}
			});
			b.blocking().put("y", "1");
			await(listened, "b's flushed listener");
			registration.close();
			// an update function, in the cycle a blocking caller runs on its own thread
			Object updated = outcome(() -> a.blocking().update((context) -> {
				cycleThreads.add("update " + Thread.currentThread().getName());
				b.blocking().put("from-update", "v");
				return null;
			}));
			outcomes.put("update: b.put", updated instanceof IllegalStateException ? updated : "update returned " + updated);
			assertThat(outcomes.keySet()).as("cycle threads %s", cycleThreads).containsOnly("blocker0", "blocker1",
					"callback: b.put", "callback: a.put", "callback: a.update", "callback: b.afterWrite",
					"callback: b.get", "listener: a.put", "listener: b.del", "update: b.put");
			outcomes.forEach((call, outcome) -> {
				if (call.startsWith("blocker")) {
					assertThat(outcome).as(call).isEqualTo("ok");
					return;
				}
				assertThat(outcome).as("%s (cycle threads %s)", call, cycleThreads).isInstanceOf(IllegalStateException.class);
				String message = ((IllegalStateException) outcome).getMessage();
				String called = call.substring(call.indexOf(": ") + 2, call.indexOf(": ") + 3);
				assertThat(message).as(call).contains("on mutex '" + called + "'").contains("running a cycle of mutex")
					.contains("nothing was queued");
			});
			// nothing was queued: off the cycle thread the same calls go through, and no stray write landed
			BlockingMutex<String, String> blockingA = a.blocking();
			BlockingMutex<String, String> blockingB = b.blocking();
			blockingA.afterWrite();
			blockingB.afterWrite();
			for (String key : List.of("from-callback", "from-listener", "from-update")) {
				assertThat(blockingA.get(key)).as("a: %s", key).isEmpty();
				assertThat(blockingB.get(key)).as("b: %s", key).isEmpty();
			}
			assertThat(blockingA.get("x")).contains("1");
			assertThat(blockingB.get("y")).contains("1");
			blockingB.put("from-callback", "v");
			assertThat(blockingB.get("from-callback")).contains("v");
			assertThat(a.stats().queuedWrites() + b.stats().queuedWrites()).isZero();
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	/**
	 * Opens the store on {@code path} again once the closed store's engine let RocksDB go: a store closed while
	 * writes were held releases RocksDB on the thread of the last phase that used it, after close returned.
	 */
	private static MutexStore openOnceReleased(Path path) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		for (;;) {
			try {
				return open(path, new Gate(0), 1, WAIT);
			}
			catch (RuntimeException locked) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("the closed store's RocksDB was not released within " + WAIT, locked);
				}
				LockSupport.parkNanos(10_000_000);
			}
		}
	}

	/** A blocking writer's operation in the seeded run (one per call; an update's two writes share its value). */
	private record Call(int mutex, int thread, int index, String kind, String key, String value, Object outcome) {
	}

	/**
	 * Seeded runs: 2-7 mutexes on one durable store (1-3 cycle threads, batch limits none or 1-3), each with 1-3
	 * threads of blocking writers (puts and deletes of the thread's own keys, updates that add 1 to the mutex's
	 * shared counter and write the thread's own key in the same batch, afterWrite, gets of its own keys, and bursts
	 * of 1-3 futures' puts closed by a blocking put), while a seeded fifth of the store's RocksDB writes fail.
	 * Checked against a model: every call and future completes once; a blocking call returns only after every write
	 * its thread issued before it completed; each thread's writes appear in its mutex's batches in issue order, each
	 * exactly once; a call returned iff its batch was written, and one that threw threw that batch's own
	 * StorageException; an update's two writes are in one batch; the written batches' sequences are 1, 2, ...; each
	 * failed RocksDB write failed exactly the batches it carried (their writes add up to its entries); the store
	 * holds exactly what the written batches wrote; a get sees exactly its own thread's successful writes; the
	 * counter equals the number of successful updates, which saw 0, 1, 2, ... (no lost update).
	 */
	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1L, 2L, 3L, 4L, 5L, 6L })
	void seededBlockingWritersOnManyMutexesMatchTheModel(long seed) throws Exception {
		Random random = new Random(seed);
		Gate gate = new Gate(0);
		gate.failureSeed = seed;
		int cycleThreads = 1 + random.nextInt(3);
		int mutexCount = 2 + random.nextInt(6);
		Path path = TempStore.newDirectory();
		StringBuilder settings = new StringBuilder("seed " + seed + ": " + cycleThreads + " cycle threads, "
				+ mutexCount + " mutexes (batch limit/threads:");
		try (MutexStore store = open(path, gate, cycleThreads, WAIT)) {
			List<Mutex<String, String>> mutexes = new ArrayList<>();
			List<ConcurrentLinkedQueue<FlushEvent>> flushed = new ArrayList<>();
			int[] threadsOf = new int[mutexCount];
			for (int m = 0; m < mutexCount; m++) {
				int limit = random.nextInt(4);
				threadsOf[m] = 1 + random.nextInt(3);
				settings.append(' ').append(limit).append('/').append(threadsOf[m]);
				Mutex<String, String> mutex = mutex(store, "r" + m, limit);
				ConcurrentLinkedQueue<FlushEvent> events = new ConcurrentLinkedQueue<>();
				mutex.addListener(new MutexListener() {
					@Override
					public void onFlushed(FlushEvent event) {
						events.add(event);
					}
				});
				mutexes.add(mutex);
				flushed.add(events);
			}
			String context = settings.append(')').toString();
			gate.armed = true;
			ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<Integer> updateSaw = new ConcurrentLinkedQueue<>();
			List<Thread> threads = new ArrayList<>();
			for (int m = 0; m < mutexCount; m++) {
				for (int t = 0; t < threadsOf[m]; t++) {
					int mi = m;
					int ti = t;
					Random own = new Random(seed * 1_000 + m * 10 + t);
					int operations = 40 + own.nextInt(40);
					BlockingMutex<String, String> mutex = mutexes.get(m).blocking();
					Thread thread = new Thread(() -> {
						try {
							runWriter(mi, ti, operations, own, mutex, calls, violations, updateSaw);
						}
						catch (Throwable ex) {
							violations.add("writer r" + mi + "/t" + ti + " failed: " + ex);
						}
					}, "blocking-writer-r" + m + "-t" + t);
					threads.add(thread);
				}
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				join(thread);
			}
			gate.armed = false;
			assertThat(violations).as(context).isEmpty();
			long failedCalls = calls.stream().filter((call) -> !"ok".equals(call.outcome())).count();
			System.out.println("BlockingWriteGroupCommitTest " + context + ": " + calls.size() + " writes (" + failedCalls
					+ " failed), " + gate.writes.get() + " RocksDB writes (" + gate.failed.size() + " failed, "
					+ gate.joinedWrites() + " by the committer's writers, the others by cycles)");
			checkModel(context, mutexes, flushed, List.copyOf(calls), gate);
			for (int m = 0; m < mutexCount; m++) {
				int mutexIndex = m;
				List<Integer> saw = updateSaw.stream().filter((s) -> s / 1_000_000 == mutexIndex)
					.map((s) -> s % 1_000_000).sorted().toList();
				int updates = mutexes.get(m).blocking().get("count").map(Integer::parseInt).orElse(0);
				assertThat(saw).as("%s: r%d's successful updates saw 0, 1, 2, ... (no lost update)", context, m)
					.isEqualTo(java.util.stream.IntStream.range(0, updates).boxed().toList());
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	/** One blocking writer thread of the seeded run: its calls' outcomes go to {@code calls}. */
	private static void runWriter(int m, int t, int operations, Random own, BlockingMutex<String, String> mutex,
			ConcurrentLinkedQueue<Call> calls, ConcurrentLinkedQueue<String> violations,
			ConcurrentLinkedQueue<Integer> updateSaw) {
		String prefix = "t" + t + "/";
		Map<String, String> mine = new HashMap<>(); // this thread's keys as its successful writes left them
		int index = 0;
		for (int op = 0; op < operations; op++) {
			int draw = own.nextInt(12);
			String key = prefix + "k" + own.nextInt(4);
			if (draw < 4) {
				String value = "r" + m + "/t" + t + "/" + index;
				Object outcome = outcome(() -> mutex.put(key, value));
				calls.add(new Call(m, t, index++, "put", key, value, outcome));
				if ("ok".equals(outcome)) {
					mine.put(key, value);
				}
			}
			else if (draw < 6) {
				String value = "r" + m + "/t" + t + "/" + index;
				Object outcome = outcome(() -> mutex.del(key));
				calls.add(new Call(m, t, index++, "del", key, value, outcome));
				if ("ok".equals(outcome)) {
					mine.remove(key);
				}
			}
			else if (draw < 8) {
				String value = "r" + m + "/t" + t + "/" + index;
				String own2 = prefix + "u";
				Object[] saw = new Object[1];
				Object outcome = outcome(() -> saw[0] = mutex.update((context) -> {
					int count = Integer.parseInt(context.get("count").orElse("0"));
					context.put("count", Integer.toString(count + 1));
					context.put(own2, value);
					return count;
				}));
				calls.add(new Call(m, t, index++, "update", own2, value, outcome));
				if ("ok".equals(outcome)) {
					mine.put(own2, value);
					updateSaw.add(m * 1_000_000 + (Integer) saw[0]);
				}
			}
			else if (draw < 9) {
				Object outcome = outcome(mutex::afterWrite);
				if (!"ok".equals(outcome)) {
					violations.add("r" + m + "/t" + t + ": afterWrite threw " + outcome);
				}
			}
			else if (draw < 10) {
				Optional<String> read;
				try {
					read = mutex.get(key);
				}
				catch (RuntimeException ex) {
					violations.add("r" + m + "/t" + t + ": get threw " + ex);
					continue;
				}
				if (!read.equals(Optional.ofNullable(mine.get(key)))) {
					violations.add("r" + m + "/t" + t + ": get " + key + " saw " + read + ", its own writes left "
							+ mine.get(key));
				}
			}
			else {
				// a burst of futures' puts, then a blocking put: it returns only after they all completed
				int burst = 1 + own.nextInt(3);
				List<CompletableFuture<Void>> futures = new ArrayList<>();
				List<Call> pending = new ArrayList<>();
				AtomicInteger completions = new AtomicInteger();
				for (int b = 0; b < burst; b++) {
					String burstKey = prefix + "k" + own.nextInt(4);
					String value = "r" + m + "/t" + t + "/" + index;
					futures.add(mutex.mutex().put(burstKey, value).whenComplete((v, e) -> completions.incrementAndGet()));
					pending.add(new Call(m, t, index++, "put", burstKey, value, null));
				}
				String value = "r" + m + "/t" + t + "/" + index;
				Object outcome = outcome(() -> mutex.put(key, value));
				for (int b = 0; b < burst; b++) {
					CompletableFuture<Void> future = futures.get(b);
					Call call = pending.get(b);
					if (!future.isDone()) {
						violations.add("r" + m + "/t" + t + ": blocking put " + index + " returned before its future put "
								+ call.index() + " completed");
					}
					Object futureOutcome;
					try {
						future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
						futureOutcome = "ok";
					}
					catch (java.util.concurrent.ExecutionException ex) {
						futureOutcome = ex.getCause();
					}
					catch (Exception ex) {
						violations.add("r" + m + "/t" + t + ": future put " + call.index() + ": " + ex);
						continue;
					}
					calls.add(new Call(m, t, call.index(), "put", call.key(), call.value(), futureOutcome));
					if ("ok".equals(futureOutcome)) {
						mine.put(call.key(), call.value());
					}
				}
				calls.add(new Call(m, t, index++, "put", key, value, outcome));
				if ("ok".equals(outcome)) {
					mine.put(key, value);
				}
				if (completions.get() != burst) {
					violations.add("r" + m + "/t" + t + ": " + completions.get() + " completions of " + burst
							+ " futures");
				}
			}
		}
	}

	/** The checks of the seeded run (see its comment), over the flushed events, the calls and the gate's writes. */
	private static void checkModel(String context, List<Mutex<String, String>> mutexes,
			List<ConcurrentLinkedQueue<FlushEvent>> flushed, List<Call> calls, Gate gate) {
		Map<Integer, Integer> failedEntriesByWrite = new HashMap<>();
		int[] successfulUpdates = new int[mutexes.size()];
		for (int m = 0; m < mutexes.size(); m++) {
			String name = "r" + m;
			List<FlushEvent> events = List.copyOf(flushed.get(m));
			Map<String, Call> byValue = new HashMap<>();
			for (Call call : calls) {
				if (call.mutex() == m) {
					assertThat(byValue.put(call.value(), call)).as("%s: one call per value", context).isNull();
				}
			}
			Map<String, Integer> seen = new HashMap<>(); // value -> times written in a batch (an update: its own key's)
			Map<String, Integer> lastIndex = new HashMap<>(); // thread -> its last write's index in batch order
			Map<String, String> model = new HashMap<>();
			long sequence = 0;
			for (FlushEvent event : events) {
				List<WriteOperation> operations = event.operations();
				Set<Object> threw = Collections.newSetFromMap(new IdentityHashMap<>());
				for (int i = 0; i < operations.size(); i++) {
					WriteOperation op = operations.get(i);
					String key = new String(op.key(), java.nio.charset.StandardCharsets.UTF_8);
					if (key.equals("count")) {
						assertThat(i + 1).as("%s: %s batch %d: the counter's write is followed by its update's own",
								context, name, event.batch()).isLessThan(operations.size());
						continue;
					}
					String value;
					if (op.type() == WriteOperation.Type.DEL) {
						value = null;
					}
					else {
						value = new String(op.value(), java.nio.charset.StandardCharsets.UTF_8);
					}
					Call call = value != null ? byValue.get(value) : null;
					if (value == null) {
						// a delete carries no value: match it to the thread's next unmatched delete of that key
						call = nextDelete(calls, m, key, seen);
						assertThat(call).as("%s: %s batch %d: a delete of %s no call made", context, name,
								event.batch(), key).isNotNull();
					}
					else {
						assertThat(call).as("%s: %s batch %d: a write of %s no call made", context, name, event.batch(),
								value).isNotNull();
					}
					String id = call.kind().equals("del") ? "del:" + call.value() : call.value();
					assertThat(seen.merge(id, 1, Integer::sum)).as("%s: %s: %s written in one batch only", context,
							name, id).isEqualTo(1);
					if (call.kind().equals("update")) {
						assertThat(i).as("%s: %s batch %d: update %s's two writes together", context, name,
								event.batch(), value).isGreaterThan(0);
						assertThat(new String(operations.get(i - 1).key(), java.nio.charset.StandardCharsets.UTF_8))
							.isEqualTo("count");
					}
					String thread = "t" + call.thread();
					Integer before = lastIndex.put(thread, call.index());
					if (before != null) {
						assertThat(call.index()).as("%s: %s thread %s's writes in issue order", context, name, thread)
							.isGreaterThan(before);
					}
					if (event.error() == null) {
						assertThat(call.outcome()).as("%s: %s: %s %s was written: the call returned", context, name,
								call.kind(), id).isEqualTo("ok");
					}
					else {
						assertThat(call.outcome()).as("%s: %s: %s %s failed with its batch", context, name, call.kind(),
								id).isSameAs(event.error());
						threw.add(call.outcome());
					}
				}
				if (event.error() == null) {
					if (!operations.isEmpty()) {
						sequence++;
						assertThat(event.sequence()).as("%s: %s: written batches answer 1, 2, ...", context, name)
							.isEqualTo(sequence);
					}
					for (WriteOperation op : operations) {
						String key = new String(op.key(), java.nio.charset.StandardCharsets.UTF_8);
						if (op.type() == WriteOperation.Type.DEL) {
							model.remove(key);
						}
						else {
							model.put(key, new String(op.value(), java.nio.charset.StandardCharsets.UTF_8));
						}
					}
				}
				else {
					assertThat(event.error()).as("%s: %s batch %d", context, name, event.batch())
						.isInstanceOf(StorageException.class).hasMessageContaining("mutex '" + name + "'");
					Matcher injected = INJECTED.matcher(String.valueOf(event.error().getMessage()));
					assertThat(injected.find()).as("%s: %s batch %d failed by an injected write: %s", context, name,
							event.batch(), event.error()).isTrue();
					failedEntriesByWrite.merge(Integer.parseInt(injected.group(1)), operations.size(), Integer::sum);
				}
			}
			for (Call call : calls) {
				if (call.mutex() != m) {
					continue;
				}
				String id = call.kind().equals("del") ? "del:" + call.value() : call.value();
				assertThat(seen.get(id)).as("%s: %s: %s %s (outcome %s) in exactly one batch", context, name,
						call.kind(), id, call.outcome()).isEqualTo(1);
				if (!"ok".equals(call.outcome())) {
					assertThat(call.outcome()).as("%s: %s: %s %s", context, name, call.kind(), id)
						.isInstanceOf(StorageException.class);
				}
				else if (call.kind().equals("update")) {
					successfulUpdates[m]++;
				}
			}
			// the store holds what the written batches wrote
			BlockingMutex<String, String> blocking = mutexes.get(m).blocking();
			Set<String> keys = new HashSet<>(model.keySet());
			for (Call call : calls) {
				if (call.mutex() == m) {
					keys.add(call.key());
				}
			}
			keys.add("count");
			for (String key : keys) {
				assertThat(blocking.get(key)).as("%s: %s key %s", context, name, key)
					.isEqualTo(Optional.ofNullable(model.get(key)));
			}
			assertThat(blocking.get("count").map(Integer::parseInt).orElse(0))
				.as("%s: %s: the counter counts the successful updates", context, name).isEqualTo(successfulUpdates[m]);
		}
		for (Map.Entry<Integer, Integer> entry : failedEntriesByWrite.entrySet()) {
			assertThat(entry.getValue()).as("%s: failed write %d failed exactly the batches it carried", context,
					entry.getKey()).isEqualTo(gate.entries.get(entry.getKey()));
		}
		for (Integer number : gate.failed) {
			assertThat(failedEntriesByWrite.getOrDefault(number, 0)).as("%s: failed write %d's batches", context,
					number).isEqualTo(gate.entries.get(number));
		}
	}

	/** The first delete call of thread and key in mutex m not yet matched to a batch's delete. */
	private static Call nextDelete(List<Call> calls, int m, String key, Map<String, Integer> seen) {
		return calls.stream()
			.filter((call) -> call.mutex() == m && call.kind().equals("del") && call.key().equals(key)
					&& !seen.containsKey("del:" + call.value()))
			.min(java.util.Comparator.comparingInt(Call::index))
			.orElse(null);
	}

}
