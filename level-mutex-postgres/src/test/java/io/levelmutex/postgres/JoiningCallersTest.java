package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several callers blocking in {@code join()} on a node whose store has a cycle pool of ONE thread, so that they claim
 * and run their mutexes' cycles themselves, on four mutexes that another node increments too (conflicts, rejected
 * updates run again, contended and released commits); now and then a test session holds one keyspace's lock, so that
 * whichever thread runs that mutex's cycle (a joining caller or the pool's thread) waits in its commit. While it is
 * held, the other mutexes' callers still complete operations; afterwards every operation has completed exactly
 * once (a value, or a conflict after all attempts), a write issued from a completion's callback on the completing
 * thread completes too, and every counter equals the increments acknowledged on both nodes.
 */
class JoiningCallersTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 60; // a failure signal only: never waited this long when it passes

	private static final int MUTEXES = 4;

	private static final int CALLERS = 8;

	private static final int OPERATIONS = 15;

	/** Increments the other node makes (one at a time, on random mutexes). */
	private static final int OTHER_NODE_INCREMENTS = 40;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3 })
	void whenCallersJoinOnAPoolOfOneWhileAKeyspaceIsLockedThenOthersProgressAndEverythingCompletesOnce(long seed)
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		Random random = new Random(seed);
		try (MutexStore node = PostgresStore.builder(database)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMillis(200))
			.connectWait(Duration.ofSeconds(10))
			.resolveWait(Duration.ofSeconds(10))
			.storeOptions(StoreOptions.builder().cycleThreads(1).build())
			.open(); MutexStore other = openStore(database)) {
			List<Mutex<String, String>> mine = new ArrayList<>();
			List<Mutex<String, String>> theirs = new ArrayList<>();
			for (int m = 0; m < MUTEXES; m++) {
				MutexOptions options = MutexOptions.builder("m" + m).maxUpdateAttempts(50).build();
				mine.add(node.mutex(options, Codecs.utf8(), Codecs.utf8()));
				theirs.add(other.mutex(options, Codecs.utf8(), Codecs.utf8()));
				mine.get(m).put("c", "0").join();
			}
			Map<Integer, AtomicLong> acknowledged = new ConcurrentHashMap<>();
			Map<Integer, AtomicLong> completedOn = new ConcurrentHashMap<>();
			Queue<String> violations = new ConcurrentLinkedQueue<>();
			Queue<AtomicInteger> completionCounts = new ConcurrentLinkedQueue<>();
			List<CompletableFuture<Void>> callbackWrites = new CopyOnWriteArrayList<>();
			AtomicBoolean stop = new AtomicBoolean();
			List<Thread> threads = new ArrayList<>();
			for (int c = 0; c < CALLERS; c++) {
				long callerSeed = random.nextLong();
				threads.add(new Thread(() -> call(mine, new Random(callerSeed), OPERATIONS, acknowledged, completedOn,
						callbackWrites, completionCounts, violations), "joiner-" + c));
			}
			Thread foreign = new Thread(() -> {
				Random own = new Random(seed * 31);
				for (int n = 0; n < OTHER_NODE_INCREMENTS && !stop.get(); n++) {
					int m = own.nextInt(MUTEXES);
					try {
						theirs.get(m).update((context) -> {
							long value = Long.parseLong(context.get("c").orElse("0")) + 1;
							context.put("c", Long.toString(value));
							return value;
						}).join();
						acknowledged.computeIfAbsent(m, (key) -> new AtomicLong()).incrementAndGet();
					}
					catch (CompletionException ex) {
						if (!(ex.getCause() instanceof WriteConflictException)) {
							violations.add("other node: " + ex.getCause());
						}
					}
				}
			}, "other-node");
			threads.forEach(Thread::start);
			foreign.start();
			int holds = 0;
			while (threads.stream().anyMatch(Thread::isAlive) && holds < 3) {
				int locked = random.nextInt(MUTEXES);
				holds++;
				holdLockWhileOthersProgress(database, locked, completedOn);
			}
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
				assertThat(thread.isAlive()).as(thread.getName() + " still blocked").isFalse();
			}
			stop.set(true);
			foreign.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
			for (CompletableFuture<Void> write : callbackWrites) {
				write.get(WAIT_SECONDS, TimeUnit.SECONDS);
			}
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
				.until(() -> completionCounts.stream().allMatch((count) -> count.get() > 0));
			assertThat(completionCounts).as("each increment completed once").allMatch((count) -> count.get() == 1)
				.hasSize(CALLERS * OPERATIONS);
			assertThat(violations).as("seed " + seed).isEmpty();
			long batches = 0;
			long conflicts = 0;
			for (int m = 0; m < MUTEXES; m++) {
				batches += mine.get(m).stats().batchesFlushed();
				conflicts += mine.get(m).stats().conflicts();
			}
			System.out.println("JoiningCallersTest seed " + seed + ": " + (CALLERS * OPERATIONS) + " increments in "
					+ batches + " batches, " + conflicts + " conflicts, " + holds + " lock holds");
			for (int m = 0; m < MUTEXES; m++) {
				long expected = acknowledged.getOrDefault(m, new AtomicLong()).get();
				assertThat(mine.get(m).get("c").join()).as("seed " + seed + ": counter of m" + m)
					.contains(Long.toString(expected));
				assertThat(mine.get(m).get("cb").join()).as("the callbacks' writes").isPresent();
			}
		}
	}

	/** Increments on random mutexes, each waited for with {@code join()}; a few issue a write from their callback. */
	private static void call(List<Mutex<String, String>> mutexes, Random random, int operations,
			Map<Integer, AtomicLong> acknowledged, Map<Integer, AtomicLong> completedOn,
			List<CompletableFuture<Void>> callbackWrites, Queue<AtomicInteger> completionCounts,
			Queue<String> violations) {
		for (int n = 0; n < operations; n++) {
			int m = random.nextInt(MUTEXES);
			Mutex<String, String> mutex = mutexes.get(m);
			AtomicInteger completions = new AtomicInteger();
			CompletableFuture<Long> increment = mutex.update((context) -> {
				long value = Long.parseLong(context.get("c").orElse("0")) + 1;
				context.put("c", Long.toString(value));
				return value;
			});
			increment.whenComplete((value, error) -> completions.incrementAndGet());
			if (random.nextInt(4) == 0) {
				// On the completing thread (registered before completion): a write that joins the next batch.
				increment.thenAccept((value) -> callbackWrites.add(mutex.put("cb", Long.toString(value))));
			}
			try {
				increment.join();
				acknowledged.computeIfAbsent(m, (key) -> new AtomicLong()).incrementAndGet();
			}
			catch (CompletionException ex) {
				if (!(ex.getCause() instanceof WriteConflictException)) {
					violations.add("m" + m + ": " + ex.getCause());
				}
			}
			if (random.nextInt(5) == 0) {
				mutex.afterWrite().join();
			}
			completedOn.computeIfAbsent(m, (key) -> new AtomicLong()).incrementAndGet();
			completionCounts.add(completions);
		}
	}

	/**
	 * Holds mutex {@code locked}'s keyspace row lock until operations on the other mutexes completed meanwhile (or
	 * no caller is left to run them).
	 */
	private static void holdLockWhileOthersProgress(PGSimpleDataSource database, int locked,
			Map<Integer, AtomicLong> completedOn) throws Exception {
		try (Connection locker = database.getConnection()) {
			locker.setAutoCommit(false);
			try (PreparedStatement lock = locker.prepareStatement("SELECT seq FROM " + prefix + "keyspace WHERE name = ? "
					+ "FOR UPDATE")) {
				lock.setString(1, KeyspaceNames.of(io.levelmutex.Keyspace.forMutex("m" + locked)));
				lock.executeQuery().close();
			}
			long before = othersCompleted(completedOn, locked);
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
				.until(() -> othersCompleted(completedOn, locked) > before || othersCompleted(completedOn, locked)
						+ completedOn.getOrDefault(locked, new AtomicLong()).get() >= CALLERS * (long) OPERATIONS);
			locker.rollback();
		}
	}

	private static long othersCompleted(Map<Integer, AtomicLong> completedOn, int locked) {
		long sum = 0;
		for (Map.Entry<Integer, AtomicLong> entry : completedOn.entrySet()) {
			if (entry.getKey() != locked) {
				sum += entry.getValue().get();
			}
		}
		return sum;
	}

}
