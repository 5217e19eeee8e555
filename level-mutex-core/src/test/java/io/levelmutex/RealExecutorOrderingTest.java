package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/** Ordering promises under real concurrency, on the store's own cycle pool. */
class RealExecutorOrderingTest {

	private TempStore temp;

	private Mutex<String, String> mutex;

	@BeforeEach
	void open() {
		this.temp = TempStore.open();
		this.mutex = this.temp.store.mutex(MutexOptions.builder("real").build(), Codecs.utf8(), Codecs.utf8());
	}

	@AfterEach
	void close() {
		this.temp.close();
	}

	@Test
	void whenManyThreadsWriteThenEveryAcknowledgedWriteIsReadBack() throws Exception {
		int threads = 8;
		int perThread = 500;
		ExecutorService callers = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			submitted.add(callers.submit(() -> {
				start.await();
				List<CompletableFuture<Void>> mine = new ArrayList<>();
				for (int i = 0; i < perThread; i++) {
					mine.add(this.mutex.put("t" + thread + "-" + i, Integer.toString(i)));
				}
				return mine;
			}));
		}
		start.countDown();
		for (var future : submitted) {
			writes.addAll(future.get(30, TimeUnit.SECONDS));
		}
		callers.shutdown();
		CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		List<CompletableFuture<Optional<String>>> reads = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			for (int i = 0; i < perThread; i++) {
				reads.add(this.mutex.get("t" + t + "-" + i));
			}
		}
		CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		int index = 0;
		for (int t = 0; t < threads; t++) {
			for (int i = 0; i < perThread; i++) {
				assertThat(reads.get(index++).join()).contains(Integer.toString(i));
			}
		}
		assertThat(this.mutex.stats().writesFlushed()).isEqualTo(threads * perThread);
		assertThat(this.mutex.stats().batchesFlushed()).isLessThanOrEqualTo(threads * perThread);
	}

	@Test
	void whenCallbackChainsReadThenWriteThenNextReadSeesTheWrite() throws Exception {
		// a closed loop: each step reads the counter and writes counter+1 from the read's
		// completion; no other writer, so every step must see the previous step's write
		CompletableFuture<Integer> done = new CompletableFuture<>();
		this.mutex.put("n", "0").join();
		step(0, 200, done);
		assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo(200);
		assertThat(this.mutex.get("n").get(60, TimeUnit.SECONDS)).contains("200");
	}

	private void step(int expected, int last, CompletableFuture<Integer> done) {
		this.mutex.get("n").thenAccept((value) -> {
			int current = Integer.parseInt(value.orElseThrow());
			if (current != expected) {
				done.completeExceptionally(new AssertionError("expected " + expected + " but read " + current));
				return;
			}
			if (current == last) {
				done.complete(current);
				return;
			}
			this.mutex.put("n", Integer.toString(current + 1)).thenRun(() -> step(current + 1, last, done));
		});
	}

}
