package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.RemoteChangeEvent;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.ProbeAccess;

/**
 * Where three nodes on ONE keyspace lose against one node (issue 19, item 4): the engine's blind puts at C=256 on
 * 1 and 3 {@code PostgresStore}s ({@code e1}, {@code e3}) side by side with {@link CombineRun}'s SQL-only route of
 * today ({@code s1}, {@code s3}: the same statements, one committer thread per node on its own connection, no
 * engine), in one JVM, on copies of {@link CombineProbe}'s one-keyspace template (100k 8-byte keys preloaded,
 * 100-byte values): the same keys, values, clients and server for both. Points alternate in rotated order every
 * round. For the engine's points it accounts per node batch over the window: the cycle (window / batches per
 * node), the flush ({@code writes} event to {@code flushed} event), the commit statement timed on the client (its
 * round trip, including the COMMIT after a released procedure returns, which pg_stat_statements leaves out),
 * flush statements, pool acquisitions (HikariCP's metrics tracker), the gap from {@code flushed} to the next
 * {@code writes}, the listener's catch-ups, hint statements and remote-change events, the JVM's CPU and run-queue
 * wait by thread kind ({@code /proc/self/task/&#42;/schedstat}: the cycle threads are those that fired
 * {@code flushed}), the server processes' CPU and run-queue wait, pg_stat_statements and pg_stat_activity samples.
 * Usage: {@code Pg3NodeProbe [--rounds 3] [--warmup-ms 2000] [--window-ms 4000] [--clients 256]
 * [--points e1,e3,s1,s3] [--out DIR]}. Owned by the main thread.
 */
public final class Pg3NodeProbe {

	private static final String MUTEX = "bench";

	private final PgServer server;

	private final CombineProbe combine;

	private final PrintStream report;

	private final int clients;

	private final long warmupMillis;

	private final long windowMillis;

	private int databases;

	private Pg3NodeProbe(PgServer server, CombineProbe combine, PrintStream report, int clients, long warmupMillis,
			long windowMillis) {
		this.server = server;
		this.combine = combine;
		this.report = report;
		this.clients = clients;
		this.warmupMillis = warmupMillis;
		this.windowMillis = windowMillis;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
		long warmup = Long.parseLong(options.getOrDefault("warmup-ms", "2000"));
		long window = Long.parseLong(options.getOrDefault("window-ms", "4000"));
		int clients = Integer.parseInt(options.getOrDefault("clients", "256"));
		// e1, e3: the engine on 1 or 3 nodes; e3c: 3 nodes, each on a channel of its own; s1, s3: SQL-only today
		List<String> points = Arrays.asList(options.getOrDefault("points", "e1,e3,s1,s3").split(","));
		PrintStream file = null;
		if (options.containsKey("out")) {
			Path out = Path.of(options.get("out"));
			Files.createDirectories(out);
			file = new PrintStream(Files.newOutputStream(out.resolve("pg3node.md")), true, StandardCharsets.UTF_8);
		}
		PrintStream report = CombineProbe.tee(System.out, file);
		try (PgServer server = PgServer.start()) {
			server.enableStatementStatistics();
			server.enableWalTiming();
			report.println("# Pg3NodeProbe " + String.join(" ", args));
			report.println("# " + server.describe());
			report.println("# load before: " + CombineProbe.load() + "; clients " + clients + ", warm-up " + warmup
					+ " ms, window " + window + " ms, " + CombineProbe.KEYS + " keys, 100-byte values");
			CombineProbe combine = new CombineProbe(server, report, CombineProbe.KEYS);
			combine.template(1);
			Pg3NodeProbe probe = new Pg3NodeProbe(server, combine, report, clients, warmup, window);
			Map<String, List<Double>> rates = new TreeMap<>();
			for (int round = 1; round <= rounds; round++) {
				List<String> order = new ArrayList<>(points);
				java.util.Collections.rotate(order, -(round - 1));
				report.println();
				report.println("## round " + round + " (order " + order + ")");
				Map<String, Double> ofRound = new HashMap<>();
				for (String point : order) {
					double rate;
					if (point.startsWith("e")) {
						boolean ownChannels = point.endsWith("c");
						rate = probe.engine(round, Integer.parseInt(point.substring(1, ownChannels ? point.length() - 1
								: point.length())), ownChannels);
					}
					else {
						report.println();
						report.println("SQL-only `today`, " + point.substring(1) + " node(s), in CombineProbe's format:");
						report.println();
						CombineRun.Result result = combine.point(round, 1, CombineDesign.TODAY,
								Integer.parseInt(point.substring(1)), clients, warmup, window);
						rate = result.rowsPerSecond();
					}
					ofRound.put(point, rate);
					rates.computeIfAbsent(point, (p) -> new ArrayList<>()).add(rate);
				}
				report.println();
				report.println(String.format(Locale.ROOT, "round %d ratios 3/1: engine %s, SQL-only %s", round,
						ratio(ofRound.get("e3"), ofRound.get("e1")), ratio(ofRound.get("s3"), ofRound.get("s1")))
						+ (ofRound.containsKey("e3c") ? ", engine on own channels " + ratio(ofRound.get("e3c"), ofRound.get("e1"))
								+ " (e3c/e3 " + ratio(ofRound.get("e3c"), ofRound.get("e3")) + ")" : ""));
			}
			report.println();
			report.println("rows/s per point over the rounds: " + rates);
		}
	}

