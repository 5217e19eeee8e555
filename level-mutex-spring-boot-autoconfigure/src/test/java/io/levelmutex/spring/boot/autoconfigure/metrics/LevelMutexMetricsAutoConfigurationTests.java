package io.levelmutex.spring.boot.autoconfigure.metrics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.metrics.MutexMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LevelMutexMetricsAutoConfiguration} and {@link MutexMetrics}.
 */
class LevelMutexMetricsAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LevelMutexAutoConfiguration.class, LevelMutexMetricsAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.prefix=orders/");
	}

	@Test
	void whenMicrometerOnClasspathThenMeterBinderExists() {
		contextRunner().run((context) -> assertThat(context).hasSingleBean(MutexMetrics.class));
	}

	@Test
	void whenMicrometerNotOnClasspathThenNoMeterBinder() {
		contextRunner().withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(MutexRegistry.class)
				.doesNotHaveBean(MutexMetrics.class));
	}

	@Test
	void whenUserDefinesMeterBinderThenAutoConfiguredOneBacksOff() {
		contextRunner().withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(MutexMetrics.class).hasBean("userMetrics"));
	}

	@Test
	void whenBoundThenMetricsAppearTaggedByMutexIncludingMutexesCreatedLater() {
		contextRunner().run((context) -> {
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			context.getBean(MutexMetrics.class).bindTo(meters);
			MutexRegistry registry = context.getBean(MutexRegistry.class);
			Mutex<byte[], byte[]> orders = registry.mutex("orders");
			orders.put(bytes("a"), bytes("1")).get(20, TimeUnit.SECONDS);
			orders.get(bytes("a")).get(20, TimeUnit.SECONDS);
			Mutex<byte[], byte[]> later = registry.mutex("later");
			later.put(bytes("b"), bytes("2")).get(20, TimeUnit.SECONDS);
			later.put(bytes("c"), bytes("3")).get(20, TimeUnit.SECONDS);

			assertThat(meters.get("level.mutex.batch.size").tag("mutex", "orders").summary().count()).isEqualTo(1);
			assertThat(meters.get("level.mutex.batch.size").tag("mutex", "later").summary().count()).isEqualTo(2);
			assertThat(meters.get("level.mutex.batch.bytes").tag("mutex", "later").summary().totalAmount())
				.as("key and value bytes of two 1-byte keys with 1-byte values")
				.isGreaterThanOrEqualTo(4);
			assertThat(meters.get("level.mutex.read.phase.size").tag("mutex", "orders").summary().count())
				.isEqualTo(1);
			assertThat(meters.get("level.mutex.flush").tags("mutex", "orders", "outcome", "success").timer().count())
				.isEqualTo(1);
			assertThat(meters.get("level.mutex.writes").tag("mutex", "later").functionCounter().count())
				.isEqualTo(2);
			assertThat(meters.get("level.mutex.batches").tags("mutex", "later", "outcome", "success")
				.functionCounter()
				.count()).isEqualTo(2);
			assertThat(meters.get("level.mutex.queued").tags("mutex", "orders", "operation", "write").gauge().value())
				.isZero();
			assertThat(meters.get("level.mutex.conflicts").tag("mutex", "orders").functionCounter().count()).isZero();
			assertThat(meters.get("level.mutex.overload.rejections").tag("mutex", "orders").functionCounter().count())
				.isZero();
			assertThat(meters.get("level.mutex.store.background.errors").gauge().value()).isZero();
			assertThat(meters.get("level.mutex.events.dropped").functionCounter().count()).isZero();
		});
	}

	@Test
	void whenBootMetricsConfiguredThenBinderIsBoundToTheMeterRegistry() {
		contextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(MutexRegistry.class).mutex("orders").put(bytes("a"), bytes("1")).get(20,
						TimeUnit.SECONDS);
				assertThat(meters.get("level.mutex.writes").tag("mutex", "orders").functionCounter().count())
					.isEqualTo(1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		MutexMetrics userMetrics(MutexRegistry registry) {
			return new MutexMetrics(registry, null);
		}

	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
