package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.scanned.Audit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Startup of {@link LevelMutexAutoConfiguration}: batch interceptors, bean-name clashes, the
 * startup log line, temporary stores and a locked store directory.
 */
@ExtendWith(OutputCaptureExtension.class)
class LevelMutexStartupTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"));
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void whenSeveralBatchInterceptorsThenAllRunInOrder() {
		List<String> calls = new CopyOnWriteArrayList<>();
		contextRunner().withBean("second", RecordingInterceptor.class, () -> new SecondInterceptor(calls))
			.withBean("first", RecordingInterceptor.class, () -> new FirstInterceptor(calls))
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				orders.put(bytes("k"), bytes("v")).get(60, TimeUnit.SECONDS);
				assertThat(calls).containsExactly("first:orders:1", "second:orders:1");
			});
	}

	@Test
	void whenAnInterceptorThrowsThenTheBatchFailsAndLaterInterceptorsAreNotCalled() {
		List<String> calls = new CopyOnWriteArrayList<>();
		contextRunner().withBean("second", RecordingInterceptor.class, () -> new SecondInterceptor(calls))
			.withBean("veto", BatchInterceptor.class, () -> new VetoInterceptor())
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> orders.put(bytes("k"), bytes("v")).get(60, TimeUnit.SECONDS))
					.withCauseInstanceOf(StorageException.class)
					.withStackTraceContaining("read-only");
				assertThat(calls).isEmpty();
				assertThat(orders.get(bytes("k")).get(60, TimeUnit.SECONDS)).isEmpty();
			});
	}

	@Test
	void whenOneBatchInterceptorThenItIsUsedAsIs() {
		BatchInterceptor only = (name, operations) -> {
		};
		contextRunner().withBean(BatchInterceptor.class, () -> only)
			.run((context) -> assertThat(context.getBean(MutexStore.class).options().batchInterceptor())
				.isSameAs(only));
	}

	@Test
	void whenComponentHasTheNameOfAConfiguredMutexThenStartupFailsNamingTheClash() {
		contextRunner().withUserConfiguration(ScanningConfiguration.class)
			.withPropertyValues("level-mutex.mutexes.audit=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'audit'")
				.hasMessageContaining(Audit.class.getName())
				.hasMessageContaining("level-mutex.mutexes.audit"));
	}

	@Test
	void whenStartedThenOneInfoLineNamesPathDurabilityAndMutexes(CapturedOutput output) {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.orders=", "level-mutex.mutexes.carts.prefix=c/",
					"level-mutex.rocksdb.durable=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Path path = this.directory.resolve("db").toAbsolutePath();
				assertThat(output.getOut().lines().filter((line) -> line.contains("level-mutex store ")))
					.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
					.contains("INFO")
					.contains(path.toString())
					.contains("durable=false")
					.contains("mutexes: orders, carts");
			});
	}

	@Test
	void whenTemporaryThenEachContextHasItsOwnStoreDeletedOnClose() {
		AtomicReference<Path> firstPath = new AtomicReference<>();
		AtomicReference<Path> secondPath = new AtomicReference<>();
		ApplicationContextRunner runner = contextRunner().withPropertyValues("level-mutex.rocksdb.temporary=true",
				"level-mutex.mutexes.orders=");
		runner.run((first) -> runner.run((second) -> {
			MutexStore firstStore = first.getBean(MutexStore.class);
			MutexStore secondStore = second.getBean(MutexStore.class);
			firstPath.set(firstStore.directory());
			secondPath.set(secondStore.directory());
			assertThat(firstPath.get()).isNotEqualTo(secondPath.get()).exists();
			assertThat(firstPath.get().startsWith(this.directory)).isFalse();
			first.getBean(MutexRegistry.class).mutex("orders").put(bytes("k"), bytes("1")).get(60, TimeUnit.SECONDS);
			assertThat(second.getBean(MutexRegistry.class).mutex("orders").get(bytes("k")).get(60, TimeUnit.SECONDS))
				.isEmpty();
		}));
		assertThat(firstPath.get()).doesNotExist();
		assertThat(secondPath.get()).doesNotExist();
		assertThat(this.directory.resolve("db")).doesNotExist();
	}

	@Test
	void whenDirectoryLockedByAnotherStoreInThisProcessThenStartupFailsNamingThePath() {
		Path path = this.directory.resolve("db");
		try (MutexStore other = RocksStore.builder(path).open()) {
			contextRunner().run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.path")
				.hasMessageContaining("locked by another open store")
				.hasMessageContaining("level-mutex.rocksdb.temporary"));
			assertThat(other.isOpen()).isTrue();
		}
	}

	@Test
	void whenDirectoryLockedByAnotherProcessThenStartupFailsNamingThePath() throws Exception {
		Path path = this.directory.resolve("db");
		try (StoreHolderProcess holder = StoreHolderProcess.start(path)) {
			contextRunner().run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.path")
				.hasMessageContaining("locked by another open store"));
		}
		assertThat(Files.exists(path.resolve("LOCK"))).isTrue();
		contextRunner().run((context) -> assertThat(context).hasNotFailed());
	}

	/** An interceptor that records the calls. */
	abstract static class RecordingInterceptor implements BatchInterceptor {

		private final List<String> calls;

		private final String label;

		RecordingInterceptor(List<String> calls, String label) {
			this.calls = calls;
			this.label = label;
		}

		@Override
		public void beforeBatch(String mutexName, List<io.levelmutex.WriteOperation> operations) {
			this.calls.add(this.label + ":" + mutexName + ":" + operations.size());
		}

	}

	@Order(1)
	static final class FirstInterceptor extends RecordingInterceptor {

		FirstInterceptor(List<String> calls) {
			super(calls, "first");
		}

	}

	@Order(2)
	static final class SecondInterceptor extends RecordingInterceptor {

		SecondInterceptor(List<String> calls) {
			super(calls, "second");
		}

	}

	@Order(0)
	static final class VetoInterceptor implements BatchInterceptor {

		@Override
		public void beforeBatch(String mutexName, List<io.levelmutex.WriteOperation> operations) {
			throw new IllegalStateException("read-only");
		}

	}

	/** Scans {@link Audit} as an application would. */
	@Configuration(proxyBeanMethods = false)
	@ComponentScan(basePackageClasses = Audit.class)
	static class ScanningConfiguration {

	}

}
