package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot whose connection was lost: its first failed read closes it, and every later read of it (the next
 * update functions of the same batch share it) fails the same way, "unreachable, nothing applied", whatever a
 * closed connection of the user's pool throws. HikariCP's closed proxy throws {@code SQLException("Connection is
 * closed")} without a SQLSTATE, which is no lost connection by itself.
 */
class SnapshotFailureTest extends ClusterTestSupport {

	@Test
	void whenTheSnapshotsConnectionIsLostThenEveryLaterReadOfItFailsUnavailableToo() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode storage = TestNode.open(new PoolLikeDataSource(database), fastSettings(), true);
		PostgresKeyspace ks = storage.keyspace("lost");
		storage.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")))));
		try (TestSnapshot snapshot = storage.snapshot(ks)) {
			queryLong(database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
					+ "WHERE datname = current_database() AND pid <> pg_backend_pid()");
			assertThatThrownBy(() -> snapshot.get(List.of(bytes("a"))))
				.isInstanceOf(PostgresUnavailableException.class);
			assertThatThrownBy(() -> snapshot.get(List.of(bytes("a")))).as("a read after the failure")
				.isInstanceOf(PostgresUnavailableException.class)
				.hasMessageContaining("'lost'");
			assertThatThrownBy(() -> snapshot.scan(ByteRange.all(), 1, false)).as("a scan after the failure")
				.isInstanceOf(PostgresUnavailableException.class)
				.hasMessageContaining("'lost'");
		}
	}

	/** Hands out connections that, once closed, throw as a pool's closed proxy does: no SQLSTATE. */
	private static final class PoolLikeDataSource extends ForwardingDataSource {

		PoolLikeDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = this.target.getConnection();
			AtomicBoolean closed = new AtomicBoolean();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						switch (method.getName()) {
							case "close" -> {
								closed.set(true);
								connection.close();
								return null;
							}
							case "isClosed" -> {
								return closed.get() || connection.isClosed();
							}
							default -> {
								if (closed.get()) {
									throw new SQLException("Connection is closed");
								}
								try {
									return method.invoke(connection, args);
								}
								catch (InvocationTargetException ex) {
									throw ex.getCause();
								}
							}
						}
					});
		}

	}

}
