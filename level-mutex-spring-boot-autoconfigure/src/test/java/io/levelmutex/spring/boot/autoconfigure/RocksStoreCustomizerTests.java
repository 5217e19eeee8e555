package io.levelmutex.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.levelmutex.MutexStore;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.RocksStoreCustomizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RocksStoreCustomizer} beans reach the embedded engine's {@link RocksStore.Builder} (RocksDB-specific
 * options, which {@code MutexStoreCustomizer} cannot reach): each runs once, in order, after the properties; one
 * that throws fails startup.
 */
class RocksStoreCustomizerTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"));
	}

	@Test
	void whenRocksStoreCustomizersAreDefinedThenEachCustomizesTheBuilderOnceInOrder() {
		List<String> calls = new CopyOnWriteArrayList<>();
		runner().withBean("second", RocksStoreCustomizer.class, () -> new Recording("second", 2, calls))
			.withBean("first", RocksStoreCustomizer.class, () -> new Recording("first", 1, calls))
			.withBean("columnFamily", RocksStoreCustomizer.class,
					() -> (builder) -> builder.columnFamilies("from-customizer"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(calls).containsExactly("first", "second");
				MutexStore store = context.getBean(MutexStore.class);
				assertThat(RocksStore.rocksDB(store)).isNotNull();
			});
		assertThat(this.directory.resolve("db")).isDirectory();
	}

	@Test
	void whenARocksStoreCustomizerThrowsThenStartupFails() {
		runner().withBean(RocksStoreCustomizer.class, () -> (builder) -> {
			throw new IllegalStateException("customizer refused");
		}).run((context) -> assertThat(context).hasFailed().getFailure().hasRootCauseMessage("customizer refused"));
	}

	private record Recording(String name, int order, List<String> calls) implements RocksStoreCustomizer, Ordered {

		@Override
		public void customize(RocksStore.Builder builder) {
			assertThat(builder).isNotNull();
			this.calls.add(this.name);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

}
