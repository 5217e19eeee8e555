package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Mutex#update}: atomic read-modify-write with conflict detection. */
class ConditionalWriteTest {

	private final ManualMutex fixture = new ManualMutex("cas");

	private final ManualExecutor executor = this.fixture.executor;

	private final Mutex<String, String> mutex = this.fixture.mutex;

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenRevisionMatchesThenUpdateCommitsDocumentAndSequenceTogether() {
		this.mutex.put("doc", "1");
		this.executor.runAll();
		List<List<String>> batches = new ArrayList<>();
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				List<String> keys = new ArrayList<>();
				event.operations().forEach((op) -> keys.add(new String(op.key())));
				batches.add(keys);
			}
		});
		CompletableFuture<String> update = this.mutex.update((ctx) -> {
			if (!ctx.get("doc").orElseThrow().equals("1")) {
				throw new IllegalStateException("stale");
			}
			ctx.put("doc", "2");
			ctx.put("seq/2", "doc");
			return "2";
		});
		this.executor.runAll();
		assertThat(update).isCompletedWithValue("2");
		assertThat(batches).containsExactly(List.of("doc", "seq/2"));
		assertThat(read("doc")).contains("2");
		assertThat(read("seq/2")).contains("doc");
	}

	@Test
	void whenTwoUpdatesInOnePhaseThenTheSecondSeesTheFirst() {
		this.mutex.put("n", "0");
		this.executor.runAll();
		CompletableFuture<Integer> first = this.mutex.update(this::increment);
		CompletableFuture<Integer> second = this.mutex.update(this::increment);
		this.executor.runAll();
		assertThat(first).isCompletedWithValue(1);
		assertThat(second).isCompletedWithValue(2);
		assertThat(read("n")).contains("2");
		assertThat(this.mutex.stats().conflicts()).isZero();
	}

	@Test
	void whenPlainWriteIssuedBeforeUpdateThenUpdateSeesItAndCommitsWithoutConflict() {
		this.mutex.put("n", "0");
		this.executor.runAll();
		this.mutex.put("n", "100"); // issued before the update: applied before it, and seen by it
		CompletableFuture<Integer> update = this.mutex.update((ctx) -> {
			int n = Integer.parseInt(ctx.get("n").orElseThrow());
			ctx.put("n", Integer.toString(n + 1));
			ctx.put("side", "effect");
			return n + 1;
		});
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(101);
		assertThat(read("n")).contains("101");
		assertThat(read("side")).contains("effect");
		assertThat(this.mutex.stats().conflicts()).isZero();
	}

	@Test
	void whenRetriesAllowedThenOneRunSufficesOnTheEmbeddedEngine() {
		this.mutex.put("n", "0");
		this.executor.runAll();
		this.mutex.put("n", "100");
		AtomicInteger runs = new AtomicInteger();
		List<Integer> attempts = new ArrayList<>();
		CompletableFuture<Integer> update = this.mutex.update((ctx) -> {
			runs.incrementAndGet();
			attempts.add(ctx.attempt());
			return increment(ctx);
		}, 3);
		this.mutex.put("n", "500"); // issued after the update: applied after it, never its conflict
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(101);
		assertThat(runs).hasValue(1);
		assertThat(attempts).containsExactly(1);
		assertThat(read("n")).contains("500");
		assertThat(this.mutex.stats().conflicts()).isZero();
	}

	@Test
	void whenEarlierUpdateThrowsThenALaterUpdateSeesNothingOfIt() {
		this.mutex.put("a", "0");
		this.executor.runAll();
		this.mutex.put("a", "9");
		IllegalStateException refusal = new IllegalStateException("refused");
		CompletableFuture<String> first = this.mutex.update((ctx) -> {
			ctx.put("b", "from-first:" + ctx.get("a").orElseThrow());
			throw refusal;
		});
		CompletableFuture<String> second = this.mutex.update((ctx) -> {
			String b = ctx.get("b").orElse("none"); // the first update wrote nothing
			ctx.put("c", b + "/" + ctx.get("a").orElseThrow());
			return "second";
		});
		this.executor.runAll();
		assertThatThrownBy(first::join).cause().isSameAs(refusal);
		assertThat(second).isCompletedWithValue("second");
		assertThat(read("b")).isEmpty();
		assertThat(read("c")).contains("none/9");
		assertThat(read("a")).contains("9");
	}

	@Test
	void whenPlainWriteLandsInPeekedSpanBeforeTheUpdateThenThePeekSeesIt() {
		this.mutex.put("seq/0001", "a");
		this.executor.runAll();
		this.mutex.put("seq/0002", "b"); // issued before the update, inside the span its peekLast examines
		this.mutex.del("seq/0001");
		CompletableFuture<String> update = this.mutex.update((ctx) -> {
			Entry<String, String> last = ctx.peekLast(KeyRange.closedOpen("seq/", "seq0")).orElseThrow();
			Optional<Entry<String, String>> first = ctx.peekFirst(KeyRange.closedOpen("seq/", "seq0"));
			ctx.put("seq/0003", "mine after " + last.key());
			return last.key() + "," + first.map(Entry::key).orElse("none");
		});
		this.executor.runAll();
		assertThat(update).isCompletedWithValue("seq/0002,seq/0002");
		assertThat(read("seq/0002")).contains("b");
		assertThat(read("seq/0003")).contains("mine after seq/0002");
		assertThat(this.mutex.stats().conflicts()).isZero();
	}

	@Test
	void whenPlainWriteOutsideFootprintThenUpdateCommits() {
		this.mutex.put("seq/0001", "a");
		this.executor.runAll();
		this.mutex.put("other", "x");
		this.mutex.put("seq/0000", "before"); // below the span peekLast examined
		CompletableFuture<String> update = this.mutex.update((ctx) -> {
			Entry<String, String> last = ctx.peekLast(KeyRange.closedOpen("seq/", "seq0")).orElseThrow();
			ctx.put("seq/0002", "after " + last.key());
			return last.key();
		});
		this.executor.runAll();
		assertThat(update).isCompletedWithValue("seq/0001");
		assertThat(read("seq/0002")).contains("after seq/0001");
	}

	@Test
	void whenUpdatesOfOnePhasePeekThenEachSeesTheEarlierOnesEntries() {
		List<CompletableFuture<String>> updates = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			updates.add(this.mutex.update((ctx) -> {
				int next = ctx.peekLast(KeyRange.closedOpen("seq/", "seq0"))
					.map((entry) -> Integer.parseInt(entry.key().substring(4)) + 1)
					.orElse(1);
				String key = String.format("seq/%04d", next);
				ctx.put(key, "x");
				return key;
			}));
		}
		this.executor.runAll();
		assertThat(updates).extracting(CompletableFuture::join)
			.containsExactly("seq/0001", "seq/0002", "seq/0003", "seq/0004", "seq/0005");
	}

	@Test
	void whenFunctionThrowsThenFutureFailsWithItAndNothingIsWritten() {
		IllegalStateException refusal = new IllegalStateException("stale revision");
		CompletableFuture<Object> update = this.mutex.update((ctx) -> {
			ctx.put("k", "v");
			throw refusal;
		});
		this.executor.runAll();
		assertThatThrownBy(update::join).cause().isSameAs(refusal);
		assertThat(read("k")).isEmpty();
	}

	@Test
	void whenFunctionWritesNothingThenResultIsDeliveredInItsTurnWithoutABatch() {
		this.mutex.put("k", "v");
		this.executor.runAll();
		CompletableFuture<Optional<String>> update = this.mutex.update((ctx) -> ctx.get("k"));
		this.executor.runAll();
		assertThat(update).isCompletedWithValue(Optional.of("v"));
		assertThat(this.mutex.stats().batchesFlushed()).isEqualTo(1);
	}

	@Test
	void whenContextUsedAfterFunctionReturnedThenItRefuses() {
		AtomicInteger done = new AtomicInteger();
		List<UpdateContext<String, String>> leaked = new ArrayList<>();
		this.mutex.update((ctx) -> {
			leaked.add(ctx);
			return done.incrementAndGet();
		});
		this.executor.runAll();
		assertThatThrownBy(() -> leaked.get(0).put("k", "v")).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'cas'");
	}

	@Test
	void whenRevisionCheckUpdatesRaceThenExactlyOneWins() {
		this.mutex.put("doc", "rev-1");
		this.executor.runAll();
		List<CompletableFuture<String>> racers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String mine = "rev-2-by-" + i;
			racers.add(this.mutex.update((ctx) -> {
				if (!ctx.get("doc").orElseThrow().equals("rev-1")) {
					throw new IllegalStateException("conflict");
				}
				ctx.put("doc", mine);
				return mine;
			}));
		}
		this.executor.runAll();
		assertThat(racers.get(0)).isCompletedWithValue("rev-2-by-0");
		assertThat(racers.subList(1, 4)).allSatisfy((racer) -> assertThat(racer).isCompletedExceptionally());
		assertThat(read("doc")).contains("rev-2-by-0");
	}

	private Integer increment(UpdateContext<String, String> ctx) {
		int n = Integer.parseInt(ctx.get("n").orElse("0")) + 1;
		ctx.put("n", Integer.toString(n));
		return n;
	}

	private Optional<String> read(String key) {
		CompletableFuture<Optional<String>> read = this.mutex.get(key);
		this.executor.runAll();
		return read.join();
	}

}
