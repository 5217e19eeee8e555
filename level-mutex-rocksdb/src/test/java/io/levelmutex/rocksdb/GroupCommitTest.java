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
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
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
import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;
import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's committer of durable batches ({@link GroupCommitter}): a batch handed over while nothing is in flight
 * is written by its own cycle (the direct path); the ready batches of many mutexes handed over meanwhile go out in
 * one synced write while their cycles hold no thread (the joined path); each mutex keeps its atomicity, issue order
 * and events; a failure fails exactly the batches it concerns; every operation completes exactly once, through
 * closes too, on either path.
 */
class GroupCommitTest {

	private static final Duration WAIT = Duration.ofSeconds(120); // a bound for a failure report on a loaded machine, never a measure

	/** The committer's writer threads' names start with this. */
	private static final String WRITER_THREAD = "level-mutex-commit-";

	/**
	 * A write hook whose first {@code blocked} writes wait for a latch, counting writes, their entries and the
	 * threads that ran them.
	 */
	static final class Gate {

		final int blocked;

		final CountDownLatch entered;

		Gate() {
			this(2); // a cycle's direct write and the one writer of the committer inside RocksDB's write
		}

		Gate(int blocked) {
			this.blocked = blocked;
			this.entered = new CountDownLatch(blocked);
		}

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger writes = new AtomicInteger();

		final ConcurrentLinkedQueue<Integer> entries = new ConcurrentLinkedQueue<>();

		/** The thread of each write, in write order. */
		final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

		/** @return how many writes ran on the committer's writer threads (the others ran on cycle threads) */
		long joinedWrites() {
			return this.threads.stream().filter((name) -> name.startsWith(WRITER_THREAD)).count();
		}

		/** Write number (from 1) that throws, or 0. */
		volatile int failing;

