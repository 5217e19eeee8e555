package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads as plans on PostgreSQL: a plan (a read phase, a batch's prefetched update reads) is ONE statement in
 * autocommit answering the sequence, every get and every bounded scan on one state; a mutex's read phase is one
 * statement, a batch of updates one read statement and one commit statement (none when every key it reads was
 * written by this node's last commits: {@link KnownWrites}); and a fallback read that raced
 * another node's commit is rejected at the commit and run again, never committed on a mixed state. Statements are
 * counted per thread (the listener and the after-commit worker run their own), on the test thread that runs the
 * mutex's cycles.
 */
class PlannedReadTest extends ClusterTestSupport {

	@Test
	void whenAPlanHoldsGetsAndScansThenOneStatementAnswersThemAllOnOneState() throws Exception {
		StatementLog log = new StatementLog(newDatabase());
		TestNode writer = TestNode.open(log, fastSettings(), true);
		PostgresKeyspace ks = writer.keyspace(KeyspaceNames.of(Keyspace.forMutex("plan")));
		byte[] high = { (byte) 0xff, (byte) 0xff };
		writer.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")), TestBatch.put(bytes("b"), bytes("2")),
				TestBatch.put(bytes("c"), bytes("3")), TestBatch.put(bytes("d"), bytes("4")), TestBatch.put(high, bytes("H")),
				TestBatch.put(bytes("gone"), bytes("x")))));
		writer.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("gone")))));
		PostgresEngine engine = PostgresEngine.open(log, fastSettings(), false);
		try {
			KeyspaceStorage storage = engine.open(Keyspace.forMutex("plan"), true, (from, to) -> {
			});
			ReadPlan plan = new ReadPlan(List.of(bytes("b"), bytes("zz"), bytes("a"), bytes("b"), bytes("gone")),
					List.of(new ReadPlan.Scan(new KeySpan(bytes("a"), null), 100, true),
							new ReadPlan.Scan(new KeySpan(bytes("a"), null), 2, false),
							new ReadPlan.Scan(new KeySpan(bytes("b"), bytes("d")), 1, false),
							new ReadPlan.Scan(new KeySpan(bytes("d"), bytes("b")), 5, true),
							new ReadPlan.Scan(new KeySpan(bytes("c"), bytes("c")), 5, false),
							new ReadPlan.Scan(new KeySpan(bytes("b"), bytes("d")), 10, true),
							new ReadPlan.Scan(new KeySpan(bytes("go"), bytes("gp")), 1, true)));
			int before = log.onThisThread();
			ReadResult result = storage.read(plan);
			assertThat(log.onThisThread() - before).as("statements for the whole plan").isEqualTo(1);
			assertThat(result.sequence()).isEqualTo(2);
			assertThat(result.values()).extracting((value) -> (value != null) ? text(value) : null)
				.containsExactly("2", null, "1", "2", null);
			assertThat(result.scans()).hasSize(7);
			assertThat(keys(result.scans().get(0))).containsExactly("a", "b", "c", "d", "\u00ff\u00ff");
			assertThat(keys(result.scans().get(1))).containsExactly("\u00ff\u00ff", "d");
			assertThat(keys(result.scans().get(2))).as("descending below the bound, limit 1").containsExactly("c");
			assertThat(result.scans().get(3)).as("inverted").isEmpty();
			assertThat(result.scans().get(4)).as("empty").isEmpty();
			assertThat(keys(result.scans().get(5))).containsExactly("b", "c");
			assertThat(result.scans().get(6)).as("a tombstone is no entry").isEmpty();
			int empty = log.onThisThread();
			assertThat(storage.read(ReadPlan.NONE).sequence()).isEqualTo(2);
			assertThat(log.onThisThread() - empty).isEqualTo(1);
			storage.close();
		}
		finally {
			engine.close();
		}
	}

	@Test
	void whenAMutexRunsAReadPhaseThenItIsOneStatementAndABatchOfUpdatesOneReadAndOneCommit() {
		StatementLog log = new StatementLog(newDatabase());
		MutexStore store = openStore(log);
		ManualCycles cycles = new ManualCycles();
		try {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("counters").executor(cycles).build(),
					Codecs.utf8(), Codecs.utf8());
			for (int i = 0; i < 16; i++) {
				mutex.put("c" + i, "0");
			}
			cycles.runAll();
			int before = log.onThisThread();
			CompletableFuture<Optional<String>> get = mutex.get("c1");
			CompletableFuture<Optional<String>> missing = mutex.get("nope");
			CompletableFuture<Optional<Entry<String, String>>> first = mutex.peekFirst(KeyRange.atLeast("c"));
			CompletableFuture<Optional<Entry<String, String>>> last = mutex.peekLast(KeyRange.all());
			CompletableFuture<List<Entry<String, String>>> scan = mutex.scan(KeyRange.closed("c1", "c3"), 2, true);
			cycles.runAll();
			assertThat(log.onThisThread() - before).as("statements of one read phase").isEqualTo(1);
			assertThat(get.join()).contains("0");
			assertThat(missing.join()).isEmpty();
			assertThat(first.join()).contains(new Entry<>("c0", "0"));
			assertThat(last.join()).contains(new Entry<>("c9", "0"));
			assertThat(scan.join()).extracting(Entry::key).containsExactly("c3", "c2");

			AtomicInteger runs = new AtomicInteger();
			List<CompletableFuture<Integer>> updates = new ArrayList<>();
			for (int i = 0; i < 256; i++) {
				String key = "c" + (i % 16);
				updates.add(mutex.update((ctx) -> {
					runs.incrementAndGet();
					int value = Integer.parseInt(ctx.get(key).orElse("0")) + 1;
					ctx.put(key, String.valueOf(value));
					return value;
				}));
			}
			int beforeUpdates = log.onThisThread();
			int readsBefore = log.reads.get();
			cycles.runAll();
			// every key read was written by this node's last commits, nothing newer seen: answered from KnownWrites
			assertThat(log.reads.get() - readsBefore).as("read statements of the batch of 256 updates of known keys")
				.isZero();
			assertThat(log.onThisThread() - beforeUpdates).as("statements of the batch: its commit").isEqualTo(1);
			assertThat(runs).as("each function: its prediction run and its real run").hasValue(512);
			assertThat(updates.get(255).join()).isEqualTo(16);
			CompletableFuture<Optional<String>> after = mutex.get("c15");
			cycles.runAll();
			assertThat(after.join()).contains("16");

			// keys this node never wrote: one read for the whole batch, then its commit
			runs.set(0);
			updates.clear();
			for (int i = 0; i < 256; i++) {
				String key = "d" + (i % 16);
				updates.add(mutex.update((ctx) -> {
					runs.incrementAndGet();
					int value = Integer.parseInt(ctx.get(key).orElse("0")) + 1;
					ctx.put(key, String.valueOf(value));
					return value;
				}));
			}
			beforeUpdates = log.onThisThread();
			readsBefore = log.reads.get();
			cycles.runAll();
			assertThat(log.reads.get() - readsBefore).as("read statements of the batch of 256 updates").isEqualTo(1);
			assertThat(log.onThisThread() - beforeUpdates).as("statements of the batch: its reads and its commit")
				.isEqualTo(2);
			assertThat(runs).as("each function: its prediction run and its real run").hasValue(512);
			assertThat(updates.get(255).join()).isEqualTo(16);
			mutex.closeAsync();
			cycles.runAll();
		}
		finally {
			store.close();
		}
	}

	@ParameterizedTest(name = "maxUpdateAttempts {0}")
	@ValueSource(ints = { 1, 3 })
	void whenAFallbackReadRacesAnotherNodesCommitThenTheUpdateIsRejectedAndRunsAgainOnTheNewState(int max) {
		PGSimpleDataSource database = newDatabase();
		MutexStore store = openStore(database);
		TestNode other = open(database);
		ManualCycles cycles = new ManualCycles();
		try {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("race").maxUpdateAttempts(max).executor(cycles)
				.build(), Codecs.utf8(), Codecs.utf8());
			mutex.put("ptr", "a");
			mutex.put("a", "1");
			mutex.put("b", "100");
			cycles.runAll();
			PostgresKeyspace ks = other.keyspace(KeyspaceNames.of(Keyspace.forMutex("race")));
			AtomicInteger strikes = new AtomicInteger();
			List<Integer> attempts = new ArrayList<>();
			CompletableFuture<String> update = mutex.update((ctx) -> {
				Optional<String> pointer = ctx.get("ptr"); // prefetched: the prediction reads it too
				if (pointer.isEmpty()) {
					return "prediction"; // the prediction run: the recording snapshot has nothing
				}
				if (strikes.getAndIncrement() == 0) {
					// another node commits between this batch's prefetch and the fallback read below
					other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("ptr"), bytes("b")),
							TestBatch.put(bytes("a"), bytes("50")))));
				}
				String target = pointer.get();
				int value = Integer.parseInt(ctx.get(target).orElseThrow()); // not predicted: a fallback read
				attempts.add(ctx.attempt());
				ctx.put(target, String.valueOf(value + 1));
				return target + "=" + (value + 1);
			});
			cycles.runAll();
			CompletableFuture<Optional<String>> a = mutex.get("a");
			CompletableFuture<Optional<String>> b = mutex.get("b");
			cycles.runAll();
			assertThat(attempts).as("the first attempt read the new 'a' (50) with the old 'ptr'").startsWith(1);
			if (max == 1) {
				assertThatThrownBy(update::join).hasCauseInstanceOf(WriteConflictException.class);
				assertThat(a.join()).as("the mixed state was not committed").contains("50");
				assertThat(b.join()).contains("100");
			}
			else {
				assertThat(update.join()).isEqualTo("b=101");
				assertThat(a.join()).contains("50");
				assertThat(b.join()).contains("101");
				assertThat(attempts).containsExactly(1, 2);
			}
			mutex.closeAsync();
			cycles.runAll();
		}
		finally {
			store.close();
		}
	}

	private static List<String> keys(List<KeyValue> entries) {
		List<String> keys = new ArrayList<>();
		for (KeyValue entry : entries) {
			keys.add(new String(entry.key(), java.nio.charset.StandardCharsets.ISO_8859_1));
		}
		return keys;
	}

	/** Runs the mutex's cycles on the test thread, when the test says so. */
	private static final class ManualCycles implements Executor {

		private final Queue<Runnable> tasks = new ArrayDeque<>();

		@Override
		public synchronized void execute(Runnable command) {
			this.tasks.add(command);
		}

		void runAll() {
			Runnable task;
			while ((task = poll()) != null) {
				task.run();
			}
		}

		private synchronized Runnable poll() {
			return this.tasks.poll();
		}

	}

	/**
	 * Counts the statements executed, per thread, and the planned-read statements ({@code unnest} of a plan), on
	 * connections of the given DataSource.
	 */
	private static final class StatementLog extends ForwardingDataSource {

		final ConcurrentLinkedQueue<Thread> executions = new ConcurrentLinkedQueue<>();

		final AtomicInteger reads = new AtomicInteger();

		StatementLog(DataSource target) {
			super(target);
		}

		/** Statements executed so far by the calling thread. */
		int onThisThread() {
			Thread me = Thread.currentThread();
			int count = 0;
			for (Thread thread : this.executions) {
				if (thread == me) {
					count++;
				}
			}
			return count;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return wrap(this.target.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return wrap(this.target.getConnection(username, password));
		}

		private Connection wrap(Connection connection) {
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().equals("unwrap")) {
							return connection.unwrap((Class<?>) args[0]);
						}
						Object result = invoke(connection, method, args);
						if (result instanceof java.sql.Statement statement) {
							boolean read = args != null && args.length > 0 && args[0] instanceof String sql
									&& sql.startsWith("SELECT 0 AS part");
							return wrapStatement(statement, method.getReturnType(), read);
						}
						return result;
					});
		}

		private Object wrapStatement(java.sql.Statement statement, Class<?> type, boolean read) {
			return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type },
					(proxy, method, args) -> {
						if (method.getName().startsWith("execute")) {
							this.executions.add(Thread.currentThread());
							if (read) {
								this.reads.incrementAndGet();
							}
						}
						return invoke(statement, method, args);
					});
		}

		private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
