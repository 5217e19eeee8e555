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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.jspecify.annotations.Nullable;

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
 * Update points (issue 19, known writes at 3 nodes): {@code u1k}, {@code u3k} (known writes on, the default) and
 * {@code u1n}, {@code u3n} (off: {@code -Dio.levelmutex.postgres.knownWrites=false}, set for the point's stores
 * only) run W2-style {@code update()}s (read a key's revision, write the next) on the first {@value #UPDATE_KEYS}
 * keys, the same clients; they report rejected attempts (the mutexes' {@code conflicts}) per update, read
 * statements per update and the lost updates (the revisions' sum against the updates completed);
 * {@code --update-keys N} updates the first N keys instead (1: one hot key).
 * {@code e1o}, {@code e3o} (and {@code u3ko}, ...): the point with {@code -Dio.levelmutex.postgres.releasedOnGaps=false}
 * for its stores only (the contended route before its gap rule), the A/B of that rule in one JVM.
 * {@code u3kf}, {@code u1kf} (an update point with the suffix {@code f}): the point with
 * {@code -Dio.levelmutex.postgres.readFlushPositions=false} for its stores only (a read that saw a batch committed
 * without its flush always flushes, as before the reads returned the WAL positions), the A/B of that rule; every
 * engine point reports its read path per read phase (planned reads and their client time, reads that saw such a
 * batch, and how many of those found the WAL flushed already or flushed).
 * {@code e1h}, {@code e3h}: the point with {@code -Dio.levelmutex.postgres.keepHeap=false} for its stores only (the
 * batch commits without their heap keeping: each backend's glibc heap trimmed and re-grown around its commits as
 * before), the A/B of that change; every engine point reports the server processes' minor page faults per batch and
 * their CPU by role. {@code -Dpg3.perfDir=DIR}: {@code perf record -g} of the server's processes over each window
 * (files {@code eN[o|w|h]-rR.data}).
 * {@code e1w}, {@code e3w}: the point with {@code -Dio.levelmutex.postgres.drainNotifications=false} and
 * {@code -Dio.levelmutex.postgres.hintWorkerSleeps=false} for its stores only (each listener reads every
 * notification as it arrives, and a commit wakes the hint worker within its spacing: the rules before), the A/B;
 * every engine point reports the listeners' wake-ups, notification reads and notifications heard per node batch.
 * {@code e1r}, {@code e3r}: the point with {@code -Dio.levelmutex.postgres.ownRepliesCoverCatchUps=false} for its
 * stores only (every hint beyond the last own sequence takes a catch-up statement: the rule before), the A/B; every
 * engine point reports the listeners' deliveries covered by own commits (no statement) and waits for such a cover.
 * {@code e1f80}, {@code e3f100} ({@code eNfFF}): the point with the entry table's fillfactor set to FF on its copy
 * ({@code ALTER TABLE ... SET (fillfactor = FF)}, {@code VACUUM FULL}: the preloaded pages rewritten at it) before
 * its stores open, the A/B of a fillfactor (compare with {@code eNf100}, rewritten the same way); {@code e1f70-100}:
 * rewritten at 70, then run at 100 (PostgreSQL's pruning threshold follows the table's fillfactor); such a point
 * reports the table's pages before and after and its updates, HOT updates and autovacuum runs over the point.
 * Usage: {@code Pg3NodeProbe [--rounds 3] [--warmup-ms 2000] [--window-ms 4000] [--clients 256]
 * [--points e1,e3,s1,s3] [--update-keys 1000] [--out DIR]}. Owned by the main thread.
 */
public final class Pg3NodeProbe {

	private static final String MUTEX = "bench";

	/** Keys the update points update by default (W2's 1k; {@code --update-keys}). */
	static final int UPDATE_KEYS = 1000;

	/** Keys the update points update ({@code --update-keys}, default {@value #UPDATE_KEYS}); set by main. */
	private static int updateKeys = UPDATE_KEYS;

	/** Attempts of an update before it fails with a conflict (as series Q's W2). */
	private static final int UPDATE_ATTEMPTS = 16;

	private final PgServer server;

	private final CombineProbe combine;

	private final PrintStream report;

	private final int clients;

	private final long warmupMillis;

	private final long windowMillis;

	private int databases;

	/**
	 * Whether the next point's stores run with the reads' WAL positions off
	 * ({@code -Dio.levelmutex.postgres.readFlushPositions=false}: a read that saw a batch committed without its
	 * flush always flushes); the {@code f} suffix of an update point ({@code u3kf}, {@code u1kf}). Main thread.
	 */
	private boolean positionsOff;

	/**
	 * Whether the next engine point's listeners read notifications as they arrive ({@code e1w}, {@code e3w}:
	 * {@code -Dio.levelmutex.postgres.drainNotifications=false} for its stores only); main thread.
	 */
	private boolean eagerListener;

	/**
	 * Whether the next engine point's stores run without the commits' heap keeping
	 * ({@code -Dio.levelmutex.postgres.keepHeap=false}; the {@code h} suffix: {@code e1h}, {@code e3h}); main thread.
	 */
	private boolean heapOff;

	/** A label the next point's perf file carries after its name (a switch's suffix); main thread. */
	private String pointSuffix = "";
	/** An engine point with the entry table's fillfactor set: {@code e1f80}, {@code e3f100} (node count, fillfactor). */
	private static final Pattern FILL_POINT = Pattern.compile("(e[0-9]+)f([0-9]+)(?:-([0-9]+))?");

	/**
	 * The entry table's fillfactor for the next engine point ({@code eNfFF}: {@code ALTER TABLE ... SET (fillfactor
	 * = FF)} and {@code VACUUM FULL} on the point's copy before its stores open, so the preloaded pages are
	 * rewritten at it); null: the template's table as it is. Main thread.
	 */
	private @Nullable Integer fillfactor;

	/**
	 * The fillfactor the next {@code eNfFF-RR} point's table runs with after the rewrite at FF (RR: PostgreSQL's
	 * pruning threshold and later inserts follow it); null: FF. Main thread.
	 */
	private @Nullable Integer runFillfactor;

	/** Whether the next engine point's listeners run with own replies covering nothing ({@code e3r}); main thread. */
	private boolean coverOff;

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
		updateKeys = Integer.parseInt(options.getOrDefault("update-keys", String.valueOf(UPDATE_KEYS)));
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
						Matcher fill = FILL_POINT.matcher(point);
						probe.fillfactor = fill.matches() ? Integer.valueOf(fill.group(2)) : null;
						probe.runFillfactor = fill.matches() && fill.group(3) != null ? Integer.valueOf(fill.group(3)) : null;
						String engineName = fill.matches() ? fill.group(1) : point;
						boolean ownChannels = point.endsWith("c");
						boolean oldRoute = point.endsWith("o");
						probe.eagerListener = point.endsWith("w");
						probe.heapOff = point.endsWith("h");
						probe.coverOff = point.endsWith("r");
						probe.pointSuffix = probe.heapOff ? "h" : probe.coverOff ? "r"
								: probe.fillfactor != null ? "f" + probe.fillfactor
										+ (probe.runFillfactor != null ? "-" + probe.runFillfactor : "") : "";
						rate = probe.engine(round, Integer.parseInt(engineName.replaceAll("[^0-9]", "")), ownChannels, null,
								oldRoute);
						probe.fillfactor = null;
						probe.runFillfactor = null;
						probe.eagerListener = false;
						probe.heapOff = false;
						probe.coverOff = false;
						probe.pointSuffix = "";
					}
					else if (point.startsWith("u")) {
						boolean oldRoute = point.endsWith("o");
						String digits = point.replaceAll("[^0-9]", "");
						probe.positionsOff = point.endsWith("f");
						rate = probe.engine(round, Integer.parseInt(digits), false, !point.contains("n"), oldRoute);
						probe.positionsOff = false;
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
								+ " (e3c/e3 " + ratio(ofRound.get("e3c"), ofRound.get("e3")) + ")" : "")
						+ ((ofRound.containsKey("u3k") || ofRound.containsKey("u1k")) ? ", updates known on / off: 3 nodes "
								+ ratio(ofRound.get("u3k"), ofRound.get("u3n")) + ", 1 node "
								+ ratio(ofRound.get("u1k"), ofRound.get("u1n")) : "")
						+ ((ofRound.containsKey("u3kf") || ofRound.containsKey("u1kf")) ? ", read positions on / off: 3 nodes "
								+ ratio(ofRound.get("u3k"), ofRound.get("u3kf")) + ", 1 node "
								+ ratio(ofRound.get("u1k"), ofRound.get("u1kf")) + "; 3/1 on " + ratio(ofRound.get("u3k"), ofRound.get("u1k"))
								+ ", off " + ratio(ofRound.get("u3kf"), ofRound.get("u1kf")) : "")
						+ (ofRound.containsKey("e3h") ? ", keep heap on / off: 3 nodes " + ratio(ofRound.get("e3"), ofRound.get("e3h"))
								+ ", 1 node " + ratio(ofRound.get("e1"), ofRound.get("e1h")) + " (3/1 on " + ratio(ofRound.get("e3"),
										ofRound.get("e1")) + ", off " + ratio(ofRound.get("e3h"), ofRound.get("e1h")) + ")" : "")
						+ (ofRound.containsKey("e3w") ? ", listener drain on / off: 3 nodes "
								+ ratio(ofRound.get("e3"), ofRound.get("e3w")) + " (e3w/e1 " + ratio(ofRound.get("e3w"),
										ofRound.get("e1")) + ")" : "")
						+ (ofRound.containsKey("e3r") ? ", own replies cover on / off: 3 nodes "
								+ ratio(ofRound.get("e3"), ofRound.get("e3r")) + " (e3r/e1 " + ratio(ofRound.get("e3r"),
										ofRound.get("e1")) + ")" : "")
						+ (ofRound.containsKey("e3o") ? ", gap rule on / off: 3 nodes " + ratio(ofRound.get("e3"), ofRound.get("e3o"))
								+ " (e3o/e1 " + ratio(ofRound.get("e3o"), ofRound.get("e1")) + ", e3o/e1o "
								+ ratio(ofRound.get("e3o"), ofRound.get("e1o")) + ")" : ""));
				StringBuilder fills = new StringBuilder();
				for (String point : order) {
					Matcher fill = FILL_POINT.matcher(point);
					if (fill.matches() && fill.group(1).equals("e1")) {
						String three = "e3" + point.substring(2);
						fills.append(fills.length() == 0 ? "" : "; ").append("fillfactor ").append(point.substring(3))
								.append(": 3/1 ").append(ratio(ofRound.get(three), ofRound.get(point))).append(", 1 node / e1f100 ")
								.append(ratio(ofRound.get(point), ofRound.get("e1f100"))).append(", 3 nodes / e3f100 ")
								.append(ratio(ofRound.get(three), ofRound.get("e3f100")));
					}
				}
				if (fills.length() > 0) {
					report.println("round " + round + " " + fills);
				}
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
					this.flushedEvents.sum(), this.node.hintsCovered(), this.node.unflushedReads()[0],
					this.node.unflushedReads()[1], this.node.reads()[0], this.node.reads()[1], stats.readPhases(),
					this.node.notificationsHeard(), this.node.notificationReads(), this.node.listenerWakeUps(),
					this.node.hintWorkerWakeUps(), this.node.coveredDeliveries(), this.node.coverWaits() };
		}

	}

	// indexes of NodeProbe.snapshot()
	private static final int BATCHES = 0, WRITES = 1, FLUSH_NS = 2, CALLS = 3, CALL_NS = 4, FLUSHES = 5, FLUSH_STMT_NS = 6,
			ACQ = 7, ACQ_NS = 8, USAGE_MS = 9, GAP_NS = 10, GAPS = 11, CATCH_UPS = 12, HINTS = 13, DURABLE_FLUSHES = 14,
			REMOTE_EVENTS = 15, REMOTE_SEQS = 16, FLUSHED_EVENTS = 17, COVERED = 18,
			UNFLUSHED_READS = 19, FLUSHED_BY_POSITION = 20, READS = 21, READ_NS = 22, READ_PHASES = 23, HEARD = 24,
			NOTE_READS = 25, WAKE_UPS = 26, HINT_WAKE_UPS = 27, COVERED_DELIVERIES = 28, COVER_WAITS = 29,
			FIELDS = 30;

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

	/**
	 * One engine point.
	 * @param known null: blind puts; otherwise W2 updates with known writes on (true) or off (false)
	 * @param oldRoute whether the point's stores commit with the contended route's rule before the gap rule
	 * ({@code -Dio.levelmutex.postgres.releasedOnGaps=false}: back to the function after every released run)
	 */
	private double engine(int round, int nodeCount, boolean ownChannels, Boolean known, boolean oldRoute)
			throws Exception {
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
			if (this.fillfactor != null) {
				try (Connection connection = this.server.connect(name); Statement statement = connection.createStatement()) {
					statement.execute("ALTER TABLE level_mutex_entry SET (fillfactor = " + this.fillfactor + ")");
					statement.execute("VACUUM FULL level_mutex_entry");
					statement.execute("ANALYZE level_mutex_entry");
					if (this.runFillfactor != null) {
						statement.execute("ALTER TABLE level_mutex_entry SET (fillfactor = " + this.runFillfactor + ")");
					}
				}
			}
			long[] table0 = this.fillfactor != null ? entryTable(name) : null;
			String knownBefore = System.getProperty(KNOWN_WRITES);
			String routeBefore = System.getProperty(RELEASED_ON_GAPS);
			if (known != null) {
				System.setProperty(KNOWN_WRITES, known.toString()); // read as each store opens its keyspace
			}
			if (oldRoute) {
				System.setProperty(RELEASED_ON_GAPS, "false"); // read as each store opens its keyspace
			}
			String positionsBefore = System.getProperty(READ_POSITIONS);
			if (this.positionsOff) {
				System.setProperty(READ_POSITIONS, "false"); // read as each node's engine opens
			}
			String heapBefore = System.getProperty(KEEP_HEAP);
			if (this.heapOff) {
				System.setProperty(KEEP_HEAP, "false"); // read as each node's engine makes its statements
			}
			String drainBefore = System.getProperty(DRAIN);
			String coverBefore = System.getProperty(COVER);
			if (this.coverOff) {
				System.setProperty(COVER, "false"); // read as each store's engine makes its listener
			}
			String sleepsBefore = System.getProperty(SLEEPS);
			if (this.eagerListener) {
				System.setProperty(DRAIN, "false"); // read as each store's engine makes its listener
				System.setProperty(SLEEPS, "false"); // and its after-commit worker
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
			restore(KNOWN_WRITES, knownBefore);
			restore(RELEASED_ON_GAPS, routeBefore);
			restore(READ_POSITIONS, positionsBefore);
			restore(DRAIN, drainBefore);
			restore(KEEP_HEAP, heapBefore);
			restore(COVER, coverBefore);
			restore(SLEEPS, sleepsBefore);
			if (this.fillfactor != null) { // again: a schema script the stores ran on opening may have set its own
				try (Connection connection = this.server.connect(name); Statement statement = connection.createStatement()) {
					statement.execute("ALTER TABLE level_mutex_entry SET (fillfactor = "
							+ (this.runFillfactor != null ? this.runFillfactor : this.fillfactor) + ")");
				}
			}
			double rate = measure(round, name, nodes, loadBefore, ownChannels, known, oldRoute);
			if (table0 != null) {
				Thread.sleep(1100); // the backends' table statistics reach the shared counters at most once a second
				long[] table1 = entryTable(name);
				long updates = table1[0] - table0[0];
				long hot = table1[1] - table0[1];
				this.report.println(String.format(Locale.ROOT,
						"entry table (fillfactor %d, then %d): %d pages before the point, %d after; over the point (warm-up, window, "
								+ "to 1 s after) %d updates, %d HOT (%.3f), %d inserts, %d autovacuums",
						this.fillfactor, this.runFillfactor != null ? this.runFillfactor : this.fillfactor, table0[3], table1[3], updates, hot, updates == 0 ? 0.0 : (double) hot / updates,
						table1[2] - table0[2], table1[4] - table0[4]));
			}
			return rate;
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

	/** The entry table's updates, HOT updates, inserts, pages and autovacuum runs in a point's database. */
	private long[] entryTable(String database) throws SQLException {
		try (Connection connection = this.server.connect(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT n_tup_upd, n_tup_hot_upd, n_tup_ins,"
						+ " pg_relation_size(relid) / current_setting('block_size')::bigint, autovacuum_count"
						+ " FROM pg_stat_user_tables WHERE relname = 'level_mutex_entry'")) {
			if (!result.next()) {
				throw new IllegalStateException("no entry table in " + database);
			}
			return new long[] { result.getLong(1), result.getLong(2), result.getLong(3), result.getLong(4),
					result.getLong(5) };
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

	private static final String KNOWN_WRITES = "io.levelmutex.postgres.knownWrites";

	private static final String RELEASED_ON_GAPS = "io.levelmutex.postgres.releasedOnGaps";

	private static final String READ_POSITIONS = "io.levelmutex.postgres.readFlushPositions";
	private static final String KEEP_HEAP = "io.levelmutex.postgres.keepHeap";

	private static final String DRAIN = "io.levelmutex.postgres.drainNotifications";

	private static final String SLEEPS = "io.levelmutex.postgres.hintWorkerSleeps";

	private static final String COVER = "io.levelmutex.postgres.ownRepliesCoverCatchUps";

	private static void restore(String property, String before) {
		if (before == null) {
			System.clearProperty(property);
		}
		else {
			System.setProperty(property, before);
		}
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

		/** Whether the clients update (W2) the first {@code --update-keys} keys instead of putting. */
		final boolean update;

		final LongAdder updateConflicts = new LongAdder();

		Clients(List<NodeProbe> nodes, int count, byte[][] keys, byte[][] values, boolean update) {
			this.nodes = nodes;
			this.drained = new CountDownLatch(count);
			this.keys = update ? Arrays.copyOf(keys, updateKeys) : keys;
			this.values = values;
			this.update = update;
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
				byte[] key = this.keys[random.nextInt(this.keys.length)];
				byte[] value = this.values[random.nextInt(this.values.length)];
				java.util.concurrent.CompletableFuture<?> future = this.update
						? mutex.update(PostgresMutexContender.nextRevision(key, value), UPDATE_ATTEMPTS)
						: mutex.put(key, value);
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
			Throwable cause = (error instanceof java.util.concurrent.CompletionException && error.getCause() != null)
					? error.getCause() : error;
			if (cause instanceof io.levelmutex.WriteConflictException) {
				this.updateConflicts.increment(); // nothing written: not a lost update
			}
			else if (error != null) {
				this.failures.increment();
			}
			this.completed.increment();
			this.latencyNanos.add(System.nanoTime() - start);
		}

	}

	private double measure(int round, String database, List<NodeProbe> nodes, String loadBefore, boolean ownChannels,
			Boolean known, boolean oldRoute) throws Exception {
		boolean update = known != null;
		Clients clients = new Clients(nodes, this.clients, this.combine.keys(), this.combine.values(), update);
		long revisions0 = update ? revisions(nodes.get(0).mutex, clients.keys) : 0;
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
			long faults0 = minorFaults(serverPids);
			List<long[]> nodes0 = new ArrayList<>();
			for (NodeProbe node : nodes) {
				nodes0.add(node.snapshot());
			}
			long completed0 = clients.completed.sum();
			long latency0 = clients.latencyNanos.sum();
			long[] mutex0 = mutexCounters(nodes);
			WalStats wal0 = WalStats.read(stats);
			Map<Integer, String> roles0 = roles(stats);
			Map<Integer, long[]> perBackend0 = perProcess(roles0.keySet());
			WaitEventSampler sampler = new WaitEventSampler(this.server, 10);
			sampler.start();
			Process perf = startPerf(round, nodes.size(), oldRoute, serverPids);
			long start = System.nanoTime();
			Thread.sleep(this.windowMillis);
			long elapsed = System.nanoTime() - start;
			if (perf != null && !perf.waitFor(60, TimeUnit.SECONDS)) {
				perf.destroy();
			}
			Map<Integer, long[]> perBackend1 = perProcess(roles0.keySet());
			Map<Integer, String> roles1 = roles(stats);
			String waits = sampler.stop();
			WalStats wal = WalStats.read(stats).minus(wal0);
			long[] server1 = processes(serverPids);
			long faults1 = minorFaults(serverPids);
			Map<String, long[]> threads1 = threads(this.cycleTids);
			List<long[]> nodes1 = new ArrayList<>();
			for (NodeProbe node : nodes) {
				nodes1.add(node.snapshot());
			}
			long completed = clients.completed.sum() - completed0;
			long latency = clients.latencyNanos.sum() - latency0;
			long[] mutex1 = mutexCounters(nodes);
			String statements = statements(stats, dbid, Math.max(1, sum(nodes1, nodes0, BATCHES)));
			long readStatements = calls(stats, dbid, "SELECT 0 AS part%");
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
			out.println(String.format(Locale.ROOT, "### engine, %d node(s)%s%s%s, round %d (load %s -> %s)", n,
					ownChannels ? " on channels of their own (no listener woken by hints)" : "",
					(oldRoute ? ", contended route WITHOUT the gap rule (releasedOnGaps=false)" : "")
							+ (this.heapOff ? ", heap keeping OFF (keepHeap=false)" : "")
							+ (this.eagerListener ? ", listener and hint worker woken by every notification / commit (drainNotifications=false,"
									+ " hintWorkerSleeps=false)"
									: "")
							+ (this.coverOff ? ", own replies cover no catch-up (ownRepliesCoverCatchUps=false)" : ""),
					update ? ", W2 update() on " + updateKeys + " keys, C=" + this.clients + ", known writes "
							+ (known ? "ON" : "OFF") + (this.positionsOff ? ", read WAL positions OFF (readFlushPositions=false)"
									: ", read WAL positions on") : "",
					round, loadBefore, CombineProbe.load()));
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
							+ " covered), %.3f flush statements (all), %.3f remote-change events carrying %.2f sequences;"
							+ " listener %.3f wake-ups, %.3f notification reads, %.3f notifications heard; hint worker woken"
							+ " by %.3f commits",
					sum[CATCH_UPS] / batches, sum[HINTS] / batches, sum[COVERED] / batches, sum[DURABLE_FLUSHES] / batches,
					sum[REMOTE_EVENTS] / batches, sum[REMOTE_SEQS] / batches, sum[WAKE_UPS] / batches,
					sum[NOTE_READS] / batches, sum[HEARD] / batches, sum[HINT_WAKE_UPS] / batches));
			out.println(String.format(Locale.ROOT,
					"- own replies cover: %.3f deliveries without a statement, %.3f waits for a cover, per node batch",
					sum[COVERED_DELIVERIES] / batches, sum[COVER_WAITS] / batches));
			double reads = Math.max(1, sum[READS]);
			out.println(String.format(Locale.ROOT,
					"- read path (an update()'s reads are one planned read before its batch): %.3f planned reads per node"
							+ " batch (%d in the window, client %.3f ms each, flush included; %.3f plain read phases/batch);"
							+ " per planned read %.3f saw a batch committed without its flush and not known durable, of"
							+ " which %.3f found the WAL flushed past it (no flush) and %.3f flushed",
					sum[READS] / batches, sum[READS], sum[READ_NS] / 1e6 / reads, sum[READ_PHASES] / batches,
					sum[UNFLUSHED_READS] / reads, sum[FLUSHED_BY_POSITION] / reads,
					(sum[UNFLUSHED_READS] - sum[FLUSHED_BY_POSITION]) / reads));
			long[] serverDelta = { server1[0] - server0[0], server1[1] - server0[1], server1[2] - server0[2] };
			out.println(String.format(Locale.ROOT,
					"- server processes (%d): CPU %.0f us/batch (%.2f cores), run-queue wait %.0f us/batch, %.1f switches/batch,"
							+ " %.1f minor page faults/batch",
					serverPids.size(), serverDelta[0] / 1e3 / batches, serverDelta[0] / (double) elapsed,
					serverDelta[1] / 1e3 / batches, serverDelta[2] / batches, (faults1 - faults0) / batches));
			out.println("- server CPU by backend role (us per node batch, switches per batch; role from pg_stat_activity at"
					+ " the window's end: backend_type, the listener's application_name, or the last statement): "
					+ byRole(roles0, roles1, perBackend0, perBackend1, batches));
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
			if (update) {
				long succeeded = clients.completed.sum() - clients.updateConflicts.sum() - clients.failures.sum();
				long lost = succeeded - (revisions(nodes.get(0).mutex, clients.keys) - revisions0);
				out.println(String.format(Locale.ROOT,
						"- updates: %d in the window; per update %.4f rejected attempts (conflicts), %.4f read statements"
								+ " (PlanReader's, pg_stat_statements); %d failed with a conflict after %d attempts (whole run);"
								+ " lost updates %d (revisions' sum against %d successful updates, whole run)",
						completed, (mutex1[0] - mutex0[0]) / (double) Math.max(1, completed),
						readStatements / (double) Math.max(1, completed), clients.updateConflicts.sum(),
						UPDATE_ATTEMPTS, lost, succeeded));
			}
			return completed / seconds;
		}
	}

	/** Calls of the statements like {@code pattern} in the database since the last reset. */
	private static long calls(Connection connection, long dbid, String pattern) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = ? AND query LIKE ?")) {
			statement.setLong(1, dbid);
			statement.setString(2, pattern);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	/** conflicts, read phases, reads executed, summed over the nodes' mutexes. */
	private static long[] mutexCounters(List<NodeProbe> nodes) {
		long[] sum = new long[3];
		for (NodeProbe node : nodes) {
			MutexStats stats = node.mutex.stats();
			sum[0] += stats.conflicts();
			sum[1] += stats.readPhases();
			sum[2] += stats.readsExecuted();
		}
		return sum;
	}

	/** The sum of the keys' revisions (W2 values), read through one node. */
	private static long revisions(Mutex<byte[], byte[]> mutex, byte[][] keys) {
		long sum = 0;
		for (byte[] key : keys) {
			byte[] value = mutex.get(key).join().orElse(null);
			sum += (value == null) ? 0 : io.levelmutex.benchmarks.Workload.Revisions.of(value);
		}
		return sum;
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

	/**
	 * The server's processes (but this connection) by role: a background process by its backend_type, the
	 * engine's listener by its application_name, a client backend by its last statement (commit function,
	 * released procedure, flush, hint, catch-up, read, other).
	 */
	private static Map<Integer, String> roles(Connection connection) throws SQLException {
		Map<Integer, String> roles = new TreeMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT pid, coalesce(backend_type, ''), coalesce(application_name, ''),"
						+ " coalesce(query, '') FROM pg_stat_activity WHERE pid <> pg_backend_pid()")) {
			while (rows.next()) {
				String type = rows.getString(2);
				String application = rows.getString(3);
				String query = rows.getString(4);
				String role;
				if (!"client backend".equals(type)) {
					role = type.replace(' ', '_');
				}
				else if (application.contains("listener")) {
					role = "listener";
				}
				else if (query.contains("pg_notify")) {
					role = "hint-worker";
				}
				else if (query.contains("commit_released") || query.contains("commit_joined")) {
					role = "committer(procedure)";
				}
				else if (query.contains("synchronous_commit")) {
					role = "committer(flush)";
				}
				else if (query.contains("commit")) {
					role = "committer(function)";
				}
				else if (query.isEmpty()) {
					role = "idle-new";
				}
				else {
					String q = query.replaceAll("\\s+", " ");
					role = "other:" + q.substring(0, Math.min(28, q.length()));
				}
				roles.put(rows.getInt(1), role);
			}
		}
		return roles;
	}

	/** Minor page faults of the processes ({@code /proc/PID/stat} field 10), those gone left out. */
	private static long minorFaults(List<Integer> pids) {
		long sum = 0;
		for (int pid : pids) {
			try {
				String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
				String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				sum += Long.parseLong(fields[7]); // field 10 of the line: the 8th after the name
			}
			catch (IOException | RuntimeException ex) {
				// gone
			}
		}
		return sum;
	}

	private static Map<Integer, long[]> perProcess(Set<Integer> pids) {
		Map<Integer, long[]> result = new TreeMap<>();
		for (int pid : pids) {
			result.put(pid, schedstat(Path.of("/proc/" + pid)));
		}
		return result;
	}

	private static String byRole(Map<Integer, String> roles0, Map<Integer, String> roles1, Map<Integer, long[]> before,
			Map<Integer, long[]> after, double batches) {
		Map<String, long[]> sums = new TreeMap<>();
		before.forEach((pid, b) -> {
			long[] a = after.get(pid);
			if (a == null || a[0] == 0) {
				return;
			}
			String role = roles1.getOrDefault(pid, roles0.get(pid));
			long[] sum = sums.computeIfAbsent(role, (r) -> new long[3]);
			sum[0] += a[0] - b[0];
			sum[1] += a[2] - b[2];
			sum[2]++;
		});
		StringBuilder out = new StringBuilder();
		sums.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach((e) -> out
				.append(String.format(Locale.ROOT, "%s%s x%d %.0f us (%.1f sw)", out.length() == 0 ? "" : "; ", e.getKey(),
						e.getValue()[2], e.getValue()[0] / 1e3 / batches, e.getValue()[1] / batches)));
		return out.toString();
	}

	/**
	 * With {@code -Dpg3.perfDir=DIR}: {@code perf record -g} of the server's processes over the window, into
	 * {@code DIR/eN-rR.data}; null without it or when perf does not start.
	 */
	private Process startPerf(int round, int nodeCount, boolean oldRoute, List<Integer> pids) {
		String dir = System.getProperty("pg3.perfDir");
		if (dir == null || pids.isEmpty()) {
			return null;
		}
		StringBuilder list = new StringBuilder();
		for (int pid : pids) {
			list.append(list.length() == 0 ? "" : ",").append(pid);
		}
		String label = "e" + nodeCount + (oldRoute ? "o" : "") + (this.eagerListener ? "w" : "") + this.pointSuffix
				+ "-r" + round;
		try {
			Files.createDirectories(Path.of(dir));
			return new ProcessBuilder("perf", "record", "-g", "-F", System.getProperty("pg3.perfHz", "1999"), "-q", "-o",
					Path.of(dir, label + ".data").toString(), "-p", list.toString(), "--", "sleep",
					String.format(Locale.ROOT, "%.3f", this.windowMillis / 1e3))
				.redirectErrorStream(true)
				.redirectOutput(Path.of(dir, label + ".log").toFile())
				.start();
		}
		catch (IOException ex) {
			this.report.println("- perf did not start: " + ex.getMessage());
			return null;
		}
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
