package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the contended-commit tests share: a commit made while a test session holds the keyspace's row lock, and
 * the keyspace's rows as the current test's tables hold them ({@link ClusterTestSupport#prefix}).
 */
final class ContendedKeyspaces {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	private ContendedKeyspaces() {
	}

	/**
	 * Commits with the keyspace's row lock held by a test session when the commit reaches it: the commit waits on
	 * it (seen in pg_stat_activity), then the session releases it.
	 * @param ks the keyspace
	 * @param commit the commit, run on another thread
	 * @return what it committed
	 */
	static Committed whileLockHeld(PostgresKeyspace ks, Supplier<Committed> commit) throws Exception {
		PGSimpleDataSource database = ClusterTestSupport.newDatabase();
		CompletableFuture<Committed> committing;
		try (Connection locker = database.getConnection()) {
			locker.setAutoCommit(false);
			try (PreparedStatement lock = locker.prepareStatement(
					"SELECT seq FROM " + ClusterTestSupport.prefix + "keyspace WHERE id = ? FOR NO KEY UPDATE")) {
				lock.setInt(1, ks.id());
				lock.executeQuery().close();
			}
			committing = CompletableFuture.supplyAsync(commit);
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
				.until(() -> ClusterTestSupport.queryLong(database, "SELECT count(*) FROM pg_stat_activity WHERE "
						+ "datname = current_database() AND wait_event_type = 'Lock'") == 1);
			assertThat(committing).isNotDone();
			locker.commit();
		}
		return committing.get(WAIT_SECONDS, TimeUnit.SECONDS);
	}

	static long asyncSequence(PostgresKeyspace ks) throws SQLException {
		return ClusterTestSupport.queryLong(ClusterTestSupport.newDatabase(),
				"SELECT async_seq FROM " + ClusterTestSupport.prefix + "keyspace WHERE id = " + ks.id());
	}

	static String value(PostgresKeyspace ks, String key) throws SQLException {
		try (Connection connection = ClusterTestSupport.newDatabase().getConnection();
				PreparedStatement statement = connection.prepareStatement(
						"SELECT value FROM " + ClusterTestSupport.prefix + "entry WHERE keyspace_id = ? AND key = ?")) {
			statement.setInt(1, ks.id());
			statement.setBytes(2, ClusterTestSupport.bytes(key));
			try (ResultSet rows = statement.executeQuery()) {
				assertThat(rows.next()).as("key " + key + " has an entry").isTrue();
				return ClusterTestSupport.text(rows.getBytes(1));
			}
		}
	}

	static TestBatch put(String key, String value) {
		return TestBatch.of(List.of(TestBatch.put(ClusterTestSupport.bytes(key), ClusterTestSupport.bytes(value))));
	}

}
