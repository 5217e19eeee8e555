package io.levelmutex;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Closing mutexes and stores: nothing is left pending, nothing acknowledged is lost. */
class LifecycleTest {

	@Test
	void whenMutexClosedWithQueuedOperationsThenTheyRunAndNewOnesAreRefused() {
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("closing").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			CompletableFuture<Void> write = mutex.put("k", "v");
			CompletableFuture<Optional<String>> read = mutex.get("k");
			CompletableFuture<Void> closed = mutex.closeAsync();
			assertThat(closed).isNotDone();
			assertThatThrownBy(() -> mutex.put("late", "v")).isInstanceOf(MutexClosedException.class);
			executor.runAll();
			assertThat(write).isCompleted();
			assertThat(read).isCompletedWithValue(Optional.empty());
			assertThat(closed).isCompleted();
			assertThat(temp.store.find("closing")).isEmpty();
		}
	}

	@Test
	void whenStoreClosedThenQueuedWritesAreFlushedAndSurviveReopening() {
		Path path = TempStore.newDirectory();
		try {
			List<CompletableFuture<Void>> writes = new ArrayList<>();
			MutexStore store = TempStore.openAt(path, StoreOptions.builder().build());
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("durable").build(), Codecs.utf8(),
					Codecs.utf8());
			for (int i = 0; i < 2000; i++) {
				writes.add(mutex.put("k" + i, "v" + i));
			}
			store.close();
			assertThat(writes).allSatisfy((write) -> assertThat(write).isCompleted());
			assertThat(store.isOpen()).isFalse();
			assertThat(mutex.isClosed()).isTrue();
			assertThatThrownBy(() -> store.mutex("another")).isInstanceOf(MutexClosedException.class);

			try (MutexStore reopened = TempStore.openAt(path, StoreOptions.builder().build())) {
				Mutex<String, String> again = reopened.mutex(MutexOptions.builder("durable").build(), Codecs.utf8(),
						Codecs.utf8());
				List<CompletableFuture<Optional<String>>> reads = new ArrayList<>();
				for (int i = 0; i < 2000; i++) {
					reads.add(again.get("k" + i));
				}
				for (int i = 0; i < 2000; i++) {
					assertThat(reads.get(i).join()).contains("v" + i);
				}
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenStoreClosesUnderneathQueuedOperationsThenTheyFailInsteadOfHanging() {
		ManualExecutor executor = new ManualExecutor();
		Path path = TempStore.newDirectory();
		try {
			MutexStore store = TempStore.openAt(path,
					StoreOptions.builder().durable(false).closeTimeout(Duration.ofMillis(50)).build());
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("orphan").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			CompletableFuture<Void> write = mutex.put("k", "v");
			CompletableFuture<Optional<String>> read = mutex.get("k");
			store.close(); // the manual executor never ran the cycle: the wait times out
			executor.runAll();
			assertThatThrownBy(write::join).isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOf(MutexClosedException.class)
				.hasMessageContaining("'orphan'");
			assertThatThrownBy(read::join).cause().isInstanceOf(MutexClosedException.class);
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenCloseCalledFromCallbackOnCycleThreadThenItDoesNotDeadlock() throws Exception {
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("self-closing").build(),
					Codecs.utf8(), Codecs.utf8());
			CompletableFuture<Void> closedFromCallback = mutex.put("k", "v").thenRun(mutex::close);
			closedFromCallback.get(60, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(mutex.closeAsync().get(60, java.util.concurrent.TimeUnit.SECONDS)).isNull();
			assertThat(mutex.isClosed()).isTrue();
		}
	}

	@Test
	void whenIdleMutexesCreatedThenNoThreadIsHeld() {
		try (TempStore temp = TempStore.open()) {
			temp.store.mutex("warm-up").put(new byte[] { 1 }, new byte[] { 1 }).join();
			// the threads alive now: a thread of an earlier test (a closed store's pool, an executor) may still end
			// meanwhile, so the check is that no thread started, not that the count stayed the same
			Set<Thread> threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
			Runtime runtime = Runtime.getRuntime();
			System.gc();
			long heapBefore = runtime.totalMemory() - runtime.freeMemory();
			List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>();
			for (int i = 0; i < 10_000; i++) {
				mutexes.add(temp.store.mutex("idle-" + i));
			}
			System.gc();
			long heapAfter = runtime.totalMemory() - runtime.freeMemory();
			assertThat(Thread.getAllStackTraces().keySet()).as("threads started while 10,000 idle mutexes were made")
				.isSubsetOf(threadsBefore);
			assertThat(temp.store.mutexes()).hasSize(10_001);
			System.out.printf("heap per idle mutex: about %d bytes (10,000 mutexes)%n",
					(heapAfter - heapBefore) / 10_000);
		}
	}

}
