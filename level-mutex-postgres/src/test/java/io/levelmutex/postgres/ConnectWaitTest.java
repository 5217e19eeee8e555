package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.Mutex;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code connectWait} bounds how long an operation waits for a connection whatever the DataSource's own timeout:
 * a pool whose connection timeout is 30 s (Spring Boot's HikariCP default), or a DataSource that blocks until
 * released. The failure is a {@link StorageUnavailableException} whose message states the wait that really
 * happened, and a connection that arrives after the engine gave up goes back to the pool. The tests' timeouts
 * (far under 30 s) catch a wait that is not bounded; nothing asserts a duration.
 */
class ConnectWaitTest extends ClusterTestSupport {

	private static final Pattern WAITED = Pattern.compile("waited (\\d+) ms");

	@Test
	@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheApplicationsPoolIsExhaustedThenReadsAndUpdatesFailAtTheConnectWaitNotThePoolsTimeout()
			throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(cluster.jdbcUrl(database));
		config.setUsername("postgres");
		config.setMaximumPoolSize(2);
		config.setConnectionTimeout(30_000);
		try (HikariDataSource pool = new HikariDataSource(config); MutexStore store = store(pool)) {
			Mutex<String, String> mutex = strings(store);
			mutex.put("k", "1").join();
			// The listener holds one connection; the application holds the other.
			Connection held = pool.getConnection();
			try {
				assertUnavailable(mutex.get("k"));
				assertUnavailable(increment(mutex));
			}
			finally {
				held.close();
			}
			assertThat(increment(mutex).join()).isEqualTo(2);
			assertThat(mutex.get("k").join()).contains("2");
			await().atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isEqualTo(1));
		}
	}

	@Test
	@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheDataSourceBlocksThenOperationsFailAtTheConnectWaitAndALateConnectionIsReturned() throws Exception {
		BlockingDataSource blocking = new BlockingDataSource(newDatabase());
		try (MutexStore store = store(blocking)) {
			Mutex<String, String> mutex = strings(store);
			mutex.put("k", "1").join();
			blocking.block();
			assertUnavailable(mutex.get("k"));
			assertUnavailable(increment(mutex));
			assertThat(blocking.blocked.get()).isGreaterThanOrEqualTo(2);
			blocking.release();
			await().atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(blocking.closedLate.get()).isEqualTo(blocking.blocked.get()));
			assertThat(increment(mutex).join()).isEqualTo(2);
		}
	}

	private static MutexStore store(javax.sql.DataSource dataSource) {
		return PostgresStore.builder(dataSource)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMinutes(10))
			.connectWait(Duration.ofSeconds(1))
			.open();
	}

	private static Mutex<String, String> strings(MutexStore store) {
		return store.mutex(MutexOptions.builder("waits").build(), Codecs.utf8(), Codecs.utf8());
	}

	private static CompletableFuture<Integer> increment(Mutex<String, String> mutex) {
		return mutex.<Integer>update((context) -> {
			int value = context.get("k").map(Integer::parseInt).orElse(0) + 1;
			context.put("k", Integer.toString(value));
			return value;
		});
	}

	/** Fails with StorageUnavailableException, saying how long it waited: at least the 1 s connect wait. */
	private static void assertUnavailable(CompletableFuture<?> operation) {
		assertThatThrownBy(operation::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(StorageUnavailableException.class)
			.satisfies((failure) -> {
				Matcher waited = WAITED.matcher(failure.getMessage());
				assertThat(waited.find()).as("states the wait: " + failure.getMessage()).isTrue();
				assertThat(Long.parseLong(waited.group(1))).isGreaterThanOrEqualTo(1_000);
				assertThat(failure.getMessage()).contains("connectWait 1000 ms");
			});
	}

	/**
	 * Forwards until {@link #block()}; then every getConnection blocks (ignoring interrupts, as a driver stuck
	 * in a socket connect does) until {@link #release()}, and the connection it then returns is counted when
	 * closed.
	 */
	private static final class BlockingDataSource extends ForwardingDataSource {

		private final AtomicBoolean blocking = new AtomicBoolean();

		private final CountDownLatch released = new CountDownLatch(1);

		/** Calls that blocked. */
		final AtomicInteger blocked = new AtomicInteger();

		/** Connections handed out after blocking, then closed. */
		final AtomicInteger closedLate = new AtomicInteger();

		BlockingDataSource(javax.sql.DataSource target) {
			super(target);
		}

		void block() {
			this.blocking.set(true);
		}

		void release() {
			this.blocking.set(false);
			this.released.countDown();
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (!this.blocking.get()) {
				return super.getConnection();
			}
			this.blocked.incrementAndGet();
			boolean interrupted = false;
			while (true) {
				try {
					this.released.await();
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			Connection connection = super.getConnection();
			return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						if (method.getName().equals("close")) {
							this.closedLate.incrementAndGet();
						}
						try {
							return method.invoke(connection, args);
						}
						catch (java.lang.reflect.InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

	}

}
