package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every test of {@link EngineCycleTest} on an engine that batches update reads: the functions of a batch run once
 * more to predict their reads (on a context where the keyspace looks empty), one plan fetches them, and unpredicted
 * reads are read on their own; results, rejections, attempts, spans, remote changes and completions must be exactly
 * as on an engine that reads a snapshot. The tests that count function runs or snapshots are restated with the
 * prediction runs and plans counted.
 */
class EngineCycleBatchingReadsTest extends EngineCycleTest {

	@Override
	MemoryEngine newEngine() {
		return new MemoryEngine().batchingReads();
	}

	@Override
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
		assertThat(seen).as("per attempt: the prediction (sees nothing), then the real run")
			.containsExactly("none", "none", "none", "other1");
		assertThat(this.engine.contents("m")).containsEntry("c", "mine");
		assertThat(mutex.stats().conflicts()).isEqualTo(1);
	}

	@Override
	@Test
	void whenAnUpdatesSnapshotFailsThenTheBatchsLaterUpdatesFailTheSameWayWithoutAskingAgain() {
		Mutex<String, String> mutex = mutex(3);
		for (int i = 0; i < 3; i++) {
			this.engine.failNextSnapshot(new StorageUnavailableException("server down " + i, new RuntimeException("refused")));
		}
		int asked = this.engine.plans().size();
		CompletableFuture<Integer> first = mutex.update(increment("a"));
		CompletableFuture<Void> put = mutex.put("p", "1");
		CompletableFuture<Integer> second = mutex.update(increment("b"));
		CompletableFuture<Integer> third = mutex.update(increment("c"));
		this.executor.runAll();
		assertThat(this.engine.plans().size() - asked).as("one prefetch asked for the batch").isEqualTo(1);
		for (CompletableFuture<Integer> update : List.of(first, second, third)) {
			assertThatThrownBy(update::join).cause()
				.isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("'m'")
				.hasMessageContaining("server down 0");
		}
		assertThat(put).isCompleted();
		assertThat(this.engine.contents("m")).containsEntry("p", "1");
	}

	@Override
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
		assertThat(runs).as("a prediction run and a real run per attempt").hasValue(2 * perCall);
	}

}
