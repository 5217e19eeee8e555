package io.levelmutex.spring.boot.autoconfigure.observation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.levelmutex.BlockingMutex;
import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexListener;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.WriteConflictException;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.observation.MutexObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LevelMutexObservationAutoConfiguration}: observations of batches, read
 * phases and update() calls, their key values, parents, and the scope the caller's dependent
 * actions run in.
 */
class LevelMutexObservationAutoConfigurationTests {

	@TempDir
	Path directory;

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class,
					LevelMutexObservationAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.key-codec=utf8", "level-mutex.mutexes.orders.value-codec=utf8");
	}

	private ApplicationContextRunner observedRunner() {
		return contextRunner().withBean(ObservationRegistry.class, () -> this.observations);
	}

	@SuppressWarnings("unchecked")
	private static Mutex<String, String> conflicting(WriteConflictException conflict) {
		return (Mutex<String, String>) Proxy.newProxyInstance(Mutex.class.getClassLoader(), new Class<?>[] { Mutex.class },
				(proxy, method, arguments) -> switch (method.getName()) {
					case "name" -> "orders";
					case "update" -> CompletableFuture.failedFuture(conflict);
					case "blocking" -> InvocationHandler.invokeDefault(proxy, method, arguments);
					case "toString" -> "conflicting mutex";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == arguments[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	@SuppressWarnings("unchecked")
	private static Mutex<String, String> orders(AssertableApplicationContext context) {
		return (Mutex<String, String>) context.getBean("orders");
	}

	@Test
	void whenNoObservationRegistryThenNothingIsRegisteredAndMutexBeansAreNotWrapped() {
		contextRunner().run((context) -> {
			assertThat(context).doesNotHaveBean(MutexObservations.class);
			assertThat(orders(context).getClass().getSimpleName()).isNotEqualTo("ObservedMutex");
		});
	}

	@Test
	void whenObservationRegistryThenTheMutexBeanIsWrappedAndOtherOperationsStillWork() {
		observedRunner().run((context) -> {
			assertThat(context).hasSingleBean(MutexObservations.class);
			Mutex<String, String> orders = orders(context);
			assertThat(orders.getClass().getSimpleName()).isEqualTo("ObservedMutex");
			assertThat(orders.name()).isEqualTo("orders");
			orders.put("k", "v").join();
			assertThat(orders.get("k").join()).contains("v");
			assertThat(orders.withCodecs(orders.keyCodec(), orders.valueCodec()).get("k").join()).contains("v");
		});
	}

	@Test
	void whenBatchIsWrittenThenABatchObservationWithMutexOutcomeAndSizeBucketHasNoParent() {
		observedRunner().run((context) -> {
			Mutex<String, String> orders = orders(context);
			Observation caller = Observation.start("caller", this.observations);
			try (Observation.Scope scope = caller.openScope()) {
				orders.put("k", "v").join();
			}
			caller.stop();
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.BATCH)
				.that()
				.hasBeenStarted()
				.hasBeenStopped()
				.hasContextualNameEqualTo("batch orders")
				.hasLowCardinalityKeyValue("mutex", "orders")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasLowCardinalityKeyValue("batch.size", "1")
				.doesNotHaveParentObservation();
		});
	}

	@Test
	void whenReadPhaseRunsThenAReadsObservationEndsAfterItsResultsAreDelivered() {
		observedRunner().run((context) -> {
			Mutex<String, String> orders = orders(context);
			CompletableFuture<?> first = orders.get("a");
			CompletableFuture<?> second = orders.get("b");
			CompletableFuture.allOf(first, second).join();
			// the read phase's end is signalled before any later batch's writes event
			orders.put("after", "x").join();
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.READS)
				.that()
				.hasBeenStopped()
				.hasContextualNameEqualTo("reads orders")
				.hasLowCardinalityKeyValue("mutex", "orders")
				.hasLowCardinalityKeyValue("outcome", "success")
				.doesNotHaveParentObservation();
		});
	}

	@Test
	void whenUpdateIsCalledUnderACallerObservationThenItIsAChildAndDependentsRunInTheCallerScopeOnTheCycleThreadJoiningTheNextBatch()
			throws Exception {
		observedRunner().run((context) -> {
			Mutex<String, String> orders = orders(context);
			List<List<String>> batches = new CopyOnWriteArrayList<>();
			context.getBean(MutexRegistry.class).mutex("orders").addListener(new MutexListener() {
				@Override
				public void onWrites(WriteBatchEvent event) {
					List<String> keys = new ArrayList<>();
					event.operations().forEach((op) -> keys.add(new String(op.key())));
					batches.add(keys);
				}
			});
			CountDownLatch dependentRegistered = new CountDownLatch(1);
			AtomicReference<Observation> inScope = new AtomicReference<>();
			AtomicReference<Thread> ranOn = new AtomicReference<>();
			Observation caller = Observation.start("caller", this.observations);
			CompletableFuture<Void> decided;
			try (Observation.Scope scope = caller.openScope()) {
				CompletableFuture<String> updated = orders.update((update) -> {
					// hold the read phase until the caller's dependent action is registered,
					// so that it runs where the future completes
					assertThat(dependentRegistered.await(30, TimeUnit.SECONDS)).isTrue();
					update.put("counter", "1");
					return "committed";
				});
				decided = updated.thenCompose((result) -> {
					inScope.set(this.observations.getCurrentObservation());
					ranOn.set(Thread.currentThread());
					return orders.put("decided", result);
				});
				dependentRegistered.countDown();
			}
			decided.join();
			caller.stop();
			assertThat(inScope.get()).isSameAs(caller);
			assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
			assertThat(batches).containsExactly(List.of("counter"), List.of("decided"));
			assertThat(this.observations.getCurrentObservation()).isNull();
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
				.that()
				.hasBeenStopped()
				.hasContextualNameEqualTo("update orders")
				.hasLowCardinalityKeyValue("mutex", "orders")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasParentObservationEqualTo(caller)
				.hasEvent(MutexObservations.ATTEMPT);
		});
	}

	@Test
	void whenUpdateIsCalledWithoutCallerObservationThenItHasNoParentAndNoScopeIsLeftOnTheCycleThread() {
		observedRunner().run((context) -> {
			Mutex<String, String> orders = orders(context);
			AtomicReference<Observation> inScope = new AtomicReference<>(Observation.NOOP);
			assertThat(orders.update((update) -> {
				update.put("k", "v");
				return 1;
			}).thenApply((result) -> {
				inScope.set(this.observations.getCurrentObservation());
				return result;
			}).join()).isEqualTo(1);
			assertThat(inScope.get()).isNull();
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
				.that()
				.hasBeenStopped()
				.doesNotHaveParentObservation();
		});
	}

	@Test
	void whenAMutexIsObtainedFromTheRegistryThenItIsTheBeanAndItsUpdatesAreObserved() {
		observedRunner().withPropertyValues("level-mutex.mutexes.audit=").run((context) -> {
			MutexRegistry registry = context.getBean(MutexRegistry.class);
			Mutex<byte[], byte[]> audit = registry.mutex("audit");
			assertThat(audit).isSameAs(context.getBean("audit"));
			assertThat(registry.find("audit")).containsSame(audit);
			assertThat(audit.update((update) -> {
				update.put(new byte[] { 1 }, new byte[] { 2 });
				return 1;
			}).join()).isEqualTo(1);
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
				.that()
				.hasLowCardinalityKeyValue("mutex", "audit")
				.hasBeenStopped();
		});
	}

	@Test
	void whenATypedMutexBeanIsUsedThenItIsAViewOfTheRegistrysObservedMutexObservedOnce() {
		observedRunner().run((context) -> {
			orders(context).update((update) -> {
				update.put("k", "v");
				return 1;
			}).join();
			context.getBean(MutexRegistry.class).mutex("orders").update((update) -> 2).join();
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasNumberOfObservationsWithNameEqualTo(MutexObservations.UPDATE, 2);
		});
	}

	@Test
	void whenUpdateConflictsThenOutcomeIsConflictAndTheCallerFutureFailsOnce() {
		// The embedded engine never reports a conflict (an update sees every write issued before it); an
		// engine with other writers does, through the update's future: a delegate that does so stands in.
		WriteConflictException conflict = new WriteConflictException("orders", "k", 1);
		Mutex<String, String> observed = new MutexObservations(this.observations).decorate(conflicting(conflict));
		CompletableFuture<String> updated = observed.update((update) -> "never run", 1);
		assertThatExceptionOfType(Exception.class).isThrownBy(updated::join).havingRootCause().isSameAs(conflict);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("outcome", "conflict")
			.assertThatError()
			.isInstanceOf(WriteConflictException.class);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasNumberOfObservationsWithNameEqualTo(MutexObservations.UPDATE, 1);
	}

	@Test
	void whenTheBlockingViewUpdatesThenTheUpdateIsObservedAsAChildAndTheCallersThreadStillRunsTheCycle() {
		observedRunner().run((context) -> {
			Mutex<String, String> orders = orders(context);
			BlockingMutex<String, String> blocking = orders.blocking();
			assertThat(blocking.mutex()).isSameAs(orders);
			List<Thread> writers = new CopyOnWriteArrayList<>();
			orders.addListener(new MutexListener() {
				@Override
				public void onWrites(WriteBatchEvent event) {
					writers.add(Thread.currentThread());
				}
			});
			Observation caller = Observation.start("caller", this.observations);
			try (Observation.Scope scope = caller.openScope()) {
				assertThat(blocking.<String>update((update) -> {
					update.put("counter", "1");
					return "counted";
				})).isEqualTo("counted");
			}
			caller.stop();
			blocking.put("k", "v");
			assertThat(blocking.get("k")).contains("v");
			// a lone writer's blocking write ran its cycle on this thread: the observed view kept the fast path
			assertThat(writers).hasSize(2).containsOnly(Thread.currentThread());
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
				.that()
				.hasBeenStopped()
				.hasParentObservationEqualTo(caller)
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasEvent(MutexObservations.ATTEMPT);
		});
	}

	@Test
	void whenABlockingUpdateConflictsThenOutcomeIsConflictAndTheCallThrowsTheConflict() {
		WriteConflictException conflict = new WriteConflictException("orders", "k", 1);
		Mutex<String, String> observed = new MutexObservations(this.observations).decorate(conflicting(conflict));
		assertThatExceptionOfType(WriteConflictException.class)
			.isThrownBy(() -> observed.blocking().update((update) -> "never run", 1))
			.isSameAs(conflict);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("outcome", "conflict");
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasNumberOfObservationsWithNameEqualTo(MutexObservations.UPDATE, 1);
	}

	@Test
	void whenUpdateFunctionThrowsThenOutcomeIsErrorWithThatException() {
		observedRunner().run((context) -> {
			IllegalStateException failure = new IllegalStateException("refused by the function");
			CompletableFuture<Object> updated = orders(context).update((update) -> {
				throw failure;
			});
			assertThatExceptionOfType(Exception.class).isThrownBy(updated::join).havingRootCause().isSameAs(failure);
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
				.that()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("outcome", "error")
				.hasError(failure);
		});
	}

	@Test
	void whenUpdateIsRefusedAtTheCallThenTheExceptionIsThrownAndTheObservationStopped() {
		observedRunner().run((context) -> {
			Mutex<String, String> orders = orders(context);
			orders.close();
			assertThatExceptionOfType(MutexClosedException.class).isThrownBy(() -> orders.update((update) -> 1));
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(MutexObservations.UPDATE)
				.that()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("outcome", "error");
		});
	}

	@Test
	void whenBootObservationPropertiesDisableLevelMutexThenNothingIsObserved() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					LevelMutexAutoConfiguration.class, LevelMutexObservationAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db2"),
					"level-mutex.mutexes.orders.key-codec=utf8", "level-mutex.mutexes.orders.value-codec=utf8",
					"management.observations.enable.level.mutex=false")
			.withBean("recorder", TestObservationRegistry.class, TestObservationRegistry::create)
			.run((context) -> {
				ObservationRegistry registry = context.getBean(ObservationRegistry.class);
				assertThat(context).hasSingleBean(MutexObservations.class);
				List<String> seen = new CopyOnWriteArrayList<>();
				registry.observationConfig().observationHandler(new io.micrometer.observation.ObservationHandler<>() {
					@Override
					public void onStart(Observation.Context observationContext) {
						seen.add(observationContext.getName());
					}

					@Override
					public boolean supportsContext(Observation.Context observationContext) {
						return true;
					}
				});
				Mutex<String, String> orders = orders(context);
				orders.update((update) -> {
					update.put("k", "v");
					return 1;
				}).join();
				Observation.start("other", registry).stop();
				assertThat(seen).containsExactly("other");
			});
	}

}
