package io.levelmutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.BlockingCalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A blocking wait helps instead of parking: a caller that joins a pending write's future of a mutex whose drain is
 * submitted but not started claims that drain and runs the cycle on its own thread ({@code MutexCore.helpDrain}). Cycles run
 * on a {@link ManualExecutor} unless a test says otherwise, so that a task runs only when the test runs it: a join
 * that did not help would wait forever (the timeout only keeps that regression from hanging the build; nothing here
 * is timed). Which thread ran a cycle is observed through the listener's thread and {@link CycleMarker}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinHelpsDrainTest {

	private final TempStore temp = TempStore.open((builder) -> builder.cycleThreads(1)
		.closeTimeout(Duration.ofSeconds(5)));

	private final ManualExecutor executor = new ManualExecutor();

	/** Every event the listeners saw: its kind, the thread it ran on, the cycle mark there; any thread. */
	private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

	private final List<CompletableFuture<?>> issued = Collections.synchronizedList(new ArrayList<>());

	record Seen(String kind, Thread thread, String marked) {
	}

	@AfterEach
	void close() {
		this.temp.store.mutexes().forEach(Mutex::closeAsync);
		this.executor.runAll();
		this.temp.close();
		assertThat(this.issued).allSatisfy((future) -> assertThat(future).isDone());
	}

	private Mutex<String, String> mutex(String name, Executor executor, MutexOptions.Builder options) {
		Mutex<String, String> mutex = this.temp.store.mutex(options.executor(executor).build(), Codecs.utf8(),
				Codecs.utf8());
		mutex.addListener(new MutexListener() {
			@Override
			public void onReads(ReadPhaseEvent event) {
				see("reads");
			}

			@Override
			public void onReadsDelivered(ReadPhaseEvent event) {
				see("delivered");
			}

			@Override
			public void onWrites(WriteBatchEvent event) {
				see("writes " + event.operations().size());
			}

			@Override
			public void onFlushed(FlushEvent event) {
				see("flushed");
			}
		});
		return mutex;
	}

	private Mutex<String, String> mutex(String name) {
		return mutex(name, this.executor, MutexOptions.builder(name));
	}

	private void see(String kind) {
		this.seen.add(new Seen(kind, Thread.currentThread(), String.valueOf(CycleMarker.running())));
	}

	private <T extends CompletableFuture<?>> T issued(T future) {
		this.issued.add(future);
		return future;
	}

	private List<Seen> seenSince(int from) {
		synchronized (this.seen) {
			return new ArrayList<>(this.seen.subList(from, this.seen.size()));
		}
	}

	@Test
	void whenACallerJoinsAPutThenItRunsTheCycleItselfMarkedAndThePoolTaskRunsNothing() {
		Mutex<String, String> mutex = mutex("self");
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		assertThat(this.executor.pending()).isEqualTo(1); // the drain task is submitted, not run
		put.join(); // would wait forever if the caller did not run the cycle
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		assertThat(this.seen).allSatisfy((event) -> {
			assertThat(event.thread()).isSameAs(Thread.currentThread());
			assertThat(event.marked()).isEqualTo("self");
		});
		assertThat(CycleMarker.running()).isNull(); // the mark is restored
		assertThat(mutex.stats().waitingForCycle()).isNull();
		long batches = mutex.stats().batchesFlushed();
		this.executor.runAll(); // the task submitted for the claimed drain
		assertThat(this.seen).hasSize(2);
		assertThat(mutex.stats().batchesFlushed()).isEqualTo(batches);
		assertThat(this.executor.pending()).isZero();
		assertThat(this.temp.engine.contents("self")).containsEntry("k", "v");
	}

	@Test
	void whenTheOldTaskOfAClaimedDrainRunsAfterNewWorkThenItRunsThatDrainAndTheNewTaskRunsNothing() {
		Mutex<String, String> mutex = mutex("stale");
		issued(mutex.put("a", "1")).join(); // claimed by this thread; its task stays queued
		CompletableFuture<Void> second = issued(mutex.put("b", "2")); // a new drain: a second task
		assertThat(this.executor.pending()).isEqualTo(2);
		this.executor.runAll();
		assertThat(second).isCompleted();
		assertThat(mutex.stats().batchesFlushed()).isEqualTo(2);
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 1", "flushed", "writes 1", "flushed");
		assertThat(this.temp.engine.contents("stale")).containsEntry("a", "1").containsEntry("b", "2");
	}

	@Test
	void whenACallerJoinsADelAnUpdateAnAfterWriteOrAStageMadeFromOneThenItRunsTheCycleToo() {
		Mutex<String, String> mutex = mutex("writes");
		issued(mutex.put("k", "v")).join();
		assertThat(issued(mutex.update((context) -> context.get("k").orElse("none"))).join()).isEqualTo("v");
		assertThat(issued(mutex.put("k", "w")).thenApply((ok) -> "applied").join()).isEqualTo("applied");
		issued(mutex.del("k")).join();
		assertThat(issued(mutex.afterWrite()).join()).isNull();
		assertThat(this.seen).isNotEmpty()
			.allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		assertThat(this.temp.engine.contents("writes")).doesNotContainKey("k");
	}

	@Test
	void whenTheMutexRunsOnAnExecutorTheApplicationGaveItThenAJoinWaitsForThatExecutorAndRunsNoCycle()
			throws Exception {
		// An application's executor (decorated with its context, tracing, ...) runs every cycle of its mutex.
		Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
		Executor own = tasks::add;
		Mutex<String, String> mutex = mutex("own", own, MutexOptions.builder("own"));
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		Thread joiner = new Thread(put::join, "joiner");
		joiner.start();
		while (joiner.getState() != Thread.State.WAITING && joiner.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(this.seen).as("no cycle ran on the joining thread").isEmpty();
		assertThat(put).isNotDone();
		Runnable task;
		while ((task = tasks.poll()) != null) {
			task.run();
		}
		joiner.join();
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		mutex.closeAsync();
		while ((task = tasks.poll()) != null) {
			task.run();
		}
	}

	@Test
	void whenACallerJoinsAReadOrAStageMadeFromOneThenItWaitsForThePoolAsBefore() throws Exception {
		Mutex<String, String> mutex = mutex("reads");
		issued(mutex.put("k", "v")).join();
		int from = this.seen.size();
		CompletableFuture<Optional<String>> read = issued(mutex.get("k"));
		// its callback writes: a caller running this cycle would also run that write phase, past its result
		CompletableFuture<Void> readThenWrite = issued(read.thenAccept((value) -> issued(mutex.put("k", "w"))));
		List<CompletableFuture<?>> joined = List.of(read, readThenWrite, issued(mutex.scan(KeyRange.all(), 10)));
		List<Thread> joiners = new ArrayList<>();
		for (CompletableFuture<?> future : joined) {
			Thread joiner = new Thread(future::join, "reader");
			joiners.add(joiner);
			joiner.start();
			while (joiner.getState() != Thread.State.WAITING && joiner.isAlive()) {
				LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
			}
		}
		assertThat(seenSince(from)).isEmpty(); // nobody claimed the drain: the executor's task runs it
		this.executor.runAll();
		for (Thread joiner : joiners) {
			joiner.join();
		}
		// The read's joiner, woken, runs the read's pending dependents itself (CompletableFuture.postComplete): it may
		// have run the callback and queued its put after runAll() found the executor empty (the race of stop 31). The
		// joiners are gone now: whatever they queued runs here.
		this.executor.runAll();
		assertThat(read.join()).contains("v");
		assertThat(seenSince(from)).extracting(Seen::kind).containsExactly("reads", "delivered", "writes 1", "flushed");
		assertThat(seenSince(from)).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
	}

	@Test
	void whenAHelperRunsACycleWithAnotherCallersReadThenTheWriteItsCallbackIssuedJoinsThatCyclesWritePhase() {
		Mutex<String, String> mutex = mutex("readThenWrite");
		issued(mutex.put("revision", "1")).join();
		int from = this.seen.size();
		AtomicReference<CompletableFuture<Void>> written = new AtomicReference<>();
		CompletableFuture<Optional<String>> read = issued(mutex.get("revision")); // another caller's read
		read.thenAccept((value) -> written.set(issued(mutex.put("revision", "2"))));
		CompletableFuture<Void> own = issued(mutex.put("own", "x"));
		own.join(); // runs the cycle: the read phase, then every write queued by then, the callback's included
		assertThat(read).isCompleted();
		assertThat(written.get()).isCompleted();
		assertThat(seenSince(from)).extracting(Seen::kind)
			.containsExactly("reads", "delivered", "writes 2", "flushed");
		assertThat(seenSince(from)).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		this.executor.runAll();
		assertThat(seenSince(from)).hasSize(4);
		assertThat(this.temp.engine.contents("readThenWrite")).containsEntry("revision", "2").containsEntry("own", "x");
	}

	@Test
	void whenACallbackOnTheHelpingThreadJoinsAPendingFutureThenItStillFailsFast() {
		Mutex<String, String> mutex = mutex("inner");
		AtomicReference<CompletableFuture<Void>> inner = new AtomicReference<>();
		CompletableFuture<Void> put = issued(mutex.put("a", "1"));
		CompletableFuture<Void> outer = issued(put.thenRun(() -> {
			inner.set(issued(mutex.put("b", "2")));
			inner.get().join();
		}));
		put.join();
		assertThatThrownBy(outer::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'inner'");
		// the inner put was queued during the helper's cycle; the helper's own future was done: handed back
		assertThat(inner.get()).isNotDone();
		this.executor.runAll();
		assertThat(inner.get()).isCompleted();
	}

	@Test
	void whenMoreWorkKeepsArrivingThenTheHelperStopsOnceItsOwnFutureIsDoneAndHandsTheRestBack() throws Exception {
		Mutex<String, String> mutex = mutex("chain", this.executor, MutexOptions.builder("chain").maxBatchOperations(1));
		AtomicInteger chained = new AtomicInteger();
		List<CompletableFuture<Void>> followers = Collections.synchronizedList(new ArrayList<>());
		// every completion issues the next write: without the stop, the helper would run MAX_CYCLES_PER_DRAIN cycles
		Runnable[] next = new Runnable[1];
		next[0] = () -> {
			if (chained.incrementAndGet() <= 100) {
				CompletableFuture<Void> follower = issued(mutex.put("f" + chained.get(), "x"));
				followers.add(follower);
				follower.thenRun(next[0]);
			}
		};
		CompletableFuture<Void> own = issued(mutex.put("own", "1"));
		own.thenRun(next[0]);
		Thread helper = new Thread(own::join, "helper");
		helper.start();
		helper.join();
		List<Seen> byHelper = this.seen.stream().filter((event) -> event.thread() == helper).toList();
		assertThat(byHelper).extracting(Seen::kind).containsExactly("writes 1", "flushed"); // its own cycle only
		assertThat(followers).hasSize(1).allSatisfy((follower) -> assertThat(follower).isNotDone());
		assertThat(this.executor.pending()).isEqualTo(2); // the claimed drain's task, and the rest handed back
		// A drain handed back (or yielded) stays the executor's: a caller joining now parks. (Claiming it would make
		// every cycle of a busy mutex start on another caller's thread and end with a hand-off to the next one:
		// measured 16-25% slower with 256 blocking clients.)
		Thread joiner = new Thread(followers.get(0)::join, "joiner");
		joiner.start();
		while (joiner.getState() != Thread.State.WAITING && joiner.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(this.seen.stream().filter((event) -> event.thread() == joiner)).isEmpty();
		this.executor.runAll();
		joiner.join();
		// A woken CompletableFuture.join() runs the future's pending dependents itself (postComplete): the joiner may
		// have run next[0] and queued the next follower's drain after runAll() found the executor empty (CI, stop 31:
		// 2 followers, the second never run). The joiner is gone now: whatever it queued runs here.
		this.executor.runAll();
		assertThat(followers).hasSize(100).allSatisfy((follower) -> assertThat(follower).isCompleted());
		assertThat(this.seen.stream().filter((event) -> event.thread() == helper)).hasSize(2);
		assertThat(this.seen.stream().filter((event) -> event.thread() == joiner)).isEmpty();
	}

	@Test
	void whenTheLastBatchHeldSeveralWritesThenAJoinWaitsForThePoolUntilABatchHoldsOneAgain() throws Exception {
		Mutex<String, String> mutex = mutex("crowded");
		issued(mutex.put("a", "1"));
		issued(mutex.put("b", "2"));
		this.executor.runAll(); // one batch of two writes: callers write concurrently here
		int from = this.seen.size();
		// A caller claiming now would run a batch of whatever few writes arrived before it: with many callers each
		// burst would be cut into small batches (256 blocking non-durable clients were measured 6-15% slower).
		CompletableFuture<Void> put = issued(mutex.put("c", "3"));
		Thread joiner = new Thread(put::join, "joiner");
		joiner.start();
		while (joiner.getState() != Thread.State.WAITING && joiner.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(seenSince(from)).isEmpty(); // nobody claimed the drain: the executor's task runs it
		this.executor.runAll();
		joiner.join();
		assertThat(seenSince(from)).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		assertThat(seenSince(from)).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		// the last batch held one write: a lone caller helps again
		from = this.seen.size();
		issued(mutex.put("d", "4")).join();
		assertThat(seenSince(from)).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		assertThat(seenSince(from)).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		assertThat(this.temp.engine.contents("crowded")).containsEntry("c", "3").containsEntry("d", "4");
	}

	@Test
	void whenOtherWritesAreQueuedBesideTheCallersThenAJoinWaitsForThePool() throws Exception {
		Mutex<String, String> mutex = mutex("queued");
		CompletableFuture<Void> first = issued(mutex.put("a", "1"));
		CompletableFuture<Void> second = issued(mutex.put("b", "2")); // another caller's: callers write concurrently
		Thread joiner = new Thread(first::join, "joiner");
		joiner.start();
		while (joiner.getState() != Thread.State.WAITING && joiner.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(this.seen).isEmpty(); // nobody claimed the drain: the executor's task runs it
		this.executor.runAll();
		joiner.join();
		assertThat(second).isCompleted();
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 2", "flushed");
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
	}

	@Test
	void whenTheDrainIsRunningOrIdleThenAJoinClaimsNothing() throws Exception {
		Mutex<String, String> mutex = mutex("running");
		CountDownLatch inWrites = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean first = new AtomicBoolean(true);
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				if (first.getAndSet(false)) {
					inWrites.countDown();
					await(release);
				}
			}
		});
		CompletableFuture<Void> slow = issued(mutex.put("slow", "1"));
		Thread pool = new Thread(this.executor::runAll, "pool");
		pool.start();
		inWrites.await();
		CompletableFuture<Void> later = issued(mutex.put("later", "2")); // PROCESSING_TO_REQUIRED: nothing submitted
		Thread joiner = new Thread(later::join, "joiner");
		joiner.start();
		assertThat(slow).isNotDone();
		release.countDown();
		pool.join();
		joiner.join();
		assertThat(later).isCompleted();
		assertThat(this.seen).noneMatch((event) -> event.thread() == joiner); // the running drain ran it
	}

	@Test
	void whenGetHasNoTimeLeftOrTheThreadIsInterruptedThenItClaimsNothing() throws Exception {
		Mutex<String, String> mutex = mutex("bounded");
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		assertThatThrownBy(() -> put.get(0, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
		assertThatThrownBy(() -> put.get(-1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
		Thread.currentThread().interrupt();
		assertThatThrownBy(put::get).isInstanceOf(InterruptedException.class);
		Thread.currentThread().interrupt();
		assertThatThrownBy(() -> put.get(1, TimeUnit.MINUTES)).isInstanceOf(InterruptedException.class);
		assertThat(Thread.interrupted()).isFalse();
		Thread interruptedJoiner = new Thread(() -> {
			Thread.currentThread().interrupt();
			put.join(); // join ignores the interrupt, but an interrupted thread must not run a cycle
		}, "interrupted-joiner");
		interruptedJoiner.start();
		while (interruptedJoiner.getState() != Thread.State.WAITING && interruptedJoiner.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(this.seen).isEmpty(); // nothing was claimed: the task still runs the drain
		assertThat(mutex.stats().waitingForCycle()).isNotNull();
		this.executor.runAll();
		interruptedJoiner.join();
		assertThat(put).isCompleted();
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
	}

	@Test
	void whenGetWithATimeoutWaitsThenItNeverRunsTheCycleSoItsBoundHolds() throws Exception {
		Mutex<String, String> mutex = mutex("bound");
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		assertThatThrownBy(() -> put.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
		assertThat(this.seen).isEmpty();
		this.executor.runAll();
		assertThat(put.get(1, TimeUnit.MINUTES)).isNull();
	}

	@Test
	void whenGetHelpsThenItAnswersAndAnInterruptDuringTheCycleDoesNotStopIt() throws Exception {
		Mutex<String, String> mutex = mutex("timed");
		assertThat(issued(mutex.put("k", "v")).get()).isNull();
		assertThat(issued(mutex.del("gone")).get()).isNull();
		Thread caller = Thread.currentThread();
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				caller.interrupt(); // arrives while the caller runs the cycle
			}
		});
		CompletableFuture<Void> put = issued(mutex.put("k", "w"));
		assertThat(put.get()).isNull(); // the cycle ran to its end; the future was done when the wait returned
		assertThat(Thread.interrupted()).isTrue(); // the interrupt is kept for the caller
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(caller));
		assertThat(this.temp.engine.contents("timed")).containsEntry("k", "w");
	}

	@Test
	void whenTheMutexClosesWhileAHelperRunsThenEverythingCompletesAndTheCloseCompletes() throws Exception {
		Mutex<String, String> mutex = mutex("closing");
		CountDownLatch inWrites = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				inWrites.countDown();
				await(release);
			}
		});
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		Thread helper = new Thread(put::join, "helper");
		helper.start();
		inWrites.await();
		CompletableFuture<Void> closing = mutex.closeAsync();
		assertThatThrownBy(() -> mutex.put("x", "y")).isInstanceOf(MutexClosedException.class);
		release.countDown();
		helper.join();
		assertThat(put).isCompleted();
		this.executor.runAll(); // the close's drain, if the helper handed it back
		assertThat(closing).isCompleted();
		assertThat(this.seen).filteredOn((event) -> event.kind().startsWith("writes"))
			.allSatisfy((event) -> assertThat(event.thread()).isSameAs(helper));
		assertThat(this.temp.engine.contents("closing")).containsEntry("k", "v");
	}

	@Test
	void whenTheExecutorRejectsTheHandBackThenTheHelperFailsWhatWasQueuedExactlyOnce() {
		RejectingExecutor rejecting = new RejectingExecutor();
		Mutex<String, String> mutex = mutex("rejected", rejecting, MutexOptions.builder("rejected"));
		CompletableFuture<Void> own = issued(mutex.put("own", "1"));
		AtomicReference<CompletableFuture<Void>> queuedMeanwhile = new AtomicReference<>();
		AtomicInteger completions = new AtomicInteger();
		own.thenRun(() -> {
			rejecting.shutdown.set(true);
			CompletableFuture<Void> follower = issued(mutex.put("follower", "2"));
			follower.whenComplete((ok, error) -> completions.incrementAndGet());
			queuedMeanwhile.set(follower);
		});
		own.join();
		assertThatThrownBy(() -> queuedMeanwhile.get().join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(CycleRejectedException.class)
			.hasMessageContaining("'rejected'");
		rejecting.runAll(); // the claimed drain's task: runs nothing
		assertThat(completions).hasValue(1);
		assertThat(this.temp.engine.contents("rejected")).containsOnlyKeys("own");
		assertThat(mutex.stats().waitingForCycle()).isNull();
	}

	@Test
	void whenAPoolThreadOutsideACycleJoinsThenItClaimsNothingAndHelpersLendNoPlace() throws Exception {
		Mutex<String, String> mutex = mutex("lender");
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		LenderThread lender = new LenderThread(put::join);
		lender.start();
		// the lender parks (it must not lend a place it does not hold by running a cycle): run the task
		while (lender.getState() != Thread.State.WAITING && lender.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(this.seen).isEmpty();
		this.executor.runAll();
		lender.join();
		assertThat(put).isCompleted();
		assertThat(lender.lent).hasValue(0);
		// a helping caller's blocking engine calls lend nothing: it holds no place of the store's pool
		AtomicReference<Boolean> lenderInCommit = new AtomicReference<>();
		this.temp.engine.beforeCommit((batch) -> BlockingCalls.run(() -> {
			lenderInCommit.set(Thread.currentThread() instanceof BlockingCalls.PlaceLender);
			return null;
		}));
		issued(mutex.put("k", "w")).join();
		assertThat(lenderInCommit.get()).isFalse();
		assertThat(this.temp.store.cyclePoolExtraThreads()).isZero();
	}

	@Test
	void whenAHelperClaimsADrainOfACyclePoolThenItTakesItsQueuedTaskBackOut() throws Exception {
		CyclePool pool = new CyclePool("help-test-", 1);
		CountDownLatch release = new CountDownLatch(1);
		try {
			CountDownLatch busy = new CountDownLatch(1);
			pool.execute(() -> {
				busy.countDown();
				await(release);
			});
			busy.await(); // the pool's only thread is busy: the drain task stays queued
			Mutex<String, String> mutex = mutex("pooled", pool, MutexOptions.builder("pooled"));
			CompletableFuture<Void> put = issued(mutex.put("k", "v"));
			assertThat(pool.queuedTasks()).isEqualTo(1);
			put.join();
			assertThat(pool.queuedTasks()).isZero(); // taken back: it would have found the drain claimed
			assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
			CompletableFuture<Void> next = issued(mutex.put("k", "w")); // a new drain is submitted as usual
			assertThat(pool.queuedTasks()).isEqualTo(1);
			release.countDown();
			next.get(1, TimeUnit.MINUTES);
			assertThat(this.temp.engine.contents("pooled")).containsEntry("k", "w");
		}
		finally {
			release.countDown();
			this.temp.store.mutexes().forEach(Mutex::closeAsync);
			this.temp.store.mutexes().forEach((mutex) -> mutex.closeAsync().join());
			pool.shutdown();
		}
	}

	@Test
	void whenManyCallersJoinOneRequiredDrainThenExactlyOneRunsItAndTheOthersWaitForIt() throws Exception {
		Mutex<String, String> mutex = mutex("many");
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		int callers = 64;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < callers; c++) {
			Thread thread = new Thread(() -> {
				await(start);
				put.join();
			}, "caller-" + c);
			threads.add(thread);
			thread.start();
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		// one claim won; the others lost the CAS or found it running, and parked until its cycle completed the put
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		assertThat(this.seen.get(0).thread().getName()).startsWith("caller-");
		this.executor.runAll();
		assertThat(this.seen).hasSize(2);
	}

	@Test
	void whenHelpingIsOffByPropertyThenTheJoinWaitsForThePool() throws Exception {
		System.setProperty("io.levelmutex.joinRunsCycle", "false");
		Mutex<String, String> mutex;
		try {
			mutex = mutex("off");
		}
		finally {
			System.clearProperty("io.levelmutex.joinRunsCycle");
		}
		CompletableFuture<Void> put = issued(mutex.put("k", "v"));
		Thread joiner = new Thread(put::join, "joiner");
		joiner.start();
		while (joiner.getState() != Thread.State.WAITING && joiner.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
		assertThat(this.seen).isEmpty();
		this.executor.runAll();
		joiner.join();
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
	}

	/**
	 * Seeded runs with many joining callers against the store's own pool of one thread, limits at 1, callbacks that
	 * throw, one that blocks until another thread releases it: no increment is lost, each caller reads its own last
	 * write, every future completes exactly once, and some cycles ran on callers.
	 */
	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6 })
	void whenManyCallersJoinRandomOperationsThenEveryGuaranteeHolds(long seed) throws Exception {
		MutexOptions.Builder options = MutexOptions.builder("random").maxUpdateAttempts(1000);
		if (seed % 2 == 0) {
			options.maxBatchOperations(1);
		}
		if (seed % 3 == 0) {
			options.maxQueuedOperations(64);
		}
		Mutex<String, String> mutex = this.temp.store.mutex(options.build(), Codecs.utf8(), Codecs.utf8());
		Map<Thread, LongAdder> ranCycles = new ConcurrentHashMap<>();
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				ranCycles.computeIfAbsent(Thread.currentThread(), (t) -> new LongAdder()).increment();
			}
		});
		int callers = 12;
		int opsPerCaller = 150;
		LongAdder increments = new LongAdder();
		LongAdder completions = new LongAdder();
		List<String> problems = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean blocking = new AtomicBoolean(true);
		CountDownLatch reached = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread releaser = new Thread(() -> { // not a caller: the blocked callback may hold the only cycle
			await(reached);
			release.countDown();
		}, "releaser");
		releaser.start();
		// caller 0 runs its first operations alone (a lone writer's joins claim drains) until one of its joins ran a
		// cycle on its own thread, then the others join in: on a loaded machine the pool thread may win the race for
		// many drains in a row (its previous drain not yet idle when the next write arrives, or the whole cycle run
		// before the join), so the lone phase lasts until a claim happened, bounded for a failure report
		int alone = 30;
		int mostAlone = 20_000;
		AtomicInteger ranAlone = new AtomicInteger();
		CountDownLatch othersStart = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < callers; c++) {
			Random random = new Random(seed * 1000 + c);
			String own = "own" + c;
			boolean first = c == 0;
			Thread thread = new Thread(() -> {
				if (!first) {
					await(othersStart);
				}
				String last = null;
				for (int i = 0; i < opsPerCaller || (first && othersStart.getCount() > 0 && i < mostAlone); i++) {
					if (first && othersStart.getCount() > 0 && i >= alone
							&& ranCycles.containsKey(Thread.currentThread())) {
						ranAlone.set(i);
						othersStart.countDown();
					}
					int roll = random.nextInt(100);
					CompletableFuture<?> op;
					try {
						if (roll < 40) {
							op = mutex.update((context) -> {
								int n = Integer.parseInt(context.get("counter").orElse("0"));
								context.put("counter", Integer.toString(n + 1));
								return n;
							});
							op.thenRun(increments::increment);
						}
						else if (roll < 70) {
							String value = own + "-" + i;
							op = mutex.put(own, value);
							last = value; // only once queued: a put refused at the call (overloaded) wrote nothing
						}
						else {
							String expected = last;
							op = mutex.get(own).thenAccept((value) -> {
								if (!value.equals(Optional.ofNullable(expected))) {
									problems.add(own + " read " + value + ", expected " + expected);
								}
							});
						}
					}
					catch (MutexOverloadedException overloaded) {
						continue;
					}
					AtomicInteger once = new AtomicInteger();
					op.whenComplete((value, error) -> {
						completions.increment();
						if (once.incrementAndGet() != 1) {
							problems.add("completed twice");
						}
					});
					if (random.nextInt(10) == 0) { // a callback that throws: the cycle goes on
						op.thenRun(() -> {
							throw new IllegalStateException("callback fails");
						});
					}
					if (i == opsPerCaller / 2 && blocking.getAndSet(false)) { // one callback blocks until released
						op.thenRun(() -> {
							reached.countDown();
							await(release);
						});
					}
					try {
						op.join();
					}
					catch (CompletionException ex) {
						problems.add(own + " op failed: " + ex.getCause());
					}
				}
				if (first && othersStart.getCount() > 0) { // never claimed: the assertion below says so
					ranAlone.set(mostAlone);
					othersStart.countDown();
				}
			}, "caller-" + c);
			threads.add(thread);
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		releaser.join();
		// the lone phase: a drain submitted at an idle mutex, claimed by the only writer (the pool thread may win that
		// race many times; the phase lasts until the writer won one), and the rest with 12 callers
		// racing, where a caller claims only while its write is the only one queued after a single-write batch
		assertThat(problems).isEmpty();
		assertThat(issued(mutex.get("counter")).join()).contains(Long.toString(increments.sum()));
		assertThat(ranCycles.keySet())
			.as("a caller's join ran a cycle on its own thread (caller 0 ran %d operations alone)", ranAlone.get())
			.anyMatch((thread) -> thread.getName().startsWith("caller-"));
		assertThat(mutex.stats().queuedWrites()).isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Queues tasks like {@link ManualExecutor} until {@link #shutdown} is set, then refuses them. */
	static final class RejectingExecutor implements JoinableExecutor {

		final AtomicBoolean shutdown = new AtomicBoolean();

		private final ManualExecutor tasks = new ManualExecutor();

		@Override
		public void execute(Runnable command) {
			if (this.shutdown.get()) {
				throw new RejectedExecutionException("shut down");
			}
			this.tasks.execute(command);
		}

		void runAll() {
			this.tasks.runAll();
		}

	}

	/** A thread like a cycle pool's: it could lend a place; counts what it lent. */
	static final class LenderThread extends Thread implements BlockingCalls.PlaceLender {

		final AtomicInteger lent = new AtomicInteger();

		LenderThread(Runnable task) {
			super(task, "lender");
		}

		@Override
		public boolean lendPlace() {
			this.lent.incrementAndGet();
			return false;
		}

		@Override
		public void returnPlace() {
		}

	}

}
