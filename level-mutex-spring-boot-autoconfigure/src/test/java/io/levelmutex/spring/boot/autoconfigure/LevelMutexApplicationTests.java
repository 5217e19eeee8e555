package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint;
import io.levelmutex.spring.boot.autoconfigure.endpoint.LevelMutexEndpointAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.health.LevelMutexHealthContributorAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.metrics.LevelMutexMetricsAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.observation.LevelMutexObservationAutoConfiguration;
import io.levelmutex.spring.boot.health.MutexHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter as an application sees it: auto-configuration found through
 * {@code AutoConfiguration.imports}, with no configuration of its own beyond properties.
 */
class LevelMutexApplicationTests {

	@TempDir
	Path directory;

	@Test
	void whenOnClasspathThenEveryAutoConfigurationIsRegisteredForImport() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(LevelMutexAutoConfiguration.class.getName(),
					LevelMutexPostgresAutoConfiguration.class.getName(),
					LevelMutexHealthContributorAutoConfiguration.class.getName(),
					LevelMutexMetricsAutoConfiguration.class.getName(),
					LevelMutexEndpointAutoConfiguration.class.getName(),
					LevelMutexObservationAutoConfiguration.class.getName());
	}

	@Test
	void whenApplicationStartsThenMutexesHealthMetricsAndEndpointAreThere() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.prefix=orders/", "management.endpoints.web.exposure.include=mutexes",
					// spring-boot-jdbc and HikariCP are on the test class path for the PostgreSQL engine's
					// tests; this application has no database
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
			.run()) {
			OrderService service = context.getBean(OrderService.class);
			service.orders().put(bytes("o-1"), bytes("placed")).get(20, TimeUnit.SECONDS);
			// Boot's observation support is on the class path: the registry's mutex is observed, and is the bean
			Mutex<byte[], byte[]> registered = context.getBean(MutexRegistry.class).mutex("orders");
			assertThat(service.orders()).isSameAs(registered);
			assertThat(registered.toString()).startsWith("Observed[Mutex[orders");
			assertThat(registered.get(bytes("o-1")).get(20, TimeUnit.SECONDS)).hasValueSatisfying(
					(value) -> assertThat(value).isEqualTo(bytes("placed")));
			assertThat(context.getBean(MutexHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
			assertThat(context.getBean(MutexesEndpoint.class).mutexes().mutexes()).containsKey("orders");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("level.mutex.writes").tag("mutex", "orders").functionCounter().count())
				.isEqualTo(1);
			// the batch observation, as a timer through Boot's default meter observation handler
			assertThat(meters.get("level.mutex.batch").tag("mutex", "orders").tag("outcome", "success").timer().count())
				.isEqualTo(1);
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		OrderService orderService(@Qualifier("orders") Mutex<byte[], byte[]> orders) {
			return new OrderService(orders);
		}

	}

	record OrderService(Mutex<byte[], byte[]> orders) {
	}

}
