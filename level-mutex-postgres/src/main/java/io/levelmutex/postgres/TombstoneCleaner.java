package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Removes tombstones (and batch-log rows) no validation can still need, a bounded number per call. Under the
 * keyspace's lock it raises the keyspace's horizon to {@code sequence - tombstoneRetention}, then deletes up to
 * {@code maxRows} tombstones and batch-log rows with a sequence at or below the horizon. Validation rejects a
 * unit whose snapshot sequence is below the horizon ({@link RejectedUnit.Reason#SNAPSHOT_TOO_OLD}): a delete
 * it should see may be gone. So a tombstone is removed only when no unit that could still commit needs it.
 */
final class TombstoneCleaner {

	private final Connections connections;

	private final PostgresSettings settings;

	TombstoneCleaner(Connections connections, PostgresSettings settings) {
		this.connections = connections;
		this.settings = settings;
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
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + this.settings.table("keyspace")
					+ " SET horizon = greatest(horizon, seq - ?) WHERE id = ? RETURNING horizon")) {
				statement.setLong(1, this.settings.tombstoneRetention());
				statement.setInt(2, keyspace.id());
				try (ResultSet rows = statement.executeQuery()) {
					rows.next();
					horizon = rows.getLong(1);
				}
			}
			int deleted;
			String entries = this.settings.table("entry");
			try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + entries
					+ " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + entries
					+ " WHERE keyspace_id = ? AND value IS NULL AND seq <= ? LIMIT ?))")) {
				statement.setInt(1, keyspace.id());
				statement.setLong(2, horizon);
				statement.setInt(3, maxRows);
				deleted = statement.executeUpdate();
			}
			String batches = this.settings.table("batch");
			try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + batches
					+ " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + batches + " WHERE keyspace_id = ? AND seq <= ? LIMIT ?))")) {
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
