package io.levelmutex.postgres;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.StorageUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which connection failures {@code connectWait} rides out and which fail at once, without a server: a DataSource
 * that fails its first attempts with a given SQLSTATE, then hands out a connection. A refusal that lasts only while
 * the server or the database is not accepting connections (class 08, 57P01-57P03, 57P05, class 53, 55000 "not
 * currently accepting connections", a pool's timeout) is tried again until a connection comes; one that waiting
 * does not cure (class 28, 3D000, 57P04, 42501, an unknown SQLSTATE or none) fails at the first attempt, with a
 * {@link StorageUnavailableException} naming the cause and the SQLSTATE. The wait is far longer than the test's
 * run, so a failure at once is a failure at the first attempt, counted, not timed.
 */
class ConnectRefusalClassificationTest {

	private static final Duration LONG_WAIT = Duration.ofSeconds(60);

	@ParameterizedTest
	@ValueSource(strings = { "08001", "08006", "08004", "57P01", "57P02", "57P03", "57P05", "53300", "53200", "53100",
			"55000" })
	void whenConnectingFailsWithARefusalForNowThenItIsTriedAgainUntilAConnectionComes(String state) {
		Scripted dataSource = new Scripted(3, () -> new SQLException("refused for now", state));
		Connection connection = new Connections(dataSource, LONG_WAIT).open("a test");
		assertThat(connection).isSameAs(dataSource.connection);
		assertThat(dataSource.attempts.get()).as("three refusals, then the connection").isEqualTo(4);
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "08001" })
	void whenAPoolTimesOutWithoutARefusalForGoodThenItIsTriedAgain(String state) {
		Scripted dataSource = new Scripted(2, () -> new SQLTransientConnectionException(
				"HikariPool-1 - Connection is not available, request timed out after 30000ms.",
				state.equals("none") ? null : state));
		assertThat(new Connections(dataSource, LONG_WAIT).open("a test")).isSameAs(dataSource.connection);
		assertThat(dataSource.attempts.get()).isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "28P01", "28000", "3D000", "57P04", "42501" })
	void whenConnectingIsRefusedForGoodThenItFailsAtTheFirstAttemptNamingTheCause(String state) {
		Scripted dataSource = new Scripted(Integer.MAX_VALUE, () -> new SQLException("refused: " + state, state));
		assertThatThrownBy(() -> new Connections(dataSource, LONG_WAIT).open("a test"))
			.isInstanceOf(StorageUnavailableException.class)
			.hasMessageContaining("No PostgreSQL connection for a test")
			.hasMessageContaining(state.startsWith("28") ? "the login was refused"
					: state.equals("42501") ? "no CONNECT privilege" : "the database does not exist")
			.hasMessageContaining("not retried")
			.hasMessageContaining("of connectWait 60000 ms")
			.hasMessageContaining("(SQLSTATE " + state + ")");
		assertThat(dataSource.attempts.get()).as("not tried again").isEqualTo(1);
	}

	/** HikariCP's timeout after its own attempts were refused carries the refusal's SQLSTATE and cause. */
	@ParameterizedTest
	@ValueSource(strings = { "28P01", "3D000" })
	void whenAPoolTimesOutAfterARefusalForGoodThenItFailsAtOnceNamingTheRefusal(String state) {
		Scripted dataSource = new Scripted(Integer.MAX_VALUE, () -> new SQLTransientConnectionException(
				"HikariPool-1 - Connection is not available, request timed out after 30000ms.", state,
				new SQLException("FATAL: the server's own words", state)));
		assertThatThrownBy(() -> new Connections(dataSource, LONG_WAIT).open("a test"))
			.isInstanceOf(StorageUnavailableException.class)
			.hasMessageContaining("not retried")
			.hasMessageContaining("caused by: FATAL: the server's own words (SQLSTATE " + state + ")");
		assertThat(dataSource.attempts.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "XX000", "22023", "0A000" })
	void whenConnectingFailsWithAnErrorOfNoKnownKindThenItFailsAtOnce(String state) {
		Scripted dataSource = new Scripted(Integer.MAX_VALUE,
				() -> new SQLException("HikariDataSource HikariDataSource (HikariPool-1) has been closed.",
						state.equals("none") ? null : state));
		assertThatThrownBy(() -> new Connections(dataSource, LONG_WAIT).open("a test"))
			.isInstanceOf(StorageUnavailableException.class)
			.hasMessageContaining("an error that waiting does not cure")
			.hasMessageContaining("has been closed");
		assertThat(dataSource.attempts.get()).isEqualTo(1);
	}

	/**
	 * A DataSource that wraps the driver's failure in an unchecked exception of its own (as a pool's
	 * initialisation failure may): judged by the driver's failure, never thrown raw.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "55000", "28P01" })
	void whenTheDataSourceWrapsTheRefusalInAnUncheckedExceptionThenTheRefusalDecides(String state) {
		Scripted dataSource = new Scripted(2, () -> {
			throw new IllegalStateException("Failed to initialize pool: refused",
					new SQLException("FATAL: refused", state));
		});
		Connections connections = new Connections(dataSource, LONG_WAIT);
		if (state.equals("55000")) {
			assertThat(connections.open("a test")).isSameAs(dataSource.connection);
			assertThat(dataSource.attempts.get()).isEqualTo(3);
		}
		else {
			assertThatThrownBy(() -> connections.open("a test")).isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("the login was refused")
				.hasMessageContaining("FATAL: refused (SQLSTATE 28P01)");
			assertThat(dataSource.attempts.get()).isEqualTo(1);
		}
	}

	@Test
	void whenTheDataSourceThrowsAnUncheckedExceptionWithoutADriverFailureThenItPropagatesAsItWas() {
		Scripted dataSource = new Scripted(1, () -> {
			throw new IllegalArgumentException("a bug of the DataSource");
		});
		assertThatThrownBy(() -> new Connections(dataSource, LONG_WAIT).open("a test"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("a bug of the DataSource");
	}

	/** Fails its first {@code failures} attempts with what {@code failure} makes, then hands out one connection. */
	private static final class Scripted extends ForwardingDataSource {

		final AtomicInteger attempts = new AtomicInteger();

		final Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> switch (method.getName()) {
					case "toString" -> "a placeholder connection";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException("a placeholder connection");
				});

		private final int failures;

		private final Supplier<SQLException> failure;

		Scripted(int failures, Supplier<SQLException> failure) {
			super(null);
			this.failures = failures;
			this.failure = failure;
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.attempts.incrementAndGet() <= this.failures) {
				throw this.failure.get();
			}
			return this.connection;
		}

	}

}
