package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.FlushEvent;
import io.levelmutex.LevelMutexException;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's committer of durable batches ({@link GroupCommitter}): the ready batches of many mutexes go out in one
 * synced write while their cycles hold no thread; each mutex keeps its atomicity, issue order and events; a failure
 * fails exactly the batches it concerns; every operation completes exactly once, through closes too.
 */
class GroupCommitTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** A write hook whose first {@code blocked} writes wait for a latch, counting writes and their entries. */
	static final class Gate {

		final int blocked;

		final CountDownLatch entered;

		Gate() {
			this(GroupCommitter.WRITERS); // every writer of the committer
		}

		Gate(int blocked) {
			this.blocked = blocked;
			this.entered = new CountDownLatch(blocked);
		}

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger writes = new AtomicInteger();

		final ConcurrentLinkedQueue<Integer> entries = new ConcurrentLinkedQueue<>();

		/** Write number (from 1) that throws, or 0. */
		volatile int failing;

		void beforeWrite(WriteBatch batch) throws RocksDBException {
			int number = this.writes.incrementAndGet();
			this.entries.add(batch.count());
			if (number <= this.blocked) {
				this.entered.countDown();
				await(this.release);
			}
			if (number == this.failing) {
				throw new RocksDBException("injected failure of write " + number);
			}
		}

	}

	private static MutexStore open(Path path, Gate gate, int cycleThreads) {
		return RocksStore.builder(path)
			.storeOptions(StoreOptions.builder().durable(true).cycleThreads(cycleThreads).build())
			.access((db) -> new RocksAccess(db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					gate.beforeWrite(batch);
					super.write(options, batch);
				}
			})
			.open();
	}

	private static GroupCommitter committer(MutexStore store) {
		return ((RocksEngine) store.engine()).committer();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
				throw new AssertionError("latch not reached within " + WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Waits (bounded) until a condition holds: the committer's queue is only observable by polling. */
	private static void until(BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not reached within " + WAIT);
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

	/** One put on each of {@link GroupCommitter#WRITERS} mutexes: with a blocking gate, every writer then waits. */
	private static List<CompletableFuture<Void>> blockWriters(MutexStore store, Gate gate) {
		List<CompletableFuture<Void>> puts = new ArrayList<>();
		for (int w = 0; w < GroupCommitter.WRITERS; w++) {
			puts.add(store.mutex("blocker" + w).put(bytes("k"), bytes("v")));
			long left = GroupCommitter.WRITERS - 1 - w;
			until(() -> gate.entered.getCount() <= left); // one write per writer, not both puts in one
		}
		return puts;
	}

	@Test
	void whenOneDurableWriteIsStuckThenAnotherMutexStillCommits() throws Exception {
		Gate gate = new Gate(1);
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 1)) {
			CompletableFuture<Void> stuck = store.mutex("stuck").put(bytes("k"), bytes("v1"));
			await(gate.entered);
			Mutex<byte[], byte[]> other = store.mutex("other");
			other.put(bytes("k"), bytes("v2")).get(30, TimeUnit.SECONDS);
			assertThat(stuck).isNotDone();
			gate.release.countDown();
			stuck.get(30, TimeUnit.SECONDS);
			assertThat(other.get(bytes("k")).join()).map(String::new).contains("v2");
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenManyMutexesWithBatchLimitOneAreReadyThenOneSyncedWriteCarriesThemAllInIssueOrder() {
		Gate gate = new Gate();
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2)) {
			List<CompletableFuture<Void>> first = new ArrayList<>();
			int n = 16;
			List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>();
			first.addAll(blockWriters(store, gate));
			await(gate.entered);
			List<List<Integer>> completed = new ArrayList<>();
			List<CompletableFuture<Void>> all = new ArrayList<>();
			for (int m = 0; m < n; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("m" + m).maxBatchOperations(1).build());
				mutexes.add(mutex);
				List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
				completed.add(order);
				for (int i = 0; i < 3; i++) {
					int index = i;
					all.add(mutex.put(bytes("k" + i), bytes("v" + m + "/" + i)).whenComplete((v, e) -> order.add(index)));
				}
			}
			GroupCommitter committer = committer(store);
			until(() -> committer.queued() == n); // one batch (limit 1) of each mutex waits
			gate.release.countDown();
			CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
			first.forEach(CompletableFuture::join);
			assertThat(gate.entries).contains(n); // the 16 batches went out in one write
			for (int m = 0; m < n; m++) {
				assertThat(completed.get(m)).containsExactly(0, 1, 2);
				for (int i = 0; i < 3; i++) {
					assertThat(mutexes.get(m).get(bytes("k" + i)).join()).map(String::new)
						.contains("v" + m + "/" + i);
				}
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenTheSharedWriteFailsThenExactlyItsBatchesFailEachNamingItsMutex() {
		Gate gate = new Gate();
		gate.failing = GroupCommitter.WRITERS + 1; // the write that carries the batches queued behind the blocked ones
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2)) {
			CompletableFuture<Void> first = CompletableFuture.allOf(blockWriters(store, gate).toArray(new CompletableFuture<?>[0]));
			await(gate.entered);
			int n = 5;
			List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>();
			List<CompletableFuture<Void>> failed = new ArrayList<>();
			for (int m = 0; m < n; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex("m" + m);
				mutexes.add(mutex);
				failed.add(mutex.put(bytes("k"), bytes("lost")));
			}
			GroupCommitter committer = committer(store);
			until(() -> committer.queued() == n);
			gate.release.countDown();
			first.join();
			for (int m = 0; m < n; m++) {
				CompletableFuture<Void> future = failed.get(m);
				Throwable cause = catchCause(future); // completes on the mutex's executor, after the write
				assertThat(cause).isInstanceOf(StorageException.class).hasMessageContaining("mutex 'm" + m + "'")
					.hasMessageContaining("injected failure of write " + gate.failing);
				// nothing of the failed batch was applied, and the mutex goes on
				assertThat(mutexes.get(m).get(bytes("k")).join()).isEmpty();
				mutexes.get(m).put(bytes("k"), bytes("later")).join();
				assertThat(mutexes.get(m).get(bytes("k")).join()).map(String::new).contains("later");
			}
			assertThat(store.mutex("blocker0").get(bytes("k")).join()).map(String::new).contains("v");
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenOneMutexsUpdateFailsInAJoinedWriteThenOnlyThatUpdateFailsAndTheOthersCommit() {
		Gate gate = new Gate();
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2)) {
			CompletableFuture<Void> first = CompletableFuture.allOf(blockWriters(store, gate).toArray(new CompletableFuture<?>[0]));
			await(gate.entered);
			Mutex<String, String> bad = store.mutex(MutexOptions.builder("bad").build(), Codecs.utf8(), Codecs.utf8());
			Mutex<String, String> good = store.mutex(MutexOptions.builder("good").build(), Codecs.utf8(), Codecs.utf8());
			CompletableFuture<Void> badBefore = bad.put("a", "1");
			CompletableFuture<Object> badUpdate = bad.update((context) -> {
				throw new IllegalStateException("refused by the update");
			});
			CompletableFuture<Void> badAfter = bad.put("b", "2");
			CompletableFuture<Void> goodPut = good.put("a", "1");
			GroupCommitter committer = committer(store);
			until(() -> committer.queued() == 2);
			gate.release.countDown();
			first.join();
			badBefore.join();
			badAfter.join();
			goodPut.join();
			assertThat(badUpdate).isCompletedExceptionally();
			assertThat(bad.get("a").join()).contains("1");
			assertThat(bad.get("b").join()).contains("2");
			assertThat(good.get("a").join()).contains("1");
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenABatchCannotBeAddedToTheJoinedWriteThenOnlyItFailsAndTheOthersInTheWriteCommit() throws Exception {
		Path path = TempStore.newDirectory();
		Gate gate = new Gate();
		gate.release.countDown();
		try (MutexStore store = open(path, gate, 1)) {
			RocksEngine engine = (RocksEngine) store.engine();
			Mutex<byte[], byte[]> mutex = store.mutex("a");
			mutex.put(bytes("x"), bytes("y")).join(); // the engine and its committer are up
			GroupCommitter committer = engine.committer();
			RocksKeyspaceStorage storage = new RocksKeyspaceStorage(engine.access(),
					RocksStore.rocksDB(store).getDefaultColumnFamily(), new WriteOptions().setSync(true), bytes("z"),
					committer);
			io.levelmutex.WriteOperation ok = io.levelmutex.WriteOperations.of(io.levelmutex.WriteOperation.Type.PUT, bytes("ok"), bytes("zok"), bytes("1"));
			io.levelmutex.WriteOperation broken = io.levelmutex.WriteOperations.of(io.levelmutex.WriteOperation.Type.PUT, bytes("broken"), bytes("zbroken"), bytes("1"));
			// a batch whose stored key is null cannot be added: the native put refuses it
			java.util.List<byte[]> nullKey = new ArrayList<>();
			nullKey.add(null);
			CompletableFuture<io.levelmutex.engine.CommitResult> refused = committer.submit(storage,
					RocksStore.rocksDB(store).getDefaultColumnFamily(),
					new io.levelmutex.engine.EngineBatch(1, List.of(broken), nullKey, List.of()));
			CompletableFuture<io.levelmutex.engine.CommitResult> accepted = committer.submit(storage,
					RocksStore.rocksDB(store).getDefaultColumnFamily(),
					new io.levelmutex.engine.EngineBatch(2, List.of(ok), List.of(bytes("zok")), List.of()));
			assertThat(accepted.get(30, TimeUnit.SECONDS).appliedOperations()).isEqualTo(1);
			assertThat(catchCause(refused)).isInstanceOf(StorageException.class);
			assertThat(RocksStore.rocksDB(store).get(bytes("zok"))).isEqualTo(bytes("1"));
			storage.close();
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@ParameterizedTest(name = "store close: {0}")
	@ValueSource(booleans = { false, true })
	void whenClosingWhileBatchesWaitInTheCommitterThenEveryOperationCompletesExactlyOnce(boolean storeClose)
			throws Exception {
		Gate gate = new Gate();
		Path path = TempStore.newDirectory();
		MutexStore store = open(path, gate, 2);
		try {
			CompletableFuture<Void> first = CompletableFuture.allOf(blockWriters(store, gate).toArray(new CompletableFuture<?>[0]));
			await(gate.entered);
			int n = 4;
			List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>();
			List<CompletableFuture<Void>> futures = new ArrayList<>();
			AtomicInteger completions = new AtomicInteger();
			for (int m = 0; m < n; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("m" + m).maxBatchOperations(1).build());
				mutexes.add(mutex);
				for (int i = 0; i < 3; i++) {
					futures.add(mutex.put(bytes("k" + i), bytes("v")).whenComplete((v, e) -> completions.incrementAndGet()));
				}
			}
			GroupCommitter committer = committer(store);
			until(() -> committer.queued() == n);
			CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
				if (storeClose) {
					store.close();
				}
				else {
					mutexes.forEach(Mutex::close);
				}
			});
			gate.release.countDown();
			closing.get(60, TimeUnit.SECONDS);
			first.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
			CompletableFuture.allOf(futures.stream().map((f) -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
				.get(60, TimeUnit.SECONDS);
			assertThat(completions.get()).isEqualTo(3 * n);
			for (CompletableFuture<Void> future : futures) {
				if (future.isCompletedExceptionally()) {
					assertThat(catchCause(future)).isInstanceOf(LevelMutexException.class);
				}
			}
			if (!storeClose) { // a mutex's close runs every queued operation to completion
				assertThat(futures).allSatisfy((f) -> assertThat(f).isCompleted().isNotCompletedExceptionally());
				assertThat(mutexes).allSatisfy((m) -> assertThat(m.isClosed()).isTrue());
			}
		}
		finally {
			gate.release.countDown();
			store.close();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenOneMutexsFlushedListenerBlocksOrThrowsThenTheOtherMutexesStillComplete() {
		Gate gate = new Gate();
		gate.release.countDown();
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2)) {
			Mutex<byte[], byte[]> blocked = store.mutex("blocked");
			Mutex<byte[], byte[]> throwing = store.mutex("throwing");
			Mutex<byte[], byte[]> other = store.mutex("other");
			CountDownLatch inListener = new CountDownLatch(1);
			CountDownLatch unblock = new CountDownLatch(1);
			blocked.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					inListener.countDown();
					await(unblock);
				}
			});
			throwing.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					throw new IllegalStateException("listener fails");
				}
			});
			CompletableFuture<Void> held = blocked.put(bytes("k"), bytes("v"));
			await(inListener);
			// while one mutex's flushed listener blocks its cycle, the others commit through the committer
			for (int i = 0; i < 20; i++) {
				throwing.put(bytes("k" + i), bytes("v")).join();
				other.put(bytes("k" + i), bytes("v")).join();
			}
			assertThat(held).isNotDone();
			unblock.countDown();
			held.join();
			assertThat(throwing.get(bytes("k19")).join()).isPresent();
			assertThat(blocked.get(bytes("k")).join()).isPresent();
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1L, 2L, 3L, 4L, 5L, 6L })
	void seededRandomRunsOverManyMutexesMatchTheModel(long seed) throws Exception {
		Random random = new Random(seed);
		Gate gate = new Gate();
		gate.release.countDown();
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 1 + random.nextInt(3))) {
			int mutexCount = 2 + random.nextInt(10);
			List<Mutex<String, String>> mutexes = new ArrayList<>();
			List<Map<String, String>> models = new ArrayList<>();
			List<List<Integer>> completionOrders = new ArrayList<>();
			List<CompletableFuture<?>> futures = new ArrayList<>();
			int[] issued = new int[mutexCount];
			for (int m = 0; m < mutexCount; m++) {
				MutexOptions.Builder options = MutexOptions.builder("r" + m);
				int limit = random.nextInt(4);
				if (limit > 0) {
					options.maxBatchOperations(limit);
				}
				mutexes.add(store.mutex(options.build(), Codecs.utf8(), Codecs.utf8()));
				models.add(new HashMap<>());
				completionOrders.add(java.util.Collections.synchronizedList(new ArrayList<>()));
			}
			AtomicInteger completions = new AtomicInteger();
			int operations = 400 + random.nextInt(400);
			for (int i = 0; i < operations; i++) {
				int m = random.nextInt(mutexCount);
				Mutex<String, String> mutex = mutexes.get(m);
				Map<String, String> model = models.get(m);
				String key = "k" + random.nextInt(8);
				int number = issued[m]++;
				List<Integer> order = completionOrders.get(m);
				CompletableFuture<?> future;
				int kind = random.nextInt(10);
				if (kind < 6) {
					String value = "v" + i;
					model.put(key, value);
					future = mutex.put(key, value);
				}
				else if (kind < 8) {
					model.remove(key);
					future = mutex.del(key);
				}
				else {
					String value = "u" + i;
					model.put(key, value);
					future = mutex.update((context) -> {
						context.put(key, value);
						return null;
					});
				}
				futures.add(future.whenComplete((v, e) -> {
					completions.incrementAndGet();
					order.add(number);
				}));
			}
			CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
			assertThat(completions.get()).isEqualTo(operations);
			for (int m = 0; m < mutexCount; m++) {
				List<Integer> order = completionOrders.get(m);
				for (int i = 0; i < order.size(); i++) {
					assertThat(order.get(i)).as("mutex r%d completes in issue order", m).isEqualTo(i);
				}
				for (int k = 0; k < 8; k++) {
					String key = "k" + k;
					assertThat(mutexes.get(m).get(key).join()).as("mutex r%d key %s", m, key)
						.isEqualTo(Optional.ofNullable(models.get(m).get(key)));
				}
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	private static Throwable catchCause(CompletableFuture<?> future) {
		try {
			future.join();
			throw new AssertionError("expected a failure");
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

}
