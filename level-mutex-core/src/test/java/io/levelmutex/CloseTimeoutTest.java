package io.levelmutex;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * closeTimeout bounds every close path: a function or callback that blocks (on a latch the
 * test releases only after close returned) cannot hold a close, or health, forever; what is
 * still queued or running then fails with MutexClosedException; RocksDB's native handles are
 * closed only once the blocked phase has left them. The test's timeout only keeps a
 * regression from hanging the build; nothing is timed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseTimeoutTest {

	private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(200);

	@Test
	void whenUpdateFunctionBlocksThenStoreCloseReturnsFailsEverythingAndClosesRocksDbAfterThePhaseLeft()
			throws Exception {
		Path path = TempStore.newDirectory();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try {
			MutexStore store = open(path);
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("stuck").build(), Codecs.utf8(),
					Codecs.utf8());
			mutex.put("seen", "1").join();
			AtomicReference<Optional<String>> readAfterRelease = new AtomicReference<>();
			List<CompletableFuture<?>> issued = new ArrayList<>();
			CompletableFuture<String> blocked = mutex.update((ctx) -> {
				entered.countDown();
				release.await();
				readAfterRelease.set(ctx.get("seen")); // the snapshot is still valid: the native close waits
				ctx.put("late", "x");
				return "done";
			});
			issued.add(blocked);
			entered.await();
			issued.add(mutex.put("queued", "1"));
			issued.add(mutex.get("seen"));
			issued.add(mutex.update((ctx) -> 1));
			issued.add(mutex.afterWrite());

			store.close();

			assertThat(store.isOpen()).isFalse();
			assertThat(store.health().open()).isFalse();
			assertThat(issued).allSatisfy((future) -> assertClosedFailure(future, "'stuck'"));
			assertThat(mutex.isClosed()).isTrue();
			assertThat(mutex.closeAsync()).isCompleted();
			assertThat(store.isReleased()).as("native handles must stay open while a phase uses them").isFalse();

			release.countDown();
			Awaitility.await().until(store::isReleased);
			assertThat(readAfterRelease.get()).contains("1");
			assertThat(blocked).isCompletedExceptionally();
			try (MutexStore reopened = TempStore.openAt(path, StoreOptions.builder().durable(false).build())) {
				Mutex<String, String> again = reopened.mutex(MutexOptions.builder("stuck").build(), Codecs.utf8(),
						Codecs.utf8());
				assertThat(again.get("late").join()).as("a failed update wrote nothing").isEmpty();
				assertThat(again.get("queued").join()).isEmpty();
			}
		}
		finally {
			release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenCallbackBlocksThenMutexCloseReturnsAfterTheTimeoutAndLaterWritesAreNotApplied() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (TempStore temp = TempStore.open((builder) -> builder.closeTimeout(CLOSE_TIMEOUT))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("slow-callback").build(),
					Codecs.utf8(), Codecs.utf8());
			List<CompletableFuture<?>> issued = new ArrayList<>();
			// the read phase waits until the callback is registered, so that the callback runs on the
			// cycle thread (were the get done first, it would run, and block, on this thread)
			CountDownLatch registered = new CountDownLatch(1);
			Mutex.ListenerRegistration gate = mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					awaitQuietly(registered);
				}
			});
			CompletableFuture<Void> blockedCallback = mutex.get("k").thenAccept((value) -> {
				entered.countDown();
				awaitQuietly(release);
			});
			registered.countDown();
			entered.await();
			gate.close();
			issued.add(mutex.put("after", "1"));
			issued.add(mutex.update((ctx) -> {
				ctx.put("update", "1");
				return 1;
			}));

			mutex.close();

			assertThat(issued).allSatisfy((future) -> assertClosedFailure(future, "'slow-callback'"));
			assertThat(temp.store.find("slow-callback")).isEmpty();
			assertThat(temp.store.health().open()).isTrue();
			release.countDown();
			blockedCallback.join();
			Mutex<String, String> fresh = temp.store.mutex(MutexOptions.builder("slow-callback").build(),
					Codecs.utf8(), Codecs.utf8());
			// the abandoned cycle resumes and drains, but writes nothing of what was failed
			Awaitility.await().until(() -> mutex.stats().runningCycle() == null && mutex.stats().queued() == 0);
			assertThat(fresh.get("after").join()).isEmpty();
			assertThat(fresh.get("update").join()).isEmpty();
		}
	}

	@Test
	void whenListenerBlocksDuringStoreCloseThenHealthDoesNotBlockAndCloseReturns() throws Exception {
		Path path = TempStore.newDirectory();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try {
			MutexStore store = open(path);
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("listening").build(), Codecs.utf8(),
					Codecs.utf8());
			mutex.addListener(new MutexListener() {
				@Override
				public void onWrites(WriteBatchEvent event) {
					entered.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
			CompletableFuture<Void> write = mutex.put("k", "v");
			entered.await();
			CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
			assertThat(store.health()).isNotNull();
			closing.join();
			assertThat(store.health().open()).isFalse();
			assertClosedFailure(write, "'listening'");
			release.countDown();
			Awaitility.await().until(store::isReleased);
			assertThat(write).isCompletedExceptionally();
		}
		finally {
			release.countDown();
			TempStore.deleteRecursively(path);
		}
	}

	private static MutexStore open(Path path) {
		return TempStore.openAt(path,
				StoreOptions.builder().durable(false).cycleThreads(2).closeTimeout(CLOSE_TIMEOUT).build());
	}

	private static void assertClosedFailure(CompletableFuture<?> future, String mutexName) {
		assertThat(future).isCompletedExceptionally();
		AtomicReference<Throwable> error = new AtomicReference<>();
		future.whenComplete((value, ex) -> error.set(ex));
		Throwable cause = (error.get() instanceof CompletionException) ? error.get().getCause() : error.get();
		assertThat(cause).isInstanceOf(MutexClosedException.class).hasMessageContaining(mutexName);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
