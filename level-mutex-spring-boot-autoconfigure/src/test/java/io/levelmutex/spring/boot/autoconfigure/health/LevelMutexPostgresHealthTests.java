package io.levelmutex.spring.boot.autoconfigure.health;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.Mutex;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.postgres.test.PostgresCluster;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexPostgresAutoConfiguration;
import io.levelmutex.spring.boot.health.MutexHealthIndicator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code levelMutex} health contributor on the PostgreSQL engine tells the truth when the database goes away:
 * DOWN, with the engine's signals, while the server is down ({@code pg_ctl stop -m immediate}); UP again once it is
 * back, without restarting the application. A cluster of its own, since it crashes it.
 */
class LevelMutexPostgresHealthTests {

	private PostgresCluster cluster;

	@BeforeEach
	void startCluster() {
		this.cluster = PostgresCluster.start();
	}

	@AfterEach
	void stopCluster() {
		this.cluster.close();
	}

	@Test
	void whenTheDatabaseCrashesThenHealthIsDownUntilItIsBack() throws Exception {
		String url = this.cluster.createDatabase("health");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					LevelMutexPostgresAutoConfiguration.class, LevelMutexAutoConfiguration.class,
					LevelMutexHealthContributorAutoConfiguration.class))
			.withPropertyValues("level-mutex.store.engine=postgres", "spring.datasource.url=" + url,
					"spring.datasource.username=" + this.cluster.username(), "level-mutex.mutexes.orders=",
					"level-mutex.postgres.connect-wait=1s", "level-mutex.postgres.poll-interval=200ms",
					"spring.datasource.hikari.connection-timeout=1000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MutexHealthIndicator indicator = context.getBean(MutexHealthIndicator.class);
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				orders.put(bytes("before"), bytes("crash")).join();
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);

				this.cluster.crash();
				Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(store(health)).containsEntry("engine", "postgresql").containsEntry("available", false);
				});

				this.cluster.restart();
				Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
					// a batch that failed while the server was down keeps the mutex DOWN until one succeeds
					orders.put(bytes("after"), bytes("restart")).join();
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(store(health)).containsEntry("available", true);
				});
				assertThat(orders.get(bytes("before")).join()).isPresent();
			});
	}

	/**
	 * A write that failed because the server was unreachable says nothing about the mutex once the server is back:
	 * an idle service (no request arrives while a load balancer sees it DOWN) must come back UP by itself. Failed
	 * first: the mutex stayed DOWN until one of its batches succeeded (the stock service's outage test, once
	 * update() went straight to its commit).
	 */
	@Test
	void whenAWriteFailedWhileTheDatabaseWasDownThenHealthIsUpOnceItIsBackWithoutAnotherWrite() throws Exception {
		String url = this.cluster.createDatabase("health_idle");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					LevelMutexPostgresAutoConfiguration.class, LevelMutexAutoConfiguration.class,
					LevelMutexHealthContributorAutoConfiguration.class))
			.withPropertyValues("level-mutex.store.engine=postgres", "spring.datasource.url=" + url,
					"spring.datasource.username=" + this.cluster.username(), "level-mutex.mutexes.orders=",
					"level-mutex.postgres.connect-wait=1s", "level-mutex.postgres.poll-interval=200ms",
					"spring.datasource.hikari.connection-timeout=1000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MutexHealthIndicator indicator = context.getBean(MutexHealthIndicator.class);
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				orders.put(bytes("before"), bytes("crash")).join();

				this.cluster.crash();
				// unavailable, or (a pooled connection lost during its COMMIT) outcome unknown: both "not reached"
				assertThatThrownBy(() -> orders.put(bytes("during"), bytes("outage")).join()).cause()
					.isInstanceOfAny(StorageUnavailableException.class, CommitOutcomeUnknownException.class);
				assertThat(orders.stats().lastBatchFailed()).isTrue();
				Health down = indicator.health(true);
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);

				this.cluster.restart();
				Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(store(health)).containsEntry("available", true);
				});
				assertThat(orders.stats().lastBatchFailed()).isTrue(); // nothing was written since: UP all the same
				assertThat(orders.get(bytes("before")).join()).isPresent();
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> store(Health health) {
		return (Map<String, Object>) health.getDetails().get("store");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
