package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A blocking wait on a library future from a cycle thread fails fast instead of deadlocking
 * (the timeout only keeps a regression from hanging the build; nothing here is timed). Cycles
 * run on a {@link ManualExecutor}, so every callback is registered before its result arrives
 * and runs on the cycle thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingCallTest {

	private final TempStore temp = TempStore.open((builder) -> builder.cycleThreads(2)
		.closeTimeout(Duration.ofSeconds(5)));

	private final ManualExecutor executor = new ManualExecutor();

	private final List<CompletableFuture<?>> issued = new ArrayList<>();

	@AfterEach
	void close() {
		this.temp.store.mutexes().forEach(Mutex::closeAsync);
		this.executor.runAll();
		this.temp.close();
		assertThat(this.issued).allSatisfy((future) -> assertThat(future).isDone());
	}

	private Mutex<String, String> mutex(String name) {
		return this.temp.store.mutex(MutexOptions.builder(name).executor(this.executor).build(), Codecs.utf8(),
				Codecs.utf8());
	}

	private Mutex<String, String> pooledMutex(String name) {
		return this.temp.store.mutex(MutexOptions.builder(name).build(), Codecs.utf8(), Codecs.utf8());
	}

	private <T extends CompletableFuture<?>> T issued(T future) {
		this.issued.add(future);
		return future;
	}

	@Test
	void whenCallbackJoinsAPutOfItsOwnMutexThenJoinThrowsNamingTheMutexAndTheFix() {
		Mutex<String, String> mutex = mutex("self");
		AtomicReference<CompletableFuture<Void>> inner = new AtomicReference<>();
		CompletableFuture<Void> outer = issued(mutex.get("k").thenAccept((value) -> {
			inner.set(issued(mutex.put("k", "v")));
			inner.get().join();
		}));
		this.executor.runAll();
		Throwable failure = failure(outer);
		assertThat(failure).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'self'")
			.hasMessageContaining("thenCompose")
			.hasMessageContaining("Async");
		assertThat(inner.get()).isCompleted(); // the put itself was queued and completes
		CompletableFuture<Optional<String>> read = issued(mutex.get("k"));
		this.executor.runAll();
		assertThat(read.join()).contains("v");
	}

	@Test
	void whenCallbackBlocksOnADependentStageOrWithGetThenItThrowsToo() {
		Mutex<String, String> mutex = mutex("stages");
		CompletableFuture<Object> viaThenApply = issued(mutex.put("a", "1").thenApply((ignored) -> {
			CompletableFuture<String> dependent = issued(mutex.get("a")).thenApply(Optional::orElseThrow);
			assertThat(dependent.getClass()).isNotEqualTo(CompletableFuture.class);
			return dependent.join();
		}));
		CompletableFuture<Object> viaGet = issued(mutex.put("b", "1").thenApply((ignored) -> {
			try {
				return issued(mutex.put("b2", "2")).get();
			}
			catch (Exception ex) {
				throw new CompletionException(ex);
			}
		}));
		CompletableFuture<Object> viaTimedGet = issued(mutex.put("c", "1").thenApply((ignored) -> {
			try {
				return issued(mutex.del("c")).get(1, TimeUnit.DAYS);
			}
			catch (Exception ex) {
				throw new CompletionException(ex);
			}
		}));
		this.executor.runAll();
		assertThat(failure(viaThenApply)).isInstanceOf(IllegalStateException.class).hasMessageContaining("'stages'");
		assertThat(failure(viaGet)).isInstanceOf(IllegalStateException.class);
		assertThat(failure(viaTimedGet)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void whenCallbackOfOneMutexJoinsAnotherMutexThenItThrowsNamingBoth() {
		Mutex<String, String> first = mutex("first");
		Mutex<String, String> second = mutex("second");
		CompletableFuture<Optional<String>> crossed = issued(
				first.put("k", "v").thenApply((ignored) -> issued(second.get("k")).join()));
		this.executor.runAll();
		assertThat(failure(crossed)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'second'")
			.hasMessageContaining("'first'");
	}

	@Test
	void whenUpdateFunctionJoinsThenTheUpdateFailsAndNothingIsWritten() {
		Mutex<String, String> mutex = mutex("updating");
		CompletableFuture<String> update = issued(mutex.update((ctx) -> {
			ctx.put("x", "1");
			return issued(mutex.get("y")).join().orElse("none");
		}));
		this.executor.runAll();
		assertThat(failure(update)).isInstanceOf(IllegalStateException.class).hasMessageContaining("'updating'");
		CompletableFuture<Optional<String>> read = issued(mutex.get("x"));
		this.executor.runAll();
		assertThat(read.join()).isEmpty();
	}

	@Test
	void whenFutureIsAlreadyDoneThenJoinOnACycleThreadReturnsItsValue() {
		Mutex<String, String> mutex = mutex("done");
		CompletableFuture<Void> written = issued(mutex.put("k", "v"));
		this.executor.runAll();
		CompletableFuture<Optional<String>> afterDone = issued(mutex.get("k").thenApply((value) -> {
			written.join();
			return value;
		}));
		this.executor.runAll();
		assertThat(afterDone.join()).contains("v");
	}

	@Test
	void whenAFutureOfTheLibraryIsJoinedOffTheCycleThreadThenItWaitsAsUsual() throws Exception {
		Mutex<String, String> mutex = pooledMutex("plain");
		assertThat(issued(mutex.put("k", "v")).get()).isNull();
		assertThat(issued(mutex.get("k")).get(1, TimeUnit.DAYS)).contains("v");
		assertThat(issued(mutex.closeAsync()).join()).isNull();
	}

	private static Throwable failure(CompletableFuture<?> future) {
		assertThat(future).as("expected the future to have failed").isCompletedExceptionally();
		AtomicReference<Throwable> error = new AtomicReference<>();
		future.whenComplete((value, ex) -> error.set(ex)); // done: runs at once, on this thread
		Throwable cause = error.get();
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
