package io.levelmutex.spring.boot.test.autoconfigure;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.postgres.test.PostgresCluster;
import org.jspecify.annotations.Nullable;

/**
 * The private PostgreSQL cluster of a test JVM, shared by every test that asks for one: started on first use
 * ({@link PostgresCluster#start()}: {@code initdb} in a temporary directory, a server on a free loopback port,
 * from the machine's PostgreSQL server binaries, {@code LEVEL_MUTEX_PG_BIN} or the newest
 * {@code /usr/lib/postgresql/N/bin}), stopped and deleted when the JVM exits. Each caller gets a database of its
 * own from {@link #createDatabase()}, so tests never see one another's data.
 *
 * <p>{@link AutoConfigureLevelMutex @AutoConfigureLevelMutex(engine = POSTGRES)} uses it for every application
 * context; use it directly to start several contexts on one database (several instances of an application), or to
 * point {@code spring.datasource.url} at it. Thread-safe.
 */
public final class LevelMutexTestPostgres {

	private static final AtomicInteger databases = new AtomicInteger();

	/** Started on first use, under the class's lock; never stopped but by its own shutdown hook. */
	private static @Nullable PostgresCluster cluster;

	private LevelMutexTestPostgres() {
	}

	/**
	 * The JVM's cluster, started on the first call.
	 * @return the running cluster
	 * @throws IllegalStateException if no PostgreSQL server binaries are installed or the server does not start
	 */
	public static synchronized PostgresCluster cluster() {
		if (cluster == null) {
			cluster = PostgresCluster.start();
		}
		return cluster;
	}

	/**
	 * Creates a fresh database on the JVM's cluster.
	 * @return its connection details
	 * @throws IllegalStateException if the cluster does not start or refuses the database
	 */
	public static Database createDatabase() {
		PostgresCluster running = cluster();
		String name = "level_mutex_test_" + databases.incrementAndGet();
		try {
			return new Database(running.createDatabase(name), running.username(), "");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create the test database " + name + " on the private PostgreSQL"
					+ " cluster at port " + running.port() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * A database of the cluster.
	 *
	 * @param url its JDBC URL
	 * @param username the user to log in as (the cluster's superuser)
	 * @param password its password (empty: the cluster trusts loopback connections)
	 */
	public record Database(String url, String username, String password) {
	}

}
