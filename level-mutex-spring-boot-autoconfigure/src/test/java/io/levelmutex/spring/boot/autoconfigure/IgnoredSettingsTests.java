package io.levelmutex.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code level-mutex.store.engine=postgres}, the RocksDB-only settings a user set are named in a warning at
 * startup instead of being ignored silently; the engine-neutral ones are not.
 */
@ExtendWith(OutputCaptureExtension.class)
class IgnoredSettingsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LevelMutexPostgresAutoConfiguration.class,
				LevelMutexAutoConfiguration.class))
		.withPropertyValues("level-mutex.store.engine=postgres");

	@Test
	void whenRocksDBSettingsAreSetWithThePostgresEngineThenAWarningNamesEach(CapturedOutput output) {
		this.runner
			.withPropertyValues("level-mutex.store.durable=false", "level-mutex.store.path=/var/data/mutex",
					"level-mutex.store.column-families=hot", "level-mutex.mutexes.orders.durable=false",
					"level-mutex.store.cycle-threads=4")
			.run((context) -> {
				assertThat(output).contains("do not apply to the PostgreSQL engine", "level-mutex.store.durable",
						"level-mutex.store.path", "level-mutex.store.column-families",
						"level-mutex.mutexes.orders.durable");
				assertThat(output).doesNotContain("level-mutex.store.cycle-threads");
			});
	}

	@Test
	void whenOnlyEngineNeutralSettingsAreSetThenThereIsNoWarning(CapturedOutput output) {
		this.runner.withPropertyValues("level-mutex.store.cycle-threads=4", "level-mutex.mutexes.orders.prefix=o/")
			.run((context) -> assertThat(output).doesNotContain("do not apply to the PostgreSQL engine"));
	}

}
