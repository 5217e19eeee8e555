package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static io.levelmutex.postgres.ContendedKeyspaces.asyncSequence;
import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static io.levelmutex.postgres.ContendedKeyspaces.value;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A keyspace lock held by this node's OWN tombstone clean-up is not another writer: the commit that met it does
 * not start a released run ({@link CommitRoute}), so the node's next commits stay on the one-write statement
 * (before: every clean-up that a C=1 put met sent the next {@link CommitRoute#RELEASED_RUN} commits through the
 * two-transaction procedure). A lock held by anything else (another node's commit) still starts the run,
 * and so does a gap in the sequence (another node committed) even while the node's own clean-up ran.
 */
class OwnCleanUpRouteTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	@Test
	void afterTheNodesOwnCleanUpHeldTheLockTheNextCommitsStayOnTheOneWriteStatement() throws Exception {
		PGSimpleDataSource database = newDatabase();
		CountingDataSource counting = new CountingDataSource(database);
		TestNode node = TestNode.open(counting, fastSettings().withTombstoneRetention(1), true);
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v1"), route);
		node.commit(ks, put("k", "v2"), route);
		assertThat(route.released()).isFalse();
		Committed third;
		try (Connection blocker = database.getConnection()) {
			// A test session locks the batch-log row of sequence 1: the clean-up (horizon 1) waits for it while
			// it holds the keyspace's lock, the next commit waits for the clean-up.
			lockRow(blocker, "SELECT seq FROM " + prefix + "batch WHERE keyspace_id = ? AND seq = 1 FOR UPDATE", ks);
			CompletableFuture<Integer> cleaning = CompletableFuture.supplyAsync(() -> node.cleanUp(ks, 100));
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> lockWaits(database) == 1);
			CompletableFuture<Committed> committing = CompletableFuture
				.supplyAsync(() -> node.commit(ks, put("k", "v3"), route));
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> lockWaits(database) == 2);
			assertThat(committing).isNotDone();
			blocker.commit();
			cleaning.get(WAIT_SECONDS, TimeUnit.SECONDS);
			third = committing.get(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		assertThat(third.sequence()).isEqualTo(3);
		assertThat(asyncSequence(ks)).as("it met the lock held: the commit function, without its flush")
			.isEqualTo(3);
		assertThat(route.released()).as("the lock met was this node's own clean-up's: no released run").isFalse();
		int statements = counting.executions.get();

		for (int i = 4; i < 4 + CommitRoute.RELEASED_RUN; i++) {
			assertThat(node.commit(ks, put("k", "v" + i), route).sequence()).isEqualTo(i);
		}

		assertThat(counting.executions.get() - statements).as("one statement per commit")
			.isEqualTo(CommitRoute.RELEASED_RUN);
		assertThat(asyncSequence(ks)).as("none through the procedure (it would mark its sequence)").isEqualTo(3);
		assertThat(value(ks, "k")).isEqualTo("v" + (3 + CommitRoute.RELEASED_RUN));
	}

	@Test
	void aHeldLockAfterAnotherNodesCommitStartsTheRunEvenWhileTheOwnCleanUpRan() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = TestNode.open(database, fastSettings().withTombstoneRetention(1), true);
		TestNode other = TestNode.open(database, fastSettings(), false);
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v1"), route);
		node.commit(ks, put("k", "v2"), route);
		assertThat(other.commit(other.keyspace("ks"), put("o", "x"), new CommitRoute()).sequence()).isEqualTo(3);
		Committed fourth;
		try (Connection blocker = database.getConnection()) {
			lockRow(blocker, "SELECT seq FROM " + prefix + "batch WHERE keyspace_id = ? AND seq = 1 FOR UPDATE", ks);
			CompletableFuture<Integer> cleaning = CompletableFuture.supplyAsync(() -> node.cleanUp(ks, 100));
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> lockWaits(database) == 1);
			CompletableFuture<Committed> committing = CompletableFuture
				.supplyAsync(() -> node.commit(ks, put("k", "v3"), route));
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> lockWaits(database) == 2);
			blocker.commit();
			cleaning.get(WAIT_SECONDS, TimeUnit.SECONDS);
			fourth = committing.get(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		assertThat(fourth.sequence()).isEqualTo(4);
		assertThat(asyncSequence(ks)).as("it met the lock held").isEqualTo(4);
		assertThat(route.released()).as("sequence 3 was another node's: another writer, whatever else ran")
			.isTrue();
	}

	@Test
	void theRouteExcusesAHeldLockOnlyWhenTheOwnCleanUpRanAndNoOtherNodeCommittedSince() {
		CommitRoute route = new CommitRoute(true, false);
		route.replied(false, true, 1024, true);
		route.replied(false, false, 1025, true, true);
		assertThat(route.released()).as("met the own clean-up's lock, right after this node's commit").isFalse();
		route.replied(false, false, 1026, true, false);
		assertThat(route.released()).as("a held lock with no own clean-up running: another writer").isTrue();

		CommitRoute gap = new CommitRoute(true, false);
		gap.replied(false, true, 1024, false);
		gap.replied(false, false, 1026, false, true);
		assertThat(gap.released()).as("an update batch after another node's commit (1025)").isTrue();

		CommitRoute unknown = new CommitRoute(true, false);
		unknown.replied(false, false, 7, true, true);
		assertThat(unknown.released()).as("no previous sequence known: not shown to follow it").isTrue();

		CommitRoute before = new CommitRoute(true, true);
		before.replied(false, true, 1024, true);
		before.replied(false, false, 1025, true, true);
		assertThat(before.released()).as("-D" + CommitRoute.OWN_CLEAN_UP_STARTS_RUN_PROPERTY + "=true: as before")
			.isTrue();
	}

	@Test
	void bothFormsOfTheCleanUpRemoveTheSameAndTheOneStatementLeavesItsSessionSynchronous() throws Exception {
		PGSimpleDataSource database = newDatabase();
		PostgresSettings settings = fastSettings().withTombstoneRetention(2);
		TestNode node = TestNode.open(database, settings, true);
		PostgresSql sql = new PostgresSql(settings.tablePrefix(), settings.channel());
		try (Connection physical = database.getConnection()) {
			// Every clean-up of the cleaners below runs on this one session, as on a pooled connection.
			Connections one = new Connections(new ForwardingDataSource(database) {
				@Override
				public Connection getConnection() {
					return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
							new Class<?>[] { Connection.class }, (proxy, method, args) -> {
								if (method.getName().equals("close")) {
									return null;
								}
								try {
									return method.invoke(physical, args);
								}
								catch (InvocationTargetException ex) {
									throw ex.getCause();
								}
							});
				}
			}, settings.connectWait());
			for (boolean oneStatement : new boolean[] { false, true }) {
				PostgresKeyspace ks = node.keyspace("ks-" + oneStatement);
				TombstoneCleaner cleaner = new TombstoneCleaner(one, settings, sql, new OwnCleanUps(), oneStatement);
				node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")),
						TestBatch.put(bytes("b"), bytes("1")), TestBatch.put(bytes("c"), bytes("1"))))); // 1
				node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("a"))))); // 2
				node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("b"))))); // 3
				node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("2"))))); // 4: a again
				node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("c"))))); // 5
				String form = oneStatement ? "one statement" : "three statements";
				int first = cleaner.cleanUp(ks, 1); // horizon 3: one of the tombstone rows of 2 and 3
				assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "tombstone WHERE keyspace_id = "
						+ ks.id())).as(form + ": bounded to one row per call").isEqualTo(2);
				assertThat(first + cleaner.cleanUp(ks, 100)).as(form + ": b's tombstone (a was written again)")
					.isEqualTo(1);
				assertThat(cleaner.cleanUp(ks, 100)).isZero();
				assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "entry WHERE keyspace_id = "
						+ ks.id() + " AND value IS NULL")).as(form + ": c's tombstone (5) is kept").isEqualTo(1);
				assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "tombstone WHERE keyspace_id = "
						+ ks.id())).as(form + ": the tombstone rows of 2 and 3 gone").isEqualTo(1);
				assertThat(queryLong(database, "SELECT horizon FROM " + prefix + "keyspace WHERE id = " + ks.id()))
					.isEqualTo(3);
				assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "batch WHERE keyspace_id = "
						+ ks.id())).as(form + ": batch-log rows above the horizon").isEqualTo(2);
				assertThat(value(ks, "a")).isEqualTo("2");
				try (Statement show = physical.createStatement();
						ResultSet rows = show.executeQuery("SHOW synchronous_commit")) {
					rows.next();
					assertThat(rows.getString(1)).as(form + ": the session commits synchronously after it")
						.isEqualTo("on");
				}
			}
		}
	}

	/**
	 * The one-statement clean-up reads its snapshot before it waits for the keyspace's lock: a commit that writes a
	 * tombstoned key again and commits while the clean-up waits is not in that snapshot. The clean-up must still keep
	 * the key's new value (its delete re-checks the entry row's newest version: value NULL and the tombstone's
	 * sequence). The commit here is the test's own session doing what a commit of a put does to the rows under the
	 * keyspace's lock (the entry's value and sequence, the keyspace's sequence), so that it can hold the lock while the
	 * clean-up's statement starts. Both forms.
	 */
	@Test
	void aKeyWrittenAgainWhileTheCleanUpWaitsForTheLockKeepsItsValue() throws Exception {
		PGSimpleDataSource database = newDatabase();
		PostgresSettings settings = fastSettings().withTombstoneRetention(1);
		TestNode node = TestNode.open(database, settings, true);
		PostgresSql sql = new PostgresSql(settings.tablePrefix(), settings.channel());
		Connections connections = new Connections(database, settings.connectWait());
		for (boolean oneStatement : new boolean[] { true, false }) {
			String form = oneStatement ? "one statement" : "three statements";
			PostgresKeyspace ks = node.keyspace("race-" + oneStatement);
			TombstoneCleaner cleaner = new TombstoneCleaner(connections, settings, sql, new OwnCleanUps(), oneStatement);
			node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")),
					TestBatch.put(bytes("b"), bytes("1"))))); // 1
			node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("a")), TestBatch.del(bytes("b"))))); // 2
			node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("p"), bytes("1"))))); // 3
			node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("q"), bytes("1"))))); // 4: horizon 3 covers 2
			int deleted;
			try (Connection writer = database.getConnection()) {
				lockRow(writer, "SELECT seq FROM " + prefix + "keyspace WHERE id = ? FOR UPDATE", ks);
				CompletableFuture<Integer> cleaning = CompletableFuture.supplyAsync(() -> cleaner.cleanUp(ks, 100));
				await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> lockWaits(database) == 1);
				try (PreparedStatement again = writer.prepareStatement("UPDATE " + prefix
						+ "entry SET value = ?, seq = 5 WHERE keyspace_id = ? AND key = ?");
						PreparedStatement sequence = writer.prepareStatement(
								"UPDATE " + prefix + "keyspace SET seq = 5 WHERE id = ?")) {
					again.setBytes(1, bytes("back"));
					again.setInt(2, ks.id());
					again.setBytes(3, bytes("a"));
					assertThat(again.executeUpdate()).isEqualTo(1);
					sequence.setInt(1, ks.id());
					sequence.executeUpdate();
				}
				writer.commit();
				deleted = cleaning.get(WAIT_SECONDS, TimeUnit.SECONDS);
			}
			assertThat(value(ks, "a")).as(form + ": written again while the clean-up waited").isEqualTo("back");
			assertThat(deleted).as(form + ": only b's tombstone").isEqualTo(1);
			assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "entry WHERE keyspace_id = " + ks.id()
					+ " AND key = '\\x62'::bytea")).as(form + ": b's tombstone gone").isZero();
		}
	}

	/**
	 * Opens a transaction on {@code session} that holds the row lock {@code selectForUpdate} takes (its one parameter:
	 * the keyspace's id) until the caller commits it.
	 */
	private static void lockRow(Connection session, String selectForUpdate, PostgresKeyspace ks) throws Exception {
		session.setAutoCommit(false);
		try (PreparedStatement lock = session.prepareStatement(selectForUpdate)) {
			lock.setInt(1, ks.id());
			lock.executeQuery().close();
		}
	}

	/** Sessions of the test's database waiting for a lock. */
	private static long lockWaits(PGSimpleDataSource database) throws Exception {
		return queryLong(database, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
				+ "AND wait_event_type = 'Lock'");
	}

}
