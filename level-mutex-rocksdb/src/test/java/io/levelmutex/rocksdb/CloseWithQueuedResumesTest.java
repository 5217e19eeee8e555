package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "Close": closing the store closes its mutexes first, each running every queued operation to completion,
 * then RocksDB. Attacked where the group committer and the resumed cycle meet: the committer holds queued batches
 * of several mutexes behind a write stuck inside RocksDB, those mutexes have more writes queued, and every cycle
 * thread of the store's pool (one thread, plus the place a direct write lends) is blocked in a callback, so the
 * cycles the commits resume wait in the pool's queue when the close begins. Every operation completes exactly once
 * and successfully, the close returns, and every write is in the store when it is opened again.
 */
class CloseWithQueuedResumesTest {

	private static final long WAIT_SECONDS = 60; // a bound for a failure report on a loaded machine

	@ParameterizedTest(name = "mutexes behind the stuck write: {0}")
	@ValueSource(ints = { 1, 3 })
	void whenTheStoreClosesWhileResumedCyclesWaitForABlockedPoolThenEveryOperationCompletesOnceAndIsWritten(
			int mutexes) throws Exception {
		GroupCommitTest.Gate gate = new GroupCommitTest.Gate();
		Path path = TempStore.newDirectory();
		MutexStore store = open(path, gate);
		CountDownLatch unblock = new CountDownLatch(1);
		List<CompletableFuture<?>> futures = new ArrayList<>();
		AtomicInteger completions = new AtomicInteger();
		try {
			// a cycle's direct write (its thread lends its place) and the committer's writer, both stuck in RocksDB; the
			// direct write's completion then blocks its thread in a callback
			CountDownLatch blocking = new CountDownLatch(2);
			for (int w = 0; w < 2; w++) {
				CompletableFuture<Void> put = store.mutex("blocker" + w).put(bytes("k"), bytes("v"));
				futures.add(counted(w > 0 ? put : put.thenRun(() -> {
					blocking.countDown();
					await(unblock, "the test's release");
				}), completions));
				long left = 1 - w;
				until(() -> gate.entered.getCount() <= left, "write " + w + " stuck in RocksDB");
			}
			GroupCommitter committer = ((RocksEngine) store.engine()).committer();
			List<Mutex<byte[], byte[]>> behind = new ArrayList<>();
			for (int m = 0; m < mutexes; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("c" + m).maxBatchOperations(1).build());
				behind.add(mutex);
				futures.add(counted(mutex.put(bytes("k0"), bytes("v0")), completions));
			}
			until(() -> committer.queued() == mutexes, mutexes + " batches queued in the committer");
			for (Mutex<byte[], byte[]> mutex : behind) {
				for (int i = 1; i <= 3; i++) { // wait for the resumed cycle: the mutex's drain is still running
					futures.add(counted(mutex.put(bytes("k" + i), bytes("v" + i)), completions));
				}
				futures.add(counted(mutex.afterWrite(), completions));
			}
			// block the other place of the pool (the one the direct write lent) in an update function (a callback
			// registered on a future already done would run on this thread)
			Mutex<byte[], byte[]> blocker = store.mutex(MutexOptions.builder("d").durable(false).build());
			futures.add(counted(blocker.update((context) -> {
				blocking.countDown();
				await(unblock, "the test's release");
				context.put(bytes("k"), bytes("v"));
				return null;
			}), completions));
			until(() -> blocking.getCount() == 1, "the lent place blocked in a callback (writes by thread: " + gate.threads + ")");
			gate.release.countDown(); // the stuck writes return: the commits resume their cycles into a blocked pool
			await(blocking, "the direct write's thread blocked in its callback (writes by thread: " + gate.threads + ")");
			CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
			until(() -> !store.isOpen() || closing.isDone(), "the store's close began");
			unblock.countDown();
			closing.get(2 * WAIT_SECONDS, TimeUnit.SECONDS); // closeTimeout is WAIT_SECONDS
			CompletableFuture.allOf(futures.stream().map((f) -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
				.get(WAIT_SECONDS, TimeUnit.SECONDS);
			assertThat(completions.get()).as("every operation completed exactly once").isEqualTo(futures.size());
			assertThat(futures).as("a close runs every queued operation to completion")
				.allSatisfy((f) -> assertThat(f).isCompleted().isNotCompletedExceptionally());
		}
		finally {
			unblock.countDown();
			gate.release.countDown();
			store.close();
		}
		try (MutexStore reopened = RocksStore.builder(path).open()) {
			for (int m = 0; m < mutexes; m++) {
				Mutex<byte[], byte[]> mutex = reopened.mutex("c" + m);
				for (int i = 0; i <= 3; i++) {
					byte[] expected = bytes("v" + i);
					assertThat(mutex.get(bytes("k" + i)).get(WAIT_SECONDS, TimeUnit.SECONDS))
						.as("mutex c%d's write %d is in the store", m, i)
						.hasValueSatisfying((value) -> assertThat(value).isEqualTo(expected));
				}
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	private static <T> CompletableFuture<T> counted(CompletableFuture<T> future, AtomicInteger completions) {
		future.whenComplete((v, e) -> completions.incrementAndGet());
		return future;
	}

	private static MutexStore open(Path path, GroupCommitTest.Gate gate) {
		return RocksStore.builder(path)
			// closeTimeout a bound, not the default 30 s: past it the store's close abandons what is left (the test checks that
			// the close runs every queued operation to completion, whatever a loaded machine's pace)
			.storeOptions(StoreOptions.builder().durable(true).cycleThreads(1)
				.closeTimeout(Duration.ofSeconds(WAIT_SECONDS)).build())
			.access((db) -> new RocksAccess(db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					gate.beforeWrite(batch);
					super.write(options, batch);
				}
			})
			.open();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static void await(CountDownLatch latch, String what) {
		try {
			if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new AssertionError(what + ": not reached within " + WAIT_SECONDS + " s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Waits (bounded) until a condition holds: the committer's queue and the store's state are only polled. */
	private static void until(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError(what + ": not reached within " + WAIT_SECONDS + " s");
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

}
