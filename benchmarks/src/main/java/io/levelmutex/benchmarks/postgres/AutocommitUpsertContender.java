package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import io.levelmutex.benchmarks.Workload;

/**
 * Contender (a): one autocommit statement per write, {@code INSERT ... ON CONFLICT DO UPDATE}: one commit
 * (one WAL flush, merged with concurrent ones by PostgreSQL's group commit) per operation. In W2 it reads the
 * revision with one autocommit {@code SELECT}, then upserts the next revision, with nothing between them:
 * the plain read-then-write a caller would write without a lock, so it loses updates under concurrency (its
 * {@code lost} column shows how many; it is in W2 to show what the verification catches, not as a CAS).
 */
final class AutocommitUpsertContender extends SqlContender {

	/** The contender's name in results. */
	static final String NAME = "(a) autocommit upsert";

	AutocommitUpsertContender(PgServer server, Workload workload, int clients, boolean preload) throws SQLException {
		super(NAME, server, workload, clients, preload);
	}

	@Override
	void execute(boolean update, byte[] key, byte[] value) throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			byte[] written = update ? KvTable.nextRevision(KvTable.read(connection, KvTable.SELECT, key), value)
					: value;
			KvTable.upsert(connection, key, written);
		}
	}

}
