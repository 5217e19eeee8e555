package io.levelmutex.postgres;

import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static io.levelmutex.postgres.ContendedKeyspaces.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.StorageException;

/**
 * The released-commit procedure stopped by the server, not by a simulated exception: its session terminated
 * ({@code pg_terminate_backend}) or its statement cancelled ({@code pg_cancel_backend}) once the procedure is past
 * its batch's COMMIT, in its flush transaction (the test's procedure waits there for an advisory lock the test holds
 * until it has signalled the session; the shipped one spends microseconds there, which the cluster model's faults
 * hit now and then); or cancelled while it still waits for the keyspace's lock. Past
 * the COMMIT, the batch is committed but perhaps not durable, and the caller got an error: the batch log must tell
 * it committed, the node makes it durable and reports it with its sequence, and another node's listener delivers
 * it once. Before it, nothing is applied and no sequence is taken.
 */
class ReleasedCommitInterruptedTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	/** The advisory lock key the test's released procedure waits for past its COMMIT. */
	private static final long GATE = 0x706761647647L;

	/** Set by the test thread for the next released call; read by the commit step. */
	private final AtomicBoolean interrupt = new AtomicBoolean();

	@Test
	void whenTheReleasedProcedureIsTerminatedAfterItsCommitThenTheBatchIsReportedCommittedDurableAndDeliveredOnce()
			throws Exception {
		interruptedAfterCommit("pg_terminate_backend");
	}

	@Test
	void whenTheReleasedProcedureIsCancelledAfterItsCommitThenTheBatchIsReportedCommittedDurableAndDeliveredOnce()
			throws Exception {
		interruptedAfterCommit("pg_cancel_backend");
	}

	@Test
	void whenTheReleasedProcedureIsCancelledWhileWaitingForTheLockThenNothingIsAppliedAndNoSequenceTaken()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = TestNode.open(database, resolvingSettings(), true);
		PostgresKeyspace ks = node.keyspace("ks");
		CommitRoute route = new CommitRoute();
		node.commit(ks, put("k", "v1"), route);
		route.replied(false, false, -1, true); // as after a contended commit: the next ones are released
		try (Connection locker = database.getConnection(); Connection admin = database.getConnection()) {
			locker.setAutoCommit(false);
			try (PreparedStatement lock = locker.prepareStatement(
					"SELECT seq FROM " + prefix + "keyspace WHERE id = ? FOR NO KEY UPDATE")) {
				lock.setInt(1, ks.id());
				lock.executeQuery().close();
			}
			CompletableFuture<Committed> committing = CompletableFuture.supplyAsync(
					() -> node.commit(ks, put("k", "v2"), route));
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> signal(admin, "pg_cancel_backend",
					"query LIKE 'CALL %commit_released%' AND wait_event_type = 'Lock'"));
			// The resolution looks the batch up under the keyspace's lock: once this session lets it go.
			locker.rollback();
			assertThatThrownBy(() -> committing.get(WAIT_SECONDS, TimeUnit.SECONDS)).cause()
				.isInstanceOf(StorageException.class)
				.hasMessageContaining("was not applied")
				.hasMessageContaining("57014");
		}
		assertThat(value(ks, "k")).isEqualTo("v1");
		assertThat(queryLong(database, "SELECT seq FROM " + prefix + "keyspace WHERE id = " + ks.id()))
			.as("no sequence taken").isEqualTo(1);
		assertThat(node.commit(ks, put("k", "v3"), route).sequence()).as("the keyspace commits on").isEqualTo(2);
	}

	private void interruptedAfterCommit(String function) throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = TestNode.open(database, resolvingSettings(), true, (connection, call) -> {
			if (!this.interrupt.getAndSet(false)) {
				return call.executeQuery();
			}
			// This session holds the lock the procedure waits for past its COMMIT: signalled there, then let go.
			try (Connection admin = database.getConnection()) {
				lockGate(admin, true);
				CompletableFuture<Void> signaller = new CompletableFuture<>();
				Thread thread = new Thread(() -> {
					try {
						await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> signal(admin, function,
								"query LIKE 'CALL %commit_released%' AND wait_event = 'advisory'"));
						lockGate(admin, false);
						signaller.complete(null);
					}
					catch (Throwable ex) {
						signaller.completeExceptionally(ex);
					}
				}, "signaller");
				thread.start();
				try {
					return call.executeQuery();
				}
				finally {
					signaller.join();
				}
			}
		});
		TestNode other = TestNode.open(database, fastSettings(), true);
		sleepAfterTheReleasedCommit(database);
		PostgresKeyspace ks = node.keyspace("ks");
		List<RemoteChange> heard = new CopyOnWriteArrayList<>();
		try (RemoteChangeListener listener = other.listen(heard::add)) {
			listener.watch(other.keyspace("ks"), 0);
			CommitRoute route = new CommitRoute();
			node.commit(ks, put("k", "v1"), route);
			route.replied(false, false, -1, true); // as after a contended commit: the next ones are released
			long flushes = node.durable().flushes();
			this.interrupt.set(true);

			Committed committed = node.commit(ks, put("k", "v2"), route);

			assertThat(committed.committed()).as("the batch log tells it committed").isTrue();
			assertThat(committed.sequence()).isEqualTo(2);
			assertThat(node.durable().flushes() - flushes).as("made durable after the batch-log lookup").isEqualTo(1);
			assertThat(node.durable().durable(ks.id())).as("known durable").isEqualTo(2);
			assertThat(value(ks, "k")).isEqualTo("v2");
			assertThat(node.commit(ks, put("k", "v3"), route).sequence()).as("the keyspace commits on").isEqualTo(3);
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> RemoteChangeTest.sequences(heard).size() == 3);
			assertThat(RemoteChangeTest.sequences(heard)).as("every batch delivered to the other node once, in order")
				.containsExactly(1L, 2L, 3L);
		}
	}

	/**
	 * Replaces the test's released-commit procedure with the shipped one plus, right after its COMMIT, a wait for an
	 * advisory lock the test holds ({@link #lockGate}): the window between the batch's COMMIT and its flush, held
	 * open until the test has signalled the session.
	 */
	private static void sleepAfterTheReleasedCommit(PGSimpleDataSource database) throws SQLException {
		String procedure = SchemaInstaller.statements(prefix).stream()
			.filter((statement) -> statement.startsWith("CREATE OR REPLACE PROCEDURE " + prefix + "commit_released"))
			.findFirst()
			.orElseThrow();
		String slow = procedure.replace("    COMMIT;\n",
				"    COMMIT;\n    PERFORM pg_advisory_xact_lock(" + GATE + ");\n");
		assertThat(slow).as("the procedure commits, then flushes").isNotEqualTo(procedure);
		execute(database, slow);
	}

	/** Takes ({@code true}) or lets go of the advisory lock the test's procedure waits for past its COMMIT. */
	private static void lockGate(Connection admin, boolean take) throws SQLException {
		try (PreparedStatement statement = admin.prepareStatement(
				"SELECT " + (take ? "pg_advisory_lock" : "pg_advisory_unlock") + "(" + GATE + ")")) {
			statement.executeQuery().close();
		}
	}

	/** Signals ({@code pg_terminate_backend} or {@code pg_cancel_backend}) the sessions of a condition, at once. */
	private static boolean signal(Connection admin, String function, String condition) throws SQLException {
		try (PreparedStatement statement = admin.prepareStatement("SELECT count(" + function + "(pid)) FROM "
				+ "pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND " + condition);
				ResultSet rows = statement.executeQuery()) {
			return rows.next() && rows.getInt(1) > 0;
		}
	}

}
