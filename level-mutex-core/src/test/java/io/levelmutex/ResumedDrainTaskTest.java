package io.levelmutex;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * A drain whose write phases each wait for an asynchronous commit (the embedded engine's group committer) returns
 * its thread at every commit, and the commit's completion resumes the cycle in a new executor task: such a drain
 * already gives the executor to other mutexes once per batch, so it costs no extra task for a yield after
 * {@link MutexCore#MAX_CYCLES_PER_DRAIN} cycles (issue 22: the executor hand-offs a batch pays). Order and
 * exactly-once completion hold.
 */
class ResumedDrainTaskTest {

	@Test
	void whenEveryCommitCompletesLaterThenEachBatchCostsOneTaskAndNoDrainIsResubmittedToYield() {
		int writes = MutexCore.MAX_CYCLES_PER_DRAIN * 2 + 8;
		CountingExecutor executor = new CountingExecutor();
		Path path = TempStore.newDirectory();
		LaterCommits engine = new LaterCommits(MemoryEngine.embedded());
		try (MutexStore store = MutexStore.open(engine, StoreOptions.builder().durable(false).build())) {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("later").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			List<Integer> completed = new ArrayList<>();
			chain(mutex, 0, writes, completed);
			int commits = 0;
			for (;;) {
				executor.runAll();
				if (!engine.completeNext()) {
					break;
				}
				commits++;
			}
			assertThat(completed).as("every write completed once, in issue order").hasSize(writes)
				.isSorted()
				.doesNotHaveDuplicates();
			assertThat(commits).as("one batch per write: each is issued by the previous one's completion")
				.isEqualTo(writes);
			assertThat(mutex.stats().batchesFlushed()).isEqualTo(writes);
			assertThat(executor.executed).as("executor tasks: the first drain, then one resume per commit, no yield resubmit")
				.isEqualTo(writes + 1);
			assertThat(mutex.stats().queued()).isZero();
			mutex.closeAsync();
			executor.runAll();
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	private static void chain(Mutex<String, String> mutex, int i, int writes, List<Integer> completed) {
		mutex.put("k" + i, "v" + i).thenRun(() -> {
			completed.add(i);
			if (i + 1 < writes) {
				chain(mutex, i + 1, writes, completed);
			}
		});
	}

	/** A {@link ManualExecutor} that counts the tasks handed to it. */
	private static final class CountingExecutor implements JoinableExecutor {

		private final ManualExecutor tasks = new ManualExecutor();

		int executed;

		@Override
		public void execute(Runnable command) {
			this.executed++;
			this.tasks.execute(command);
		}

		void runAll() {
			this.tasks.runAll();
		}

	}

	/** The memory engine, with every commit answered later: when the test calls {@link #completeNext()}. */
	private static final class LaterCommits implements StorageEngine {

		private final MemoryEngine delegate;

		private final ArrayDeque<Runnable> later = new ArrayDeque<>();

		LaterCommits(MemoryEngine delegate) {
			this.delegate = delegate;
		}

		/** Applies and completes the oldest commit not yet answered; {@code false} if none waits. */
		boolean completeNext() {
			Runnable next = this.later.poll();
			if (next == null) {
				return false;
			}
			next.run();
			return true;
		}

		@Override
		public String description() {
			return "memory engine, commits answered later";
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
					CompletableFuture<CommitResult> result = new CompletableFuture<>();
					LaterCommits.this.later.add(() -> result.complete(storage.commit(batch)));
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
