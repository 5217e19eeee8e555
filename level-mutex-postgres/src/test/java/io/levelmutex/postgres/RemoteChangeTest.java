package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every node's listener learns of the other nodes' commits (never its own) as sequence ranges, each sequence
 * once, through notifications sent after commit, and by polling after a missed notification or a terminated
 * listener connection.
 */
class RemoteChangeTest extends ClusterTestSupport {

	private static final Duration EVENTUALLY = Duration.ofSeconds(60);

	@Test
	void whenThreeNodesCommitThenEveryNodeIsToldOfTheOthersCommitsExactlyOnce() throws Exception {
		PGSimpleDataSource database = newDatabase();
		List<TestNode> nodes = new ArrayList<>();
		List<List<RemoteChange>> received = new ArrayList<>();
		List<RemoteChangeListener> listeners = new ArrayList<>();
		try (Connection raw = database.getConnection()) {
			for (int n = 0; n < 3; n++) {
				TestNode node = open(newDatabase()).hinting();
				nodes.add(node);
				List<RemoteChange> changes = new CopyOnWriteArrayList<>();
				received.add(changes);
				RemoteChangeListener listener = node.listen(changes::add);
				listener.watch(node.keyspace("feed"), 0);
				listeners.add(listener);
			}
			try (Statement statement = raw.createStatement()) {
				statement.execute("LISTEN level_mutex");
			}
			PostgresKeyspace ks = nodes.get(0).keyspace("feed");
			List<Set<Long>> committedBy = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
			int[] order = { 0, 0, 1, 2, 2, 2, 0, 1, 1, 0, 2, 1 };
			for (int n : order) {
				committedBy.get(n).add(nodes.get(n).commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("n" + n)))))
					.sequence());
			}
			for (int n = 0; n < 3; n++) {
				Set<Long> expected = new HashSet<>();
				for (int m = 0; m < 3; m++) {
					if (m != n) {
						expected.addAll(committedBy.get(m));
					}
				}
				List<RemoteChange> changes = received.get(n);
				await().atMost(EVENTUALLY).until(() -> sequences(changes).size() >= expected.size());
				List<Long> delivered = sequences(changes);
				assertThat(delivered).as("node " + n + ": each remote sequence once, in order, none of its own")
					.containsExactlyElementsOf(expected.stream().sorted().toList());
				assertThat(changes).allSatisfy((change) -> assertThat(change.keyspace()).isEqualTo("feed"));
			}
			// The hints themselves: sent after COMMIT by each node's after-commit worker, coalesced per keyspace
			// (a hint carries the highest sequence committed since the node's previous hint), the last one of
			// the node that committed last naming the last sequence.
			List<String> payloads = new ArrayList<>();
			while (!payloads.contains(ks.id() + ":12")) {
				PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
				assertThat(notifications).as("hints up to sequence 12, received so far: " + payloads).isNotEmpty();
				for (PGNotification notification : notifications) {
					payloads.add(hintOfThisTest(notification.getParameter()));
				}
			}
			assertThat(payloads).allSatisfy((payload) -> assertThat(payload).matches(ks.id() + ":([1-9]|1[0-2])"));
		}
		finally {
			listeners.forEach(RemoteChangeListener::close);
		}
	}

	@Test
	void whenNotificationsAreMissedOrTheListenerConnectionIsTerminatedThenPollingCatchesUp() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode listening = open(database);
		TestNode silent = TestNode.open(database, new PostgresSettings(prefix, "elsewhere",
				1024, Duration.ofSeconds(2), Duration.ofSeconds(2), 3, Duration.ofMillis(200), 100), true).hinting();
		PostgresKeyspace ks = listening.keyspace("quiet");
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		AtomicInteger calls = new AtomicInteger();
		try (RemoteChangeListener listener = listening.listen((change) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("a listener callback that throws");
			}
			changes.add(change);
		})) {
			listener.watch(ks, 0);
			await().atMost(EVENTUALLY).until(listener::isConnected);
			// Notified on another channel: this listener never gets a hint; it must poll.
			silent.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")))));
			await().atMost(EVENTUALLY).until(() -> calls.get() == 1);
			silent.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("b"), bytes("2")))));
			await().atMost(EVENTUALLY).until(() -> sequences(changes).equals(List.of(2L)));
			assertThat(listener.callbackFailures()).isEqualTo(1);
			// The listener's own connection is killed: it reconnects and catches up from the last sequence seen.
			assertThat(queryLong(database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
					+ "application_name = '" + RemoteChangeListener.APPLICATION_NAME + "'")).isEqualTo(1);
			silent.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("c"), bytes("3")))));
			silent.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("d"), bytes("4")))));
			await().atMost(EVENTUALLY).until(() -> sequences(changes).equals(List.of(2L, 3L, 4L)));
			assertThat(listener.reconnects()).isGreaterThanOrEqualTo(1);
			// Its own commits stay out of the feed, also between remote ones.
			listening.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("e"), bytes("5")))));
			silent.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("f"), bytes("6")))));
			await().atMost(EVENTUALLY).until(() -> sequences(changes).size() == 4);
			assertThat(sequences(changes)).containsExactly(2L, 3L, 4L, 6L);
		}
	}

	static List<Long> sequences(List<RemoteChange> changes) {
		List<Long> sequences = new ArrayList<>();
		for (RemoteChange change : changes) {
			assertThat(change.fromSequence()).isLessThanOrEqualTo(change.toSequence());
			for (long s = change.fromSequence(); s <= change.toSequence(); s++) {
				sequences.add(s);
			}
		}
		return sequences;
	}

}
