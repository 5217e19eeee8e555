package io.levelmutex.postgres;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

/**
 * One node's storage parts for the storage tests, wired as {@link PostgresEngine} wires them but without its
 * threads (no listener, no after-commit worker): keyspaces, snapshots, commits, clean-ups, and listeners the
 * test starts itself.
 */
final class TestNode {

	private final PostgresSettings settings;

	private final Connections connections;

	private final UUID nodeId = UUID.randomUUID();

	private final KeyspaceDirectory keyspaces;

	private final BatchCommitter committer;

	private final TombstoneCleaner cleaner;

	private final PostgresSql sql;

	private final DurableSequences durable;

	private final PlanReader reader;

	private final BatchCommitter.CommitStep commitStep;

	/** The after-commit worker, once {@link #hinting()} started it; owned by the test thread. */
	private AfterCommit afterCommit;

	private TestNode(DataSource dataSource, PostgresSettings settings, BatchCommitter.CommitStep commitStep,
			boolean putFunction, boolean positions) {
		this.settings = settings;
		this.connections = new Connections(dataSource, settings.connectWait());
		PostgresSql sql = new PostgresSql(settings.tablePrefix(), settings.channel());
		this.sql = sql;
		this.keyspaces = new KeyspaceDirectory(sql);
		this.durable = new DurableSequences(sql, positions);
		OwnCleanUps ownCleanUps = new OwnCleanUps(); // as the engine: the committer knows the cleaner's clean-ups
		this.committer = new BatchCommitter(this.connections, settings, sql, this.nodeId, commitStep, this.durable,
				putFunction, ownCleanUps);
		this.reader = new PlanReader(this.connections, sql, this.durable);
		this.cleaner = new TombstoneCleaner(this.connections, settings, sql, ownCleanUps);
		this.commitStep = commitStep;
	}

	/**
	 * A joined committer of this node (its commit step too), with its own sender threads: the caller closes it.
	 * @param senders how many joined commits it keeps in flight
	 */
	JoinedCommitter joiner(int senders) {
		return joiner(senders, JoinedCommitter.LOCK_WAIT_MILLIS);
	}

	/** {@link #joiner(int)} whose joined commits wait that long for a busy keyspace's lock (0: no limit). */
	JoinedCommitter joiner(int senders, int lockWaitMillis) {
		return new JoinedCommitter(this.committer, this.connections, this.settings, this.sql, this.durable,
				this.nodeId, this.commitStep, senders, lockWaitMillis);
	}

	static TestNode open(DataSource dataSource, PostgresSettings settings, boolean createSchema) {
		return open(dataSource, settings, createSchema, BatchCommitter.CommitStep.DEFAULT);
	}

	static TestNode open(DataSource dataSource, PostgresSettings settings, boolean createSchema,
			BatchCommitter.CommitStep commitStep) {
		return open(dataSource, settings, createSchema, commitStep, true);
	}

	/**
	 * A node whose reads and snapshots trust the WAL positions their statement returned ({@code positions}, as the
	 * engine by default) or always flush after a batch committed without its flush (as with
	 * {@link DurableSequences#POSITIONS_PROPERTY}{@code =false}).
	 */
	static TestNode open(DataSource dataSource, PostgresSettings settings, boolean createSchema,
			BatchCommitter.CommitStep commitStep, boolean positions) {
		// As the engine: the schema checked (or created) first; its put function, when there, serves blind puts.
		PostgresEngine.SchemaFeatures schema = PostgresEngine.checkSchema(
				new Connections(dataSource, settings.connectWait()), settings, createSchema);
		return new TestNode(dataSource, settings, commitStep, schema.putFunction(), positions);
	}

	/** Starts an after-commit worker (a daemon thread, idle between commits) that sends this node's hints. */
	TestNode hinting() {
		this.afterCommit = new AfterCommit(this.connections, this.settings, this.sql, this.cleaner);
		this.afterCommit.start();
		return this;
	}

	PostgresSettings settings() {
		return this.settings;
	}

	UUID nodeId() {
		return this.nodeId;
	}

	/** What this node knows durable, and its flush count. */
	DurableSequences durable() {
		return this.durable;
	}

	/** One planned read, as a mutex's read phase makes it. */
	io.levelmutex.engine.ReadResult read(PostgresKeyspace keyspace, io.levelmutex.engine.ReadPlan plan) {
		return this.reader.read(keyspace, plan);
	}

	PostgresKeyspace keyspace(String name) {
		return PostgresEngine.keyspace(this.connections, this.keyspaces, name);
	}

	TestSnapshot snapshot(PostgresKeyspace keyspace) {
		return new TestSnapshot(PostgresSnapshot.open(this.connections, this.sql, keyspace, this.durable));
	}

	Committed commit(PostgresKeyspace keyspace, TestBatch batch) {
		return commit(keyspace, batch, new CommitRoute());
	}

	/** Commits through the statement {@code route} chooses, as a keyspace storage does with its own route. */
	Committed commit(PostgresKeyspace keyspace, TestBatch batch, CommitRoute route) {
		CommitOutcome outcome = this.committer.commit(keyspace, batch.id(), batch.batch(), 0, route);
		if (this.afterCommit != null && outcome.committed()) {
			this.afterCommit.committed(keyspace, outcome.result().sequence());
		}
		return Committed.of(outcome);
	}

	RemoteChangeListener listen(Consumer<RemoteChange> callback) {
		RemoteChangeListener listener = new RemoteChangeListener(this.connections, this.settings, this.nodeId,
				callback, this.durable);
		listener.start();
		return listener;
	}

	/** A listener with its own catch-up spacing and clock (see {@link RemoteChangeListener}). */
	RemoteChangeListener listen(Consumer<RemoteChange> callback, Duration spacing, LongSupplier clock) {
		RemoteChangeListener listener = new RemoteChangeListener(this.connections, this.settings, this.nodeId,
				callback, this.durable, spacing, clock);
		listener.start();
		return listener;
	}

	/**
	 * A listener with its own catch-up spacing, clock and durable sequences (not this node's: what this node's own
	 * commits make durable is not known to it).
	 */
	RemoteChangeListener listen(Consumer<RemoteChange> callback, Duration spacing, LongSupplier clock,
			DurableSequences durable) {
		RemoteChangeListener listener = new RemoteChangeListener(this.connections, this.settings, this.nodeId,
				callback, durable, spacing, clock);
		listener.start();
		return listener;
	}

	/** The statements of this node's tables (tests that make their own durable sequences). */
	PostgresSql sql() {
		return this.sql;
	}

	int cleanUp(PostgresKeyspace keyspace, int maxRows) {
		return this.cleaner.cleanUp(keyspace, maxRows);
	}

}
