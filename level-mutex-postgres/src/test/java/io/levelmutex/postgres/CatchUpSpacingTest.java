package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.WriteOperation;

import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener spaces its catch-ups: notifications that arrive before the spacing since the last catch-up has
 * passed join ONE catch-up (here the listener's clock stands still until the test moves it, so nothing but the
 * spacing decides). And however its catch-ups are spaced and coalesced, several nodes committing to one keyspace
 * concurrently (contended: commits without their flush, released commits) are told of each other's batches each
 * sequence once, in order, never their own.
 */
class CatchUpSpacingTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 60; // a failure signal only: never waited this long when it passes

	private static final Duration SPACING = Duration.ofMillis(50);

	@Test
	void notificationsThatArriveWithinTheSpacingJoinOneCatchUp() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode writer = open(database).hinting();
		TestNode listening = open(database);
		PostgresKeyspace ks = writer.keyspace("spaced");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection raw = database.getConnection();
				RemoteChangeListener listener = listening.listen(changes::add, SPACING, clock::get)) {
			try (Statement statement = raw.createStatement()) {
				statement.execute("LISTEN level_mutex");
			}
			listener.watch(ks, 0);
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> listener.isConnected() && listener.catchUps() >= 1);
			long before = listener.catchUps();

			for (int i = 1; i <= 10; i++) {
				assertThat(writer.commit(ks, put("k", "v" + i)).sequence()).isEqualTo(i);
			}
			awaitHint(raw, ks.id() + ":10");

			assertThat(listener.catchUps()).as("no catch-up while the spacing has not passed").isEqualTo(before);
			assertThat(changes).isEmpty();
			clock.addAndGet(SPACING.toNanos());
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> !changes.isEmpty());
			assertThat(changes).as("every hinted batch in one range").containsExactly(new RemoteChange("spaced", 1, 10));
			assertThat(listener.catchUps() - before).as("one catch-up for ten notifications").isEqualTo(1);
		}
	}

	@Test
	void aCatchUpIsOneStatementThatAlsoFindsTheNodesOwnBatchesInEveryWatchedKeyspace() throws Exception {
		PGSimpleDataSource database = newDatabase();
		PostgresSettings settings = fastSettings().withPollInterval(Duration.ofHours(1));
		TestNode other = TestNode.open(database, settings, true).hinting();
		CountingDataSource counting = new CountingDataSource(database);
		TestNode listening = TestNode.open(counting, settings, true);
		PostgresKeyspace first = other.keyspace("first");
		PostgresKeyspace second = other.keyspace("second");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection raw = database.getConnection();
				RemoteChangeListener listener = listening.listen(changes::add, SPACING, clock::get)) {
			try (Statement statement = raw.createStatement()) {
				statement.execute("LISTEN level_mutex");
			}
			listener.watch(first, 0);
			listener.watch(second, 0);
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> listener.isConnected() && listener.listenerCounts() >= 1);
			// Its own commits, not told to the listener: only the batch log knows them as its own.
			listening.commit(first, put("k", "own1"));
			other.commit(first, put("k", "theirs2"));
			listening.commit(first, put("k", "own3"));
			other.commit(first, put("k", "theirs4"));
			listening.commit(second, put("k", "own1"));
			other.commit(second, put("k", "theirs2"));
			awaitHint(raw, second.id() + ":2");
			long catchUps = listener.catchUps();
			int before = counting.executions.get();

			clock.addAndGet(SPACING.toNanos());
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> changes.size() == 3);

			assertThat(changes).containsExactlyInAnyOrder(new RemoteChange("first", 2, 2),
					new RemoteChange("first", 4, 4), new RemoteChange("second", 2, 2));
			assertThat(listener.catchUps() - catchUps).isEqualTo(1);
			assertThat(counting.executions.get() - before).as("statements of the catch-up").isEqualTo(1);
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3 })
	void nodesCommittingConcurrentlyToOneKeyspaceAreToldOfEachOthersBatchesOnceInOrder(long seed) throws Exception {
		PGSimpleDataSource database = newDatabase();
		int nodes = 3;
		List<TestNode> nodeList = new ArrayList<>();
		List<List<RemoteChange>> received = new ArrayList<>();
		List<RemoteChangeListener> listeners = new ArrayList<>();
		List<List<Long>> committedBy = new ArrayList<>();
		ExecutorService writers = Executors.newFixedThreadPool(nodes);
		try {
			for (int n = 0; n < nodes; n++) {
				TestNode node = open(newDatabase()).hinting();
				nodeList.add(node);
				List<RemoteChange> changes = new CopyOnWriteArrayList<>();
				received.add(changes);
				RemoteChangeListener listener = node.listen(changes::add, Duration.ofMillis(5), System::nanoTime);
				listener.watch(node.keyspace("shared"), 0);
				listeners.add(listener);
				committedBy.add(new CopyOnWriteArrayList<>());
			}
			PostgresKeyspace ks = nodeList.get(0).keyspace("shared");
			Random random = new Random(seed);
			List<Future<?>> done = new ArrayList<>();
			for (int n = 0; n < nodes; n++) {
				TestNode node = nodeList.get(n);
				List<Long> mine = committedBy.get(n);
				int commits = 10 + random.nextInt(20);
				long nodeSeed = random.nextLong();
				done.add(writers.submit(() -> {
					Random own = new Random(nodeSeed);
					CommitRoute route = new CommitRoute();
					for (int i = 0; i < commits; i++) {
						List<WriteOperation> ops = new ArrayList<>();
						int writes = 1 + own.nextInt(4);
						for (int w = 0; w < writes; w++) {
							ops.add(TestBatch.put(bytes("k" + own.nextInt(8)), bytes("v" + i)));
						}
						Committed committed = node.commit(ks, TestBatch.of(ops), route);
						assertThat(committed.committed()).isTrue();
						mine.add(committed.sequence());
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(WAIT_SECONDS, TimeUnit.SECONDS);
			}
			for (int n = 0; n < nodes; n++) {
				List<Long> expected = new ArrayList<>();
				for (int m = 0; m < nodes; m++) {
					if (m != n) {
						expected.addAll(committedBy.get(m));
					}
				}
				expected.sort(null);
				List<RemoteChange> changes = received.get(n);
				await().atMost(Duration.ofSeconds(WAIT_SECONDS))
					.until(() -> RemoteChangeTest.sequences(changes).size() >= expected.size());
				assertThat(RemoteChangeTest.sequences(changes))
					.as("seed " + seed + ", node " + n + ": each remote sequence once, in order, none of its own")
					.containsExactlyElementsOf(expected);
				assertThat(nodeList.get(n).durable().durable(ks.id()))
					.as("node " + n + " knows durable what it delivered")
					.isGreaterThanOrEqualTo(expected.get(expected.size() - 1));
			}
		}
		finally {
			writers.shutdownNow();
			listeners.forEach(RemoteChangeListener::close);
		}
	}

	private static void awaitHint(Connection raw, String payload) throws Exception {
		List<String> payloads = new ArrayList<>();
		while (!payloads.contains(payload)) {
			PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
			assertThat(notifications).as("hint " + payload + ", received so far: " + payloads).isNotEmpty();
			for (PGNotification notification : notifications) {
				payloads.add(hintOfThisTest(notification.getParameter()));
			}
		}
	}

}
