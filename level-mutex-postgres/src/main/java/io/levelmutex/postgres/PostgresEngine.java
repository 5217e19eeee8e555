package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import io.levelmutex.Keyspace;
import io.levelmutex.StoreHealth;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

/**
 * The PostgreSQL storage engine of one node, on connections from the user's {@link DataSource} (the library's
 * own connections, never a caller's transaction): snapshots ({@link PostgresSnapshot}, one REPEATABLE READ transaction each), one-statement commits
 * ({@link BatchCommitter}), one {@link RemoteChangeListener} that every keyspace storage of the engine watches
 * its keyspace on, and one {@link AfterCommit} worker for the hints (only while the listener counts another
 * node's listener) and clean-ups that follow commits. Opening
 * checks durability ({@code synchronous_commit} on) and creates or verifies the schema. Always durable.
 * Thread-safe.
 */
final class PostgresEngine implements StorageEngine {

	private final PostgresSettings settings;

	private final Connections connections;

	private final UUID nodeId = UUID.randomUUID();

	private final KeyspaceDirectory keyspaces;

	private final BatchCommitter committer;

	private final RemoteChangeListener listener;

	private final AfterCommit afterCommit;

	private final PlanReader reader;

	private final PostgresSql sql;

	/** What this node knows durable per keyspace (commits, reads, snapshots and the listener raise it). */
	private final DurableSequences durable;

	private final EngineHealth health = new EngineHealth();

	/** The joined committer ({@link PostgresSettings#joinedCommits()} senders), or {@code null}: joining off or a version-2 schema. */
	private final @Nullable JoinedCommitter joined;

	/** Set by {@link #close()}; read by health. */
	private volatile boolean open = true;

	private PostgresEngine(Connections connections, PostgresSettings settings, BatchCommitter.CommitStep commitStep,
			SchemaFeatures schema) {
		boolean joinable = schema.joined();
		this.settings = settings;
		this.connections = connections;
		PostgresSql sql = new PostgresSql(settings.tablePrefix(), settings.channel());
		this.sql = sql;
		this.keyspaces = new KeyspaceDirectory(sql);
		this.durable = new DurableSequences(sql);
		OwnCleanUps ownCleanUps = new OwnCleanUps();
		this.committer = new BatchCommitter(connections, settings, sql, this.nodeId, commitStep, this.durable,
				schema.putFunction(), ownCleanUps);
		this.reader = new PlanReader(connections, sql, this.durable);
		this.listener = new RemoteChangeListener(connections, settings, this.nodeId, (change) -> {
			// Every keyspace storage watches with a sink of its own; nothing arrives here.
		}, this.durable);
		this.afterCommit = new AfterCommit(connections, settings, sql,
				new TombstoneCleaner(connections, settings, sql, ownCleanUps),
				this.listener::othersMayListen, this.listener::heardHint);
		this.joined = (joinable && settings.joinedCommits() > 0) ? new JoinedCommitter(this.committer, connections,
				settings, sql, this.durable, this.nodeId, commitStep, settings.joinedCommits()) : null;
	}

	/**
	 * Opens the engine: checks durability, creates or verifies the schema, starts the listener and the
	 * after-commit worker.
	 * @param dataSource where connections come from
	 * @param settings the settings
	 * @param createSchema whether to create the schema if it is missing (or upgrade it from version 1)
	 * @return the engine
	 * @throws io.levelmutex.StorageException if the server cannot be reached within the connect wait, durability
	 * is off, or the schema is missing (and may not be created) or of another version
	 */
	static PostgresEngine open(DataSource dataSource, PostgresSettings settings, boolean createSchema) {
		return open(dataSource, settings, createSchema, BatchCommitter.CommitStep.DEFAULT);
	}

	static PostgresEngine open(DataSource dataSource, PostgresSettings settings, boolean createSchema,
			BatchCommitter.CommitStep commitStep) {
		Connections connections = new Connections(dataSource, settings.connectWait());
		PostgresEngine engine = new PostgresEngine(connections, settings, commitStep,
				checkSchema(connections, settings, createSchema));
		engine.listener.start();
		engine.afterCommit.start();
		return engine;
	}

