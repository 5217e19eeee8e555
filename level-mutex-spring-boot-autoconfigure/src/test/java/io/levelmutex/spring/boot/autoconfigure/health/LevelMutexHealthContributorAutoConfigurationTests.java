package io.levelmutex.spring.boot.autoconfigure.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.Mutex;
import io.levelmutex.StorageException;
import io.levelmutex.WriteOperation;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.health.MutexHealthIndicator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LevelMutexHealthContributorAutoConfiguration} and
 * {@link MutexHealthIndicator}.
 */
class LevelMutexHealthContributorAutoConfigurationTests {

	/** A bound on every wait, for a failure report on a loaded machine; never a synchronisation. */
	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class,
					LevelMutexHealthContributorAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.prefix=orders/");
	}

	@Test
	void whenHealthOnClasspathThenIndicatorExists() {
		contextRunner().run((context) -> assertThat(context).hasSingleBean(MutexHealthIndicator.class)
			.hasBean("levelMutexHealthIndicator"));
	}

	@Test
	void whenDisabledByPropertyThenNoIndicator() {
		contextRunner().withPropertyValues("management.health.levelmutex.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MutexHealthIndicator.class));
	}

	@Test
	void whenHealthNotOnClasspathThenNoIndicator() {
		contextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(MutexRegistry.class)
				.doesNotHaveBean(MutexHealthIndicator.class));
	}

	@Test
	void whenLevelMutexDisabledThenNoIndicator() {
		contextRunner().withPropertyValues("level-mutex.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MutexHealthIndicator.class));
	}

	@Test
	void whenStoreOpenAndBatchesSucceedThenUpWithDetails() {
		contextRunner().run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			orders.put(bytes("k"), bytes("v")).get(20, TimeUnit.SECONDS);
			Health health = context.getBean(MutexHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(storeDetails(health)).containsEntry("open", true)
				.containsEntry("backgroundErrors", 0L)
				.containsEntry("writeStopped", false);
			assertThat(mutexDetails(health, "orders")).containsEntry("status", "UP")
				.containsEntry("queuedReads", 0)
				.containsEntry("queuedWrites", 0)
				.containsEntry("batchesFlushed", 1L)
				.containsKey("lastFlushTime")
				.doesNotContainKey("lastError");
			assertThat(health.getDetails()).containsKey("events");
		});
	}

	@Test
	void whenBatchFailsThenDownUntilABatchSucceeds() {
		SwitchableInterceptor interceptor = new SwitchableInterceptor();
		contextRunner().withBean(BatchInterceptor.class, () -> interceptor).run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			MutexHealthIndicator indicator = context.getBean(MutexHealthIndicator.class);
			interceptor.failing = true;
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> orders.put(bytes("k"), bytes("v")).get(20, TimeUnit.SECONDS))
				.withCauseInstanceOf(StorageException.class);
			Health down = indicator.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(mutexDetails(down, "orders")).containsEntry("status", "DOWN")
				.containsEntry("batchesFailed", 1L)
				.hasEntrySatisfying("lastError", (error) -> assertThat(error.toString()).contains("injected failure"));
			interceptor.failing = false;
			orders.put(bytes("k"), bytes("v")).get(20, TimeUnit.SECONDS);
			Health up = indicator.health();
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(mutexDetails(up, "orders")).containsEntry("status", "UP").containsEntry("batchesFlushed", 1L);
		});
	}

	@Test
	void whenACycleIsHeldUpLongerThanTheStallTimeoutThenDownUntilItMovesAgain() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		BatchInterceptor blocking = (name, operations) -> {
			entered.countDown();
			release.await();
		};
		contextRunner().withPropertyValues("level-mutex.health.stall-timeout=1ms")
			.withBean(BatchInterceptor.class, () -> blocking)
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				MutexHealthIndicator indicator = context.getBean(MutexHealthIndicator.class);
				CompletableFuture<Void> write = orders.put(bytes("k"), bytes("v"));
				entered.await();
				Awaitility.await("health went DOWN").atMost(WAIT).until(() -> indicator.health().getStatus().equals(Status.DOWN));
				assertThat(mutexDetails(indicator.health(), "orders")).containsEntry("stalled", true)
					.containsKey("runningCycle");
				release.countDown();
				write.get(20, TimeUnit.SECONDS);
				Awaitility.await("health came back UP").atMost(WAIT).until(() -> indicator.health().getStatus().equals(Status.UP));
				assertThat(mutexDetails(indicator.health(), "orders")).containsEntry("stalled", false);
			});
	}

	@Test
	void whenQueuedWorkWaitsForACycleThreadLongerThanTheStallTimeoutThenDownUntilACycleRuns() {
		HeldExecutor held = new HeldExecutor();
		contextRunner().withPropertyValues("level-mutex.health.stall-timeout=1ms")
			.withBean(MutexStoreCustomizer.class, () -> (builder) -> builder.executor(held))
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				MutexHealthIndicator indicator = context.getBean(MutexHealthIndicator.class);
				CompletableFuture<Void> write = orders.put(bytes("k"), bytes("v"));
				Awaitility.await("health went DOWN").atMost(WAIT).until(() -> indicator.health().getStatus().equals(Status.DOWN));
				assertThat(mutexDetails(indicator.health(), "orders")).containsEntry("starved", true)
					.containsEntry("status", "DOWN")
					.containsKey("waitingForCycle")
					.containsEntry("queuedWrites", 1);
				held.release();
				write.get(20, TimeUnit.SECONDS);
				Awaitility.await("health came back UP").atMost(WAIT).until(() -> indicator.health().getStatus().equals(Status.UP));
				assertThat(mutexDetails(indicator.health(), "orders")).containsEntry("starved", false)
					.doesNotContainKey("waitingForCycle");
			});
	}

	@Test
	void whenStoreClosedThenDown() {
		contextRunner().run((context) -> {
			MutexRegistry registry = context.getBean(MutexRegistry.class);
			registry.store().close();
			Health health = context.getBean(MutexHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(storeDetails(health)).containsEntry("open", false);
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> storeDetails(Health health) {
		return (Map<String, Object>) health.getDetails().get("store");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> mutexDetails(Health health, String name) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("mutexes")).get(name);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** Holds every task until {@link #release()}, then runs tasks on a thread of its own: a starved cycle pool. */
	static final class HeldExecutor implements Executor {

		private final ExecutorService pool = Executors.newSingleThreadExecutor();

		/** Tasks held back; guarded by {@code this}. */
		private final List<Runnable> held = new ArrayList<>();

		/** Guarded by {@code this}. */
		private boolean released;

		@Override
		public synchronized void execute(Runnable task) {
			if (this.released) {
				this.pool.execute(task);
			}
			else {
				this.held.add(task);
			}
		}

		synchronized void release() {
			this.released = true;
			this.held.forEach(this.pool::execute);
			this.held.clear();
			this.pool.shutdown(); // runs what it was given, and the tasks those tasks resubmit are refused
		}

	}

	/** Fails every batch while {@link #failing} is set: fault injection for the health check. */
	static final class SwitchableInterceptor implements BatchInterceptor {

		/** Written by the test thread, read by cycle threads. */
		volatile boolean failing;

		@Override
		public void beforeBatch(String mutexName, List<WriteOperation> operations) throws IOException {
			if (this.failing) {
				throw new IOException("injected failure");
			}
		}

	}

}
