package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The committer awaits the keyspaces a write just completed ({@link GroupCommitter}'s class comment): no writer
 * takes the queue until each has resumed ({@link RocksKeyspaceStorage#commitResumed}), handed over its next batch,
 * or closed; so their next batches join the next write instead of forming a second cohort. Each test first makes
 * one keyspace's batch go through a writer: a direct write of another keyspace is stuck in RocksDB (the gate's first
 * write), so the batch handed over meanwhile is queued and written by a writer.
 */
class AwaitedResumeTest {

	private static final long WAIT_SECONDS = 30;

	/** Counts writes and their entries; the first {@code blocked} writes wait for {@link #release}. */
	private static final class Gate {

		final int blocked;

		final CountDownLatch entered;

		final CountDownLatch release = new CountDownLatch(1);

		final List<Integer> entries = new java.util.concurrent.CopyOnWriteArrayList<>();

		final AtomicInteger writes = new AtomicInteger();

		/** Write number (from 1) that throws, or 0. */
		volatile int failing;

		Gate(int blocked) {
			this.blocked = blocked;
			this.entered = new CountDownLatch(blocked);
		}

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

	/** A committer over a real store, with storages made on demand; the gate's first write (a direct one) sticks. */
	private static final class Fixture implements AutoCloseable {

		final Path path = TempStore.newDirectory();

		final MutexStore store;

		final Gate gate = new Gate(1);

		final WriteOptions synced;

		final RocksAccess access;

		final ColumnFamilyHandle family;

		final GroupCommitter committer;

		final List<RocksKeyspaceStorage> storages = new ArrayList<>();

		CompletableFuture<CompletableFuture<CommitResult>> stuck;

		Fixture(boolean awaitsResumes) {
			this.store = RocksStore.builder(this.path).storeOptions(StoreOptions.builder().durable(true).build()).open();
			this.store.mutex("up").put(bytes("x"), bytes("y")).join(); // the engine is open
			this.family = RocksStore.rocksDB(this.store).getDefaultColumnFamily();
			this.synced = new WriteOptions().setSync(true); // once the native library is loaded
			this.access = new RocksAccess(RocksStore.rocksDB(this.store)) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					Fixture.this.gate.beforeWrite(batch);
					super.write(options, batch);
				}
			};
			this.committer = new GroupCommitter(this.access, this.synced, "level-mutex-commit-test", awaitsResumes);
		}

		RocksKeyspaceStorage storage(String prefix) {
			RocksKeyspaceStorage storage = new RocksKeyspaceStorage(this.access, this.family, this.synced, bytes(prefix),
					this.committer);
			this.storages.add(storage);
			return storage;
		}

		/** A direct write of keyspace "d" sticks in RocksDB: from now on every hand-off is queued for a writer. */
		void stickADirectWrite() {
			RocksKeyspaceStorage direct = storage("d");
			this.stuck = CompletableFuture.supplyAsync(() -> this.committer.submit(direct, this.family, putBatch(1, "d1")));
			await(this.gate.entered);
		}

		/**
		 * A storage whose core told a resume before, with one batch written by a writer (not directly) and completed:
		 * it is awaited now.
		 */
		RocksKeyspaceStorage awaitedAfterOneWrite(String prefix) {
			RocksKeyspaceStorage storage = storage(prefix);
			storage.commitResumed(); // as the core does after each commit
			assertThat(storage.tellsResumes()).isTrue();
			assertThat(done(this.committer.submit(storage, this.family, putBatch(1, prefix + "1"))).appliedOperations())
				.isEqualTo(1);
			return storage;
		}

		@Override
		public void close() {
			this.gate.release.countDown();
			try {
				if (this.stuck != null) {
					done(this.stuck.join());
				}
				this.committer.close();
				this.storages.forEach(RocksKeyspaceStorage::close);
				this.synced.close();
				this.store.close();
			}
			finally {
				TempStore.deleteRecursively(this.path);
			}
		}

	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static EngineBatch putBatch(long number, String storedKey) {
		WriteOperation op = WriteOperations.of(WriteOperation.Type.PUT, bytes(storedKey), bytes(storedKey), bytes("1"));
		return new EngineBatch(number, List.of(op), List.of(bytes(storedKey)), List.of());
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new AssertionError("latch not reached within " + WAIT_SECONDS + " s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static <T> T done(CompletableFuture<T> future) {
		try {
			return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new AssertionError(ex);
		}
	}

	/** How the awaited keyspace stops being awaited. */
	@ParameterizedTest(name = "ended by: {0}")
	@ValueSource(strings = { "its next batch", "its resume", "its close" })
	void whenAWriteReturnsThenNoWriterTakesTheQueueUntilItsKeyspacesResumedAndTheirNextBatchesGoInTheSameWrite(
			String end) {
		try (Fixture f = new Fixture(true)) {
			f.stickADirectWrite();
			RocksKeyspaceStorage awaited = f.awaitedAfterOneWrite("a");
			assertThat(f.committer.awaited()).isEqualTo(1); // marked before its future completed
			RocksKeyspaceStorage other = f.storage("o");
			CompletableFuture<CommitResult> held = f.committer.submit(other, f.family, putBatch(1, "o1"));
			assertThat(f.committer.queued()).isEqualTo(1); // held: the keyspace "a" has not resumed
			int writesBefore = f.gate.writes.get();
			CompletableFuture<CommitResult> next = null;
			switch (end) {
				case "its next batch" -> next = f.committer.submit(awaited, f.family, putBatch(2, "a2"));
				case "its resume" -> awaited.commitResumed();
				default -> awaited.close();
			}
			assertThat(done(held).sequence()).isEqualTo(1);
			if (next != null) {
				// the held batch and the awaited keyspace's next one went out together, in hand-off order
				assertThat(done(next).sequence()).isEqualTo(2);
				assertThat(f.gate.entries.subList(writesBefore, f.gate.writes.get())).containsExactly(2);
				assertThat(f.committer.awaited()).isEqualTo(1); // awaited again, after that write
				awaited.commitResumed();
				assertThat(f.committer.awaited()).isZero();
			}
			else {
				assertThat(f.committer.awaited()).isZero();
				assertThat(f.gate.entries.subList(writesBefore, f.gate.writes.get())).containsExactly(1);
			}
		}
	}

	@Test
	void whenTheCoreNeverToldAResumeThenItsKeyspaceIsNotAwaitedAndTheQueueIsWrittenAtOnce() {
		try (Fixture f = new Fixture(true)) {
			f.stickADirectWrite();
			RocksKeyspaceStorage silent = f.storage("s"); // used without the core: no commitResumed ever
			done(f.committer.submit(silent, f.family, putBatch(1, "s1")));
			assertThat(silent.tellsResumes()).isFalse();
			assertThat(f.committer.awaited()).isZero();
			RocksKeyspaceStorage other = f.storage("o");
			assertThat(done(f.committer.submit(other, f.family, putBatch(1, "o1"))).sequence()).isEqualTo(1);
		}
	}

	@Test
	void whenTheWaitIsOffThenAReturnedWritesKeyspacesAreNotAwaited() {
		try (Fixture f = new Fixture(false)) {
			f.stickADirectWrite();
			f.awaitedAfterOneWrite("a");
			assertThat(f.committer.awaited()).isZero();
			RocksKeyspaceStorage other = f.storage("o");
			assertThat(done(f.committer.submit(other, f.family, putBatch(1, "o1"))).sequence()).isEqualTo(1);
		}
	}

	@Test
	void whenAnAwaitedKeyspaceNeverResumesThenCloseFailsTheHeldBatchesUnwrittenAndReturns() throws Exception {
		try (Fixture f = new Fixture(true)) {
			f.stickADirectWrite();
			f.awaitedAfterOneWrite("a"); // told a resume once, then neither resumes nor hands over again
			RocksKeyspaceStorage other = f.storage("o");
			CompletableFuture<CommitResult> held = f.committer.submit(other, f.family, putBatch(1, "o1"));
			assertThat(f.committer.queued()).isEqualTo(1);
			f.gate.release.countDown(); // the direct write returns: nothing is in flight, the batch is still held
			done(f.stuck.join());
			assertThat(held).isNotDone();
			assertThat(f.committer.queued()).isEqualTo(1);
			Thread closer = new Thread(f.committer::close, "closer");
			closer.start();
			closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
			assertThat(closer.isAlive()).isFalse();
			assertThatThrownBy(held::join).hasCauseInstanceOf(StorageException.class)
				.hasMessageContaining("closed before the batch was written");
			assertThat(RocksStore.rocksDB(f.store).get(bytes("o1"))).isNull();
			assertThat(f.committer.inFlight()).isZero();
		}
	}

	@Test
	void whenTheHeldKeyspacesWriteFailedThenItIsAwaitedAsAWrittenOneAndTheHeldBatchIsWrittenAfterItsResume() {
		try (Fixture f = new Fixture(true)) {
			f.stickADirectWrite();
			RocksKeyspaceStorage failed = f.storage("a");
			failed.commitResumed();
			f.gate.failing = 2; // the writer's write of "a1" (write 1 is the stuck direct one)
			CompletableFuture<CommitResult> first = f.committer.submit(failed, f.family, putBatch(1, "a1"));
			assertThatThrownBy(() -> first.get(WAIT_SECONDS, TimeUnit.SECONDS))
				.hasCauseInstanceOf(StorageException.class);
			assertThat(f.committer.awaited()).isEqualTo(1); // its cycle resumes to fail the batch's operations
			RocksKeyspaceStorage other = f.storage("o");
			CompletableFuture<CommitResult> held = f.committer.submit(other, f.family, putBatch(1, "o1"));
			assertThat(f.committer.queued()).isEqualTo(1);
			failed.commitResumed();
			assertThat(done(held).sequence()).isEqualTo(1);
			assertThat(done(f.committer.submit(failed, f.family, putBatch(2, "a2"))).sequence()).isEqualTo(1);
		}
	}

	/**
	 * Through the core: many durable mutexes on ONE cycle thread, each writing in a loop from its completions (so
	 * every write's keyspaces resume and hand over again), then stopping: every write completes once, nothing stays
	 * awaited, and a lone mutex afterwards still writes directly on its cycle.
	 */
	@Test
	void whenManyMutexesCycleOnOneThreadThenEveryWriteCompletesAndNothingStaysAwaited() {
		Path path = TempStore.newDirectory();
		try (MutexStore store = RocksStore.builder(path)
			.storeOptions(StoreOptions.builder().durable(true).cycleThreads(1).build())
			.open()) {
			int mutexes = 8;
			int rounds = 50;
			List<CompletableFuture<Void>> loops = new ArrayList<>();
			AtomicInteger completed = new AtomicInteger();
			for (int m = 0; m < mutexes; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex("m" + m);
				for (int c = 0; c < 2; c++) {
					CompletableFuture<Void> loop = new CompletableFuture<>();
					loops.add(loop);
					writeInLoop(mutex, "c" + c, 0, rounds, completed, loop);
				}
			}
			done(CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])));
			assertThat(completed.get()).isEqualTo(mutexes * 2 * rounds);
			GroupCommitter committer = ((RocksEngine) store.engine()).committer();
			for (int m = 0; m < mutexes; m++) {
				assertThat(store.mutex("m" + m).get(bytes("c1/" + (rounds - 1))).join()).contains(bytes("v"));
			}
			// every resumed cycle told its storage: the last write's keyspaces are no longer awaited
			assertThat(committer.awaited()).isZero();
			assertThat(committer.inFlight()).isZero();
			assertThat(done(store.mutex("lone").put(bytes("k"), bytes("v")))).isNull();
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	private static void writeInLoop(Mutex<byte[], byte[]> mutex, String client, int round, int rounds,
			AtomicInteger completed, CompletableFuture<Void> loop) {
		if (round == rounds) {
			loop.complete(null);
			return;
		}
		mutex.put(bytes(client + "/" + round), bytes("v")).whenComplete((ignored, error) -> {
			if (error != null) {
				loop.completeExceptionally(error);
				return;
			}
			completed.incrementAndGet();
			writeInLoop(mutex, client, round + 1, rounds, completed, loop);
		});
	}

}
