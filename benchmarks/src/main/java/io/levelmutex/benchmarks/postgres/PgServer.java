package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.postgres.test.PostgresCluster;

/**
 * The run's private PostgreSQL server ({@link PostgresCluster}: fsync and synchronous_commit on) and the
 * fresh database each point gets on it. Owned by the thread that runs the series.
 */
final class PgServer implements AutoCloseable {

	private final PostgresCluster cluster;

	// Whether pg_stat_statements is loaded; set by the series thread before any point runs.
	private volatile boolean statementStatistics;

	// Numbers the databases; touched by the series thread only, atomic for the tests' convenience.
	private final AtomicInteger databases = new AtomicInteger();

	private PgServer(PostgresCluster cluster) {
		this.cluster = cluster;
	}

	/**
	 * Starts a private server (initdb in a temporary directory, a free loopback port).
	 * @return the running server
	 */
	static PgServer start() {
		return new PgServer(PostgresCluster.start());
	}

	/**
	 * Creates an empty database for one contender at one point.
	 * @param hint part of its name
	 * @return the database, dropped by its close
	 * @throws SQLException if the server refuses
	 */
	FreshDatabase freshDatabase(String hint) throws SQLException {
		String name = "bench_" + this.databases.incrementAndGet() + "_" + hint.toLowerCase().replaceAll("[^a-z0-9]+", "_");
		if (name.length() > 60) {
			name = name.substring(0, 60);
		}
		this.cluster.createDatabase(name);
		return new FreshDatabase(this, name);
	}

	/**
	 * Loads {@code pg_stat_statements}: sets {@code shared_preload_libraries}, then stops the server as a crash
	 * would and starts it again (the only restart {@link PostgresCluster} offers; nothing is in it yet), and
	 * creates the extension.
	 * @throws SQLException if the server refuses
	 */
	void enableStatementStatistics() throws SQLException {
		try (Connection connection = this.cluster.connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
		}
		this.cluster.crash();
		this.cluster.restart();
		try (Connection connection = this.cluster.connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
		}
		this.statementStatistics = true;
	}

	/**
	 * Turns {@code track_wal_io_timing} on (for {@code pg_stat_wal}'s sync time), for the connections opened from
	 * now on: {@code ALTER SYSTEM} and a configuration reload.
	 * @throws SQLException if the server refuses
	 */
	void enableWalTiming() throws SQLException {
		try (Connection connection = this.cluster.connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET track_wal_io_timing = on");
			statement.execute("SELECT pg_reload_conf()");
		}
	}

	/** @return whether {@link #enableStatementStatistics()} succeeded */
	boolean statementStatistics() {
		return this.statementStatistics;
	}

	/**
	 * Transactions ended (committed and rolled back) on the benchmark's databases, from {@code pg_stat_database}:
	 * the fallback count when {@code pg_stat_statements} cannot be loaded. Approximate: each backend publishes
	 * its counts at the end of a transaction at most once a second, and when it goes idle.
	 * @return the sum over the databases named {@code bench...}
	 * @throws SQLException if the view cannot be read
	 */
	long transactions() throws SQLException {
		try (Connection connection = this.cluster.connect("postgres"); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT coalesce(sum(xact_commit + xact_rollback), 0)"
						+ " FROM pg_stat_database WHERE datname LIKE 'bench%'")) {
			result.next();
			return result.getLong(1);
		}
	}

	String jdbcUrl(String database) {
		return this.cluster.jdbcUrl(database);
	}

	String username() {
		return this.cluster.username();
	}

	Connection connect(String database) throws SQLException {
		return this.cluster.connect(database);
	}

	void dropDatabase(String name) throws SQLException {
		try (Connection connection = this.cluster.connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
	}

	/**
	 * The server's version and the settings that matter to these figures.
	 * @return one line
	 * @throws SQLException if the server cannot be asked
	 */
	String describe() throws SQLException {
		List<String> settings = new ArrayList<>();
		try (Connection connection = this.cluster.connect("postgres"); Statement statement = connection.createStatement()) {
			for (String setting : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method",
					"full_page_writes", "shared_buffers", "max_wal_size", "max_connections", "commit_delay",
					"commit_siblings", "checkpoint_timeout", "track_wal_io_timing")) {
				try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
					result.next();
					settings.add(setting + "=" + result.getString(1));
				}
			}
		}
		return "PostgreSQL " + String.join(", ", settings);
	}

	@Override
	public void close() {
		this.cluster.close();
	}

}
