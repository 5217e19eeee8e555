package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Removes tombstones (and batch-log rows) no validation can still need, a bounded number per call. Under the
 * keyspace's lock it raises the keyspace's horizon to {@code sequence - tombstoneRetention}, then takes up to
 * {@code maxRows} rows of the tombstone table with a sequence at or below the horizon (deleting each one's entry
 * when it is still that tombstone: a key written since keeps its entry) and deletes up to {@code maxRows}
 * batch-log rows at or below the horizon. Validation rejects a
 * unit whose snapshot sequence is below the horizon ({@link RejectionReason#SNAPSHOT_TOO_OLD}): a delete
 * it should see may be gone. So a tombstone is removed only when no unit that could still commit needs it. Runs
 * outside every batch's call ({@link AfterCommit}), in a transaction of its own: ONE statement in autocommit
 * ({@link PostgresSql#cleanUp}), so the keyspace's lock is held for its execution and COMMIT only (the commit of
 * a lone writer that meets it waits that long). With {@code -Dio.levelmutex.postgres.cleanUpOneStatement=false}
 * (read when the engine opens; the benchmarks' A/B switch) it runs as before: three statements in one
 * transaction, the lock held over three round trips and the planning of the two deletes, and a synchronous COMMIT.
 *
 * <p>Why the one statement's COMMIT may skip its WAL flush ({@code synchronous_commit} off for that transaction):
 * nothing anyone is told depends on the clean-up being durable by itself. A crash that loses it leaves the
 * database as it was before it ran, a state the keyspace is in between any two clean-ups (tombstones and
 * batch-log rows kept longer, the lower horizon). Anything that saw its effects and committed (a commit that
 * validated against the raised horizon, or whose put found a cleaned entry gone) has its commit record after the
 * clean-up's in the WAL (a transaction becomes visible only after its commit record is written), and every
 * outcome is reported only once the WAL is flushed up to its own commit record (a synchronous COMMIT, or the flush
 * statement after one without), which flushes the clean-up's too. What is told without a commit: a unit rejected
 * as {@link RejectionReason#SNAPSHOT_TOO_OLD} with nothing applied (a rejection the lower horizon would not have
 * made is still an allowed answer to an optimistic unit: nothing was written), a read that finds a key absent
 * (a tombstone reads as absent too), a resolution that says outcome unknown because batch-log rows are gone (still
 * true if they come back). The commit function itself commits without its flush on the same argument.
 *
 * <p>This node's clean-ups are told to {@link OwnCleanUps} (started before the first statement, ended after the
 * transaction), so that a commit of this node that met the keyspace's lock held by one does not take it for
 * another node's ({@link CommitRoute}). Thread-safe: no mutable state of its own.
 */
final class TombstoneCleaner {

	/** The system property that restores the three-statement clean-up (see the class comment); unset: one statement. */
	static final String ONE_STATEMENT_PROPERTY = "io.levelmutex.postgres.cleanUpOneStatement";

	private final Connections connections;

	private final PostgresSettings settings;

	private final PostgresSql sql;

	private final OwnCleanUps ownCleanUps;

	/** Whether the clean-up is the one statement ({@link PostgresSql#cleanUp}); fixed at construction. */
	private final boolean oneStatement;

	TombstoneCleaner(Connections connections, PostgresSettings settings, PostgresSql sql) {
		this(connections, settings, sql, new OwnCleanUps());
	}

	/** A cleaner in the form the system property says (one statement unless it is {@code false}). */
	TombstoneCleaner(Connections connections, PostgresSettings settings, PostgresSql sql, OwnCleanUps ownCleanUps) {
		this(connections, settings, sql, ownCleanUps,
				Boolean.parseBoolean(System.getProperty(ONE_STATEMENT_PROPERTY, "true")));
	}

	/**
	 * A cleaner.
	 * @param ownCleanUps told of every clean-up this cleaner runs
	 * @param oneStatement the one statement, or the three statements of before (see the class comment)
	 */
	TombstoneCleaner(Connections connections, PostgresSettings settings, PostgresSql sql, OwnCleanUps ownCleanUps,
			boolean oneStatement) {
		this.connections = connections;
		this.settings = settings;
		this.sql = sql;
		this.ownCleanUps = ownCleanUps;
		this.oneStatement = oneStatement;
	}

	/**
	 * One bounded clean-up of a keyspace.
	 * @param keyspace the keyspace
	 * @param maxRows the most tombstones (and, separately, batch-log rows) to delete
	 * @return the number of tombstones deleted
	 */
	int cleanUp(PostgresKeyspace keyspace, int maxRows) {
		if (maxRows < 1) {
			throw new PostgresInputException("A clean-up of keyspace '" + keyspace.name()
					+ "' needs maxRows of at least 1, not " + maxRows);
		}
		Connection connection = this.connections.open("the tombstone clean-up of keyspace '" + keyspace.name() + "'");
		this.ownCleanUps.started(keyspace.id());
		try {
			if (this.oneStatement) {
				return oneStatement(connection, keyspace, maxRows);
			}
			connection.setAutoCommit(false);
			long horizon;
			try (PreparedStatement statement = connection.prepareStatement(this.sql.raiseHorizon)) {
				statement.setLong(1, this.settings.tombstoneRetention());
				statement.setInt(2, keyspace.id());
				try (ResultSet rows = statement.executeQuery()) {
					rows.next();
					horizon = rows.getLong(1);
				}
			}
			int deleted;
			try (PreparedStatement statement = connection.prepareStatement(this.sql.deleteTombstones)) {
				statement.setInt(1, keyspace.id());
				statement.setLong(2, horizon);
				statement.setInt(3, maxRows);
				deleted = statement.executeUpdate();
			}
			try (PreparedStatement statement = connection.prepareStatement(this.sql.deleteBatches)) {
				statement.setInt(1, keyspace.id());
				statement.setLong(2, horizon);
				statement.setInt(3, maxRows);
				statement.executeUpdate();
			}
			connection.commit();
			return deleted;
		}
		catch (SQLException ex) {
			Connections.rollbackQuietly(connection);
			throw SqlFailures.typed("The tombstone clean-up of keyspace '" + keyspace.name() + "' failed (nothing removed)",
					ex);
		}
		finally {
			Connections.closeQuietly(connection);
			this.ownCleanUps.ended(keyspace.id());
		}
	}

	private int oneStatement(Connection connection, PostgresKeyspace keyspace, int maxRows) throws SQLException {
		connection.setAutoCommit(true);
		try (PreparedStatement statement = connection.prepareStatement(this.sql.cleanUp)) {
			statement.setLong(1, this.settings.tombstoneRetention());
			statement.setInt(2, keyspace.id());
			statement.setInt(3, keyspace.id());
			statement.setInt(4, maxRows);
			statement.setInt(5, keyspace.id());
			statement.setInt(6, maxRows);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return (int) rows.getLong(1);
			}
		}
	}

}
