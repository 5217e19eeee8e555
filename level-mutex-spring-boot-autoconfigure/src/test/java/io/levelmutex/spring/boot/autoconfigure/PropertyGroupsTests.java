package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties come in three groups: engine-neutral ones under {@code level-mutex.store.*} (the engine, the
 * cycle pool, the close timeout), the embedded engine's under {@code level-mutex.rocksdb.*} and PostgreSQL's under
 * {@code level-mutex.postgres.*}. A RocksDB setting under its old name, {@code level-mutex.store.*}, fails startup
 * naming it (nothing is released, so there are no aliases).
 */
class PropertyGroupsTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class));

	@Test
	void whenRocksDBSettingsSetUnderTheirPrefixThenTheyConfigureTheStore() {
		Path db = this.directory.resolve("db");
		this.runner
			.withPropertyValues("level-mutex.rocksdb.path=" + db, "level-mutex.rocksdb.durable=false",
					"level-mutex.rocksdb.keep-log-files=1", "level-mutex.rocksdb.column-families=extra",
					"level-mutex.rocksdb.column-family-options.extra.compression=lz4",
					"level-mutex.store.cycle-threads=3", "level-mutex.store.close-timeout=7s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MutexStore store = context.getBean(MutexStore.class);
				assertThat(store.directory()).isEqualTo(db.toAbsolutePath());
				StoreOptions options = store.options();
				assertThat(options.durable()).isFalse();
				assertThat(options.cycleThreads()).isEqualTo(3);
				assertThat(options.closeTimeout()).hasSeconds(7);
			});
	}

	@Test
	void whenTemporaryUnderRocksDBPrefixThenTheStoreIsInAFreshDirectory() {
		this.runner
			.withPropertyValues("level-mutex.rocksdb.temporary=true", "level-mutex.rocksdb.path=" + this.directory)
			.run((context) -> {
				Path store = context.getBean(MutexStore.class).directory();
				assertThat(store).isNotEqualTo(this.directory.toAbsolutePath());
				assertThat(store.getFileName().toString()).startsWith("level-mutex-");
			});
	}

	@Test
	void whenRocksDBSettingUnderItsOldStorePrefixThenStartupFailsNamingIt() {
		for (String old : List.of("level-mutex.store.path=" + this.directory.resolve("db"),
				"level-mutex.store.temporary=true", "level-mutex.store.durable=false",
				"level-mutex.store.keep-log-files=3", "level-mutex.store.create-if-missing=false",
				"level-mutex.store.column-families=extra")) {
			String name = old.substring(0, old.indexOf('='));
			this.runner.withPropertyValues("level-mutex.rocksdb.temporary=true", old)
				.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining(name));
		}
	}

	@Test
	void whenMetadataReadThenStoreHoldsOnlyEngineNeutralSettingsAndRocksDBHasItsOwnGroup() throws IOException {
		Map<String, Object> metadata;
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			metadata = new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() {
			});
		}
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
		List<Object> names = properties.stream().map((property) -> property.get("name")).toList();
		assertThat(names).filteredOn((name) -> ((String) name).startsWith("level-mutex.store."))
			.containsExactlyInAnyOrder("level-mutex.store.engine", "level-mutex.store.cycle-threads",
					"level-mutex.store.close-timeout");
		assertThat(names).contains("level-mutex.rocksdb.path", "level-mutex.rocksdb.temporary",
				"level-mutex.rocksdb.durable", "level-mutex.rocksdb.create-if-missing",
				"level-mutex.rocksdb.column-families", "level-mutex.rocksdb.keep-log-files",
				"level-mutex.rocksdb.column-family-options.*.compression");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> groups = (List<Map<String, Object>>) metadata.get("groups");
		assertThat(groups).extracting((group) -> group.get("name"))
			.contains("level-mutex.store", "level-mutex.rocksdb", "level-mutex.postgres");
	}

}
