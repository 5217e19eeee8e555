package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.levelmutex.Keyspace;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plan of one key (an update() reading one key, a read phase of one get) is answered by a statement whose
 * GENERIC plan probes the entry table's primary key with the key itself: PostgreSQL then plans it once per
 * connection and runs a one-row probe whatever the table's statistics. (The array form's generic plan assumes ten
 * keys: the server planned it again on every call, about 125 us, or, on a table without statistics, hash-joined
 * every entry of the keyspace.) Its answers are those of the general statement: a value, none, a tombstone as
 * none, the sequence of the same state; plans of one key with a scan, or of two keys, are answered as before.
 */
class OneKeyReadTest extends ClusterTestSupport {

	@Test
	void whenAPlanReadsOneKeyThenItsGenericPlanIsOnePrimaryKeyProbeAndItsAnswersAreRight() throws Exception {
		TestNode writer = TestNode.open(newDatabase(), fastSettings(), true);
		PostgresKeyspace ks = writer.keyspace(KeyspaceNames.of(Keyspace.forMutex("onekey")));
		writer.commit(ks,
				TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")), TestBatch.put(bytes("gone"), bytes("x")))));
		writer.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("gone")))));
		List<WriteOperation> more = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			more.add(TestBatch.put(bytes("k" + i), bytes("v")));
		}
		writer.commit(ks, TestBatch.of(more));
		PostgresSettings settings = fastSettings();
		PreparedLog log = new PreparedLog(newDatabase());
		PostgresSql sql = new PostgresSql(settings.tablePrefix(), settings.channel());
		PlanReader reader = new PlanReader(new Connections(log, Duration.ofSeconds(5)), sql, new DurableSequences(sql));
		for (String key : List.of("a", "missing", "gone", "k999")) {
			ReadResult result = reader.read(ks, ReadPlan.get(bytes(key)));
			assertThat(result.sequence()).isEqualTo(3);
			assertThat(result.values()).hasSize(1);
			byte[] value = result.values().get(0);
			assertThat((value != null) ? text(value) : null).as(key)
				.isEqualTo(switch (key) {
					case "a" -> "1";
					case "k999" -> "v";
					default -> null;
				});
		}
		List<String> oneKey = List.copyOf(log.prepared);
		assertThat(oneKey).as("statements of the one-key reads").hasSize(4)
			.containsOnly(new PostgresSql(settings.tablePrefix(), settings.channel()).readOneKey);

		ReadResult mixed = reader.read(ks, new ReadPlan(List.of(bytes("a")),
				List.of(new ReadPlan.Scan(new KeySpan(bytes("a"), bytes("b")), 10, true))));
		assertThat(text(mixed.values().get(0))).isEqualTo("1");
		assertThat(mixed.scans().get(0)).hasSize(1);
		ReadResult two = reader.read(ks, new ReadPlan(List.of(bytes("gone"), bytes("a"), bytes("a")), List.of()));
		assertThat(two.values()).extracting((value) -> (value != null) ? text(value) : null)
			.containsExactly(null, "1", "1");

		String plan = genericPlan(oneKey.get(0), ks.id());
		assertThat(plan).as("the one-key read's generic plan")
			.contains("Index Scan using " + settings.tablePrefix() + "entry_pkey")
			.containsPattern("Index Cond: \\(\\(keyspace_id = \\$\\d\\) AND \\(key = \\$\\d\\)\\)")
			.doesNotContain("Hash")
			.doesNotContain("Seq Scan on " + settings.tablePrefix() + "entry");
	}

	/** The server's generic plan of a statement (pgjdbc's {@code ?} as {@code $n}), with every parameter bound. */
	private static String genericPlan(String jdbcSql, int keyspaceId) throws SQLException {
		StringBuilder sql = new StringBuilder();
		int parameter = 0;
		for (char c : jdbcSql.toCharArray()) {
			if (c == '?') {
				sql.append('$').append(++parameter);
			}
			else {
				sql.append(c);
			}
		}
		try (Connection connection = newDatabase().getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET plan_cache_mode = force_generic_plan");
			statement.execute("PREPARE one_key_plan AS " + sql);
			List<String> arguments = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery(
					"SELECT parameter_types FROM pg_prepared_statements WHERE name = 'one_key_plan'")) {
				rows.next();
				Array types = rows.getArray(1);
				for (Object type : (Object[]) types.getArray()) {
					arguments.add(switch (type.toString()) {
						case "integer" -> Integer.toString(keyspaceId);
						case "bytea" -> "'\\x61'::bytea";
						case "bytea[]" -> "ARRAY['\\x61'::bytea]";
						default -> throw new IllegalStateException("parameter type " + type);
					});
				}
			}
			StringBuilder explained = new StringBuilder();
			try (ResultSet rows = statement
				.executeQuery("EXPLAIN EXECUTE one_key_plan(" + String.join(", ", arguments) + ")")) {
				while (rows.next()) {
					explained.append(rows.getString(1)).append('\n');
				}
			}
			statement.execute("DEALLOCATE one_key_plan");
			return explained.toString();
		}
	}

	/** Records the text of every statement prepared on its connections. */
	private static final class PreparedLog extends ForwardingDataSource {

		final ConcurrentLinkedQueue<String> prepared = new ConcurrentLinkedQueue<>();

		PreparedLog(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = this.target.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String text) {
							this.prepared.add(text);
						}
						try {
							return method.invoke(connection, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

	}

}
