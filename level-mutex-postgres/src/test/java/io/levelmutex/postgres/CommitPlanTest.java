package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.levelmutex.WriteOperation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commit function's key validation runs GENERIC plans from the first call of a session, for one update and
 * for 256: the function sets {@code plan_cache_mode = force_generic_plan}. Without it PostgreSQL chose a custom
 * plan on every call of a small batch (the generic plan of {@code key = ANY (p_key)} assumes ten keys, so it never
 * looked cheaper than one for one key): about 140 us of planning per update() commit. The validation has two
 * forms: up to 16 listed keys a primary-key probe per key (LATERAL), above them {@code key = ANY (p_key)}. The
 * plans are read through auto_explain (nested statements, sent to the client as LOG notices): a custom plan shows
 * the keys as a constant array, a generic one a parameter. With the table's statistics (3,000 keys, analysed)
 * both generic plans probe the primary key (on a table of a few hundred rows the planner prefers a scan of it);
 * without statistics (a table never analysed) the generic plan of {@code = ANY} scans the whole keyspace, so a
 * small batch must take the probe form. The batches commit as before.
 */
class CommitPlanTest extends ClusterTestSupport {

	@Test
	void whenTheCommitFunctionValidatesKeysThenItsPlanIsGenericFromTheFirstCallAtOneKeyAndAt256() throws Exception {
		TestNode node = open(newDatabase());
		PostgresKeyspace ks = node.keyspace("plans");
		for (int batch = 0; batch < 6; batch++) {
			List<WriteOperation> keys = new ArrayList<>();
			for (int i = batch * 500; i < (batch + 1) * 500; i++) {
				keys.add(TestBatch.put(bytes("k" + i), bytes("v")));
			}
			node.commit(ks, TestBatch.of(keys));
		}
		PostgresSql sql = new PostgresSql(prefix);
		try (Connection connection = newDatabase().getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("ANALYZE " + sql.entryTable);
				statement.execute("LOAD 'auto_explain'");
				statement.execute("SET auto_explain.log_min_duration = 0");
				statement.execute("SET auto_explain.log_nested_statements = on");
				statement.execute("SET client_min_messages = log");
			}
			List<String> plans = new ArrayList<>();
			for (int call = 0; call < 8; call++) {
				plans.add(commitUpdates(connection, sql, ks, call + 7, 1));
			}
			plans.add(commitUpdates(connection, sql, ks, 15, 256));
			plans.add(commitUpdates(connection, sql, ks, 16, 1));
			for (int call = 0; call < plans.size(); call++) {
				assertThat(plans.get(call)).as("the validation's plan at call %d", call + 1)
					.containsPattern("Index Cond: \\(\\(keyspace_id = \\$\\d+\\) AND \\(key = ")
					.doesNotContain("::bytea[]")
					.doesNotContain("Seq Scan on " + sql.entryTable);
			}
			assertThat(plans.get(8)).as("the validation's plan of 256 updates")
				.containsPattern("Index Cond: \\(\\(keyspace_id = \\$\\d+\\) AND \\(key = ANY \\(\\$\\d+\\)\\)\\)");
		}
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(16);
			assertThat(snapshot.get(List.of(bytes("k0"), bytes("k255"), bytes("k256"))))
				.extracting((value) -> (value != null) ? text(value) : null)
				.containsExactly("u", "u", "v");
		}
	}

	/**
	 * A keyspace table never analysed (every new keyspace until autovacuum's analyze; autovacuum is off for it
	 * here so that the state holds): the generic plan of {@code key = ANY (p_key)} is then a bitmap scan of the
	 * whole keyspace filtered by the keys, whatever their number. A commit of one update validates its key with a
	 * primary-key probe instead, at every call.
	 */
	@Test
	void whenTheKeyspaceTableWasNeverAnalysedThenAOneUpdateCommitValidatesWithAPrimaryKeyProbe() throws Exception {
		TestNode node = open(newDatabase());
		PostgresSql sql = new PostgresSql(prefix);
		try (Connection connection = newDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER TABLE " + sql.entryTable + " SET (autovacuum_enabled = false)");
		}
		PostgresKeyspace ks = node.keyspace("fresh");
		for (int batch = 0; batch < 2; batch++) {
			List<WriteOperation> keys = new ArrayList<>();
			for (int i = batch * 500; i < (batch + 1) * 500; i++) {
				keys.add(TestBatch.put(bytes("k" + i), bytes("v")));
			}
			node.commit(ks, TestBatch.of(keys));
		}
		try (Connection connection = newDatabase().getConnection()) {
			try (Statement statement = connection.createStatement()) {
				try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stats WHERE tablename = '"
						+ sql.entryTable + "'")) {
					assertThat(rows.next()).isTrue();
					assertThat(rows.getLong(1)).as("column statistics of the entry table").isZero();
				}
				statement.execute("LOAD 'auto_explain'");
				statement.execute("SET auto_explain.log_min_duration = 0");
				statement.execute("SET auto_explain.log_nested_statements = on");
				statement.execute("SET client_min_messages = log");
			}
			for (int call = 0; call < 3; call++) {
				assertThat(commitUpdates(connection, sql, ks, call + 3, 1)).as("the validation's plan at call %d", call + 1)
					.containsPattern("Index (Only )?Scan using \\S+ on " + sql.entryTable)
					.containsPattern("Index Cond: \\(\\(keyspace_id = \\$\\d+\\) AND \\(key = ")
					.doesNotContain("Bitmap Heap Scan")
					.doesNotContain("Seq Scan on " + sql.entryTable);
			}
		}
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(5);
			assertThat(snapshot.get(List.of(bytes("k0"), bytes("k1"))))
				.extracting((value) -> (value != null) ? text(value) : null)
				.containsExactly("u", "v");
		}
	}

	/**
	 * Commits one batch of {@code updates} read-modify-writes of keys k0.. (value "u") at the current sequence,
	 * which must become {@code sequence}; returns auto_explain's plan of the key validation statement.
	 */
	private static String commitUpdates(Connection connection, PostgresSql sql, PostgresKeyspace ks, long sequence,
			int updates) throws SQLException {
		List<byte[]> written = new ArrayList<>();
		List<byte[]> values = new ArrayList<>();
		List<Integer> first = new ArrayList<>();
		List<Integer> keyUpdate = new ArrayList<>();
		List<Boolean> keyRead = new ArrayList<>();
		List<byte[]> footprint = new ArrayList<>();
		for (int i = 0; i < updates; i++) {
			written.add(bytes("k" + i));
			values.add(bytes("u"));
			first.add(i);
			for (boolean read : List.of(true, false)) {
				keyUpdate.add(i);
				keyRead.add(read);
				footprint.add(bytes("k" + i));
			}
		}
		List<Long> snapshots = Collections.nCopies(updates, sequence - 1);
		try (PreparedStatement statement = connection.prepareStatement(sql.commit)) {
			statement.setInt(1, ks.id());
			statement.setObject(2, UUID.randomUUID());
			statement.setObject(3, UUID.randomUUID());
			statement.setArray(4, connection.createArrayOf("bytea", written.toArray(new byte[0][])));
			statement.setArray(5, connection.createArrayOf("bytea", values.toArray(new byte[0][])));
			statement.setArray(6, connection.createArrayOf("int4", first.toArray()));
			statement.setArray(7, connection.createArrayOf("int8", snapshots.toArray()));
			statement.setArray(8, connection.createArrayOf("int4", keyUpdate.toArray()));
			statement.setArray(9, connection.createArrayOf("bool", keyRead.toArray()));
			statement.setArray(10, connection.createArrayOf("bytea", footprint.toArray(new byte[0][])));
			statement.setArray(11, connection.createArrayOf("int4", new Object[0]));
			statement.setArray(12, connection.createArrayOf("bytea", new Object[0]));
			statement.setArray(13, connection.createArrayOf("bytea", new Object[0]));
			statement.setArray(14, connection.createArrayOf("bool", new Object[0]));
			try (ResultSet rows = statement.executeQuery()) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getLong(1)).as("sequence").isEqualTo(sequence);
				assertThat(rows.getInt(2)).as("applied").isEqualTo(updates);
				assertThat(rows.getInt(3)).as("rejected update").isEqualTo(-1);
			}
			String validation = null;
			for (SQLWarning warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
				if (warning.getMessage().contains("FROM unnest(p_key_update, p_key_read, p_key)")) {
					validation = warning.getMessage();
				}
			}
			assertThat(validation).as("auto_explain's plan of the key validation").isNotNull();
			return validation;
		}
	}

}
