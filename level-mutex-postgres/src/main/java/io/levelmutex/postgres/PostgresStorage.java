package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.Consumer;

import javax.sql.DataSource;

/**
 * The storage layer of one node on a PostgreSQL database: snapshots, batch commits, remote-change listening and
 * tombstone clean-up of keyspaces, on connections from the given {@link DataSource} (the library's own
 * connections, never a caller's transaction). Opening checks durability ({@code synchronous_commit} on) and
 * creates or verifies the schema. Thread-safe.
 */
final class PostgresStorage {

	private final PostgresSettings settings;

	private final Connections connections;

	private final UUID nodeId;

	private final KeyspaceDirectory keyspaces;

	private final BatchCommitter committer;

	private final TombstoneCleaner cleaner;

	private PostgresStorage(DataSource dataSource, PostgresSettings settings, BatchCommitter.CommitStep commitStep) {
		this.settings = settings;
		this.connections = new Connections(dataSource, settings.connectWait());
		this.nodeId = UUID.randomUUID();
		this.keyspaces = new KeyspaceDirectory(settings);
		this.committer = new BatchCommitter(this.connections, settings, this.nodeId, commitStep);
		this.cleaner = new TombstoneCleaner(this.connections, settings);
	}

	/**
	 * Opens the storage of a node.
	 * @param dataSource where connections come from
	 * @param settings the settings
	 * @param createSchema whether to create the schema if it is missing (otherwise it must exist)
	 * @return the storage
	 * @throws PostgresConfigurationException if {@code synchronous_commit} is off, or the schema is missing
	 * (and may not be created) or of another version
	 * @throws PostgresUnavailableException if the server cannot be reached within the connect wait
	 */
	static PostgresStorage open(DataSource dataSource, PostgresSettings settings, boolean createSchema) {
		return open(dataSource, settings, createSchema, BatchCommitter.CommitStep.DEFAULT);
	}

	static PostgresStorage open(DataSource dataSource, PostgresSettings settings, boolean createSchema,
			BatchCommitter.CommitStep commitStep) {
		PostgresStorage storage = new PostgresStorage(dataSource, settings, commitStep);
		Connection connection = storage.connections.open("opening the PostgreSQL storage");
		try {
			DurabilityCheck.check(connection);
			if (createSchema) {
				SchemaInstaller.install(connection, settings.tablePrefix());
			}
			else {
				SchemaInstaller.verify(connection, settings.tablePrefix());
			}
		}
		catch (SQLException ex) {
			throw SqlFailures.typed("Could not open the PostgreSQL storage (table prefix '" + settings.tablePrefix()
					+ "')", ex);
		}
		finally {
			Connections.closeQuietly(connection);
		}
		return storage;
	}

	PostgresSettings settings() {
		return this.settings;
	}

	UUID nodeId() {
		return this.nodeId;
	}

	/**
	 * The keyspace of that name, created (row with sequence 0) on first use by any node.
	 * @param name 1 to 200 bytes of UTF-8
	 * @return the keyspace
	 */
	PostgresKeyspace keyspace(String name) {
		KeyspaceDirectory.validateName(name);
		Integer known = this.keyspaces.cached(name);
		if (known != null) {
			return new PostgresKeyspace(name, known);
		}
		Connection connection = this.connections.open("opening keyspace '" + name + "'");
		try {
			return new PostgresKeyspace(name, this.keyspaces.id(connection, name));
		}
		catch (SQLException ex) {
			throw SqlFailures.typed("Could not open keyspace '" + name + "'", ex);
		}
		finally {
			Connections.closeQuietly(connection);
		}
	}

	/**
	 * Opens a snapshot of a keyspace; the caller closes it.
	 * @param keyspace the keyspace
	 * @return the snapshot
	 */
	PostgresSnapshot snapshot(PostgresKeyspace keyspace) {
		return PostgresSnapshot.open(this.connections, this.settings, keyspace);
	}

	/**
	 * Commits a batch atomically (see {@link BatchCommitter}).
	 * @param keyspace the keyspace
	 * @param batch the batch
	 * @return the sequence and the rejected units
	 */
	CommitResult commit(PostgresKeyspace keyspace, Batch batch) {
		return this.committer.commit(keyspace, batch);
	}

	/**
	 * Starts a remote-change listener of this node; the caller watches keyspaces on it and closes it.
	 * @param callback receives other nodes' commits, on the listener's thread
	 * @return the running listener
	 */
	RemoteChangeListener listen(Consumer<RemoteChange> callback) {
		RemoteChangeListener listener = new RemoteChangeListener(this.connections, this.settings, this.nodeId,
				callback);
		listener.start();
		return listener;
	}

	/**
	 * One bounded tombstone clean-up (see {@link TombstoneCleaner}).
	 * @param keyspace the keyspace
	 * @param maxRows the most tombstones to delete
	 * @return the number deleted
	 */
	int cleanUp(PostgresKeyspace keyspace, int maxRows) {
		return this.cleaner.cleanUp(keyspace, maxRows);
	}

}
