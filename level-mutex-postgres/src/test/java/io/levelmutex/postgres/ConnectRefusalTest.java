package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A database that refuses connections for a while ({@code ALTER DATABASE ... ALLOW_CONNECTIONS false}: SQLSTATE
 * 55000, "database ... is not currently accepting connections") is an outage that {@code connectWait} rides out, as
 * a server that is down: a read and an update issued while it refuses wait, and complete once connections are
 * allowed again within the wait; a refusal that outlasts the wait fails them with a
 * {@link StorageUnavailableException} stating the time waited and the refusal. A missing database fails at once,
 * at the first attempt, naming it. The refusals are counted by the DataSource, so the tests move on when the
 * engine has really been refused (never after a sleep).
 */
class ConnectRefusalTest extends ClusterTestSupport {

	private static final Pattern WAITED = Pattern.compile("waited (\\d+) ms");

	@Test
	void whenTheDatabaseRefusesConnectionsThenReadsAndUpdatesWaitAndCompleteOnceTheyAreAllowedAgain() throws Exception {
		PGSimpleDataSource own = ownDatabase();
		Refusals counting = new Refusals(own);
		// connectWait far longer than the test: the operations must wait, whatever the machine's load.
		try (MutexStore store = store(counting, Duration.ofMinutes(5))) {
			Mutex<String, String> mutex = strings(store);
			mutex.put("k", "1").join();
			refuse(own, true);
			CompletableFuture<java.util.Optional<String>> read;
			CompletableFuture<Integer> update;
			try {
				read = mutex.get("k");
				update = increment(mutex);
				// Refused, and tried again (the read's phase runs first; the update waits behind it).
				await().atMost(60, TimeUnit.SECONDS).until(() -> counting.refused.get() >= 3);
				assertThat(read).as("still waiting for a connection").isNotDone();
			}
			finally {
				refuse(own, false);
			}
			assertThat(read.join()).contains("1");
			assertThat(update.join()).isEqualTo(2);
			assertThat(mutex.get("k").join()).contains("2");
		}
	}

	@Test
	void whenTheRefusalOutlastsTheConnectWaitThenOperationsFailTypedStatingTheWaitAndTheRefusal() throws Exception {
		PGSimpleDataSource own = ownDatabase();
		Refusals counting = new Refusals(own);
		try (MutexStore store = store(counting, Duration.ofSeconds(1))) {
			Mutex<String, String> mutex = strings(store);
			mutex.put("k", "1").join();
			refuse(own, true);
			try {
				assertRefusedForTheWait(mutex.get("k"));
				assertRefusedForTheWait(increment(mutex));
				assertThat(counting.refused.get()).as("tried again while refused").isGreaterThanOrEqualTo(4);
			}
			finally {
				refuse(own, false);
			}
			assertThat(increment(mutex).join()).as("serves again once allowed").isEqualTo(2);
		}
	}

	@Test
	void whenTheDatabaseDoesNotExistThenOpeningFailsAtTheFirstAttemptNamingIt() {
		Refusals counting = new Refusals(dataSource("no_such_database"));
		assertThatThrownBy(() -> store(counting, Duration.ofMinutes(5))).isInstanceOf(StorageUnavailableException.class)
			.hasMessageContaining("the database does not exist")
			.hasMessageContaining("not retried")
			.hasMessageContaining("no_such_database")
			.hasMessageContaining("(SQLSTATE 3D000)");
		assertThat(counting.attempts.get()).as("not tried again").isEqualTo(1);
	}

	private static void assertRefusedForTheWait(CompletableFuture<?> operation) {
		assertThatThrownBy(operation::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(StorageUnavailableException.class)
			.satisfies((failure) -> {
				Matcher waited = WAITED.matcher(failure.getMessage());
				assertThat(waited.find()).as("states the wait: " + failure.getMessage()).isTrue();
				assertThat(Long.parseLong(waited.group(1))).isGreaterThanOrEqualTo(1_000);
				assertThat(failure.getMessage()).contains("(connectWait 1000 ms)")
					.contains("not currently accepting connections")
					.contains("(SQLSTATE 55000)");
			});
	}

	/** Turns the database's connections off or on again (from the server's maintenance database). */
	private static void refuse(PGSimpleDataSource database, boolean refuse) throws SQLException {
		try (Connection admin = dataSource("postgres").getConnection(); Statement statement = admin.createStatement()) {
			statement.execute("ALTER DATABASE " + database.getDatabaseName() + " ALLOW_CONNECTIONS " + !refuse);
		}
	}

	private static MutexStore store(DataSource dataSource, Duration connectWait) {
		return PostgresStore.builder(dataSource)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMinutes(10))
			.connectWait(connectWait)
			.open();
	}

	private static Mutex<String, String> strings(MutexStore store) {
		return store.mutex(MutexOptions.builder("refused").build(), Codecs.utf8(), Codecs.utf8());
	}

	private static CompletableFuture<Integer> increment(Mutex<String, String> mutex) {
		return mutex.<Integer>update((context) -> {
			int value = context.get("k").map(Integer::parseInt).orElse(0) + 1;
			context.put("k", Integer.toString(value));
			return value;
		});
	}

	/** Counts every attempt, and the attempts the server refused with 55000. */
	private static final class Refusals extends ForwardingDataSource {

		final AtomicInteger attempts = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		Refusals(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			this.attempts.incrementAndGet();
			try {
				return super.getConnection();
			}
			catch (SQLException ex) {
				if ("55000".equals(ex.getSQLState())) {
					this.refused.incrementAndGet();
				}
				throw ex;
			}
		}

	}

}
