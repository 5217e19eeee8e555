package io.levelmutex;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

/**
 * An engine that answers {@link KeyspaceStorage#commitAsync} as a test says (at once, later on a thread of the
 * test's, failing, refused at the call), everything else by its delegate: the embedded engine's group commit, whose
 * completion resumes the cycle on the executor, without RocksDB.
 */
final class AsyncCommitEngine implements StorageEngine {

	/** How a commit is answered: {@code commit} runs the delegate's commit (on whichever thread calls it). */
	@FunctionalInterface
	interface CommitAnswer {

		CompletionStage<CommitResult> answer(Supplier<CommitResult> commit);

	}

	private final StorageEngine delegate;

	private final String description;

	private final CommitAnswer answer;

	AsyncCommitEngine(StorageEngine delegate, String description, CommitAnswer answer) {
		this.delegate = delegate;
		this.description = description;
		this.answer = answer;
	}

	@Override
	public String description() {
		return this.description;
	}

	@Override
	public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
		KeyspaceStorage storage = this.delegate.open(keyspace, durable, remoteChanges);
		CommitAnswer answer = this.answer;
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
			public ReadResult read(ReadPlan plan) {
				return storage.read(plan);
			}

			@Override
			public boolean batchesUpdateReads() {
				return storage.batchesUpdateReads();
			}

			@Override
			public CommitResult commit(EngineBatch batch) {
				return storage.commit(batch);
			}

			@Override
			public CompletionStage<CommitResult> commitAsync(EngineBatch batch) {
				return answer.answer(() -> storage.commit(batch));
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
