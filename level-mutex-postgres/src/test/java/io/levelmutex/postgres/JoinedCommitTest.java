package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Joined commits ({@link JoinedCommitter}, schema v3's procedure): several keyspaces' batches of one node in one
 * transaction. Each test first holds the committer busy (a direct commit held in the commit step, the sender held)
 * so that the batches it hands over next are queued and sent together in ONE joined commit, then
 * tries to break a per-keyspace guarantee inside it: a batch rejected by validation, a batch the server refuses, the
 * call's connection terminated while it waits for a keyspace's lock, the reply lost after the COMMIT, the committer
 * closed with batches queued. Every batch completes exactly once, each keyspace's sequence stays gapless, and a
 * failing batch fails alone.
 */
class JoinedCommitTest extends ClusterTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(60);

	/** What the test does with the joined call (default: runs it). */
	interface JoinedCall {

		ResultSet call(Connection connection, PreparedStatement call) throws SQLException;

	}

	/**
	 * A commit step that holds every commit other than the joined call while {@link #holding}, and runs the joined
	 * call through {@link #joined}.
	 */
	static final class Gate implements BatchCommitter.CommitStep {

		volatile boolean holding = true;

		final Semaphore entered = new Semaphore(0);

		final CountDownLatch open = new CountDownLatch(1);

		volatile JoinedCall joined = (connection, call) -> call.executeQuery();

		@Override
		public ResultSet call(Connection connection, PreparedStatement call) throws SQLException {
			if (call.toString().contains("commit_joined")) {
				return this.joined.call(connection, call);
			}
			if (this.holding) {
				this.entered.release();
				try {
					if (!this.open.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
						throw new SQLException("the test never opened the gate");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new SQLException(ex);
				}
			}
			return call.executeQuery();
		}

		void release() {
			this.holding = false;
			this.open.countDown();
		}

	}

	/** A node, its gate and its joined committer (one sender). */
	record Joiner(TestNode node, Gate gate, JoinedCommitter committer, CompletableFuture<CommitOutcome> direct)
			implements AutoCloseable {

		/**
		 * Holds the committer busy: its sender held, and a direct commit (from another thread) held in the gate; what
		 * is handed over next is queued.
		 */
		static Joiner busy(PGSimpleDataSource database, PostgresSettings settings) throws Exception {
			return busy(database, settings, JoinedCommitter.LOCK_WAIT_MILLIS);
		}

		/** {@link #busy(PGSimpleDataSource, PostgresSettings)}: joined commits wait that long for a busy lock. */
		static Joiner busy(PGSimpleDataSource database, PostgresSettings settings, int lockWaitMillis)
				throws Exception {
			Gate gate = new Gate();
			TestNode node = TestNode.open(database, settings, true, gate);
			JoinedCommitter committer = node.joiner(1, lockWaitMillis);
			committer.holdSenders(true);
			PostgresKeyspace a = node.keyspace("occupy-direct");
			CompletableFuture<CommitOutcome> direct = CompletableFuture
				.supplyAsync(() -> committer.submit(a, put("d", "1").batch(), 0, new CommitRoute()))
				.thenCompose((future) -> future);
			assertThat(gate.entered.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the direct commit held").isTrue();
			return new Joiner(node, gate, committer, direct);
		}

		CompletableFuture<CommitOutcome> submit(PostgresKeyspace keyspace, TestBatch batch) {
			return submit(keyspace, batch, new CommitRoute());
		}

		CompletableFuture<CommitOutcome> submit(PostgresKeyspace keyspace, TestBatch batch, CommitRoute route) {
			CompletableFuture<CommitOutcome> future = this.committer.submit(keyspace, batch.id(), batch.batch(), 0,
					route);
			assertThat(future).as("queued behind the held commits").isNotDone();
			return future;
		}

		/** Opens the gate: the held commit completes; then the sender sends everything queued in one joined commit. */
		void release() throws Exception {
			this.gate.release();
			assertThat(this.direct.get(WAIT.toSeconds(), TimeUnit.SECONDS).committed()).isTrue();
			this.committer.holdSenders(false);
		}

		@Override
		public void close() {
			this.gate.release();
			this.committer.holdSenders(false);
			this.committer.close();
		}

	}

	static TestBatch put(String key, String value) {
		return TestBatch.of(List.of(TestBatch.put(bytes(key), bytes(value))));
	}

	private static CommitOutcome outcome(CompletableFuture<CommitOutcome> future) throws Exception {
		return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	private static Throwable failure(CompletableFuture<CommitOutcome> future) {
		try {
			future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (Exception ex) {
			throw new AssertionError("not completed", ex);
		}
		throw new AssertionError("completed without a failure: " + future.join());
	}

	/** The batch log of a keyspace: its sequences in order, which must be 1..n. */
	private static List<Long> batchLog(PGSimpleDataSource database, PostgresKeyspace keyspace) throws SQLException {
		List<Long> sequences = new ArrayList<>();
		try (Connection connection = database.getConnection();
				PreparedStatement statement = connection.prepareStatement(
						"SELECT seq FROM " + prefix + "batch WHERE keyspace_id = ? ORDER BY seq")) {
			statement.setInt(1, keyspace.id());
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					sequences.add(rows.getLong(1));
				}
			}
		}
		return sequences;
	}

	private static String value(TestNode node, PostgresKeyspace keyspace, String key) {
		try (TestSnapshot snapshot = node.snapshot(keyspace)) {
			byte[] value = snapshot.get(List.of(bytes(key))).get(0);
			return value == null ? null : text(value);
		}
	}

	@Test
	void whenBatchesOfSeveralKeyspacesAreJoinedThenEachCommitsWithItsOwnSequenceBatchLogRowAndValidation()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		List<PostgresKeyspace> keyspaces = new ArrayList<>();
		for (int k = 0; k < 4; k++) {
			PostgresKeyspace keyspace = node.keyspace("joined-" + k);
			keyspaces.add(keyspace);
			node.commit(keyspace, put("base", "0"));
		}
		try (Joiner joiner = Joiner.busy(database, fastSettings())) {
			// handed over in descending keyspace order: the procedure must still take them in id order
			List<CompletableFuture<CommitOutcome>> futures = new ArrayList<>();
			for (int k = 3; k >= 0; k--) {
				TestBatch batch = TestBatch.of(
						List.of(TestBatch.put(bytes("a"), bytes("a" + k)), TestBatch.put(bytes("base"), bytes("b" + k)),
								TestBatch.del(bytes("missing"))),
						List.of(new TestBatch.Unit(1, 1, List.of(bytes("base")), List.of(), List.of(bytes("base")))));
				futures.add(joiner.submit(keyspaces.get(k), batch));
			}
			joiner.release();
			for (int i = 0; i < 4; i++) {
				int k = 3 - i;
				CommitOutcome outcome = outcome(futures.get(i));
				assertThat(outcome.committed()).isTrue();
				assertThat(outcome.result().sequence()).as("keyspace %d's own next sequence", k).isEqualTo(2);
				assertThat(outcome.result().appliedOperations()).isEqualTo(3);
				assertThat(outcome.result().hasRejection()).isFalse();
				assertThat(value(node, keyspaces.get(k), "a")).isEqualTo("a" + k);
				assertThat(value(node, keyspaces.get(k), "base")).isEqualTo("b" + k);
				assertThat(batchLog(database, keyspaces.get(k))).containsExactly(1L, 2L);
				assertThat(joiner.node.durable().durable(keyspaces.get(k).id())).as("durable before the reply")
					.isGreaterThanOrEqualTo(2);
			}
			assertThat(joiner.committer.joinedCalls()).isEqualTo(1);
			assertThat(joiner.committer.joinedBatches()).isEqualTo(4);
		}
	}

	@Test
	void whenABatchCommitsInAJoinedCommitThenItsKeyspacesRouteCountsItAsThisNodesOwnAndTheNextDirectCommitStaysOnTheFunction()
			throws Exception {
		// Failed first (session 16): the joined commit did not tell the route its sequence, so the keyspace's next
		// direct commit (sequence 3 after this node's 1 and 2) looked like it followed another node's commit and sent
		// the next RELEASED_RUN commits of a lone node through the two-transaction procedure.
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace keyspace = node.keyspace("joined-route");
		PostgresKeyspace other = node.keyspace("joined-route-other");
		node.commit(keyspace, put("base", "0"));
		CommitRoute route = new CommitRoute(true);
		route.committedAt(1);
		try (Joiner joiner = Joiner.busy(database, fastSettings())) {
			CompletableFuture<CommitOutcome> joined = joiner.submit(keyspace, put("a", "1"), route);
			CompletableFuture<CommitOutcome> second = joiner.submit(other, put("b", "1"));
			joiner.release();
			assertThat(outcome(joined).result().sequence()).isEqualTo(2);
			assertThat(outcome(second).committed()).isTrue();
			assertThat(joiner.committer.joinedCalls()).as("both in one joined commit").isEqualTo(1);
		}
		route.replied(false, true, 3, true); // the keyspace's next commit, direct, uncontended
		assertThat(route.released()).as("1, 2 (joined), 3: all this node's, no other writer").isFalse();
		route.replied(false, true, 5, true);
		assertThat(route.released()).as("sequence 4 was another writer's").isTrue();
	}

	/** A keyspace's entry rows as "key=value@seq" (value "-" for a tombstone), in key order. */
	private static List<String> entries(PGSimpleDataSource database, PostgresKeyspace keyspace) throws SQLException {
		return rows(database, "SELECT convert_from(key, 'UTF8'), coalesce(convert_from(value, 'UTF8'), '-'), seq FROM "
				+ prefix + "entry WHERE keyspace_id = ? ORDER BY key", keyspace, "%s=%s@%s");
	}

	/** A keyspace's rows of the tombstone table as "key@seq", in key order. */
	private static List<String> tombstones(PGSimpleDataSource database, PostgresKeyspace keyspace)
			throws SQLException {
		return rows(database, "SELECT convert_from(key, 'UTF8'), seq FROM " + prefix
				+ "tombstone WHERE keyspace_id = ? ORDER BY key, seq", keyspace, "%s@%s");
	}

	/** A keyspace's batch log as "seq:applied_ops:rejected_unit", in sequence order. */
	private static List<String> batchLogRows(PGSimpleDataSource database, PostgresKeyspace keyspace)
			throws SQLException {
		return rows(database, "SELECT seq, applied_ops, rejected_unit FROM " + prefix
				+ "batch WHERE keyspace_id = ? ORDER BY seq", keyspace, "%s:%s:%s");
	}

	private static List<String> rows(PGSimpleDataSource database, String sql, PostgresKeyspace keyspace, String format)
			throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Connection connection = database.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setInt(1, keyspace.id());
			try (ResultSet result = statement.executeQuery()) {
				int columns = result.getMetaData().getColumnCount();
				while (result.next()) {
					Object[] values = new Object[columns];
					for (int c = 0; c < columns; c++) {
						values[c] = result.getString(c + 1);
					}
					rows.add(String.format(format, values));
				}
			}
		}
		return rows;
	}

	@Test
	void whenBlindBatchesAreJoinedThenEachWriteCarriesItsKeyspacesSequenceTheLastWriteOfAKeyWinsAndDeletesLeaveTombstonesOnlyWhereAValueWas()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		// three keyspaces at different sequences, so that a write carrying another keyspace's sequence shows
		PostgresKeyspace x = node.keyspace("set-x");
		PostgresKeyspace y = node.keyspace("set-y");
		PostgresKeyspace z = node.keyspace("set-z");
		node.commit(x, put("old", "1")); // x at 1
		node.commit(y, put("old", "1"));
		node.commit(y, TestBatch.of(List.of(TestBatch.del(bytes("old"))))); // a tombstone at 2
		node.commit(y, put("other", "1")); // y at 3
		node.commit(z, put("keep", "1"));
		node.commit(z, put("old", "1")); // z at 2
		try (Joiner joiner = Joiner.busy(database, fastSettings())) {
			CompletableFuture<CommitOutcome> fx = joiner.submit(x, TestBatch.of(List.of(
					TestBatch.put(bytes("a"), bytes("1")), TestBatch.put(bytes("a"), bytes("2")), // the last wins
					TestBatch.del(bytes("old")), // a value was there: a tombstone
					TestBatch.del(bytes("missing")), // none was: nothing
					TestBatch.put(bytes("c"), bytes("1")), TestBatch.del(bytes("c")), // the delete wins, nothing was
					TestBatch.del(bytes("d")), TestBatch.put(bytes("d"), bytes("3"))))); // the put wins
			CompletableFuture<CommitOutcome> fy = joiner.submit(y, TestBatch.of(List.of(
					TestBatch.del(bytes("old")), // already a tombstone: no second one
					TestBatch.del(bytes("other")), TestBatch.put(bytes("other"), bytes("2")))));
			CompletableFuture<CommitOutcome> fz = joiner.submit(z, TestBatch.of(List.of(
					TestBatch.put(bytes("keep"), bytes("2")), TestBatch.put(bytes("keep"), bytes("3")))));
			joiner.release();
			CommitOutcome ox = outcome(fx);
			CommitOutcome oy = outcome(fy);
			CommitOutcome oz = outcome(fz);
			assertThat(List.of(ox.result().sequence(), oy.result().sequence(), oz.result().sequence()))
				.as("each keyspace's own next sequence").containsExactly(2L, 4L, 3L);
			assertThat(List.of(ox.result().appliedOperations(), oy.result().appliedOperations(),
					oz.result().appliedOperations())).containsExactly(8, 3, 2);
			assertThat(ox.result().hasRejection() || oy.result().hasRejection() || oz.result().hasRejection()).isFalse();
			assertThat(joiner.committer.joinedCalls()).isEqualTo(1);
		}
		assertThat(entries(database, x)).containsExactly("a=2@2", "d=3@2", "old=-@2");
		assertThat(tombstones(database, x)).containsExactly("old@2");
		assertThat(entries(database, y)).containsExactly("old=-@2", "other=2@4");
		assertThat(tombstones(database, y)).containsExactly("old@2");
		assertThat(entries(database, z)).containsExactly("keep=3@3", "old=1@2");
		assertThat(tombstones(database, z)).isEmpty();
		assertThat(batchLogRows(database, x)).containsExactly("1:1:-1", "2:8:-1");
		assertThat(batchLogRows(database, y)).containsExactly("1:1:-1", "2:1:-1", "3:1:-1", "4:3:-1");
		assertThat(batchLogRows(database, z)).containsExactly("1:1:-1", "2:1:-1", "3:2:-1");
		// the next commit of each keyspace takes the next sequence
		assertThat(node.commit(x, put("a", "3")).sequence()).isEqualTo(3);
		assertThat(node.commit(y, put("a", "3")).sequence()).isEqualTo(5);
		assertThat(node.commit(z, put("a", "3")).sequence()).isEqualTo(4);
	}

	@Test
	void whenBlindAndUpdateBatchesAreJoinedAndOneLockIsHeldElsewhereThenEachKeepsItsOwnOutcomeAndOnlyTheHeldOneWaits()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		// keyspace ids ascend in this order; blind and update batches alternate in it
		PostgresKeyspace blind1 = node.keyspace("mixed-1-blind");
		PostgresKeyspace rejected = node.keyspace("mixed-2-rejected");
		PostgresKeyspace blind3 = node.keyspace("mixed-3-blind");
		PostgresKeyspace update = node.keyspace("mixed-4-update");
		PostgresKeyspace held = node.keyspace("mixed-5-held");
		PostgresKeyspace blind6 = node.keyspace("mixed-6-blind");
		for (PostgresKeyspace keyspace : List.of(blind1, rejected, blind3, update, held, blind6)) {
			node.commit(keyspace, put("k", "1")); // sequence 1
		}
		node.commit(rejected, put("k", "2")); // sequence 2: what an update with snapshot 1 read changed
		try (Joiner joiner = Joiner.busy(database, resolvingSettings(), JoinedCommitter.LOCK_WAIT_MILLIS);
				Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder
				.prepareStatement("SELECT 1 FROM " + prefix + "keyspace WHERE id = ? FOR UPDATE")) {
				lock.setInt(1, held.id());
				lock.executeQuery().close();
			}
			CompletableFuture<CommitOutcome> f6 = joiner.submit(blind6, put("k", "six"));
			CompletableFuture<CommitOutcome> f5 = joiner.submit(held, put("k", "held"));
			CompletableFuture<CommitOutcome> f4 = joiner.submit(update,
					TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("updated")), TestBatch.put(bytes("w"), bytes("w"))),
							List.of(new TestBatch.Unit(0, 1, List.of(bytes("k")), List.of(), List.of(bytes("k"))))));
			CompletableFuture<CommitOutcome> f3 = joiner.submit(blind3, TestBatch.of(
					List.of(TestBatch.put(bytes("k"), bytes("three")), TestBatch.del(bytes("k")))));
			CompletableFuture<CommitOutcome> f2 = joiner.submit(rejected,
					TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("lost"))),
							List.of(new TestBatch.Unit(0, 1, List.of(bytes("k")), List.of(), List.of(bytes("k"))))));
			CompletableFuture<CommitOutcome> f1 = joiner.submit(blind1, put("k", "one"));
			joiner.release();
			assertThat(outcome(f1).result().sequence()).isEqualTo(2);
			CommitOutcome none = outcome(f2);
			assertThat(none.committed()).isFalse();
			assertThat(none.result().sequence()).as("the keyspace's sequence, none taken").isEqualTo(2);
			assertThat(none.reason()).isEqualTo(RejectionReason.KEY_READ);
			assertThat(outcome(f3).result().sequence()).isEqualTo(2);
			CommitOutcome updated = outcome(f4);
			assertThat(updated.result().sequence()).isEqualTo(2);
			assertThat(updated.result().appliedOperations()).isEqualTo(2);
			assertThat(updated.result().hasRejection()).isFalse();
			assertThat(outcome(f6).result().sequence()).isEqualTo(2);
			// the held keyspace's batch failed its lock wait alone and waits on its own
			String soloWait = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND wait_event_type = 'Lock' "
					+ "AND query NOT LIKE '%commit_joined%' AND pid <> pg_backend_pid()";
			await().atMost(WAIT).until(() -> queryLong(database, soloWait) == 1);
			assertThat(f5).isNotDone();
			holder.rollback();
			assertThat(outcome(f5).result().sequence()).isEqualTo(2);
			assertThat(joiner.committer.joinedCalls()).isEqualTo(1);
		}
		assertThat(entries(database, blind1)).containsExactly("k=one@2");
		assertThat(entries(database, rejected)).containsExactly("k=2@2");
		assertThat(entries(database, blind3)).containsExactly("k=-@2");
		assertThat(tombstones(database, blind3)).containsExactly("k@2");
		assertThat(entries(database, update)).containsExactly("k=updated@2", "w=w@2");
		assertThat(entries(database, held)).containsExactly("k=held@2");
		assertThat(entries(database, blind6)).containsExactly("k=six@2");
		assertThat(batchLogRows(database, blind1)).containsExactly("1:1:-1", "2:1:-1");
		assertThat(batchLogRows(database, rejected)).containsExactly("1:1:-1", "2:1:-1");
		assertThat(batchLogRows(database, blind3)).containsExactly("1:1:-1", "2:2:-1");
		assertThat(batchLogRows(database, update)).containsExactly("1:1:-1", "2:2:-1");
		assertThat(batchLogRows(database, held)).containsExactly("1:1:-1", "2:1:-1");
		assertThat(node.commit(rejected, put("k", "3")).sequence()).as("no sequence lost").isEqualTo(3);
	}

	@Test
	void whenOneBatchOfAJoinedCommitIsRejectedByValidationThenOnlyItAppliesNothingAndTheOthersCommit()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace first = node.keyspace("rejected-first");
		PostgresKeyspace middle = node.keyspace("rejected-middle");
		PostgresKeyspace partly = node.keyspace("rejected-partly");
		for (PostgresKeyspace keyspace : List.of(first, middle, partly)) {
			node.commit(keyspace, put("k", "1")); // sequence 1
			node.commit(keyspace, put("k", "2")); // sequence 2: what an update with snapshot 1 read changed
		}
		try (Joiner joiner = Joiner.busy(database, fastSettings())) {
			CompletableFuture<CommitOutcome> ok = joiner.submit(first, put("x", "first"));
			// its first update read "k" at sequence 1: rejected, nothing applied (LM001 inside the joined commit)
			CompletableFuture<CommitOutcome> rejected = joiner.submit(middle,
					TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("lost"))),
							List.of(new TestBatch.Unit(0, 1, List.of(bytes("k")), List.of(), List.of(bytes("k"))))));
			// the write before its rejected update is applied, the rest not
			CompletableFuture<CommitOutcome> truncated = joiner.submit(partly,
					TestBatch.of(List.of(TestBatch.put(bytes("y"), bytes("kept")), TestBatch.put(bytes("k"), bytes("lost"))),
							List.of(new TestBatch.Unit(1, 1, List.of(bytes("k")), List.of(), List.of(bytes("k"))))));
			joiner.release();
			assertThat(outcome(ok).result().sequence()).isEqualTo(3);
			CommitOutcome none = outcome(rejected);
			assertThat(none.committed()).isFalse();
			assertThat(none.result().sequence()).as("the keyspace's sequence, none taken").isEqualTo(2);
			assertThat(none.result().rejectedUpdate()).isZero();
			assertThat(none.reason()).isEqualTo(RejectionReason.KEY_READ);
			assertThat(text(none.result().conflictKey())).isEqualTo("k");
			CommitOutcome part = outcome(truncated);
			assertThat(part.committed()).isTrue();
			assertThat(part.result().sequence()).isEqualTo(3);
			assertThat(part.result().appliedOperations()).isEqualTo(1);
			assertThat(part.reason()).isEqualTo(RejectionReason.KEY_READ);
			assertThat(value(node, middle, "k")).isEqualTo("2");
			assertThat(value(node, partly, "k")).isEqualTo("2");
			assertThat(value(node, partly, "y")).isEqualTo("kept");
			assertThat(batchLog(database, first)).containsExactly(1L, 2L, 3L);
			assertThat(batchLog(database, middle)).containsExactly(1L, 2L);
			assertThat(batchLog(database, partly)).containsExactly(1L, 2L, 3L);
			// the rejected keyspace's next batch takes the next sequence: no gap
			assertThat(node.commit(middle, put("k", "3")).sequence()).isEqualTo(3);
			assertThat(joiner.committer.joinedCalls()).isEqualTo(1);
		}
	}

	@Test
	void whenTheServerRefusesOneBatchOfAJoinedCommitThenOnlyItFailsTypedAndTheOthersCommit() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace before = node.keyspace("refused-before");
		PostgresKeyspace refused = node.keyspace("refused");
		PostgresKeyspace after = node.keyspace("refused-after");
		for (PostgresKeyspace keyspace : List.of(before, refused, after)) {
			node.commit(keyspace, put("k", "1"));
		}
		try (Joiner joiner = Joiner.busy(database, fastSettings())) {
			// a limit the server enforces (a DBA's constraint): values of at most 100 bytes
			execute(database, "ALTER TABLE " + prefix + "entry ADD CONSTRAINT small_values "
					+ "CHECK (octet_length(value) <= 100)");
			CompletableFuture<CommitOutcome> one = joiner.submit(before, put("k", "before"));
			CompletableFuture<CommitOutcome> big = joiner.submit(refused,
					TestBatch.of(List.of(TestBatch.put(bytes("small"), bytes("ok")),
							TestBatch.put(bytes("big"), new byte[200]))));
			CompletableFuture<CommitOutcome> two = joiner.submit(after, put("k", "after"));
			joiner.release();
			assertThat(outcome(one).result().sequence()).isEqualTo(2);
			assertThat(outcome(two).result().sequence()).isEqualTo(2);
			assertThat(failure(big)).isInstanceOf(PostgresFailureException.class)
				.hasMessageContaining("'refused'")
				.hasMessageContaining("was not applied")
				.hasMessageContaining("23514");
			assertThat(value(node, refused, "small")).as("nothing of the refused batch").isNull();
			assertThat(batchLog(database, refused)).containsExactly(1L);
			assertThat(value(node, before, "k")).isEqualTo("before");
			assertThat(value(node, after, "k")).isEqualTo("after");
			assertThat(node.commit(refused, put("k", "2")).sequence()).as("no sequence lost").isEqualTo(2);
		}
	}

	@Test
	void whenTheJoinedCallIsTerminatedWhileItWaitsForAKeyspaceLockThenNoBatchIsAppliedAndEachIsResolvedAsSuch()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace low = node.keyspace("killed-low");
		PostgresKeyspace locked = node.keyspace("killed-locked");
		PostgresKeyspace high = node.keyspace("killed-high");
		for (PostgresKeyspace keyspace : List.of(low, locked, high)) {
			node.commit(keyspace, put("k", "1"));
		}
		try (Joiner joiner = Joiner.busy(database, resolvingSettings(), 0)) {
			try (Connection holder = database.getConnection()) {
				holder.setAutoCommit(false);
				try (PreparedStatement lock = holder
					.prepareStatement("SELECT 1 FROM " + prefix + "keyspace WHERE id = ? FOR UPDATE")) {
					lock.setInt(1, locked.id());
					lock.executeQuery().close();
				}
				List<CompletableFuture<CommitOutcome>> futures = List.of(joiner.submit(high, put("k", "high")),
						joiner.submit(locked, put("k", "locked")), joiner.submit(low, put("k", "low")));
				joiner.release();
				String waiting = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%commit_joined%' "
						+ "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()";
				await().atMost(WAIT).until(() -> queryLong(database, waiting) == 1);
				assertThat(queryLong(database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
						+ "WHERE query LIKE '%commit_joined%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"))
					.isEqualTo(1);
				holder.rollback();
				for (CompletableFuture<CommitOutcome> future : futures) {
					assertThat(failure(future)).isInstanceOf(PostgresUnavailableException.class)
						.hasMessageContaining("batch log shows it was not applied");
				}
			}
			for (PostgresKeyspace keyspace : List.of(low, locked, high)) {
				assertThat(value(node, keyspace, "k")).as("the whole joined transaction rolled back").isEqualTo("1");
				assertThat(batchLog(database, keyspace)).containsExactly(1L);
			}
		}
	}

	@Test
	void whenAnotherSessionHoldsOneKeyspacesLockThenTheOtherBatchesOfTheJoinedCommitCommitAndThatOneWaitsOnItsOwn()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace held = node.keyspace("held-lock");
		PostgresKeyspace free = node.keyspace("held-free");
		PostgresKeyspace other = node.keyspace("held-other");
		for (PostgresKeyspace keyspace : List.of(held, free, other)) {
			node.commit(keyspace, put("k", "1"));
		}
		try (Joiner joiner = Joiner.busy(database, resolvingSettings(), JoinedCommitter.LOCK_WAIT_MILLIS);
				Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder
				.prepareStatement("SELECT 1 FROM " + prefix + "keyspace WHERE id = ? FOR UPDATE")) {
				lock.setInt(1, held.id());
				lock.executeQuery().close();
			}
			CompletableFuture<CommitOutcome> waiting = joiner.submit(held, put("k", "held"));
			CompletableFuture<CommitOutcome> one = joiner.submit(free, put("k", "free"));
			CompletableFuture<CommitOutcome> two = joiner.submit(other, put("k", "other"));
			joiner.release();
			// the lock is still held: the joined commit gave up on it after its lock wait, the others committed;
			// it then waits on its own
			assertThat(outcome(one).result().sequence()).isEqualTo(2);
			assertThat(outcome(two).result().sequence()).isEqualTo(2);
			String soloWait = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND wait_event_type = 'Lock' "
					+ "AND query NOT LIKE '%commit_joined%' AND pid <> pg_backend_pid()";
			await().atMost(WAIT).until(() -> queryLong(database, soloWait) == 1);
			assertThat(waiting).as("waits on its own while the lock is held").isNotDone();
			holder.rollback();
			CommitOutcome late = outcome(waiting);
			assertThat(late.committed()).isTrue();
			assertThat(late.result().sequence()).isEqualTo(2);
			assertThat(batchLog(database, held)).containsExactly(1L, 2L);
			assertThat(joiner.committer.joinedCalls()).isEqualTo(1);
			assertThat(joiner.committer.soleBatches()).isZero();
		}
		assertThat(value(node, held, "k")).isEqualTo("held");
		assertThat(value(node, free, "k")).isEqualTo("free");
	}

	@Test
	void whenTheJoinedReplyIsLostAfterItsCommitThenEveryBatchIsResolvedThroughTheBatchLog() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace one = node.keyspace("lost-one");
		PostgresKeyspace two = node.keyspace("lost-two");
		PostgresKeyspace rejected = node.keyspace("lost-rejected");
		node.commit(rejected, put("k", "1"));
		node.commit(rejected, put("k", "2"));
		try (Joiner joiner = Joiner.busy(database, resolvingSettings())) {
			joiner.gate.joined = (connection, call) -> {
				call.executeQuery().close();
				throw new SQLException("simulated: connection reset while reading the joined commit's reply", "08006");
			};
			CompletableFuture<CommitOutcome> first = joiner.submit(one, put("k", "one"));
			CompletableFuture<CommitOutcome> second = joiner.submit(two,
					TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")), TestBatch.put(bytes("b"), bytes("2")))));
			CompletableFuture<CommitOutcome> none = joiner.submit(rejected,
					TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("lost"))),
							List.of(new TestBatch.Unit(0, 1, List.of(bytes("k")), List.of(), List.of(bytes("k"))))));
			joiner.release();
			CommitOutcome resolvedOne = outcome(first);
			assertThat(resolvedOne.committed()).isTrue();
			assertThat(resolvedOne.result().sequence()).isEqualTo(1);
			CommitOutcome resolvedTwo = outcome(second);
			assertThat(resolvedTwo.result().sequence()).isEqualTo(1);
			assertThat(resolvedTwo.result().appliedOperations()).isEqualTo(2);
			assertThat(failure(none)).as("applied nothing: not in the batch log")
				.isInstanceOf(PostgresUnavailableException.class)
				.hasMessageContaining("batch log shows it was not applied");
			assertThat(joiner.node.durable().durable(one.id())).isGreaterThanOrEqualTo(1);
			assertThat(value(node, two, "b")).isEqualTo("2");
			assertThat(batchLog(database, rejected)).containsExactly(1L, 2L);
		}
	}

	@Test
	void whenTheCommitterClosesWithBatchesQueuedThenTheyFailUnsentAndTheCommitsInFlightComplete() throws Exception {
		PGSimpleDataSource database = newDatabase();
		Joiner joiner = Joiner.busy(database, fastSettings());
		try {
			PostgresKeyspace keyspace = joiner.node.keyspace("closed");
			CompletableFuture<CommitOutcome> queued = joiner.submit(keyspace, put("k", "queued"));
			CompletableFuture<CommitOutcome> queued2 = joiner.submit(joiner.node.keyspace("closed-2"), put("k", "q"));
			CompletableFuture<Void> closing = CompletableFuture.runAsync(joiner.committer::close);
			for (CompletableFuture<CommitOutcome> future : List.of(queued, queued2)) {
				assertThat(failure(future)).isInstanceOf(PostgresUnavailableException.class)
					.hasMessageContaining("the store is closed");
			}
			assertThat(failure(joiner.committer.submit(keyspace, put("k", "late").batch(), 0, new CommitRoute())))
				.isInstanceOf(PostgresUnavailableException.class)
				.hasMessageContaining("the store is closed");
			joiner.release(); // the direct commit was in flight: it completes, committed
			closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(value(joiner.node, keyspace, "k")).isNull();
			assertThat(batchLog(database, keyspace)).isEmpty();
		}
		finally {
			joiner.close();
		}
	}

	@Test
	void whenTwoNodesJoinCommitsOfTheSameKeyspacesAtOnceThenEveryBatchCompletesOnceAndSequencesAreGapless()
			throws Exception {
		race();
	}

	/** Two nodes, one writer per node and keyspace, all at once. */
	private static void race() throws Exception {
		PGSimpleDataSource database = newDatabase();
		int keyspaceCount = 5;
		int perWriter = 30;
		List<TestNode> nodes = List.of(open(database), open(database));
		List<JoinedCommitter> committers = List.of(nodes.get(0).joiner(2), nodes.get(1).joiner(2));
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2 * keyspaceCount);
		try {
			List<PostgresKeyspace> keyspaces = new ArrayList<>();
			for (int k = 0; k < keyspaceCount; k++) {
				keyspaces.add(nodes.get(0).keyspace("race-" + k));
			}
			// one writer per node and keyspace (as a mutex: one batch in flight at a time), all at once
			List<CompletableFuture<int[]>> writers = new ArrayList<>();
			for (int n = 0; n < 2; n++) {
				for (int k = 0; k < keyspaceCount; k++) {
					JoinedCommitter committer = committers.get(n);
					PostgresKeyspace keyspace = keyspaces.get(k);
					int node = n;
					writers.add(CompletableFuture.supplyAsync(() -> {
						int[] counts = new int[2];
						for (int i = 0; i < perWriter; i++) {
							java.util.concurrent.atomic.AtomicInteger completions = new java.util.concurrent.atomic.AtomicInteger();
							CompletableFuture<CommitOutcome> future = committer.submit(keyspace,
									put("n" + node + "-" + i, "v").batch(), 0, new CommitRoute());
							CommitOutcome outcome = future.whenComplete((done, error) -> completions.incrementAndGet())
								.join();
							counts[0] += outcome.committed() ? 1 : 0;
							counts[1] += completions.get();
						}
						return counts;
					}, threads));
				}
			}
			int committed = 0;
			for (CompletableFuture<int[]> writer : writers) {
				int[] counts = writer.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
				assertThat(counts[1]).as("each batch completed exactly once").isEqualTo(perWriter);
				committed += counts[0];
			}
			assertThat(committed).isEqualTo(2 * keyspaceCount * perWriter);
			for (PostgresKeyspace keyspace : keyspaces) {
				List<Long> log = batchLog(database, keyspace);
				assertThat(log).as("gapless, each once").isEqualTo(
						java.util.stream.LongStream.rangeClosed(1, 2L * perWriter).boxed().toList());
			}
			System.out.println("JoinedCommitTest race: joined calls "
					+ Arrays.asList(committers.get(0).joinedCalls(),
					committers.get(1).joinedCalls()) + ", batches in them " + Arrays.asList(
							committers.get(0).joinedBatches(), committers.get(1).joinedBatches()) + ", direct "
					+ Arrays.asList(committers.get(0).directBatches(), committers.get(1).directBatches()));
		}
		finally {
			threads.shutdownNow();
			committers.forEach(JoinedCommitter::close);
		}
	}

}