		void beforeWrite(WriteBatch batch) throws RocksDBException {
			int number = this.writes.incrementAndGet();
			this.entries.add(batch.count());
			this.threads.add(Thread.currentThread().getName());
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

	/**
	 * One put on each of 2 mutexes: with a blocking gate, the first waits in its cycle's direct write, the second
	 * in a writer's write (inside RocksDB); what is handed over next stays queued, for the write after it.
	 */
	private static List<CompletableFuture<Void>> blockWriters(MutexStore store, Gate gate) {
		List<CompletableFuture<Void>> puts = new ArrayList<>();
		int writes = 2;
		for (int w = 0; w < writes; w++) {
			puts.add(store.mutex("blocker" + w).put(bytes("k"), bytes("v")));
			long left = writes - 1 - w;
			until(() -> gate.entered.getCount() <= left); // the direct write first, then the writer's
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
			other.put(bytes("k"), bytes("v2")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(stuck).isNotDone();
			gate.release.countDown();
			stuck.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(other.get(bytes("k")).join()).map(String::new).contains("v2");
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenAWriterIsInsideRocksDBThenTheBatchesHandedOverMeanwhileWaitAndOneSyncedWriteCarriesThemAllInIssueOrder() {
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
			// the direct write, the stuck writer's, then ONE write with the 16 batches gathered behind it
			assertThat(List.copyOf(gate.entries).subList(0, 3)).containsExactly(1, 1, n);
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
		// the write that carries the batches queued behind the blocked ones (a direct write and a writer's)
		gate.failing = 3;
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

	@ParameterizedTest(name = "joined: {0}")
	@ValueSource(booleans = { false, true })
	void whenABatchCannotBeAddedToTheNativeBatchThenOnlyItFailsAndTheOthersCommit(boolean joined) throws Exception {
		Path path = TempStore.newDirectory();
		Gate gate = new Gate();
		if (!joined) {
			gate.release.countDown();
		}
		try (MutexStore store = open(path, gate, 2)) {
			RocksEngine engine = (RocksEngine) store.engine();
			List<CompletableFuture<Void>> first = joined ? blockWriters(store, gate) : List.of();
			if (!joined) {
				store.mutex("a").put(bytes("x"), bytes("y")).join(); // the engine and its committer are up
			}
			GroupCommitter committer = engine.committer();
			ColumnFamilyHandle family = RocksStore.rocksDB(store).getDefaultColumnFamily();
			RocksKeyspaceStorage storage = new RocksKeyspaceStorage(engine.access(), family,
					new WriteOptions().setSync(true), bytes("z"), committer);
			WriteOperation ok = WriteOperations.of(WriteOperation.Type.PUT, bytes("ok"), bytes("zok"), bytes("1"));
			WriteOperation broken = WriteOperations.of(WriteOperation.Type.PUT, bytes("broken"), bytes("zbroken"),
					bytes("1"));
			// a batch whose second stored key is null cannot be added: the native put refuses it after its first
			// operation went in, which the save point must take out again
			WriteOperation before = WriteOperations.of(WriteOperation.Type.PUT, bytes("pre"), bytes("zpre"),
					bytes("1"));
			List<byte[]> nullKey = new ArrayList<>();
			nullKey.add(bytes("zpre"));
			nullKey.add(null);
			CompletableFuture<CommitResult> refused = committer.submit(storage, family,
					new EngineBatch(1, List.of(before, broken), nullKey, List.of()));
			CompletableFuture<CommitResult> accepted = committer.submit(storage, family,
					new EngineBatch(2, List.of(ok), List.of(bytes("zok")), List.of()));
			if (joined) {
				assertThat(committer.queued()).isEqualTo(2); // both wait behind the blocked writes, for one write
				gate.release.countDown();
				first.forEach(CompletableFuture::join);
			}
			else {
				assertThat(refused).isDone(); // written (refused) on this thread, nothing in flight
				assertThat(accepted).isDone();
			}
			assertThat(accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS).appliedOperations()).isEqualTo(1);
			assertThat(catchCause(refused)).isInstanceOf(joined ? StorageException.class : RuntimeException.class);
			assertThat(RocksStore.rocksDB(store).get(bytes("zok"))).isEqualTo(bytes("1"));
			assertThat(RocksStore.rocksDB(store).get(bytes("zbroken"))).isNull();
			assertThat(RocksStore.rocksDB(store).get(bytes("zpre"))).isNull();
			assertThat(storage.snapshot()).isNotNull();
			assertThat(committer.inFlight()).isZero();
			assertThat(gate.joinedWrites()).isEqualTo(joined ? 2 : 0); // the stuck writer's, then the group's
			if (joined) {
				assertThat(gate.entries).containsExactly(1, 1, 1); // the refused batch was rolled back to its save point
			}
			storage.close();
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenNothingElseIsInFlightThenEachBatchOfALoneMutexIsWrittenByItsOwnCycle() {
		Gate gate = new Gate(0);
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 2)) {
			Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("lone").maxBatchOperations(1).build());
			List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
			List<CompletableFuture<Void>> all = new ArrayList<>();
			int n = 50;
			for (int i = 0; i < n; i++) { // issued at once: one batch (limit 1) in flight at a time
				int index = i;
				all.add(mutex.put(bytes("k" + i), bytes("v" + i)).whenComplete((v, e) -> order.add(index)));
			}
			CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
			for (int i = 0; i < 20; i++) { // one at a time
				mutex.put(bytes("s" + i), bytes("v")).join();
			}
			assertThat(order).hasSize(n);
			for (int i = 0; i < n; i++) {
				assertThat(order.get(i)).isEqualTo(i);
				assertThat(mutex.get(bytes("k" + i)).join()).map(String::new).contains("v" + i);
			}
			assertThat(gate.writes.get()).isEqualTo(n + 20); // one write per batch
			assertThat(gate.joinedWrites()).isZero(); // none handed to a writer thread
			assertThat(gate.entries).containsOnly(1);
			assertThat(committer(store).inFlight()).isZero();
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenADirectWriteFailsThenExactlyItsBatchFailsAndTheMutexGoesOn() {
		Gate gate = new Gate(0);
		gate.failing = 1;
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 1)) {
			Mutex<byte[], byte[]> mutex = store.mutex("direct");
			Throwable cause = catchCause(mutex.put(bytes("k"), bytes("lost")));
			assertThat(cause).isInstanceOf(StorageException.class).hasMessageContaining("mutex 'direct'")
				.hasMessageContaining("injected failure of write 1");
			assertThat(mutex.get(bytes("k")).join()).isEmpty();
			mutex.put(bytes("k"), bytes("later")).join();
			assertThat(mutex.get(bytes("k")).join()).map(String::new).contains("later");
			assertThat(gate.joinedWrites()).isZero();
			assertThat(committer(store).inFlight()).isZero();
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenBatchesArriveWhileADirectWriteIsInFlightThenTheWritersCommitThemMeanwhile() {
		Gate gate = new Gate(1);
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, gate, 1)) {
			CompletableFuture<Void> stuck = store.mutex("direct").put(bytes("k"), bytes("v"));
			await(gate.entered);
			assertThat(gate.joinedWrites()).isZero(); // the stuck write runs on its cycle's thread
			int n = 8;
			List<CompletableFuture<Void>> others = new ArrayList<>();
			List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>();
			for (int m = 0; m < n; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex("m" + m);
				mutexes.add(mutex);
				for (int i = 0; i < 3; i++) {
					others.add(mutex.put(bytes("k" + i), bytes("v" + m + "/" + i)));
				}
			}
			CompletableFuture.allOf(others.toArray(new CompletableFuture<?>[0])).join();
			assertThat(stuck).isNotDone();
			assertThat(gate.joinedWrites()).isEqualTo(gate.writes.get() - 1); // all but the stuck one joined
			gate.release.countDown();
			stuck.join();
			for (int m = 0; m < n; m++) {
				for (int i = 0; i < 3; i++) {
					assertThat(mutexes.get(m).get(bytes("k" + i)).join()).map(String::new).contains("v" + m + "/" + i);
				}
			}
			assertThat(committer(store).inFlight()).isZero();
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenTheCommitterClosesDuringADirectWriteThenThatWriteEndsNormallyAndCloseWaitsForIt() throws Exception {
		Gate gate = new Gate(1);
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, new Gate(0), 1)) {
			RocksEngine engine = (RocksEngine) store.engine();
			store.mutex("a").put(bytes("x"), bytes("y")).join(); // the engine is up
			ColumnFamilyHandle family = RocksStore.rocksDB(store).getDefaultColumnFamily();
			RocksAccess gated = new RocksAccess(RocksStore.rocksDB(store)) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					gate.beforeWrite(batch);
					super.write(options, batch);
				}
			};
			try (WriteOptions synced = new WriteOptions().setSync(true);
					GroupCommitter committer = new GroupCommitter(gated, synced, "level-mutex-commit-test")) {
				RocksKeyspaceStorage storage = new RocksKeyspaceStorage(gated, family, synced, bytes("z"), committer);
				WriteOperation op = WriteOperations.of(WriteOperation.Type.PUT, bytes("d"), bytes("zd"), bytes("1"));
				CompletableFuture<CompletableFuture<CommitResult>> direct = CompletableFuture.supplyAsync(
						() -> committer.submit(storage, family, new EngineBatch(1, List.of(op), List.of(bytes("zd")),
								List.of())));
				await(gate.entered);
				assertThat(committer.inFlight()).isEqualTo(1);
				Thread closer = new Thread(committer::close, "closer");
				closer.start();
				until(() -> closer.getState() == Thread.State.WAITING); // close waits for the direct write
				WriteOperation late = WriteOperations.of(WriteOperation.Type.PUT, bytes("l"), bytes("zl"), bytes("1"));
				CompletableFuture<CommitResult> refused = committer.submit(storage, family,
						new EngineBatch(2, List.of(late), List.of(bytes("zl")), List.of()));
				assertThat(catchCause(refused)).isInstanceOf(StorageException.class).hasMessageContaining("closed");
				assertThat(closer.isAlive()).isTrue();
				gate.release.countDown();
				closer.join();
				assertThat(direct.join().join().appliedOperations()).isEqualTo(1); // completed exactly once, written
				assertThat(RocksStore.rocksDB(store).get(bytes("zd"))).isEqualTo(bytes("1"));
				assertThat(RocksStore.rocksDB(store).get(bytes("zl"))).isNull();
				assertThat(committer.inFlight()).isZero();
				CompletableFuture<CommitResult> after = committer.submit(storage, family,
						new EngineBatch(3, List.of(late), List.of(bytes("zl")), List.of()));
				assertThat(catchCause(after)).isInstanceOf(StorageException.class).hasMessageContaining("closed");
				storage.close();
			}
			assertThat(engine.committer().inFlight()).isZero();
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	/** A store opens RocksDB without pipelined writes (RocksDB's default): its committer's writers take turns. */
	@Test
	void aStoreOpensRocksDBWithoutPipelinedWrites() throws Exception {
		Path path = TempStore.newDirectory();
		try {
			try (MutexStore store = open(path, new Gate(0), 1)) {
				store.mutex("a").put(bytes("x"), bytes("y")).join(); // the engine is up
			}
			assertThat(pipelinedWrites(path)).isFalse(); // as RocksDB recorded its options
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	/** @return whether the newest OPTIONS file RocksDB wrote in the store's directory says pipelined writes */
	private static boolean pipelinedWrites(Path path) throws java.io.IOException {
		try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(path)) {
			Path newest = files.filter((file) -> file.getFileName().toString().startsWith("OPTIONS-"))
				.max(java.util.Comparator.comparingLong((file) -> Long
					.parseLong(file.getFileName().toString().substring("OPTIONS-".length()))))
				.orElseThrow();
			return java.nio.file.Files.readAllLines(newest).stream()
				.anyMatch((line) -> line.trim().equals("enable_pipelined_write=true"));
		}
	}

	/** A RocksDB access whose writes run through the gate first. */
	private static RocksAccess gated(MutexStore store, Gate gate) {
		return new RocksAccess(RocksStore.rocksDB(store)) {
			@Override
			void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
				gate.beforeWrite(batch);
				super.write(options, batch);
			}
		};
	}

	private static EngineBatch putBatch(long number, String storedKey) {
		WriteOperation op = WriteOperations.of(WriteOperation.Type.PUT, bytes(storedKey), bytes(storedKey), bytes("1"));
		return new EngineBatch(number, List.of(op), List.of(bytes(storedKey)), List.of());
	}

	@Test
	void whenTheCommitterClosesWhileAWritersWriteIsStuckInRocksDBThenThatWriteEndsNormallyAndWhatGatheredBehindItFails()
			throws Exception {
		Gate gate = new Gate(2); // the direct write, then the writer's
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, new Gate(0), 1)) {
			store.mutex("a").put(bytes("x"), bytes("y")).join(); // the engine is up
			ColumnFamilyHandle family = RocksStore.rocksDB(store).getDefaultColumnFamily();
			RocksAccess access = gated(store, gate);
			try (WriteOptions synced = new WriteOptions().setSync(true);
					GroupCommitter committer = new GroupCommitter(access, synced, "level-mutex-commit-test")) {
				RocksKeyspaceStorage direct = new RocksKeyspaceStorage(access, family, synced, bytes("d"), committer);
				RocksKeyspaceStorage written = new RocksKeyspaceStorage(access, family, synced, bytes("w"), committer);
				RocksKeyspaceStorage gathered = new RocksKeyspaceStorage(access, family, synced, bytes("g"), committer);
				CompletableFuture<CompletableFuture<CommitResult>> first = CompletableFuture.supplyAsync(
						() -> committer.submit(direct, family, putBatch(1, "d1")));
				until(() -> gate.entered.getCount() == 1); // the direct write is stuck
				CompletableFuture<CommitResult> stuck = committer.submit(written, family, putBatch(1, "w1"));
				await(gate.entered); // a writer's write is stuck inside RocksDB
				CompletableFuture<CommitResult> behind = committer.submit(gathered, family, putBatch(1, "g1"));
				assertThat(committer.queued()).isEqualTo(1); // no writer takes it while one writes
				Thread closer = new Thread(committer::close, "closer");
				closer.start();
				// what gathered behind the stuck write fails at close, unwritten; close waits for the stuck writes
				assertThat(catchCause(behind)).isInstanceOf(StorageException.class)
					.hasMessageContaining("closed before the batch was written");
				until(() -> closer.getState() == Thread.State.WAITING);
				CompletableFuture<CommitResult> late = committer.submit(gathered, family, putBatch(2, "g2"));
				assertThat(catchCause(late)).isInstanceOf(StorageException.class).hasMessageContaining("closed");
				assertThat(closer.isAlive()).isTrue();
				assertThat(stuck).isNotDone();
				gate.release.countDown();
				closer.join();
				assertThat(stuck.join().appliedOperations()).isEqualTo(1); // completed exactly once, written
				assertThat(first.join().join().appliedOperations()).isEqualTo(1);
				assertThat(RocksStore.rocksDB(store).get(bytes("d1"))).isEqualTo(bytes("1"));
				assertThat(RocksStore.rocksDB(store).get(bytes("w1"))).isEqualTo(bytes("1"));
				assertThat(RocksStore.rocksDB(store).get(bytes("g1"))).isNull();
				assertThat(RocksStore.rocksDB(store).get(bytes("g2"))).isNull();
				assertThat(committer.inFlight()).isZero();
				assertThat(gate.writes.get()).isEqualTo(2);
				direct.close();
				written.close();
				gathered.close();
			}
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenTheCommitterIsClosedFromACompletionThenTheBatchesWrittenBehindItStillCompleteExactlyOnce() throws Exception {
		Gate gate = new Gate(2); // the direct write, then the writer's
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, new Gate(0), 1)) {
			store.mutex("a").put(bytes("x"), bytes("y")).join(); // the engine is up
			ColumnFamilyHandle family = RocksStore.rocksDB(store).getDefaultColumnFamily();
			RocksAccess access = gated(store, gate);
			try (WriteOptions synced = new WriteOptions().setSync(true);
					GroupCommitter committer = new GroupCommitter(access, synced, "level-mutex-commit-test")) {
				RocksKeyspaceStorage direct = new RocksKeyspaceStorage(access, family, synced, bytes("d"), committer);
				RocksKeyspaceStorage first = new RocksKeyspaceStorage(access, family, synced, bytes("f"), committer);
				RocksKeyspaceStorage second = new RocksKeyspaceStorage(access, family, synced, bytes("s"), committer);
				CompletableFuture<CompletableFuture<CommitResult>> stuck = CompletableFuture.supplyAsync(
						() -> committer.submit(direct, family, putBatch(1, "d1")));
				until(() -> gate.entered.getCount() == 1); // the direct write is stuck: what follows is queued
				List<CompletableFuture<CommitResult>> behind = new ArrayList<>();
				AtomicInteger closedOn = new AtomicInteger();
				CompletableFuture<String> closer = new CompletableFuture<>();
				CompletableFuture<CommitResult> written = committer.submit(first, family, putBatch(1, "f1"));
				await(gate.entered); // the writer's write of it is stuck: its completion is still to come
				written.whenComplete((result, error) -> { // on its writer: hand over one more, let it be written, close
					behind.add(committer.submit(second, family, putBatch(1, "s1")));
					until(() -> committer.queued() == 0 && gate.writes.get() == 3); // the writer wrote it
					committer.close();
					closedOn.incrementAndGet();
					closer.complete(Thread.currentThread().getName());
				});
				gate.release.countDown();
				assertThat(closer.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("level-mutex-commit-test-"); // a writer
				assertThat(closedOn.get()).isEqualTo(1);
				assertThat(written.join().appliedOperations()).isEqualTo(1);
				assertThat(behind).hasSize(1);
				assertThat(behind.get(0)).isCompleted(); // written (by the other writer, or directly) and completed once
				assertThat(behind.get(0).join().appliedOperations()).isEqualTo(1);
				assertThat(stuck.join().join().appliedOperations()).isEqualTo(1);
				assertThat(RocksStore.rocksDB(store).get(bytes("s1"))).isEqualTo(bytes("1"));
				assertThat(committer.inFlight()).isZero();
				direct.close();
				first.close();
				second.close();
			}
		}
		finally {
			gate.release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	/** One batch's outcome in the seeded committer run. */
	private record Outcome(int storage, List<String> keys, boolean refused, @org.jspecify.annotations.Nullable CommitResult result,
			@org.jspecify.annotations.Nullable Throwable error) {
	}

	/**
	 * Seeded runs straight against the committer: several threads each own a few storages (one batch of each in
	 * flight at a time, as the core guarantees) and hand over batches of 1-4 puts, some refused (a null stored key
	 * after a good one), while some writes fail by the seed, and odd seeds close the committer midway. Model:
	 * every batch completes exactly once (nothing left in flight); a batch succeeds iff all its keys are in the
	 * database and fails iff none is; each storage's k-th written batch answers sequence k; a failed write fails
	 * exactly the batches it carried (their entries sum to the write's); a refused batch always fails; at most one
	 * writer thread is inside RocksDB's write call at any time.
	 */
	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L })
	void seededHandOversFromManyThreadsMatchTheModel(long seed) throws Exception {
		seededHandOvers(seed, GroupCommitter.WRITERS);
	}

	private void seededHandOvers(long seed, int writerThreads) throws Exception {
		Random random = new Random(seed);
		int threadCount = 2 + random.nextInt(3);
		int storagesPerThread = 1 + random.nextInt(6);
		int rounds = 20 + random.nextInt(30);
		int closeAfter = seed % 2 == 1 ? 1 + random.nextInt(threadCount * storagesPerThread * rounds) : -1;
		java.util.concurrent.ConcurrentHashMap<Integer, Integer> writeEntries = new java.util.concurrent.ConcurrentHashMap<>();
		AtomicInteger writersInside = new AtomicInteger();
		AtomicInteger mostWritersInside = new AtomicInteger();
		AtomicInteger writes = new AtomicInteger();
		Path path = TempStore.newDirectory();
		try (MutexStore store = open(path, new Gate(0), 1)) {
			store.mutex("a").put(bytes("x"), bytes("y")).join(); // the engine is up
			RocksDB db = RocksStore.rocksDB(store);
			ColumnFamilyHandle family = db.getDefaultColumnFamily();
			RocksAccess access = new RocksAccess(db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					int number = writes.incrementAndGet();
					writeEntries.put(number, batch.count());
					boolean writer = Thread.currentThread().getName().startsWith(WRITER_THREAD);
					if (writer) {
						mostWritersInside.accumulateAndGet(writersInside.incrementAndGet(), Math::max);
					}
					try {
						Thread.yield(); // widen the window in which another write could enter
						if (new Random(seed * 1_000_003L + number).nextInt(6) == 0) {
							throw new RocksDBException("injected failure of write " + number + ";");
						}
						super.write(options, batch);
					}
					finally {
						if (writer) {
							writersInside.decrementAndGet();
						}
					}
				}
			};
			ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
			AtomicInteger handedOver = new AtomicInteger();
			List<RocksKeyspaceStorage> storages = new ArrayList<>();
			try (WriteOptions synced = new WriteOptions().setSync(true)) {
				GroupCommitter committer = new GroupCommitter(access, synced, "level-mutex-commit-seeded", writerThreads);
				for (int s = 0; s < threadCount * storagesPerThread; s++) {
					storages.add(new RocksKeyspaceStorage(access, family, synced, bytes("s" + s), committer));
				}
				List<Thread> threads = new ArrayList<>();
				ConcurrentLinkedQueue<Throwable> threadFailures = new ConcurrentLinkedQueue<>();
				for (int t = 0; t < threadCount; t++) {
					int owner = t;
					Random own = new Random(seed * 31 + t);
					Thread thread = new Thread(() -> {
						try {
							for (int round = 0; round < rounds; round++) {
								List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
								List<Object[]> made = new ArrayList<>();
								for (int i = 0; i < storagesPerThread; i++) {
									int s = owner * storagesPerThread + i;
									int size = 1 + own.nextInt(4);
									boolean refused = own.nextInt(10) == 0 && size > 1;
									List<WriteOperation> ops = new ArrayList<>();
									List<byte[]> stored = new ArrayList<>();
									List<String> keys = new ArrayList<>();
									for (int k = 0; k < size; k++) {
										String key = "s" + s + "/" + round + "/" + k;
										keys.add(key);
										ops.add(WriteOperations.of(WriteOperation.Type.PUT, bytes(key), bytes(key), bytes(key)));
										stored.add(refused && k == size - 1 ? null : bytes(key));
									}
									if (handedOver.incrementAndGet() == closeAfter) {
										new Thread(committer::close, "closer").start();
									}
									futures.add(committer.submit(storages.get(s), family, new EngineBatch(round, ops, stored, List.of())));
									made.add(new Object[] { s, keys, refused });
								}
								for (int i = 0; i < futures.size(); i++) {
									CompletableFuture<CommitResult> future = futures.get(i);
									Object[] m = made.get(i);
									@SuppressWarnings("unchecked")
									List<String> keys = (List<String>) m[1];
									try {
										outcomes.add(new Outcome((Integer) m[0], keys, (Boolean) m[2],
												future.get(WAIT.toSeconds(), TimeUnit.SECONDS), null));
									}
									catch (java.util.concurrent.ExecutionException ex) {
										outcomes.add(new Outcome((Integer) m[0], keys, (Boolean) m[2], null, ex.getCause()));
									}
								}
							}
						}
						catch (Throwable ex) {
							threadFailures.add(ex);
						}
					}, "submitter-" + t);
					threads.add(thread);
					thread.start();
				}
				for (Thread thread : threads) {
					thread.join();
				}
				assertThat(threadFailures).isEmpty();
				committer.close();
				assertThat(committer.inFlight()).isZero();
				assertThat(outcomes).hasSize(threadCount * storagesPerThread * rounds);
				assertThat(mostWritersInside.get()).as("writer threads inside RocksDB's write at once")
					.isLessThanOrEqualTo(1);
				Map<Integer, Integer> failedEntriesPerWrite = new HashMap<>();
				int[] written = new int[storages.size()];
				List<Outcome> ordered = new ArrayList<>(outcomes);
				ordered.sort(java.util.Comparator.comparing((Outcome o) -> o.keys().get(0).split("/")[1], java.util.Comparator.comparingInt(Integer::parseInt)));
				for (Outcome outcome : ordered) {
					int present = 0;
					for (String key : outcome.keys()) {
						if (db.get(bytes(key)) != null) {
							present++;
						}
					}
					if (outcome.error() == null) {
						assertThat(outcome.refused()).as("a refused batch never succeeds").isFalse();
						assertThat(present).as("a written batch is all there: %s", outcome.keys()).isEqualTo(outcome.keys().size());
						written[outcome.storage()]++;
						assertThat(outcome.result().sequence()).as("storage %d's batches answer 1, 2, ...", outcome.storage())
							.isEqualTo(written[outcome.storage()]);
					}
					else {
						assertThat(present).as("a failed batch left nothing: %s", outcome.keys()).isZero();
						String message = String.valueOf(outcome.error().getMessage());
						java.util.regex.Matcher injected = java.util.regex.Pattern.compile("injected failure of write (\\d+);")
							.matcher(message);
						if (injected.find() && !outcome.refused()) {
							failedEntriesPerWrite.merge(Integer.parseInt(injected.group(1)), outcome.keys().size(), Integer::sum);
						}
					}
				}
				failedEntriesPerWrite.forEach((number, entries) -> assertThat(entries)
					.as("write %d failed exactly the batches it carried", number).isEqualTo(writeEntries.get(number)));
				storages.forEach(RocksKeyspaceStorage::close);
			}
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
			closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			first.handle((v, e) -> null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			CompletableFuture.allOf(futures.stream().map((f) -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
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

	@Test
	void whenWriteCallbacksBlockEveryAwakeCycleThreadThenTheOtherMutexesKeepCompletingWrites() {
		// more blocked callbacks than the cycle pool keeps threads awake (at most one per processor), so the
		// resumptions queued behind them need a parked thread woken for them
		int blockedCount = Runtime.getRuntime().availableProcessors() + 1;
		int mutexCount = 32;
		int clients = 8;
		int writesPerClient = 40;
		Gate gate = new Gate(0);
		Path path = TempStore.newDirectory();
		CountDownLatch release = new CountDownLatch(1);
		try (MutexStore store = open(path, gate, blockedCount + 4)) {
			CountDownLatch inCallback = new CountDownLatch(blockedCount);
			List<CompletableFuture<Void>> held = new ArrayList<>();
			for (int b = 0; b < blockedCount; b++) {
				CompletableFuture<Void> done = new CompletableFuture<>();
				held.add(done);
				blockInCallback(store.mutex("blocked" + b), 0, inCallback, release, done);
			}
			await(inCallback);
			List<CompletableFuture<Void>> others = new ArrayList<>();
			for (int m = blockedCount; m < mutexCount; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex("other" + m);
				for (int c = 0; c < clients; c++) {
					CompletableFuture<Void> done = new CompletableFuture<>();
					others.add(done);
					writeInLoop(mutex, "c" + c + "/", 0, writesPerClient, done);
				}
			}
			CompletableFuture.allOf(others.toArray(new CompletableFuture<?>[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(held).noneMatch(CompletableFuture::isDone); // every blocked callback still holds its thread
			release.countDown();
			CompletableFuture.allOf(held.toArray(new CompletableFuture<?>[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			for (int m = blockedCount; m < mutexCount; m++) {
				assertThat(store.mutex("other" + m).get(bytes("c7/" + (writesPerClient - 1))).join()).isPresent();
			}
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		finally {
			release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	/** Puts until a put's callback runs on a cycle thread, then blocks that callback until {@code release}. */
	private static void blockInCallback(Mutex<byte[], byte[]> mutex, int round, CountDownLatch inCallback,
			CountDownLatch release, CompletableFuture<Void> done) {
		mutex.put(bytes("k" + round), bytes("v")).whenComplete((ignored, error) -> {
			if (error != null) {
				done.completeExceptionally(error);
			}
			else if (Thread.currentThread().getName().startsWith("level-mutex-")
					&& !Thread.currentThread().getName().startsWith(WRITER_THREAD)) {
				inCallback.countDown();
				await(release);
				done.complete(null);
			}
			else { // completed before the callback was added: it ran on the caller
				blockInCallback(mutex, round + 1, inCallback, release, done);
			}
		});
	}

	/** A closed-loop client: the next put is issued from the previous one's completion. */
	private static void writeInLoop(Mutex<byte[], byte[]> mutex, String client, int round, int rounds,
			CompletableFuture<Void> done) {
		mutex.put(bytes(client + round), bytes("v")).whenComplete((ignored, error) -> {
			if (error != null) {
				done.completeExceptionally(error);
			}
			else if (round + 1 == rounds) {
				done.complete(null);
			}
			else {
				writeInLoop(mutex, client, round + 1, rounds, done);
			}
		});
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
