package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;

import io.levelmutex.benchmarks.Workload;

/**
 * Contender (o), issue 19's JPA-style optimistic update (what {@code @Version} does): in one transaction (READ
 * COMMITTED), {@code SELECT v, version}, then {@code UPDATE kv SET v = ?, version = version + 1 WHERE k = ? AND
 * version = ?}, {@code COMMIT}; when the update matched no row another writer got there first: roll back and
 * run the whole operation again (each such attempt counted in {@link #retries()}). Three round trips per
 * attempt (the driver's {@code BEGIN} goes with the first statement). W2 only; the keys must be preloaded.
 */
final class OptimisticUpdateContender extends SqlContender {

	/** The contender's name in results. */
	static final String NAME = "(o) JPA-style optimistic update";

	private static final String SELECT = "SELECT v, version FROM kv WHERE k = ?";

	private static final String UPDATE = "UPDATE kv SET v = ?, version = version + 1 WHERE k = ? AND version = ?";

	// Attempts that found the version changed; added by every client thread.
	private final LongAdder retries = new LongAdder();

	OptimisticUpdateContender(PgServer server, Workload workload, int clients, boolean preload) throws SQLException {
		super(NAME, server, workload, clients, preload);
		if (workload.kind() != Workload.Kind.READ_CHECK_WRITE) {
			close();
			throw new IllegalArgumentException(NAME + " runs W2 (read-check-write) only");
		}
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER TABLE kv ADD COLUMN version bigint NOT NULL DEFAULT 0");
		}
		catch (SQLException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/** @return attempts run again because the version had changed, since the contender was created */
	long retries() {
		return this.retries.sum();
	}

	@Override
	void execute(boolean update, byte[] key, byte[] value) throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			this.retries.add(update(connection, key, value));
		}
	}

	/**
	 * One JPA-style optimistic update of a preloaded key on {@code connection} (a {@code kv} table with a
	 * {@code version} column), run again until its version check holds, then committed; the connection is left in
	 * autocommit. Also the C=1 probes' contender.
	 * @return how many attempts found the version changed and ran again
	 */
	static int update(Connection connection, byte[] key, byte[] filler) throws SQLException {
		connection.setAutoCommit(false);
		try {
			int again = 0;
			while (!attempt(connection, key, filler)) {
				connection.rollback();
				again++;
			}
			connection.commit();
			return again;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	private static boolean attempt(Connection connection, byte[] key, byte[] filler) throws SQLException {
		byte[] current;
		long version;
		try (PreparedStatement select = connection.prepareStatement(SELECT)) {
			select.setBytes(1, key);
			try (ResultSet result = select.executeQuery()) {
				if (!result.next()) {
					throw new IllegalStateException(NAME + ": key " + new String(key) + " not preloaded");
				}
				current = result.getBytes(1);
				version = result.getLong(2);
			}
		}
		try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
			update.setBytes(1, KvTable.nextRevision(current, filler));
			update.setBytes(2, key);
			update.setLong(3, version);
			return update.executeUpdate() == 1;
		}
	}

}
