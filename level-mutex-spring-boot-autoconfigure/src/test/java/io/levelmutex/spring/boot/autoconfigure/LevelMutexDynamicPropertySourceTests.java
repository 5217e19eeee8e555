package io.levelmutex.spring.boot.autoconfigure;

import java.nio.file.Path;

import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mutex declared and tuned only through {@code @DynamicPropertySource}, and one declared
 * with an empty value in {@code @SpringBootTest(properties)} and tuned dynamically.
 */
@SpringBootTest(classes = LevelMutexDynamicPropertySourceTests.Application.class,
		properties = "level-mutex.mutexes.audit=")
@DirtiesContext
class LevelMutexDynamicPropertySourceTests {

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void levelMutexProperties(DynamicPropertyRegistry registry) {
		registry.add("level-mutex.rocksdb.path", () -> directory.resolve("db").toString());
		registry.add("level-mutex.mutexes.dynamic.prefix", () -> "dyn/");
		registry.add("level-mutex.mutexes.audit.max-key-size", () -> "1KB");
	}

	@Autowired
	@Qualifier("dynamic")
	Mutex<byte[], byte[]> dynamic;

	@Autowired
	MutexRegistry registry;

	@Test
	void whenDeclaredThroughDynamicPropertySourceThenMutexIsABeanWithItsSettings() {
		assertThat(this.dynamic.keyspace()).isEqualTo(Keyspace.defaultColumnFamily().withPrefix("dyn/"));
		assertThat(this.registry.find("dynamic")).containsSame(this.dynamic);
	}

	@Test
	void whenDeclaredEmptyAndTunedThroughDynamicPropertySourceThenSettingApplies() {
		assertThat(this.registry.find("audit").orElseThrow().options().maxKeyBytes()).isEqualTo(1024);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LevelMutexAutoConfiguration.class)
	static class Application {

	}

}
