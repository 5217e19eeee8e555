package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.postgres.RejectionReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A node's batch connection killed mid-batch ({@code pg_terminate_backend}) leaves nothing of the batch and
 * fails typed; a connection lost during COMMIT is resolved through the batch log (committed, not applied) or
 * reported as outcome unknown; serialization failures are retried a bounded number of times.
 */
class CommitFailureTest extends ClusterTestSupport {

	@Test
	void whenTheBatchConnectionIsTerminatedWhileWaitingForTheKeyspaceLockThenNothingIsAppliedAndTheErrorIsTyped()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		PGSimpleDataSource victimSource = newDatabase();
		victimSource.setApplicationName("victim");
		TestNode victim = open(victimSource);
		TestNode other = open(database);
		PostgresKeyspace ks = other.keyspace("kill");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("base"), bytes("1")))));
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder
				.prepareStatement("SELECT 1 FROM " + prefix + "keyspace WHERE id = ? FOR UPDATE")) {
				lock.setInt(1, ks.id());
				lock.executeQuery().close();
			}
			CompletableFuture<Committed> commit = CompletableFuture.supplyAsync(() -> victim.commit(ks,
					TestBatch.of(List.of(TestBatch.put(bytes("base"), bytes("victim")), TestBatch.put(bytes("new"), bytes("v"))))));
			await().atMost(Duration.ofSeconds(60)).until(() -> queryLong(database, "SELECT count(*) FROM pg_stat_activity "
					+ "WHERE application_name = 'victim' AND wait_event_type = 'Lock'") == 1);
			assertThat(queryLong(database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
					+ "WHERE application_name = 'victim' AND wait_event_type = 'Lock'")).isEqualTo(1);
			holder.rollback();
			assertThatThrownBy(() -> commit.get(60, TimeUnit.SECONDS)).cause()
				.isInstanceOf(PostgresUnavailableException.class)
				.hasMessageContaining("was not applied")
				.hasMessageContaining("'kill'")
				.hasMessageContaining("57P01");
		}
		assertNothingOfTheBatch(other, ks);
	}

	@Test
	void whenTheBatchConnectionIsTerminatedRightBeforeCommitThenTheBatchLogShowsItWasNotApplied() throws Exception {
		PGSimpleDataSource database = newDatabase();
		AtomicInteger terminated = new AtomicInteger();
		TestNode victim = TestNode.open(database, resolvingSettings(), true, (connection, call) -> {
			int pid = connection.unwrap(PGConnection.class).getBackendPID();
			terminated.addAndGet((int) queryLong(database, "SELECT count(pg_terminate_backend(" + pid + "))"));
			return call.executeQuery();
		});
		TestNode other = open(database);
		PostgresKeyspace ks = other.keyspace("kill");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("base"), bytes("1")))));
		assertThatThrownBy(() -> victim.commit(ks,
				TestBatch.of(List.of(TestBatch.put(bytes("base"), bytes("victim")), TestBatch.put(bytes("new"), bytes("v"))))))
			.isInstanceOf(PostgresUnavailableException.class)
			.hasMessageContaining("batch log shows it was not applied");
		assertThat(terminated.get()).isEqualTo(1);
		assertNothingOfTheBatch(other, ks);
	}

	@Test
	void whenTheCommitAcknowledgementIsLostThenTheBatchLogTellsItCommittedWithItsRejections() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = TestNode.open(database, resolvingSettings(), true, (connection, call) -> {
			call.executeQuery().close();
			throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
		});
		TestNode other = open(database);
		PostgresKeyspace ks = other.keyspace("lost-ack");
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")))));
		other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("2")))));
		Committed result = node.commit(ks, TestBatch.of(
				List.of(TestBatch.put(bytes("y"), bytes("kept")), TestBatch.put(bytes("x"), bytes("rejected"))),
				List.of(new TestBatch.Unit(1, 1, List.of(bytes("a")), List.of(), List.of(bytes("x"))))));
		assertThat(result.committed()).isTrue();
		assertThat(result.sequence()).isEqualTo(3);
		assertThat(result.appliedOps()).isEqualTo(1);
		assertThat(result.rejected()).satisfies((rejected) -> {
			assertThat(rejected.unit()).isZero();
			assertThat(rejected.reason()).isEqualTo(RejectionReason.KEY_READ);
			assertThat(text(rejected.key())).isEqualTo("a");
		});
		try (TestSnapshot snapshot = other.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(3);
			List<byte[]> values = snapshot.get(List.of(bytes("x"), bytes("y")));
			assertThat(values.get(0)).isNull();
			assertThat(text(values.get(1))).isEqualTo("kept");
		}
	}

	@Test
	void whenTheBatchStillHoldsTheKeyspaceLockDuringResolutionThenTheOutcomeIsUnknownAndTyped() throws Exception {
		PGSimpleDataSource database = newDatabase();
		AtomicReference<Connection> holder = new AtomicReference<>();
		PostgresSettings settings = fastSettings().withWaits(Duration.ofSeconds(2), UNRESOLVABLE_WAIT);
		TestNode node = TestNode.open(database, settings, true, (connection, call) -> {
			call.executeQuery().close();
			Connection locker = database.getConnection();
			holder.set(locker);
			locker.setAutoCommit(false);
			try (Statement statement = locker.createStatement()) {
				statement.executeQuery("SELECT 1 FROM " + prefix + "keyspace FOR UPDATE").close();
			}
			throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
		});
		PostgresKeyspace ks = node.keyspace("unknown");
		TestBatch batch = TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v"))));
		try {
			assertThatThrownBy(() -> node.commit(ks, batch)).isInstanceOfSatisfying(
					PostgresOutcomeUnknownException.class, (ex) -> assertThat(ex.batchId()).isEqualTo(batch.id()))
				.hasMessageContaining("outcome is unknown")
				.hasMessageContaining("still held the keyspace's lock")
				.hasMessageContaining("'unknown'");
		}
		finally {
			holder.get().rollback();
			holder.get().close();
		}
		assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "batch WHERE batch_id = '" + batch.id() + "'"))
			.as("it had in fact committed").isEqualTo(1);
	}

	@Test
	void whenSerializationFailuresRepeatThenTheBatchIsRetriedBoundedlyWithoutGaps() throws Exception {
		PGSimpleDataSource database = newDatabase();
		AtomicInteger failuresLeft = new AtomicInteger(2);
		AtomicInteger attempts = new AtomicInteger();
		TestNode node = TestNode.open(database, fastSettings(), true, (connection, call) -> {
			attempts.incrementAndGet();
			if (failuresLeft.getAndDecrement() > 0) {
				throw new SQLException("simulated: could not serialize access", "40001");
			}
			return call.executeQuery();
		});
		PostgresKeyspace ks = node.keyspace("retry");
		Committed result = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v")))));
		assertThat(result.sequence()).as("the rolled-back attempts left no gap").isEqualTo(1);
		assertThat(attempts.get()).isEqualTo(3);
		failuresLeft.set(100);
		attempts.set(0);
		assertThatThrownBy(() -> node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("w"))))))
			.isInstanceOf(PostgresFailureException.class)
			.isInstanceOf(io.levelmutex.StorageException.class)
			.isNotInstanceOf(io.levelmutex.StorageUnavailableException.class)
			.hasMessageContaining("not applied after 4 attempts")
			.hasMessageContaining("40001");
		assertThat(attempts.get()).isEqualTo(4);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(1);
			assertThat(text(snapshot.get(List.of(bytes("k"))).get(0))).isEqualTo("v");
		}
	}

	private static void assertNothingOfTheBatch(TestNode other, PostgresKeyspace ks) {
		try (TestSnapshot snapshot = other.snapshot(ks)) {
			assertThat(snapshot.sequence()).as("the killed batch took no sequence").isEqualTo(1);
			List<byte[]> values = snapshot.get(List.of(bytes("base"), bytes("new")));
			assertThat(text(values.get(0))).isEqualTo("1");
			assertThat(values.get(1)).isNull();
		}
		assertThat(other.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("after"), bytes("a"))))).sequence())
			.as("no gap").isEqualTo(2);
	}

}
