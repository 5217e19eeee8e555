package io.levelmutex.postgres;


import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.InvalidInputException;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;
import io.levelmutex.engine.ReadSnapshot;

/**
 * One mutex's keyspace on PostgreSQL: its own PostgreSQL keyspace (so no key prefix), one-statement reads of whole
 * plans ({@link PlanReader}; {@link PostgresSnapshot}s only for direct use), one-statement
 * validated commits ({@link BatchCommitter}), remote changes watched on the engine's listener from the sequence
 * it opened at until {@link #close()}. A commit hands its sequence to the engine's {@link AfterCommit} worker
 * (hint, clean-up) and returns. With the engine's {@link JoinedCommitter} ({@link #commitAsync}), a batch handed
 * over while the node has other commits in flight is committed with other keyspaces' batches in one transaction,
 * and the cycle's thread is free meanwhile. Used by its mutex's cycle, one call at a time (a joined commit's
 * completion runs on a sender thread, while the core starts nothing else of this keyspace's commits).
 */
final class PostgresKeyspaceStorage implements KeyspaceStorage {

	private static final byte[] NO_PREFIX = new byte[0];

	private final PostgresKeyspace keyspace;

	private final Connections connections;

	private final PostgresSettings settings;

	private final PostgresSql sql;

	private final BatchCommitter committer;

	private final PlanReader reader;

	private final AfterCommit afterCommit;

	private final RemoteChangeListener listener;

	/** This storage's registration with the listener, ended by {@link #close()}. */
	private final RemoteChangeListener.Watched watch;

	private final EngineHealth health;

	private final DurableSequences durable;

	/** The node's joined committer, or {@code null} (joining off, or a version-2 schema). */
	private final @Nullable JoinedCommitter joined;

	/**
	 * The highest sequence of the keyspace this storage knows to be committed (opening, snapshots, commits), for
	 * outcome resolution; written and read by the mutex's cycle, one call at a time (volatile: the cycle's calls
	 * may run on different threads).
	 */
	private volatile long knownSequence;

	/** Which statement commits this keyspace's next batch; owned by the mutex's cycle, one commit at a time. */
	private final CommitRoute route = new CommitRoute();

	/**
	 * The system property that turns off answering update reads from this node's own commits
	 * ({@link #readForUpdates}): {@code -Dio.levelmutex.postgres.knownWrites=false} (a benchmark's A/B switch; on by
	 * default). Read when a keyspace is opened.
	 */
	static final String KNOWN_WRITES_PROPERTY = "io.levelmutex.postgres.knownWrites";

	/** What this node's own commits wrote, answering update reads ({@link KnownWrites}). */
	private final KnownWrites known = new KnownWrites(
			Boolean.parseBoolean(System.getProperty(KNOWN_WRITES_PROPERTY, "true")));

	PostgresKeyspaceStorage(PostgresKeyspace keyspace, long openedAt, Connections connections,
			PostgresSettings settings, PostgresSql sql, BatchCommitter committer, PlanReader reader, AfterCommit afterCommit,
			RemoteChangeListener listener, RemoteChangeListener.Watched watch, EngineHealth health,
			DurableSequences durable, @Nullable JoinedCommitter joined) {
		this.durable = durable;
		this.joined = joined;
		this.reader = reader;
		this.keyspace = keyspace;
		this.knownSequence = openedAt;
		this.connections = connections;
		this.settings = settings;
		this.sql = sql;
		this.committer = committer;
		this.afterCommit = afterCommit;
		this.listener = listener;
		this.watch = watch;
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
		return this.settings.maxValueBytes();
	}

	@Override
	public ReadSnapshot snapshot() {
		try {
			PostgresSnapshot snapshot = PostgresSnapshot.open(this.connections, this.sql, this.keyspace, this.durable);
			this.knownSequence = Math.max(this.knownSequence, snapshot.sequence());
			this.health.reached();
			return snapshot;
		}
		catch (StorageUnavailableException ex) {
			this.health.unreachable();
			throw ex;
		}
	}

	/** One statement, in autocommit, for the whole plan (see {@link PlanReader}). */
	@Override
	public ReadResult read(ReadPlan plan) {
		try {
			ReadResult result = this.reader.read(this.keyspace, plan);
			this.knownSequence = Math.max(this.knownSequence, result.sequence());
			this.health.reached();
			return result;
		}
		catch (StorageUnavailableException ex) {
			this.health.unreachable();
			throw ex;
		}
	}

