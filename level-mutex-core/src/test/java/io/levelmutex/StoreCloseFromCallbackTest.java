package io.levelmutex;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code store.close()} called from a callback on a cycle thread does not wait on its own
 * cycle: it returns at once and the writes queued before it are still flushed. The close
 * timeout is a day, so a close that waited for it would hang (the test's timeout only keeps
 * such a regression from hanging the build).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StoreCloseFromCallbackTest {

	@Test
	void whenStoreClosedFromACallbackThenCloseReturnsAndWritesQueuedBeforeItAreFlushed() {
		ManualExecutor executor = new ManualExecutor();
		Path path = TempStore.newDirectory();
		try {
			MutexStore store = TempStore.openAt(path,
					StoreOptions.builder().durable(false).closeTimeout(Duration.ofDays(1)).build());
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("closer").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			Mutex<String, String> other = store.mutex(MutexOptions.builder("other").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			List<CompletableFuture<?>> issued = new ArrayList<>();
			AtomicReference<CompletableFuture<Void>> queuedBeforeClose = new AtomicReference<>();
			AtomicBoolean closeReturned = new AtomicBoolean();
			issued.add(other.put("o", "1"));
			CompletableFuture<Void> first = mutex.put("a", "1");
			issued.add(first);
			issued.add(first.thenRun(() -> {
				queuedBeforeClose.set(mutex.put("b", "2"));
				issued.add(queuedBeforeClose.get());
				store.close();
				closeReturned.set(true);
			}));
			executor.runAll();
			assertThat(closeReturned).isTrue();
			assertThat(queuedBeforeClose.get()).isCompleted();
			assertThat(issued).allSatisfy((future) -> assertThat(future).isCompleted());
			assertThat(store.isOpen()).isFalse();
			assertThat(mutex.isClosed()).isTrue();
			assertThat(other.isClosed()).isTrue();
			assertThat(store.health().open()).isFalse();

			try (MutexStore reopened = TempStore.openAt(path, StoreOptions.builder().durable(false).build())) {
				Mutex<String, String> again = reopened.mutex(MutexOptions.builder("closer").build(), Codecs.utf8(),
						Codecs.utf8());
				Mutex<String, String> otherAgain = reopened.mutex(MutexOptions.builder("other").build(),
						Codecs.utf8(), Codecs.utf8());
				assertThat(again.get("a").join()).contains("1");
				assertThat(again.get("b").join()).contains("2");
				assertThat(otherAgain.get("o").join()).isEqualTo(Optional.of("1"));
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenStoreClosedFromACallbackOnThePoolThenEveryOperationCompletesAndTheStoreCloses() {
		Path path = TempStore.newDirectory();
		try {
			MutexStore store = TempStore.openAt(path, StoreOptions.builder()
				.durable(false)
				.cycleThreads(2)
				.closeTimeout(Duration.ofDays(1))
				.build());
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("pooled").build(), Codecs.utf8(),
					Codecs.utf8());
			List<CompletableFuture<Void>> writes = new ArrayList<>();
			CompletableFuture<Void> closedFromCallback = new CompletableFuture<>();
			CompletableFuture<Void> afterClose = mutex.put("k0", "v").thenRun(() -> {
				for (int i = 1; i <= 100; i++) {
					writes.add(mutex.put("k" + i, "v"));
				}
				store.close();
				closedFromCallback.complete(null);
			});
			afterClose.join();
			assertThat(closedFromCallback).isCompleted();
			CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
			assertThat(writes).hasSize(100).allSatisfy((write) -> assertThat(write).isCompleted());
			org.awaitility.Awaitility.await().until(store::isReleased);
			try (MutexStore reopened = TempStore.openAt(path, StoreOptions.builder().durable(false).build())) {
				assertThat(reopened.mutex(MutexOptions.builder("pooled").build(), Codecs.utf8(), Codecs.utf8())
					.get("k100")
					.join()).contains("v");
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

}
