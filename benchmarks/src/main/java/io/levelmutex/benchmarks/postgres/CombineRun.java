package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One point of {@link CombineProbe}: {@code nodes} "nodes" write blind batches to {@code keyspaces} keyspaces of one
 * database with one {@link CombineDesign}, driven by a closed loop of {@code clients} writers, with no engine and no
 * JVM-side cycle: per node and keyspace one committer thread on its own connection takes every write queued for it
 * (the engine's write phase: everything queued when the phase starts) and commits it as one batch; each completed
 * write is followed at once by its client's next write, a random key of the same node (so of a random keyspace). The
 * clients are split evenly among the nodes. Measured over a window after a warm-up: rows and node batches completed,
 * the latency of each write (queued to completed), the server's WAL counters, the server's and this JVM's CPU.
 * Owned by the thread that calls {@link #run}; its committer and listener threads share the queues (each guarded by
 * its own lock) and the counters (adders).
 */
final class CombineRun {

	/** Largest batch (the engine's default {@code maxBatchOperations}). */
	private static final int MAX_BATCH = 8192;

	/** Commits through the released procedure after the function met the lock held (the engine's CommitRoute). */
	private static final int RELEASED_RUN = 32;

	private static final String COMMIT_BLIND = "SELECT seq, applied_ops, rejected_unit, rejected_reason, rejected_key,"
			+ " flushed FROM level_mutex_commit(?, ?, ?, ?::bytea[], ?::bytea[], '{}'::int[], '{}'::bigint[],"
			+ " '{}'::int[], '{}'::boolean[], '{}'::bytea[], '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[])";

	private static final String COMMIT_RELEASED_BLIND = "CALL level_mutex_commit_released(?, ?, ?, ?::bytea[],"
			+ " ?::bytea[], '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[], '{}'::int[],"
			+ " '{}'::bytea[], '{}'::bytea[], '{}'::boolean[], NULL, NULL, NULL, NULL, NULL, NULL)";

	private static final String COMMIT_LAST = "SELECT seq, flushed FROM level_mutex_commit_last(?, ?, ?, ?::bytea[],"
			+ " ?::bytea[])";

	private static final String COMMIT_LAST_RELEASED = "CALL level_mutex_commit_last_released(?, ?, ?, ?::bytea[],"
			+ " ?::bytea[], NULL)";

	private static final String FLUSH_WAL = "SELECT set_config('synchronous_commit', 'on', true),"
			+ " pg_logical_emit_message(true, 'level-mutex', '')";

	private static final String COMBINE = "CALL level_mutex_combine(?, ?, ?, ?, ?::bytea[], ?::bytea[], ?, ?,"
			+ " NULL, NULL, NULL, NULL, NULL, NULL)";

	private static final String FORWARD = "SELECT level_mutex_forward(?, ?, ?, ?, ?::bytea[], ?::bytea[])";

	private static final String LEASE_APPLY = "CALL level_mutex_lease_apply(?, ?, ?, ?::bytea[], ?::bytea[], NULL,"
			+ " NULL)";

	private static final String COMMIT_FREE = "SELECT level_mutex_commit_free(?, ?, ?, ?::bytea[], ?::bytea[])";

	private static final String FORWARD_CHANNEL = "level_mutex_fwd";

	private static final String COMMIT_JOINED = "CALL level_mutex_commit_joined(?::int[], ?::uuid[], ?, ?::int[],"
			+ " ?::bytea[], ?::bytea[], NULL)";

	/**
	 * What a point measured.
	 * @param rowsPerSecond writes completed per second in the window
	 * @param nodeBatchesPerSecond node batches completed per second (a forwarded batch counts once, at its node)
	 * @param commitsPerSecond transactions that applied rows, per second (a combining section, a holder's commit)
	 * @param latencyMeanMicros mean latency of a write, queued to completed
	 * @param latencyP50Micros median latency
	 * @param latencyP99Micros 99th percentile
	 * @param wal the server's WAL counters over the window
	 * @param serverCpuMicrosPerRow CPU of the server's processes per row
	 * @param jvmCpuMicrosPerRow CPU of this JVM per row
	 * @param notes design-specific counts
	 * @param failures failed commits
	 * @param firstFailure the first failure's message, or empty
	 */
	record Result(double rowsPerSecond, double nodeBatchesPerSecond, double commitsPerSecond, double latencyMeanMicros,
			double latencyP50Micros, double latencyP99Micros, WalStats wal, double serverCpuMicrosPerRow,
			double jvmCpuMicrosPerRow, String notes, long failures, String firstFailure) {
	}

	private final PgServer server;

	private final String database;

	private final CombineDesign design;

	private final int nodes;

	private final int keyspaces;

	private final int[] keyspaceIds;

	private final byte[][] keys;

	private final byte[][] values;

	private final UUID[] nodeIds;

	// queues[node][keyspace]
	private final WriteQueue[][] queues;

	// Per node: the outcome of each forwarded batch by pending id (lease), completed by the node's listener.
	private final List<Map<Long, CompletableFuture<Long>>> outcomes = new ArrayList<>();

	private volatile boolean stopped;

	// Window bounds (System.nanoTime); written by the run's thread before the window starts and ends.
	private volatile long windowStart = Long.MAX_VALUE;

	private volatile long windowEnd = Long.MAX_VALUE;

	private final LongAdder rows = new LongAdder();

	private final LongAdder nodeBatches = new LongAdder();

	private final LongAdder commits = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final AtomicReference<String> firstFailure = new AtomicReference<>("");

	// Design counters, in the window: combine: calls, self-applied sections, batches applied by them, lock wait and
	// apply time; today: function calls, calls that met the lock held, released calls; lease: holder commits,
	// forwarded batches applied.
	private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

	// Latencies in microseconds, one histogram per committer, merged at the end.
	private final List<Histogram> histograms = new ArrayList<>();

	CombineRun(PgServer server, String database, CombineDesign design, int nodes, int keyspaces, int[] keyspaceIds,
			byte[][] keys, byte[][] values) {
		this.server = server;
		this.database = database;
		this.design = design;
		this.nodes = nodes;
		this.keyspaces = keyspaces;
		this.keyspaceIds = keyspaceIds;
		this.keys = keys;
		this.values = values;
		this.nodeIds = new UUID[nodes];
		this.queues = new WriteQueue[nodes][keyspaces];
		for (int node = 0; node < nodes; node++) {
			this.nodeIds[node] = UUID.randomUUID();
			this.outcomes.add(new ConcurrentHashMap<>());
			int groups = design.joinGroups();
			WriteQueue[] joined = new WriteQueue[Math.max(groups, 1)];
			for (int g = 0; g < joined.length; g++) {
				joined[g] = new WriteQueue();
			}
			for (int keyspace = 0; keyspace < keyspaces; keyspace++) {
				this.queues[node][keyspace] = (groups > 0) ? joined[keyspace % groups] : new WriteQueue();
			}
		}
	}

	/**
	 * Runs the point.
	 * @param clients writers in the closed loop
	 * @param warmupMillis time before the window
	 * @param windowMillis the window
	 * @return the figures
	 * @throws Exception if a connection cannot be opened or a thread does not end
	 */
	Result run(int clients, long warmupMillis, long windowMillis) throws Exception {
		List<Thread> threads = new ArrayList<>();
		List<Connection> connections = new ArrayList<>();
		try {
			for (int node = 0; node < this.nodes; node++) {
				if (this.design == CombineDesign.LEASE) {
					Connection connection = connect();
					connections.add(connection);
					threads.add(start("listener-" + node, new Listener(node, connection)));
				}
				int committers = (this.design.joinGroups() > 0) ? Math.min(this.design.joinGroups(), this.keyspaces)
						: this.keyspaces;
				for (int keyspace = 0; keyspace < committers; keyspace++) {
					Connection connection = connect();
					connections.add(connection);
					Histogram histogram = new Histogram(60_000_000L, 2);
					this.histograms.add(histogram);
					threads.add(start("committer-" + node + "-" + keyspace,
							new Committer(node, keyspace, connection, histogram)));
				}
			}
			long now = System.nanoTime();
			for (int client = 0; client < clients; client++) {
				enqueue(client % this.nodes, 1, now);
			}
			Thread.sleep(warmupMillis);
			try (Connection stats = connect()) {
				List<Integer> pids = serverPids(stats);
				long serverCpu0 = cpuTicks(pids);
				long jvmCpu0 = jvmCpuNanos();
				WalStats wal0 = WalStats.read(stats);
				WaitEventSampler sampler = new WaitEventSampler(this.server, 10);
				sampler.start();
				this.windowStart = System.nanoTime();
				Thread.sleep(windowMillis);
				this.windowEnd = System.nanoTime();
				String waits = sampler.stop();
				WalStats wal1 = WalStats.read(stats);
				long serverCpu1 = cpuTicks(pids);
				long jvmCpu1 = jvmCpuNanos();
				this.stopped = true;
				for (WriteQueue[] ofNode : this.queues) {
					for (WriteQueue queue : ofNode) {
						queue.wake();
					}
				}
				for (Thread thread : threads) {
					thread.join(TimeUnit.SECONDS.toMillis(30));
					if (thread.isAlive()) {
						throw new IllegalStateException(thread.getName() + " did not end within 30 s");
					}
				}
				String check = (this.design == CombineDesign.FREE) ? ""
						: sequenceCheck(stats, (this.design == CombineDesign.LAST) ? "level_mutex_batch_last" : "level_mutex_batch");
				double seconds = (this.windowEnd - this.windowStart) / 1e9;
				long rowCount = this.rows.sum();
				Histogram all = new Histogram(60_000_000L, 2);
				for (Histogram histogram : this.histograms) {
					all.add(histogram);
				}
				return new Result(rowCount / seconds, this.nodeBatches.sum() / seconds, this.commits.sum() / seconds,
						all.getMean(), all.getValueAtPercentile(50), all.getValueAtPercentile(99), wal1.minus(wal0),
						(rowCount == 0) ? 0 : (serverCpu1 - serverCpu0) * 10_000.0 / rowCount,
						(rowCount == 0) ? 0 : (jvmCpu1 - jvmCpu0) / 1000.0 / rowCount, check + notes(seconds) + "; " + waits,
						this.failures.sum(), this.firstFailure.get());
			}
		}
		finally {
			this.stopped = true;
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(30));
			}
			for (Connection connection : connections) {
				try {
					connection.close();
				}
				catch (SQLException ex) {
					// the point is over
				}
			}
		}
	}

	/**
	 * After the run: every keyspace's sequence is the number of batches in the batch log and their sequences are
	 * 1..seq (gapless, each once); pending batches left over (in flight when the run stopped) are counted.
	 */
	private String sequenceCheck(Connection connection, String batchLog) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(
				"SELECT count(*) FILTER (WHERE k.seq = b.n AND k.seq = coalesce(b.top, 0) AND b.n = b.distinct_seqs),"
						+ " count(*), (SELECT count(*) FROM level_mutex_pending) FROM level_mutex_keyspace k"
						+ " CROSS JOIN LATERAL (SELECT count(*) AS n, max(seq) AS top, count(DISTINCT seq) AS distinct_seqs"
						+ " FROM " + batchLog + " x WHERE x.keyspace_id = k.id) b")) {
			result.next();
			return ((result.getLong(1) == result.getLong(2)) ? "sequences gapless" : "SEQUENCE GAP")
					+ ((result.getLong(3) > 0) ? " (" + result.getLong(3) + " pending left)" : "") + "; ";
		}
	}

	private String notes(double seconds) {
		Map<String, Long> c = new HashMap<>();
		this.counters.forEach((name, adder) -> c.put(name, adder.sum()));
		long commitCount = this.commits.sum();
		String call = String.format(java.util.Locale.ROOT, "call %.2f ms; ",
				per(c.getOrDefault("callNanos", 0L), c.getOrDefault("callCount", 0L)) / 1e6);
		return call + switch (this.design) {
			case TODAY, LAST -> String.format(java.util.Locale.ROOT, "function %.0f%% (met the lock held %.0f%%), released %.0f%%",
					pct(c.getOrDefault("function", 0L), commitCount), pct(c.getOrDefault("held", 0L), commitCount),
					pct(c.getOrDefault("released", 0L), commitCount));
			case COMBINE, COMBINE_SHARED, COMBINE_SYNC -> String.format(java.util.Locale.ROOT,
					"calls %.0f/s (%.0f%% found the lock free), sections %.0f/s, %.2f batches per section, %.0f%% of calls"
							+ " found their batch applied; lock wait mean %.0f us per call, apply mean %.0f us per section",
					c.getOrDefault("calls", 0L) / seconds, pct(c.getOrDefault("free", 0L), c.getOrDefault("calls", 0L)),
					c.getOrDefault("sections", 0L) / seconds,
					per(c.getOrDefault("combined", 0L), c.getOrDefault("sections", 0L)),
					100 - pct(c.getOrDefault("sections", 0L), c.getOrDefault("calls", 0L)),
					per(c.getOrDefault("waitUs", 0L), c.getOrDefault("calls", 0L)),
					per(c.getOrDefault("applyUs", 0L), c.getOrDefault("sections", 0L)));
			case LEASE -> String.format(java.util.Locale.ROOT,
					"holder commits %.0f/s, %.2f forwarded batches per holder commit; forwarded writes %.0f%% of rows,"
							+ " forwarded latency mean %.0f us",
					c.getOrDefault("holderCommits", 0L) / seconds,
					per(c.getOrDefault("forwarded", 0L), c.getOrDefault("holderCommits", 0L)),
					pct(c.getOrDefault("forwardedRows", 0L), this.rows.sum()),
					per(c.getOrDefault("forwardedLatencyUs", 0L), c.getOrDefault("forwardedRows", 0L)));
			case FREE -> "";
			case JOIN, JOIN2, JOIN4 -> String.format(java.util.Locale.ROOT, "%.2f keyspace batches per joined commit",
					per(c.getOrDefault("keyspaceBatches", 0L), commitCount));
		};
	}

	private static double pct(long part, long whole) {
		return (whole == 0) ? 0 : 100.0 * part / whole;
	}

	private static double per(long amount, long unit) {
		return (unit == 0) ? 0 : (double) amount / unit;
	}

	private void count(String name, long amount) {
		if (inWindow(System.nanoTime())) {
			this.counters.computeIfAbsent(name, (n) -> new LongAdder()).add(amount);
		}
	}

	private boolean inWindow(long nanos) {
		return nanos >= this.windowStart && nanos <= this.windowEnd;
	}

	private Connection connect() throws SQLException {
		Connection connection = DriverManager.getConnection(this.server.jdbcUrl(this.database), this.server.username(),
				"");
		connection.setAutoCommit(true);
		return connection;
	}

	private static Thread start(String name, Runnable body) {
		Thread thread = new Thread(body, "combine-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/** Queues {@code count} new writes on a node, each a random key (so a random keyspace). */
	private void enqueue(int node, int count, long nanos) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < count; i++) {
			int key = random.nextInt(this.keys.length);
			this.queues[node][key % this.keyspaces].add(key, nanos);
		}
	}

	private void committed() {
		if (inWindow(System.nanoTime())) {
			this.commits.increment();
		}
	}

	private void failed(Exception ex) {
		this.failures.increment();
		this.firstFailure.compareAndSet("", ex.toString());
	}

	/** Completes the writes of a node batch: counts them, records their latencies, queues each client's next. */
	private void completed(int node, long[] queuedAt, int count, Histogram histogram, boolean forwarded) {
		long now = System.nanoTime();
		if (inWindow(now)) {
			this.rows.add(count);
			this.nodeBatches.increment();
			long sum = 0;
			for (int i = 0; i < count; i++) {
				long micros = (now - queuedAt[i]) / 1000;
				histogram.recordValue(Math.min(micros, 60_000_000L));
				sum += micros;
			}
			if (forwarded) {
				count("forwardedRows", count);
				count("forwardedLatencyUs", sum);
			}
		}
		if (!this.stopped) {
			enqueue(node, count, now);
		}
	}

	private static List<Integer> serverPids(Connection connection) throws SQLException {
		List<Integer> pids = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pid FROM pg_stat_activity")) {
			while (result.next()) {
				pids.add(result.getInt(1));
			}
		}
		return pids;
	}

	/** User and system CPU of the processes, in clock ticks (1/100 s), those that are gone left out. */
	private static long cpuTicks(List<Integer> pids) {
		long ticks = 0;
		for (int pid : pids) {
			try {
				String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
				String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			}
			catch (IOException | RuntimeException ex) {
				// gone
			}
		}
		return ticks;
	}

	private static long jvmCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** The writes queued for one node and keyspace; guarded by its lock. */
	private static final class WriteQueue {

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition ready = this.lock.newCondition();

		private int[] keys = new int[1024];

		private long[] queuedAt = new long[1024];

		private int size;

		// lease, holder: a forwarded batch is pending (set by the listener, cleared by the committer)
		private boolean forwarded;

		void add(int key, long nanos) {
			this.lock.lock();
			try {
				if (this.size == this.keys.length) {
					this.keys = java.util.Arrays.copyOf(this.keys, this.size * 2);
					this.queuedAt = java.util.Arrays.copyOf(this.queuedAt, this.size * 2);
				}
				this.keys[this.size] = key;
				this.queuedAt[this.size] = nanos;
				this.size++;
				this.ready.signal();
			}
			finally {
				this.lock.unlock();
			}
		}

		void forwarded() {
			this.lock.lock();
			try {
				this.forwarded = true;
				this.ready.signal();
			}
			finally {
				this.lock.unlock();
			}
		}

		void wake() {
			this.lock.lock();
			try {
				this.ready.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Waits for writes (or, when {@code orForwarded}, a forwarded batch), then takes up to max of them.
		 * @return the number taken into the arrays, -1 when stopped
		 */
		int take(int[] keysOut, long[] queuedOut, boolean orForwarded, CombineRun run) throws InterruptedException {
			this.lock.lock();
			try {
				while (this.size == 0 && !(orForwarded && this.forwarded)) {
					if (run.stopped) {
						return -1;
					}
					this.ready.await(100, TimeUnit.MILLISECONDS);
				}
				this.forwarded = false;
				int n = Math.min(this.size, keysOut.length);
				System.arraycopy(this.keys, 0, keysOut, 0, n);
				System.arraycopy(this.queuedAt, 0, queuedOut, 0, n);
				System.arraycopy(this.keys, n, this.keys, 0, this.size - n);
				System.arraycopy(this.queuedAt, n, this.queuedAt, 0, this.size - n);
				this.size -= n;
				return n;
			}
			finally {
				this.lock.unlock();
			}
		}

	}

	/** One node's committer of one keyspace. */
	private final class Committer implements Runnable {

		private final int node;

		private final int keyspace;

		private final Connection connection;

		private final Histogram histogram;

		private final boolean holder;

		private int releasedLeft;

		// The session's liveness token: this connection holds a session-level advisory lock on (its pid, token).
		private final int token;

		Committer(int node, int keyspace, Connection connection, Histogram histogram) throws SQLException {
			this.token = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_advisory_lock(pg_backend_pid(), " + this.token + ")");
			}
			this.node = node;
			this.keyspace = keyspace;
			this.connection = connection;
			this.histogram = histogram;
			this.holder = keyspace % CombineRun.this.nodes == node;
		}

		@Override
		public void run() {
			int[] taken = new int[MAX_BATCH];
			long[] queuedAt = new long[MAX_BATCH];
			boolean lease = CombineRun.this.design == CombineDesign.LEASE;
			WriteQueue queue = CombineRun.this.queues[this.node][this.keyspace];
			try {
				while (true) {
					int n = queue.take(taken, queuedAt, lease && this.holder, CombineRun.this);
					if (n < 0) {
						return;
					}
					byte[][] batchKeys = new byte[n][];
					byte[][] batchValues = new byte[n][];
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < n; i++) {
						batchKeys[i] = CombineRun.this.keys[taken[i]];
						batchValues[i] = CombineRun.this.values[random.nextInt(CombineRun.this.values.length)];
					}
					boolean ok;
					try {
						long started = System.nanoTime();
						ok = commit(batchKeys, batchValues);
						count("callNanos", System.nanoTime() - started);
						count("callCount", 1);
					}
					catch (SQLException | RuntimeException ex) {
						failed(ex);
						ok = false;
					}
					if (n > 0) {
						if (ok) {
							completed(this.node, queuedAt, n, this.histogram, lease && !this.holder);
						}
						else if (!CombineRun.this.stopped) {
							// the writes fail; their clients go on
							enqueue(this.node, n, System.nanoTime());
						}
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/** Commits one batch; false when its outcome is not known (stopped while waiting for it). */
		private boolean commit(byte[][] batchKeys, byte[][] batchValues) throws SQLException, InterruptedException {
			int id = CombineRun.this.keyspaceIds[this.keyspace];
			UUID batch = UUID.randomUUID();
			UUID nodeId = CombineRun.this.nodeIds[this.node];
			switch (CombineRun.this.design) {
				case TODAY, LAST -> {
					boolean last = CombineRun.this.design == CombineDesign.LAST;
					if (this.releasedLeft > 0) {
						this.releasedLeft--;
						call(last ? COMMIT_LAST_RELEASED : COMMIT_RELEASED_BLIND, id, batch, nodeId, batchKeys, batchValues);
						count("released", 1);
					}
					else {
						boolean flushed;
						try (PreparedStatement statement = prepare(last ? COMMIT_LAST : COMMIT_BLIND, id, batch, nodeId,
								batchKeys, batchValues); ResultSet result = statement.executeQuery()) {
							result.next();
							flushed = result.getBoolean(last ? 2 : 6);
						}
						count("function", 1);
						if (!flushed) {
							count("held", 1);
							try (Statement statement = this.connection.createStatement()) {
								statement.execute(FLUSH_WAL);
							}
							this.releasedLeft = RELEASED_RUN;
						}
					}
					committed();
					return true;
				}
				case COMBINE, COMBINE_SHARED, COMBINE_SYNC -> {
					try (CallableStatement statement = this.connection.prepareCall(COMBINE)) {
						bindWithToken(statement, id, batch, nodeId, batchKeys, batchValues);
						statement.setBoolean(7, CombineRun.this.design != CombineDesign.COMBINE_SYNC);
						statement.setBoolean(8, CombineRun.this.design == CombineDesign.COMBINE_SHARED);
						try (ResultSet result = statement.executeQuery()) {
							result.next();
							count("calls", 1);
							count("waitUs", result.getInt(5));
							if (result.getBoolean(4)) {
								count("free", 1);
							}
							if (result.getBoolean(3)) {
								count("sections", 1);
								count("combined", result.getInt(2));
								count("applyUs", result.getInt(6));
								committed();
							}
							if (result.getObject(1) == null) {
								throw new IllegalStateException("combine: batch " + batch + " not in the batch log");
							}
						}
					}
					return true;
				}
				case LEASE -> {
					if (this.holder) {
						try (CallableStatement statement = this.connection.prepareCall(LEASE_APPLY)) {
							bind(statement, id, (batchKeys.length == 0) ? null : batch, nodeId, batchKeys, batchValues);
							try (ResultSet result = statement.executeQuery()) {
								result.next();
								if (result.getObject(1) != null || result.getInt(2) > 0) {
									count("holderCommits", 1);
									count("forwarded", result.getInt(2));
									committed();
								}
							}
						}
						return true;
					}
					long pending;
					try (PreparedStatement statement = this.connection.prepareStatement(FORWARD)) {
						bindWithToken(statement, id, batch, nodeId, batchKeys, batchValues);
						try (ResultSet result = statement.executeQuery()) {
							result.next();
							pending = result.getLong(1);
						}
					}
					Map<Long, CompletableFuture<Long>> mine = CombineRun.this.outcomes.get(this.node);
					CompletableFuture<Long> outcome = mine.computeIfAbsent(pending, (p) -> new CompletableFuture<>());
					try {
						while (true) {
							try {
								outcome.get(100, TimeUnit.MILLISECONDS);
								return true;
							}
							catch (TimeoutException ex) {
								if (CombineRun.this.stopped) {
									return false;
								}
							}
						}
					}
					catch (java.util.concurrent.ExecutionException ex) {
						throw new IllegalStateException(ex);
					}
					finally {
						mine.remove(pending);
					}
				}
				case JOIN, JOIN2, JOIN4 -> {
					int k = CombineRun.this.keyspaces;
					List<List<Integer>> byKeyspace = new ArrayList<>();
					for (int i = 0; i < k; i++) {
						byKeyspace.add(new ArrayList<>());
					}
					for (int i = 0; i < batchKeys.length; i++) {
						byKeyspace.get(java.nio.ByteBuffer.wrap(batchKeys[i]).getInt(4) % k).add(i);
					}
					// keyspace ids ascend with the index (created in order)
					List<Integer> ids = new ArrayList<>();
					List<UUID> batches = new ArrayList<>();
					List<Integer> firsts = new ArrayList<>();
					byte[][] keysOut = new byte[batchKeys.length][];
					byte[][] valuesOut = new byte[batchKeys.length][];
					int at = 0;
					for (int i = 0; i < k; i++) {
						if (byKeyspace.get(i).isEmpty()) {
							continue;
						}
						ids.add(CombineRun.this.keyspaceIds[i]);
						batches.add(UUID.randomUUID());
						firsts.add(at + 1);
						for (int index : byKeyspace.get(i)) {
							keysOut[at] = batchKeys[index];
							valuesOut[at] = batchValues[index];
							at++;
						}
					}
					try (CallableStatement statement = this.connection.prepareCall(COMMIT_JOINED)) {
						statement.setObject(1, ids.stream().mapToInt(Integer::intValue).toArray());
						statement.setObject(2, batches.toArray(new UUID[0]));
						statement.setObject(3, nodeId);
						statement.setObject(4, firsts.stream().mapToInt(Integer::intValue).toArray());
						statement.setObject(5, keysOut);
						statement.setObject(6, valuesOut);
						try (ResultSet result = statement.executeQuery()) {
							result.next();
							count("keyspaceBatches", result.getInt(1));
						}
					}
					committed();
					return true;
				}
				case FREE -> {
					try (PreparedStatement statement = prepare(COMMIT_FREE, id, batch, nodeId, batchKeys, batchValues);
							ResultSet result = statement.executeQuery()) {
						result.next();
					}
					committed();
					return true;
				}
				default -> throw new IllegalStateException();
			}
		}

		private void call(String sql, int id, UUID batch, UUID nodeId, byte[][] batchKeys, byte[][] batchValues)
				throws SQLException {
			try (CallableStatement statement = this.connection.prepareCall(sql)) {
				bind(statement, id, batch, nodeId, batchKeys, batchValues);
				statement.execute();
			}
		}

		private PreparedStatement prepare(String sql, int id, UUID batch, UUID nodeId, byte[][] batchKeys,
				byte[][] batchValues) throws SQLException {
			PreparedStatement statement = this.connection.prepareStatement(sql);
			bind(statement, id, batch, nodeId, batchKeys, batchValues);
			return statement;
		}

		private void bindWithToken(PreparedStatement statement, int id, UUID batch, UUID nodeId, byte[][] batchKeys,
				byte[][] batchValues) throws SQLException {
			statement.setInt(1, id);
			statement.setObject(2, batch);
			statement.setObject(3, nodeId);
			statement.setInt(4, this.token);
			statement.setObject(5, batchKeys);
			statement.setObject(6, batchValues);
		}

		private void bind(PreparedStatement statement, int id, UUID batch, UUID nodeId, byte[][] batchKeys,
				byte[][] batchValues) throws SQLException {
			statement.setInt(1, id);
			statement.setObject(2, batch);
			statement.setObject(3, nodeId);
			statement.setObject(4, batchKeys);
			statement.setObject(5, batchValues);
		}

	}

	/** lease: one node's LISTEN connection: outcomes of its forwarded batches, forwards to the keyspaces it holds. */
	private final class Listener implements Runnable {

		private final int node;

		private final Connection connection;

		private final Map<Integer, Integer> heldKeyspaceIndex = new HashMap<>();

		Listener(int node, Connection connection) throws SQLException {
			this.node = node;
			this.connection = connection;
			for (int keyspace = 0; keyspace < CombineRun.this.keyspaces; keyspace++) {
				if (keyspace % CombineRun.this.nodes == node) {
					this.heldKeyspaceIndex.put(CombineRun.this.keyspaceIds[keyspace], keyspace);
				}
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("LISTEN lmo_" + CombineRun.this.nodeIds[node].toString().replace("-", ""));
				if (!this.heldKeyspaceIndex.isEmpty()) {
					statement.execute("LISTEN " + FORWARD_CHANNEL);
				}
			}
		}

		@Override
		public void run() {
			PGConnection pg;
			try {
				pg = this.connection.unwrap(PGConnection.class);
				Map<Long, CompletableFuture<Long>> mine = CombineRun.this.outcomes.get(this.node);
				while (!CombineRun.this.stopped) {
					PGNotification[] notifications = pg.getNotifications(100);
					if (notifications == null) {
						continue;
					}
					for (PGNotification notification : notifications) {
						if (FORWARD_CHANNEL.equals(notification.getName())) {
							Integer keyspace = this.heldKeyspaceIndex.get(Integer.parseInt(notification.getParameter()));
							if (keyspace != null) {
								CombineRun.this.queues[this.node][keyspace].forwarded();
							}
						}
						else {
							for (String pair : notification.getParameter().split(",")) {
								int colon = pair.indexOf(':');
								long pending = Long.parseLong(pair.substring(0, colon));
								long seq = Long.parseLong(pair.substring(colon + 1));
								mine.computeIfAbsent(pending, (p) -> new CompletableFuture<>()).complete(seq);
							}
						}
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				failed(ex);
			}
		}

	}

}