	private static String ratio(Double a, Double b) {
		return (a == null || b == null || b == 0) ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
	}

	/** One node's instruments. */
	private static final class NodeProbe {

		final ProbeAccess.CommitTimings timings = new ProbeAccess.CommitTimings();

		final LongAdder acquisitions = new LongAdder();

		final LongAdder acquireNanos = new LongAdder();

		final LongAdder usageMillis = new LongAdder();

		final LongAdder flushNanos = new LongAdder();

		final LongAdder flushedEvents = new LongAdder();

		final LongAdder gapNanos = new LongAdder();

		final LongAdder gaps = new LongAdder();

		final LongAdder remoteEvents = new LongAdder();

		final LongAdder remoteSequences = new LongAdder();

		/** When the last flushed event fired; the mutex's cycle (one batch at a time). */
		volatile long lastFlushed;

		HikariDataSource pool;

		ProbeAccess.Node node;

		Mutex<byte[], byte[]> mutex;

		long[] snapshot() {
			MutexStats stats = this.mutex.stats();
			return new long[] { stats.batchesFlushed(), stats.writesFlushed(), this.flushNanos.sum(),
					this.timings.calls.sum(), this.timings.callNanos.sum(), this.timings.flushes.sum(),
					this.timings.flushNanos.sum(), this.acquisitions.sum(), this.acquireNanos.sum(), this.usageMillis.sum(),
					this.gapNanos.sum(), this.gaps.sum(), this.node.catchUps(), this.node.hintStatements(),
					this.node.durableFlushes(), this.remoteEvents.sum(), this.remoteSequences.sum(),
					this.flushedEvents.sum(), this.node.hintsCovered() };
		}

	}

	// indexes of NodeProbe.snapshot()
	private static final int BATCHES = 0, WRITES = 1, FLUSH_NS = 2, CALLS = 3, CALL_NS = 4, FLUSHES = 5, FLUSH_STMT_NS = 6,
			ACQ = 7, ACQ_NS = 8, USAGE_MS = 9, GAP_NS = 10, GAPS = 11, CATCH_UPS = 12, HINTS = 13, DURABLE_FLUSHES = 14,
			REMOTE_EVENTS = 15, REMOTE_SEQS = 16, FLUSHED_EVENTS = 17, COVERED = 18, FIELDS = 19;

	/** Native ids of the threads that fired {@code flushed} (the cycle threads that committed). */
	private final Set<Integer> cycleTids = ConcurrentHashMap.newKeySet();

