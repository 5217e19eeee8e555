package io.levelmutex.reliability.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.LongStream;

import org.jspecify.annotations.Nullable;

import io.levelmutex.Keyspace;

/**
 * Reads a keyspace's batch log and sequence straight from the engine's tables (default prefix
 * {@code level_mutex_}), to check that committed batches are numbered without gaps.
 */
final class BatchLog {

	static final String PREFIX = "level_mutex_";

	private BatchLog() {
	}

	/**
	 * The engine's name of a mutex's keyspace (default keyspace of the mutex): {@code <column family>/<hex of
	 * the prefix>}.
	 * @param mutex the mutex's name
	 * @return the name in the keyspace table
	 */
	static String keyspaceName(String mutex) {
		Keyspace keyspace = Keyspace.forMutex(mutex);
		return keyspace.columnFamily() + "/" + HexFormat.of().formatHex(keyspace.prefix());
	}

	/**
	 * The logged sequences of a keyspace above its clean-up horizon (rows at or below it may be removed by the
	 * engine's clean-up), in order, and the keyspace's current sequence.
	 * @param nodes the database
	 * @param mutex the mutex's name
	 * @return the log
	 */
	static Log read(PgNodes nodes, String mutex) throws SQLException {
		String keyspace = keyspaceName(mutex);
		try (Connection connection = nodes.admin()) {
			long id;
			long sequence;
			long horizon;
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT id, seq, horizon FROM " + PREFIX + "keyspace WHERE name = ?")) {
				statement.setString(1, keyspace);
				try (ResultSet rows = statement.executeQuery()) {
					if (!rows.next()) {
						throw new AssertionError("No keyspace " + keyspace + " in the batch log's tables");
					}
					id = rows.getLong(1);
					sequence = rows.getLong(2);
					horizon = rows.getLong(3);
				}
			}
			List<Long> logged = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement(
					"SELECT seq FROM " + PREFIX + "batch WHERE keyspace_id = ? AND seq > ? ORDER BY seq")) {
				statement.setLong(1, id);
				statement.setLong(2, horizon);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						logged.add(rows.getLong(1));
					}
				}
			}
			return new Log(horizon, sequence, logged);
		}
	}

	/**
	 * Every batch-log row of a keyspace, by sequence, and the keyspace's sequence and horizon.
	 * @param nodes the database
	 * @param mutex the mutex's name
	 * @return the rows
	 */
	static Rows rows(PgNodes nodes, String mutex) throws SQLException {
		Log log = read(nodes, mutex);
		try (Connection connection = nodes.admin(); PreparedStatement statement = connection.prepareStatement(
				"SELECT b.seq, b.batch_id, b.node_id, b.applied_ops, b.rejected_unit FROM " + PREFIX + "batch b JOIN "
						+ PREFIX + "keyspace k ON k.id = b.keyspace_id WHERE k.name = ? ORDER BY b.seq")) {
			statement.setString(1, keyspaceName(mutex));
			TreeMap<Long, Row> rows = new TreeMap<>();
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					Row row = new Row(result.getLong(1), result.getObject(2, UUID.class),
							result.getObject(3, UUID.class), result.getInt(4), result.getInt(5));
					rows.put(row.sequence(), row);
				}
			}
			return new Rows(log, rows);
		}
	}

	/**
	 * One batch-log row.
	 * @param sequence the batch's sequence
	 * @param batchId the committing node's batch id
	 * @param nodeId the committing node's id
	 * @param appliedOps the writes applied, from the batch's first
	 * @param rejectedUnit the rejected update that truncated the batch, or -1
	 */
	record Row(long sequence, UUID batchId, UUID nodeId, int appliedOps, int rejectedUnit) {
	}

	/**
	 * A keyspace's batch-log rows.
	 * @param log its sequence, horizon and logged sequences
	 * @param bySequence the rows by sequence
	 */
	record Rows(Log log, TreeMap<Long, Row> bySequence) {

		/** The row of a batch id, or {@code null} if the log has none. */
		@Nullable
		Row find(UUID batchId) {
			for (Row row : this.bySequence.values()) {
				if (row.batchId().equals(batchId)) {
					return row;
				}
			}
			return null;
		}

	}

	/**
	 * A keyspace's batch log.
	 * @param horizon the clean-up horizon: rows at or below it may be gone
	 * @param sequence the keyspace's sequence (its last committed batch)
	 * @param logged the logged sequences above the horizon, ascending
	 */
	record Log(long horizon, long sequence, List<Long> logged) {

		/** The sequences a gapless log holds above the horizon. */
		List<Long> expected() {
			return LongStream.rangeClosed(this.horizon + 1, this.sequence).boxed().toList();
		}

	}

}
