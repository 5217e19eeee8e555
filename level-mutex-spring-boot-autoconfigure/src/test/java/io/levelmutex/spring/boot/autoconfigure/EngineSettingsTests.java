package io.levelmutex.spring.boot.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A setting that does not apply to the chosen engine fails startup, naming it, in both directions: RocksDB-only
 * settings (every {@code level-mutex.rocksdb.*} but {@code temporary}, a mutex's {@code durable} and
 * {@code column-family}) with {@code engine=postgres}, {@code level-mutex.postgres.*} with the embedded engine.
 * Engine-neutral settings never do. When {@code @AutoConfigureLevelMutex} switched the engine in a test, the
 * application's settings for its production engine are expected: a warning names them.
 */
@ExtendWith(OutputCaptureExtension.class)
class EngineSettingsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LevelMutexPostgresAutoConfiguration.class,
				LevelMutexAutoConfiguration.class));

	private static InvalidConfigurationPropertyValueException failure(Throwable startup) {
		for (Throwable cause = startup; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidConfigurationPropertyValueException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("No InvalidConfigurationPropertyValueException in " + startup, startup);
	}

	@Test
	void whenRocksDBSettingsAreSetWithThePostgresEngineThenStartupFailsNamingEach() {
		this.runner
			.withPropertyValues("level-mutex.store.engine=postgres", "level-mutex.rocksdb.durable=false",
					"level-mutex.rocksdb.path=/var/data/mutex", "level-mutex.rocksdb.column-families=hot",
					"level-mutex.mutexes.orders.durable=false", "level-mutex.store.cycle-threads=4")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException invalid = failure(context.getStartupFailure());
				assertThat(invalid.getName()).isEqualTo("level-mutex.mutexes.orders.durable");
				assertThat(invalid.getReason()).contains("level-mutex.rocksdb.column-families",
						"level-mutex.rocksdb.durable", "level-mutex.rocksdb.path", "level-mutex.mutexes.orders.durable",
						"PostgreSQL").doesNotContain("cycle-threads");
			});
	}

	@Test
	void whenAnyRocksDBSettingButTemporaryIsSetWithThePostgresEngineThenStartupFailsNamingItsRocksDBName() {
		this.runner
			.withPropertyValues("level-mutex.store.engine=postgres", "level-mutex.rocksdb.temporary=true",
					"level-mutex.rocksdb.keep-log-files=2", "level-mutex.rocksdb.create-if-missing=false",
					"level-mutex.rocksdb.column-family-options.default.compression=lz4",
					"level-mutex.store.close-timeout=5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException invalid = failure(context.getStartupFailure());
				assertThat(invalid.getName()).isEqualTo("level-mutex.rocksdb.column-family-options.default.compression");
				assertThat(invalid.getReason()).contains("level-mutex.rocksdb.keep-log-files",
						"level-mutex.rocksdb.create-if-missing",
						"level-mutex.rocksdb.column-family-options.default.compression")
					.doesNotContain("temporary", "close-timeout");
			});
	}

	@Test
	void whenPostgresSettingsAreSetWithTheEmbeddedEngineThenStartupFailsNamingEach() {
		this.runner
			.withPropertyValues("level-mutex.rocksdb.temporary=true",
					"level-mutex.postgres.url=jdbc:postgresql://db/app",
					"level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException invalid = failure(context.getStartupFailure());
				assertThat(invalid.getName()).startsWith("level-mutex.postgres.");
				assertThat(invalid.getReason()).contains("level-mutex.postgres.url",
						"level-mutex.postgres.initialize-schema", "level-mutex.store.engine");
			});
	}

	@Test
	void whenOnlyEngineNeutralSettingsAreSetThenBothEnginesStart() {
		this.runner.withPropertyValues("level-mutex.rocksdb.temporary=true", "level-mutex.store.cycle-threads=4",
				"level-mutex.mutexes.orders.prefix=o/")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void whenATestSwitchedTheEngineThenTheOtherEnginesSettingsAreOnlyNamedInAWarning(CapturedOutput output) {
		this.runner.withInitializer((context) -> context.getEnvironment().getPropertySources()
			.addFirst(new MapPropertySource(EngineSettings.TEST_ENGINE_PROPERTY_SOURCE,
					Map.of("level-mutex.store.engine", "rocksdb"))))
			.withPropertyValues("level-mutex.store.engine=postgres", "level-mutex.rocksdb.temporary=true",
					"level-mutex.postgres.table-prefix=app_")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("level-mutex.postgres.table-prefix", "@AutoConfigureLevelMutex");
			});
	}

}
