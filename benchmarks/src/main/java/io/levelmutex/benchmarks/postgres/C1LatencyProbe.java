package io.levelmutex.benchmarks.postgres;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.levelmutex.BlockingMutex;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.UpdateFunction;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;

/**
 * Issue 19's C=1 latency targets, taken apart: one client, one operation at a time, on one private server with
 * {@code pg_stat_statements} ({@code track = all}; {@code track_planning = on}, so each statement's line shows how
 * often the server planned it and the planning time, which {@code total_exec_time} leaves out) and
 * {@code track_functions = all}. Points, alternated in
 * rotated order every round, each on a fresh database with 1,000 preloaded keys: {@code upsert} (autocommit
 * single-row upsert), {@code optimistic} (JPA-style: {@code SELECT v, version}; {@code UPDATE ... WHERE version
 * = ?}; one transaction), {@code fn} (the schema's commit function called directly for one put, autocommit),
 * {@code put} / {@code update} (the mutex, its pool's {@code connectionTimeout} 60 s, above {@code connectWait}:
 * the helper-thread acquisition) and {@code put-direct} / {@code update-direct} (the pool's timeout 3 s, within
 * {@code connectWait}: acquisition on the calling thread), {@code hint} (the after-commit hint statement alone),
 * {@code put-blocking} / {@code update-blocking} (the same operations through {@link Mutex#blocking()}: a lone
 * writer's write runs its cycle on the caller without waking a pool thread), {@code get} / {@code get-blocking} (a
 * read of a preloaded key: future + join, the blocking view) and {@code select} (its SQL counterpart, an autocommit
 * single-row SELECT), {@code update-reads} / {@code update-blocking-reads} (the update points with the engine's
 * known writes off, {@code -Dio.levelmutex.postgres.knownWrites=false} for that mutex only: every update() reads
 * its key first, as before pgc1u; the A/B pair of the update points), {@code put-stmt} / {@code put-blocking-stmt}
 * (the put points on a schema without the put function {@code level_mutex_commit_put}: the engine's plain put-only
 * statement, as before pgput; the A/B pair of the put points), and any put / update point with the suffix
 * {@code -cu0} (the tombstone clean-up as before pgcu: three statements, and its keyspace lock starting a released
 * run) or {@code -cur} (pgcu's route rule only: the own clean-up's lock starts no run; the clean-up as before),
 * the A/B points of pgcu's change (series AD).
 * Client side, every connection and statement of the probe's pools is timed by a wrapper (per statement kind,
 * the thread that ran it); server side, per operation: statements and their mean execution time, the commit
 * function's own time, WAL syncs ({@code pg_stat_wal}), JVM CPU. Usage: {@code C1LatencyProbe [rounds] [ops]
 * [points,...]}. Owned by the main thread; the wrappers' counters are atomic (cycle, helper and after-commit
 * threads add to them).
 */
public final class C1LatencyProbe {

	private static final int KEYS = 1000;

	private static final int VALUE_BYTES = 100;

	private static final String KV = "CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL, version bigint NOT NULL DEFAULT 0)";

	private static final String UPSERT = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";

	private static final String SELECT = "SELECT v FROM kv WHERE k = ?";

	private static final String FN = """
			SELECT seq, applied_ops, rejected_unit, rejected_reason, rejected_key FROM level_mutex_commit(?, ?, ?,
			    ?::bytea[], ?::bytea[], '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[],
			    '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[])""";

	/** The engine's hint statement (PostgresSql's notifyCommits) for the default table prefix: the payload names it. */
	private static final String HINT = "SELECT pg_notify(?, 'level_mutex_:' || t.keyspace_id || ':' || t.seq) "
			+ "FROM unnest(?::int[], ?::bigint[]) AS t(keyspace_id, seq)";

	/** The engine's switch of its known writes (PostgresKeyspaceStorage.KNOWN_WRITES_PROPERTY), read per keyspace. */
	private static final String KNOWN_WRITES = "io.levelmutex.postgres.knownWrites";

	private static final String READS = "-reads";

	/**
	 * Suffix of a point run on a schema without the put function (dropped after the schema was created, the store
	 * then only verifies it): the engine puts one key through its plain put-only statement, as before pgput.
	 */
	private static final String STATEMENT = "-stmt";

