package io.levelmutex.spring.boot.test.autoconfigure;

import io.levelmutex.MutexStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureLevelMutex(engine = ROCKSDB)} wins over an application configured for PostgreSQL, and the
 * store is temporary; no database is created.
 */
@SpringBootTest(classes = TestApplication.class,
		properties = { "test.context=rocksdb-forced", "level-mutex.store.engine=postgres" })
@AutoConfigureLevelMutex(engine = AutoConfigureLevelMutex.Engine.ROCKSDB)
class RocksDBEngineForcedTests {

	@Autowired
	MutexStore store;

	@Test
	void whenEngineIsRocksDBThenTheConfiguredPostgresEngineIsOverridden() {
		assertThat(this.store.health().engine()).isEqualTo("rocksdb");
		assertThat(this.store.directory().getFileName().toString()).startsWith("level-mutex-");
	}

}
