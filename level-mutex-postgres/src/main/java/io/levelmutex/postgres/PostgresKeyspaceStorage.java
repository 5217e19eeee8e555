package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.List;

import io.levelmutex.StorageException;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.UpdateFootprint;

/**
 * One mutex's keyspace on PostgreSQL: its own PostgreSQL keyspace (so no key prefix), snapshots and validated
 * commits through the engine's {@link PostgresStorage}, remote changes watched on the engine's listener from the
 * sequence it opened at until {@link #close()}. Used by its mutex's cycle, one call at a time.
 */
final class PostgresKeyspaceStorage implements KeyspaceStorage {

	private static final byte[] NO_PREFIX = new byte[0];

	/** A tombstone clean-up runs after every commit whose sequence is a multiple of this. */
	static final long CLEAN_UP_EVERY = 1024;

	/** The most tombstones one clean-up removes. */
	static final int CLEAN_UP_ROWS = 10_000;

	private final PostgresStorage storage;

	private final PostgresKeyspace keyspace;

	private final RemoteChangeListener listener;

	private final EngineHealth health;

	PostgresKeyspaceStorage(PostgresStorage storage, PostgresKeyspace keyspace, RemoteChangeListener listener,
			EngineHealth health) {
		this.storage = storage;
		this.keyspace = keyspace;
		this.listener = listener;
		this.health = health;
	}

	PostgresKeyspace keyspace() {
		return this.keyspace;
	}

	@Override
	public byte[] keyPrefix() {
		return NO_PREFIX;
	}

	@Override
	public boolean validatesUpdates() {
		return true;
	}

	@Override
	public int maxKeyBytes() {
		return PostgresSettings.MAX_KEY_BYTES;
	}

	@Override
	public int maxValueBytes() {
		return this.storage.settings().maxValueBytes();
	}

	@Override
	public ReadSnapshot snapshot() {
		try {
			ReadSnapshot snapshot = new EngineSnapshot(this.storage.snapshot(this.keyspace));
			this.health.reached();
			return snapshot;
		}
		catch (StorageUnavailableException ex) {
			this.health.unreachable();
			throw ex;
		}
	}

	@Override
	public CommitResult commit(EngineBatch batch) {
		Batch internal = toBatch(batch);
		io.levelmutex.postgres.CommitResult result;
		try {
			result = this.storage.commit(this.keyspace, internal);
		}
		catch (StorageUnavailableException ex) {
			this.health.unreachable();
			throw ex;
		}
		if (result.committed()) {
			this.health.committed(this.keyspace.name(), result.sequence());
			if (result.sequence() % CLEAN_UP_EVERY == 0) {
				cleanUpQuietly();
			}
		}
		else {
			this.health.reached();
		}
		RejectedUnit rejected = result.rejected();
		if (rejected == null) {
			return CommitResult.applied(result.sequence(), result.appliedOps());
		}
		return CommitResult.rejected(result.sequence(), result.appliedOps(), rejected.unit(), rejected.key());
	}

	private void cleanUpQuietly() {
		try {
			this.storage.cleanUp(this.keyspace, CLEAN_UP_ROWS);
		}
		catch (StorageException ex) {
			// The next clean-up (CLEAN_UP_EVERY sequences later) tries again; tombstones only take space meanwhile.
		}
	}

	static Batch toBatch(EngineBatch batch) {
		List<byte[]> storedKeys = batch.storedKeys();
		List<BatchOp> ops = new ArrayList<>(batch.size());
		for (int i = 0; i < batch.size(); i++) {
			WriteOperation operation = batch.operations().get(i);
			ops.add(new BatchOp(storedKeys.get(i), operation.type() == WriteOperation.Type.PUT ? operation.value() : null));
		}
		List<UnitFootprint> units = new ArrayList<>(batch.updates().size());
		for (UpdateFootprint update : batch.updates()) {
			List<UnitFootprint.Span> spans = new ArrayList<>(update.spans().size());
			for (KeySpan span : update.spans()) {
				spans.add(new UnitFootprint.Span(span.lower(), span.upper()));
			}
			int end = Math.min(update.firstOperation() + update.operationCount(), storedKeys.size());
			List<byte[]> written = storedKeys.subList(Math.min(update.firstOperation(), end), end);
			units.add(new UnitFootprint(update.firstOperation(), update.snapshotSequence(), update.readKeys(), spans,
					written));
		}
		return Batch.of(ops, units);
	}

	@Override
	public void close() {
		this.listener.unwatch(this.keyspace);
	}

}
