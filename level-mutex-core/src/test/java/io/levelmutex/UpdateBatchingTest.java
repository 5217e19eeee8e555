package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Updates in the write phase: where their function runs when batches spill, what a unit that
 * does not fit does on the commit and on the failure path, and that a batch without updates
 * takes no snapshot.
 */
class UpdateBatchingTest {

	@Test
	void whenAUnitDoesNotFitThenTheBatchSoFarIsWrittenAndTheFunctionRunsAgainOnTheCommittedState() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("refit").maxBatchOperations(2))) {
			Mutex<String, String> mutex = fixture.mutex;
			List<List<String>> batches = recordBatches(mutex);
			List<String> seen = new CopyOnWriteArrayList<>();
			CompletableFuture<Void> x = mutex.put("x", "1");
			CompletableFuture<String> update = mutex.update((ctx) -> {
				String value = ctx.get("x").orElse("absent");
				seen.add(value);
				ctx.put("y", value);
				ctx.put("z", value);
				return value;
			});
			fixture.runCycles();
			assertThat(x).isCompleted();
			assertThat(update).isCompletedWithValue("1");
			// first run in batch 1 (over the limit: discarded), second run after batch 1 committed
			assertThat(seen).containsExactly("1", "1");
			assertThat(batches).containsExactly(List.of("x"), List.of("y", "z"));
		}
	}

	@Test
	void whenTheBatchBeforeAUnitThatDidNotFitFailsThenTheFunctionRunsAgainWithoutItsWrites() {
		ManualExecutor executor = new ManualExecutor();
		AtomicBoolean poison = new AtomicBoolean(true);
		try (TempStore temp = TempStore.open((builder) -> builder.batchInterceptor((name, ops) -> {
			if (poison.get() && ops.stream().anyMatch((op) -> new String(op.key()).equals("x"))) {
				throw new IllegalStateException("disk on fire");
			}
		}))) {
			Mutex<String, String> mutex = temp.store.mutex(
					MutexOptions.builder("refit-fail").maxBatchOperations(2).executor(executor).build(), Codecs.utf8(),
					Codecs.utf8());
			List<String> seen = new CopyOnWriteArrayList<>();
			CompletableFuture<Void> x = mutex.put("x", "1");
			CompletableFuture<String> update = mutex.update((ctx) -> {
				String value = ctx.get("x").orElse("absent");
				seen.add(value);
				ctx.put("y", value);
				ctx.put("z", value);
				return value;
			});
			executor.runAll();
			assertThat(x).isCompletedExceptionally();
			assertThat(update).isCompletedWithValue("absent");
			assertThat(seen).containsExactly("1", "absent");
			CompletableFuture<java.util.Optional<String>> y = mutex.get("y");
			executor.runAll();
			assertThat(y.join()).contains("absent");
			mutex.closeAsync();
			executor.runAll();
		}
	}

	@Test
	void whenAUnitIsLargerThanTheLimitsThenItGoesAloneInIssueOrder() {
		try (ManualMutex fixture = new ManualMutex(MutexOptions.builder("big-unit").maxBatchOperations(1))) {
			Mutex<String, String> mutex = fixture.mutex;
			List<List<String>> batches = recordBatches(mutex);
			List<String> completed = new CopyOnWriteArrayList<>();
			mutex.put("a", "1").thenRun(() -> completed.add("a"));
			mutex.update((ctx) -> {
				ctx.put("u1", "1");
				ctx.put("u2", "2");
				ctx.put("u3", "3");
				return null;
			}).thenRun(() -> completed.add("u"));
			mutex.put("b", "2").thenRun(() -> completed.add("b"));
			fixture.runCycles();
			assertThat(batches).containsExactly(List.of("a"), List.of("u1", "u2", "u3"), List.of("b"));
			assertThat(completed).containsExactly("a", "u", "b");
		}
	}

	@Test
	void whenUpdatesShareABatchThenEachSeesThePlainWritesAndUnitsBeforeIt() {
		try (ManualMutex fixture = new ManualMutex("shared")) {
			Mutex<String, String> mutex = fixture.mutex;
			List<List<String>> batches = recordBatches(mutex);
			List<CompletableFuture<String>> updates = new ArrayList<>();
			mutex.put("log", "p");
			for (int i = 0; i < 3; i++) {
				updates.add(mutex.update((ctx) -> {
					String next = ctx.get("log").orElseThrow() + "u";
					ctx.put("log", next);
					return next;
				}));
				mutex.put("log-" + i, "x");
			}
			mutex.del("log-0");
			updates.add(mutex.update((ctx) -> ctx.peekFirst(KeyRange.atLeast("log-")).map(Entry::key).orElse("none")));
			fixture.runCycles();
			assertThat(updates).extracting(CompletableFuture::join).containsExactly("pu", "puu", "puuu", "log-1");
			assertThat(batches).hasSize(1);
		}
	}

	@Test
	void whenABatchHoldsNoUpdateThenNoSnapshotIsTaken() {
		ManualExecutor executor = new ManualExecutor();
		MemoryEngine engine = MemoryEngine.embedded();
		MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build());
		try {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("plain").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			for (int i = 0; i < 100; i++) {
				mutex.put("k" + i, "v");
			}
			mutex.del("k0");
			mutex.afterWrite();
			executor.runAll();
			assertThat(engine.snapshotsAsked()).as("snapshots for batches of plain writes").isZero();
			mutex.update((ctx) -> ctx.get("k1"));
			mutex.update((ctx) -> ctx.get("k2"));
			executor.runAll();
			assertThat(engine.snapshotsAsked()).as("one snapshot for a batch with two updates").isEqualTo(1);
			mutex.closeAsync();
			executor.runAll();
		}
		finally {
			store.close();
		}
	}

	private static List<List<String>> recordBatches(Mutex<String, String> mutex) {
		List<List<String>> batches = new CopyOnWriteArrayList<>();
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				List<String> keys = new ArrayList<>();
				event.operations().forEach((op) -> keys.add(new String(op.key())));
				batches.add(keys);
			}
		});
		return batches;
	}

}
