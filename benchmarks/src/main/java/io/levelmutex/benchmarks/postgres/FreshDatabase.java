package io.levelmutex.benchmarks.postgres;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * One empty database of the run's server, for one contender at one point, with the HikariCP pools opened on
 * it; {@link #close()} closes the pools and drops the database. Every contender starts from the same state:
 * empty, right after the previous database's drop (which checkpoints).
 */
final class FreshDatabase implements AutoCloseable {

	private final PgServer server;

	private final String name;

	// Pools opened on this database; touched by the thread that owns the contender.
	private final List<HikariDataSource> pools = new ArrayList<>();

	FreshDatabase(PgServer server, String name) {
		this.server = server;
		this.name = name;
	}

	String name() {
		return this.name;
	}

	/**
	 * Opens a pool of a fixed size (all connections opened up front).
	 * @param poolName the pool's name, for its threads
	 * @param size the connections
	 * @return the pool, closed with this database
	 */
	HikariDataSource pool(String poolName, int size) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(this.server.jdbcUrl(this.name));
		config.setUsername(this.server.username());
		config.setPassword("");
		config.setPoolName(poolName);
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(size);
		config.setAutoCommit(true);
		config.setConnectionTimeout(Duration.ofSeconds(60).toMillis());
		HikariDataSource pool = new HikariDataSource(config);
		this.pools.add(pool);
		return pool;
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		for (HikariDataSource pool : this.pools) {
			try {
				pool.close();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		try {
			this.server.dropDatabase(this.name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not drop database " + this.name, ex);
		}
		if (failure != null) {
			throw failure;
		}
	}

}
