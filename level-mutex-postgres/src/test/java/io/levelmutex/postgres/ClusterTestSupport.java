package io.levelmutex.postgres;

import io.levelmutex.postgres.test.PostgresCluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.ds.PGSimpleDataSource;

import static org.awaitility.Awaitility.await;

/**
 * Base of the storage tests: a fresh set of tables (own prefix) per test, on a private cluster. Classes that
 * crash or stop the server ({@link OwnCluster}) get a cluster of their own, started before their first test and
 * stopped after their last; the others share one cluster per test JVM (started by the first of them, stopped
 * by the fixture's shutdown hook when the JVM exits), which keeps the module's run short on a busy machine.
 */
abstract class ClusterTestSupport {

	/** Marks a test class that needs a cluster of its own (it crashes or stops the server). */
	interface OwnCluster {
	}

	/** The cluster of the running class; owned by the JUnit thread (set and cleared around each class). */
	static PostgresCluster cluster;

	/** The cluster shared by classes without {@link OwnCluster}; created once, guarded by the class lock. */
	private static PostgresCluster shared;

	/** Whether {@link #cluster} belongs to the running class alone; owned by the JUnit thread. */
	private static boolean own;

	private static final AtomicInteger databases = new AtomicInteger();

	@BeforeAll
	static void startCluster(TestInfo info) {
		own = OwnCluster.class.isAssignableFrom(info.getTestClass().orElseThrow());
		if (own) {
			cluster = PostgresCluster.start();
			database = null;
		}
		else {
			synchronized (ClusterTestSupport.class) {
				if (shared == null) {
					shared = PostgresCluster.start();
				}
				cluster = shared;
			}
			database = SHARED_DATABASE_CREATED.get() ? "tests" : null;
		}
	}

	@AfterAll
	static void stopCluster() {
		if (own && cluster != null) {
			cluster.close();
		}
		cluster = null;
		database = null;
	}

	private static final java.util.concurrent.atomic.AtomicBoolean SHARED_DATABASE_CREATED =
			new java.util.concurrent.atomic.AtomicBoolean();

	/**
	 * Table prefix of the current test: each test has its own tables (cheaper than a database each). Owned by the
	 * JUnit thread (set before each test).
	 */
	static String prefix;

	/** The class's database ("tests"), owned by the JUnit thread. */
	static String database;

	@BeforeEach
	void nextPrefix() throws SQLException {
		prefix = "t" + databases.incrementAndGet() + "_";
		if (database == null) {
			database = "tests";
			cluster.createDatabase(database);
			if (!own) {
				SHARED_DATABASE_CREATED.set(true);
			}
		}
	}

	/** The class's database; each test sees its own tables through {@link #fastSettings()}. */
	static PGSimpleDataSource newDatabase() {
		return dataSource(database);
	}

	/** A new empty database of its own (for tests that change database-level settings). */
	static PGSimpleDataSource ownDatabase() throws SQLException {
		String name = "own" + databases.incrementAndGet();
		cluster.createDatabase(name);
		return dataSource(name);
	}

	/**
	 * Pools of the running test, closed after it; owned by the JUnit thread.
	 */
	private static final java.util.List<com.zaxxer.hikari.HikariDataSource> pools = new java.util.ArrayList<>();

	/**
	 * A small HikariCP pool over {@code database}, as an application hands the engine one, closed after the test.
	 * For the tests whose subject is not connection handling: the engine borrows a connection per batch and per read
	 * phase, and without a pool each borrow starts a server backend (tens of milliseconds on a busy machine, most of
	 * a seeded model test's time).
	 * @param database where the pool's connections go
	 * @return the pool
	 */
	static javax.sql.DataSource pooled(PGSimpleDataSource database) {
		com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
		config.setDataSource(database);
		config.setMaximumPoolSize(10);
		config.setMinimumIdle(0);
		config.setPoolName("test-" + prefix);
		com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
		pools.add(pool);
		return pool;
	}

	@AfterEach
	void closePools() {
		pools.forEach(com.zaxxer.hikari.HikariDataSource::close);
		pools.clear();
	}

	static PGSimpleDataSource dataSource(String database) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(cluster.jdbcUrl(database));
		dataSource.setUser("postgres");
		dataSource.setConnectTimeout(5);
		return dataSource;
	}

	/**
	 * A hint of the current test's tables, as a node sends it ({@link HintPayload}).
	 * @return {@code <prefix>:<keyspace id>:<sequence>}
	 */
	static String hint(PostgresKeyspace keyspace, long sequence) {
		return prefix + ":" + keyspace.id() + ":" + sequence;
	}

	/** Sends one notification on the default channel from {@code notifier} (in its own transaction if autocommit). */
	static void notify(Connection notifier, String payload) throws SQLException {
		try (PreparedStatement notify = notifier.prepareStatement("SELECT pg_notify('level_mutex', ?)")) {
			notify.setString(1, payload);
			notify.executeQuery().close();
		}
	}

	/**
	 * Waits (60 s at most: a failure signal, never waited when the listener works) until the listener is connected
	 * and ran its first catch-up.
	 * @return its catch-ups so far
	 */
	static long awaitFirstCatchUp(RemoteChangeListener listener) {
		await().atMost(Duration.ofSeconds(60)).until(() -> listener.isConnected() && listener.catchUps() >= 1);
		return listener.catchUps();
	}

	/**
	 * A hint's payload less the test's table prefix ({@link HintPayload}: {@code <prefix>:<id>:<sequence>}).
	 * @param payload a notification's payload
	 * @return {@code <id>:<sequence>}, or the payload as it came when it does not name the test's prefix
	 */
	static String hintOfThisTest(String payload) {
		String tag = prefix + ":";
		return (payload != null && payload.startsWith(tag)) ? payload.substring(tag.length()) : payload;
	}

	static PostgresSettings fastSettings() {
		return PostgresSettings.defaults()
			.withTablePrefix(prefix)
			.withWaits(Duration.ofSeconds(2), Duration.ofSeconds(2))
			.withPollInterval(Duration.ofMillis(200));
	}

	/**
	 * {@link #fastSettings()} for a test whose lost COMMIT must be resolved through the batch log: the lookup opens a
	 * new connection, which on a loaded machine took more than 300 ms (a resolveWait of 300 ms then failed the
	 * writes as outcome unknown, as the README allows); here the wait is a bound for a failure report, never waited
	 * when the test passes.
	 */
	static PostgresSettings resolvingSettings() {
		return fastSettings().withWaits(Duration.ofSeconds(2), Duration.ofSeconds(60));
	}

	/**
	 * The resolveWait of a test whose batch log cannot tell in time (its lock is held): the lookup must open its
	 * connection within it and then time out on the lock; 300 ms was not always enough for the connection alone.
	 */
	static final Duration UNRESOLVABLE_WAIT = Duration.ofSeconds(2);

	static TestNode open(PGSimpleDataSource dataSource) {
		return TestNode.open(dataSource, fastSettings(), true);
	}

	/** A store ("node") on the class's database with the test's tables, short waits and fast polling. */
	static io.levelmutex.MutexStore openStore(javax.sql.DataSource database) {
		return PostgresStore.builder(database)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMillis(200))
			.connectWait(Duration.ofSeconds(2))
			.resolveWait(Duration.ofSeconds(2))
			.storeOptions(io.levelmutex.StoreOptions.builder().cycleThreads(4).build())
			.open();
	}

	static long queryLong(PGSimpleDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	static void execute(PGSimpleDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	static String text(byte[] bytes) {
		return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
	}

}
