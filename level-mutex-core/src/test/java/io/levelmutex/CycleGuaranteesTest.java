package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cycle's guarantees at their edges (issue 9, defects 1 to 4): inverted ranges inside
 * updates, spilled batches, issue order of updates among plain writes, and afterWrite.
 */
class CycleGuaranteesTest {

	// ---- defect 1: an inverted range is empty everywhere

	@Test
	void whenUpdatePeeksAnInvertedRangeWithAPutQueuedThenThePeekFindsNothingAndTheBatchCommits() {
		try (ManualMutex fixture = new ManualMutex("inverted")) {
			Mutex<String, String> mutex = fixture.mutex;
			mutex.put("a", "1");
			mutex.put("b", "2");
			fixture.runCycles();
			CompletableFuture<Void> put = mutex.put("c", "3");
			CompletableFuture<String> update = mutex.update((ctx) -> {
				String first = ctx.peekFirst(KeyRange.closed("b", "a")).map(Entry::key).orElse("none");
				String last = ctx.peekLast(KeyRange.closed("b", "a")).map(Entry::key).orElse("none");
				ctx.put("d", first + "/" + last);
				return first + "/" + last;
			});
			CompletableFuture<Void> after = mutex.put("e", "5");
			fixture.runCycles();
			assertThat(put).isCompleted();
			assertThat(update).isCompletedWithValue("none/none");
			assertThat(after).isCompleted();
			assertThat(read(fixture, "c")).contains("3");
			assertThat(read(fixture, "d")).contains("none/none");
			assertThat(read(fixture, "e")).contains("5");
		}
	}

	@Test
	void whenAnEarlierUpdateWroteAndALaterOnePeeksAnInvertedRangeThenItFindsNothing() {
		try (ManualMutex fixture = new ManualMutex("inverted2")) {
			Mutex<String, String> mutex = fixture.mutex;
			CompletableFuture<Void> put = mutex.put("a", "1");
			CompletableFuture<String> writer = mutex.update((ctx) -> {
				ctx.put("b", "2");
				return "wrote";
			});
			CompletableFuture<Optional<Entry<String, String>>> peeker = mutex.update((ctx) -> {
				Optional<Entry<String, String>> inverted = ctx.peekLast(KeyRange.closedOpen("c", "a"));
				Optional<Entry<String, String>> exclusiveEmpty = ctx.peekFirst(KeyRange.closedOpen("b", "b"));
				ctx.put("c", "3");
				return inverted.or(() -> exclusiveEmpty);
			});
			fixture.runCycles();
			assertThat(put).isCompleted();
			assertThat(writer).isCompletedWithValue("wrote");
			assertThat(peeker).isCompletedWithValue(Optional.empty());
			assertThat(read(fixture, "c")).contains("3");
		}
	}

	@Test
	void whenScansAndPeeksUseInvertedRangesThenTheyFindNothing() {
		try (ManualMutex fixture = new ManualMutex("inverted3")) {
			Mutex<String, String> mutex = fixture.mutex;
			mutex.put("a", "1");
			mutex.put("b", "2");
			fixture.runCycles();
			var scan = mutex.scan(KeyRange.closed("b", "a"), 10);
			var reverse = mutex.scan(KeyRange.closed("b", "a"), 10, true);
			var open = mutex.scan(KeyRange.<String>lessThan("a").withStart("b", false), 10);
			fixture.runCycles();
			assertThat(scan.join()).isEmpty();
			assertThat(reverse.join()).isEmpty();
			assertThat(open.join()).isEmpty();
		}
	}

	// ---- defect 2: a write issued from a read's completion joins the write phase before any new read phase

