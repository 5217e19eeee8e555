package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.KeySpan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch of one write commits through {@link OneWriteCommit}'s plain statement with the function's guarantees:
 * the statement reads one snapshot taken before it locks the keyspace row, so a held lock (or a batch committed
 * in between) must hand the decision to the function (else a delete misses the key that batch inserted, or an
 * update is validated without that batch's write: a lost update); two nodes mixing one-write and function batches keep
 * a gapless sequence and last-writer-wins; a rejected update retries; a lost COMMIT reply resolves through the
 * batch log; the statement runs a generic plan of primary-key probes on a never-analysed and an analysed table.
 */
class OneWriteCommitTest extends ClusterTestSupport {

	@Test
	void whenABatchFitsThenItIsOneWriteBlindOrOneUpdateListingAtMostOneReadKeyAndNoSpan() {
		byte[] a = bytes("a");
		byte[] b = bytes("b");
		assertThat(OneWriteCommit.fits(TestBatch.of(List.of(TestBatch.put(a, a))).batch())).isTrue();
		assertThat(OneWriteCommit.fits(TestBatch.of(List.of(TestBatch.del(a))).batch())).isTrue();
		assertThat(fits(unit(0, List.of(a, a), List.of()))).isTrue();
		assertThat(fits(unit(0, List.of(b), List.of()))).isTrue();
		assertThat(fits(unit(0, List.of(), List.of(new KeySpan(b, a))))).as("an empty span").isTrue();
		assertThat(fits(unit(0, List.of(a, b), List.of()))).as("two read keys").isFalse();
		assertThat(fits(unit(0, List.of(a), List.of(new KeySpan(a, b))))).as("a span").isFalse();
		assertThat(OneWriteCommit.fits(TestBatch.of(List.of(TestBatch.put(a, a), TestBatch.put(b, b))).batch()))
			.as("two writes").isFalse();
		assertThat(OneWriteCommit.fits(TestBatch.of(List.of(TestBatch.put(a, a)),
				List.of(new TestBatch.Unit(1, 0, List.of(b), List.of(), List.of()))).batch()))
			.as("an update after the write").isFalse();
	}

	/**
	 * Another transaction holds the keyspace row's lock while it commits a batch that puts "fresh" and "a"; the
	 * one-write batch (a delete of "fresh", or an update that read "a" at the sequence before) finds the lock held:
	 * the plain statement, whose snapshot predates that batch, must neither wait nor decide on that snapshot. The
	 * function waits (its contended commit) and commits it after the other batch: the delete removes "fresh", the
	 * update is rejected (KEY_READ "a").
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "delete", "update", "put" })
	void whenTheKeyspaceLockIsHeldThenTheFunctionDecidesAfterTheBatchHoldingIt(String shape) throws Exception {
		PGSimpleDataSource database = newDatabase();
		PGSimpleDataSource waiterSource = newDatabase();
		waiterSource.setApplicationName("one-write-waiter");
		TestNode waiter = open(waiterSource);
		TestNode other = open(database);
		PostgresKeyspace ks = other.keyspace("stale");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")))));
		PostgresSql sql = new PostgresSql(prefix);
		CompletableFuture<Committed> commit;
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement call = holder.prepareStatement(sql.commitBlind)) {
				call.setInt(1, ks.id());
				call.setObject(2, UUID.randomUUID());
				call.setObject(3, UUID.randomUUID());
				call.setObject(4, new byte[][] { bytes("fresh"), bytes("a") });
				call.setObject(5, new byte[][] { bytes("new"), bytes("2") });
				try (ResultSet rows = call.executeQuery()) {
					assertThat(rows.next()).isTrue();
					assertThat(rows.getLong(1)).as("the holder's sequence").isEqualTo(2);
				}
			}
			TestBatch batch = "delete".equals(shape) ? TestBatch.of(List.of(TestBatch.del(bytes("fresh"))))
					: "put".equals(shape) ? TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("mine"))))
					: TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("mine"))),
							List.of(new TestBatch.Unit(0, 1, List.of(bytes("a")), List.of(), List.of(bytes("a")))));
			assertThat(OneWriteCommit.fits(batch.batch())).isTrue();
			commit = CompletableFuture.supplyAsync(() -> waiter.commit(ks, batch));
			await().atMost(Duration.ofSeconds(60)).until(() -> queryLong(database, "SELECT count(*) FROM pg_stat_activity "
					+ "WHERE application_name = 'one-write-waiter' AND wait_event_type = 'Lock' AND query LIKE 'SELECT seq, applied_ops%'") == 1);
			holder.commit();
		}
		Committed result = commit.get(60, TimeUnit.SECONDS);
		try (TestSnapshot snapshot = other.snapshot(ks)) {
			List<byte[]> values = snapshot.get(List.of(bytes("fresh"), bytes("a")));
			if ("put".equals(shape)) {
				assertThat(result.committed()).isTrue();
				assertThat(result.sequence()).isEqualTo(3);
				assertThat(text(values.get(1))).as("the blind put after the other batch").isEqualTo("mine");
				assertThat(snapshot.sequence()).isEqualTo(3);
			}
			else if ("delete".equals(shape)) {
				assertThat(result.committed()).isTrue();
				assertThat(result.sequence()).isEqualTo(3);
				assertThat(values.get(0)).as("the key the other batch inserted is deleted").isNull();
				assertThat(snapshot.sequence()).isEqualTo(3);
			}
			else {
				assertThat(result.committed()).isFalse();
				assertThat(result.rejected()).isNotNull();
				assertThat(result.rejected().reason()).isEqualTo(RejectionReason.KEY_READ);
				assertThat(text(result.rejected().key())).isEqualTo("a");
				assertThat(text(values.get(1))).as("the other batch's write stands").isEqualTo("2");
				assertThat(snapshot.sequence()).isEqualTo(2);
			}
		}
		assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "batch")).as("batch-log rows")
			.isEqualTo(snapshotSequence(other, ks));
	}

	/**
	 * A blind put (the commonest one-write batch) is sent as the put-only text (no validation or delete parts:
	 * measured 0.8-0.9x the server time of the full statement); a delete and an update as the full one. Each is
	 * ONE statement; each commits, and its batch-log row is written.
	 */
	@Test
	void whenABlindPutCommitsThenItIsThePutOnlyStatementAndDeletesAndUpdatesTheFullOne() throws Exception {
		PGSimpleDataSource database = newDatabase();
		List<String> sent = new ArrayList<>();
		TestNode node = TestNode.open(database, fastSettings(), true, (connection, call) -> {
			sent.add(call.toString());
			return call.executeQuery();
		});
		PostgresSql sql = new PostgresSql(prefix);
		PostgresKeyspace ks = node.keyspace("put-only");
		assertThat(node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("1"))))).sequence())
			.isEqualTo(1);
		assertThat(node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("n"))))).sequence()).isEqualTo(2);
		assertThat(node.commit(ks, increment(2, "5")).sequence()).isEqualTo(3);
		assertThat(sent).hasSize(3);
		assertThat(sent.get(0)).as("the put, through the schema's put function").contains(prefix + "commit_put(")
			.doesNotContain("FUTURE_SNAPSHOT").doesNotContain(sql.tombstoneTable);
		assertThat(sent.get(1)).as("the delete").contains("FUTURE_SNAPSHOT").contains(sql.tombstoneTable);
		assertThat(sent.get(2)).as("the update").contains("FUTURE_SNAPSHOT");
		assertThat(queryLong(database, "SELECT count(*) FROM " + sql.batchTable)).isEqualTo(3);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(text(snapshot.get(List.of(bytes("n"))).get(0))).isEqualTo("5");
		}
	}

	/**
	 * A schema without the put function (version 2, or a version-3 database created before it) still commits blind
	 * puts in one statement: the put-only statement, gapless with the function's puts of another node.
	 */
	@Test
	void whenTheSchemaHasNoPutFunctionThenABlindPutIsThePutOnlyStatement() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode withFunction = open(database);
		PostgresKeyspace ks = withFunction.keyspace("no-put-function");
		assertThat(withFunction.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("1"))))).sequence())
			.isEqualTo(1);
		PostgresSql sql = new PostgresSql(prefix);
		try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("DROP FUNCTION " + prefix + PostgresSql.COMMIT_PUT_FUNCTION + "("
					+ PostgresSql.COMMIT_PUT_ARGUMENTS + ")");
		}
		List<String> sent = new ArrayList<>();
		TestNode without = TestNode.open(database, fastSettings(), false, (connection, call) -> {
			sent.add(call.toString());
			return call.executeQuery();
		});
		assertThat(without.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("2"))))).sequence())
			.isEqualTo(2);
		assertThat(without.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("m"), bytes("3"))))).sequence())
			.as("a new key").isEqualTo(3);
		assertThat(sent).hasSize(2);
		assertThat(sent.get(0)).as("the put-only statement").doesNotContain("commit_put(").contains(sql.batchTable)
			.doesNotContain("FUTURE_SNAPSHOT");
		assertThat(queryLong(database, "SELECT count(*) FROM " + sql.batchTable)).isEqualTo(3);
		try (TestSnapshot snapshot = withFunction.snapshot(ks)) {
			assertThat(snapshot.get(List.of(bytes("n"), bytes("m"))).stream().map(ClusterTestSupport::text).toList())
				.containsExactly("2", "3");
			assertThat(snapshot.sequence()).isEqualTo(3);
		}
	}

	/** A lost reply to the put-only statement resolves through the batch log as the full statement's does. */
	@Test
	void whenTheReplyToAPutOnlyCommitIsLostThenTheBatchLogTellsItCommitted() {
		PGSimpleDataSource database = newDatabase();
		TestNode node = TestNode.open(database, resolvingSettings(), true, (connection, call) -> {
			call.executeQuery().close();
			throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
		});
		TestNode other = open(database);
		PostgresKeyspace ks = other.keyspace("lost-put");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("1")))));
		Committed result = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("2")))));
		assertThat(result.committed()).isTrue();
		assertThat(result.sequence()).isEqualTo(2);
		assertThat(result.appliedOps()).isEqualTo(1);
		try (TestSnapshot snapshot = other.snapshot(ks)) {
			assertThat(text(snapshot.get(List.of(bytes("n"))).get(0))).isEqualTo("2");
			assertThat(snapshot.sequence()).isEqualTo(2);
		}
	}

	@Test
	void whenTheStatementRejectsAnUpdateThenNothingIsTakenAndTheRetryOnAFreshSnapshotCommits() {
		TestNode node = open(newDatabase());
		TestNode other = open(newDatabase());
		PostgresKeyspace ks = node.keyspace("retry");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("1")))));
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("2")))));
		Committed rejected = node.commit(ks, increment(1, "2"));
		assertThat(rejected.committed()).isFalse();
		assertThat(rejected.sequence()).as("the current sequence").isEqualTo(2);
		assertThat(rejected.rejected().reason()).isEqualTo(RejectionReason.KEY_READ);
		assertThat(text(rejected.rejected().key())).isEqualTo("n");
		Committed retried = node.commit(ks, increment(2, "3"));
		assertThat(retried.rejected()).isNull();
		assertThat(retried.sequence()).isEqualTo(3);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(text(snapshot.get(List.of(bytes("n"))).get(0))).isEqualTo("3");
		}
	}

	/**
	 * The statement's validation of an update's two keys: the written key changed after the snapshot while the read
	 * one did not (KEY_WRITTEN, the write's key), the read key changed (KEY_READ, whether or not it is the written
	 * key); nothing is taken. An update reading the key it writes is validated by one probe of that key (KEY_READ),
	 * so a statement that skipped the written key's probe for a read of ANOTHER key would commit the first batch.
	 */
	@Test
	void whenTheWrittenKeyOrTheReadKeyChangedAfterTheSnapshotThenTheStatementRejectsWithThatKey() {
		TestNode node = open(newDatabase());
		TestNode other = open(newDatabase());
		PostgresKeyspace ks = node.keyspace("two-keys");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("r"), bytes("1")))));
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("1")))));
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("2")))));
		TestBatch writtenChanged = TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("x"))),
				List.of(new TestBatch.Unit(0, 1, List.of(bytes("r")), List.of(), List.of(bytes("w")))));
		assertThat(OneWriteCommit.fits(writtenChanged.batch())).isTrue();
		Committed rejected = node.commit(ks, writtenChanged);
		assertThat(rejected.committed()).isFalse();
		assertThat(rejected.sequence()).as("the current sequence").isEqualTo(3);
		assertThat(rejected.rejected().reason()).isEqualTo(RejectionReason.KEY_WRITTEN);
		assertThat(text(rejected.rejected().key())).isEqualTo("w");
		TestBatch readChanged = TestBatch.of(List.of(TestBatch.put(bytes("r"), bytes("x"))),
				List.of(new TestBatch.Unit(0, 2, List.of(bytes("w")), List.of(), List.of(bytes("r")))));
		Committed readRejected = node.commit(ks, readChanged);
		assertThat(readRejected.rejected().reason()).isEqualTo(RejectionReason.KEY_READ);
		assertThat(text(readRejected.rejected().key())).isEqualTo("w");
		Committed sameKey = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("x"))),
				List.of(new TestBatch.Unit(0, 2, List.of(bytes("w")), List.of(), List.of(bytes("w"))))));
		assertThat(sameKey.rejected().reason()).isEqualTo(RejectionReason.KEY_READ);
		assertThat(text(sameKey.rejected().key())).isEqualTo("w");
		Committed unchanged = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("y"))),
				List.of(new TestBatch.Unit(0, 3, List.of(bytes("r")), List.of(), List.of(bytes("w"))))));
		assertThat(unchanged.rejected()).isNull();
		assertThat(unchanged.sequence()).isEqualTo(4);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(snapshot.get(List.of(bytes("r"), bytes("w"))).stream().map(ClusterTestSupport::text).toList())
				.containsExactly("1", "y");
		}
	}

	@Test
	void whenTheReplyToAOneWriteCommitIsLostThenTheBatchLogTellsItCommitted() {
		PGSimpleDataSource database = newDatabase();
		TestNode node = TestNode.open(database, resolvingSettings(), true, (connection, call) -> {
			call.executeQuery().close();
			throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
		});
		TestNode other = open(database);
		PostgresKeyspace ks = other.keyspace("lost-one");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes("1")))));
		TestBatch batch = increment(1, "2");
		assertThat(OneWriteCommit.fits(batch.batch())).isTrue();
		Committed result = node.commit(ks, batch);
		assertThat(result.committed()).isTrue();
		assertThat(result.sequence()).isEqualTo(2);
		assertThat(result.appliedOps()).isEqualTo(1);
		assertThat(result.rejected()).isNull();
		Committed delete = node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("n")))));
		assertThat(delete.sequence()).isEqualTo(3);
		try (TestSnapshot snapshot = other.snapshot(ks)) {
			assertThat(snapshot.get(List.of(bytes("n"))).get(0)).isNull();
		}
	}

	/**
	 * Two nodes, two threads each, on one keyspace: one-write puts, deletes and updates (the statement) mixed with
	 * three-write batches (the function). Every committed batch has its own sequence, the sequences are gapless,
	 * and replaying the committed batches in sequence order gives every key's final value.
	 */
	@Test
	void whenTwoNodesMixOneWriteAndFunctionBatchesThenTheSequenceIsGaplessAndTheLastWriterWins() throws Exception {
		TestNode first = open(newDatabase());
		TestNode second = open(newDatabase());
		PostgresKeyspace ks = first.keyspace("mixed");
		String[] keys = { "k0", "k1", "k2", "k3" };
		Map<Long, List<WriteOperation>> committed = new ConcurrentHashMap<>();
		List<CompletableFuture<Void>> writers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			TestNode node = (w % 2 == 0) ? first : second;
			int writer = w;
			writers.add(CompletableFuture.runAsync(() -> {
				Random random = new Random(writer);
				for (int i = 0; i < 60; i++) {
					List<WriteOperation> ops = new ArrayList<>();
					List<TestBatch.Unit> units = new ArrayList<>();
					int shape = random.nextInt(4);
					byte[] key = bytes(keys[random.nextInt(keys.length)]);
					String value = "w" + writer + "-" + i;
					if (shape == 0) {
						for (int n = 0; n < 3; n++) {
							ops.add(TestBatch.put(bytes(keys[random.nextInt(keys.length)]), bytes(value + "/" + n)));
						}
					}
					else if (shape == 1) {
						ops.add(TestBatch.del(key));
					}
					else if (shape == 2) {
						ops.add(TestBatch.put(key, bytes(value)));
					}
					else {
						long snapshot;
						try (TestSnapshot read = node.snapshot(ks)) {
							snapshot = read.sequence();
						}
						ops.add(TestBatch.put(key, bytes(value)));
						units.add(new TestBatch.Unit(0, snapshot, List.of(key), List.of(), List.of(key)));
					}
					Committed result = node.commit(ks, TestBatch.of(ops, units));
					if (result.committed()) {
						assertThat(committed.put(result.sequence(), ops)).as("sequence %d twice", result.sequence())
							.isNull();
					}
				}
			}));
		}
		CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
		long last = snapshotSequence(first, ks);
		assertThat(new TreeMap<>(committed).keySet()).as("gapless sequences")
			.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
		Map<String, String> model = new HashMap<>();
		new TreeMap<>(committed).forEach((sequence, ops) -> ops
			.forEach((op) -> model.put(text(op.key()), op.value() == null ? null : text(op.value()))));
		try (TestSnapshot snapshot = first.snapshot(ks)) {
			for (String key : keys) {
				byte[] value = snapshot.get(List.of(bytes(key))).get(0);
				assertThat(value == null ? null : text(value)).as("key %s", key).isEqualTo(model.get(key));
			}
		}
	}

	/**
	 * The statement's plan (auto_explain, top level) after pgjdbc prepares it on the server and PostgreSQL settles
	 * on a plan: generic (parameters, no constants), every read of the entry table a primary-key probe, on a table
	 * never analysed and on an analysed one of 3,000 keys.
	 */
	@ParameterizedTest(name = "analysed {0}")
	@ValueSource(booleans = { false, true })
	void whenTheStatementRunsRepeatedlyThenItsPlanIsGenericAndProbesThePrimaryKey(boolean analysed) throws Exception {
		TestNode node = open(newDatabase());
		PostgresSql sql = new PostgresSql(prefix);
		try (Connection connection = newDatabase().getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER TABLE " + sql.entryTable + " SET (autovacuum_enabled = false)");
		}
		PostgresKeyspace ks = node.keyspace("plan");
		for (int batch = 0; batch < 6; batch++) {
			List<WriteOperation> ops = new ArrayList<>();
			for (int i = batch * 500; i < (batch + 1) * 500; i++) {
				ops.add(TestBatch.put(bytes("k" + i), bytes("v")));
			}
			node.commit(ks, TestBatch.of(ops));
		}
		try (Connection connection = newDatabase().getConnection()) {
			try (Statement statement = connection.createStatement()) {
				if (analysed) {
					statement.execute("ANALYZE " + sql.entryTable);
				}
				statement.execute("LOAD 'auto_explain'");
				statement.execute("SET auto_explain.log_min_duration = 0");
				statement.execute("SET client_min_messages = log");
			}
			long sequence = 6;
			String plan = null;
			for (int call = 0; call < 16; call++) {
				try (PreparedStatement one = connection.prepareStatement(sql.commitOneWrite)) {
					TestBatch batch = (call % 2 == 0) ? TestBatch.of(List.of(TestBatch.put(bytes("k" + call), bytes("u"))),
							List.of(new TestBatch.Unit(0, sequence, List.of(bytes("k" + call)), List.of(), List.of(bytes("k" + call)))))
							: TestBatch.of(List.of(TestBatch.del(bytes("k" + call))));
					OneWriteCommit.bind(one, ks, batch.id(), UUID.randomUUID(), batch.batch());
					try (ResultSet rows = one.executeQuery()) {
						assertThat(rows.next()).isTrue();
						assertThat(rows.getLong(1)).as("sequence at call %d", call).isEqualTo(++sequence);
					}
					for (SQLWarning warning = one.getWarnings(); warning != null; warning = warning.getNextWarning()) {
						if (warning.getMessage().contains("Update on " + sql.keyspaceTable)) {
							plan = warning.getMessage();
						}
					}
				}
			}
			assertThat(plan).as("auto_explain's plan of the last call").isNotNull()
				.containsPattern("Index Cond: \\(\\(keyspace_id = \\$\\d+\\) AND \\(key = \\$\\d+\\)\\)")
				.doesNotContain("Seq Scan")
				.doesNotContain("Bitmap")
				.doesNotContain("'\\x");
			try (Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
							+ "WHERE statement LIKE 'WITH p AS%'")) {
				assertThat(rows.next()).as("the statement prepared on the server").isTrue();
				assertThat(rows.getLong(1)).as("generic plans").isGreaterThanOrEqualTo(5);
				assertThat(rows.getLong(2)).as("custom plans").isLessThanOrEqualTo(5);
			}
		}
	}

	private static TestBatch increment(long snapshot, String value) {
		return TestBatch.of(List.of(TestBatch.put(bytes("n"), bytes(value))),
				List.of(new TestBatch.Unit(0, snapshot, List.of(bytes("n")), List.of(), List.of(bytes("n")))));
	}

	private static boolean fits(TestBatch.Unit unit) {
		return OneWriteCommit.fits(TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("v"))), List.of(unit)).batch());
	}

	private static TestBatch.Unit unit(int first, List<byte[]> reads, List<KeySpan> spans) {
		return new TestBatch.Unit(first, 0, reads, spans, List.of(bytes("a")));
	}

	private static long snapshotSequence(TestNode node, PostgresKeyspace ks) {
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			return snapshot.sequence();
		}
	}

}
