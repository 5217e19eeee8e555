package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static io.levelmutex.postgres.ContendedKeyspaces.asyncSequence;
import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static io.levelmutex.postgres.ContendedKeyspaces.value;
import static io.levelmutex.postgres.ContendedKeyspaces.whileLockHeld;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

/**
 * Contention-adaptive commits: a commit that finds its keyspace's lock free commits synchronously in one statement,
 * holding the lock through its WAL flush; one that meets the lock held (here by a test session, released once the
 * commit waits on it) commits without waiting for the flush, so the lock is free at its COMMIT, and makes the batch
 * durable with exactly one more statement before it returns. A lost connection during that statement is resolved
 * through the batch log. Another node that reads or snapshots such a batch runs one flush before it hands anything
 * out, and none when the last batch it saw was committed synchronously or is known durable; a node told of it
 * delivers it once the server's WAL flush position has passed it (normally by its writer's flush, without a flush
 * of its own).
 */
class ContendedCommitTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	/** The flush step of a contended commit, as a test replaces it (the commit call itself runs as usual). */
	interface FlushStep {

		void flush(Connection connection, DurableSequences durable) throws SQLException;

	}

	/** A commit step that calls the commit statement as usual and flushes through {@code flush}. */
	private static BatchCommitter.CommitStep flushing(FlushStep flush) {
		return new BatchCommitter.CommitStep() {

			@Override
			public ResultSet call(Connection connection, PreparedStatement call) throws SQLException {
				return BatchCommitter.CommitStep.DEFAULT.call(connection, call);
			}

			@Override
			public void flush(Connection connection, DurableSequences durable) throws SQLException {
				flush.flush(connection, durable);
			}

		};
	}


	@Test
	void anUncontendedCommitIsOneStatementAndFlushesItself() throws Exception {
		CountingDataSource counting = new CountingDataSource(newDatabase());
		TestNode node = TestNode.open(counting, fastSettings(), true);
		PostgresKeyspace ks = node.keyspace("ks");
		int before = counting.executions.get();

		Committed committed = node.commit(ks, put("k", "v1"));

		assertThat(committed.sequence()).isEqualTo(1);
		assertThat(counting.executions.get() - before).as("statements of the commit").isEqualTo(1);
		assertThat(node.durable().flushes()).isZero();
		assertThat(node.durable().durable(ks.id())).isEqualTo(1);
		assertThat(asyncSequence(ks)).as("not committed without its flush").isZero();
	}

	@Test
	void aCommitThatMetTheKeyspaceLockHeldRunsExactlyOneFlushBeforeItReturns() throws Exception {
		CountingDataSource counting = new CountingDataSource(newDatabase());
		TestNode node = TestNode.open(counting, fastSettings(), true);
		PostgresKeyspace ks = node.keyspace("ks");
		node.commit(ks, put("k", "v1"));
		int before = counting.executions.get();

		Committed committed = whileLockHeld(ks, () -> node.commit(ks, put("k", "v2")));

		assertThat(committed.committed()).isTrue();
		assertThat(committed.sequence()).isEqualTo(2);
		assertThat(counting.executions.get() - before)
			.as("the one-write statement (lock held: left to the function), the commit call and one flush").isEqualTo(3);
		assertThat(node.durable().flushes()).isEqualTo(1);
		assertThat(node.durable().durable(ks.id())).isEqualTo(2);
		assertThat(asyncSequence(ks)).as("marked committed without its flush").isEqualTo(2);
		assertThat(value(ks, "k")).isEqualTo("v2");
	}

	@Test
	void theKeyspaceLockIsFreeWhileTheContendedCommitsFlushRunsAndAnotherNodeCommitsMeanwhile() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode other = open(database);
		AtomicReference<String> seenAtFlush = new AtomicReference<>("flush never ran");
		AtomicReference<Committed> otherCommit = new AtomicReference<>();
		AtomicReference<TestNode> self = new AtomicReference<>();
		TestNode node = TestNode.open(database, fastSettings(), true, flushing((connection, durable) -> {
			// Before the flush: the batch is committed (visible, marked async) and its keyspace's lock is free.
			PostgresKeyspace ks = self.get().keyspace("ks");
			seenAtFlush.set("lock free " + lockIsFree(ks) + ", async " + asyncSequence(ks) + ", seq "
					+ queryLong(database, "SELECT seq FROM " + prefix + "keyspace WHERE id = " + ks.id()));
			otherCommit.set(other.commit(ks, put("k", "other")));
			durable.flush(connection);
		}));
		self.set(node);
		PostgresKeyspace ks = node.keyspace("ks");
		node.commit(ks, put("k", "v1"));

		Committed committed = whileLockHeld(ks, () -> node.commit(ks, put("k", "v2")));

		assertThat(committed.sequence()).isEqualTo(2);
		assertThat(seenAtFlush.get()).isEqualTo("lock free true, async 2, seq 2");
		assertThat(otherCommit.get().sequence()).as("the other node's commit went through before the flush")
			.isEqualTo(3);
		assertThat(value(ks, "k")).isEqualTo("other");
	}

	@Test
	void aLostConnectionDuringTheFlushIsResolvedThroughTheBatchLogAndFlushedThere() throws Exception {
		AtomicInteger flushCalls = new AtomicInteger();
		TestNode node = TestNode.open(newDatabase(), resolvingSettings(), true, flushing((connection, durable) -> {
			flushCalls.incrementAndGet();
			connection.close();
			throw new PSQLException("connection lost before the flush", PSQLState.CONNECTION_FAILURE);
		}));
		PostgresKeyspace ks = node.keyspace("ks");
		node.commit(ks, put("k", "v1"));

		Committed committed = whileLockHeld(ks, () -> node.commit(ks, put("k", "v2")));

		assertThat(committed.committed()).isTrue();
		assertThat(committed.sequence()).isEqualTo(2);
		assertThat(committed.appliedOps()).isEqualTo(1);
		assertThat(flushCalls.get()).as("the flush on the commit's connection was tried once").isEqualTo(1);
		assertThat(node.durable().flushes()).as("then one flush after the batch-log lookup").isEqualTo(1);
		assertThat(node.durable().durable(ks.id())).isEqualTo(2);
	}

	@Test
	void aLostFlushWhoseResolutionCannotReachTheServerFailsAsOutcomeUnknownAndKnowsNothingDurable() throws Exception {
		AtomicBoolean unreachable = new AtomicBoolean();
		ForwardingDataSource database = new ForwardingDataSource(newDatabase()) {
			@Override
			public Connection getConnection() throws SQLException {
				if (unreachable.get()) {
					throw new PSQLException("connection refused (test)", PSQLState.CONNECTION_UNABLE_TO_CONNECT);
				}
				return super.getConnection();
			}
		};
		TestNode node = TestNode.open(database, fastSettings(), true, flushing((connection, durable) -> {
			unreachable.set(true); // the server goes away with the commit's connection: the lookup cannot connect
			connection.close();
			throw new PSQLException("connection lost before the flush", PSQLState.CONNECTION_FAILURE);
		}));
		PostgresKeyspace ks = node.keyspace("ks");
		node.commit(ks, put("k", "v1"));

		Throwable failure = catchThrowable(
				() -> whileLockHeld(ks, () -> node.commit(ks, put("k", "v2"))));

		assertThat(failure).isInstanceOf(ExecutionException.class);
		assertThat(failure.getCause()).isInstanceOf(PostgresOutcomeUnknownException.class)
			.hasMessageContaining("keyspace 'ks'")
			.hasMessageContaining("outcome is unknown")
			.hasMessageContaining("stayed unreachable")
			.hasMessageContaining("entirely or not at all");
		assertThat(node.durable().flushes()).as("nothing flushed: the lookup never ran").isZero();
		assertThat(node.durable().durable(ks.id())).as("the batch is not known durable").isEqualTo(1);
		unreachable.set(false);
		// It did commit (its flush was what failed): the unknown outcome was the truth, not a failure.
		assertThat(value(ks, "k")).isEqualTo("v2");
		assertThat(asyncSequence(ks)).isEqualTo(2);
	}

	@Test
	void aLostFlushFoundCommittedWhoseFlushAfterTheLookupFailsTooFailsAsOutcomeUnknown() throws Exception {
		AtomicBoolean flushesFail = new AtomicBoolean();
		ForwardingDataSource database = new ForwardingDataSource(newDatabase()) {
			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, args) -> {
							if (flushesFail.get() && method.getName().equals("createStatement")) {
								// the lookup's connection: its statement making the batch durable fails
								throw new PSQLException("flush refused (test)", PSQLState.IO_ERROR);
							}
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}
		};
		TestNode node = TestNode.open(database, fastSettings(), true, flushing((connection, durable) -> {
			flushesFail.set(true);
			throw new PSQLException("connection lost before the flush", PSQLState.CONNECTION_FAILURE);
		}));
		PostgresKeyspace ks = node.keyspace("ks");
		node.commit(ks, put("k", "v1"));

		Throwable failure = catchThrowable(
				() -> whileLockHeld(ks, () -> node.commit(ks, put("k", "v2"))));

		assertThat(failure).isInstanceOf(ExecutionException.class);
		assertThat(failure.getCause()).isInstanceOf(PostgresOutcomeUnknownException.class)
			.hasMessageContaining("keyspace 'ks'")
			.hasMessageContaining("it committed, but the statement making it durable failed")
			.hasMessageContaining("entirely or not at all");
		assertThat(node.durable().flushes()).as("the flush after the lookup was tried once").isEqualTo(1);
		assertThat(node.durable().durable(ks.id())).as("the batch is not known durable").isEqualTo(1);
		assertThat(value(ks, "k")).isEqualTo("v2");
	}

	@Test
	void aReaderThatSawABatchCommittedWithoutItsFlushFlushesOnceBeforeAnswering() throws Exception {
		TestNode writer = open(newDatabase());
		CountingDataSource counting = new CountingDataSource(newDatabase());
		// WAL positions off: the flush path every time (with them, only while the WAL is not flushed past the batch,
		// which the test cannot hold still: DurableReadPositionsTest)
		TestNode reader = TestNode.open(counting, fastSettings(), true, BatchCommitter.CommitStep.DEFAULT, false);
		PostgresKeyspace ks = writer.keyspace("ks");
		writer.commit(ks, put("k", "v1"));
		whileLockHeld(ks, () -> writer.commit(ks, put("k", "v2")));
		int before = counting.executions.get();

		ReadResult first = reader.read(ks, ReadPlan.get(bytes("k")));

		assertThat(first.sequence()).isEqualTo(2);
		assertThat(text(first.values().get(0))).isEqualTo("v2");
		assertThat(counting.executions.get() - before).as("the read and one flush").isEqualTo(2);
		assertThat(reader.durable().flushes()).isEqualTo(1);
		assertThat(reader.durable().durable(ks.id())).isEqualTo(2);

		before = counting.executions.get();
		ReadResult again = reader.read(ks, ReadPlan.get(bytes("k")));

		assertThat(again.sequence()).isEqualTo(2);
		assertThat(counting.executions.get() - before).as("known durable: the read alone").isEqualTo(1);
		assertThat(reader.durable().flushes()).isEqualTo(1);
	}

	@Test
	void aReaderWhoseLastBatchWasCommittedSynchronouslyDoesNotFlush() throws Exception {
		TestNode writer = open(newDatabase());
		CountingDataSource counting = new CountingDataSource(newDatabase());
		TestNode reader = TestNode.open(counting, fastSettings(), true);
		PostgresKeyspace ks = writer.keyspace("ks");
		writer.commit(ks, put("k", "v1"));
		whileLockHeld(ks, () -> writer.commit(ks, put("k", "v2")));
		writer.commit(ks, put("k", "v3")); // uncontended: flushed before visible, and everything before it
		int before = counting.executions.get();

		ReadResult read = reader.read(ks, ReadPlan.get(bytes("k")));

		assertThat(read.sequence()).isEqualTo(3);
		assertThat(text(read.values().get(0))).isEqualTo("v3");
		assertThat(counting.executions.get() - before).as("the read alone").isEqualTo(1);
		assertThat(reader.durable().flushes()).isZero();
		assertThat(reader.durable().durable(ks.id())).isEqualTo(3);
	}

	@Test
	void aSnapshotOfABatchCommittedWithoutItsFlushFlushesOnceBeforeItIsHandedOut() throws Exception {
		TestNode writer = open(newDatabase());
		// WAL positions off, as above
		TestNode reader = TestNode.open(newDatabase(), fastSettings(), true, BatchCommitter.CommitStep.DEFAULT, false);
		PostgresKeyspace ks = writer.keyspace("ks");
		writer.commit(ks, put("k", "v1"));
		whileLockHeld(ks, () -> writer.commit(ks, put("k", "v2")));

		try (TestSnapshot snapshot = reader.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(2);
			assertThat(reader.durable().flushes()).isEqualTo(1);
		}
		try (TestSnapshot snapshot = reader.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(2);
			assertThat(reader.durable().flushes()).as("known durable").isEqualTo(1);
		}
	}

	@Test
	void theListenerDeliversABatchCommittedWithoutItsFlushOnlyOnceTheWalIsFlushedPastItAndLetsItsWriterFlush()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		// Polls only when the test moves the listener's clock (an hour per move).
		PostgresSettings settings = fastSettings().withPollInterval(Duration.ofHours(1));
		AtomicLong committedUpTo = new AtomicLong(-1);
		TestNode writer = TestNode.open(database, settings, true, flushing((connection, durable) -> {
			// Committed, visible and not flushed: its commit record lies before the WAL insert position now.
			committedUpTo.set(walPosition(database, "pg_current_wal_insert_lsn()"));
			durable.flush(connection);
		}));
		TestNode listening = TestNode.open(newDatabase(), settings, true);
		PostgresKeyspace ks = writer.keyspace("ks");
		writer.commit(ks, put("k", "v1"));
		List<String> delivered = new CopyOnWriteArrayList<>();
		AtomicLong clock = new AtomicLong();
		try (RemoteChangeListener listener = listening.listen((change) -> {
			try {
				long flushedTo = walPosition(database, "pg_current_wal_flush_lsn()");
				delivered.add(change.fromSequence() + "-" + change.toSequence() + " flushed past it "
						+ (flushedTo >= committedUpTo.get()));
			}
			catch (SQLException ex) {
				delivered.add(ex.toString());
			}
		}, Duration.ofMillis(20), clock::get)) {
			listener.watch(ks, 1);
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> listener.isConnected() && listener.catchUps() >= 1);
			whileLockHeld(ks, () -> writer.commit(ks, put("k", "v2")));
			assertThat(committedUpTo.get()).as("committed without its flush").isPositive();

			pollUntil(listener, clock, database, () -> !delivered.isEmpty());
			assertThat(delivered).containsExactly("2-2 flushed past it true");
			assertThat(listening.durable().durable(ks.id())).isEqualTo(2);
			assertThat(listening.durable().flushes()).as("flushes by others served: no WAL of the listener's")
				.isZero();

			writer.commit(ks, put("k", "v3"));
			pollUntil(listener, clock, database, () -> delivered.size() == 2);
			assertThat(delivered).containsExactly("2-2 flushed past it true", "3-3 flushed past it true");
			assertThat(listening.durable().flushes()).isZero();
		}
	}

	/**
	 * Moves the listener's clock by its poll interval (and wakes it) until {@code done}, each time after a synchronous commit of
	 * the test's own that writes WAL (as other nodes' commits do under load): it flushes the WAL past everything
	 * inserted before it, so what a catch-up kept back for its flush is flushed by the next catch-up. (An idle
	 * server may leave records that are no commit, such as its running-transactions snapshot, unflushed at the end
	 * of its WAL for as long as nothing commits.)
	 */
	private static void pollUntil(RemoteChangeListener listener, AtomicLong clock, PGSimpleDataSource database,
			java.util.concurrent.Callable<Boolean> done) throws Exception {
		for (int poll = 0; poll < 10 && !done.call(); poll++) {
			assertThat(queryLong(database, "SELECT count(pg_logical_emit_message(true, 'test', ''))")).isEqualTo(1);
			long catchUps = listener.catchUps();
			clock.addAndGet(Duration.ofHours(1).toNanos());
			// Wakes the listener from its wait for notifications (real time: an hour) to look at its clock.
			assertThat(queryLong(database, "SELECT count(pg_notify('level_mutex', 'wake'))")).isEqualTo(1);
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> listener.catchUps() > catchUps);
		}
		assertThat(done.call()).as("delivered within 10 polls").isTrue();
	}

	/** A WAL position of the server, in bytes from 0/0. */
	private static long walPosition(PGSimpleDataSource database, String position) throws SQLException {
		return queryLong(database, "SELECT pg_wal_lsn_diff(" + position + ", '0/0')::int8");
	}

	/** Whether the keyspace's row lock can be taken at once (taken and released by a session of its own). */
	private static boolean lockIsFree(PostgresKeyspace ks) throws SQLException {
		try (Connection connection = newDatabase().getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement lock = connection.prepareStatement(
					"SELECT seq FROM " + prefix + "keyspace WHERE id = ? FOR NO KEY UPDATE SKIP LOCKED")) {
				lock.setInt(1, ks.id());
				try (ResultSet rows = lock.executeQuery()) {
					return rows.next();
				}
			}
			finally {
				connection.rollback();
			}
		}
	}

}
