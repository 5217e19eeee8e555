package io.levelmutex.spring.boot.test.autoconfigure;

import java.nio.charset.StandardCharsets;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureLevelMutex(engine = POSTGRES)}: the context's store is on a database of its own on the
 * JVM's private PostgreSQL cluster, not on the configured RocksDB path, and the declared mutexes work there.
 */
@SpringBootTest(classes = TestApplication.class, properties = "test.context=postgres")
@AutoConfigureLevelMutex(engine = AutoConfigureLevelMutex.Engine.POSTGRES)
class PostgresEngineTests {

	@Autowired
	MutexStore store;

	@Autowired
	@Qualifier("orders")
	Mutex<byte[], byte[]> orders;

	@Value("${level-mutex.postgres.url}")
	String url;

	@Test
	void whenEngineIsPostgresThenTheStoreIsOnAPrivateDatabaseOfTheSharedCluster() {
		assertThat(this.store.health().engine()).isEqualTo("postgresql");
		assertThat(this.store.directory()).isNull();
		assertThat(this.url).startsWith(LevelMutexTestPostgres.cluster().jdbcUrl("level_mutex_test_"));
		this.orders.put(bytes("written-by"), bytes("postgres")).join();
		assertThat(this.orders.get(bytes("written-by")).join()).hasValueSatisfying(
				(value) -> assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("postgres"));
	}

	@Test
	void whenAnotherDatabaseIsCreatedThenItIsNotThisContexts() {
		LevelMutexTestPostgres.Database other = LevelMutexTestPostgres.createDatabase();
		assertThat(other.url()).isNotEqualTo(this.url);
		assertThat(other.username()).isEqualTo(LevelMutexTestPostgres.cluster().username());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
