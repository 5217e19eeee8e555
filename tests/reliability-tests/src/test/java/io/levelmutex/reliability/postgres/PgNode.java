package io.levelmutex.reliability.postgres;

import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.postgres.PostgresStore;
import io.levelmutex.reliability.support.TestStores;

/**
 * How every suite of this package opens a node: a {@link PostgresStore} on a HikariCP pool with
 * Spring Boot's defaults (as an application hands the engine its pool) over a
 * {@link PGSimpleDataSource} whose connections carry the node's name as their
 * {@code application_name}, so that a test can find (and terminate) exactly that node's
 * sessions in {@code pg_stat_activity}. Short waits and a short poll interval keep fault rounds
 * short; they are well within what a loaded 2-core machine needs. (Before the pool, every batch and
 * read phase started a server backend: most of these suites' time on a busy machine.)
 */
final class PgNode {

	/** The engine's wait for a connection and for resolving an unknown outcome. */
	static final Duration WAIT = Duration.ofSeconds(10);

	/** The polling fallback of remote changes. */
	static final Duration POLL = Duration.ofMillis(250);

	/** Attempts of an update rejected by the engine before it fails with a conflict. */
	static final int UPDATE_ATTEMPTS = 20;

	private PgNode() {
	}

	static PGSimpleDataSource dataSource(String jdbcUrl, String user, String applicationName) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(jdbcUrl);
		dataSource.setUser(user);
		dataSource.setApplicationName(applicationName);
		dataSource.setConnectTimeout(5);
		return dataSource;
	}

	static Opened open(String jdbcUrl, String user, String applicationName) {
		return open(jdbcUrl, user, applicationName, Config.DEFAULT);
	}

	static Opened open(String jdbcUrl, String user, String applicationName, Config config) {
		PGSimpleDataSource dataSource = dataSource(jdbcUrl, user, applicationName);
		if (config.serverOptions() != null) {
			dataSource.setOptions(config.serverOptions());
		}
		HikariConfig pool = new HikariConfig();
		pool.setDataSource(dataSource);
		pool.setPoolName(applicationName);
		// Spring Boot's defaults otherwise (10 connections, 30 s connectionTimeout), none kept idle at start.
		pool.setMinimumIdle(0);
		HikariDataSource pooled = new HikariDataSource(pool);
		try {
			return new Opened(PostgresStore.builder(pooled)
				.pollInterval(config.poll())
				.connectWait(config.connectWait())
				.resolveWait(config.resolveWait())
				.storeOptions(StoreOptions.builder()
					.cycleThreads(config.cycleThreads())
					.closeTimeout(Duration.ofSeconds(30))
					.build())
				.open(), pooled);
		}
		catch (RuntimeException ex) {
			pooled.close();
			throw ex;
		}
	}

	/**
	 * A node's store and its pool; closing closes the store, then the pool (whose connections then end).
	 * @param store the store
	 * @param pool the pool the store borrows from
	 */
	record Opened(MutexStore store, HikariDataSource pool) implements AutoCloseable {

		@Override
		public void close() {
			try {
				this.store.close();
			}
			finally {
				this.pool.close();
			}
		}

	}

	/**
	 * How a node is opened.
	 * @param poll the polling fallback of remote changes
	 * @param connectWait the engine's wait for a connection
	 * @param resolveWait the engine's wait for an unknown outcome's resolution
	 * @param cycleThreads the store's cycle pool size
	 * @param serverOptions server settings for every session of the node (libpq's {@code options}, e.g.
	 * {@code -c commit_delay=20000}), or {@code null}
	 */
	record Config(Duration poll, Duration connectWait, Duration resolveWait, int cycleThreads,
			@Nullable String serverOptions) {

		/** What every suite of this package uses unless it says otherwise. */
		static final Config DEFAULT = new Config(POLL, WAIT, WAIT, 2, null);

	}

	/**
	 * A mutex with UTF-8 keys and values allowing {@value #UPDATE_ATTEMPTS} attempts per update. Set on the
	 * mutex because the per-call {@code Mutex.update(function, maxAttempts)} is ignored by the core (only the
	 * mutex's {@code maxUpdateAttempts} counts; reported, not fixed here).
	 */
	static Mutex<String, String> strings(MutexStore store, String name) {
		return TestStores.strings(store, MutexOptions.builder(name).maxUpdateAttempts(UPDATE_ATTEMPTS).build());
	}

}