	@ParameterizedTest(name = "maxBatchOperations={0}, maxBatchBytes={1}")
	@CsvSource({ "1, 33554432", "8192, 24", "1, 1" })
	void whenBatchesSpillThenTwoReadThenPutCompareAndSetsNeverBothWin(int maxOperations, long maxBytes) {
		try (ManualMutex fixture = new ManualMutex(
				MutexOptions.builder("spill").maxBatchOperations(maxOperations).maxBatchBytes(maxBytes))) {
			Mutex<String, String> mutex = fixture.mutex;
			mutex.put("doc", "rev-1");
			fixture.runCycles();
			List<String> winners = new CopyOnWriteArrayList<>();
			// a write queued before the read phase fills the first batch
			CompletableFuture<Void> filler = mutex.put("filler", "0123456789");
			compareAndSet(mutex, "A", winners);
			// the second client reads only after the filler's batch completed
			filler.thenRun(() -> compareAndSet(mutex, "B", winners));
			fixture.runCycles();
			assertThat(winners).as("clients whose compare-and-set won").hasSize(1);
			assertThat(read(fixture, "doc")).contains("rev-2-by-" + winners.get(0));
		}
	}

	private static void compareAndSet(Mutex<String, String> mutex, String client, List<String> winners) {
		mutex.get("doc").thenAccept((current) -> {
			if (current.orElseThrow().equals("rev-1")) {
				mutex.put("doc", "rev-2-by-" + client).thenRun(() -> winners.add(client));
			}
		});
	}

