package io.levelmutex;

import java.util.ArrayList;
import java.util.List;

import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

/**
 * An engine that {@link KeyspaceStorage#preparesBatches() prepares batches}: it records every hint the core gives
 * ({@link KeyspaceStorage#prepare}) and, per commit, the hints given since the commit before with the batch's
 * operations; everything else is its delegate's. Optionally its hints throw. Thread-safe (under {@code this}).
 */
final class HintingEngine implements StorageEngine {

	/** One commit: the operations and stored keys hinted since the commit before, and the batch's. */
	record HintedCommit(List<WriteOperation> hinted, List<byte[]> hintedKeys, List<WriteOperation> batch,
			List<byte[]> batchKeys) {
	}

	private final StorageEngine delegate;

	private final boolean throwingHints;

	private final List<HintedCommit> commits = new ArrayList<>();

	private final List<WriteOperation> hinted = new ArrayList<>();

	private final List<byte[]> hintedKeys = new ArrayList<>();

	private int hintsAfterClose;

	HintingEngine(StorageEngine delegate, boolean throwingHints) {
		this.delegate = delegate;
		this.throwingHints = throwingHints;
	}

	synchronized List<HintedCommit> commits() {
		return new ArrayList<>(this.commits);
	}

	/** Operations hinted in all, over every commit. */
	synchronized int hintedOperations() {
		int count = this.hinted.size();
		for (HintedCommit commit : this.commits) {
			count += commit.hinted().size();
		}
		return count;
	}

	synchronized int hintsAfterClose() {
		return this.hintsAfterClose;
	}

	private synchronized void hint(WriteOperation[] operations, byte[][] storedKeys, int count, boolean closed) {
		if (closed) {
			this.hintsAfterClose++;
		}
		for (int i = 0; i < count; i++) {
			this.hinted.add(operations[i]);
			this.hintedKeys.add(storedKeys[i]);
		}
	}

	private synchronized void committed(EngineBatch batch) {
		this.commits.add(new HintedCommit(List.copyOf(this.hinted), List.copyOf(this.hintedKeys),
				List.copyOf(batch.operations()), List.copyOf(batch.storedKeys())));
		this.hinted.clear();
		this.hintedKeys.clear();
	}

	@Override
	public String description() {
		return "hinting " + this.delegate.description();
	}

	@Override
	public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
		KeyspaceStorage storage = this.delegate.open(keyspace, durable, remoteChanges);
		return new KeyspaceStorage() {

			private volatile boolean closed;

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
			public boolean keepsBatchAfterCommit() {
				return storage.keepsBatchAfterCommit();
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
			public boolean preparesBatches() {
				return true;
			}

			@Override
			public void prepare(WriteOperation[] operations, byte[][] storedKeys, int count) {
				hint(operations, storedKeys, count, this.closed);
				if (HintingEngine.this.throwingHints) {
					throw new IllegalStateException("injected hint failure");
				}
			}

			@Override
			public CommitResult commit(EngineBatch batch) {
				committed(batch);
				return storage.commit(batch);
			}

			@Override
			public void close() {
				this.closed = true;
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
