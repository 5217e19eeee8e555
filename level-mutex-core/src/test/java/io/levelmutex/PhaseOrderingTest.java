package io.levelmutex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** The phase cycle's ordering promises, run deterministically on a manual executor. */
class PhaseOrderingTest {

	private final List<List<String>> batches = new CopyOnWriteArrayList<>();

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final ManualMutex fixture = new ManualMutex("ordering");

	private final ManualExecutor executor = this.fixture.executor;

	private final Mutex<String, String> mutex = this.fixture.mutex;

	@BeforeEach
	void open() {
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onReads(ReadPhaseEvent event) {
				PhaseOrderingTest.this.events.add("reads:" + event.reads());
			}

			@Override
			public void onWrites(WriteBatchEvent event) {
				List<String> keys = new ArrayList<>();
				event.operations().forEach((op) -> keys.add(new String(op.key())));
				PhaseOrderingTest.this.batches.add(keys);
				PhaseOrderingTest.this.events.add("writes:" + keys.size());
			}

			@Override
			public void onFlushed(FlushEvent event) {
				PhaseOrderingTest.this.events.add("flushed:" + event.size());
			}
		});
	}

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenWriteIssuedFromReadCompletionThenItJoinsTheVeryNextBatch() {
		this.mutex.put("queued-before", "x");
		this.mutex.get("doc").thenAccept((value) -> this.mutex.put("decided", "y"));
		this.executor.runAll();
		assertThat(this.batches).containsExactly(List.of("queued-before", "decided"));
		assertThat(this.events).containsExactly("reads:1", "writes:2", "flushed:2");
	}

	@Test
	void whenReadThenWriteChainsThenNoOtherPhaseComesBetween() {
		this.mutex.put("counter", "0");
		this.executor.runAll();
		this.batches.clear();
		// two chained read-then-write decisions issued in the same instant: each sees "0"
		// and its write lands in the batch right after its read phase
		List<String> seen = Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 2; i++) {
			String writer = "writer" + i;
			this.mutex.get("counter").thenAccept((value) -> {
				seen.add(value.orElseThrow());
				this.mutex.put(writer, value.orElseThrow());
			});
		}
		this.executor.runAll();
		assertThat(seen).containsExactly("0", "0");
		assertThat(this.batches).containsExactly(List.of("writer0", "writer1"));
	}

	@Test
	void whenManyReadsThenResultsDeliveredInIssueOrder() {
		for (int i = 0; i < 20; i++) {
			this.mutex.put("k" + (char) ('a' + i), "v" + i);
		}
		this.executor.runAll();
		List<Integer> delivered = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 60; i++) {
			int index = i;
			CompletableFuture<?> read = switch (i % 3) {
				case 0 -> this.mutex.get("k" + (char) ('a' + (i % 20)));
				case 1 -> this.mutex.peekFirst(KeyRange.atLeast("k" + (char) ('a' + (i % 20))));
				default -> this.mutex.peekLast();
			};
			read.thenRun(() -> delivered.add(index));
		}
		this.executor.runAll();
		assertThat(delivered).hasSize(60).isSorted();
		assertThat(this.events).contains("reads:60");
	}

	@Test
	void whenManyWritesQueuedThenOneBatchAndCompletionInIssueOrder() {
		List<Integer> completed = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 50; i++) {
			int index = i;
			CompletableFuture<Void> write = (i % 5 == 4) ? this.mutex.del("k" + i) : this.mutex.put("k" + i, "v");
			write.thenRun(() -> completed.add(index));
		}
		this.executor.runAll();
		assertThat(this.batches).hasSize(1);
		assertThat(this.batches.get(0)).hasSize(50);
		assertThat(this.events).containsExactly("writes:50", "flushed:50");
		assertThat(completed).hasSize(50).isSorted();
	}

	@Test
	void whenWriteCompletedThenLaterReadSeesIt() {
		this.mutex.put("k", "v1");
		this.executor.runAll();
		CompletableFuture<Optional<String>> read = this.mutex.get("k");
		this.executor.runAll();
		assertThat(read).isCompletedWithValue(Optional.of("v1"));
	}

	@Test
	void whenAfterWriteWithNothingQueuedThenCompletesAtOnce() {
		assertThat(this.mutex.afterWrite()).isCompleted();
	}

	@Test
	void whenAfterWriteThenCompletesOnlyAfterEarlierWritesFlushed() {
		CompletableFuture<Void> write = this.mutex.put("k", "v");
		CompletableFuture<Void> barrier = this.mutex.afterWrite();
		assertThat(barrier).isNotDone();
		List<String> order = new CopyOnWriteArrayList<>();
		write.thenRun(() -> order.add("write"));
		barrier.thenRun(() -> order.add("barrier"));
		this.executor.runAll();
		assertThat(order).containsExactly("write", "barrier");
	}

	@Test
	void whenReadsAndWritesQueuedTogetherThenReadPhaseRunsFirst() {
		this.mutex.put("k", "old");
		this.executor.runAll();
		this.events.clear();
		CompletableFuture<Void> write = this.mutex.put("k", "new");
		CompletableFuture<Optional<String>> read = this.mutex.get("k");
		this.executor.runAll();
		assertThat(write).isCompleted();
		assertThat(read).isCompletedWithValue(Optional.of("old"));
		assertThat(this.events).containsExactly("reads:1", "writes:1", "flushed:1");
	}

}
