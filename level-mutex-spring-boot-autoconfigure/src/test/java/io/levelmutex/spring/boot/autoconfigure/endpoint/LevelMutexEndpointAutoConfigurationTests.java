package io.levelmutex.spring.boot.autoconfigure.endpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint.MutexDescriptor;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LevelMutexEndpointAutoConfiguration} and {@link MutexesEndpoint}.
 */
class LevelMutexEndpointAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LevelMutexAutoConfiguration.class, LevelMutexEndpointAutoConfiguration.class))
			.withPropertyValues("level-mutex.store.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.prefix=orders/", "level-mutex.mutexes.orders.max-batch-operations=5");
	}

	@Test
	void whenExposedThenEndpointExists() {
		contextRunner().withPropertyValues("management.endpoints.web.exposure.include=mutexes")
			.run((context) -> assertThat(context).hasSingleBean(MutexesEndpoint.class));
	}

	@Test
	void whenNotExposedThenNoEndpoint() {
		contextRunner().run((context) -> assertThat(context).doesNotHaveBean(MutexesEndpoint.class));
	}

	@Test
	void whenAccessNoneThenNoEndpoint() {
		contextRunner()
			.withPropertyValues("management.endpoints.web.exposure.include=mutexes",
					"management.endpoint.mutexes.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(MutexesEndpoint.class));
	}

	@Test
	void whenActuatorNotOnClasspathThenNoEndpoint() {
		contextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("management.endpoints.web.exposure.include=mutexes")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(MutexRegistry.class)
				.doesNotHaveBean(MutexesEndpoint.class));
	}

	@Test
	void whenReadThenListsMutexesWithConfigurationAndStatistics() {
		contextRunner().withPropertyValues("management.endpoints.web.exposure.include=mutexes").run((context) -> {
			MutexRegistry registry = context.getBean(MutexRegistry.class);
			registry.mutex("orders")
				.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8))
				.get(20, TimeUnit.SECONDS);
			MutexesEndpoint endpoint = context.getBean(MutexesEndpoint.class);
			MutexesEndpoint.MutexesDescriptor all = endpoint.mutexes();
			assertThat(all.mutexes()).containsOnlyKeys("orders");
			MutexDescriptor orders = all.mutexes().get("orders");
			assertThat(orders.columnFamily()).isEqualTo("default");
			assertThat(orders.keyspace()).contains("orders/");
			assertThat(orders.limits().maxBatchOperations()).isEqualTo(5);
			assertThat(orders.stats().batchesFlushed()).isEqualTo(1);
			assertThat(orders.stats().writesFlushed()).isEqualTo(1);
			assertThat(endpoint.mutex("orders")).isNotNull();
			assertThat(endpoint.mutex("missing")).isNull();
			assertThat(registry.find("missing")).isEmpty();
		});
	}

}