	/** The planned reads (probes: their count and time). */
	PlanReader reader() {
		return this.reader;
	}

	/**
	 * Checks durability, creates or verifies the schema, and tells what it offers.
	 * @return whether the schema has the joined-commit procedure (version 3) and the put function
	 * @throws PostgresConfigurationException if {@code synchronous_commit} is off, or the schema is missing (and
	 * may not be created) or of another version
	 * @throws PostgresUnavailableException if the server cannot be reached within the connect wait
	 */
	static SchemaFeatures checkSchema(Connections connections, PostgresSettings settings, boolean createSchema) {
		Connection connection = connections.open("opening the PostgreSQL storage");
		try {
			DurabilityCheck.check(connection);
			boolean joined = createSchema ? SchemaInstaller.install(connection, settings.tablePrefix())
					: SchemaInstaller.verify(connection, settings.tablePrefix());
			return new SchemaFeatures(joined, SchemaInstaller.hasPutFunction(connection, settings.tablePrefix()));
		}
		catch (SQLException ex) {
			throw SqlFailures.typed("Could not open the PostgreSQL storage (table prefix '" + settings.tablePrefix()
					+ "')", ex);
		}
		finally {
			Connections.closeQuietly(connection);
		}
	}

	RemoteChangeListener listener() {
		return this.listener;
	}

	DurableSequences durable() {
		return this.durable;
	}

	AfterCommit afterCommit() {
		return this.afterCommit;
	}

	/** The joined committer, or {@code null} (for tests and benchmarks). */
	@Nullable JoinedCommitter joined() {
		return this.joined;
	}

	/**
	 * The keyspace of that name, created (row with sequence 0) on first use by any node.
	 * @param name 1 to 200 bytes of UTF-8
	 * @return the keyspace
	 */
	PostgresKeyspace keyspace(String name) {
		return keyspace(this.connections, this.keyspaces, name);
	}

	static PostgresKeyspace keyspace(Connections connections, KeyspaceDirectory keyspaces, String name) {
		KeyspaceDirectory.validateName(name);
		Integer known = keyspaces.cached(name);
		if (known != null) {
			return new PostgresKeyspace(name, known);
		}
		Connection connection = connections.open("opening keyspace '" + name + "'");
		try {
			return new PostgresKeyspace(name, keyspaces.id(connection, name));
		}
		catch (SQLException ex) {
			throw SqlFailures.typed("Could not open keyspace '" + name + "'", ex);
		}
		finally {
			Connections.closeQuietly(connection);
		}
	}

	@Override
	public String description() {
		return "postgresql " + this.settings.tablePrefix() + " tables";
	}

	@Override
	public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
		PostgresKeyspace pg;
		long sequence;
		try {
			pg = keyspace(KeyspaceNames.of(keyspace));
			sequence = this.reader.read(pg, ReadPlan.NONE).sequence(); // one statement
		}
		catch (StorageUnavailableException ex) {
			this.health.unreachable();
			throw ex;
		}
		this.health.reached();
		RemoteChangeListener.Watched watch = this.listener.watch(pg, sequence,
				(change) -> remoteChanges.changed(change.fromSequence(), change.toSequence()));
		return new PostgresKeyspaceStorage(pg, sequence, this.connections, this.settings, this.sql, this.committer,
				this.reader, this.afterCommit, this.listener, watch, this.health, this.durable, this.joined);
	}

	@Override
	public StoreHealth health() {
		return this.health.health(this.open, this.listener, this.settings.tablePrefix(), this.joined);
	}

	@Override
	public void close() {
		this.open = false;
		if (this.joined != null) {
			this.joined.close();
		}
		this.listener.close();
		this.afterCommit.close();
	}

	/**
	 * What a verified schema offers this engine.
	 * @param joined whether it has the joined-commit procedure (version 3)
	 * @param putFunction whether it has the put function (version 3 from the build that added it)
	 */
	record SchemaFeatures(boolean joined, boolean putFunction) {
	}

}
