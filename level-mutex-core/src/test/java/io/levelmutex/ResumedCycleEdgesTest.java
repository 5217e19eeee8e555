package io.levelmutex;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges of a cycle resumed after an asynchronous commit (a drain counts {@link MutexCore#MAX_CYCLES_PER_DRAIN}
 * per task, and the resume is a new task): the executor refusing the resume, a burst past the cycle limit on the
 * thread that completed the commit, and a close abandoned while the commit is held with writes queued behind it.
 * Every operation completes exactly once, in issue order; an abandoned mutex writes nothing more.
 */
class ResumedCycleEdgesTest {

	@Test
	void whenTheExecutorRefusesTheResumeThenTheCycleRunsOnTheCommitsThreadAndABurstPastTheLimitCompletesExactlyOnceInOrder()
			throws Exception {
		int writes = MutexCore.MAX_CYCLES_PER_DRAIN * 3 + 5;
		RefusingExecutor executor = new RefusingExecutor();
		HeldCommits engine = new HeldCommits(MemoryEngine.embedded());
		try (MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = store.mutex(
					MutexOptions.builder("refused").maxBatchOperations(1).executor(executor).build(), Codecs.utf8(),
					Codecs.utf8());
			List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
			List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
			List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>());
			engine.holdNext = true; // the first commit is held; every later one is answered at once
			chain(mutex, 0, writes, completed, failures, futures);
			executor.runAll();
			assertThat(engine.held()).as("the first batch's commit is held").isEqualTo(1);
			executor.refuse = true;
			assertThat(engine.completeNext()).isTrue(); // the resume is refused: the cycle goes on here
			assertThat(futures).as("a burst past the cycle limit: issued, each by the last one's completion")
				.hasSizeGreaterThan(MutexCore.MAX_CYCLES_PER_DRAIN);
			for (CompletableFuture<Void> future : futures) {
				assertThat(future).as("nothing is left pending once the executor refused").isDone();
			}
			assertThat(completed).as("every write completed once, in issue order").hasSize(futures.size())
				.isSorted()
				.doesNotHaveDuplicates();
			assertThat(failures).as("the writes past the limit fail with the refusal, the earlier ones were written")
				.allSatisfy(failure -> assertThat(failure).isInstanceOf(CycleRejectedException.class));
			assertThat(futures.size() - failures.size()).as("writes written before the yield was refused")
				.isGreaterThanOrEqualTo(MutexCore.MAX_CYCLES_PER_DRAIN);
			assertThat(mutex.stats().queued()).isZero();
			CompletableFuture<Void> close = mutex.closeAsync();
			close.get(60, TimeUnit.SECONDS);
		}
	}

	@Test
	void whenACloseIsAbandonedWhileACommitIsHeldWithWritesQueuedBehindItThenEachFailsOnceAndNothingMoreIsWritten()
			throws Exception {
		ManualExecutor executor = new ManualExecutor();
		HeldCommits engine = new HeldCommits(MemoryEngine.embedded());
		try (MutexStore store = MutexStore.open(engine,
				StoreOptions.builder().durable(false).closeTimeout(Duration.ofMillis(1)).build())) {
			Mutex<String, String> mutex = store.mutex(
					MutexOptions.builder("held").maxBatchOperations(1).executor(executor).build(), Codecs.utf8(),
					Codecs.utf8());
			engine.holdNext = true;
			CompletableFuture<Void> first = mutex.put("k0", "v0");
			executor.runAll();
			assertThat(engine.held()).isEqualTo(1);
			// queued behind the held batch: in the same write phase (batch limit 1) and the next cycle
			List<CompletableFuture<?>> queued = new ArrayList<>();
			for (int i = 1; i <= 5; i++) {
				queued.add(mutex.put("k" + i, "v" + i));
			}
			queued.add(mutex.get("k1"));
			queued.add(mutex.afterWrite());
			queued.add(mutex.update(context -> {
				context.put("u", "written");
				return null;
			}));
			CompletableFuture<Void> close = mutex.closeAsync();
			close.get(60, TimeUnit.SECONDS); // abandoned after closeTimeout: the commit is still held
			assertThat(first).as("the write whose batch was under way fails").isCompletedExceptionally();
			for (CompletableFuture<?> future : queued) {
				assertThat(future).isCompletedExceptionally();
				assertThat(causeOf(future)).isInstanceOf(MutexClosedException.class);
			}
			// the held commit returns: the resumed cycle runs on, and writes nothing more
			engine.holdNext = false;
			assertThat(engine.completeNext()).isTrue();
			executor.runAll();
			while (engine.completeNext()) {
				executor.runAll();
			}
			Mutex<String, String> reopened = store.mutex(MutexOptions.builder("held").build(), Codecs.utf8(),
					Codecs.utf8());
			assertThat(reopened.get("k0").get(60, TimeUnit.SECONDS)).as("the batch under way was applied")
				.contains("v0");
			for (int i = 1; i <= 5; i++) {
				assertThat(reopened.get("k" + i).get(60, TimeUnit.SECONDS))
					.as("write %d, queued behind the held commit, was not written after the abandon", i)
					.isEqualTo(Optional.empty());
			}
			assertThat(reopened.get("u").get(60, TimeUnit.SECONDS)).as("the update was not written").isEmpty();
			assertThat(engine.commits).as("commits handed to the engine: the held one only").isEqualTo(1);
		}
	}

	private static Throwable causeOf(CompletableFuture<?> future) {
		try {
			future.join();
			return null;
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

	private static void chain(Mutex<String, String> mutex, int i, int writes, List<Integer> completed,
			List<Throwable> failures, List<CompletableFuture<Void>> futures) {
		CompletableFuture<Void> future = mutex.put("k" + i, "v" + i);
		futures.add(future);
		future.whenComplete((result, error) -> {
			completed.add(i);
			if (error != null) {
				failures.add(error);
			}
			if (i + 1 < writes) {
				chain(mutex, i + 1, writes, completed, failures, futures);
			}
		});
	}

	/** A {@link ManualExecutor} that refuses every task once told to (an executor shut down). */
	private static final class RefusingExecutor implements JoinableExecutor {

		private final ManualExecutor tasks = new ManualExecutor();

		volatile boolean refuse;

		@Override
		public void execute(Runnable command) {
			if (this.refuse) {
				throw new RejectedExecutionException("refused by the test");
			}
			this.tasks.execute(command);
		}

		void runAll() {
			this.tasks.runAll();
		}

	}

	/** The memory engine; a commit is held (answered when the test says) while {@link #holdNext} is set. */
	private static final class HeldCommits implements StorageEngine {

		private final MemoryEngine delegate;

		private final ArrayDeque<Runnable> later = new ArrayDeque<>();

		volatile boolean holdNext;

		/** Commits handed to the engine; the cycle thread. */
		volatile int commits;

		HeldCommits(MemoryEngine delegate) {
			this.delegate = delegate;
		}

		synchronized int held() {
			return this.later.size();
		}

		/** Applies and completes the oldest held commit; {@code false} if none is held. */
		boolean completeNext() {
			Runnable next;
			synchronized (this) {
				next = this.later.poll();
			}
			if (next == null) {
				return false;
			}
			next.run();
			return true;
		}

		@Override
		public String description() {
			return "memory engine, commits held on request";
		}

		@Override
		public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
			KeyspaceStorage storage = this.delegate.open(keyspace, durable, remoteChanges);
			return new KeyspaceStorage() {

				@Override
				public byte[] keyPrefix() {
					return storage.keyPrefix();
				}

				@Override
				public boolean validatesUpdates() {
					return storage.validatesUpdates();
				}

				@Override
				public int maxKeyBytes() {
					return storage.maxKeyBytes();
				}

				@Override
				public int maxValueBytes() {
					return storage.maxValueBytes();
				}

				@Override
				public ReadSnapshot snapshot() {
					return storage.snapshot();
				}

				@Override
				public CommitResult commit(EngineBatch batch) {
					return storage.commit(batch);
				}

				@Override
				public CompletionStage<CommitResult> commitAsync(EngineBatch batch) {
					HeldCommits.this.commits++;
					if (!HeldCommits.this.holdNext) {
						return CompletableFuture.completedFuture(storage.commit(batch));
					}
					HeldCommits.this.holdNext = false;
					CompletableFuture<CommitResult> result = new CompletableFuture<>();
					synchronized (HeldCommits.this) {
						HeldCommits.this.later.add(() -> result.complete(storage.commit(batch)));
					}
					return result;
				}

				@Override
				public void close() {
					storage.close();
				}

			};
		}

		@Override
		public StoreHealth health() {
			return this.delegate.health();
		}

		@Override
		public void close() {
			this.delegate.close();
		}

	}

}
