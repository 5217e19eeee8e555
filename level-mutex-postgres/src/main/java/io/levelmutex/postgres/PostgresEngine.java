package io.levelmutex.postgres;

import javax.sql.DataSource;

import io.levelmutex.Keyspace;
import io.levelmutex.StoreHealth;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

/**
 * The PostgreSQL storage engine of one node: a {@link PostgresStorage} on the user's {@link DataSource}, and
 * one {@link RemoteChangeListener} that every keyspace storage of the engine watches its keyspace on. Always
 * durable. Thread-safe.
 */
final class PostgresEngine implements StorageEngine {

	private final PostgresStorage storage;

	private final RemoteChangeListener listener;

	private final EngineHealth health = new EngineHealth();

	/** Set by {@link #close()}; read by health. */
	private volatile boolean open = true;

	private PostgresEngine(PostgresStorage storage) {
		this.storage = storage;
		this.listener = storage.listen((change) -> {
			// Every keyspace storage watches with a sink of its own; nothing arrives here.
		});
	}

	/**
	 * Opens the engine: checks durability, creates or verifies the schema, starts the listener.
	 * @param dataSource where connections come from
	 * @param settings the settings
	 * @param createSchema whether to create the schema if it is missing
	 * @return the engine
	 * @throws io.levelmutex.StorageException if the server cannot be reached within the connect wait, durability
	 * is off, or the schema is missing (and may not be created) or of another version
	 */
	static PostgresEngine open(DataSource dataSource, PostgresSettings settings, boolean createSchema) {
		return open(dataSource, settings, createSchema, BatchCommitter.CommitStep.DEFAULT);
	}

	static PostgresEngine open(DataSource dataSource, PostgresSettings settings, boolean createSchema,
			BatchCommitter.CommitStep commitStep) {
		return new PostgresEngine(PostgresStorage.open(dataSource, settings, createSchema, commitStep));
	}

	PostgresStorage storage() {
		return this.storage;
	}

	RemoteChangeListener listener() {
		return this.listener;
	}

	@Override
	public String description() {
		return "postgresql " + this.storage.settings().tablePrefix() + " tables";
	}

	@Override
	public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
		PostgresKeyspace pg;
		long sequence;
		try {
			pg = this.storage.keyspace(KeyspaceNames.of(keyspace));
			try (PostgresSnapshot snapshot = this.storage.snapshot(pg)) {
				sequence = snapshot.sequence();
			}
		}
		catch (StorageUnavailableException ex) {
			this.health.unreachable();
			throw ex;
		}
		this.health.reached();
		this.listener.watch(pg, sequence,
				(change) -> remoteChanges.changed(change.fromSequence(), change.toSequence()));
		return new PostgresKeyspaceStorage(this.storage, pg, this.listener, this.health);
	}

	@Override
	public StoreHealth health() {
		return this.health.health(this.open, this.listener, this.storage.settings().tablePrefix());
	}

	@Override
	public void close() {
		this.open = false;
		this.listener.close();
	}

}
