package io.levelmutex.postgres.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The private-cluster fixture the PostgreSQL engine's tests run on: it starts a durable server on loopback,
 * survives a crash and restart with committed data intact, and leaves nothing behind when closed.
 */
class PostgresClusterTest {

	@Test
	void whenStartedThenServesDurablyOnLoopbackOnly() throws SQLException {
		try (PostgresCluster cluster = PostgresCluster.start();
				Connection connection = cluster.connect("postgres");
				Statement statement = connection.createStatement()) {
			assertThat(setting(statement, "fsync")).isEqualTo("on");
			assertThat(setting(statement, "synchronous_commit")).isEqualTo("on");
			assertThat(setting(statement, "listen_addresses")).isEqualTo("127.0.0.1");
			assertThat(setting(statement, "port")).isEqualTo(Integer.toString(cluster.port()));
			assertThat(setting(statement, "unix_socket_directories")).isEqualTo(cluster.directory().toString());
		}
	}

	@Test
	void whenCrashedAndRestartedThenCommittedRowsSurvive() throws SQLException {
		try (PostgresCluster cluster = PostgresCluster.start()) {
			String url = cluster.createDatabase("crash_check");
			assertThat(url).endsWith("/crash_check");
			try (Connection connection = cluster.connect("crash_check");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE t (k text PRIMARY KEY, v text NOT NULL)");
				statement.execute("INSERT INTO t VALUES ('a', '1'), ('b', '2')");
			}
			cluster.crash();
			assertThatThrownBy(() -> cluster.connect("crash_check").close()).isInstanceOf(SQLException.class);
			cluster.restart();
			try (Connection connection = cluster.connect("crash_check");
					Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM t")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("a=1,b=2");
			}
		}
	}

	@Test
	void whenTwoClustersRunThenTheyAreIndependentAndCloseLeavesNothing() throws SQLException, IOException {
		Path firstDirectory;
		int firstPort;
		try (PostgresCluster first = PostgresCluster.start(); PostgresCluster second = PostgresCluster.start()) {
			firstDirectory = first.directory();
			firstPort = first.port();
			assertThat(second.port()).isNotEqualTo(first.port());
			assertThat(second.directory()).isNotEqualTo(first.directory());
			first.createDatabase("only_in_first");
			try (Connection connection = second.connect("postgres"); Statement statement = connection.createStatement();
					ResultSet rows = statement
						.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'only_in_first'")) {
				rows.next();
				assertThat(rows.getInt(1)).isZero();
			}
		}
		assertThat(Files.exists(firstDirectory)).isFalse();
		// The server released its port: we can bind it ourselves.
		try (ServerSocket socket = new ServerSocket(firstPort, 1, InetAddress.getLoopbackAddress())) {
			assertThat(socket.getLocalPort()).isEqualTo(firstPort);
		}
	}

	@Test
	void whenNameIsNotPlainThenCreateDatabaseRefusesIt() {
		try (PostgresCluster cluster = PostgresCluster.start()) {
			assertThatThrownBy(() -> cluster.createDatabase("x; DROP DATABASE postgres"))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("Not a plain database name");
		}
	}

	@Test
	void whenNoServerBinariesExistThenTheFixtureFailsWithWhatToInstall(@org.junit.jupiter.api.io.TempDir Path empty) {
		assertThatThrownBy(() -> PostgresCluster.findBinaries(null, empty.resolve("absent")))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("No PostgreSQL server binaries found")
			.hasMessageContaining("install Debian's 'postgresql' package")
			.hasMessageContaining("LEVEL_MUTEX_PG_BIN");
		assertThatThrownBy(() -> PostgresCluster.findBinaries(null, empty))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("No PostgreSQL server binaries found");
		assertThatThrownBy(() -> PostgresCluster.findBinaries(empty.toString(), Path.of("/usr/lib/postgresql")))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("LEVEL_MUTEX_PG_BIN=" + empty + " holds no executable initdb");
	}

	private static String setting(Statement statement, String name) throws SQLException {
		try (ResultSet rows = statement.executeQuery("SELECT current_setting('" + name + "')")) {
			rows.next();
			return rows.getString(1);
		}
	}

}
