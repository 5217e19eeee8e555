package io.levelmutex.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.levelmutex.StorageException;
import io.levelmutex.engine.KeyFormat;

/**
 * One consistent view of a keyspace: a REPEATABLE READ, READ ONLY transaction on its own connection, whose
 * first statement reads the keyspace's sequence, so {@link #sequence()} names exactly the batches visible to
 * every read. Reads never see commits made after the snapshot began. Not thread-safe: one owner (the read
 * phase) uses and closes it. Any failure closes the snapshot and is thrown typed
 * ({@link SqlFailures#typed}).
 */
final class PostgresSnapshot implements AutoCloseable {

	private final Connection connection;

	private final PostgresKeyspace keyspace;

	private final String entries;

	private final long sequence;

	/** Owned by the snapshot's owner thread. */
	private boolean closed;

	/** The failure that closed this snapshot, or null; owned by the snapshot's owner thread. */
	private @Nullable StorageException failure;

	private PostgresSnapshot(Connection connection, PostgresKeyspace keyspace, String entries, long sequence) {
		this.connection = connection;
		this.keyspace = keyspace;
		this.entries = entries;
		this.sequence = sequence;
	}

	static PostgresSnapshot open(Connections connections, PostgresSettings settings, PostgresKeyspace keyspace) {
		Connection connection = connections.open("a snapshot of keyspace '" + keyspace.name() + "'");
		try {
			connection.setAutoCommit(false);
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			connection.setReadOnly(true);
			long sequence;
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT seq FROM " + settings.table("keyspace") + " WHERE id = ?")) {
				statement.setInt(1, keyspace.id());
				try (ResultSet rows = statement.executeQuery()) {
					if (!rows.next()) {
						throw new PostgresConfigurationException("Keyspace '" + keyspace.name() + "' (id "
								+ keyspace.id() + ") has no row in " + settings.table("keyspace"), null);
					}
					sequence = rows.getLong(1);
				}
			}
			return new PostgresSnapshot(connection, keyspace, settings.table("entry"), sequence);
		}
		catch (SQLException ex) {
			Connections.rollbackQuietly(connection);
			Connections.closeQuietly(connection);
			throw SqlFailures.typed("Could not open a snapshot of keyspace '" + keyspace.name() + "'", ex);
		}
		catch (RuntimeException ex) {
			Connections.rollbackQuietly(connection);
			Connections.closeQuietly(connection);
			throw ex;
		}
	}

	/**
	 * The sequence of the last batch visible in this snapshot (0 before the first commit).
	 * @return the snapshot's sequence
	 */
	long sequence() {
		return this.sequence;
	}

	/**
	 * Values of keys, in ONE query.
	 * @param keys the keys (duplicates allowed)
	 * @return the values in the order of {@code keys}, null where a key has no value
	 */
	List<byte @Nullable []> get(List<byte[]> keys) {
		if (keys.isEmpty()) {
			return List.of();
		}
		checkNotFailed("a multi-get of " + keys.size() + " keys");
		Map<Key, byte[]> found = new HashMap<>();
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT key, value FROM " + this.entries
				+ " WHERE keyspace_id = ? AND key = ANY(?) AND value IS NOT NULL")) {
			statement.setInt(1, this.keyspace.id());
			Array array = this.connection.createArrayOf("bytea", keys.toArray(new byte[0][]));
			statement.setArray(2, array);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					found.put(new Key(rows.getBytes(1)), rows.getBytes(2));
				}
			}
		}
		catch (SQLException ex) {
			throw failed("a multi-get of " + keys.size() + " keys", ex);
		}
		List<byte @Nullable []> values = new ArrayList<>(keys.size());
		for (byte[] key : keys) {
			values.add(found.get(new Key(key)));
		}
		return values;
	}

	/**
	 * The first entry of a range.
	 * @param range the range
	 * @return the entry with the lowest key in the range, or null if none (or the range is inverted)
	 */
	@Nullable Entry first(ByteRange range) {
		List<Entry> entries = scan(range, 1, false);
		return entries.isEmpty() ? null : entries.get(0);
	}

	/**
	 * The last entry of a range.
	 * @param range the range
	 * @return the entry with the highest key in the range, or null if none (or the range is inverted)
	 */
	@Nullable Entry last(ByteRange range) {
		List<Entry> entries = scan(range, 1, true);
		return entries.isEmpty() ? null : entries.get(0);
	}

	/**
	 * Up to {@code limit} entries of a range, in key order or reversed, in one query.
	 * @param range the range (an inverted range is empty)
	 * @param limit the most entries, at least 1
	 * @param reverse whether to list from the highest key down
	 * @return the entries
	 * @throws PostgresInputException if {@code limit < 1}
	 */
	List<Entry> scan(ByteRange range, int limit, boolean reverse) {
		if (limit < 1) {
			throw new PostgresInputException("A scan of keyspace '" + this.keyspace.name()
					+ "' needs a limit of at least 1, not " + limit);
		}
		if (range.isEmpty()) {
			return List.of();
		}
		checkNotFailed("a scan");
		StringBuilder sql = new StringBuilder("SELECT key, value FROM ").append(this.entries)
			.append(" WHERE keyspace_id = ? AND value IS NOT NULL");
		if (range.low() != null) {
			sql.append(range.lowInclusive() ? " AND key >= ?" : " AND key > ?");
		}
		if (range.high() != null) {
			sql.append(range.highInclusive() ? " AND key <= ?" : " AND key < ?");
		}
		sql.append(reverse ? " ORDER BY key DESC" : " ORDER BY key").append(" LIMIT ?");
		List<Entry> result = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement(sql.toString())) {
			int index = 1;
			statement.setInt(index++, this.keyspace.id());
			if (range.low() != null) {
				statement.setBytes(index++, range.low());
			}
			if (range.high() != null) {
				statement.setBytes(index++, range.high());
			}
			statement.setInt(index, limit);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					result.add(new Entry(rows.getBytes(1), rows.getBytes(2)));
				}
			}
		}
		catch (SQLException ex) {
			throw failed("a scan", ex);
		}
		return result;
	}

	/** Ends the read-only transaction and releases the connection. Idempotent. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Connections.rollbackQuietly(this.connection);
		Connections.closeQuietly(this.connection);
	}

	private StorageException failed(String what, SQLException ex) {
		close();
		StorageException typed = SqlFailures.typed("The snapshot of keyspace '" + this.keyspace.name() + "' (sequence "
				+ this.sequence + ") failed in " + what, ex);
		this.failure = typed;
		return typed;
	}

	/**
	 * A read of a snapshot an earlier read's failure closed fails the same way (unreachable stays unreachable),
	 * without touching the closed connection: a pool's closed connection throws what it likes (HikariCP's, an
	 * {@link SQLException} without SQLSTATE).
	 */
	private void checkNotFailed(String what) {
		StorageException earlier = this.failure;
		if (earlier == null) {
			return;
		}
		String message = "The snapshot of keyspace '" + this.keyspace.name() + "' (sequence " + this.sequence
				+ ") cannot serve " + what + ": an earlier read failed: " + earlier.getMessage();
		throw (earlier instanceof PostgresUnavailableException) ? new PostgresUnavailableException(message, earlier)
				: new PostgresFailureException(message, earlier);
	}

	/** A byte array with value equality, for lookups. */
	record Key(byte[] bytes) {

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Key key && Arrays.equals(this.bytes, key.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return KeyFormat.abbreviate(this.bytes);
		}

	}

}
