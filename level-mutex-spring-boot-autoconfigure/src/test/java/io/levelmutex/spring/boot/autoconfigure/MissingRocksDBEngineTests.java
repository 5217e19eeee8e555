package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.rocksdb.RocksStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that leaves the engine at {@code rocksdb} (the default) without {@code level-mutex-rocksdb} on
 * the class path (e.g. built on the PostgreSQL starter and missing {@code engine: postgres}) fails startup with an
 * analysis naming the dependency and the setting, not Spring's missing-bean error.
 */
class MissingRocksDBEngineTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withClassLoader(new FilteredClassLoader(RocksStore.class))
		.withConfiguration(AutoConfigurations.of(LevelMutexPostgresAutoConfiguration.class,
				LevelMutexAutoConfiguration.class));

	private static FailureAnalysis analysis(Throwable failure) throws IOException {
		String factories = new ClassPathResource("META-INF/spring.factories").getContentAsString(StandardCharsets.UTF_8);
		assertThat(factories).contains(RocksDBEngineFailureAnalyzer.class.getName());
		FailureAnalysis analysis = new RocksDBEngineFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Test
	void whenTheEngineIsLeftAtRocksDBWithoutItsModuleThenStartupFailsNamingTheDependency() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analysis(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("level-mutex.store.engine", "rocksdb",
					"io.levelmutex:level-mutex-rocksdb");
			assertThat(analysis.getAction()).contains("io.levelmutex:level-mutex-rocksdb",
					"level-mutex.store.engine=postgres");
		});
	}

	@Test
	void whenTheApplicationDefinesItsOwnStoreThenTheMissingModuleDoesNotMatter() {
		MutexStore own = org.mockito.Mockito.mock(MutexStore.class);
		org.mockito.Mockito.when(own.options()).thenReturn(StoreOptions.builder().build());
		this.runner.withBean(MutexStore.class, () -> own)
			.run((context) -> assertThat(context).hasNotFailed().getBean(MutexStore.class).isSameAs(own));
	}

}
