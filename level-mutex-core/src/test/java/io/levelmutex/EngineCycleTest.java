package io.levelmutex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.EngineBatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cycle on a storage engine that validates updates against another writer ({@link MemoryEngine}): rejected
 * updates run again in issue order, give up after maxUpdateAttempts, peeks conflict exactly on their spans,
 * remote changes reach listeners, and every future completes exactly once.
 */
class EngineCycleTest {

	final ManualExecutor executor = new ManualExecutor();

	MemoryEngine engine = newEngine();

	/** The engine of each test; {@link EngineCycleBatchingReadsTest} runs every test on one that batches reads. */
	MemoryEngine newEngine() {
		return new MemoryEngine();
	}

	private MutexStore store = MutexStore.open(this.engine, StoreOptions.builder().build());

	@AfterEach
	void close() {
		closeStore();
	}

	private void closeStore() {
		for (Mutex<byte[], byte[]> mutex : this.store.mutexes()) {
			mutex.closeAsync();
		}
		this.executor.runAll();
		this.store.close();
		assertThat(this.engine.isClosed()).as("engine closed by the store").isTrue();
	}

	Mutex<String, String> mutex(int maxUpdateAttempts) {
		return this.store.mutex(MutexOptions.builder("m").executor(this.executor).maxUpdateAttempts(maxUpdateAttempts)
			.build(), Codecs.utf8(), Codecs.utf8());
	}

	/** The other writer strikes before the next {@code times} commits, writing {@code key}. */
	AtomicInteger strike(int times, String key) {
		AtomicInteger left = new AtomicInteger(times);
		AtomicInteger counter = new AtomicInteger();
		this.engine.beforeCommit((batch) -> {
			if (left.getAndDecrement() > 0) {
				this.engine.otherWriter("m", Map.of(key, "other" + counter.incrementAndGet()));
			}
		});
		return left;
	}

	static UpdateFunction<String, String, Integer> increment(String key) {
		return (ctx) -> {
			int value = ctx.get(key).filter((v) -> !v.startsWith("other")).map(Integer::parseInt).orElse(0);
			ctx.put(key, String.valueOf(value + 1));
			return ctx.attempt();
		};
	}

	@Test
	void whenAnUpdateIsRejectedOnceThenItRunsAgainOnFreshStateWithTheNextAttempt() {
		Mutex<String, String> mutex = mutex(3);
		List<String> seen = new ArrayList<>();
		strike(1, "c");
		CompletableFuture<Integer> update = mutex.update((ctx) -> {
			seen.add(ctx.get("c").orElse("none"));
			ctx.put("c", "mine");
			return ctx.attempt();
		});
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(2);
		assertThat(seen).containsExactly("none", "other1");
		assertThat(this.engine.contents("m")).containsEntry("c", "mine");
		assertThat(mutex.stats().conflicts()).isEqualTo(1);
	}

