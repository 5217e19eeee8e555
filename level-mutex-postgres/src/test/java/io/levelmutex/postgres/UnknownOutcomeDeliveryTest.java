package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.CommitOutcomeUnknownException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a node's remote-change listener delivers of the node's own batch whose outcome the node could not learn (its
 * COMMIT's reply lost, and the batch log's lookup timed out on the keyspace's lock: every write failed with
 * {@link CommitOutcomeUnknownException}) when the batch did commit. The listener was never told its sequence; it
 * recognises it by the node id in the batch log. While that row exists it is left out, as the README says of every
 * own batch. Once the clean-up has removed it (the listener lagged the keyspace by more than the tombstone
 * retention: 3 sequences here, 10,000 by default), nothing left in the database says whose it was, and it is
 * delivered as remote: the exception the README states. Neither case reports it in a {@code flushed} event.
 */
class UnknownOutcomeDeliveryTest extends ClusterTestSupport {

	private static final long RETENTION = 3;

	/** Set by the test thread, read by the commit step of {@link #mine}. */
	private final AtomicBoolean loseNextReply = new AtomicBoolean();

	/** The connection that holds the keyspace's lock while the lookup times out; owned by the commit step. */
	private final AtomicReference<Connection> locker = new AtomicReference<>();

	@AfterEach
	void releaseLock() throws SQLException {
		Connection holder = this.locker.getAndSet(null);
		if (holder != null) {
			holder.close();
		}
	}

	@Test
	void whileItsBatchLogRowExistsAnOwnBatchOfUnknownOutcomeIsNotDeliveredAsRemote() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode mine = mine(database);
		TestNode other = TestNode.open(database, settings(), true);
		PostgresKeyspace keyspace = mine.keyspace("feed");
		long own = commitsWithAnOwnBatchOfUnknownOutcome(mine, other, keyspace);
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (RemoteChangeListener listener = mine.listen(changes::add)) {
			listener.watch(keyspace, 0);
			await().atMost(Duration.ofSeconds(60)).until(() -> RemoteChangeTest.sequences(changes).size() >= 7);
			assertThat(RemoteChangeTest.sequences(changes)).as("the other node's sequences, without its own " + own)
				.containsExactly(1L, 3L, 4L, 5L, 6L, 7L, 8L);
		}
	}

	@Test
	void onceTheCleanUpRemovedItsBatchLogRowBeforeTheListenerReadItAnOwnBatchOfUnknownOutcomeIsDeliveredAsRemote()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode mine = mine(database);
		TestNode other = TestNode.open(database, settings(), true);
		PostgresKeyspace keyspace = mine.keyspace("feed");
		long own = commitsWithAnOwnBatchOfUnknownOutcome(mine, other, keyspace);
		// The listener has not read the keyspace yet (it lags 8 sequences, more than the retention of 3).
		other.cleanUp(keyspace, 1_000);
		assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "batch WHERE seq <= " + own))
			.as("batch-log rows up to the horizon 8 - 3 removed").isZero();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (RemoteChangeListener listener = mine.listen(changes::add)) {
			listener.watch(keyspace, 0);
			await().atMost(Duration.ofSeconds(60)).until(() -> RemoteChangeTest.sequences(changes).size() >= 8);
			assertThat(RemoteChangeTest.sequences(changes))
				.as("the node's own sequence " + own + " delivered as remote: the README's stated exception")
				.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
		}
	}

	/**
	 * The other node commits sequence 1, this node sequence 2 with its outcome unknown to it, the other node 3 to 8.
	 * @return this node's sequence (2), read from the batch log
	 */
	private long commitsWithAnOwnBatchOfUnknownOutcome(TestNode mine, TestNode other, PostgresKeyspace keyspace)
			throws SQLException {
		assertThat(other.commit(keyspace, put("a")).sequence()).isEqualTo(1);
		this.loseNextReply.set(true);
		assertThatThrownBy(() -> mine.commit(keyspace, put("mine"))).isInstanceOf(CommitOutcomeUnknownException.class)
			.hasMessageContaining("still held the keyspace's lock");
		this.locker.getAndSet(null).close(); // rolls the lock holder back
		for (int i = 3; i <= 8; i++) {
			assertThat(other.commit(keyspace, put("k" + i)).sequence()).isEqualTo(i);
		}
		PGSimpleDataSource database = newDatabase();
		long own = queryLong(database, "SELECT seq FROM " + prefix + "batch WHERE node_id = '" + mine.nodeId() + "'");
		assertThat(own).as("the batch of unknown outcome did commit").isEqualTo(2);
		return own;
	}

	/** A node whose next commit, once armed, commits but loses its reply, and whose lookup cannot take the lock. */
	private TestNode mine(PGSimpleDataSource database) {
		return TestNode.open(database, settings().withWaits(Duration.ofSeconds(2), UNRESOLVABLE_WAIT), true,
				(connection, call) -> {
					if (!this.loseNextReply.getAndSet(false)) {
						return call.executeQuery();
					}
					call.executeQuery().close();
					Connection holder = database.getConnection();
					this.locker.set(holder);
					holder.setAutoCommit(false);
					try (Statement statement = holder.createStatement()) {
						statement.executeQuery("SELECT 1 FROM " + prefix + "keyspace FOR UPDATE").close();
					}
					throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
				});
	}

	private static PostgresSettings settings() {
		return fastSettings().withTombstoneRetention(RETENTION);
	}

	private static TestBatch put(String key) {
		return TestBatch.of(List.of(TestBatch.put(bytes(key), bytes("v"))));
	}

}
