package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Base of the storage tests: one private cluster per test class (started before the first test, stopped after
 * the last), a fresh database per test.
 */
abstract class ClusterTestSupport {

	/** Owned by the JUnit thread of the class: set in {@link #startCluster()}, closed in {@link #stopCluster()}. */
	static PostgresCluster cluster;

	private static final AtomicInteger databases = new AtomicInteger();

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
			cluster = null;
			database = null;
		}
	}

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

	static PGSimpleDataSource dataSource(String database) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(cluster.jdbcUrl(database));
		dataSource.setUser("postgres");
		dataSource.setConnectTimeout(5);
		return dataSource;
	}

	static PostgresSettings fastSettings() {
		return PostgresSettings.defaults()
			.withTablePrefix(prefix)
			.withWaits(Duration.ofSeconds(2), Duration.ofSeconds(2))
			.withPollInterval(Duration.ofMillis(200));
	}

	static PostgresStorage open(PGSimpleDataSource dataSource) {
		return PostgresStorage.open(dataSource, fastSettings(), true);
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
