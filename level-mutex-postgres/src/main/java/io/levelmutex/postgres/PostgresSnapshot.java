package io.levelmutex.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.levelmutex.StorageException;
import io.levelmutex.engine.BlockingCalls;
import io.levelmutex.engine.KeyFormat;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadSnapshot;

/**
 * One consistent view of a keyspace ({@link io.levelmutex.engine.KeyspaceStorage#snapshot()}): ONE REPEATABLE
 * READ, READ ONLY transaction on its own connection, begun with {@link PostgresSql#beginSnapshot} (transaction-local,
 * so the pooled connection's session defaults are untouched) and whose first query reads the keyspace's sequence,
 * so {@link #sequence()} names exactly the batches visible to every later read: a snapshot serves several
 * statements, and only a transaction-wide snapshot makes them one state (a single statement would see one state
 * at READ COMMITTED too, which is why {@link PlanReader} needs no transaction). When the last batch the snapshot
 * sees committed without waiting for its WAL flush and this node does not know it durable yet, one flush statement
 * runs on a second connection before the snapshot is returned ({@link DurableSequences}), unless the WAL positions
 * that first query read after the snapshot show the WAL flushed past it already. A multi-get is one
 * query, a scan one query with its limit. Reads never see commits made after the snapshot began. Every round trip lends the cycle's
 * place ({@link BlockingCalls}). Not thread-safe: one owner uses and closes it. Any failure closes the snapshot and
 * is thrown typed ({@link SqlFailures#typed}); later reads fail the same way.
 */
final class PostgresSnapshot implements ReadSnapshot {

	private final Connection connection;

	private final PostgresKeyspace keyspace;

	private final PostgresSql sql;

	private final long sequence;

	/** Owned by the snapshot's owner thread. */
	private boolean closed;

	/** The failure that closed this snapshot, or null; owned by the snapshot's owner thread. */
	private @Nullable StorageException failure;

	private PostgresSnapshot(Connection connection, PostgresKeyspace keyspace, PostgresSql sql, long sequence) {
		this.connection = connection;
		this.keyspace = keyspace;
		this.sql = sql;
		this.sequence = sequence;
	}

	/**
	 * Begins a snapshot: a connection, the transaction, the keyspace's sequence.
	 * @param connections where the connection comes from
	 * @param sql the statements
	 * @param keyspace the keyspace
	 * @param durable the node's durable sequences
	 * @return the open snapshot; the caller closes it
	 * @throws StorageException typed if it could not be begun
	 */
	static PostgresSnapshot open(Connections connections, PostgresSql sql, PostgresKeyspace keyspace,
			DurableSequences durable) {
		return BlockingCalls.run(() -> {
			Connection connection = connections.open("a snapshot of keyspace '" + keyspace.name() + "'");
			return open(connections, connection, sql, keyspace, durable);
		});
	}

