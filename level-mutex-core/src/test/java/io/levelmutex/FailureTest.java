package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.CodecException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Injected faults: failing batches and reads fail exactly the affected operations. */
class FailureTest {

	@Test
	void whenBatchFailsThenEveryWriteInItFailsWithSameCauseNothingIsAppliedAndCyclingGoesOn() {
		ManualExecutor executor = new ManualExecutor();
		AtomicBoolean poison = new AtomicBoolean(true);
		try (TempStore temp = TempStore.open((builder) -> builder.batchInterceptor((name, ops) -> {
			if (poison.get()) {
				throw new IllegalStateException("disk on fire");
			}
		}))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("faulty").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			List<FlushEvent> flushes = new ArrayList<>();
			mutex.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					flushes.add(event);
				}
			});
			CompletableFuture<Void> a = mutex.put("a", "1");
			CompletableFuture<Void> b = mutex.del("b");
			CompletableFuture<Integer> unit = mutex.update((ctx) -> {
				ctx.put("c", "3");
				return 3;
			});
			executor.runAll();
			Throwable cause = failure(a);
			assertThat(cause).isInstanceOf(StorageException.class)
				.hasMessageContaining("'faulty'")
				.hasRootCauseMessage("disk on fire");
			assertThat(failure(b)).isSameAs(cause);
			assertThat(failure(unit)).isSameAs(cause);
			// the update is a write item: its function ran when the batch reached it, its unit joined that batch
			assertThat(flushes).hasSize(1);
			assertThat(flushes.get(0).size()).isEqualTo(3);
			assertThat(flushes.get(0).failure()).containsSame(cause);
			assertThat(mutex.stats().lastBatchFailed()).isTrue();
			assertThat(mutex.stats().batchesFailed()).isEqualTo(1);

			poison.set(false);
			CompletableFuture<Optional<String>> readA = mutex.get("a");
			CompletableFuture<Optional<String>> readC = mutex.get("c");
			CompletableFuture<Void> after = mutex.put("d", "4");
			executor.runAll();
			assertThat(readA).isCompletedWithValue(Optional.empty());
			assertThat(readC).isCompletedWithValue(Optional.empty());
			assertThat(after).isCompleted();
			assertThat(mutex.stats().lastBatchFailed()).isFalse();
			assertThat(mutex.stats().lastError()).isSameAs(cause);
			mutex.closeAsync();
			executor.runAll();
		}
	}

	@Test
	void whenStoredBytesDoNotDecodeThenOnlyThatReadFails() {
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("codec").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			mutex.put("bad", new byte[] { (byte) 0xC3, (byte) 0x28 }, Codecs.bytes());
			mutex.put("good", "fine");
			executor.runAll();
			CompletableFuture<Optional<String>> bad = mutex.get("bad");
			CompletableFuture<Optional<String>> good = mutex.get("good");
			executor.runAll();
			assertThat(failure(bad)).isInstanceOf(CodecException.class).hasMessageContaining("UTF-8");
			assertThat(good).isCompletedWithValue(Optional.of("fine"));
			mutex.closeAsync();
			executor.runAll();
		}
	}

	@Test
	void whenListenerThrowsThenCycleGoesOnAndOtherListenersAreCalled() {
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("noisy").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			List<String> seen = new ArrayList<>();
			mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					throw new IllegalStateException("listener bug");
				}

				@Override
				public void onWrites(WriteBatchEvent event) {
					throw new IllegalStateException("listener bug");
				}

				@Override
				public void onFlushed(FlushEvent event) {
					throw new IllegalStateException("listener bug");
				}
			});
			Mutex.ListenerRegistration second = mutex.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					seen.add("flushed");
				}
			});
			CompletableFuture<Optional<String>> read = mutex.get("k");
			CompletableFuture<Void> write = mutex.put("k", "v");
			executor.runAll();
			assertThat(read).isCompletedWithValue(Optional.empty());
			assertThat(write).isCompleted();
			assertThat(seen).containsExactly("flushed");
			second.close();
			mutex.put("k", "v2");
			executor.runAll();
			assertThat(seen).containsExactly("flushed");
			mutex.closeAsync();
			executor.runAll();
		}
	}

	@Test
	void whenListenerOrInterceptorOrCodecThrowsAnErrorThenOperationsStillComplete() {
		ManualExecutor executor = new ManualExecutor();
		AtomicBoolean interceptorFails = new AtomicBoolean();
		try (TempStore temp = TempStore.open((builder) -> builder.batchInterceptor((name, ops) -> {
			if (interceptorFails.get()) {
				throw new AssertionError("interceptor assertion");
			}
		}))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("errors").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			mutex.addListener(new MutexListener() {
				@Override
				public void onReads(ReadPhaseEvent event) {
					throw new AssertionError("listener assertion");
				}

				@Override
				public void onFlushed(FlushEvent event) {
					throw new AssertionError("listener assertion");
				}
			});
			CompletableFuture<Void> write = mutex.put("k", "v");
			executor.runAll();
			assertThat(write).isCompleted();

			io.levelmutex.codec.Codec<String> erring = new io.levelmutex.codec.Codec<>() {
				@Override
				public byte[] encode(String value) {
					return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
				}

				@Override
				public String decode(byte[] bytes) {
					throw new StackOverflowError("codec error");
				}
			};
			CompletableFuture<Optional<String>> erringRead = mutex.get("k", erring);
			CompletableFuture<Optional<String>> read = mutex.get("k");
			executor.runAll();
			assertThat(failure(erringRead)).isInstanceOf(StackOverflowError.class);
			assertThat(read).isCompletedWithValue(Optional.of("v"));

			interceptorFails.set(true);
			CompletableFuture<Void> vetoed = mutex.put("k2", "v");
			executor.runAll();
			assertThat(failure(vetoed)).isInstanceOf(StorageException.class).hasRootCauseMessage("interceptor assertion");
			mutex.closeAsync();
			executor.runAll();
		}
	}

	@Test
	void whenListenerBlocksThenStatsShowTheRunningCycleUntilItReturns() throws Exception {
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("blocked").build(), Codecs.utf8(),
					Codecs.utf8());
			java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
			java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
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
			assertThat(mutex.stats().runningCycle()).isNull();
			CompletableFuture<Void> write = mutex.put("k", "v");
			entered.await();
			CompletableFuture<Void> queuedBehind = mutex.put("k2", "v");
			assertThat(mutex.stats().runningCycle()).isNotNull();
			assertThat(mutex.stats().queuedWrites()).isEqualTo(1);
			assertThat(write).isNotDone();
			release.countDown();
			write.get(60, java.util.concurrent.TimeUnit.SECONDS);
			queuedBehind.get(60, java.util.concurrent.TimeUnit.SECONDS);
			org.awaitility.Awaitility.await().until(() -> mutex.stats().runningCycle() == null);
		}
	}

	private static Throwable failure(CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		try {
			future.join();
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
		throw new AssertionError("not failed");
	}

}
