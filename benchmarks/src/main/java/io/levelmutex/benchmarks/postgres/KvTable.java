package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.levelmutex.benchmarks.Workload;
import org.jspecify.annotations.Nullable;

/**
 * The SQL contenders' table: {@code kv(k bytea primary key, v bytea not null)}, the workload's keys and values
 * as they are. Stateless; every method takes the connection to use.
 */
final class KvTable {

	static final String SELECT = "SELECT v FROM kv WHERE k = ?";

	static final String SELECT_FOR_UPDATE = "SELECT v FROM kv WHERE k = ? FOR UPDATE";

	static final String UPSERT = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";

	static final String UPDATE = "UPDATE kv SET v = ? WHERE k = ?";

	/** L1's statement: one multi-row upsert of a batch of distinct keys (parameters: keys, values). */
	static final String UNNEST_UPSERT = "INSERT INTO kv (k, v) SELECT * FROM unnest(?::bytea[], ?::bytea[])"
			+ " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";

	private static final int PRELOAD_CHUNK = 4096;

	private KvTable() {
	}

	/**
	 * Creates the table and, when asked, preloads every key at revision 0.
	 * @param dataSource the database
	 * @param workload the workload
	 * @param preload whether to write every key of the workload first
	 * @throws SQLException if the server refuses
	 */
	static void create(DataSource dataSource, Workload workload, boolean preload) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL)");
			}
			if (!preload) {
				return;
			}
			bulkInsert(connection, "INSERT INTO kv (k, v) SELECT * FROM unnest(?::bytea[], ?::bytea[])", workload);
			try (Statement statement = connection.createStatement()) {
				statement.execute("VACUUM ANALYZE kv");
			}
		}
	}

	/**
	 * Writes every key of a workload at revision 0, in one transaction, a few thousand rows per statement.
	 * @param connection the connection (in autocommit)
	 * @param insert the statement; parameters: keys, values (bytea arrays)
	 * @param workload the workload
	 * @throws SQLException if the server refuses
	 */
	static void bulkInsert(Connection connection, String insert, Workload workload) throws SQLException {
		connection.setAutoCommit(false);
		try (PreparedStatement statement = connection.prepareStatement(insert)) {
			for (int from = 0; from < workload.keyCount(); from += PRELOAD_CHUNK) {
				int size = Math.min(PRELOAD_CHUNK, workload.keyCount() - from);
				byte[][] keys = new byte[size][];
				byte[][] values = new byte[size][];
				for (int i = 0; i < size; i++) {
					keys[i] = workload.keyAt(from + i);
					values[i] = workload.initialValue(from + i);
				}
				statement.setArray(1, connection.createArrayOf("bytea", keys));
				statement.setArray(2, connection.createArrayOf("bytea", values));
				statement.executeUpdate();
			}
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	static byte @Nullable [] read(Connection connection, String sql, byte[] key) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(sql)) {
			select.setBytes(1, key);
			try (ResultSet result = select.executeQuery()) {
				return result.next() ? result.getBytes(1) : null;
			}
		}
	}

	static void upsert(Connection connection, byte[] key, byte[] value) throws SQLException {
		try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
			upsert.setBytes(1, key);
			upsert.setBytes(2, value);
			upsert.executeUpdate();
		}
	}

	static int update(Connection connection, byte[] key, byte[] value) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
			update.setBytes(1, value);
			update.setBytes(2, key);
			return update.executeUpdate();
		}
	}

	/**
	 * The next revision of a W2 value.
	 * @param current the stored value, or {@code null} when the key is absent (revision 0)
	 * @param filler the operation's value
	 * @return the value to write: revision + 1, then the filler's bytes
	 */
	static byte[] nextRevision(byte @Nullable [] current, byte[] filler) {
		long revision = (current != null) ? Workload.Revisions.of(current) : 0;
		return Workload.Revisions.withRevision(revision + 1, filler);
	}

}
