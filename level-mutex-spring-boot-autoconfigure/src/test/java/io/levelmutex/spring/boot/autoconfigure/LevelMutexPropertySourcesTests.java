package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mutex property binds from every property source, and a higher-precedence source wins
 * per key, also for a mutex declared with an empty value ({@code audit:}). Each test builds
 * the sources an application has (command line, environment variables, application.yml) in
 * Spring Boot's order of precedence.
 */
class LevelMutexPropertySourcesTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"));
	}

	/** application.yml: the lowest-precedence source here. */
	private static void applicationYaml(ConfigurableApplicationContext context, String yaml) {
		try {
			for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
					new ByteArrayResource(yaml.getBytes()))) {
				context.getEnvironment().getPropertySources().addLast(source);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Command-line arguments: above every other source. */
	private static void commandLine(ConfigurableApplicationContext context, String... args) {
		context.getEnvironment().getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
	}

	/** Environment variables, as Spring Boot sees the process's: a SystemEnvironmentPropertySource. */
	private static void environmentVariables(ConfigurableApplicationContext context, String... pairs) {
		TestPropertyValues.of(pairs)
			.applyTo(context.getEnvironment(), TestPropertyValues.Type.SYSTEM_ENVIRONMENT, "test-systemEnvironment");
	}

	private static MutexOptions options(AssertableApplicationContext context, String name) {
		assertThat(context).hasNotFailed().hasBean(name);
		Mutex<byte[], byte[]> mutex = context.getBean(MutexRegistry.class).find(name).orElseThrow();
		assertThat(context.getBean(name)).isSameAs(mutex);
		return mutex.options();
	}

	@Test
	void whenDeclaredEmptyInYamlThenCommandLineSettingApplies() {
		contextRunner().withInitializer((context) -> {
			applicationYaml(context, "level-mutex:\n  mutexes:\n    audit:\n");
			commandLine(context, "--level-mutex.mutexes.audit.max-value-size=1MB");
		}).run((context) -> {
			MutexOptions audit = options(context, "audit");
			assertThat(audit.maxValueBytes()).isEqualTo(DataSize.ofMegabytes(1).toBytes());
			assertThat(audit.keyspace()).isEqualTo(Keyspace.forMutex("audit"));
		});
	}

	@Test
	void whenDeclaredEmptyInYamlThenEnvironmentVariableApplies() {
		contextRunner().withInitializer((context) -> {
			applicationYaml(context, "level-mutex:\n  mutexes:\n    audit:\n");
			environmentVariables(context, "LEVEL_MUTEX_MUTEXES_AUDIT_DURABLE=false");
		}).run((context) -> assertThat(options(context, "audit").durable()).isFalse());
	}

	@Test
	void whenOnlyEnvironmentVariableThenMutexIsDeclared() {
		contextRunner().withInitializer((context) -> environmentVariables(context,
				"LEVEL_MUTEX_MUTEXES_ORDERS_DURABLE=false", "LEVEL_MUTEX_MUTEXES_ORDER_LINES_MAX_VALUE_SIZE=2KB"))
			.run((context) -> {
				assertThat(options(context, "orders").durable()).isFalse();
				assertThat(options(context, "order-lines").maxValueBytes()).isEqualTo(2048);
				assertThat(context.getBean(MutexRegistry.class).mutexes()).extracting(Mutex::name)
					.containsExactlyInAnyOrder("orders", "order-lines");
			});
	}

	@Test
	void whenOnlyCanonicalEnvironmentVariableThenMutexIsDeclared() {
		contextRunner()
			.withInitializer((context) -> environmentVariables(context, "LEVELMUTEX_MUTEXES_ORDERS_MAXVALUESIZE=3KB"))
			.run((context) -> assertThat(options(context, "orders").maxValueBytes()).isEqualTo(3072));
	}

	@Test
	void whenOnlyEmptyEnvironmentVariableThenMutexIsDeclaredWithDefaults() {
		contextRunner().withInitializer((context) -> environmentVariables(context, "LEVEL_MUTEX_MUTEXES_ORDERS="))
			.run((context) -> {
				MutexOptions orders = options(context, "orders");
				assertThat(orders.keyspace()).isEqualTo(Keyspace.forMutex("orders"));
				assertThat(orders.durable()).isNull();
			});
	}

	@Test
	void whenEnvironmentVariableNamesNoSettingThenStartupFailsNamingIt() {
		contextRunner()
			.withInitializer((context) -> environmentVariables(context, "LEVEL_MUTEX_MUTEXES_ORDERS_DURABEL=false"))
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("LEVEL_MUTEX_MUTEXES_ORDERS_DURABEL")
				.hasMessageContaining("DURABLE"));
	}

	@Test
	void whenOnlyCommandLineThenMutexIsDeclared() {
		contextRunner().withInitializer((context) -> commandLine(context, "--level-mutex.mutexes.orders.prefix=o/"))
			.run((context) -> assertThat(options(context, "orders").keyspace())
				.isEqualTo(Keyspace.defaultColumnFamily().withPrefix("o/")));
	}

	@Test
	void whenOnlyEmptyCommandLineArgumentThenMutexIsDeclared() {
		contextRunner().withInitializer((context) -> commandLine(context, "--level-mutex.mutexes.orders="))
			.run((context) -> assertThat(options(context, "orders").keyspace()).isEqualTo(Keyspace.forMutex("orders")));
	}

	@Test
	void whenSameSettingInSeveralSourcesThenTheHighestPrecedenceWins() {
		contextRunner().withInitializer((context) -> {
			applicationYaml(context, """
					level-mutex:
					  mutexes:
					    audit:
					    orders:
					      durable: true
					      max-value-size: 4KB
					      max-key-size: 1KB
					""");
			environmentVariables(context, "LEVEL_MUTEX_MUTEXES_ORDERS_MAX_VALUE_SIZE=5KB",
					"LEVEL_MUTEX_MUTEXES_AUDIT_MAX_KEY_SIZE=2KB", "LEVEL_MUTEX_MUTEXES_ORDERS_DURABLE=false");
			commandLine(context, "--level-mutex.mutexes.orders.max-value-size=6KB");
		}).run((context) -> {
			MutexOptions orders = options(context, "orders");
			assertThat(orders.maxValueBytes()).isEqualTo(6 * 1024);
			assertThat(orders.durable()).isFalse();
			assertThat(orders.maxKeyBytes()).isEqualTo(1024);
			assertThat(options(context, "audit").maxKeyBytes()).isEqualTo(2048);
		});
	}

	@Test
	void whenMutexDeclaredWithANonEmptyValueThenStartupFailsNamingTheProperty() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders=yes")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'level-mutex.mutexes.orders'")
				.rootCause()
				.hasMessageContaining("'yes'")
				.hasMessageContaining("level-mutex.mutexes.orders.prefix"));
	}

	@Test
	void whenUnknownSettingGivenForEmptyDeclaredMutexThenStartupFailsNamingIt() {
		contextRunner().withInitializer((context) -> {
			applicationYaml(context, "level-mutex:\n  mutexes:\n    audit:\n");
			commandLine(context, "--level-mutex.mutexes.audit.max-valu-size=1MB");
		})
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.mutexes.audit.max-valu-size"));
	}

	@Test
	void whenYamlEmptyMapThenNothingIsDeclaredBecauseYamlLeavesNoProperty() throws IOException {
		String yaml = "level-mutex:\n  mutexes:\n    orders: {}\n    carts:\n";
		Map<String, Object> flattened = ((MapPropertySource) new YamlPropertySourceLoader()
			.load("application.yml", new ByteArrayResource(yaml.getBytes()))
			.get(0)).getSource();
		assertThat(flattened).containsOnlyKeys("level-mutex.mutexes.carts");
		contextRunner().withInitializer((context) -> applicationYaml(context, yaml)).run((context) -> {
			assertThat(context).hasBean("carts").doesNotHaveBean("orders");
			assertThat(context.getBean(MutexRegistry.class).find("orders")).isEmpty();
		});
	}

}
