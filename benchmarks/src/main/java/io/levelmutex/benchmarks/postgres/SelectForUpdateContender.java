package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import io.levelmutex.benchmarks.Workload;

/**
 * Contender (b): one transaction per operation (READ COMMITTED, the default), {@code SELECT ... FOR UPDATE}
 * on the key, then the write, then {@code COMMIT}: the pessimistic compare-and-set. In W2 the row lock holds
 * every other writer of the key until the commit, so no update is lost; in W1 the row is locked when present
 * and upserted either way.
 */
final class SelectForUpdateContender extends SqlContender {

	/** The contender's name in results. */
	static final String NAME = "(b) SELECT FOR UPDATE";

	SelectForUpdateContender(PgServer server, Workload workload, int clients, boolean preload) throws SQLException {
		super(NAME, server, workload, clients, preload);
	}

	@Override
	void execute(boolean update, byte[] key, byte[] value) throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			connection.setAutoCommit(false);
			try {
				byte[] current = KvTable.read(connection, KvTable.SELECT_FOR_UPDATE, key);
				byte[] written = update ? KvTable.nextRevision(current, value) : value;
				if (current == null || KvTable.update(connection, key, written) == 0) {
					KvTable.upsert(connection, key, written);
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
	}

}
