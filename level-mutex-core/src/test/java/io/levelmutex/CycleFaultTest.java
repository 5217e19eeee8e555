package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rejected cycles (errors inside a phase: RocksCycleFaultTest in level-mutex-rocksdb): every operation taken from a
 * queue completes exactly once (a value or a typed exception), and the mutex keeps cycling.
 */
class CycleFaultTest {

	@Test
	void whenTheExecutorRejectsTheFirstCycleThenQueuedOperationsFailWithARejectionAndTheMutexStaysOpen() {
		SwitchableExecutor executor = new SwitchableExecutor();
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("rejected").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			executor.reject.set(true);
			CompletableFuture<Void> put = mutex.put("k", "v");
			assertThat(put).isDone();
			Throwable cause = failure(put);
			assertThat(cause).isInstanceOf(CycleRejectedException.class)
				.hasMessageContaining("'rejected'")
				.hasMessageContaining("stays open")
				.hasRootCauseInstanceOf(RejectedExecutionException.class);
			assertThat(((CycleRejectedException) cause).failedOperations()).isEqualTo(1);
			assertThat(mutex.isClosed()).isFalse();
			assertThat(mutex.stats().queued()).isZero();
			executor.reject.set(false);
			CompletableFuture<Void> again = mutex.put("k", "w");
			CompletableFuture<Void> barrier = mutex.afterWrite();
			executor.runAll();
			assertThat(again).isCompleted();
			assertThat(barrier).isCompleted();
			assertThat(mutex.stats().queued()).isZero();
			mutex.closeAsync();
			executor.runAll();
		}
	}

	@Test
	void whenTheExecutorRejectsAResubmitThenOnlyWhatWasQueuedFailsAndLaterOperationsRun() {
		SwitchableExecutor executor = new SwitchableExecutor();
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("resubmit").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			AtomicInteger completed = new AtomicInteger();
			AtomicInteger issued = new AtomicInteger();
			List<Throwable> failures = new ArrayList<>();
			// a chain of reads, each issued from the previous one's completion: one drain task
			// runs MAX_CYCLES_PER_DRAIN cycles of it, then resubmits, and the resubmit is refused
			chain(mutex, MutexCore.MAX_CYCLES_PER_DRAIN + 8, issued, completed, failures, executor);
			executor.runAll();
			assertThat(completed).as("reads issued vs completed").hasValue(issued.get());
			assertThat(failures).hasSize(1);
			assertThat(failures.get(0)).isInstanceOf(CycleRejectedException.class)
				.hasMessageContaining("'resubmit'");
			assertThat(mutex.isClosed()).isFalse();
			assertThat(mutex.stats().queued()).isZero();
			executor.reject.set(false);
			CompletableFuture<Void> put = mutex.put("k", "v");
			CompletableFuture<String> update = mutex.update((ctx) -> {
				ctx.put("u", "1");
				return "ok";
			});
			executor.runAll();
			assertThat(put).isCompleted();
			assertThat(update).isCompletedWithValue("ok");
			mutex.closeAsync();
			executor.runAll();
		}
	}

	private static void chain(Mutex<String, String> mutex, int remaining, AtomicInteger issued,
			AtomicInteger completed, List<Throwable> failures, SwitchableExecutor executor) {
		issued.incrementAndGet();
		if (remaining == MutexCore.MAX_CYCLES_PER_DRAIN + 8 - MutexCore.MAX_CYCLES_PER_DRAIN + 1) {
			executor.reject.set(true);
		}
		mutex.get("k").whenComplete((value, error) -> {
			completed.incrementAndGet();
			if (error != null) {
				failures.add(unwrap(error));
			}
			else if (remaining > 1) {
				chain(mutex, remaining - 1, issued, completed, failures, executor);
			}
		});
	}

	/** A manual executor that refuses tasks while {@link #reject} is set. */
	static final class SwitchableExecutor implements Executor {

		final AtomicBoolean reject = new AtomicBoolean();

		private final ManualExecutor tasks = new ManualExecutor();

		@Override
		public void execute(Runnable command) {
			if (this.reject.get()) {
				throw new RejectedExecutionException("injected: executor saturated");
			}
			this.tasks.execute(command);
		}

		void runAll() {
			this.tasks.runAll();
		}

	}

	private static @Nullable Throwable failure(CompletableFuture<?> future) {
		try {
			future.join();
			return null;
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

	private static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
	}

}
