package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.levelmutex.postgres.ContendedKeyspaces.asyncSequence;
import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static io.levelmutex.postgres.ContendedKeyspaces.value;
import static io.levelmutex.postgres.ContendedKeyspaces.whileLockHeld;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import io.levelmutex.StorageException;

/**
 * Released commits: once a keyspace's commit met its lock held, or a blind batch's sequence showed another writer's
 * commit since this node's previous one (a gap: while other nodes commit, every commit stays released), the next
 * {@link CommitRoute#RELEASED_RUN} commits
 * go through the schema's procedure, which commits the batch without waiting for its WAL flush (the keyspace's lock
 * is released at that COMMIT, before the flush) and makes it durable in a second transaction, all in ONE statement;
 * then one commit goes through the function again. A failure of the procedure that may have come after its COMMIT
 * is resolved through the batch log; one that came before it fails the batch as any failed call.
 */
class ReleasedCommitTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	@Test
	void theRouteTakesTheProcedureForItsRunAfterAContendedReplyThenTriesTheFunctionAgain() {
		CommitRoute route = new CommitRoute(true);
		assertThat(route.released()).as("a new keyspace: the function").isFalse();
		route.replied(false, true, 1, true);
		assertThat(route.released()).as("uncontended").isFalse();
		route.replied(false, false, 2, true);
		long sequence = 2;
		for (int i = 0; i < CommitRoute.RELEASED_RUN; i++) {
			assertThat(route.released()).as("released commit " + i).isTrue();
			route.replied(true, true, ++sequence, true); // no other writer's commit in between
		}
		assertThat(route.released()).as("after the run: the function again").isFalse();
		route.replied(false, false, ++sequence, true);
		assertThat(route.released()).as("still contended: another run").isTrue();
	}

	@Test
	void whileAnotherWriterCommitsBetweenThisNodesCommitsEveryCommitGoesThroughTheProcedure() {
		// Failed first with the rule before it (new CommitRoute(false)): the function again after every run.
		CommitRoute route = new CommitRoute(true);
		route.replied(false, false, 1, true);
		long sequence = 1;
		for (int i = 0; i < 3 * CommitRoute.RELEASED_RUN; i++) {
			assertThat(route.released()).as("released commit " + i + " (another writer's commit before each)")
				.isTrue();
			sequence += 2;
			route.replied(true, true, sequence, true);
		}
		for (int i = 0; i < CommitRoute.RELEASED_RUN; i++) {
			assertThat(route.released()).as("released commit " + i + " of the last run").isTrue();
			route.replied(true, true, ++sequence, true);
		}
		assertThat(route.released()).as("a run without another writer: the function again").isFalse();
	}

	@Test
	void aCommitThatFoundTheLockFreeButFollowsAnotherWritersCommitStartsARun() {
		CommitRoute route = new CommitRoute(true);
		route.replied(false, true, 7, true);
		assertThat(route.released()).isFalse();
		route.replied(false, true, 9, true);
		assertThat(route.released()).as("sequence 8 was another writer's").isTrue();
		CommitRoute old = new CommitRoute(false);
		old.replied(false, true, 7, true);
		old.replied(false, true, 9, true);
		assertThat(old.released()).as("the gap rule off: only a held lock starts a run").isFalse();
	}

	@Test
	void aGapBeforeABatchWithUpdatesDoesNotStartARun() {
		CommitRoute route = new CommitRoute(true);
		route.replied(false, true, 7, false);
		route.replied(false, true, 9, false);
		assertThat(route.released()).as("updates: only a held lock starts a run").isFalse();
		route.replied(false, true, 11, true);
		assertThat(route.released()).as("a blind batch after another writer's commit").isTrue();
		route.replied(true, true, 13, false);
		assertThat(route.released()).as("the run goes on").isTrue();
	}

	@Test
	void aOneWriteCommitAndANothingCommittedReplyDoNotCountAsAnotherWriter() {
		CommitRoute route = new CommitRoute(true);
		route.replied(false, true, 4, true);
		route.committedAt(5); // the one-write statement, this node's own
		route.replied(false, true, 6, true);
		assertThat(route.released()).as("4, 5, 6: all this node's").isFalse();
		route.replied(false, true, -1, true); // nothing committed: what came before is not known
		route.replied(false, true, 9, true);
		assertThat(route.released()).as("no gap measured from an unknown sequence").isFalse();
	}

	@Test
	void aNodeWhoseCommitsAnotherNodesCommitsInterleaveReleasesTheLockBeforeItsFlush() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode a = TestNode.open(database, fastSettings(), true);
		TestNode b = TestNode.open(database, fastSettings(), false);
		PostgresKeyspace ks = a.keyspace("ks");
		CommitRoute route = new CommitRoute(true);
		assertThat(a.commit(ks, twoPuts("a", "1"), route).sequence()).isEqualTo(1);
		assertThat(b.commit(b.keyspace("ks"), twoPuts("b", "1"), new CommitRoute(true)).sequence()).isEqualTo(2);
		assertThat(route.released()).as("nothing seen yet of node b").isFalse();
		assertThat(a.commit(ks, twoPuts("a", "2"), route).sequence()).isEqualTo(3);
		assertThat(route.released()).as("sequence 2 was node b's: another writer").isTrue();

		Committed committed = a.commit(ks, twoPuts("a", "3"), route);

		assertThat(committed.sequence()).isEqualTo(4);
		assertThat(asyncSequence(ks)).as("committed by the procedure, before its flush: marked for readers")
			.isEqualTo(4);
		assertThat(a.durable().durable(ks.id())).as("durable before the reply").isEqualTo(4);
		assertThat(value(ks, "a0")).isEqualTo("3");
	}

	private static TestBatch twoPuts(String prefix, String value) {
		return TestBatch.of(List.of(TestBatch.put(bytes(prefix + "0"), bytes(value)),
				TestBatch.put(bytes(prefix + "1"), bytes(value))));
	}

	@Test
	void afterAContendedCommitTheNextCommitIsOneStatementThatReleasedTheLockBeforeItsFlush() throws Exception {
		CountingDataSource counting = new CountingDataSource(newDatabase());
		TestNode node = TestNode.open(counting, fastSettings(), true);
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v1"), route);
		assertThat(route.released()).isFalse();
		whileLockHeld(ks, () -> node.commit(ks, put("k", "v2"), route));
		assertThat(route.released()).as("the function met the lock held").isTrue();
		int statements = counting.executions.get();
		long flushes = node.durable().flushes();

		Committed committed = node.commit(ks, put("k", "v3"), route);

		assertThat(committed.committed()).isTrue();
		assertThat(committed.sequence()).isEqualTo(3);
		assertThat(counting.executions.get() - statements).as("statements of the released commit").isEqualTo(1);
		assertThat(node.durable().flushes() - flushes).as("no flush statement of its own: the procedure flushed")
			.isZero();
		assertThat(node.durable().durable(ks.id())).isEqualTo(3);
		assertThat(asyncSequence(ks)).as("committed before its flush: marked for readers")
			.isEqualTo(3);
		assertThat(value(ks, "k")).isEqualTo("v3");
	}

	@Test
	void aReleasedCommitIsVisibleAndItsKeyspaceLockFreeWhileItsStatementStillWaitsForTheFlush() throws Exception {
		// Every synchronous flush of this database waits 100 ms first (commit_delay): the window to look into.
		PGSimpleDataSource database = ownDatabase();
		execute(database, "ALTER DATABASE " + database.getDatabaseName()
				+ " SET commit_delay = 100000");
		execute(database, "ALTER DATABASE " + database.getDatabaseName() + " SET commit_siblings = 0");
		TestNode node = TestNode.open(database, fastSettings(), true);
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v0"), route);
		route.replied(false, false, -1, true); // as after a contended commit: the next ones are released
		boolean seen = false;
		try (Connection watcher = database.getConnection(); Connection locker = database.getConnection()) {
			locker.setAutoCommit(false);
			for (int attempt = 1; attempt <= 20 && !seen; attempt++) {
				long sequence = attempt + 1;
				CompletableFuture<Committed> commit = CompletableFuture
					.supplyAsync(() -> node.commit(ks, put("k", "v" + sequence), route));
				while (!commit.isDone() && !seen) {
					// committed (visible), then the lock free, then its statement still running: the lock was
					// released before the statement's flush
					seen = committedWhileCalling(watcher, ks, sequence) && lockIsFree(locker, ks)
							&& committedWhileCalling(watcher, ks, sequence);
				}
				assertThat(commit.get(WAIT_SECONDS, TimeUnit.SECONDS).sequence()).isEqualTo(sequence);
			}
		}
		assertThat(seen).as("a released commit seen committed, its lock free, before its statement replied").isTrue();
	}

	/** Whether the batch of {@code sequence} is committed while a released-commit statement still runs. */
	private static boolean committedWhileCalling(Connection watcher, PostgresKeyspace ks, long sequence)
			throws SQLException {
		try (PreparedStatement statement = watcher.prepareStatement("SELECT k.seq, (SELECT count(*) FROM "
				+ "pg_stat_activity WHERE datname = current_database() AND state = 'active' "
				+ "AND query LIKE 'CALL %commit_released%') FROM " + prefix + "keyspace k WHERE k.id = ?")) {
			statement.setInt(1, ks.id());
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1) == sequence && rows.getLong(2) == 1;
			}
		}
	}

	@Test
	void aRejectedUpdateThroughTheProcedureAppliesTheWritesBeforeItAndNothingAfter() throws Exception {
		TestNode node = TestNode.open(newDatabase(), fastSettings(), true);
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("a", "1"), route);
		node.commit(ks, put("a", "2"), route); // sequence 2: after the update's snapshot
		route.replied(false, false, -1, true);
		TestBatch batch = TestBatch.of(
				List.of(TestBatch.put(bytes("b"), bytes("before")), TestBatch.put(bytes("a"), bytes("stale")),
						TestBatch.put(bytes("c"), bytes("after"))),
				List.of(new TestBatch.Unit(1, 1, List.of(bytes("a")), List.of(), List.of(bytes("a")))));

		Committed committed = node.commit(ks, batch, route);

		assertThat(committed.sequence()).isEqualTo(3);
		assertThat(committed.appliedOps()).isEqualTo(1);
		assertThat(committed.rejected()).isNotNull();
		assertThat(committed.rejected().unit()).isZero();
		assertThat(committed.rejected().reason()).isIn(RejectionReason.KEY_READ, RejectionReason.KEY_WRITTEN);
		assertThat(value(ks, "b")).isEqualTo("before");
		assertThat(value(ks, "a")).isEqualTo("2");
		assertThat(queryLong(newDatabase(), "SELECT count(*) FROM " + prefix + "entry WHERE key = '\\x63'::bytea"))
			.as("nothing after the rejected update").isZero();

		TestBatch alone = TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("stale"))),
				List.of(new TestBatch.Unit(0, 1, List.of(bytes("a")), List.of(), List.of(bytes("a")))));
		Committed nothing = node.commit(ks, alone, route);
		assertThat(nothing.committed()).as("nothing applied: the procedure's transaction rolled back").isFalse();
		assertThat(nothing.rejected().reason()).isIn(RejectionReason.KEY_READ, RejectionReason.KEY_WRITTEN);
		assertThat(sequence(newDatabase(), ks)).as("no sequence taken").isEqualTo(3);
	}

	@Test
	void aFailureReportedAfterTheProceduresCommitIsResolvedThroughTheBatchLogAsCommittedAndDurable() throws Exception {
		AtomicBoolean failAfter = new AtomicBoolean();
		TestNode node = TestNode.open(newDatabase(), fastSettings(), true, (connection, call) -> {
			ResultSet rows = call.executeQuery();
			if (failAfter.get()) {
				rows.close();
				throw new PSQLException("simulated error after the COMMIT", PSQLState.UNEXPECTED_ERROR);
			}
			return rows;
		});
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v1"), route);
		route.replied(false, false, -1, true);
		failAfter.set(true);
		long flushes = node.durable().flushes();

		Committed committed = node.commit(ks, put("k", "v2"), route);

		assertThat(committed.committed()).isTrue();
		assertThat(committed.sequence()).isEqualTo(2);
		assertThat(node.durable().flushes() - flushes).as("flushed after the batch-log lookup").isEqualTo(1);
		assertThat(node.durable().durable(ks.id())).isEqualTo(2);
		assertThat(value(ks, "k")).isEqualTo("v2");
	}

	@Test
	void aFailureBeforeTheProcedureRanFailsTheBatchAsNotAppliedAfterTheBatchLogShowsItMissing() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		AtomicBoolean failBefore = new AtomicBoolean();
		TestNode node = TestNode.open(newDatabase(), fastSettings(), true, (connection, call) -> {
			calls.incrementAndGet();
			if (failBefore.get()) {
				throw new PSQLException("simulated error before the call", PSQLState.DATA_ERROR);
			}
			return call.executeQuery();
		});
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v1"), route);
		route.replied(false, false, -1, true);
		failBefore.set(true);
		int before = calls.get();

		assertThatThrownBy(() -> node.commit(ks, put("k", "v2"), route)).isInstanceOf(StorageException.class)
			.hasMessageContaining("was not applied")
			.hasMessageContaining("simulated error before the call");

		assertThat(calls.get() - before).as("not retried: not a transient failure").isEqualTo(1);
		assertThat(sequence(newDatabase(), ks)).isEqualTo(1);
		assertThat(value(ks, "k")).isEqualTo("v1");
	}

	/** Whether the keyspace's row lock can be taken at once (taken and released on {@code locker}). */
	private static boolean lockIsFree(Connection locker, PostgresKeyspace ks) throws SQLException {
		try (PreparedStatement lock = locker.prepareStatement(
				"SELECT seq FROM " + prefix + "keyspace WHERE id = ? FOR NO KEY UPDATE SKIP LOCKED")) {
			lock.setInt(1, ks.id());
			try (ResultSet rows = lock.executeQuery()) {
				return rows.next();
			}
		}
		finally {
			locker.rollback();
		}
	}

	private static long sequence(PGSimpleDataSource database, PostgresKeyspace ks) throws SQLException {
		return queryLong(database, "SELECT seq FROM " + prefix + "keyspace WHERE id = " + ks.id());
	}

}