	private static PostgresSnapshot open(Connections connections, Connection connection, PostgresSql sql,
			PostgresKeyspace keyspace, DurableSequences durable) {
		try {
			PlanReader.SequenceRow row = begin(connection, sql, keyspace);
			DurableSequences.Seen seen = row.seen();
			if (durable.mustFlush(keyspace.id(), seen, row.insertLsn(), row.flushLsn())) {
				// The snapshot's state is fixed by its first query: a flush started after it covers every batch it sees.
				flush(connections, durable, keyspace);
				durable.raise(keyspace.id(), seen.sequence());
			}
			return new PostgresSnapshot(connection, keyspace, sql, seen.sequence());
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

	/** Runs the flush statement on a connection of its own (the snapshot's is inside its read-only transaction). */
	private static void flush(Connections connections, DurableSequences durable, PostgresKeyspace keyspace)
			throws SQLException {
		Connection flushing = connections.open("making a snapshot of keyspace '" + keyspace.name() + "' durable");
		try {
			flushing.setAutoCommit(true);
			durable.flush(flushing);
		}
		finally {
			Connections.closeQuietly(flushing);
		}
	}

	/**
	 * Begins the transaction; the keyspace's sequence as its snapshot sees it, with the WAL positions read after
	 * the snapshot was taken (by the same, first, statement).
	 */
	private static PlanReader.SequenceRow begin(Connection connection, PostgresSql sql, PostgresKeyspace keyspace)
			throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql.beginSnapshot);
		}
		try (PreparedStatement statement = connection.prepareStatement(sql.keyspaceSequence)) {
			statement.setInt(1, keyspace.id());
			try (ResultSet rows = statement.executeQuery()) {
				if (!rows.next()) {
					throw new PostgresConfigurationException("Keyspace '" + keyspace.name() + "' (id "
							+ keyspace.id() + ") has no row in " + sql.keyspaceTable, null);
				}
				return PlanReader.SequenceRow.of(rows, rows.getLong(1), rows.getBoolean(2), 3);
			}
		}
	}

	@Override
	public long sequence() {
		return this.sequence;
	}

	/**
	 * Values of keys, in ONE query.
	 * @param keys the keys (duplicates allowed)
	 * @return the values in the order of {@code keys}, null where a key has no value
	 */
	@Override
	public List<byte @Nullable []> multiGet(List<byte[]> keys) {
		if (keys.isEmpty()) {
			return List.of();
		}
		String what = "a multi-get of " + keys.size() + " keys";
		checkNotFailed(what);
		Map<Key, byte[]> found = new HashMap<>();
		try {
			BlockingCalls.run(() -> {
				try (PreparedStatement statement = this.connection.prepareStatement(this.sql.snapshotGet)) {
					statement.setInt(1, this.keyspace.id());
					Array array = this.connection.createArrayOf("bytea", keys.toArray(new byte[0][]));
					statement.setArray(2, array);
					try (ResultSet rows = statement.executeQuery()) {
						while (rows.next()) {
							found.put(new Key(rows.getBytes(1)), rows.getBytes(2));
						}
					}
				}
				return null;
			});
		}
		catch (SQLException ex) {
			throw failed(what, ex);
		}
		List<byte @Nullable []> values = new ArrayList<>(keys.size());
		for (byte[] key : keys) {
			values.add(found.get(new Key(key)));
		}
		return values;
	}

	@Override
	public byte @Nullable [] get(byte[] key) {
		return multiGet(List.of(key)).get(0);
	}

	/**
	 * Up to {@code limit} entries with {@code lower <= key < upper}, in one query.
	 * @throws PostgresInputException if {@code limit < 1}
	 */
	@Override
	public List<KeyValue> scan(KeySpan span, int limit, boolean ascending) {
		byte[] lower = span.lower();
		byte @Nullable [] upper = span.upper();
		if (limit < 1) {
			throw new PostgresInputException("A scan of keyspace '" + this.keyspace.name()
					+ "' needs a limit of at least 1, not " + limit);
		}
		if (upper != null && Arrays.compareUnsigned(lower, upper) >= 0) {
			return List.of();
		}
		checkNotFailed("a scan");
		List<KeyValue> result = new ArrayList<>();
		try {
			BlockingCalls.run(() -> {
				try (PreparedStatement statement = this.connection
					.prepareStatement(this.sql.snapshotScan(ascending, upper != null))) {
					int index = 1;
					statement.setInt(index++, this.keyspace.id());
					statement.setBytes(index++, lower);
					if (upper != null) {
						statement.setBytes(index++, upper);
					}
					statement.setInt(index, limit);
					try (ResultSet rows = statement.executeQuery()) {
						while (rows.next()) {
							result.add(new KeyValue(rows.getBytes(1), rows.getBytes(2)));
						}
					}
				}
				return null;
			});
		}
		catch (SQLException ex) {
			throw failed("a scan", ex);
		}
		return result;
	}

	/** Ends the read-only transaction and releases the connection. Idempotent; never throws. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		BlockingCalls.run(() -> {
			Connections.rollbackQuietly(this.connection);
			Connections.closeQuietly(this.connection);
			return null;
		});
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