	/**
	 * Update functions' reads: from what this node's own commits wrote when the plan reads only keys they wrote and
	 * nothing newer of the keyspace was seen since ({@link KnownWrites}: no round trip; the commit validates the
	 * updates against the last commit's sequence), otherwise as {@link #read(ReadPlan)}.
	 */
	@Override
	public ReadResult readForUpdates(ReadPlan plan) {
		ReadResult answer = this.known.answer(plan, this.knownSequence);
		return (answer != null) ? answer : read(plan);
	}

	/**
	 * {@code true}: each read is a round trip, so the core predicts the reads of a batch's update functions and
	 * fetches them with one {@link #read(ReadPlan)} (commit-time validation makes later fallback reads safe).
	 */
	@Override
	public boolean batchesUpdateReads() {
		return true;
	}

	@Override
	public CommitResult commit(EngineBatch batch) {
		this.known.committing(); // what is known next depends on this commit's outcome
		CommitOutcome outcome;
		this.listener.committing(this.watch); // settled below: committed, not committed or failed
		try {
			outcome = this.committer.commit(this.keyspace, this.committer.newBatchId(), batch, this.knownSequence,
					this.route);
		}
		catch (RuntimeException | Error ex) {
			failedCommit(ex);
			throw ex;
		}
		return committed(batch, outcome);
	}

	/**
	 * A commit failed: nothing is known of the keyspace now (rejected by the server, outcome unknown, ...); a failure
	 * to reach the server (unavailable, or an outcome that could not be found out) counts in health until the server
	 * is reached again.
	 */
	private void failedCommit(Throwable failure) {
		this.known.failed();
		settleFailed(failure);
		if (failure instanceof StorageUnavailableException || failure instanceof CommitOutcomeUnknownException) {
			this.health.unreachable();
		}
	}

	/**
	 * Tells the listener how a failed commit settled: not applied when the failure says so (unavailable: nothing
	 * applied; invalid input: refused before any SQL was sent), otherwise failed (perhaps committed).
	 */
	private void settleFailed(Throwable failure) {
		if (failure instanceof StorageUnavailableException || failure instanceof InvalidInputException) {
			this.listener.notCommitted(this.watch);
		}
		else {
			this.listener.failed(this.watch);
		}
	}

	/**
	 * Through the engine's {@link JoinedCommitter} when it has one (else as {@link #commit}): complete when this
	 * returns if nothing else of the node was in flight (committed directly, as {@link #commit}); otherwise
	 * completed by a sender thread once the batch's joined commit replied, after this storage's after-commit step.
	 */
	@Override
	public CompletionStage<CommitResult> commitAsync(EngineBatch batch) {
		JoinedCommitter joiner = this.joined;
		if (joiner == null) {
			return KeyspaceStorage.super.commitAsync(batch);
		}
		this.known.committing(); // what is known next depends on this commit's outcome
		this.listener.committing(this.watch); // settled by completed (or failed below)
		CompletableFuture<CommitOutcome> stage;
		try {
			stage = joiner.submit(this.keyspace, batch, this.knownSequence, this.route);
		}
		catch (RuntimeException | Error ex) {
			settleFailed(ex);
			throw ex;
		}
		return stage.handle((outcome, failure) -> completed(batch, outcome, failure));
	}

	private CommitResult completed(EngineBatch batch, @Nullable CommitOutcome outcome, @Nullable Throwable failure) {
		if (failure != null) {
			Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
					: failure;
			failedCommit(cause);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new CompletionException(cause);
		}
		return committed(batch, java.util.Objects.requireNonNull(outcome));
	}

	/** After a commit's reply: what this node knows of the keyspace, health, listener, after-commit worker. */
	private CommitResult committed(EngineBatch batch, CommitOutcome outcome) {
		CommitResult result = outcome.result();
		this.knownSequence = Math.max(this.knownSequence, result.sequence());
		this.known.committed(batch, result);
		if (outcome.committed()) {
			this.health.committed(this.keyspace.name(), result.sequence());
			// the listener learns the sequence is this node's before the hint of it can wake the listener
			this.listener.committed(this.watch, result.sequence());
			this.afterCommit.committed(this.keyspace, result.sequence());
		}
		else {
			this.listener.notCommitted(this.watch);
			this.health.reached();
		}
		return result;
	}

	@Override
	public void close() {
		this.listener.unwatch(this.watch);
	}

}
