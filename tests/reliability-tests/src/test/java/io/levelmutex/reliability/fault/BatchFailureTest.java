package io.levelmutex.reliability.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteOperation;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.TestStores;
import io.levelmutex.rocksdb.RocksStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that fails ({@link StoreOptions.Builder#batchInterceptor} throwing whenever a batch
 * holds a "poison" key): every write of that batch, and only of that batch, fails with a
 * {@link StorageException} caused by the injected error and is not applied; units of several
 * keys fail whole; another mutex on the same store, writing the same keys, is untouched; the mutex keeps cycling;
 * and its statistics report the failed batch ({@code lastBatchFailed}, which the starter's
 * health indicator turns into DOWN) until the next batch is written.
 */
class BatchFailureTest {

	static final int THREADS = 16;

	static final int WRITES_PER_THREAD = 150;

	@TempDir
	Path dir;

	@Test
	void whenBatchFailsThenExactlyItsWritesFailWithTheInjectedCauseAndTheMutexKeepsCycling() throws Exception {
		AtomicInteger faults = new AtomicInteger();
		StoreOptions options = StoreOptions.builder().batchInterceptor((mutexName, operations) -> {
			for (WriteOperation operation : operations) {
				if (mutexName.equals("faulty")
						&& new String(operation.key(), StandardCharsets.UTF_8).startsWith("poison")) {
					throw new IOException("injected disk failure #" + faults.incrementAndGet());
				}
			}
		}).build();
		try (MutexStore store = RocksStore.builder(this.dir).storeOptions(options).open()) {
			Mutex<String, String> faulty = TestStores.strings(store, MutexOptions.builder("faulty").build());
			Mutex<String, String> bystander = TestStores.strings(store, MutexOptions.builder("bystander").build());
			List<FlushEvent> flushes = new CopyOnWriteArrayList<>();
			faulty.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					flushes.add(event);
				}
			});
			Map<String, CompletableFuture<?>> faultyWrites = new ConcurrentHashMap<>();
			Map<String, CompletableFuture<?>> bystanderWrites = new ConcurrentHashMap<>();
			ExecutorService clients = Executors.newFixedThreadPool(THREADS + 2);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < THREADS; t++) {
					int thread = t;
					done.add(clients.submit(() -> {
						for (int n = 0; n < WRITES_PER_THREAD; n++) {
							String key = ((n % 10 == 9) ? "poison/" : "ok/") + thread + "/" + n;
							if (n % 7 == 3) {
								String unit = "unit/" + thread + "/" + n;
								faultyWrites.put(unit, faulty.update((context) -> {
									context.put(unit + "/a", "a");
									context.put(unit + "/b", "b");
									return null;
								}));
							}
							CompletableFuture<Void> put = faulty.put(key, "value of " + key);
							faultyWrites.put(key, put);
							// One write in flight per client keeps batches small: some fail, some not.
							put.handle((result, ex) -> null).get(30, TimeUnit.SECONDS);
						}
						return null;
					}));
				}
				for (int t = 0; t < 2; t++) {
					int thread = t;
					done.add(clients.submit(() -> {
						for (int n = 0; n < WRITES_PER_THREAD; n++) {
							String key = "poison/" + thread + "/" + n;
							bystanderWrites.put(key, bystander.put(key, "value of " + key));
						}
					}));
				}
				for (Future<?> future : done) {
					future.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				clients.shutdown();
			}
			CompletableFuture.allOf(faultyWrites.values().toArray(CompletableFuture[]::new))
				.handle((result, ex) -> null)
				.get(60, TimeUnit.SECONDS);
			CompletableFuture.allOf(bystanderWrites.values().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

			Map<String, FlushEvent> batchOf = new ConcurrentHashMap<>();
			for (FlushEvent event : flushes) {
				for (WriteOperation operation : event.operations()) {
					batchOf.put(new String(operation.key(), StandardCharsets.UTF_8), event);
				}
			}
			long failedBatches = flushes.stream().filter((event) -> !event.succeeded()).count();
			assertThat(failedBatches).as("batches vetoed by the injected fault").isPositive();
			assertThat(flushes.stream().filter(FlushEvent::succeeded).count()).as("batches written").isPositive();
			long failedWrites = 0;
			for (Map.Entry<String, CompletableFuture<?>> write : faultyWrites.entrySet()) {
				String key = write.getKey();
				boolean unit = key.startsWith("unit/");
				FlushEvent event = batchOf.get(unit ? key + "/a" : key);
				assertThat(event).as("the flushed event that carried %s", key).isNotNull();
				if (unit) {
					assertThat(batchOf.get(key + "/b")).as("both writes of unit %s in one batch", key).isSameAs(event);
				}
				if (event.succeeded()) {
					assertThat(write.getValue()).as("write %s in a written batch", key).isCompletedWithValue(null);
				}
				else {
					failedWrites++;
					assertThat(write.getValue()).as("write %s in a failed batch", key)
						.failsWithin(java.time.Duration.ZERO)
						.withThrowableOfType(java.util.concurrent.ExecutionException.class)
						.havingCause()
						.isInstanceOf(StorageException.class)
						.withMessageContaining("faulty")
						.havingCause()
						.isInstanceOf(IOException.class)
						.isSameAs(event.error() instanceof StorageException storage ? storage.getCause() : event.error());
				}
			}
			for (Map.Entry<String, CompletableFuture<?>> write : faultyWrites.entrySet()) {
				String key = write.getKey();
				boolean failed = write.getValue().isCompletedExceptionally();
				if (key.startsWith("unit/")) {
					assertThat(faulty.get(key + "/a").get(10, TimeUnit.SECONDS)).as("unit part %s/a", key)
						.isEqualTo(failed ? Optional.empty() : Optional.of("a"));
					assertThat(faulty.get(key + "/b").get(10, TimeUnit.SECONDS)).as("unit part %s/b", key)
						.isEqualTo(failed ? Optional.empty() : Optional.of("b"));
				}
				else {
					assertThat(faulty.get(key).get(10, TimeUnit.SECONDS)).as("stored value of %s", key)
						.isEqualTo(failed ? Optional.empty() : Optional.of("value of " + key));
				}
			}
			for (String key : bystanderWrites.keySet()) {
				assertThat(bystanderWrites.get(key)).as("bystander write %s", key).isCompletedWithValue(null);
				assertThat(bystander.get(key).get(10, TimeUnit.SECONDS)).contains("value of " + key);
			}
			assertThat(faulty.stats().batchesFailed()).isEqualTo(failedBatches);
			assertThat(faulty.stats().lastError()).isNotNull();

			assertThat(faulty.put("poison/last", "x")).failsWithin(10, TimeUnit.SECONDS);
			assertThat(faulty.stats().lastBatchFailed()).as("what the starter's health indicator reports as DOWN")
				.isTrue();
			faulty.put("after/1", "still cycling").get(10, TimeUnit.SECONDS);
			assertThat(faulty.get("after/1").get(10, TimeUnit.SECONDS)).contains("still cycling");
			assertThat(faulty.stats().lastBatchFailed()).as("recovered after a written batch").isFalse();

			Report.figure("fault.batch", "writesIssued", faultyWrites.size() + bystanderWrites.size());
			Report.figure("fault.batch", "batchesFailedByInjection", failedBatches);
			Report.figure("fault.batch", "writesFailedWithBatch", failedWrites);
		}
	}

}
