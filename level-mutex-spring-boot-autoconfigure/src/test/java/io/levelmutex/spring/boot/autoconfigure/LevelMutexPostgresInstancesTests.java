package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.Mutex;
import io.levelmutex.postgres.test.PostgresCluster;
import io.levelmutex.spring.boot.MutexEvent;
import io.levelmutex.spring.boot.MutexFlushedEvent;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexRemoteChangeEvent;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint;
import io.levelmutex.spring.boot.autoconfigure.endpoint.LevelMutexEndpointAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.health.LevelMutexHealthContributorAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.metrics.LevelMutexMetricsAutoConfiguration;
import io.levelmutex.spring.boot.health.MutexHealthIndicator;
import io.levelmutex.spring.boot.metrics.MutexMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application contexts on one PostgreSQL database, as two instances of an application: each sees the other's
 * writes as {@link MutexRemoteChangeEvent}s, counted in {@code level.mutex.remote.changes}; the health contributor
 * and the {@code mutexes} endpoint show the engine.
 */
class LevelMutexPostgresInstancesTests {

	private static final AtomicInteger databases = new AtomicInteger();

	private static PostgresCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	private static ApplicationContextRunner instance(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					LevelMutexPostgresAutoConfiguration.class, LevelMutexAutoConfiguration.class,
					LevelMutexHealthContributorAutoConfiguration.class, LevelMutexMetricsAutoConfiguration.class,
					LevelMutexEndpointAutoConfiguration.class))
			.withPropertyValues("level-mutex.store.engine=postgres", "spring.datasource.url=" + url,
					"spring.datasource.username=" + cluster.username(), "level-mutex.mutexes.orders=",
					"level-mutex.postgres.poll-interval=200ms", "management.endpoints.web.exposure.include=mutexes")
			.withBean(EventLog.class);
	}

	private static String newDatabase() throws SQLException {
		return cluster.createDatabase("instances_" + databases.incrementAndGet());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void whenOneInstanceWritesThenTheOtherPublishesARemoteChangeCoveringItsSequenceAndCountsIt() throws SQLException {
		String url = newDatabase();
		instance(url).run((a) -> instance(url).run((b) -> {
			assertThat(a).hasNotFailed();
			assertThat(b).hasNotFailed();
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			b.getBean(MutexMetrics.class).bindTo(meters);
			Mutex<byte[], byte[]> ordersA = a.getBean(MutexRegistry.class).mutex("orders");
			ordersA.put(bytes("o-1"), bytes("from a")).join();
			ordersA.put(bytes("o-2"), bytes("from a")).join();
			EventLog logA = a.getBean(EventLog.class);
			EventLog logB = b.getBean(EventLog.class);
			Awaitility.await("instance a published a flushed event for each of its 2 puts")
				.atMost(Duration.ofSeconds(60))
				.until(() -> logA.flushed().size() == 2);
			List<Long> sequences = logA.flushed().stream().map(MutexFlushedEvent::getSequence).toList();
			assertThat(sequences.get(1)).isGreaterThan(sequences.get(0));
			Awaitility.await("instance b published a remote change covering each of a's batches")
				.atMost(Duration.ofSeconds(60))
				.until(() -> sequences.stream().allMatch((sequence) -> logB.remote().stream()
					.anyMatch((event) -> event.getFromSequence() <= sequence && sequence <= event.getToSequence())));
			assertThat(logB.remote()).allSatisfy((event) -> {
				assertThat(event.getMutexName()).isEqualTo("orders");
				assertThat(event.getToSequence()).isGreaterThanOrEqualTo(event.getFromSequence());
			});
			assertThat(logB.flushed()).as("b wrote nothing").isEmpty();
			assertThat(logA.remote()).as("a's own batches are not remote changes to a").isEmpty();
			assertThat(meters.get("level.mutex.remote.changes").tag("mutex", "orders").functionCounter().count())
				.isGreaterThanOrEqualTo(2);
			assertThat(b.getBean(MutexRegistry.class).mutex("orders").get(bytes("o-2")).join()).isPresent();
		}));
	}

	@Test
	void whenEngineIsPostgresThenHealthAndEndpointShowIt() throws SQLException {
		instance(newDatabase()).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(MutexRegistry.class).mutex("orders").put(bytes("k"), bytes("v")).join();
			Health health = context.getBean(MutexHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			@SuppressWarnings("unchecked")
			Map<String, Object> store = (Map<String, Object>) health.getDetails().get("store");
			assertThat(store).containsEntry("engine", "postgresql")
				.containsEntry("open", true)
				.containsEntry("available", true)
				.doesNotContainKeys("path", "backgroundErrors")
				.containsKey("description");
			MutexesEndpoint.MutexesDescriptor mutexes = context.getBean(MutexesEndpoint.class).mutexes();
			assertThat(mutexes.engine()).isEqualTo("postgresql");
			assertThat(mutexes.path()).isNull();
			assertThat(mutexes.description()).isNotBlank();
			assertThat(mutexes.mutexes()).containsKey("orders");
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			context.getBean(MutexMetrics.class).bindTo(meters);
			assertThat(meters.get("level.mutex.store.available").gauge().value()).isEqualTo(1);
			assertThat(meters.find("level.mutex.store.background.errors").gauge()).isNull();
			assertThat(meters.get("level.mutex.store.notification.lag").gauge()).isNotNull();
		});
	}

	/** The mutex events one context publishes, in order. */
	static class EventLog {

		/** Appended by the level-mutex-events thread, read by the test thread. */
		private final List<MutexEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MutexEvent event) {
			this.events.add(event);
		}

		List<MutexFlushedEvent> flushed() {
			return this.events.stream()
				.filter(MutexFlushedEvent.class::isInstance)
				.map(MutexFlushedEvent.class::cast)
				.toList();
		}

		List<MutexRemoteChangeEvent> remote() {
			return this.events.stream()
				.filter(MutexRemoteChangeEvent.class::isInstance)
				.map(MutexRemoteChangeEvent.class::cast)
				.toList();
		}

	}

}
