package io.levelmutex.postgres;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A HikariCP pool gives its connections on the caller's thread, no helper thread involved: directly when its own
 * longest wait (connection timeout plus validation timeout) fits in {@code connectWait}, else through its timed
 * acquisition with what is left of {@code connectWait} (Spring Boot's 30 s default); every other DataSource, a
 * suspendable pool, or a wrapper around a pool, goes through a helper thread that bounds the wait. An exhausted
 * pool on either direct path still fails within the bound, saying so; a closed pool fails at once.
 */
class DirectAcquisitionTest extends ClusterTestSupport {

	@Test
	void whenThePoolsTimeoutFitsInTheConnectWaitThenNoHelperThreadIsUsed() throws Exception {
		try (HikariDataSource pool = pool(500, false)) {
			Connections connections = new Connections(pool, Duration.ofSeconds(2));
			for (int i = 0; i < 20; i++) {
				try (Connection connection = connections.open("a test")) {
					assertThat(connection.isValid(1)).isTrue();
				}
			}
			assertThat(connections.helperAcquisitions()).isZero();
		}
	}

	@Test
	void whenThePoolsTimeoutDoesNotFitThenTheCallersThreadAsksThePoolForAShorterWait() throws Exception {
		try (HikariDataSource pool = pool(30_000, false)) {
			// 30 s connection timeout (Spring Boot's default) + 250 ms validation timeout > 2 s
			Connections connections = new Connections(pool, Duration.ofSeconds(2));
			for (int i = 0; i < 3; i++) {
				try (Connection connection = connections.open("a test")) {
					assertThat(connection.isValid(1)).isTrue();
				}
			}
			assertThat(connections.helperAcquisitions()).isZero();
		}
	}

	@Test
	@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenAPoolWithALongTimeoutIsExhaustedThenTheCallersThreadFailsWithinTheConnectWait() throws Exception {
		try (HikariDataSource pool = pool(30_000, false)) {
			Connections connections = new Connections(pool, Duration.ofSeconds(2));
			try (Connection held = pool.getConnection(); Connection alsoHeld = pool.getConnection()) {
				assertThatThrownBy(() -> connections.open("a test")).isInstanceOf(PostgresUnavailableException.class)
					.hasMessageContaining("a test")
					.hasMessageContaining("(connectWait 2000 ms)");
			}
			// (the pool's timeout is retried; the last attempt, with less left than the pool's validation bound,
			// runs on a helper thread)
			connections.open("a test").close();
		}
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheTimedPoolIsClosedThenTheAcquisitionFailsAtOnce() throws Exception {
		HikariDataSource pool = pool(30_000, false);
		pool.getConnection().close();
		pool.close();
		Connections connections = new Connections(pool, Duration.ofSeconds(10));
		// (the closed pool's own failure, not the end of a wait: the test's timeout is half the connectWait)
		assertThatThrownBy(() -> connections.open("a test")).isInstanceOf(PostgresUnavailableException.class)
			.hasMessageContaining("a test")
			.hasMessageContaining("closed");
	}

	@Test
	void whenThePoolMayBeSuspendedOrIsWrappedThenAHelperThreadBoundsTheWait() throws Exception {
		try (HikariDataSource suspendable = pool(500, true); HikariDataSource wrapped = pool(500, false)) {
			Connections viaSuspendable = new Connections(suspendable, Duration.ofSeconds(2));
			viaSuspendable.open("a test").close();
			assertThat(viaSuspendable.helperAcquisitions()).isEqualTo(1);
			Connections viaWrapper = new Connections(new ForwardingDataSource(wrapped) {
			}, Duration.ofSeconds(2));
			viaWrapper.open("a test").close();
			assertThat(viaWrapper.helperAcquisitions()).isEqualTo(1);
		}
	}

	@Test
	@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheDirectPoolIsExhaustedThenTheAcquisitionFailsWithinTheConnectWait() throws Exception {
		try (HikariDataSource pool = pool(500, false)) {
			Connections connections = new Connections(pool, Duration.ofSeconds(2));
			try (Connection held = pool.getConnection(); Connection alsoHeld = pool.getConnection()) {
				assertThatThrownBy(() -> connections.open("a test")).isInstanceOf(PostgresUnavailableException.class)
					.hasMessageContaining("a test")
					.hasMessageContaining("(connectWait 2000 ms)");
			}
			// (the pool's timeouts are retried while they fit; the last attempt, with less left than the pool's
			// bound, runs on a helper thread)
			connections.open("a test").close();
		}
	}

	private static HikariDataSource pool(long connectionTimeoutMillis, boolean suspendable) {
		newDatabase();
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(cluster.jdbcUrl(database));
		config.setUsername("postgres");
		config.setMaximumPoolSize(2);
		config.setConnectionTimeout(connectionTimeoutMillis);
		config.setValidationTimeout(250);
		config.setAllowPoolSuspension(suspendable);
		return new HikariDataSource(config);
	}

}
