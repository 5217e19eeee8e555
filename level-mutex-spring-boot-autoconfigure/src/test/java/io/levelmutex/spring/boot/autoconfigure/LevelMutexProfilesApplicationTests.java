package io.levelmutex.spring.boot.autoconfigure;

import java.nio.file.Path;

import io.levelmutex.MutexOptions;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profile files as an application loads them: {@code levelmutex-prod.yml} overrides
 * {@code levelmutex.yml} (an {@code application-prod.yml} over an {@code application.yml}),
 * also for a mutex the base file declares with an empty value, and the command line overrides
 * both.
 */
class LevelMutexProfilesApplicationTests {

	@TempDir
	Path directory;

	private ConfigurableApplicationContext run(String... args) {
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("spring.config.location=classpath:/config-sources/", "spring.config.name=levelmutex",
					"level-mutex.rocksdb.path=" + this.directory.resolve("db"))
			.run(args);
	}

	private static MutexOptions options(ConfigurableApplicationContext context, String name) {
		assertThat(context.containsBean(name)).isTrue();
		return context.getBean(MutexRegistry.class).find(name).orElseThrow().options();
	}

	@Test
	void whenNoProfileThenBaseFileApplies() {
		try (ConfigurableApplicationContext context = run()) {
			assertThat(options(context, "audit").durable()).isNull();
			assertThat(options(context, "orders").maxValueBytes()).isEqualTo(2048);
			assertThat(options(context, "orders").durable()).isTrue();
		}
	}

	@Test
	void whenProdProfileThenProfileFileOverridesBaseFile() {
		try (ConfigurableApplicationContext context = run("--spring.profiles.active=prod")) {
			assertThat(options(context, "audit").durable()).isFalse();
			assertThat(options(context, "orders").maxValueBytes()).isEqualTo(1024);
			assertThat(options(context, "orders").durable()).isTrue();
		}
	}

	@Test
	void whenProdProfileAndCommandLineThenCommandLineWins() {
		try (ConfigurableApplicationContext context = run("--spring.profiles.active=prod",
				"--level-mutex.mutexes.orders.max-value-size=3KB", "--level-mutex.mutexes.audit.durable=true")) {
			assertThat(options(context, "orders").maxValueBytes()).isEqualTo(3072);
			assertThat(options(context, "audit").durable()).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LevelMutexAutoConfiguration.class)
	static class Application {

	}

}
