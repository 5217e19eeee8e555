package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The guarantees of issue 9 that a sequential model cannot reach: blocking calls on cycle
 * threads, close bounded by {@code closeTimeout} (also from a callback, also with a blocked
 * update function), a cycle pool shared by mutexes that wait on each other, a rejected
 * resubmit, range bounds refused at the call, and the registry after close. Waits are
 * bounded so that a deadlock fails the test with a message instead of hanging the build; a
 * bound is never a synchronisation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GuaranteeEdgeCasesTest {

	/** How long a test waits before it reports a deadlock (generous: CI's two cores are shared with the build). */
	static final long BOUND_SECONDS = 50;

	enum BlockingCall {

		JOIN, GET

	}

	// ---- defect 5: a blocking wait on the cycle thread

	@ParameterizedTest(name = "{0}")
	@EnumSource(BlockingCall.class)
	void whenACallbackBlocksOnALibraryFutureOnTheCycleThreadThenTheWaitFailsFastAndTheWriteStillCompletes(
			BlockingCall call) throws Exception {
		try (TempStore temp = TempStore.open((store) -> store.closeTimeout(Duration.ofSeconds(2)))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("blocking").build(), Codecs.utf8(),
					Codecs.utf8());
			AtomicReference<@Nullable CompletableFuture<Void>> inner = new AtomicReference<>();
			CompletableFuture<@Nullable Throwable> waited = new CompletableFuture<>();
			onCycleThread(mutex, () -> {
				CompletableFuture<Void> put = mutex.put("k", "v");
				inner.set(put);
				try {
					if (call == BlockingCall.JOIN) {
						put.join();
					}
					else {
						put.get();
					}
					waited.complete(null);
				}
				catch (Throwable ex) {
					waited.complete(ex);
				}
			});
			Throwable thrown;
			try {
				thrown = waited.get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				// unstick the cycle thread so the store can close, then report the deadlock
				CompletableFuture<Void> put = inner.get();
				if (put != null) {
					put.obtrudeValue(null);
				}
				throw new AssertionError("put(k)." + call.name().toLowerCase()
						+ "() called from a thenAccept on the cycle thread of mutex 'blocking' still blocked after "
						+ BOUND_SECONDS + " s: a deadlock instead of a fast IllegalStateException");
			}
			assertThat(thrown).as("what the blocking call threw").isInstanceOf(IllegalStateException.class);
			assertThat(thrown.getMessage()).contains("'blocking'").contains("thenCompose");
			CompletableFuture<Void> put = inner.get();
			assertThat(put).isNotNull();
			put.get(BOUND_SECONDS, TimeUnit.SECONDS);
			assertThat(mutex.get("k").get(BOUND_SECONDS, TimeUnit.SECONDS)).contains("v");
		}
	}

	// ---- defect 6: close bounded by closeTimeout while an update function blocks

	@Test
	void whenAnUpdateFunctionBlocksThenStoreCloseReturnsAfterTheTimeoutHealthAnswersAndTheUpdateFailsClosed()
			throws Exception {
		CountDownLatch inFunction = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		TempStore temp = TempStore.open((store) -> store.closeTimeout(Duration.ofSeconds(1)));
		try {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("stuck").build(), Codecs.utf8(),
					Codecs.utf8());
			CompletableFuture<Integer> update = mutex.update((context) -> {
				inFunction.countDown();
				release.await();
				context.put("k", "v");
				return 1;
			});
			CompletableFuture<Void> queuedBehind = mutex.put("other", "v");
			assertThat(inFunction.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the function started").isTrue();
			CompletableFuture<Void> closing = CompletableFuture.runAsync(temp.store::close);
			try {
				closing.get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				fail("store.close() with closeTimeout 1 s still waits after " + BOUND_SECONDS
						+ " s for an update function that blocks");
			}
			CompletableFuture<StoreHealth> health = CompletableFuture.supplyAsync(temp.store::health);
			try {
				health.get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				fail("store.health() blocks after close while an update function blocks");
			}
			assertFailsWith(update, MutexClosedException.class);
			assertFailsWith(queuedBehind, MutexClosedException.class);
		}
		finally {
			release.countDown();
			temp.close();
		}
	}

	// ---- defect 7: a shared pool of two threads, two mutexes whose callbacks wait on a third

	@Test
	void whenTwoMutexesOnATwoThreadPoolWaitOnAThirdFromCallbacksThenEveryOperationCompletes() throws Exception {
		try (TempStore temp = TempStore.open((store) -> store.cycleThreads(2).closeTimeout(Duration.ofSeconds(2)))) {
			Mutex<String, String> a = temp.store.mutex(MutexOptions.builder("a").build(), Codecs.utf8(), Codecs.utf8());
			Mutex<String, String> b = temp.store.mutex(MutexOptions.builder("b").build(), Codecs.utf8(), Codecs.utf8());
			Mutex<String, String> c = temp.store.mutex(MutexOptions.builder("c").build(), Codecs.utf8(), Codecs.utf8());
			List<CompletableFuture<?>> all = new ArrayList<>();
			List<AtomicReference<@Nullable CompletableFuture<Void>>> inners = new ArrayList<>();
			for (Mutex<String, String> waiter : List.of(a, b)) {
				AtomicReference<@Nullable CompletableFuture<Void>> inner = new AtomicReference<>();
				inners.add(inner);
				all.add(onCycleThread(waiter, () -> {
					CompletableFuture<Void> put = c.put("from-" + waiter.name(), "v");
					inner.set(put);
					try {
						put.join();
					}
					catch (IllegalStateException ex) {
						// detected: the callback gives up waiting, the put still runs
					}
				}));
			}
			try {
				CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				inners.forEach((inner) -> {
					CompletableFuture<Void> put = inner.get();
					if (put != null) {
						put.obtrudeValue(null);
					}
				});
				fail("two mutexes on a two-thread cycle pool, whose callbacks join a put of a third mutex, deadlocked"
						+ " the store for " + BOUND_SECONDS + " s");
			}
			for (AtomicReference<@Nullable CompletableFuture<Void>> inner : inners) {
				CompletableFuture<Void> put = inner.get();
				assertThat(put).isNotNull();
				put.get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			assertThat(c.get("from-a").get(BOUND_SECONDS, TimeUnit.SECONDS)).contains("v");
			assertThat(c.get("from-b").get(BOUND_SECONDS, TimeUnit.SECONDS)).contains("v");
		}
	}

	@Test
	void whenOneMutexIsBusyForeverOnASingleThreadPoolThenAnotherMutexStillGetsItsCycle() throws Exception {
		try (TempStore temp = TempStore.open((store) -> store.cycleThreads(1).closeTimeout(Duration.ofSeconds(2)))) {
			Mutex<String, String> busy = temp.store.mutex(MutexOptions.builder("busy").build(), Codecs.utf8(),
					Codecs.utf8());
			Mutex<String, String> quiet = temp.store.mutex(MutexOptions.builder("quiet").build(), Codecs.utf8(),
					Codecs.utf8());
			AtomicBoolean stop = new AtomicBoolean();
			AtomicInteger busyCycles = new AtomicInteger();
			keepBusy(busy, stop, busyCycles);
			CompletableFuture<Void> put = quiet.put("k", "v");
			try {
				put.get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				fail("a put of mutex 'quiet' waited " + BOUND_SECONDS + " s for a thread while mutex 'busy' ran "
						+ busyCycles.get() + " read phases");
			}
			finally {
				stop.set(true);
			}
			assertThat(quiet.get("k").get(BOUND_SECONDS, TimeUnit.SECONDS)).contains("v");
		}
	}

	private static void keepBusy(Mutex<String, String> busy, AtomicBoolean stop, AtomicInteger cycles) {
		busy.get("k").thenAccept((value) -> {
			cycles.incrementAndGet();
			if (!stop.get() && !busy.isClosed()) {
				keepBusy(busy, stop, cycles);
			}
		});
	}

	// ---- defect 8: store.close() from a callback on a cycle thread

	@Test
	void whenTheStoreIsClosedFromACallbackOnTheCycleThreadThenAPutQueuedBeforeTheCloseIsWritten() throws Exception {
		// the close must let the queued put run to its end: a closeTimeout past every wait of the test, so that only a
		// close that never lets it run (not a slow machine) fails it
		TempStore temp = TempStore.open((store) -> store.closeTimeout(Duration.ofSeconds(2 * BOUND_SECONDS)));
		try {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("closer").build(), Codecs.utf8(),
					Codecs.utf8());
			AtomicReference<@Nullable CompletableFuture<Void>> put = new AtomicReference<>();
			CompletableFuture<Void> callback = onCycleThread(mutex, () -> {
				put.set(mutex.put("queued-before-close", "v"));
				temp.store.close();
			});
			callback.get(BOUND_SECONDS, TimeUnit.SECONDS);
			CompletableFuture<Void> queued = put.get();
			assertThat(queued).isNotNull();
			try {
				queued.get(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				fail("a put queued before store.close() was called from a callback on the cycle thread failed"
						+ " instead of running to completion: " + ex.getCause());
			}
			assertThat(temp.store.isOpen()).isFalse();
		}
		finally {
			temp.close();
		}
	}

	// ---- defect 9: a rejected resubmit

	@Test
	void whenTheExecutorRejectsADrainResubmitThenTheOpenMutexKeepsWorkingAndNothingFailsAsClosed() {
		RejectOnceExecutor executor = new RejectOnceExecutor();
		try (TempStore temp = TempStore.open((store) -> store.closeTimeout(Duration.ofSeconds(2)))) {
			Mutex<String, String> mutex = temp.store.mutex(
					MutexOptions.builder("resubmitted").executor(executor).maxUpdateAttempts(1).build(),
					Codecs.utf8(), Codecs.utf8());
			// a chain of updates, each issued from the previous one's completion, outlasts one
			// drain task: its resubmit is refused
			List<CompletableFuture<Integer>> updates = new ArrayList<>();
			chain(mutex, MutexCore.MAX_CYCLES_PER_DRAIN + 8, updates);
			executor.rejectNext.set(true);
			executor.runAll();
			executor.rejectNext.set(false);
			assertThat(executor.rejected.get()).as("resubmits rejected").isEqualTo(1);
			assertThat(mutex.isClosed()).isFalse();
			for (CompletableFuture<Integer> update : updates) {
				assertThat(update).as("every update taken from the queue completes").isDone();
				if (update.isCompletedExceptionally()) {
					Throwable cause = OperationLedger.unwrap(failure(update));
					assertThat(cause).as("why an update of an open mutex failed")
						.isInstanceOf(LevelMutexException.class)
						.isNotInstanceOf(MutexClosedException.class)
						.isNotInstanceOf(WriteConflictException.class)
						.hasMessageContaining("'resubmitted'");
				}
			}
			CompletableFuture<Integer> later = mutex.update((context) -> {
				int n = Integer.parseInt(context.get("n").orElse("0"));
				context.put("n", Integer.toString(n + 1));
				return n + 1;
			});
			executor.runAll();
			assertThat(later).as("an update after the rejection").isCompleted();
			long committed = updates.stream().filter((update) -> !update.isCompletedExceptionally()).count() + 1;
			CompletableFuture<Optional<String>> stored = mutex.get("n");
			executor.runAll();
			assertThat(stored).isCompletedWithValue(Optional.of(Long.toString(committed)));
			mutex.closeAsync();
			executor.runAll();
		}
	}

	private static void chain(Mutex<String, String> mutex, int remaining, List<CompletableFuture<Integer>> updates) {
		CompletableFuture<Integer> update = mutex.update((context) -> {
			int n = Integer.parseInt(context.get("n").orElse("0"));
			context.put("n", Integer.toString(n + 1));
			return n + 1;
		});
		updates.add(update);
		update.whenComplete((value, error) -> {
			if (remaining > 1 && !mutex.isClosed()) {
				chain(mutex, remaining - 1, updates);
			}
		});
	}

	/** Runs tasks on the test thread; refuses the first task submitted while a task runs, if armed. */
	static final class RejectOnceExecutor implements Executor {

		final ManualExecutor delegate = new ManualExecutor();

		final AtomicBoolean rejectNext = new AtomicBoolean();

		final AtomicInteger rejected = new AtomicInteger();

		/** Whether a task runs now; test thread. */
		private boolean running;

		@Override
		public void execute(Runnable command) {
			if (this.running && this.rejectNext.compareAndSet(true, false)) {
				this.rejected.incrementAndGet();
				throw new RejectedExecutionException("refused for the test");
			}
			this.delegate.execute(() -> {
				this.running = true;
				try {
					command.run();
				}
				finally {
					this.running = false;
				}
			});
		}

		void runAll() {
			this.delegate.runAll();
		}

	}

	// ---- defect 10: range bounds refused at the call

	@Test
	void whenACodecEncodesARangeBoundAsNullThenTheReadIsRefusedAtTheCall() {
		Codec<String> nullForBlank = new Codec<>() {
			@Override
			public byte[] encode(String value) {
				return value.isBlank() ? nullBytes() : Codecs.utf8().encode(value);
			}

			@Override
			public String decode(byte[] bytes) {
				return Codecs.utf8().decode(bytes);
			}

			@Override
			public String name() {
				return "null-for-blank";
			}
		};
		try (ManualMutex fixture = new ManualMutex("bounds")) {
			Mutex<String, String> mutex = fixture.mutex.withCodecs(nullForBlank, Codecs.utf8());
			fixture.mutex.put("a", "1");
			fixture.runCycles();
			for (KeyRange<String> range : List.of(KeyRange.atLeast(" "), KeyRange.closed(" ", "z"),
					KeyRange.lessThan(" "))) {
				assertThatThrownBy(() -> mutex.peekFirst(range)).as("peekFirst%s", range)
					.isInstanceOf(InvalidInputException.class)
					.hasMessageContaining("'bounds'");
				assertThatThrownBy(() -> mutex.scan(range, 10)).as("scan%s", range)
					.isInstanceOf(InvalidInputException.class);
			}
		}
	}

	@Test
	void whenARangeBoundIsOverMaxKeyBytesThenTheReadIsRefusedAtTheCall() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("bounds").maxKeyBytes(8))) {
			String big = "k".repeat(9);
			for (KeyRange<String> range : List.of(KeyRange.atLeast(big), KeyRange.atMost(big),
					KeyRange.closed("a", big))) {
				assertThatThrownBy(() -> fixture.mutex.peekLast(range)).as("peekLast%s", range)
					.isInstanceOf(InvalidInputException.class)
					.hasMessageContaining("'bounds'")
					.hasMessageContaining("8");
			}
			String exact = "k".repeat(8);
			CompletableFuture<Optional<Entry<String, String>>> allowed = fixture.mutex
				.peekFirst(KeyRange.atLeast(exact));
			fixture.runCycles();
			assertThat(allowed).isCompletedWithValue(Optional.empty());
		}
	}

	// ---- defect 11: a closed mutex is never handed out again

	@Test
	void whenAMutexWasClosedThenTheStoreNeverHandsItOutAgain() throws Exception {
		try (TempStore temp = TempStore.open()) {
			for (int round = 0; round < 300; round++) {
				Mutex<byte[], byte[]> mutex = temp.store.mutex("registry");
				CompletableFuture<Void> put = mutex.put(new byte[] { 1 }, new byte[] { (byte) round });
				mutex.close();
				assertThat(put).isDone();
				Mutex<byte[], byte[]> next = temp.store.mutex("registry");
				assertThat(next.isClosed()).as("round %d: store.mutex(name) right after close() returned", round)
					.isFalse();
				assertThat(next).as("round %d", round).isNotSameAs(mutex);
				next.close();
			}
		}
	}

	@Test
	void whenADependentOfCloseAsksForTheMutexThenItGetsAFreshOne() throws Exception {
		try (TempStore temp = TempStore.open((store) -> store.closeTimeout(Duration.ofSeconds(2)))) {
			Mutex<byte[], byte[]> mutex = temp.store.mutex("registry");
			// an update that waits keeps the close from completing until the dependent below is
			// registered; registered after the store's own, the dependent runs first: close()
			// has completed for the user there, and the closed instance must be out of reach
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<Integer> holding = mutex.update((context) -> {
				release.await();
				return 0;
			});
			CompletableFuture<Mutex<byte[], byte[]>> afterClose = mutex.closeAsync()
				.thenApply((ignored) -> temp.store.mutex("registry"));
			release.countDown();
			holding.get(BOUND_SECONDS, TimeUnit.SECONDS);
			Mutex<byte[], byte[]> next = afterClose.get(BOUND_SECONDS, TimeUnit.SECONDS);
			assertThat(next.isClosed()).as("the mutex store.mutex(name) returned once close() completed").isFalse();
			assertThat(next).isNotSameAs(mutex);
			assertThat(temp.store.find("registry")).containsSame(next);
			next.close();
		}
	}

	// ---- helpers

	/**
	 * Runs an action in a read's callback that is certain to run on the mutex's cycle thread: a
	 * listener holds the read phase until the callback is registered (were the read done first,
	 * its callback would run on the calling thread).
	 */
	static CompletableFuture<Void> onCycleThread(Mutex<String, String> mutex, Runnable action) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		CountDownLatch registered = new CountDownLatch(1);
		Mutex.ListenerRegistration gate = mutex.addListener(new MutexListener() {
			@Override
			public void onReads(ReadPhaseEvent event) {
				try {
					registered.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		mutex.get("inner").thenAccept((inner) -> {
			gate.close();
			try {
				action.run();
				done.complete(null);
			}
			catch (Throwable ex) {
				done.completeExceptionally(ex);
			}
		});
		registered.countDown();
		return done;
	}

	private static byte[] nullBytes() {
		return null;
	}

	private static Throwable failure(CompletableFuture<?> future) {
		try {
			future.get(BOUND_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (Exception ex) {
			throw new AssertionError("no failure: " + ex, ex);
		}
		throw new AssertionError("completed normally");
	}

	private static void assertFailsWith(CompletableFuture<?> future, Class<? extends Throwable> type) {
		Throwable cause;
		try {
			future.get(BOUND_SECONDS, TimeUnit.SECONDS);
			throw new AssertionError("expected " + type.getSimpleName() + " but the operation completed");
		}
		catch (ExecutionException ex) {
			cause = OperationLedger.unwrap(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("expected " + type.getSimpleName() + " but the operation was still pending after "
					+ BOUND_SECONDS + " s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		assertThat(cause).isInstanceOf(type);
	}

}
