package io.levelmutex.postgres;

import static io.levelmutex.postgres.EngineCommits.commitWrites;
import static io.levelmutex.postgres.EngineCommits.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.KeyspaceStorage;

/**
 * A node leaves out the hint of a commit that another node's hint of a later sequence covers (every listener
 * catches up after hearing that one), and no remote change is lost or delayed past a hint for it: three nodes
 * commit to one keyspace at once (contended commits, left out hints), with an hour's poll interval, so every
 * delivery is caused by a hint or a listener's wait for a flush; each node's listener delivers every other node's
 * sequence exactly once, never its own, and every listener heard the last hint.
 */
class CoveredHintTest extends ClusterTestSupport {

	private static final int NODES = 3;

	private static final int COMMITS = 60;

	@Test
	void whenNodesCommitTogetherThenEveryRemoteSequenceIsDeliveredOnceWhateverHintsAreLeftOut() throws Exception {
		PGSimpleDataSource database = newDatabase();
		PostgresSettings settings = fastSettings().withPollInterval(Duration.ofHours(1));
		List<PostgresEngine> engines = new ArrayList<>();
		List<KeyspaceStorage> storages = new ArrayList<>();
		List<ConcurrentLinkedQueue<long[]>> remote = new ArrayList<>();
		List<Set<Long>> own = new ArrayList<>();
		try {
			for (int n = 0; n < NODES; n++) {
				PostgresEngine engine = PostgresEngine.open(database, settings, true);
				engines.add(engine);
				// opened one after the other: the listeners' sessions start in the engines' order
				await().atMost(30, TimeUnit.SECONDS).until(() -> engine.listener().isConnected()
						&& engine.listener().listenerCounts() >= 1);
				ConcurrentLinkedQueue<long[]> changes = new ConcurrentLinkedQueue<>();
				remote.add(changes);
				own.add(new ConcurrentSkipListSet<>());
				storages.add(engine.open(Keyspace.forMutex("covered"), true,
						(from, to) -> changes.add(new long[] { from, to })));
			}
			// A listener counts the others when it connects (and every hour here): the first ones counted before the
			// later ones existed. Their sessions are ended oldest first, one at a time; each reconnects and counts the
			// others, so every node hints.
			for (int n = 0; n < NODES - 1; n++) {
				RemoteChangeListener listener = engines.get(n).listener();
				long reconnects = listener.reconnects();
				try (java.sql.Connection admin = database.getConnection();
						java.sql.Statement statement = admin.createStatement()) {
					statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
							+ " AND application_name = '" + RemoteChangeListener.APPLICATION_NAME + "'"
							+ " ORDER BY backend_start LIMIT 1");
				}
				await().atMost(30, TimeUnit.SECONDS).until(() -> listener.reconnects() > reconnects
						&& listener.isConnected() && listener.othersMayListen());
			}
			for (PostgresEngine engine : engines) {
				assertThat(engine.listener().othersMayListen()).as("every node hints").isTrue();
			}
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> writers = new ArrayList<>();
			List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
			for (int n = 0; n < NODES; n++) {
				int node = n;
				Thread writer = new Thread(() -> {
					try {
						start.await();
						for (int i = 0; i < COMMITS; i++) {
							own.get(node).add(commitWrites(storages.get(node), put("k" + node + "-" + i, "v")).sequence());
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				}, "writer-" + n);
				writer.start();
				writers.add(writer);
			}
			start.countDown();
			for (Thread writer : writers) {
				writer.join(TimeUnit.SECONDS.toMillis(120));
			}
			assertThat(failures).isEmpty();
			long last = NODES * COMMITS;
			for (int n = 0; n < NODES; n++) {
				Set<Long> expected = new TreeSet<>();
				for (long s = 1; s <= last; s++) {
					if (!own.get(n).contains(s)) {
						expected.add(s);
					}
				}
				int node = n;
				await().atMost(60, TimeUnit.SECONDS).until(() -> delivered(remote.get(node)).size() >= expected.size());
				assertThat(delivered(remote.get(n))).as("node %d: every other node's sequence once, in order", n)
					.containsExactlyElementsOf(expected);
				int id = ((PostgresKeyspaceStorage) storages.get(n)).keyspace().id();
				await().atMost(60, TimeUnit.SECONDS).until(() -> engines.get(node).listener().heardHint(id) == last);
			}
			long covered = 0;
			for (PostgresEngine engine : engines) {
				covered += engine.afterCommit().hintsCovered();
			}
			// how many were left out depends on timing: reported, not asserted
			System.out.println("CoveredHintTest: " + covered + " keyspace hints left out of " + last + " commits");
		}
		finally {
			for (KeyspaceStorage storage : storages) {
				storage.close();
			}
			for (PostgresEngine engine : engines) {
				engine.close();
			}
		}
	}

	private static WriteOperation put(String key, String value) {
		return EngineTestOperations.put(bytes(key), bytes(value));
	}

}
