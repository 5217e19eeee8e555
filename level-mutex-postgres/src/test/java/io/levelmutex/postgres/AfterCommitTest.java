package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The work after a commit, off the commit's path: hints merged while the worker is busy become one hint with the
 * highest sequence, hints that cannot be sent are dropped, and either way another node's listener delivers every
 * sequence exactly once (it polls); the tombstone clean-up runs on the worker; close() stops a worker blocked on
 * its connection.
 */
class AfterCommitTest extends ClusterTestSupport {

	private static final Duration EVENTUALLY = Duration.ofSeconds(60);

	@Test
	void whenCommitsArriveWhileAHintIsInFlightThenTheyMergeIntoOneHintAndTheListenerStillGetsEverySequence()
			throws Exception {
		PGSimpleDataSource database = ownDatabase();
		TestNode committing = open(database);
		TestNode watching = open(database);
		PostgresKeyspace ks = committing.keyspace("hinted");
		GatedDataSource gated = new GatedDataSource(database);
		// The worker waits for the gated connection as long as the test needs (not the tests' 2 s connectWait).
		AfterCommit afterCommit = afterCommit(gated, fastSettings().withWaits(Duration.ofSeconds(120),
				Duration.ofSeconds(2)));
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection raw = database.getConnection(); RemoteChangeListener listener = watching.listen(changes::add)) {
			listen(raw);
			listener.watch(ks, 0);
			commit(committing, afterCommit, ks, 1);
			await().atMost(EVENTUALLY).until(() -> gated.waiting.get() == 1);
			for (int i = 2; i <= 20; i++) {
				commit(committing, afterCommit, ks, i);
			}
			gated.open.countDown();
			List<String> payloads = new ArrayList<>();
			while (!payloads.contains(ks.id() + ":20")) {
				PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
				assertThat(notifications).as("hints so far: " + payloads).isNotEmpty();
				for (PGNotification notification : notifications) {
					payloads.add(hintOfThisTest(notification.getParameter()));
				}
			}
			assertThat(payloads).as("the hint in flight, then one for the 19 merged commits")
				.containsExactly(ks.id() + ":1", ks.id() + ":20");
			// The worker counts a statement once its reply arrived, after the listener saw the hint.
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 2);
			await().atMost(EVENTUALLY).until(() -> RemoteChangeTest.sequences(changes).size() == 20);
			assertThat(RemoteChangeTest.sequences(changes)).containsExactlyElementsOf(LongStream.rangeClosed(1, 20)
				.boxed().toList());
		}
		finally {
			afterCommit.close();
		}
	}

	@Test
	void commitsWithinTheHintSpacingAfterAHintJoinOneHintStatement() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		TestNode committing = open(database);
		PostgresKeyspace ks = committing.keyspace("spaced");
		PostgresSettings settings = fastSettings();
		Connections connections = new Connections(database, settings.connectWait());
		PostgresSql sql = new PostgresSql(settings.tablePrefix());
		AtomicLong clock = new AtomicLong();
		// The clock stands still: after the first hint, nothing but moving it lets the next one go.
		AfterCommit afterCommit = new AfterCommit(connections, settings, sql,
				new TombstoneCleaner(connections, settings, sql), () -> true, Duration.ofMillis(20), clock::get);
		afterCommit.start();
		try (Connection raw = database.getConnection()) {
			listen(raw);
			commit(committing, afterCommit, ks, 1);
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 1);
			for (int i = 2; i <= 10; i++) {
				commit(committing, afterCommit, ks, i);
			}
			assertThat(afterCommit.hintStatements()).as("held while the spacing has not passed").isEqualTo(1);
			clock.addAndGet(Duration.ofMillis(20).toNanos());
			List<String> payloads = new ArrayList<>();
			while (!payloads.contains(ks.id() + ":10")) {
				PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
				assertThat(notifications).as("hints so far: " + payloads).isNotEmpty();
				for (PGNotification notification : notifications) {
					payloads.add(hintOfThisTest(notification.getParameter()));
				}
			}
			assertThat(payloads).as("the first commit's hint, then one for the nine within the spacing")
				.containsExactly(ks.id() + ":1", ks.id() + ":10");
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 2);
		}
		finally {
			afterCommit.close();
		}
	}

	@Test
	void aHintCoveredByAHeardHintOfALaterSequenceIsNotSentAndOthersAre() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		TestNode committing = open(database);
		PostgresKeyspace covered = committing.keyspace("covered");
		PostgresKeyspace uncovered = committing.keyspace("uncovered");
		PostgresSettings settings = fastSettings();
		Connections connections = new Connections(database, settings.connectWait());
		PostgresSql sql = new PostgresSql(settings.tablePrefix());
		AtomicLong clock = new AtomicLong();
		// Another node's hint of sequence 5 of "covered" was heard (its commit came after ours: every listener
		// catches up after hearing it); of "uncovered" only sequence 1, our own commit's.
		AtomicLong heardCovered = new AtomicLong(5);
		AfterCommit afterCommit = new AfterCommit(connections, settings, sql,
				new TombstoneCleaner(connections, settings, sql), () -> true,
				(id) -> (id == covered.id()) ? heardCovered.get() : (id == uncovered.id()) ? 1 : 0,
				Duration.ofMillis(20), clock::get);
		try (Connection raw = database.getConnection()) {
			listen(raw);
			// both recorded before the worker starts: its first statement decides on both
			commit(committing, afterCommit, covered, 1);
			commit(committing, afterCommit, uncovered, 1);
			afterCommit.start();
			List<String> payloads = new ArrayList<>();
			while (!payloads.contains(uncovered.id() + ":1")) {
				PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
				assertThat(notifications).as("hints so far: " + payloads).isNotEmpty();
				for (PGNotification notification : notifications) {
					payloads.add(hintOfThisTest(notification.getParameter()));
				}
			}
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 1);
			// sequence 1 of "covered" is below the heard 5, sequence 1 of "uncovered" is not below the heard 1
			assertThat(payloads).as("only the uncovered keyspace's hint").containsExactly(uncovered.id() + ":1");
			assertThat(afterCommit.hintsCovered()).isEqualTo(1);
			// the same sequence as heard is not covered (it may be this node's own hint of it)
			heardCovered.set(2);
			clock.addAndGet(Duration.ofMillis(20).toNanos());
			commit(committing, afterCommit, covered, 2);
			while (!payloads.contains(covered.id() + ":2")) {
				PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
				assertThat(notifications).as("hints so far: " + payloads).isNotEmpty();
				for (PGNotification notification : notifications) {
					payloads.add(hintOfThisTest(notification.getParameter()));
				}
			}
			assertThat(payloads).containsExactly(uncovered.id() + ":1", covered.id() + ":2");
			assertThat(afterCommit.hintsCovered()).isEqualTo(1);
		}
		finally {
			afterCommit.close();
		}
	}

	@Test
	void whenHintsCannotBeSentThenTheyAreDroppedAndPollingDeliversEverySequenceOnce() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		TestNode committing = open(database);
		TestNode watching = open(database);
		PostgresKeyspace ks = committing.keyspace("unhinted");
		GatedDataSource refusing = new GatedDataSource(database);
		refusing.refuse = true;
		AfterCommit afterCommit = afterCommit(refusing, fastSettings());
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection raw = database.getConnection(); RemoteChangeListener listener = watching.listen(changes::add)) {
			listen(raw);
			listener.watch(ks, 0);
			for (int i = 1; i <= 5; i++) {
				commit(committing, afterCommit, ks, i);
			}
			await().atMost(EVENTUALLY).until(() -> RemoteChangeTest.sequences(changes).size() == 5);
			assertThat(RemoteChangeTest.sequences(changes)).containsExactly(1L, 2L, 3L, 4L, 5L);
			await().atMost(EVENTUALLY).until(() -> refusing.refused.get() > 0);
			assertThat(afterCommit.hintStatements()).isZero();
			assertThat(raw.unwrap(PGConnection.class).getNotifications(1)).as("no hint was sent").isNullOrEmpty();
		}
		finally {
			afterCommit.close();
		}
	}

	@Test
	void whenACommitReachesAMultipleOfTheCleanUpIntervalThenTheWorkerCleansUpTheKeyspace() throws Exception {
		PGSimpleDataSource database = newDatabase();
		PostgresSettings settings = fastSettings().withTombstoneRetention(1);
		TestNode node = TestNode.open(database, settings, true);
		PostgresKeyspace ks = node.keyspace("cleaned");
		AfterCommit afterCommit = afterCommit(database, settings);
		try {
			node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")))));
			node.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("a")))));
			node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("b"), bytes("2")))));
			String tombstones = "SELECT count(*) FROM " + prefix + "entry WHERE value IS NULL";
			assertThat(queryLong(database, tombstones)).isEqualTo(1);
			afterCommit.committed(ks, 3);
			afterCommit.committed(ks, AfterCommit.CLEAN_UP_EVERY);
			await().atMost(EVENTUALLY).until(() -> queryLong(database, tombstones) == 0);
			assertThat(queryLong(database, "SELECT horizon FROM " + prefix + "keyspace WHERE id = " + ks.id()))
				.isEqualTo(2);
		}
		finally {
			afterCommit.close();
		}
	}

	@Test
	void whenClosedWhileWaitingForAConnectionThenTheWorkerStopsAndLaterCommitsAreIgnored() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace ks = node.keyspace("closing");
		GatedDataSource gated = new GatedDataSource(database);
		AfterCommit afterCommit = afterCommit(gated, fastSettings().withWaits(Duration.ofSeconds(60), Duration.ofSeconds(2)));
		commit(node, afterCommit, ks, 1);
		await().atMost(EVENTUALLY).until(() -> gated.waiting.get() == 1);
		afterCommit.close();
		afterCommit.committed(ks, 2);
		gated.open.countDown();
		assertThat(afterCommit.hintStatements()).as("the worker ended without sending the dropped hints").isZero();
	}

	private static AfterCommit afterCommit(DataSource dataSource, PostgresSettings settings) {
		Connections connections = new Connections(dataSource, settings.connectWait());
		PostgresSql sql = new PostgresSql(settings.tablePrefix());
		AfterCommit afterCommit = new AfterCommit(connections, settings, sql,
				new TombstoneCleaner(connections, settings, sql));
		afterCommit.start();
		return afterCommit;
	}

	/** A commit as a keyspace storage makes it: the batch, then its sequence handed to the worker. */
	private static void commit(TestNode node, AfterCommit afterCommit, PostgresKeyspace ks, long expected) {
		Committed result = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v" + expected)))));
		assertThat(result.sequence()).isEqualTo(expected);
		afterCommit.committed(ks, result.sequence());
	}

	private static void listen(Connection raw) throws SQLException {
		try (Statement statement = raw.createStatement()) {
			statement.execute("LISTEN level_mutex");
		}
	}

	/** Hands out connections only once opened (or refuses them), counting who waits. */
	static final class GatedDataSource extends ForwardingDataSource {

		final CountDownLatch open = new CountDownLatch(1);

		final AtomicInteger waiting = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final AtomicInteger connections = new AtomicInteger();

		/** Set by the test before use. */
		volatile boolean refuse;

		GatedDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.refuse) {
				this.refused.incrementAndGet();
				throw new SQLException("simulated: connection refused", "08001");
			}
			this.waiting.incrementAndGet();
			try {
				this.open.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("simulated: interrupted while waiting for a connection", "08001");
			}
			this.connections.incrementAndGet();
			return this.target.getConnection();
		}

	}

}
