package io.levelmutex;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

import io.levelmutex.codec.CodecException;
import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.CommitResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blocking view ({@link Mutex#blocking()}): a blocking write from a lone writer at an idle mutex claims the drain
 * and runs the cycle on the calling thread without submitting a task (no pool thread woken: counted, never timed);
 * every other case queues as the futures do and waits as {@code join()} does. Failures are thrown unwrapped; a call
 * on a cycle thread fails fast, queuing nothing; interrupts are kept. Cycles run on a {@link ManualExecutor} unless a
 * test says otherwise, so that a task runs only when the test runs it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingMutexTest {

	private final TempStore temp = TempStore.open((builder) -> builder.cycleThreads(1)
		.closeTimeout(Duration.ofSeconds(5)));

	private final ManualExecutor executor = new ManualExecutor();

	/** Every event the listeners saw: its kind, the thread it ran on, the cycle mark there; any thread. */
	private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

	record Seen(String kind, Thread thread, String marked) {
	}

	@AfterEach
	void close() {
		this.temp.store.mutexes().forEach(Mutex::closeAsync);
		this.executor.runAll();
		this.temp.close();
	}

	private Mutex<String, String> mutex(String name) {
		return mutex(MutexOptions.builder(name).executor(this.executor));
	}

	private Mutex<String, String> mutex(MutexOptions.Builder options) {
		return listened(this.temp.store.mutex(options.build(), Codecs.utf8(), Codecs.utf8()));
	}

	private <K, V> Mutex<K, V> listened(Mutex<K, V> mutex) {
		mutex.addListener(new MutexListener() {
			@Override
			public void onReads(ReadPhaseEvent event) {
				see("reads");
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

	private void see(String kind) {
		this.seen.add(new Seen(kind, Thread.currentThread(), String.valueOf(CycleMarker.running())));
	}

	private List<Seen> seenSince(int from) {
		synchronized (this.seen) {
			return new ArrayList<>(this.seen.subList(from, this.seen.size()));
		}
	}

	private static void awaitWaiting(Thread thread) {
		while (thread.getState() != Thread.State.WAITING && thread.isAlive()) {
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the waited-for thread's processor
		}
	}

	/**
	 * Waits (bounded, for a failure report) until every live thread of every cycle pool is parked: waiting for its
	 * next task, or in one. {@link CyclePool#tasksSubmitted} is ThreadPoolExecutor's approximate task count, which
	 * reads a worker's completed tasks before its lock: read while a pool thread finishes the task whose completion
	 * just woke the caller, it misses that task, and the next read counts it (seen: 2 of 150 runs under load).
	 */
	private static void awaitCyclePoolThreadsParked() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!cyclePoolThreadsParked()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("a cycle pool thread still runs a task after 60 s");
			}
			LockSupport.parkNanos(100_000); // not a spin: on 2 loaded cores it would take the awaited thread's processor
		}
	}

	private static boolean cyclePoolThreadsParked() {
		ThreadGroup root = Thread.currentThread().getThreadGroup();
		while (root.getParent() != null) {
			root = root.getParent();
		}
		Thread[] threads = new Thread[root.activeCount() + 16];
		int count = root.enumerate(threads, true);
		for (int i = 0; i < count; i++) {
			Thread thread = threads[i];
			Thread.State state = thread.getState();
			if (thread.getClass().getName().equals(CyclePool.class.getName() + "$CycleThread")
					&& state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING
					&& state != Thread.State.TERMINATED) {
				return false;
			}
		}
		return true;
	}

	private static Thread started(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.start();
		return thread;
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

	// ---- the lone writer's claim

	@Test
	void whenALoneWriterWritesAtAnIdleMutexThenItRunsTheCycleOnItsThreadAndNoTaskIsSubmitted() {
		Mutex<String, String> mutex = mutex("lone");
		BlockingMutex<String, String> blocking = mutex.blocking();
		blocking.put("k", "v");
		assertThat(this.executor.pending()).as("no drain task submitted for the put").isZero();
		assertThat(blocking.<String>update((context) -> context.get("k").orElseThrow() + "!")).isEqualTo("v!");
		assertThat(this.executor.pending()).as("none for the update").isZero();
		blocking.del("k");
		blocking.put("k2", "w", Codecs.utf8());
		blocking.afterWrite(); // nothing queued or in flight: returns at once
		assertThat(this.executor.pending()).isZero();
		// the update wrote nothing: no batch
		assertThat(this.seen).extracting(Seen::kind)
			.containsExactly("writes 1", "flushed", "writes 1", "flushed", "writes 1", "flushed");
		assertThat(this.seen).allSatisfy((event) -> {
			assertThat(event.thread()).isSameAs(Thread.currentThread());
			assertThat(event.marked()).isEqualTo("lone");
		});
		assertThat(CycleMarker.running()).isNull(); // the mark is restored
		assertThat(mutex.stats().waitingForCycle()).isNull();
		assertThat(mutex.stats().queuedWrites()).isZero();
		assertThat(this.temp.engine.contents("lone")).doesNotContainKey("k").containsEntry("k2", "w");
	}

	@Test
	void whenALoneWriterUsesTheStoresOwnPoolThenNoPoolThreadIsEverStartedWhileAJoinedFutureStartsOne() {
		try (TempStore own = TempStore.open((builder) -> builder.cycleThreads(2))) {
			CyclePool pool = own.store.ownCyclePool();
			Mutex<String, String> mutex = own.store.mutex(MutexOptions.builder("pooled").build(), Codecs.utf8(),
					Codecs.utf8());
			BlockingMutex<String, String> blocking = mutex.blocking();
			for (int i = 0; i < 200; i++) {
				switch (i % 4) {
					case 0 -> blocking.put("k" + (i % 7), "v" + i);
					case 1 -> blocking.del("k" + (i % 5));
					case 2 -> blocking.update((context) -> {
						context.put("counter", Integer.toString(Integer.parseInt(context.get("counter").orElse("0")) + 1));
						return null;
					});
					default -> {
						mutex.put("f" + i, "x"); // a futures write: its drain is submitted to the pool
						blocking.afterWrite(); // waits for it (it may claim that drain: the submit already happened)
					}
				}
			}
			assertThat(own.engine.contents("pooled")).containsEntry("counter", "50");
			// the futures writes above woke the pool; from here on, only blocking writes
			awaitCyclePoolThreadsParked(); // the count is exact only while no pool thread finishes a task
			long tasks = pool.tasksSubmitted();
			int threads = pool.mostThreads();
			try (TempStore quiet = TempStore.open((builder) -> builder.cycleThreads(2))) {
				CyclePool quietPool = quiet.store.ownCyclePool();
				BlockingMutex<String, String> lone = quiet.store
					.mutex(MutexOptions.builder("lone").build(), Codecs.utf8(), Codecs.utf8())
					.blocking();
				for (int i = 0; i < 150; i++) {
					switch (i % 3) {
						case 0 -> lone.put("k" + (i % 7), "v" + i);
						case 1 -> lone.del("k" + (i % 5));
						default -> {
							String value = Integer.toString(i);
							lone.update((context) -> {
								context.put("u", value);
								return value;
							});
						}
					}
				}
				assertThat(quietPool.tasksSubmitted()).as("tasks handed to the pool for 150 blocking writes").isZero();
				assertThat(quietPool.mostThreads()).as("pool threads ever started").isZero();
				// the same writes through futures and join(): the submit starts a pool thread even when the joining
				// caller then claims the drain (what the blocking view saves)
				Mutex<String, String> futures = quiet.store.mutex(MutexOptions.builder("futures").build(),
						Codecs.utf8(), Codecs.utf8());
				futures.put("k", "v").join();
				assertThat(quietPool.mostThreads()).isEqualTo(1);
			}
			assertThat(pool.tasksSubmitted()).isEqualTo(tasks); // nothing more on the first store either
			assertThat(pool.mostThreads()).isEqualTo(threads);
		}
	}

	// ---- mixed with the futures: the same queue, the same order

	@Test
	void whenABlockingWriteFollowsQueuedFuturesWritesThenItWaitsForTheirDrainAndCompletesInIssueOrder()
			throws Exception {
		Mutex<String, String> mutex = mutex("mixed");
		List<String> completed = Collections.synchronizedList(new ArrayList<>());
		mutex.put("x", "1").thenRun(() -> completed.add("put x=1"));
		AtomicReference<Object> updated = new AtomicReference<>();
		Thread writer = started("writer", () -> {
			updated.set(mutex.blocking().update((context) -> {
				String seenValue = context.get("x").orElse("none");
				context.put("y", seenValue);
				return seenValue;
			}));
			completed.add("update");
		});
		awaitWaiting(writer);
		assertThat(this.seen).as("the writer claimed nothing: a drain was already submitted").isEmpty();
		mutex.put("x", "2").thenRun(() -> completed.add("put x=2")); // issued after the update
		this.executor.runAll();
		writer.join();
		assertThat(updated.get()).isEqualTo("1"); // every write issued before it, none after
		assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 3", "flushed");
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		assertThat(completed).startsWith("put x=1").contains("update", "put x=2");
		assertThat(completed.indexOf("put x=2")).isGreaterThan(completed.indexOf("put x=1"));
		assertThat(this.temp.engine.contents("mixed")).containsEntry("x", "2").containsEntry("y", "1");
	}

	@Test
	void whenAReadIsQueuedBeforeABlockingWriteThenTheWriteRunsTheReadPhaseFirstWithItsCallbacksOnTheCallersThread()
			throws Exception {
		Mutex<String, String> mutex = mutex("phases");
		mutex.blocking().put("k", "v");
		int from = this.seen.size();
		AtomicReference<Thread> callbackThread = new AtomicReference<>();
		CountDownLatch reached = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Optional<String>> read = mutex.get("k"); // another caller's read, its drain submitted
		CompletableFuture<Void> throwing = read.thenAccept((value) -> {
			throw new IllegalStateException("callback fails (expected)");
		});
		AtomicReference<CompletableFuture<Void>> written = new AtomicReference<>();
		read.thenAccept((value) -> {
			callbackThread.set(Thread.currentThread());
			written.set(mutex.put("k", value.orElseThrow() + "+")); // joins this cycle's write phase
			reached.countDown();
			await(release); // a callback that blocks the caller's cycle until another thread releases it
		});
		Thread releaser = started("releaser", () -> {
			await(reached);
			release.countDown();
		});
		mutex.blocking().put("own", "x"); // the drain is submitted and claimable: the join claims it
		releaser.join();
		assertThat(callbackThread.get()).isSameAs(Thread.currentThread());
		assertThat(throwing).isCompletedExceptionally();
		assertThat(written.get()).isCompleted();
		assertThat(seenSince(from)).extracting(Seen::kind).containsExactly("reads", "writes 2", "flushed");
		assertThat(seenSince(from)).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		assertThat(this.temp.engine.contents("phases")).containsEntry("k", "v+").containsEntry("own", "x");
	}

	@Test
	void whenTheLastBatchHeldSeveralWritesThenABlockingWriteLeavesTheDrainToThePool() throws Exception {
		Mutex<String, String> mutex = mutex("crowded");
		mutex.put("a", "1");
		mutex.put("b", "2");
		this.executor.runAll(); // one batch of two writes: callers write concurrently here
		int from = this.seen.size();
		Thread writer = started("writer", () -> mutex.blocking().put("c", "3"));
		awaitWaiting(writer);
		assertThat(seenSince(from)).isEmpty();
		assertThat(this.executor.pending()).isEqualTo(1);
		this.executor.runAll();
		writer.join();
		assertThat(seenSince(from)).extracting(Seen::kind).containsExactly("writes 1", "flushed");
		// the last batch held one write: the lone writer claims again, without a task
		from = this.seen.size();
		mutex.blocking().put("d", "4");
		assertThat(this.executor.pending()).isZero();
		assertThat(seenSince(from)).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
	}

	@Test
	void whenMoreWorkArrivesDuringTheCallersCycleThenItIsHandedToThePoolOnceTheCallersWriteIsDone() {
		Mutex<String, String> mutex = mutex("handback");
		AtomicReference<CompletableFuture<Void>> follower = new AtomicReference<>();
		AtomicBoolean first = new AtomicBoolean(true);
		mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				if (first.getAndSet(false)) {
					follower.set(mutex.put("follower", "2")); // arrives while the caller's cycle runs
				}
			}
		});
		mutex.blocking().put("own", "1");
		assertThat(follower.get()).isNotDone();
		assertThat(this.executor.pending()).as("the rest handed to the executor").isEqualTo(1);
		this.executor.runAll();
		assertThat(follower.get()).isCompleted();
		assertThat(this.seen).extracting(Seen::thread).containsExactly(Thread.currentThread(),
				Thread.currentThread(), Thread.currentThread(), Thread.currentThread());
		assertThat(mutex.stats().batchesFlushed()).isEqualTo(2);
	}

	@Test
	void whenTheMutexHasAnExecutorOfTheApplicationsThenABlockingWriteWaitsForItAndRunsNoCycle() throws Exception {
		Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
		Executor own = tasks::add;
		Mutex<String, String> mutex = mutex(MutexOptions.builder("own").executor(own));
		Thread writer = started("writer", () -> mutex.blocking().put("k", "v"));
		awaitWaiting(writer);
		assertThat(this.seen).isEmpty();
		Runnable task;
		while ((task = tasks.poll()) != null) {
			task.run();
		}
		writer.join();
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		mutex.closeAsync();
		while ((task = tasks.poll()) != null) {
			task.run();
		}
	}

	@Test
	void whenABlockingAfterWriteFollowsQueuedWritesThenItReturnsOnceTheyCompletedAndItsBarrierIsQueuedOnce()
			throws Exception {
		Mutex<String, String> mutex = mutex("barrier");
		List<String> completed = Collections.synchronizedList(new ArrayList<>());
		mutex.put("a", "1").thenRun(() -> completed.add("a"));
		mutex.put("b", "2").thenRun(() -> completed.add("b"));
		Thread waiter = started("waiter", () -> {
			mutex.blocking().afterWrite();
			completed.add("barrier");
		});
		awaitWaiting(waiter);
		assertThat(mutex.stats().queuedWrites()).as("two writes and one barrier").isEqualTo(3);
		this.executor.runAll();
		waiter.join();
		assertThat(completed).containsExactly("a", "b", "barrier");
		assertThat(mutex.stats().queuedWrites()).isZero();
		// the lone writer's barrier behind its own queued write claims the idle drain: a barrier after a write
		mutex.put("c", "3");
		this.executor.runAll();
		mutex.blocking().afterWrite(); // nothing queued or in flight: returns at once
		assertThat(mutex.stats().queuedWrites()).isZero();
		assertThat(this.temp.engine.contents("barrier")).containsOnlyKeys("a", "b", "c");
	}

	@Test
	void whenABlockingReadIsCalledThenItWaitsForThePoolsCycle() throws Exception {
		Mutex<String, String> mutex = mutex("reads");
		mutex.blocking().put("a", "1");
		mutex.blocking().put("b", "2");
		int from = this.seen.size();
		AtomicReference<Object> results = new AtomicReference<>();
		Thread reader = started("reader", () -> {
			BlockingMutex<String, String> blocking = mutex.blocking();
			results.set(List.of(blocking.get("a"), blocking.get("b", Codecs.utf8()), blocking.peekFirst(),
					blocking.peekLast(KeyRange.atMost("a")), blocking.scan(KeyRange.all(), 10, true)));
		});
		for (int i = 0; i < 5; i++) {
			awaitWaiting(reader);
			assertThat(seenSince(from)).as("read %d ran no cycle on the reader", i)
				.noneMatch((event) -> event.thread() == reader);
			while (this.executor.pending() == 0 && reader.isAlive()) {
				LockSupport.parkNanos(100_000); // the reader's next read is being queued (parked, not spun: 2 loaded cores)
			}
			this.executor.runAll();
		}
		reader.join();
		assertThat(results.get()).isEqualTo(List.of(Optional.of("1"), Optional.of("2"),
				Optional.of(new Entry<>("a", "1")), Optional.of(new Entry<>("a", "1")),
				List.of(new Entry<>("b", "2"), new Entry<>("a", "1"))));
	}

	// ---- failures, unwrapped

	@Test
	void whenABatchFailsThenTheBlockingWriteThrowsItsStorageExceptionUnwrapped() {
		Mutex<String, String> mutex = mutex("failing");
		this.temp.engine.failNextCommit(new IllegalStateException("disk on fire (expected)"));
		assertThatThrownBy(() -> mutex.blocking().put("k", "v")).isInstanceOf(StorageException.class)
			.isNotInstanceOf(CompletionException.class)
			.hasMessageContaining("'failing'")
			.hasRootCauseMessage("disk on fire (expected)");
		mutex.blocking().put("k", "w"); // the mutex keeps cycling
		assertThat(this.temp.engine.contents("failing")).containsEntry("k", "w");
	}

	@Test
	void whenAnUpdateFunctionThrowsThenTheBlockingUpdateThrowsThatExceptionOrWrapsACheckedOne() {
		Mutex<String, String> mutex = mutex("throwing");
		IllegalArgumentException unchecked = new IllegalArgumentException("stale (expected)");
		assertThatThrownBy(() -> mutex.blocking().update((context) -> {
			context.put("k", "never");
			throw unchecked;
		})).isSameAs(unchecked);
		IOException checked = new IOException("checked (expected)");
		assertThatThrownBy(() -> mutex.blocking().update((context) -> {
			throw checked;
		})).isInstanceOf(UndeclaredThrowableException.class).cause().isSameAs(checked);
		AssertionError error = new AssertionError("an error (expected)");
		assertThatThrownBy(() -> mutex.blocking().update((context) -> {
			throw error;
		})).isSameAs(error);
		assertThat(this.temp.engine.contents("throwing")).doesNotContainKey("k");
	}

	@Test
	void whenAnUpdateIsRejectedEveryAttemptThenTheBlockingUpdateThrowsWriteConflictException() {
		MemoryEngine validating = new MemoryEngine();
		try (MutexStore store = MutexStore.open(validating, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("conflicts").build(), Codecs.utf8(),
					Codecs.utf8());
			mutex.blocking().put("k", "0");
			AtomicInteger other = new AtomicInteger();
			validating.beforeCommit((batch) -> validating.otherWriter("conflicts",
					java.util.Map.of("k", "other" + other.incrementAndGet())));
			assertThatThrownBy(() -> mutex.blocking().update((context) -> {
				context.put("k", context.get("k").orElseThrow() + "+");
				return null;
			}, 3)).isInstanceOf(WriteConflictException.class).hasMessageContaining("'conflicts'");
		}
	}

	@Test
	void whenTheCallIsRefusedOrTheValueCannotBeDecodedThenTheTypedExceptionIsThrown() throws Exception {
		Mutex<String, String> mutex = mutex(MutexOptions.builder("refused").executor(this.executor)
			.maxQueuedOperations(1));
		BlockingMutex<String, String> blocking = mutex.blocking();
		assertThatThrownBy(() -> blocking.put(null, "v")).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> blocking.put("k", null)).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> blocking.update(null)).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> blocking.scan(KeyRange.all(), 0)).isInstanceOf(InvalidInputException.class);
		blocking.put("text", "abc");
		AtomicReference<Throwable> decoding = new AtomicReference<>();
		Thread reader = started("reader", () -> {
			try {
				blocking.get("text", Codecs.int64());
			}
			catch (Throwable ex) {
				decoding.set(ex);
			}
		});
		awaitWaiting(reader);
		this.executor.runAll(); // a read's cycle is the pool's
		reader.join();
		assertThat(decoding.get()).isInstanceOf(CodecException.class);
		CompletableFuture<Void> queued = mutex.put("a", "1"); // fills the queue (its drain not run yet)
		assertThatThrownBy(() -> blocking.put("b", "2")).isInstanceOf(MutexOverloadedException.class)
			.hasMessageContaining("'refused'");
		this.executor.runAll();
		assertThat(queued).isCompleted();
		mutex.closeAsync();
		this.executor.runAll();
		assertThatThrownBy(() -> blocking.put("c", "3")).isInstanceOf(MutexClosedException.class);
		assertThatThrownBy(blocking::afterWrite).isInstanceOf(MutexClosedException.class);
		assertThat(this.temp.engine.contents("refused")).containsOnlyKeys("text", "a");
	}

	// ---- cycle threads and interrupts

	@Test
	void whenABlockingCallRunsOnACycleThreadThenItFailsFastQueuingNothing() throws Exception {
		Mutex<String, String> mutex = mutex("cycle");
		BlockingMutex<String, String> blocking = mutex.blocking();
		List<Throwable> refused = Collections.synchronizedList(new ArrayList<>());
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				try {
					blocking.put("from-listener", "x");
				}
				catch (IllegalStateException expected) {
					refused.add(expected);
				}
			}
		});
		// an update function (the lone writer's update runs on this thread, marked as a cycle thread)
		assertThatThrownBy(() -> blocking.update((context) -> blocking.get("k"))).isInstanceOf(
				IllegalStateException.class).hasMessageContaining("'cycle'").hasMessageContaining("nothing was queued");
		CompletableFuture<Void> put = mutex.put("k", "v");
		CompletableFuture<Void> callback = put.thenRun(blocking::afterWrite); // nothing pending: refused all the same
		this.executor.runAll();
		assertThat(put).isCompleted();
		assertThatThrownBy(callback::join).cause()
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Blocking afterWrite on mutex 'cycle'");
		assertThat(refused).isNotEmpty()
			.allSatisfy((ex) -> assertThat(ex).hasMessageContaining("Blocking put on mutex 'cycle'")
				.hasMessageContaining("running a cycle of mutex 'cycle'"));
		assertThat(mutex.stats().queuedWrites()).isZero();
		assertThat(this.temp.engine.contents("cycle")).containsOnlyKeys("k");
	}

	@Test
	void whenTheCallerIsInterruptedBeforeTheCallThenItRunsNoCycleWaitsAnywayAndKeepsTheInterrupt() throws Exception {
		Mutex<String, String> mutex = mutex("interrupted");
		AtomicBoolean interruptedAfter = new AtomicBoolean();
		Thread writer = started("writer", () -> {
			Thread.currentThread().interrupt();
			mutex.blocking().put("k", "v");
			interruptedAfter.set(Thread.currentThread().isInterrupted());
		});
		awaitWaiting(writer);
		assertThat(this.seen).isEmpty(); // nothing claimed: the submitted task runs the drain
		assertThat(this.executor.pending()).isEqualTo(1);
		this.executor.runAll();
		writer.join();
		assertThat(interruptedAfter).isTrue();
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(Thread.currentThread()));
		assertThat(this.temp.engine.contents("interrupted")).containsEntry("k", "v");
	}

	@Test
	void whenTheCallerIsInterruptedWhileItRunsTheCycleThenTheCycleEndsNormallyAndTheInterruptIsKept() {
		Mutex<String, String> mutex = mutex("interrupt-during");
		Thread caller = Thread.currentThread();
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				caller.interrupt();
			}
		});
		try {
			mutex.blocking().put("k", "v");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(this.seen).allSatisfy((event) -> assertThat(event.thread()).isSameAs(caller));
		assertThat(this.executor.pending()).isZero();
		assertThat(this.temp.engine.contents("interrupt-during")).containsEntry("k", "v");
	}

	// ---- asynchronous commits and a refusing executor

	@Test
	void whenTheCommitIsAnsweredLaterThenTheCallerParksAndTheResumedCycleRunsOnTheExecutor() throws Exception {
		BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();
		AsyncCommitEngine engine = new AsyncCommitEngine(MemoryEngine.embedded(), "commits answered later",
				(commit) -> {
					CompletableFuture<CommitResult> answered = new CompletableFuture<>();
					held.add(() -> answered.complete(commit.get()));
					return answered;
				});
		try (MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = listened(store.mutex(
					MutexOptions.builder("later").executor(this.executor).build(), Codecs.utf8(), Codecs.utf8()));
			AtomicReference<String> updated = new AtomicReference<>();
			Thread writer = started("writer", () -> updated.set(mutex.blocking().update((context) -> {
				context.put("k", "v");
				return "done";
			})));
			Runnable commit = held.poll(60, TimeUnit.SECONDS);
			assertThat(commit).isNotNull();
			awaitWaiting(writer);
			assertThat(this.executor.pending()).as("the caller claimed the drain: no task").isZero();
			commit.run(); // the engine's thread: the rest of the cycle is handed to the executor
			assertThat(this.executor.pending()).isEqualTo(1);
			assertThat(writer.getState()).isEqualTo(Thread.State.WAITING);
			this.executor.runAll();
			writer.join();
			assertThat(updated.get()).isEqualTo("done");
			assertThat(this.seen).extracting(Seen::kind).containsExactly("writes 1", "flushed");
			assertThat(this.seen.get(0).thread()).isSameAs(writer);
			assertThat(this.seen.get(1).thread()).isSameAs(Thread.currentThread()); // resumed on the executor
			mutex.closeAsync();
			this.executor.runAll();
		}
	}

	@Test
	void whenTheExecutorRefusesThenTheCallersOwnCycleStillRunsAndWhatIsHandedBackFailsOnce() throws Exception {
		JoinHelpsDrainTest.RejectingExecutor rejecting = new JoinHelpsDrainTest.RejectingExecutor();
		rejecting.shutdown.set(true);
		Mutex<String, String> mutex = mutex(MutexOptions.builder("rejected").executor(rejecting));
		AtomicReference<CompletableFuture<Void>> follower = new AtomicReference<>();
		AtomicInteger completions = new AtomicInteger();
		AtomicBoolean first = new AtomicBoolean(true);
		mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				if (first.getAndSet(false)) {
					CompletableFuture<Void> queued = mutex.put("follower", "2");
					queued.whenComplete((ok, error) -> completions.incrementAndGet());
					follower.set(queued);
				}
			}
		});
		mutex.blocking().put("own", "1"); // needs no task: runs here although the executor refuses
		assertThatThrownBy(() -> follower.get().join()).cause()
			.isInstanceOf(CycleRejectedException.class)
			.hasMessageContaining("'rejected'");
		// an interrupted caller claims nothing: its write waits for a task, which the executor refuses
		Thread.currentThread().interrupt();
		try {
			assertThatThrownBy(() -> mutex.blocking().put("interrupted", "3")).isInstanceOf(
					CycleRejectedException.class);
		}
		finally {
			assertThat(Thread.interrupted()).isTrue();
		}
		assertThat(completions).hasValue(1);
		assertThat(this.temp.engine.contents("rejected")).containsOnlyKeys("own");
		assertThat(mutex.stats().waitingForCycle()).isNull();
	}

	@Test
	void whenTheMutexClosesWhileTheCallerRunsItsCycleThenEverythingCompletesAndTheCloseCompletes() throws Exception {
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
		Thread writer = started("writer", () -> mutex.blocking().put("k", "v"));
		inWrites.await();
		CompletableFuture<Void> closing = mutex.closeAsync();
		assertThatThrownBy(() -> mutex.blocking().put("x", "y")).isInstanceOf(MutexClosedException.class);
		release.countDown();
		writer.join();
		this.executor.runAll(); // the close's drain, if the writer handed it back
		assertThat(closing).isCompleted();
		assertThat(this.seen).filteredOn((event) -> event.kind().startsWith("writes"))
			.allSatisfy((event) -> assertThat(event.thread()).isSameAs(writer));
		assertThat(this.temp.engine.contents("closing")).containsEntry("k", "v");
	}

	/**
	 * Two blocking writers and two futures writers on the store's own pool, each on its own key and all on one counter
	 * (updates), with batch limits of 1-3, until a closer closes the mutex at a random point: every future completes
	 * once; a blocking call either returns, throws MutexClosedException at the call (the close came first: nothing
	 * queued) or nothing else; the store holds each writer's last successful write and every successful increment.
	 */
	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6 })
	void whenBlockingWritersRaceFuturesWritersAndAClose(long seed) throws Exception {
		Random random = new Random(seed);
		try (TempStore own = TempStore.open((builder) -> builder.cycleThreads(1 + (int) (seed % 2)))) {
			Mutex<String, String> mutex = own.store.mutex(MutexOptions.builder("race")
				.maxBatchOperations(1 + random.nextInt(3))
				.build(), Codecs.utf8(), Codecs.utf8());
			int closeAfter = 200 + random.nextInt(600);
			AtomicInteger issued = new AtomicInteger();
			LongAdder increments = new LongAdder();
			List<String> problems = Collections.synchronizedList(new ArrayList<>());
			String[] lastWritten = new String[4];
			List<CompletableFuture<?>> futures = Collections.synchronizedList(new ArrayList<>());
			List<Thread> writers = new ArrayList<>();
			CountDownLatch start = new CountDownLatch(1);
			for (int w = 0; w < 4; w++) {
				int writer = w;
				boolean blocking = w < 2;
				Random draws = new Random(seed * 100 + w);
				writers.add(started((blocking ? "blocking-" : "futures-") + w, () -> {
					await(start);
					for (int i = 0;; i++) {
						if (issued.incrementAndGet() == closeAfter) {
							mutex.closeAsync();
						}
						String key = "w" + writer;
						String value = key + "-" + i;
						boolean update = draws.nextInt(3) == 0;
						try {
							if (blocking) {
								if (update) {
									mutex.blocking().update(this::increment);
									increments.increment();
								}
								else if (draws.nextInt(8) == 0) {
									mutex.blocking().afterWrite();
								}
								else {
									mutex.blocking().put(key, value);
									lastWritten[writer] = value;
								}
							}
							else {
								CompletableFuture<?> future = update ? mutex.update(this::increment)
										: mutex.put(key, value);
								AtomicInteger once = new AtomicInteger();
								futures.add(future.whenComplete((result, error) -> {
									if (once.incrementAndGet() != 1) {
										problems.add("completed twice");
									}
									if (error != null) {
										problems.add("futures op failed: " + error);
									}
									else if (update) {
										increments.increment();
									}
								}));
								if (!update) {
									lastWritten[writer] = value; // futures complete in issue order: the last wins
								}
							}
						}
						catch (MutexClosedException closed) {
							return; // refused at the call: nothing queued
						}
						catch (RuntimeException unexpected) {
							problems.add(Thread.currentThread().getName() + ": " + unexpected);
							return;
						}
					}
				}));
			}
			start.countDown();
			for (Thread writer : writers) {
				writer.join();
			}
			mutex.closeAsync().get(60, TimeUnit.SECONDS);
			for (CompletableFuture<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			assertThat(problems).isEmpty();
			Mutex<String, String> reopened = own.store.mutex(MutexOptions.builder("race").build(), Codecs.utf8(),
					Codecs.utf8());
			BlockingMutex<String, String> reader = reopened.blocking();
			assertThat(reader.get("counter")).contains(Long.toString(increments.sum()));
			for (int w = 0; w < 4; w++) {
				assertThat(reader.get("w" + w)).as("writer %d's last write", w).isEqualTo(Optional.ofNullable(lastWritten[w]));
			}
		}
	}

	private String increment(UpdateContext<String, String> context) {
		int count = Integer.parseInt(context.get("counter").orElse("0")) + 1;
		context.put("counter", Integer.toString(count));
		return Integer.toString(count);
	}

	// ---- the default view, for a mutex the store did not make

	@Test
	void whenAMutexDecoratorKeepsTheDefaultViewThenItWaitsOnTheFuturesAndStillUnwrapsAndFailsFast() {
		Mutex<String, String> mutex = mutex("decorated");
		@SuppressWarnings("unchecked")
		Mutex<String, String> decorator = (Mutex<String, String>) Proxy.newProxyInstance(
				Mutex.class.getClassLoader(), new Class<?>[] { Mutex.class }, forwardingTo(mutex));
		BlockingMutex<String, String> blocking = decorator.blocking();
		assertThat(blocking).isInstanceOf(JoiningBlockingMutex.class);
		assertThat(blocking.mutex()).isSameAs(decorator);
		blocking.put("k", "v"); // waits on the future: join() claims the submitted drain
		assertThat(blocking.get("k")).isPresent(); // a read: the test runs the pool's task
		this.temp.engine.failNextCommit(new IllegalStateException("expected"));
		assertThatThrownBy(() -> blocking.del("k")).isInstanceOf(StorageException.class);
		CompletableFuture<Void> callback = mutex.put("a", "1").thenRun(() -> blocking.put("b", "2"));
		this.executor.runAll();
		assertThatThrownBy(callback::join).cause()
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("nothing was queued");
		assertThat(this.temp.engine.contents("decorated")).containsOnlyKeys("k", "a");
	}

	private InvocationHandler forwardingTo(Mutex<String, String> mutex) {
		return (proxy, method, args) -> {
			if (method.isDefault() && method.getName().equals("blocking")) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			if (method.getName().equals("get") && method.getParameterCount() == 1) {
				// a read's drain is the pool's: run it on a thread of the test's
				CompletableFuture<?> read = (CompletableFuture<?>) method.invoke(mutex, args);
				started("pool", this.executor::runAll);
				return read;
			}
			try {
				return method.invoke(mutex, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		};
	}

}
