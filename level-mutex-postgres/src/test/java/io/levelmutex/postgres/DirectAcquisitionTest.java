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
 * A HikariCP pool whose own longest wait (connection timeout plus validation timeout) fits in {@code connectWait}
 * gives its connections on the caller's thread, no helper thread involved; every other DataSource, a pool whose
 * wait does not fit, a suspendable pool, or a wrapper around a pool, goes through a helper thread that bounds the
 * wait. An exhausted pool on the direct path still fails within the bound, saying so.
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
	void whenThePoolsTimeoutDoesNotFitThenEveryAcquisitionUsesAHelperThread() throws Exception {
		try (HikariDataSource pool = pool(500, false)) {
			// 500 ms connection timeout + 250 ms validation timeout > 600 ms
			Connections connections = new Connections(pool, Duration.ofMillis(600));
			for (int i = 0; i < 3; i++) {
				connections.open("a test").close();
			}
			assertThat(connections.helperAcquisitions()).isEqualTo(3);
		}
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
