package io.levelmutex.spring.boot.test.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One of two test classes whose application contexts differ (so the context cache keeps both
 * open in this JVM) and share the configured store path: with {@link AutoConfigureLevelMutex}
 * each has its own temporary store, so both start, side by side.
 */
@SpringBootTest(classes = TestApplication.class, properties = "test.context=second")
@AutoConfigureLevelMutex
class SecondContextTests {

	@Autowired
	MutexStore store;

	@Autowired
	@Qualifier("orders")
	Mutex<byte[], byte[]> orders;

	@Test
	void whenAnnotatedThenTheStoreIsTemporaryNotTheConfiguredPath() {
		Path path = this.store.directory();
		assertThat(path).isNotEqualTo(Path.of("target/configured-store").toAbsolutePath());
		assertThat(path.getFileName().toString()).startsWith("level-mutex-");
		assertThat(path.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())).isTrue();
		this.orders.put(bytes("written-by"), bytes("second")).join();
		assertThat(this.orders.get(bytes("written-by")).join()).hasValueSatisfying(
				(value) -> assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("second"));
	}

	@Test
	void whenTheOtherClassRanFirstThenItsStoreIsStillOpenBesideThisOne() {
		OpenStores.BY_TEST_CLASS.put(getClass().getSimpleName(), this.store);
		assertThat(this.store.isOpen()).isTrue();
		for (Map.Entry<String, MutexStore> other : OpenStores.BY_TEST_CLASS.entrySet()) {
			if (!other.getKey().equals(getClass().getSimpleName())) {
				assertThat(other.getValue()).isNotSameAs(this.store);
				assertThat(other.getValue().isOpen()).isTrue();
				assertThat(other.getValue().directory()).isNotEqualTo(this.store.directory());
			}
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