	private final ThreadLocal<Boolean> tidKnown = ThreadLocal.withInitial(() -> Boolean.FALSE);

	private void noteCycleThread() {
		if (!this.tidKnown.get()) {
			this.tidKnown.set(Boolean.TRUE);
			try {
				String stat = Files.readString(Path.of("/proc/thread-self/stat"));
				this.cycleTids.add(Integer.parseInt(stat.substring(0, stat.indexOf(' '))));
			}
			catch (IOException | RuntimeException ex) {
				// no /proc: the cycle threads are not told apart
			}
		}
	}

	private double engine(int round, int nodeCount, boolean ownChannels) throws Exception {
		String name = "pg3node_" + (++this.databases);
		try (Connection admin = this.server.connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name + " TEMPLATE tpl_k1");
		}
		List<NodeProbe> nodes = new ArrayList<>();
		String loadBefore = CombineProbe.load();
		try {
			try (Connection connection = this.server.connect(name);
					PreparedStatement rename = connection.prepareStatement(
							"UPDATE level_mutex_keyspace SET name = ? WHERE name = 'bench-0'")) {
				rename.setString(1, ProbeAccess.keyspaceName(MUTEX));
				if (rename.executeUpdate() != 1) {
					throw new IllegalStateException("template without keyspace bench-0");
				}
			}
			for (int n = 0; n < nodeCount; n++) {
				NodeProbe node = new NodeProbe();
				node.pool = pool(name, "node-" + n, node);
				node.node = ProbeAccess.open(node.pool, node.timings, ownChannels ? "level_mutex_node" + n : null);
				node.mutex = node.node.store.mutex(MutexOptions.builder(MUTEX).build(), Codecs.bytes(), Codecs.bytes());
				node.mutex.addListener(new MutexListener() {

					@Override
					public void onWrites(WriteBatchEvent event) {
						long last = node.lastFlushed;
						if (last != 0) {
							node.gapNanos.add(System.nanoTime() - last);
							node.gaps.increment();
						}
					}

					@Override
					public void onFlushed(FlushEvent event) {
						node.flushNanos.add(event.duration().toNanos());
						node.flushedEvents.increment();
						noteCycleThread();
						node.lastFlushed = System.nanoTime();
					}

					@Override
					public void onRemoteChange(RemoteChangeEvent event) {
						node.remoteEvents.increment();
						node.remoteSequences.add(event.toSequence() - event.fromSequence() + 1);
					}

				});
				nodes.add(node);
			}
			return measure(round, name, nodes, loadBefore, ownChannels);
		}
		finally {
			for (NodeProbe node : nodes) {
				try {
					if (node.mutex != null) {
						node.mutex.close();
					}
					if (node.node != null) {
						node.node.close();
					}
				}
				finally {
					node.pool.close();
				}
			}
			this.server.dropDatabase(name);
		}
	}

	private HikariDataSource pool(String database, String poolName, NodeProbe node) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(this.server.jdbcUrl(database));
		config.setUsername(this.server.username());
		config.setPassword("");
		config.setPoolName(poolName);
		config.setMaximumPoolSize(PostgresMutexContender.POOL_PER_NODE);
		config.setMinimumIdle(PostgresMutexContender.POOL_PER_NODE);
		config.setAutoCommit(true);
		config.setConnectionTimeout(Duration.ofSeconds(60).toMillis());
		config.setMetricsTrackerFactory(new MetricsTrackerFactory() {
			@Override
			public IMetricsTracker create(String pool, com.zaxxer.hikari.metrics.PoolStats stats) {
				return new IMetricsTracker() {
					@Override
					public void recordConnectionAcquiredNanos(long nanos) {
						node.acquisitions.increment();
						node.acquireNanos.add(nanos);
					}

					@Override
					public void recordConnectionUsageMillis(long millis) {
						node.usageMillis.add(millis);
					}
				};
			}
		});
		return new HikariDataSource(config);
	}

	/** A closed loop of async clients, split round-robin among the nodes, as series Q's driver. */
	private static final class Clients {

		final List<NodeProbe> nodes;

		volatile boolean stopped;

		final CountDownLatch drained;

		final LongAdder completed = new LongAdder();

		final LongAdder failures = new LongAdder();

		final LongAdder latencyNanos = new LongAdder();

		final byte[][] keys;

		final byte[][] values;

		Clients(List<NodeProbe> nodes, int count, byte[][] keys, byte[][] values) {
			this.nodes = nodes;
			this.drained = new CountDownLatch(count);
			this.keys = keys;
			this.values = values;
		}

		void start(int count) {
			for (int c = 0; c < count; c++) {
				Mutex<byte[], byte[]> mutex = this.nodes.get(c % this.nodes.size()).mutex;
				SplittableRandom random = new SplittableRandom(1000 + c);
				issueNext(mutex, random);
			}
		}

		void issueNext(Mutex<byte[], byte[]> mutex, SplittableRandom random) {
			while (true) {
				if (this.stopped) {
					this.drained.countDown();
					return;
				}
				long start = System.nanoTime();
				java.util.concurrent.CompletableFuture<?> future = mutex.put(this.keys[random.nextInt(this.keys.length)],
						this.values[random.nextInt(this.values.length)]);
				if (!future.isDone()) {
					future.whenComplete((result, error) -> {
						done(start, error);
						issueNext(mutex, random);
					});
					return;
				}
				done(start, null);
			}
		}

		void done(long start, Throwable error) {
			if (error != null) {
				this.failures.increment();
			}
			this.completed.increment();
			this.latencyNanos.add(System.nanoTime() - start);
		}

	}

	private double measure(int round, String database, List<NodeProbe> nodes, String loadBefore, boolean ownChannels)
			throws Exception {
		Clients clients = new Clients(nodes, this.clients, this.combine.keys(), this.combine.values());
		clients.start(this.clients);
		Thread.sleep(this.warmupMillis);
		try (Connection stats = this.server.connect("postgres")) {
			List<Integer> serverPids = serverPids(stats);
			long dbid = databaseOid(stats, database);
			try (Statement statement = stats.createStatement()) {
				statement.execute("SELECT pg_stat_statements_reset()");
			}
			Map<String, long[]> threads0 = threads(this.cycleTids);
			long[] server0 = processes(serverPids);
			List<long[]> nodes0 = new ArrayList<>();
			for (NodeProbe node : nodes) {
				nodes0.add(node.snapshot());
			}
			long completed0 = clients.completed.sum();
			long latency0 = clients.latencyNanos.sum();
			WalStats wal0 = WalStats.read(stats);
			WaitEventSampler sampler = new WaitEventSampler(this.server, 10);
			sampler.start();
			long start = System.nanoTime();
			Thread.sleep(this.windowMillis);
			long elapsed = System.nanoTime() - start;
			String waits = sampler.stop();
			WalStats wal = WalStats.read(stats).minus(wal0);
			long[] server1 = processes(serverPids);
			Map<String, long[]> threads1 = threads(this.cycleTids);
			List<long[]> nodes1 = new ArrayList<>();
			for (NodeProbe node : nodes) {
				nodes1.add(node.snapshot());
			}
			long completed = clients.completed.sum() - completed0;
			long latency = clients.latencyNanos.sum() - latency0;
			String statements = statements(stats, dbid, Math.max(1, sum(nodes1, nodes0, BATCHES)));
			clients.stopped = true;
			if (!clients.drained.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("clients did not drain");
			}
			long[] sum = new long[FIELDS];
			for (int n = 0; n < nodes.size(); n++) {
				for (int f = 0; f < FIELDS; f++) {
					sum[f] += nodes1.get(n)[f] - nodes0.get(n)[f];
				}
			}
			double seconds = elapsed / 1e9;
			double batches = Math.max(1, sum[BATCHES]);
			int n = nodes.size();
			PrintStream out = this.report;
			out.println();
			out.println(String.format(Locale.ROOT, "### engine, %d node(s)%s, round %d (load %s -> %s)", n,
					ownChannels ? " on channels of their own (no listener woken by hints)" : "", round, loadBefore,
					CombineProbe.load()));
			out.println();
			out.println(String.format(Locale.ROOT,
					"- %.0f rows/s, %.0f node batches/s, %.1f rows/batch, latency mean %.0f us; failures %d",
					completed / seconds, sum[BATCHES] / seconds, sum[WRITES] / batches, latency / 1e3 / Math.max(1, completed),
					clients.failures.sum()));
			out.println(String.format(Locale.ROOT,
					"- per node batch (ms): cycle %.2f = flush %.2f + gap %.2f (flushed -> next writes event, %.2f gaps/batch);"
							+ " in the flush: commit statement (client) %.2f x %.2f/batch, flush statement %.2f x %.3f/batch,"
							+ " pool acquisition %.3f x %.2f/batch (usage %.2f ms per acquisition)",
					n * seconds * 1e3 / batches, sum[FLUSH_NS] / 1e6 / Math.max(1, sum[FLUSHED_EVENTS]),
					sum[GAP_NS] / 1e6 / Math.max(1, sum[GAPS]), sum[GAPS] / batches,
					sum[CALL_NS] / 1e6 / Math.max(1, sum[CALLS]), sum[CALLS] / batches,
					sum[FLUSH_STMT_NS] / 1e6 / Math.max(1, sum[FLUSHES]), sum[FLUSHES] / batches,
					sum[ACQ_NS] / 1e6 / Math.max(1, sum[ACQ]), sum[ACQ] / batches,
					sum[USAGE_MS] / (double) Math.max(1, sum[ACQ])));
			out.println(String.format(Locale.ROOT,
					"- listener and hints per node batch: %.3f catch-ups, %.3f hint statements (%.3f keyspace hints left out,"
							+ " covered), %.3f flush statements (all), %.3f remote-change events carrying %.2f sequences",
					sum[CATCH_UPS] / batches, sum[HINTS] / batches, sum[COVERED] / batches, sum[DURABLE_FLUSHES] / batches,
					sum[REMOTE_EVENTS] / batches, sum[REMOTE_SEQS] / batches));
			long[] serverDelta = { server1[0] - server0[0], server1[1] - server0[1], server1[2] - server0[2] };
			out.println(String.format(Locale.ROOT,
					"- server processes (%d): CPU %.0f us/batch (%.2f cores), run-queue wait %.0f us/batch, %.1f switches/batch",
					serverPids.size(), serverDelta[0] / 1e3 / batches, serverDelta[0] / (double) elapsed,
					serverDelta[1] / 1e3 / batches, serverDelta[2] / batches));
			out.println(String.format(Locale.ROOT, "- WAL: %.0f syncs/s, %.2f syncs per node batch, mean sync %.2f ms;"
					+ " per row %.2f records, %.0f bytes (insert position: %.0f), %.4f full-page images",
					wal.syncsPerSecond(), wal.syncsPerSecond() * seconds / batches, wal.meanSyncMillis(),
					wal.records() / (double) Math.max(1, sum[WRITES]), wal.bytes() / (double) Math.max(1, sum[WRITES]),
					wal.lsnBytes() / (double) Math.max(1, sum[WRITES]),
					wal.fullPageImages() / (double) Math.max(1, sum[WRITES])));
			out.println("- backends: " + waits);
			out.println("- JVM threads per node batch (CPU us, run-queue wait us, switches; `cycle*` = threads that"
					+ " fired flushed):");
			long[] jvm = new long[3];
			List<Map.Entry<String, long[]>> deltas = new ArrayList<>();
			threads1.forEach((kind, after) -> {
				long[] before = threads0.getOrDefault(kind, new long[3]);
				long[] d = { after[0] - before[0], after[1] - before[1], after[2] - before[2] };
				if (d[0] + d[1] > 0 && !kind.startsWith("pg-wait-event")) {
					deltas.add(Map.entry(kind, d));
					for (int i = 0; i < 3; i++) {
						jvm[i] += d[i];
					}
				}
			});
			deltas.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
			out.println(String.format(Locale.ROOT, "  - all: CPU %.0f (%.2f cores), wait %.0f, switches %.1f",
					jvm[0] / 1e3 / batches, jvm[0] / (double) elapsed, jvm[1] / 1e3 / batches, jvm[2] / batches));
			for (Map.Entry<String, long[]> e : deltas) {
				out.println(String.format(Locale.ROOT, "  - %s: CPU %.0f, wait %.0f, switches %.1f", e.getKey(),
						e.getValue()[0] / 1e3 / batches, e.getValue()[1] / 1e3 / batches, e.getValue()[2] / batches));
			}
			out.println("- statements (pg_stat_statements, window), calls per node batch, mean ms:");
			out.print(statements);
			return completed / seconds;
		}
	}

	private static long databaseOid(Connection connection, String database) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT oid FROM pg_database WHERE datname = ?")) {
			statement.setString(1, database);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	private static long sum(List<long[]> after, List<long[]> before, int field) {
		long sum = 0;
		for (int i = 0; i < after.size(); i++) {
			sum += after.get(i)[field] - before.get(i)[field];
		}
		return sum;
	}

	private static String statements(Connection connection, long dbid, long batches) throws SQLException {
		StringBuilder out = new StringBuilder();
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) FROM pg_stat_statements"
						+ " WHERE dbid = ? ORDER BY total_exec_time DESC LIMIT 8")) {
			statement.setLong(1, dbid);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					out.append(String.format(Locale.ROOT, "  - %.3f calls/batch, %.3f ms mean, %.0f ms total: `%s`%n",
							rows.getLong(1) / (double) batches, rows.getDouble(2) / Math.max(1, rows.getLong(1)), rows.getDouble(2),
							rows.getString(3).replace('|', '/')));
				}
			}
		}
		return out.toString();
	}

	private static List<Integer> serverPids(Connection connection) throws SQLException {
		List<Integer> pids = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")) {
			while (rows.next()) {
				pids.add(rows.getInt(1));
			}
		}
		return pids;
	}

	/** CPU ns, run-queue wait ns, context switches of the processes (schedstat), those gone left out. */
	private static long[] processes(List<Integer> pids) {
		long[] sum = new long[3];
		for (int pid : pids) {
			long[] s = schedstat(Path.of("/proc/" + pid));
			for (int i = 0; i < 3; i++) {
				sum[i] += s[i];
			}
		}
		return sum;
	}

	private static long[] schedstat(Path task) {
		try {
			String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
			return new long[] { Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]) };
		}
		catch (IOException | RuntimeException ex) {
			return new long[3];
		}
	}

	/**
	 * This JVM's threads by kind (name with numbers folded; cycle threads that fired flushed as {@code cycle*}):
	 * CPU ns, run-queue wait ns, timeslices.
	 */
	private static Map<String, long[]> threads(Set<Integer> cycleTids) throws IOException {
		Map<String, long[]> result = new TreeMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					int tid = Integer.parseInt(task.getFileName().toString());
					String comm = Files.readString(task.resolve("comm")).trim();
					String kind = cycleTids.contains(tid) ? "cycle* " + comm.replaceAll("[0-9]+", "N")
							: comm.replaceAll("[0-9]+", "N");
					long[] s = schedstat(task);
					long[] sum = result.computeIfAbsent(kind, (k) -> new long[3]);
					for (int i = 0; i < 3; i++) {
						sum[i] += s[i];
					}
				}
				catch (IOException | RuntimeException ex) {
					// ended meanwhile
				}
			}
		}
		return result;
	}

}
