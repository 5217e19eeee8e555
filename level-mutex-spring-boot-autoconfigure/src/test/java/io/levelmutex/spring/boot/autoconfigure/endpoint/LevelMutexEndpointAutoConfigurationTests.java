package io.levelmutex.spring.boot.autoconfigure.endpoint;

import java.beans.PropertyDescriptor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint.LimitsDescriptor;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint.MutexDescriptor;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

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
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
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
			assertThat(orders.limits().maxBatchSize()).isEqualTo("33554432B");
			assertThat(orders.stats().batchesFlushed()).isEqualTo(1);
			assertThat(orders.stats().writesFlushed()).isEqualTo(1);
			assertThat(endpoint.mutex("orders")).isNotNull();
			assertThat(endpoint.mutex("missing")).isNull();
			assertThat(registry.find("missing")).isEmpty();
		});
	}

	@Test
	void whenLimitsDescribedThenTheyAreNamedAsTheirPropertiesWithValuesTheyAccept() {
		contextRunner()
			.withPropertyValues("management.endpoints.web.exposure.include=mutexes",
					"level-mutex.mutexes.carts.max-batch-size=1KB", "level-mutex.mutexes.carts.max-value-size=2KB",
					"level-mutex.mutexes.carts.durable=false")
			.run((context) -> {
				LimitsDescriptor limits = context.getBean(MutexesEndpoint.class).mutex("carts").limits();
				assertThat(limits.maxBatchSize()).isEqualTo("1024B");
				assertThat(limits.maxValueSize()).isEqualTo("2048B");
				assertThat(limits.durable()).isFalse();
				assertThat(DataSize.parse(limits.maxKeySize())).isEqualTo(DataSize.ofKilobytes(16));
				Set<String> properties = new HashSet<>();
				for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(MutexSettings.class)) {
					if (property.getWriteMethod() != null) {
						properties.add(property.getName());
					}
				}
				assertThat(LimitsDescriptor.class.getRecordComponents()).extracting(RecordComponent::getName)
					.allSatisfy((name) -> assertThat(properties).contains(name));
			});
	}

}
