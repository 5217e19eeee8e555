package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch commits' heap keeping ({@link PostgresSql#KEEP_HEAP}): each of the four commit forms (the function and
 * the released procedure, blind and full) marks its server session the first time it runs there and commits the
 * batch to the keyspace it names (the keyspace id argument carries the expression); with the switch off the
 * statements are main's and the session stays unmarked.
 */
class KeepHeapTest extends ClusterTestSupport {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "commitBlind", "commit", "commitReleasedBlind", "commitReleased" })
	void whenACommitRunsInASessionThenItMarksTheSessionOnceAndCommitsToItsKeyspace(String form) throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace other = node.keyspace("other");
		PostgresKeyspace ks = node.keyspace("kept");
		assertThat(ks.id()).isNotEqualTo(other.id());
		PostgresSql sql = new PostgresSql(prefix, PostgresSettings.defaults().channel(), true);
		try (Connection connection = database.getConnection()) {
			assertThat(heapKept(connection)).as("a new session").isNull();
			assertThat(commit(connection, sql, form, ks, "a", "1")).isEqualTo(1);
			assertThat(heapKept(connection)).as("marked by the first commit").isEqualTo(
					String.valueOf(PostgresSql.KEEP_HEAP_BYTES));
			assertThat(commit(connection, sql, form, ks, "b", "2")).isEqualTo(2);
			assertThat(heapKept(connection)).isEqualTo(String.valueOf(PostgresSql.KEEP_HEAP_BYTES));
		}
		assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "entry WHERE keyspace_id = " + ks.id()))
			.isEqualTo(2);
		assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "entry WHERE keyspace_id = " + other.id()))
			.isZero();
		assertThat(queryLong(database, "SELECT seq FROM " + prefix + "keyspace WHERE id = " + ks.id())).isEqualTo(2);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "commitBlind", "commitReleasedBlind" })
	void whenTheSwitchIsOffThenTheStatementsAreMainsAndTheSessionStaysUnmarked(String form) throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace ks = node.keyspace("plain");
		PostgresSql sql = new PostgresSql(prefix, PostgresSettings.defaults().channel(), false);
		assertThat(sql.commitBlind).doesNotContain(PostgresSql.HEAP_KEPT_SETTING);
		assertThat(sql.commitReleased).doesNotContain(PostgresSql.HEAP_KEPT_SETTING);
		try (Connection connection = database.getConnection()) {
			assertThat(commit(connection, sql, form, ks, "a", "1")).isEqualTo(1);
			assertThat(heapKept(connection)).isNull();
		}
	}

	/** Commits one put through the form on the connection (autocommit); returns the reply's sequence. */
	private static long commit(Connection connection, PostgresSql sql, String form, PostgresKeyspace ks, String key,
			String value) throws SQLException {
		String text = switch (form) {
			case "commitBlind" -> sql.commitBlind;
			case "commit" -> sql.commit;
			case "commitReleasedBlind" -> sql.commitReleasedBlind;
			default -> sql.commitReleased;
		};
		try (PreparedStatement call = connection.prepareStatement(text)) {
			call.setInt(1, ks.id());
			call.setObject(2, UUID.randomUUID());
			call.setObject(3, UUID.randomUUID());
			call.setObject(4, new byte[][] { bytes(key) });
			call.setObject(5, new byte[][] { bytes(value) });
			if (!form.endsWith("Blind")) {
				call.setArray(6, connection.createArrayOf("int4", new Integer[0]));
				call.setArray(7, connection.createArrayOf("int8", new Long[0]));
				call.setArray(8, connection.createArrayOf("int4", new Integer[0]));
				call.setArray(9, connection.createArrayOf("bool", new Boolean[0]));
				call.setObject(10, new byte[0][]);
				call.setArray(11, connection.createArrayOf("int4", new Integer[0]));
				call.setObject(12, new byte[0][]);
				call.setObject(13, new byte[0][]);
				call.setArray(14, connection.createArrayOf("bool", new Boolean[0]));
			}
			try (ResultSet rows = call.executeQuery()) {
				assertThat(rows.next()).isTrue();
				return rows.getLong(1);
			}
		}
	}

	private static String heapKept(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT current_setting('" + PostgresSql.HEAP_KEPT_SETTING + "', true)")) {
			rows.next();
			return rows.getString(1);
		}
	}

}