	@Test
	void whenManyWritesSpillThenEveryWriteIssuedFromAReadCompletionIsAppliedBeforeTheNextReadPhase() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("spill2").maxBatchOperations(3))) {
			Mutex<String, String> mutex = fixture.mutex;
			List<String> events = new CopyOnWriteArrayList<>();
			mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					events.add("reads");
				}

				@Override
				public void onWrites(WriteBatchEvent event) {
					events.add("writes:" + event.operations().size());
				}
			});
			for (int i = 0; i < 5; i++) {
				CompletableFuture<Void> put = mutex.put("queued-" + i, "x");
				if (i == 0) {
					// a read issued once the first batch completed comes after the whole write phase
					put.thenRun(() -> mutex.get("late"));
				}
			}
			for (int i = 0; i < 4; i++) {
				String key = "from-read-" + i;
				mutex.get(key).thenAccept((absent) -> mutex.put(key, "y"));
			}
			fixture.runCycles();
			// 5 queued + 4 issued during delivery = 9 writes, in 3 batches, before any other read phase
			assertThat(events).containsExactly("reads", "writes:3", "writes:3", "writes:3", "reads");
		}
	}

	// ---- defect 3: writes, updates included, are applied in issue order

	@ParameterizedTest(name = "maxAttempts={0}")
	@CsvSource({ "1", "2" })
	void whenUpdateIsIssuedBeforeAPutThenThePutIsAppliedAfterIt(int attempts) {
		try (ManualMutex fixture = new ManualMutex("order")) {
			Mutex<String, String> mutex = fixture.mutex;
			mutex.put("k", "");
			fixture.runCycles();
			AtomicInteger runs = new AtomicInteger();
			CompletableFuture<String> update = mutex.update((ctx) -> {
				runs.incrementAndGet();
				String next = ctx.get("k").orElseThrow() + "u";
				ctx.put("k", next);
				return next;
			}, attempts);
			CompletableFuture<Void> put = mutex.put("k", "p");
			fixture.runCycles();
			assertThat(update).isCompletedWithValue("u");
			assertThat(put).isCompleted();
			assertThat(runs).hasValue(1);
			assertThat(read(fixture, "k")).contains("p");
			assertThat(mutex.stats().conflicts()).isZero();
		}
	}

	@Test
	void whenPlainWritesAndUpdatesInterleaveThenTheyCompleteInIssueOrderAndEachUpdateSeesExactlyTheEarlierOnes() {
		try (ManualMutex fixture = new ManualMutex("order2")) {
			Mutex<String, String> mutex = fixture.mutex;
			List<String> completions = new CopyOnWriteArrayList<>();
			mutex.put("k", "0").thenRun(() -> completions.add("put0"));
			mutex.update((ctx) -> {
				ctx.put("k", ctx.get("k").orElseThrow() + "+u1");
				return null;
			}).thenRun(() -> completions.add("u1"));
			mutex.put("b", "x").thenRun(() -> completions.add("putB"));
			mutex.put("k", "1").thenRun(() -> completions.add("put1"));
			CompletableFuture<String> seen = mutex.update((ctx) -> ctx.get("k").orElseThrow() + "|"
					+ ctx.get("b").orElseThrow());
			seen.thenRun(() -> completions.add("u2"));
			mutex.del("b").thenRun(() -> completions.add("delB"));
			mutex.afterWrite().thenRun(() -> completions.add("barrier"));
			fixture.runCycles();
			assertThat(completions).containsExactly("put0", "u1", "putB", "put1", "u2", "delB", "barrier");
			assertThat(seen).isCompletedWithValue("1|x");
			assertThat(read(fixture, "k")).contains("1");
			assertThat(read(fixture, "b")).isEmpty();
		}
	}

	// ---- defect 4: afterWrite waits for every write issued before it

	@Test
	void whenAfterWriteIsCalledFromACompletionOfABatchThenItWaitsForTheRestOfTheBatch() {
		try (ManualMutex fixture = new ManualMutex("barrier")) {
			Mutex<String, String> mutex = fixture.mutex;
			AtomicReference<CompletableFuture<Void>> barrier = new AtomicReference<>();
			CompletableFuture<Void> a = mutex.put("a", "1");
			CompletableFuture<Void> b = mutex.put("b", "2");
			List<String> order = new CopyOnWriteArrayList<>();
			a.thenRun(() -> {
				CompletableFuture<Void> after = mutex.afterWrite();
				barrier.set(after);
				after.thenRun(() -> order.add("barrier"));
			});
			b.thenRun(() -> order.add("b"));
			fixture.runCycles();
			assertThat(barrier.get()).isCompleted();
			assertThat(order).containsExactly("b", "barrier");
		}
	}

	@Test
	void whenAfterWriteFollowsAnUpdateThenItCompletesAfterTheUpdate() {
		try (ManualMutex fixture = new ManualMutex("barrier2")) {
			Mutex<String, String> mutex = fixture.mutex;
			List<String> order = new CopyOnWriteArrayList<>();
			CompletableFuture<String> update = mutex.update((ctx) -> {
				ctx.put("k", "v");
				return "done";
			});
			update.thenRun(() -> order.add("update"));
			CompletableFuture<Void> barrier = mutex.afterWrite();
			assertThat(barrier).isNotDone();
			barrier.thenRun(() -> order.add("barrier"));
			fixture.runCycles();
			assertThat(order).containsExactly("update", "barrier");
		}
	}

	@Test
	void whenAfterWriteIsCalledDuringASpillingWritePhaseThenItWaitsForItsLastBatch() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("barrier3").maxBatchOperations(1))) {
			Mutex<String, String> mutex = fixture.mutex;
			List<String> order = new CopyOnWriteArrayList<>();
			mutex.put("a", "1").thenRun(() -> mutex.afterWrite().thenRun(() -> order.add("barrier")));
			mutex.put("b", "2").thenRun(() -> order.add("b"));
			mutex.put("c", "3").thenRun(() -> order.add("c"));
			fixture.runCycles();
			assertThat(order).containsExactly("b", "c", "barrier");
		}
	}

	// ---- limits at 1, close mid-phase

	@Test
	void whenTheQueueLimitIsOneThenAQueuedUpdateCountsAsAWriteAndTheNextCallIsRefused() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("limit-one").maxQueuedOperations(1))) {
			Mutex<String, String> mutex = fixture.mutex;
			CompletableFuture<String> update = mutex.update((ctx) -> {
				ctx.put("k", "v");
				return "done";
			});
			assertThat(mutex.stats().queuedWrites()).isEqualTo(1);
			assertThatThrownBy(() -> mutex.put("other", "x")).isInstanceOf(MutexOverloadedException.class)
				.hasMessageContaining("'limit-one'");
			assertThatThrownBy(() -> mutex.get("k")).isInstanceOf(MutexOverloadedException.class);
			assertThatThrownBy(mutex::afterWrite).isInstanceOf(MutexOverloadedException.class);
			fixture.runCycles();
			assertThat(update).isCompletedWithValue("done");
			assertThat(mutex.stats().queued()).isZero();
			assertThat(read(fixture, "k")).contains("v");
		}
	}

	@Test
	void whenTheMutexIsClosedFromACompletionMidWritePhaseThenEveryQueuedWriteStillCompletesAndNewOnesAreRefused() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("close-mid").maxBatchOperations(1))) {
			Mutex<String, String> mutex = fixture.mutex;
			AtomicReference<Throwable> refused = new AtomicReference<>();
			CompletableFuture<Void> a = mutex.put("a", "1");
			a.thenRun(() -> {
				mutex.closeAsync();
				try {
					mutex.put("late", "x");
				}
				catch (Throwable ex) {
					refused.set(ex);
				}
			});
			CompletableFuture<String> update = mutex.update((ctx) -> {
				ctx.put("b", ctx.get("a").orElse("none"));
				return "b";
			});
			CompletableFuture<Void> c = mutex.put("c", "3");
			CompletableFuture<Void> barrier = mutex.afterWrite();
			fixture.runCycles();
			assertThat(a).isCompleted();
			assertThat(update).isCompletedWithValue("b");
			assertThat(c).isCompleted();
			assertThat(barrier).isCompleted();
			assertThat(refused.get()).isInstanceOf(MutexClosedException.class);
			assertThat(mutex.closeAsync()).isCompleted();
			assertThat(mutex.stats().queued()).isZero();
		}
	}

	// ---- an update's context is confined to its function's run on the cycle thread

	@Test
	void whenAContextLeaksToAnotherThreadWhileTheFunctionRunsThenItRefusesCleanly() {
		try (ManualMutex fixture = new ManualMutex("leak")) {
			Mutex<String, String> mutex = fixture.mutex;
			mutex.put("k", "v");
			fixture.runCycles();
			AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
			CompletableFuture<String> update = mutex.update((ctx) -> {
				Thread other = new Thread(() -> {
					try {
						ctx.get("k");
					}
					catch (Throwable ex) {
						fromOtherThread.set(ex);
					}
				});
				other.start();
				other.join();
				return ctx.get("k").orElseThrow();
			});
			fixture.runCycles();
			assertThat(update).isCompletedWithValue("v");
			assertThat(fromOtherThread.get()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("'leak'")
				.hasMessageContaining("thread");
		}
	}

	@Test
	void whenAContextIsUsedAfterItsFunctionReturnedThenEveryMethodRefusesCleanly() throws Exception {
		try (ManualMutex fixture = new ManualMutex("leak2")) {
			Mutex<String, String> mutex = fixture.mutex;
			mutex.put("k", "v");
			fixture.runCycles();
			List<UpdateContext<String, String>> leaked = new ArrayList<>();
			mutex.update((ctx) -> {
				leaked.add(ctx);
				return null;
			});
			fixture.runCycles();
			UpdateContext<String, String> ctx = leaked.get(0);
			List<Runnable> uses = List.of(() -> ctx.get("k"), () -> ctx.peekFirst(KeyRange.all()),
					() -> ctx.peekLast(KeyRange.all()), () -> ctx.put("k", "x"), () -> ctx.del("k"));
			for (Runnable use : uses) {
				assertThatThrownBy(use::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("'leak2'");
			}
			AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
			Thread other = new Thread(() -> {
				try {
					ctx.peekFirst(KeyRange.all());
				}
				catch (Throwable ex) {
					fromOtherThread.set(ex);
				}
			});
			other.start();
			other.join();
			assertThat(fromOtherThread.get()).isInstanceOf(IllegalStateException.class);
			assertThat(read(fixture, "k")).contains("v");
		}
	}

	private static Optional<String> read(ManualMutex fixture, String key) {
		CompletableFuture<Optional<String>> read = fixture.mutex.get(key);
		fixture.runCycles();
		try {
			return read.join();
		}
		catch (CompletionException ex) {
			throw new AssertionError("read of " + key + " failed", ex);
		}
	}

}