	/**
	 * Suffix of a point whose engine runs the tombstone clean-up as main did before pgcu (series AD): three
	 * statements in one synchronously committed transaction, and a keyspace lock held by the node's own clean-up
	 * starting a released run as any held lock ({@code -Dio.levelmutex.postgres.cleanUpOneStatement=false},
	 * {@code -Dio.levelmutex.postgres.ownCleanUpStartsRun=true} for that store only): the A/B pair of pgcu's change.
	 */
	private static final String CLEAN_UP_BEFORE = "-cu0";

	/** Suffix of a point with only the route's rule of pgcu (own clean-up's lock: no run), the clean-up as before. */
	private static final String CLEAN_UP_ROUTE_ONLY = "-cur";

	/** The engine's switches of pgcu's change (TombstoneCleaner, CommitRoute), read when a store / keyspace opens. */
	private static final String ONE_STATEMENT = "io.levelmutex.postgres.cleanUpOneStatement";

	private static final String OWN_CLEAN_UP_STARTS_RUN = "io.levelmutex.postgres.ownCleanUpStartsRun";

	private static final List<String> ALL = List.of("upsert", "optimistic", "fn", "put", "put-direct", "update",
			"update-direct", "hint", "put-blocking", "update-blocking", "get", "get-blocking", "select");

	private final PgServer server;

	private final int ops;

	private final SplittableRandom random = new SplittableRandom(19);

	private final Map<String, List<String>> lines = new LinkedHashMap<>();

