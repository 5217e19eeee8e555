package io.levelmutex;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import io.levelmutex.rocksdb.RocksFaults;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cycle waiting for its durable RocksDB write does not hold a place in the store's cycle pool:
 * another mutex's cycle runs meanwhile (and its synced write can join the same WAL sync). Issue 13
 * item 4: with a pool of N threads, N mutexes waiting on fsync used to stall every other mutex. Run without the
 * store's group commit, where a cycle waits in its own synced write (with it, no cycle waits: GroupCommitTest).
 */
class DurableWriteCompensationTest {

	private static final long WAIT_SECONDS = 60; // a failure signal only: the test never waits this long when it passes

	private final CountDownLatch firstWriteEntered = new CountDownLatch(1);

	private final CountDownLatch releaseFirstWrite = new CountDownLatch(1);

	private MutexStore store;

	private Path path;

	@AfterEach
	void close() {
		this.releaseFirstWrite.countDown();
		if (this.store != null) {
			this.store.close();
		}
		if (this.path != null) {
			deleteRecursively(this.path);
		}
	}

	@Test
	void whenTheOnlyCycleThreadWaitsInADurableWriteThenAnotherMutexStillCommits() throws Exception {
		open(true);
		Mutex<byte[], byte[]> blocked = this.store.mutex("blocked");
		Mutex<byte[], byte[]> other = this.store.mutex("other");
		CompletableFuture<Void> first = blocked.put(bytes("k"), bytes("v1"));
		assertThat(this.firstWriteEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> second = other.put(bytes("k"), bytes("v2"));
		second.get(WAIT_SECONDS, TimeUnit.SECONDS); // hangs (then times out) if the blocked cycle holds the only thread

		assertThat(first).isNotDone();
		assertThat(this.store.cyclePoolExtraThreads()).isEqualTo(1);
		this.releaseFirstWrite.countDown();
		first.get(WAIT_SECONDS, TimeUnit.SECONDS);
		assertThat(this.store.cyclePoolExtraThreads()).isZero();
		assertThat(blocked.get(bytes("k")).get(WAIT_SECONDS, TimeUnit.SECONDS).orElseThrow()).isEqualTo(bytes("v1"));
		assertThat(other.get(bytes("k")).get(WAIT_SECONDS, TimeUnit.SECONDS).orElseThrow()).isEqualTo(bytes("v2"));
	}

	@Test
	void whenANonDurableWriteBlocksThenThePoolIsNotEnlarged() throws Exception {
		// non-durable writes are CPU work in RocksDB: an extra thread would only compete for the processors
		open(false);
		Mutex<byte[], byte[]> blocked = this.store.mutex("blocked");
		CompletableFuture<Void> first = blocked.put(bytes("k"), bytes("v1"));
		assertThat(this.firstWriteEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.store.cyclePoolExtraThreads()).isZero();
		this.releaseFirstWrite.countDown();
		first.get(WAIT_SECONDS, TimeUnit.SECONDS);
	}

	@Test
	void whenTheDurableWriteFailsThenTheExtraThreadIsGivenBack() throws Exception {
		open(true);
		Mutex<byte[], byte[]> failing = this.store.mutex("fails");
		CompletableFuture<Void> first = failing.put(bytes("fail"), bytes("v1"));
		assertThat(this.firstWriteEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.store.cyclePoolExtraThreads()).isEqualTo(1);
		this.releaseFirstWrite.countDown();
		assertThat(first).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(RocksDBException.class);
		assertThat(this.store.cyclePoolExtraThreads()).isZero();
		// the mutex keeps working
		failing.put(bytes("k"), bytes("v2")).get(WAIT_SECONDS, TimeUnit.SECONDS);
	}

	private void open(boolean durable) {
		this.path = newDirectory();
		this.store = RocksFaults.openWithWriteHook(this.path,
				StoreOptions.builder().durable(durable).cycleThreads(1).build(), this::beforeWrite,
				false); // the cycle waits in its own synced write: the pool's lending (group commit: GroupCommitTest)
	}

	private void beforeWrite(WriteBatch batch) throws RocksDBException {
		if (this.firstWriteEntered.getCount() > 0) {
			this.firstWriteEntered.countDown();
			awaitRelease();
			if (batch.count() == 1 && new String(batch.data(), StandardCharsets.ISO_8859_1).contains("fail")) {
				throw new RocksDBException("injected write failure");
			}
		}
	}

	private void awaitRelease() {
		try {
			if (!this.releaseFirstWrite.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the test never released the first write");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Path newDirectory() {
		try {
			return java.nio.file.Files.createTempDirectory("level-mutex-test");
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static void deleteRecursively(Path path) {
		try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(path)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
