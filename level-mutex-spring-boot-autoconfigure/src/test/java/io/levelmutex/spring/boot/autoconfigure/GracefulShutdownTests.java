package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.MutexFlushedEvent;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdown: closing the application context flushes every queued write before the store
 * closes, so every acknowledged write is there after a restart.
 */
class GracefulShutdownTests {

	private static final int WRITES = 2_000;

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.max-batch-operations=16");
	}

	@Test
	void whenContextClosesWithQueuedWritesThenEveryAcknowledgedWriteIsThereAfterRestart() throws Exception {
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		contextRunner().run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			for (int i = 0; i < WRITES; i++) {
				writes.add(orders.put(key(i), value(i)));
			}
		});
		assertThat(writes).allSatisfy((write) -> assertThat(write).isCompleted());
		List<Integer> acknowledged = new ArrayList<>();
		for (int i = 0; i < WRITES; i++) {
			if (!writes.get(i).isCompletedExceptionally()) {
				acknowledged.add(i);
			}
		}
		assertThat(acknowledged).as("writes queued before shutdown are flushed, not failed").hasSize(WRITES);
		contextRunner().run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			for (int i : acknowledged) {
				Optional<byte[]> value = orders.get(key(i)).get(20, TimeUnit.SECONDS);
				assertThat(value).as("write %d", i).hasValueSatisfying((bytes) -> assertThat(bytes).isEqualTo(value(i)));
			}
		});
	}

	@Test
	void whenContextClosesThenFlushEventsOfTheShutdownFlushArePublished() {
		FlushCounter counter = new FlushCounter();
		contextRunner().withBean(FlushCounter.class, () -> counter)
			.withUserConfiguration(FlushCounterConfiguration.class)
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				for (int i = 0; i < 100; i++) {
					orders.put(key(i), value(i));
				}
			});
		assertThat(counter.operations).isEqualTo(100);
	}

	@Test
	void whenStoreReopenedDirectlyThenConfiguredMutexDataIsThere() throws Exception {
		contextRunner().run((context) -> context.getBean(MutexRegistry.class)
			.mutex("orders")
			.put(key(1), value(1))
			.get(20, TimeUnit.SECONDS));
		try (MutexStore store = RocksStore.builder(this.directory.resolve("db").toAbsolutePath()).open()) {
			assertThat(store.mutex("orders").get(key(1)).get(20, TimeUnit.SECONDS)).isPresent();
		}
	}

	private static byte[] key(int i) {
		return String.format("key-%06d", i).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] value(int i) {
		return ("value-" + i).getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class FlushCounterConfiguration {

		@Bean
		FlushCounterListener flushCounterListener(FlushCounter counter) {
			return new FlushCounterListener(counter);
		}

	}

	static class FlushCounter {

		/** Written by the level-mutex-events thread, read after it stopped. */
		volatile int operations;

	}

	record FlushCounterListener(FlushCounter counter) {

		@EventListener
		void onFlushed(MutexFlushedEvent event) {
			this.counter.operations += event.getSize();
		}

	}

}