	@ParameterizedTest(name = "maxUpdateAttempts={0}")
	@ValueSource(ints = { 1, 3 })
	void whenAnUpdateIsRejectedOnEveryAttemptThenItFailsWithWriteConflictAndLaterItemsAreWrittenInOrder(int max) {
		Mutex<String, String> mutex = mutex(max);
		mutex.put("c", "0");
		this.executor.runAll();
		strike(Integer.MAX_VALUE, "c");
		CompletableFuture<Void> before = mutex.put("before", "1");
		CompletableFuture<Integer> update = mutex.update(increment("c"));
		CompletableFuture<Void> after = mutex.put("after", "1");
		CompletableFuture<Integer> later = mutex.update((ctx) -> {
			ctx.put("after", ctx.get("after").orElse("none") + "+later");
			return ctx.attempt();
		});
		this.executor.runAll();
		assertThat(before).isCompleted();
		assertThatThrownBy(update::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(WriteConflictException.class)
			.hasMessageContaining("'m'")
			.hasMessageContaining("\"c\"")
			.hasMessageContaining("after " + max + " attempt")
			.hasMessageContaining("max-update-attempts " + max)
			.satisfies((ex) -> assertThat(((WriteConflictException) ex).attempts()).isEqualTo(max));
		assertThat(after).isCompleted();
		assertThat(later).isCompletedWithValue(1);
		assertThat(this.engine.contents("m")).containsEntry("before", "1").containsEntry("after", "1+later");
		assertThat(this.engine.contents("m").get("c")).startsWith("other");
		assertThat(mutex.stats().conflicts()).isEqualTo(max); // the later update's batch is struck too, harmlessly
	}

	@Test
	void whenTheServerIsUnreachableForAnUpdatesSnapshotThenTheUpdateFailsAsUnavailableSafeToRetry() {
		Mutex<String, String> mutex = mutex(3);
		this.engine.failNextSnapshot(new StorageUnavailableException("server down", new RuntimeException("refused")));
		CompletableFuture<Integer> update = mutex.update(increment("c"));
		this.executor.runAll();
		assertThatThrownBy(update::join).cause()
			.isInstanceOf(StorageUnavailableException.class)
			.hasMessageContaining("'m'")
			.hasMessageContaining("server down");
		CompletableFuture<Integer> again = mutex.update(increment("c"));
		this.executor.runAll();
		assertThat(again).isCompletedWithValue(1);
	}

	@Test
	void whenAnUpdatesSnapshotFailsThenTheBatchsLaterUpdatesFailTheSameWayWithoutAskingAgain() {
		// each new attempt would wait for a connection again (connect-wait each, one after another) while the
		// server is down: one failed snapshot fails every update of the batch, and the plain writes still commit
		Mutex<String, String> mutex = mutex(3);
		for (int i = 0; i < 3; i++) {
			this.engine.failNextSnapshot(new StorageUnavailableException("server down " + i, new RuntimeException("refused")));
		}
		int asked = this.engine.snapshotsAsked();
		CompletableFuture<Integer> first = mutex.update(increment("a"));
		CompletableFuture<Void> put = mutex.put("p", "1");
		CompletableFuture<Integer> second = mutex.update(increment("b"));
		CompletableFuture<Integer> third = mutex.update(increment("c"));
		this.executor.runAll();
		assertThat(this.engine.snapshotsAsked() - asked).isEqualTo(1);
		for (CompletableFuture<Integer> update : List.of(first, second, third)) {
			assertThatThrownBy(update::join).cause()
				.isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("'m'")
				.hasMessageContaining("server down 0");
		}
		assertThat(put).isCompleted();
		assertThat(this.engine.contents("m")).containsEntry("p", "1").doesNotContainKeys("a", "b", "c");
	}

	@Test
	void whenNoLimitIsSetThenAnUpdateSurvivesNineConflictsAndFailsOnTheTenth() {
		Mutex<String, String> mutex = this.store.mutex(MutexOptions.builder("m").executor(this.executor).build(),
				Codecs.utf8(), Codecs.utf8());
		strike(MutexOptions.DEFAULT_MAX_UPDATE_ATTEMPTS - 1, "c");
		CompletableFuture<Integer> survives = mutex.update(increment("c"));
		this.executor.runAll();
		assertThat(survives).isCompletedWithValue(MutexOptions.DEFAULT_MAX_UPDATE_ATTEMPTS);
		strike(Integer.MAX_VALUE, "c");
		CompletableFuture<Integer> fails = mutex.update(increment("c"));
		this.executor.runAll();
		assertThatThrownBy(fails::join).cause()
			.isInstanceOf(WriteConflictException.class)
			.satisfies((ex) -> assertThat(((WriteConflictException) ex).attempts()).isEqualTo(10));
	}

	@ParameterizedTest(name = "per-call maxAttempts={0}, mutex option 5")
	@ValueSource(ints = { 1, 2, 7 })
	void whenAnUpdateNamesItsOwnMaxAttemptsThenThatLimitAppliesNotTheMutexOption(int perCall) {
		Mutex<String, String> mutex = mutex(5);
		strike(Integer.MAX_VALUE, "c");
		AtomicInteger runs = new AtomicInteger();
		CompletableFuture<Integer> update = mutex.update((ctx) -> {
			runs.incrementAndGet();
			ctx.put("c", "mine");
			return ctx.attempt();
		}, perCall);
		this.executor.runAll();
		assertThatThrownBy(update::join).cause()
			.isInstanceOf(WriteConflictException.class)
			.hasMessageContaining("max-update-attempts " + perCall)
			.satisfies((ex) -> assertThat(((WriteConflictException) ex).attempts()).isEqualTo(perCall));
		assertThat(runs).hasValue(perCall);
	}

	@Test
	void whenAnUpdateIsRejectedThenAPutIssuedAfterItLandsAfterItsRetry() {
		Mutex<String, String> mutex = mutex(3);
		List<FlushEvent> flushes = new ArrayList<>();
		mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				flushes.add(event);
			}
		});
		strike(1, "k");
		List<String> order = new ArrayList<>();
		CompletableFuture<Void> first = mutex.put("first", "1");
		first.thenRun(() -> order.add("first"));
		CompletableFuture<Integer> update = mutex.update((ctx) -> {
			ctx.get("k");
			ctx.put("k", "update");
			return ctx.attempt();
		});
		update.thenRun(() -> order.add("update"));
		CompletableFuture<Void> put = mutex.put("k", "put");
		put.thenRun(() -> order.add("put"));
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(2);
		assertThat(order).containsExactly("first", "update", "put");
		assertThat(this.engine.contents("m")).containsEntry("k", "put").containsEntry("first", "1");
		assertThat(flushes).hasSize(2);
		assertThat(flushes.get(0).operations()).extracting(WriteOperation::toString).containsExactly("PUT \"first\"");
		assertThat(flushes.get(0).sequence()).isEqualTo(2); // the other writer's commit was 1
		assertThat(flushes.get(1).operations()).extracting(WriteOperation::toString)
			.containsExactly("PUT \"k\"", "PUT \"k\"");
		assertThat(flushes.get(1).sequence()).isEqualTo(3);
		assertThat(mutex.stats().lastSequence()).isEqualTo(3);
	}

	/**
	 * An update that writes nothing is validated when its batch commits (here a put follows it); a batch of
	 * such updates alone commits nothing, and they complete as reads of their snapshot.
	 */
	@Test
	void whenARejectedUpdateWroteNothingThenItRunsAgain() {
		Mutex<String, String> mutex = mutex(2);
		strike(1, "c");
		CompletableFuture<String> check = mutex.update((ctx) -> ctx.get("c").orElse("none") + "@" + ctx.attempt());
		CompletableFuture<Void> put = mutex.put("x", "1");
		this.executor.runAll();
		assertThat(check).isCompletedWithValue("other1@2");
		assertThat(put).isCompleted();
		strike(1, "c");
		CompletableFuture<String> alone = mutex.update((ctx) -> ctx.get("c").orElse("none") + "@" + ctx.attempt());
		this.executor.runAll();
		assertThat(alone).as("no commit, no strike: a read of its snapshot").isCompletedWithValue("other1@1");
	}

	@Test
	void whenTheFirstItemIsRejectedThenNothingIsAppliedAndFlushedReportsAnEmptyBatch() {
		Mutex<String, String> mutex = mutex(2);
		List<FlushEvent> flushes = new ArrayList<>();
		mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				flushes.add(event);
			}
		});
		strike(1, "c");
		CompletableFuture<Integer> update = mutex.update(increment("c"));
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(2);
		assertThat(flushes).hasSize(2);
		assertThat(flushes.get(0).operations()).isEmpty();
		assertThat(flushes.get(0).succeeded()).isTrue();
		assertThat(flushes.get(0).sequence()).isEqualTo(1); // the other writer's
		assertThat(flushes.get(1).size()).isEqualTo(1);
		assertThat(flushes.get(1).sequence()).isEqualTo(2);
		assertThat(mutex.stats().batchesFlushed()).isEqualTo(1);
	}

	@Test
	void whenTheLastItemIsRejectedThenTheItemsBeforeItCompleteFirst() {
		Mutex<String, String> mutex = mutex(2);
		strike(1, "c");
		List<String> order = new ArrayList<>();
		mutex.put("p1", "1").thenRun(() -> order.add("p1"));
		mutex.put("p2", "2").thenRun(() -> order.add("p2"));
		CompletableFuture<Integer> update = mutex.update(increment("c"));
		update.thenRun(() -> order.add("update"));
		this.executor.runAll();
		assertThat(order).containsExactly("p1", "p2", "update");
		assertThat(update).isCompletedWithValue(2);
		List<MemoryEngine.Commit> log = this.engine.log("m");
		assertThat(log).extracting(MemoryEngine.Commit::keys)
			.containsExactly(java.util.Set.of(MemoryEngine.key("c")),
					java.util.Set.of(MemoryEngine.key("p1"), MemoryEngine.key("p2")),
					java.util.Set.of(MemoryEngine.key("c")));
	}

	/**
	 * Data a, m, z; the peek covers [b, y). peekFirst finds m and depends on [b, m]; peekLast finds m and
	 * depends on [m, y). The other writer's insert or delete conflicts exactly inside that span.
	 */
	@ParameterizedTest(name = "{0} then other writer {1} {2}: conflict {3}")
	@CsvSource({ "first, put, c, true", "first, del, m, true", "first, put, b, true", "first, put, n, false",
			"first, put, a0, false", "first, del, z, false", "last, put, n, true", "last, del, m, true",
			"last, put, x, true", "last, put, c, false", "last, put, y, false", "empty, put, q, true",
			"empty, put, y, false" })
	void whenAPeekedSpanChangesThenTheUpdateConflictsAndOutsideItDoesNot(String peek, String op, String key,
			boolean conflict) {
		Mutex<String, String> mutex = mutex(3);
		if (peek.equals("empty")) {
			mutex.put("a", "1");
			mutex.put("z", "1");
		}
		else {
			mutex.put("a", "1");
			mutex.put("m", "1");
			mutex.put("z", "1");
		}
		this.executor.runAll();
		AtomicInteger left = new AtomicInteger(1);
		this.engine.beforeCommit((batch) -> {
			if (left.getAndDecrement() > 0) {
				Map<String, @Nullable String> write = new HashMap<>();
				write.put(key, op.equals("put") ? "other" : null);
				this.engine.otherWriter("m", write);
			}
		});
		CompletableFuture<Integer> update = mutex.update((ctx) -> {
			KeyRange<String> range = KeyRange.closedOpen("b", "y");
			Optional<Entry<String, String>> found = peek.equals("last") ? ctx.peekLast(range) : ctx.peekFirst(range);
			ctx.put("result", found.map(Entry::key).orElse("none"));
			return ctx.attempt();
		});
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(conflict ? 2 : 1);
		assertThat(mutex.stats().conflicts()).isEqualTo(conflict ? 1 : 0);
	}

	@Test
	void whenAnUpdatePeeksOverTheBatchsOwnDeletesThenItFindsTheNextEntry() {
		Mutex<String, String> mutex = mutex(1);
		for (String key : List.of("a", "b", "c", "d")) {
			mutex.put(key, "1");
		}
		this.executor.runAll();
		mutex.del("a");
		mutex.del("b");
		mutex.put("c", "2");
		CompletableFuture<String> first = mutex.update((ctx) -> ctx.peekFirst(KeyRange.all()).map(Entry::toString)
			.orElse("none"));
		mutex.del("d");
		mutex.del("c");
		CompletableFuture<String> last = mutex.update((ctx) -> ctx.peekLast(KeyRange.all()).map(Entry::toString)
			.orElse("none"));
		this.executor.runAll();
		assertThat(first.join()).contains("c").contains("2");
		assertThat(last).isCompletedWithValue("none");
	}

	@Test
	void whenAnotherWriterCommitsThenListenersGetARemoteChangeAndAThrowingOneDoesNotStopOthers() {
		Mutex<String, String> mutex = mutex(1);
		List<RemoteChangeEvent> events = new ArrayList<>();
		mutex.addListener(new MutexListener() {
			@Override
			public void onRemoteChange(RemoteChangeEvent event) {
				throw new IllegalStateException("listener bug");
			}
		});
		mutex.addListener(new MutexListener() {
			@Override
			public void onRemoteChange(RemoteChangeEvent event) {
				events.add(event);
			}
		});
		long sequence = this.engine.otherWriter("m", Map.of("x", "1"));
		this.engine.otherWriter("m", Map.of("y", "1"));
		assertThat(events).containsExactly(new RemoteChangeEvent("m", sequence, sequence),
				new RemoteChangeEvent("m", sequence + 1, sequence + 1));
		assertThat(mutex.stats().remoteBatches()).isEqualTo(2);
		assertThat(mutex.stats().lastSequence()).isEqualTo(sequence + 1);
		CompletableFuture<Optional<String>> read = mutex.get("y");
		this.executor.runAll();
		assertThat(read).isCompletedWithValue(Optional.of("1"));
	}

	@Test
	void whenACommitsOutcomeIsUnknownOrItFailsThenEveryItemOfTheBatchFailsTyped() {
		Mutex<String, String> mutex = mutex(3);
		this.engine.failNextCommit(new CommitOutcomeUnknownException("connection lost during COMMIT", null));
		CompletableFuture<Void> put = mutex.put("a", "1");
		CompletableFuture<Integer> update = mutex.update(increment("c"));
		this.executor.runAll();
		assertThatThrownBy(put::join).cause().isInstanceOf(CommitOutcomeUnknownException.class)
			.hasMessageContaining("'m'");
		assertThatThrownBy(update::join).cause().isInstanceOf(CommitOutcomeUnknownException.class);
		this.engine.failNextCommit(new StorageException("server down", null));
		CompletableFuture<Void> second = mutex.put("b", "1");
		this.executor.runAll();
		assertThatThrownBy(second::join).cause().isExactlyInstanceOf(StorageException.class)
			.hasMessageContaining("'m'")
			.hasMessageContaining("server down");
		CompletableFuture<Void> third = mutex.put("c", "1");
		this.executor.runAll();
		assertThat(third).isCompleted();
		assertThat(this.engine.contents("m")).containsOnlyKeys("c");
		this.engine.failNextCommitAfterApplying(new CommitOutcomeUnknownException("lost after COMMIT", null));
		CompletableFuture<Void> applied = mutex.put("d", "1");
		this.executor.runAll();
		assertThatThrownBy(applied::join).cause().isInstanceOf(CommitOutcomeUnknownException.class)
			.hasMessageContaining("may or may not have been applied");
		assertThat(this.engine.contents("m")).containsOnlyKeys("c", "d");
	}

	@Test
	void whenTheEngineLimitsKeysAndValuesThenLongerOnesAreRefusedAtTheCall() {
		closeStore();
		this.engine = new MemoryEngine(true, 8, 4);
		this.store = MutexStore.open(this.engine, StoreOptions.builder().build());
		Mutex<String, String> mutex = mutex(1);
		assertThatThrownBy(() -> mutex.put("123456789", "v")).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("'m'")
			.hasMessageContaining("limit of 8 bytes");
		assertThatThrownBy(() -> mutex.put("k", "12345")).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("limit of 4 bytes");
		CompletableFuture<Void> fits = mutex.put("12345678", "1234");
		this.executor.runAll();
		assertThat(fits).isCompleted();
	}

	@Test
	void whenTheEngineDoesNotValidateUpdatesThenNoFootprintIsSent() {
		closeStore();
		this.engine = new MemoryEngine(false, 1024, 1024);
		this.store = MutexStore.open(this.engine, StoreOptions.builder().build());
		List<EngineBatch> batches = new ArrayList<>();
		this.engine.beforeCommit(batches::add);
		Mutex<String, String> mutex = mutex(1);
		mutex.update(increment("c"));
		mutex.update((ctx) -> ctx.peekFirst(KeyRange.all()));
		this.executor.runAll();
		assertThat(batches).hasSize(1);
		assertThat(batches.get(0).updates()).isEmpty();
	}

	@Test
	void whenTheStoreRunsOnAnotherEngineThenItDescribesItAndHasNoDirectory() {
		assertThat(this.store.description()).isEqualTo("memory test engine");
		assertThat(this.store.health().engine()).isEqualTo("memory");
		assertThat(this.store.health().healthy()).isTrue();
		assertThat(this.store.engine()).isSameAs(this.engine);
		assertThat(this.store.directory()).isNull();
	}

}
