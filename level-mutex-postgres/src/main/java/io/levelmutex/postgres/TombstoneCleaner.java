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
 * outside every batch's call ({@link AfterCommit}), in a transaction of its own (three statements).
 */
final class TombstoneCleaner {

	private final Connections connections;

	private final PostgresSettings settings;

	private final PostgresSql sql;

	TombstoneCleaner(Connections connections, PostgresSettings settings, PostgresSql sql) {
		this.connections = connections;
		this.settings = settings;
		this.sql = sql;
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
		try {
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
		}
	}

}