	private C1LatencyProbe(PgServer server, int ops) {
		this.server = server;
		this.ops = ops;
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		int ops = (args.length > 1) ? Integer.parseInt(args[1]) : 1500;
		List<String> points = (args.length > 2) ? List.of(args[2].split(",")) : ALL;
		try (PgServer server = PgServer.start()) {
			server.enableStatementStatistics();
			try (Connection connection = server.connect("postgres"); Statement statement = connection.createStatement()) {
				statement.execute("ALTER SYSTEM SET pg_stat_statements.track = 'all'");
				statement.execute("ALTER SYSTEM SET track_functions = 'all'");
				statement.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on"); // planning time per call
				statement.execute("SELECT pg_reload_conf()");
			}
			System.out.println("# " + server.describe());
			System.out.println("# loadavg at start: " + loadavg());
			C1LatencyProbe probe = new C1LatencyProbe(server, ops);
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < points.size(); i++) {
					String point = points.get((i + round) % points.size());
					String line = probe.run(point);
					probe.lines.computeIfAbsent(point, (p) -> new ArrayList<>()).add(line);
					System.out.println("round " + (round + 1) + " " + line);
				}
			}
			System.out.println("# loadavg at end: " + loadavg());
		}
	}

	static String loadavg() {
		try {
			return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
		}
		catch (java.io.IOException ex) {
			return "?";
		}
	}

	private String run(String point) throws Exception {
		try (FreshDatabase database = this.server.freshDatabase("c1_" + point)) {
			Steps steps = new Steps();
			try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
				statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
			}
			String line = switch (point) {
				case "upsert", "optimistic", "select" -> sql(point, database, steps);
				case "fn", "hint" -> direct(point, database, steps);
				case "put", "put-direct", "update", "update-direct", "put-blocking", "update-blocking", "get",
						"get-blocking", "update-reads", "update-blocking-reads", "put-stmt", "put-blocking-stmt" ->
					mutex(point, database, steps);
				default -> {
					if (point.endsWith(CLEAN_UP_BEFORE) || point.endsWith(CLEAN_UP_ROUTE_ONLY)) {
						yield cleanUpSwitched(point, database, steps);
					}
					throw new IllegalArgumentException("unknown point " + point);
				}
			};
			// the pools are closed: their backends flushed their WAL statistics as they exited
			int warm = Math.max(100, this.ops / 5);
			long[] wal = wal(this.server);
			return line + String.format(Locale.ROOT,
					"    server WAL (cluster-wide, from the reset before warm-up, per op of warm-up + measured): %.2f syncs/op %.2f writes/op %.1f records/op%n",
					wal[0] / (double) (warm + this.ops), wal[1] / (double) (warm + this.ops), wal[2] / (double) (warm + this.ops));
		}
	}

	private String sql(String point, FreshDatabase database, Steps steps) throws Exception {
		try (HikariDataSource pool = timedPool(database, "c1-" + point, 60, steps)) {
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute(KV);
				statement.execute("INSERT INTO kv (k, v) SELECT int4send(i), decode(repeat('00', " + VALUE_BYTES
						+ "), 'hex') FROM generate_series(0, " + (KEYS - 1) + ") i");
			}
			Op op = switch (point) {
				case "upsert" -> () -> {
					try (Connection connection = pool.getConnection();
							PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
						upsert.setBytes(1, key());
						upsert.setBytes(2, value());
						upsert.executeUpdate();
					}
				};
				case "select" -> () -> { // an autocommit single-row read: the read points' SQL counterpart
					try (Connection connection = pool.getConnection();
							PreparedStatement select = connection.prepareStatement(SELECT)) {
						select.setBytes(1, key());
						try (ResultSet rows = select.executeQuery()) {
							rows.next();
						}
					}
				};
				default -> () -> {
					try (Connection connection = pool.getConnection()) {
						OptimisticUpdateContender.update(connection, key(), value());
					}
				};
			};
			return measure(point, database, steps, op, null);
		}
	}

	private String direct(String point, FreshDatabase database, Steps steps) throws Exception {
		try (HikariDataSource pool = timedPool(database, "c1-" + point, 60, steps)) {
			int keyspace;
			try (HikariDataSource setup = database.pool("c1-setup", 4)) {
				MutexStore store = PostgresStore.builder(setup).open();
				try {
					Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("probe").build(), Codecs.bytes(),
							Codecs.bytes());
					preload(mutex);
					mutex.close();
				}
				finally {
					store.close();
				}
			}
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT id FROM level_mutex_keyspace")) {
				rows.next();
				keyspace = rows.getInt(1);
			}
			UUID node = UUID.randomUUID();
			AtomicLong sequence = new AtomicLong(1_000_000);
			Op op = "fn".equals(point) ? () -> {
				try (Connection connection = pool.getConnection(); PreparedStatement call = connection.prepareStatement(FN)) {
					call.setInt(1, keyspace);
					call.setObject(2, UUID.randomUUID());
					call.setObject(3, node);
					call.setArray(4, connection.createArrayOf("bytea", new byte[][] { key() }));
					call.setArray(5, connection.createArrayOf("bytea", new byte[][] { value() }));
					try (ResultSet rows = call.executeQuery()) {
						rows.next();
					}
				}
			} : () -> {
				try (Connection connection = pool.getConnection(); PreparedStatement hint = connection.prepareStatement(HINT)) {
					hint.setString(1, "level_mutex");
					hint.setArray(2, connection.createArrayOf("int4", new Integer[] { keyspace }));
					hint.setArray(3, connection.createArrayOf("int8", new Long[] { sequence.incrementAndGet() }));
					hint.executeQuery().close();
				}
			};
			return measure(point, database, steps, op, null);
		}
	}

	/** A mutex point ending in {@link #CLEAN_UP_BEFORE} or {@link #CLEAN_UP_ROUTE_ONLY}: its store opens switched. */
	private String cleanUpSwitched(String point, FreshDatabase database, Steps steps) throws Exception {
		boolean before = point.endsWith(CLEAN_UP_BEFORE);
		String oneStatement = System.getProperty(ONE_STATEMENT);
		String startsRun = System.getProperty(OWN_CLEAN_UP_STARTS_RUN);
		System.setProperty(ONE_STATEMENT, "false");
		System.setProperty(OWN_CLEAN_UP_STARTS_RUN, String.valueOf(before));
		try {
			return mutex(point.substring(0, point.lastIndexOf('-')), point, database, steps);
		}
		finally {
			restore(ONE_STATEMENT, oneStatement);
			restore(OWN_CLEAN_UP_STARTS_RUN, startsRun);
		}
	}

	private static void restore(String property, String value) {
		if (value == null) {
			System.clearProperty(property);
		}
		else {
			System.setProperty(property, value);
		}
	}

	private String mutex(String point, FreshDatabase database, Steps steps) throws Exception {
		return mutex(point, point, database, steps);
	}

	/** A mutex point; {@code label} names it in the output (the point with its suffix). */
	private String mutex(String point, String label, FreshDatabase database, Steps steps) throws Exception {
		boolean direct = point.endsWith("-direct");
		// "-reads": the same point with the engine's known writes off (every update() reads: main before pgc1u)
		boolean reads = point.endsWith(READS);
		boolean statement = point.endsWith(STATEMENT);
		String operation = reads ? point.substring(0, point.length() - READS.length())
				: statement ? point.substring(0, point.length() - STATEMENT.length()) : point;
		if (statement) {
			try (HikariDataSource setup = database.pool("c1-setup", 2)) {
				PostgresStore.builder(setup).open().close();
				try (Connection connection = setup.getConnection(); Statement drop = connection.createStatement()) {
					drop.execute("DROP FUNCTION level_mutex_commit_put(integer, uuid, uuid, bytea, bytea)");
				}
			}
		}
		try (HikariDataSource pool = timedPool(database, "c1-" + point, direct ? 3 : 60, steps)) {
			MutexStore store = PostgresStore.builder(pool).initializeSchema(!statement).open();
			try {
				String before = System.getProperty(KNOWN_WRITES);
				System.setProperty(KNOWN_WRITES, String.valueOf(!reads)); // read when the mutex's keyspace opens
				Mutex<byte[], byte[]> mutex;
				try {
					mutex = store.mutex(MutexOptions.builder("probe").build(), Codecs.bytes(), Codecs.bytes());
				}
				finally {
					if (before == null) {
						System.clearProperty(KNOWN_WRITES);
					}
					else {
						System.setProperty(KNOWN_WRITES, before);
					}
				}
				preload(mutex);
				BlockingMutex<byte[], byte[]> blocking = mutex.blocking();
				UpdateFunction<byte[], byte[], Boolean> next = (context) -> {
					byte[] key = this.updateKey;
					Optional<byte[]> current = context.get(key);
					long revision = current.map(C1LatencyProbe::revision).orElse(0L);
					context.put(key, withRevision(revision + 1));
					return Boolean.TRUE;
				};
				// the future + join() points are what a caller of the futures API writes; the -blocking ones what a
				// servlet-style caller of Mutex.blocking() writes (a lone writer's write runs its cycle on the caller)
				Op op = switch (operation) {
					case "put", "put-direct" -> () -> mutex.put(key(), value()).join();
					case "put-blocking" -> () -> blocking.put(key(), value());
					case "update", "update-direct" -> () -> {
						this.updateKey = key();
						mutex.update(next, 16).join();
					};
					case "update-blocking" -> () -> {
						this.updateKey = key();
						blocking.update(next, 16);
					};
					case "get" -> () -> mutex.get(key()).join();
					default -> () -> blocking.get(key()); // get-blocking
				};
				return measure(label, database, steps, op, mutex);
			}
			finally {
				store.close();
			}
		}
	}

	/** The key of the update in flight (one at a time: C=1); written by the main thread before it issues it. */
	private volatile byte[] updateKey;

	private void preload(Mutex<byte[], byte[]> mutex) {
		List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			pending.add(mutex.put(keyAt(i), withRevision(0)));
		}
		java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
	}

	private String measure(String point, FreshDatabase database, Steps steps, Op op, Mutex<byte[], byte[]> mutex)
			throws Exception {
		int warm = Math.max(100, this.ops / 5);
		try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
			statement.execute("SELECT pg_stat_reset_shared('wal')");
		}
		for (int i = 0; i < warm; i++) {
			op.run();
		}
		try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
			statement.execute("SELECT pg_stat_statements_reset()");
			statement.execute("SELECT pg_stat_reset()");
		}
		steps.reset();
		long readPhases = (mutex == null) ? 0 : mutex.stats().readPhases();
		long batches = (mutex == null) ? 0 : mutex.stats().batchesFlushed();
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long cpu0 = os.getProcessCpuTime();
		long[] latencies = new long[this.ops];
		long start = System.nanoTime();
		for (int i = 0; i < this.ops; i++) {
			steps.opStart(Thread.currentThread());
			long t0 = System.nanoTime();
			op.run();
			latencies[i] = System.nanoTime() - t0;
			steps.opEnd(Thread.currentThread());
		}
		long wall = System.nanoTime() - start;
		long cpu = os.getProcessCpuTime() - cpu0;
		if (mutex != null) {
			readPhases = mutex.stats().readPhases() - readPhases;
			batches = mutex.stats().batchesFlushed() - batches;
		}
		Arrays.sort(latencies);
		double mean = wall / 1000.0 / this.ops;
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "%-14s mean %7.1f us  p50 %7.1f  p90 %7.1f  jvm-cpu %6.1f us/op", point,
				mean, latencies[this.ops / 2] / 1000.0, latencies[this.ops * 9 / 10] / 1000.0, cpu / 1000.0 / this.ops));
		if (mutex != null) {
			out.append(String.format(Locale.ROOT, "  readPhases/op %.2f batches/op %.2f", (double) readPhases / this.ops,
					(double) batches / this.ops));
		}
		out.append(String.format(Locale.ROOT, "  loadavg %s%n", loadavg()));
		out.append(steps.describe(this.ops));
		out.append(serverSide(database));
		return out.toString();
	}

	private String serverSide(FreshDatabase database) throws SQLException {
		StringBuilder out = new StringBuilder();
		try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
			try (ResultSet rows = statement.executeQuery("""
					SELECT toplevel, calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 70), plans,
					       total_plan_time
					FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
					  AND query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 14""")) {
				while (rows.next()) {
					out.append(String.format(Locale.ROOT,
							"    server %-6s %6.2f calls/op %8.1f us/op %7.1f us/call  plans/call %4.2f %6.1f us/plan  %s%n",
							rows.getBoolean(1) ? "top" : "nested", rows.getLong(2) / (double) this.ops,
							rows.getDouble(3) * 1000 / this.ops, rows.getDouble(3) * 1000 / Math.max(1, rows.getLong(2)),
							rows.getLong(5) / (double) Math.max(1, rows.getLong(2)),
							rows.getDouble(6) * 1000 / Math.max(1, rows.getLong(5)), rows.getString(4)));
				}
			}
		}
		return out.toString();
	}

	/** WAL syncs since the reset; read after the point's pools closed (their backends' stats are flushed at exit). */
	static long[] wal(PgServer server) throws SQLException {
		try (Connection admin = server.connect("postgres"); Statement statement = admin.createStatement();
				ResultSet rows = statement.executeQuery("SELECT wal_sync, wal_write, wal_records FROM pg_stat_wal")) {
			rows.next();
			return new long[] { rows.getLong(1), rows.getLong(2), rows.getLong(3) };
		}
	}

	private byte[] key() {
		return keyAt(this.random.nextInt(KEYS));
	}

	private static byte[] keyAt(int i) {
		return new byte[] { (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i };
	}

	private byte[] value() {
		return withRevision(this.random.nextLong());
	}

	static long revision(byte[] value) {
		long r = 0;
		for (int i = 0; i < 8; i++) {
			r = (r << 8) | (value[i] & 0xff);
		}
		return r;
	}

	static byte[] withRevision(long revision) {
		byte[] value = new byte[VALUE_BYTES];
		for (int i = 7; i >= 0; i--) {
			value[i] = (byte) revision;
			revision >>>= 8;
		}
		return value;
	}

	private HikariDataSource timedPool(FreshDatabase database, String name, int timeoutSeconds, Steps steps) {
		HikariConfig config = new HikariConfig();
		org.postgresql.ds.PGSimpleDataSource physical = new org.postgresql.ds.PGSimpleDataSource();
		physical.setURL(this.server.jdbcUrl(database.name()));
		physical.setUser(this.server.username());
		physical.setPassword("");
		// the pool's physical connections time their statements, whichever way the engine borrows them
		config.setDataSource((javax.sql.DataSource) Proxy.newProxyInstance(C1LatencyProbe.class.getClassLoader(),
				new Class<?>[] { javax.sql.DataSource.class }, (proxy, method, args) -> {
					try {
						Object result = method.invoke(physical, args);
						return (result instanceof Connection connection) ? wrap(connection, steps) : result;
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				}));
		config.setPoolName(name);
		config.setMaximumPoolSize(8);
		config.setMinimumIdle(8);
		config.setAutoCommit(true);
		config.setConnectionTimeout(Duration.ofSeconds(timeoutSeconds).toMillis());
		return new TimedPool(config, steps);
	}

	@FunctionalInterface
	interface Op {

		void run() throws Exception;

	}

	/**
	 * A HikariCP pool (so that the engine recognises its bound) that records the thread and time of every
	 * {@code getConnection()} (a timed acquisition through the pool's own {@code getConnection(long)} is not seen
	 * here: it runs on the calling thread).
	 */
	static final class TimedPool extends HikariDataSource {

		private final Steps steps;

		TimedPool(HikariConfig config, Steps steps) {
			super(config);
			this.steps = steps;
		}

		@Override
		public Connection getConnection() throws SQLException {
			long t0 = System.nanoTime();
			Connection connection = super.getConnection();
			this.steps.step("getConnection", System.nanoTime() - t0);
			return connection;
		}

	}

	static Connection wrap(Connection connection, Steps steps) {
		InvocationHandler handler = (proxy, method, args) -> {
			long t0 = System.nanoTime();
			Object result;
			try {
				result = method.invoke(connection, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			String name = method.getName();
			if (name.equals("prepareStatement") && result instanceof PreparedStatement statement) {
				return statement((String) args[0], statement, steps);
			}
			if (name.equals("close") || name.equals("commit") || name.equals("rollback") || name.equals("setAutoCommit")
					|| name.equals("getAutoCommit") || name.equals("createArrayOf")) {
				steps.step("conn." + name, System.nanoTime() - t0);
			}
			return result;
		};
		return (Connection) Proxy.newProxyInstance(C1LatencyProbe.class.getClassLoader(),
				new Class<?>[] { Connection.class }, handler);
	}

	static PreparedStatement statement(String sql, PreparedStatement statement, Steps steps) {
		String kind = kind(sql);
		InvocationHandler handler = (proxy, method, args) -> {
			long t0 = System.nanoTime();
			try {
				return method.invoke(statement, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			finally {
				if (method.getName().startsWith("execute")) {
					steps.step("sql " + kind, System.nanoTime() - t0);
				}
			}
		};
		return (PreparedStatement) Proxy.newProxyInstance(C1LatencyProbe.class.getClassLoader(),
				new Class<?>[] { PreparedStatement.class }, handler);
	}

	static String kind(String sql) {
		String flat = sql.replaceAll("\\s+", " ").trim();
		if (flat.contains("commit(")) {
			return "commit-fn";
		}
		if (flat.contains("pg_notify")) {
			return "hint";
		}
		return flat.length() > 40 ? flat.substring(0, 40) : flat;
	}

	/**
	 * Client-side step times and the threads they ran on, per operation. Written by whichever thread runs a step
	 * (synchronized), read by the main thread between operations.
	 */
	static final class Steps {

		private final Map<String, long[]> byStep = new LinkedHashMap<>();

		private long handOffs;

		private Thread last;

		synchronized void reset() {
			this.byStep.clear();
			this.handOffs = 0;
			this.last = null;
		}

		synchronized void opStart(Thread thread) {
			this.last = thread;
		}

		synchronized void opEnd(Thread thread) {
			if (this.last != null && this.last != thread) {
				this.handOffs++;
			}
			this.last = null;
		}

		synchronized void step(String step, long nanos) {
			Thread thread = Thread.currentThread();
			String group = thread.getName().replaceAll("-?\\d+$", "");
			long[] sums = this.byStep.computeIfAbsent(step + " @" + group, (s) -> new long[2]);
			sums[0]++;
			sums[1] += nanos;
			boolean background = group.contains("after-commit") || group.contains("listener")
					|| group.contains("housekeeper");
			if (!background && this.last != null && this.last != thread) {
				this.handOffs++;
			}
			if (!background && this.last != null) {
				this.last = thread;
			}
		}

		synchronized String describe(int ops) {
			StringBuilder out = new StringBuilder();
			out.append(String.format(Locale.ROOT, "    client thread hand-offs/op %.2f (caller -> cycle/helper threads -> caller, background threads excluded)%n",
					(double) this.handOffs / ops));
			for (Map.Entry<String, long[]> step : this.byStep.entrySet()) {
				long[] sums = step.getValue();
				out.append(String.format(Locale.ROOT, "    client %6.2f /op %8.1f us/op %7.1f us/call  %s%n",
						(double) sums[0] / ops, sums[1] / 1000.0 / ops, sums[1] / 1000.0 / sums[0], step.getKey()));
			}
			return out.toString();
		}

	}

}
