package io.levelmutex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.StorageEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded runs of the cross-product the last sessions' core changes meet: commits answered at once, later on an
 * engine thread (a resumed cycle counts its {@link MutexCore#MAX_CYCLES_PER_DRAIN} per task), failing later or
 * refused at the call; a store pool of one or two threads; batch limits of 1-3 operations; a lone writer that joins
 * its own writes (the joining caller's claim: {@code claimable}, {@code lastBatchSingle}, {@code helpDrain}) while a
 * callback on the joining thread throws or interrupts it; updates that throw; a close at a random point; and, in
 * the runs with blocking calls, a third of the operations made through {@link Mutex#blocking()} (a lone writer's
 * blocking write claims the idle drain without a task: {@code MutexCore.claimIdleDrain}), whose outcome is taken
 * when the call returns (every write issued before it must have completed by then). Checked
 * against a model: every operation completes exactly once; writes, updates and barriers complete in issue order
 * and reads in issue order; an {@code afterWrite} completes after every earlier write; a failed batch applies
 * nothing; an update sees exactly the writes that succeeded before it; a read sees the model's state after a prefix of
 * the writes that holds every write completed when the read was issued and none issued after the read completed
 * (the README's ordering guarantee: a read issued while a cycle is past its read phase waits for the next one, so it
 * may see writes issued after it but taken by the current write phase); operations issued after the close are
 * refused at the call.
 * <p>
 * The operations' list is read by completion callbacks on cycle threads, so it is a copy-on-write list; a callback
 * of the test that throws is recorded as a violation, never lost.
 */
class AsyncCommitJoinModelTest {

	private static final int OPERATIONS = 400;

	private static final String[] KEYS = { "a", "b", "c" };

	static Stream<Arguments> runs() {
		return LongStream.rangeClosed(1, 12)
			.boxed()
			.flatMap((seed) -> Stream.of(Arguments.of(seed, false), Arguments.of(seed, true)));
	}

	@ParameterizedTest(name = "seed {0}, blocking calls {1}")
	@MethodSource("runs")
	void whenCommitsCompleteAtOnceLaterOrFailAndALoneWriterJoinsThenEveryGuaranteeHolds(long seed, boolean blocking)
			throws Exception {
		Random random = new Random(seed);
		Random blockingDraws = new Random(seed * 17 + 3); // its own stream: the futures-only runs draw as before
		ExecutorService committer = Executors.newSingleThreadExecutor(runnable -> {
			Thread thread = new Thread(runnable, "test-committer-" + seed);
			thread.setDaemon(true);
			return thread;
		});
		StorageEngine engine = chaoticCommits(committer, new Random(seed * 31 + 7));
		int poolThreads = 1 + (int) (seed % 2);
		int batchLimit = 1 + (int) (seed / 2 % 3);
		int closeAt = random.nextBoolean() ? OPERATIONS + 1 : random.nextInt(OPERATIONS);
		String context = "seed " + seed + ", pool " + poolThreads + ", batch limit " + batchLimit + ", close at "
				+ closeAt + (blocking ? ", a third of the calls blocking" : "");
		List<Op> ops = new CopyOnWriteArrayList<>();
		AtomicInteger attempted = new AtomicInteger(); // ops issued or being issued: a write's index is below it once queued
		List<Integer> writeCompletions = Collections.synchronizedList(new ArrayList<>());
		List<Integer> readCompletions = Collections.synchronizedList(new ArrayList<>());
		List<String> violations = Collections.synchronizedList(new ArrayList<>());
		Thread issuer = Thread.currentThread();
		Map<String, String> stored = new HashMap<>();
		try (MutexStore store = MutexStore.open(engine,
				StoreOptions.builder().durable(false).cycleThreads(poolThreads).build())) {
			Mutex<String, String> mutex = store.mutex(
					MutexOptions.builder("chaos").maxBatchOperations(batchLimit).build(), Codecs.utf8(),
					Codecs.utf8());
			CompletableFuture<Void> close = null;
			CompletableFuture<?> lastWrite = null;
			for (int i = 0; i < OPERATIONS; i++) {
				if (i == closeAt) {
					close = mutex.closeAsync();
				}
				Op op = new Op(i, random.nextInt(10), KEYS[random.nextInt(KEYS.length)], "v" + i,
						random.nextInt(8) == 0, random.nextInt(6));
				CompletableFuture<?> future;
				if (op.isRead()) {
					op.lowerBound = completedPrefix(ops); // every write below it completed: the read must see them
				}
				attempted.set(i + 1);
				boolean blockingCall = blocking && blockingDraws.nextInt(3) == 0;
				try {
					if (blockingCall) {
						// the lone writer's blocking call: may claim the idle drain and run the cycle here
						this.joining = true;
						try {
							future = issueBlocking(mutex.blocking(), op);
						}
						finally {
							this.joining = false;
							Thread.interrupted(); // an interrupt a callback on this thread set
						}
					}
					else {
						future = issue(mutex, op);
					}
				}
				catch (MutexClosedException refused) {
					assertThat(close).as("%s: op %d refused before the close", context, i).isNotNull();
					continue;
				}
				if (blockingCall) {
					// returned: the operation completed, after every write issued before it
					assertThat(close).as("%s: op %d queued after the close", context, i).isNull();
					op.future = future;
					op.recorded = future;
					op.completions.incrementAndGet();
					if (op.isRead()) {
						op.upperBound = attempted.get();
						readCompletions.add(i);
					}
					else {
						for (Op earlier : ops) {
							if (!earlier.isRead() && !earlier.future.isDone()) {
								violations.add("blocking " + op.describe() + " " + i + " returned before write "
										+ earlier.index + " completed");
							}
						}
						writeCompletions.add(i);
						lastWrite = future;
					}
					ops.add(op);
					continue;
				}
				assertThat(close).as("%s: op %d queued after the close", context, i).isNull();
				if (!op.isRead()) {
					lastWrite = future;
				}
				op.future = future;
				ops.add(op);
				int index = i;
				op.recorded = future.whenComplete((result, error) -> {
					try {
						op.completions.incrementAndGet();
						if (op.isRead()) {
							op.upperBound = attempted.get(); // no write issued after this can be in its snapshot
							readCompletions.add(index);
							return;
						}
						if (op.kind == Op.BARRIER) {
							for (Op earlier : ops) {
								if (earlier.index < index && !earlier.isRead() && !earlier.future.isDone()) {
									violations.add("barrier " + index + " completed before write " + earlier.index);
								}
							}
						}
						writeCompletions.add(index);
					}
					catch (Throwable bug) {
						violations.add("the test's completion callback of op " + index + " threw " + bug);
					}
				});
				if (!op.isRead()) {
					// a callback that throws, or (on the joining thread only) interrupts it: the cycle goes on
					if (op.callback == 0) {
						future.thenRun(() -> {
							throw new IllegalStateException("callback of op " + index + " throws (expected)");
						});
					}
					else if (op.callback == 1) {
						future.thenRun(() -> {
							if (Thread.currentThread() == issuer && this.joining) {
								issuer.interrupt();
							}
						});
					}
				}
				if (lastWrite != null && random.nextInt(4) == 0) {
					try {
						this.joining = true;
						lastWrite.join(); // the lone writer: may claim the drain and run the cycle here
					}
					catch (CompletionException failed) {
						// the batch failed: its outcome is checked against the model below
					}
					finally {
						this.joining = false;
					}
					this.joining = false;
					Thread.interrupted(); // an interrupt a callback on this thread set: cleared for the next join
				}
			}
			if (close == null) {
				close = mutex.closeAsync();
			}
			for (Op op : ops) {
				try {
					// the test's own callback ran (its stage fails with the operation's failure: that is checked below)
					op.recorded.handle((result, error) -> null).get(60, TimeUnit.SECONDS);
				}
				catch (java.util.concurrent.ExecutionException notThrown) {
					fail("%s: op %d: handle() failed: %s", context, op.index, notThrown);
				}
				catch (java.util.concurrent.TimeoutException stuck) {
					fail("%s: op %d (%s) not completed within 60 s", context, op.index, op.describe());
				}
			}
			close.get(60, TimeUnit.SECONDS);
			// the same keyspace reopened: what the engine holds
			Mutex<String, String> reopened = store.mutex(MutexOptions.builder("chaos").build(), Codecs.utf8(),
					Codecs.utf8());
			for (String key : KEYS) {
				reopened.get(key).get(60, TimeUnit.SECONDS).ifPresent(value -> stored.put(key, value));
			}
		}
		finally {
			Thread.interrupted();
			committer.shutdownNow();
		}
		assertThat(violations).as(context).isEmpty();
		for (Op op : ops) {
			assertThat(op.completions.get()).as("%s: op %d (%s) completions", context, op.index, op.describe())
				.isEqualTo(1);
		}
		List<Integer> issuedWrites = ops.stream().filter(op -> !op.isRead()).map(op -> op.index).toList();
		List<Integer> issuedReads = ops.stream().filter(Op::isRead).map(op -> op.index).toList();
		assertThat(writeCompletions).as("%s: writes complete in issue order", context)
			.containsExactlyElementsOf(issuedWrites);
		assertThat(readCompletions).as("%s: reads complete in issue order", context)
			.containsExactlyElementsOf(issuedReads);
		// the model: only writes that succeeded applied, in issue order
		Map<String, String> model = new HashMap<>();
		int failedWrites = 0;
		for (Op op : ops) {
			Object outcome = op.future.isCompletedExceptionally() ? null : op.future.join();
			boolean failed = op.future.isCompletedExceptionally();
			switch (op.kind) {
				case Op.PUT -> {
					if (!failed) {
						model.put(op.key, op.value);
					}
					else {
						failedWrites++;
					}
				}
				case Op.DEL -> {
					if (!failed) {
						model.remove(op.key);
					}
					else {
						failedWrites++;
					}
				}
				case Op.UPDATE -> {
					if (!failed) {
						assertThat(outcome).as("%s: update %d saw every earlier successful write and no later one",
								context, op.index)
							.isEqualTo(String.valueOf(model.get(op.key)));
						model.put(op.key, model.getOrDefault(op.key, "") + "+" + op.index);
					}
					else {
						assertThat(causeOf(op.future)).as("%s: update %d failed", context, op.index)
							.isInstanceOfAny(StorageException.class, ThrowsOnPurpose.class);
					}
				}
				case Op.GET -> {
					// checked below against the model's prefixes
				}
				default -> {
					// barrier
				}
			}
		}
		assertThat(stored).as("%s: the store holds exactly the successful writes (%d failed)",
				context, failedWrites)
			.isEqualTo(model);
		// reads: the value of the model after writes below some p, lowerBound <= p <= upperBound
		List<Map<String, String>> prefixes = modelPrefixes(ops);
		for (Op op : ops) {
			if (!op.isRead() || op.future.isCompletedExceptionally()) {
				continue;
			}
			@SuppressWarnings("unchecked")
			Optional<String> read = (Optional<String>) op.future.join();
			List<Integer> matching = new ArrayList<>();
			for (int p = 0; p < prefixes.size(); p++) {
				if (Optional.ofNullable(prefixes.get(p).get(op.key)).equals(read)) {
					matching.add(p);
				}
			}
			assertThat(matching).as("%s: read %d (%s) saw %s: the writes below %d completed when it was issued, none "
					+ "issued from %d on can be in its snapshot; prefixes with that value", context, op.index,
					op.describe(), read, op.lowerBound, op.upperBound)
				.anyMatch(p -> p >= op.lowerBound && p <= op.upperBound);
		}
	}

	/** The index below which every write (the writes of ops with a lower index) has completed. */
	private static int completedPrefix(List<Op> ops) {
		for (Op op : ops) {
			if (!op.isRead() && !op.future.isDone()) {
				return op.index;
			}
		}
		return ops.isEmpty() ? 0 : ops.get(ops.size() - 1).index + 1;
	}

	/** Element p: the model after the successful writes of the ops with an index below p, p = 0..OPERATIONS. */
	private static List<Map<String, String>> modelPrefixes(List<Op> ops) {
		Map<Integer, Op> byIndex = new HashMap<>();
		ops.forEach(op -> byIndex.put(op.index, op));
		List<Map<String, String>> prefixes = new ArrayList<>();
		Map<String, String> state = new HashMap<>();
		prefixes.add(Map.copyOf(state));
		for (int index = 0; index < OPERATIONS; index++) {
			Op op = byIndex.get(index);
			if (op != null && !op.future.isCompletedExceptionally()) {
				switch (op.kind) {
					case Op.PUT -> state.put(op.key, op.value);
					case Op.DEL -> state.remove(op.key);
					case Op.UPDATE -> state.put(op.key, state.getOrDefault(op.key, "") + "+" + op.index);
					default -> {
						// reads and barriers write nothing
					}
				}
			}
			prefixes.add(Map.copyOf(state));
		}
		return prefixes;
	}

	/** Whether the issuer is inside a join (a callback interrupts it only then); written by the issuer. */
	private volatile boolean joining;

	private static Throwable causeOf(CompletableFuture<?> future) {
		try {
			future.join();
			return null;
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

	/**
	 * Runs an operation through the blocking view; its outcome as a completed future (the value, or the exception the
	 * call threw), so that the checks below read every operation alike.
	 */
	private static CompletableFuture<?> issueBlocking(BlockingMutex<String, String> mutex, Op op) {
		Object value;
		try {
			value = switch (op.kind) {
				case Op.PUT -> {
					mutex.put(op.key, op.value);
					yield null;
				}
				case Op.DEL -> {
					mutex.del(op.key);
					yield null;
				}
				case Op.UPDATE -> mutex.update(context -> {
					String seen = String.valueOf(context.get(op.key).orElse(null));
					if (op.throwing) {
						throw new ThrowsOnPurpose(op.index);
					}
					context.put(op.key, context.get(op.key).orElse("") + "+" + op.index);
					return seen;
				});
				case Op.GET -> mutex.get(op.key);
				default -> {
					mutex.afterWrite();
					yield null;
				}
			};
		}
		catch (MutexClosedException refused) {
			throw refused; // at the call: queued nothing (a closing mutex runs what it queued)
		}
		catch (CompletionException wrapped) {
			throw new AssertionError("a blocking call threw a CompletionException", wrapped);
		}
		catch (RuntimeException failed) {
			return CompletableFuture.failedFuture(failed);
		}
		return CompletableFuture.completedFuture(value);
	}

	private static CompletableFuture<?> issue(Mutex<String, String> mutex, Op op) {
		return switch (op.kind) {
			case Op.PUT -> mutex.put(op.key, op.value);
			case Op.DEL -> mutex.del(op.key);
			case Op.UPDATE -> mutex.update(context -> {
				String seen = String.valueOf(context.get(op.key).orElse(null));
				if (op.throwing) {
					throw new ThrowsOnPurpose(op.index);
				}
				context.put(op.key, context.get(op.key).orElse("") + "+" + op.index);
				return seen;
			});
			case Op.GET -> mutex.get(op.key);
			default -> mutex.afterWrite();
		};
	}

	/** An operation of the run; its fields are the issuer's, but for its completion count. */
	private static final class Op {

		static final int PUT = 0;

		static final int DEL = 1;

		static final int UPDATE = 2;

		static final int GET = 3;

		static final int BARRIER = 4;

		final int index;

		final int kind;

		final String key;

		final String value;

		final boolean throwing;

		final int callback;

		final AtomicInteger completions = new AtomicInteger();

		/** A read: every write below this index had completed when it was issued (the issuer's). */
		int lowerBound;

		/** A read: ops issued when its result arrived; written by its completion callback. */
		volatile int upperBound;

		volatile CompletableFuture<?> future;

		/** The test's completion callback's stage: done once the callback ran. */
		volatile CompletableFuture<?> recorded;

		Op(int index, int draw, String key, String value, boolean throwing, int callback) {
			this.index = index;
			this.kind = draw < 4 ? PUT : draw < 5 ? DEL : draw < 7 ? UPDATE : draw < 9 ? GET : BARRIER;
			this.key = key;
			this.value = value;
			this.throwing = throwing;
			this.callback = callback;
		}

		boolean isRead() {
			return this.kind == GET;
		}

		String describe() {
			return new String[] { "put", "del", "update", "get", "afterWrite" }[this.kind] + " " + this.key;
		}

	}

	/** An update function's own failure. */
	private static final class ThrowsOnPurpose extends RuntimeException {

		ThrowsOnPurpose(int index) {
			super("update " + index + " throws (expected)");
		}

	}

	/**
	 * The memory engine, each commit answered at random: at once, later on the committer thread, failing later
	 * (nothing applied), or refused at the call.
	 */
	private static StorageEngine chaoticCommits(ExecutorService committer, Random random) {
		return new AsyncCommitEngine(MemoryEngine.embedded(), "memory engine, commits answered at random",
				(commit) -> {
					int draw;
					synchronized (random) {
						draw = random.nextInt(10);
					}
					if (draw < 3) {
						return CompletableFuture.completedFuture(commit.get());
					}
					if (draw < 7) {
						return CompletableFuture.supplyAsync(commit, committer);
					}
					if (draw < 9) {
						return CompletableFuture.supplyAsync(() -> {
							throw new IllegalStateException("injected commit failure (expected)");
						}, committer);
					}
					throw new IllegalStateException("injected refusal at the call (expected)");
				});
	}

}
