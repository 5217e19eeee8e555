package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The remote-change listener borrows its connection from the application's pool (a real HikariCP pool here):
 * whatever ends its use (store close, its backend terminated, a failure on a live connection), no connection
 * goes back to the pool still listening, still named {@code level-mutex-listener}, or with notifications
 * buffered; and closing the store wakes the listener instead of waiting out the poll interval (10 minutes
 * here: the test's timeout catches a close that waits).
 */
class ListenerPoolHygieneTest extends ClusterTestSupport {

	private static final String APP_NAME = "the-application";

	private static final int POOL_SIZE = 3;

	private static final Duration NEVER = Duration.ofMinutes(10);

	/** The application's pool; owned by the JUnit thread. */
	private HikariDataSource pool;

	/** What the listener thread handed back to the pool, checked just before each return. */
	private final List<String> returnedDirty = new CopyOnWriteArrayList<>();

	/** How many connections the listener thread returned to the pool. */
	private final List<String> returned = new CopyOnWriteArrayList<>();

	@BeforeEach
	void openPool() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(cluster.jdbcUrl(database));
		config.setUsername("postgres");
		config.setMaximumPoolSize(POOL_SIZE);
		config.setMinimumIdle(POOL_SIZE);
		config.setConnectionTimeout(5_000);
		config.addDataSourceProperty("ApplicationName", APP_NAME);
		config.setPoolName("hygiene");
		this.pool = new HikariDataSource(config);
	}

	@AfterEach
	void closePool() {
		this.pool.close();
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheStoreClosesThenNoPooledConnectionListensAndCloseDoesNotWaitForThePollInterval() throws Exception {
		MutexStore store = PostgresStore.builder(this.pool)
			.tablePrefix(prefix)
			.pollInterval(NEVER)
			.connectWait(Duration.ofSeconds(5))
			.open();
		Mutex<byte[], byte[]> mutex = store.mutex("hygiene");
		mutex.put(bytes("k"), bytes("v")).join();
		awaitListening();
		store.close();
		notifyMany(1_000);
		assertEveryPooledConnectionIsClean(POOL_SIZE);
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheListenersBackendIsTerminatedThenItReconnectsAndNoPooledConnectionListens() throws Exception {
		TestNode storage = TestNode.open(recording(), settings(), true);
		RemoteChangeListener listener = storage.listen((change) -> {
		});
		try {
			listener.watch(storage.keyspace("hygiene"), 0);
			int first = awaitListening();
			execute(newDatabase(), "SELECT pg_terminate_backend(" + first + ")");
			await().atMost(30, TimeUnit.SECONDS).until(() -> listener.reconnects() >= 1 && listenerPid() != first);
			notifyMany(200);
			assertThat(this.returnedDirty).isEmpty();
			assertEveryPooledConnectionIsClean(POOL_SIZE - 1);
		}
		finally {
			listener.close();
		}
		assertThat(this.returnedDirty).isEmpty();
		assertEveryPooledConnectionIsClean(POOL_SIZE);
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenListeningFailsOnALiveConnectionThenTheConnectionGoesBackCleanEveryTime() throws Exception {
		TestNode storage = TestNode.open(recording(), settings(), true);
		RemoteChangeListener listener = storage.listen((change) -> {
		});
		PGSimpleDataSource admin = newDatabase();
		try {
			listener.watch(storage.keyspace("hygiene"), 0);
			awaitListening();
			// The catch-up query fails (undefined table) on a connection that stays alive: the listener gives it
			// back and takes another, again and again.
			execute(admin, "ALTER TABLE " + prefix + "keyspace RENAME TO " + prefix + "keyspace_away");
			notifyMany(1);
			await().atMost(30, TimeUnit.SECONDS).until(() -> listener.reconnects() >= 3);
			execute(admin, "ALTER TABLE " + prefix + "keyspace_away RENAME TO " + prefix + "keyspace");
			long renamedBack = System.nanoTime();
			notifyMany(1);
			await().atMost(30, TimeUnit.SECONDS).until(() -> listener.lastCatchUpNanos() - renamedBack > 0);
			assertThat(this.returned).as("connections the listener gave back").hasSizeGreaterThanOrEqualTo(3);
			assertThat(this.returnedDirty).isEmpty();
		}
		finally {
			listener.close();
		}
		notifyMany(200);
		assertThat(this.returnedDirty).isEmpty();
		assertEveryPooledConnectionIsClean(POOL_SIZE);
	}

	private PostgresSettings settings() {
		return PostgresSettings.defaults()
			.withTablePrefix(prefix)
			.withWaits(Duration.ofSeconds(5), Duration.ofSeconds(5))
			.withPollInterval(NEVER);
	}

	/**
	 * The pool, with every connection the listener thread uses checked when it is closed (on the listener thread,
	 * just before it goes back to the pool) for LISTEN, application_name and buffered notifications. A broken
	 * connection is not checked: the pool discards it. A listener's connection given back by another thread is a
	 * failure in itself. (The engine may call getConnection on a helper thread: a connection is the listener's
	 * once the listener thread uses it.)
	 */
	private javax.sql.DataSource recording() {
		return new ForwardingDataSource(this.pool) {
			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				java.util.concurrent.atomic.AtomicReference<Thread> user = new java.util.concurrent.atomic.AtomicReference<>();
				return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, args) -> {
							if (method.getName().equals("close")) {
								checkBeforeReturn(connection, user.get());
							}
							else if (isListener(Thread.currentThread())) {
								user.compareAndSet(null, Thread.currentThread());
							}
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}
		};
	}

	private static boolean isListener(Thread thread) {
		return thread.getName().startsWith("level-mutex-pg-listener");
	}

	private void checkBeforeReturn(Connection connection, Thread user) {
		if (user == null) {
			return;
		}
		if (Thread.currentThread() != user) {
			// Only the listener thread may give its connection back: any other thread would hand it to the pool
			// while the listener still uses it.
			this.returned.add("given back by " + Thread.currentThread().getName());
			this.returnedDirty.add("given back by " + Thread.currentThread().getName());
			return;
		}
		if (isClosedQuietly(connection)) {
			this.returned.add("");
			return;
		}
		try {
			String problem = problems(connection);
			this.returned.add(problem);
			if (!problem.isEmpty()) {
				this.returnedDirty.add(problem);
			}
		}
		catch (SQLException ex) {
			// Broken (terminated or aborted): the pool sees the failure and discards it.
			this.returned.add("");
		}
	}

	private static boolean isClosedQuietly(Connection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	/** Borrows {@code count} connections at once (every connection the pool can give) and checks each. */
	private void assertEveryPooledConnectionIsClean(int count) throws SQLException {
		List<Connection> borrowed = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				borrowed.add(this.pool.getConnection());
			}
			for (Connection connection : borrowed) {
				assertThat(problems(connection)).as("a pooled connection").isEmpty();
			}
		}
		finally {
			for (Connection connection : borrowed) {
				connection.close();
			}
		}
	}

	/** What is wrong with a connection about to be used by the application, or "" if nothing. */
	private static String problems(Connection connection) throws SQLException {
		StringBuilder problems = new StringBuilder();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT current_setting('application_name'), "
						+ "(SELECT count(*) FROM pg_listening_channels()), pg_backend_pid()")) {
			rows.next();
			if (!APP_NAME.equals(rows.getString(1))) {
				problems.append("application_name '").append(rows.getString(1)).append("' ");
			}
			if (rows.getLong(2) != 0) {
				problems.append("listening on ").append(rows.getLong(2)).append(" channel(s) ");
			}
		}
		PGNotification[] buffered = connection.unwrap(PGConnection.class).getNotifications();
		if (buffered != null && buffered.length > 0) {
			problems.append(buffered.length).append(" notification(s) buffered");
		}
		return problems.toString().trim();
	}

	/** Waits until the listener's backend has run a catch-up after LISTEN, and returns its pid. */
	private int awaitListening() throws SQLException {
		await().atMost(30, TimeUnit.SECONDS).until(() -> listenerPid() != 0);
		return listenerPid();
	}

	/** The pid of a backend named by the listener that is past SET and LISTEN, or 0. */
	private static int listenerPid() throws SQLException {
		try (Connection connection = newDatabase().getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = '"
						+ RemoteChangeListener.APPLICATION_NAME + "' AND query NOT LIKE 'SET%' AND query NOT LIKE 'LISTEN%'"
						+ " AND query <> '' AND backend_type = 'client backend'")) {
			return rows.next() ? rows.getInt(1) : 0;
		}
	}

	private static void notifyMany(int count) throws SQLException {
		try (Connection connection = newDatabase().getConnection(); Statement statement = connection.createStatement()) {
			for (int i = 0; i < count; i++) {
				statement.execute("NOTIFY level_mutex, 'noise-" + i + "'");
			}
		}
	}

}
