package io.levelmutex.postgres;

import static io.levelmutex.postgres.EngineCommits.commitWrites;
import static io.levelmutex.postgres.EngineCommits.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.KeyspaceStorage;

/**
 * Two clusters of nodes share one database and one notification channel (the default one) with different table
 * prefixes, so their keyspaces have the same ids: a hint of one cluster says nothing about the other's keyspaces.
 * Before hints named their prefix, cluster A's nodes took cluster B's hint of keyspace 1 at sequence 10 as a hint of
 * their own keyspace 1, and each left out the hint of its own commits 1 and 2 as "covered" by it: with an hour's
 * poll interval, the other node of A never learnt of them (failed first: no delivery within the wait).
 */
class SharedChannelTest extends ClusterTestSupport {

	private static final int B_COMMITS = 10;

	@Test
	void whenClustersWithOtherTablePrefixesShareTheChannelThenTheirHintsNeitherCoverNorWakeEachOther()
			throws Exception {
		PGSimpleDataSource database = ownDatabase();
		PostgresSettings a = fastSettings().withTablePrefix(prefix + "a_").withPollInterval(Duration.ofHours(1));
		PostgresSettings b = fastSettings().withTablePrefix(prefix + "b_").withPollInterval(Duration.ofHours(1));
		List<PostgresEngine> engines = new ArrayList<>();
		List<KeyspaceStorage> storages = new ArrayList<>();
		try {
			PostgresEngine a1 = open(engines, database, a);
			PostgresEngine a2 = open(engines, database, a);
			PostgresEngine b1 = open(engines, database, b);
			PostgresEngine b2 = open(engines, database, b);
			ConcurrentLinkedQueue<long[]> a1Remote = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<long[]> a2Remote = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<long[]> b2Remote = new ConcurrentLinkedQueue<>();
			KeyspaceStorage a1Storage = watch(storages, a1, a1Remote);
			KeyspaceStorage a2Storage = watch(storages, a2, a2Remote);
			KeyspaceStorage b1Storage = watch(storages, b1, new ConcurrentLinkedQueue<>());
			KeyspaceStorage b2Storage = watch(storages, b2, b2Remote);
			int idA = ((PostgresKeyspaceStorage) a1Storage).keyspace().id();
			int idB = ((PostgresKeyspaceStorage) b1Storage).keyspace().id();
			assertThat(idB).as("the two prefixes' keyspaces have the same id").isEqualTo(idA);
			assertThat(b2Storage).isNotNull();
			// Every listener counted the others (each hints) once all four listen: end the sessions of the first
			// three, oldest first; each reconnects and counts again.
			for (PostgresEngine engine : engines.subList(0, 3)) {
				reconnect(database, engine.listener());
			}
			for (PostgresEngine engine : engines) {
				assertThat(engine.listener().othersMayListen()).isTrue();
			}
			// Cluster B commits 1..10 and hints; its other node hears the hint of 10 (and delivers 1..10).
			for (int i = 0; i < B_COMMITS; i++) {
				commitWrites(b1Storage, put("b" + i));
			}
			await().atMost(60, TimeUnit.SECONDS).until(() -> b2.listener().heardHint(idB) == B_COMMITS);
			await().atMost(60, TimeUnit.SECONDS).until(() -> delivered(b2Remote).size() == B_COMMITS);
			// A's listeners heard every notification B2 heard (all four listened before B's first commit).
			long heard = b2.listener().notificationsHeard();
			await().atMost(60, TimeUnit.SECONDS).until(() -> a1.listener().notificationsHeard() >= heard
					&& a2.listener().notificationsHeard() >= heard);
			assertThat(a1.listener().heardHint(idA)).as("B's hint is not A's").isZero();
			assertThat(a2.listener().heardHint(idA)).as("B's hint is not A's").isZero();
			// Cluster A: each node commits once; each must learn of the other's commit from its hint.
			assertThat(commitWrites(a1Storage, put("a1")).sequence()).isEqualTo(1);
			await().atMost(60, TimeUnit.SECONDS).until(() -> delivered(a2Remote).size() >= 1);
			assertThat(commitWrites(a2Storage, put("a2")).sequence()).isEqualTo(2);
			await().atMost(60, TimeUnit.SECONDS).until(() -> delivered(a1Remote).size() >= 1);
			assertThat(delivered(a2Remote)).containsExactly(1L);
			assertThat(delivered(a1Remote)).containsExactly(2L);
			assertThat(a1.afterCommit().hintsCovered() + a2.afterCommit().hintsCovered()).isZero();
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

	private static PostgresEngine open(List<PostgresEngine> engines, PGSimpleDataSource database,
			PostgresSettings settings) {
		PostgresEngine engine = PostgresEngine.open(database, settings, true);
		engines.add(engine);
		await().atMost(30, TimeUnit.SECONDS)
			.until(() -> engine.listener().isConnected() && engine.listener().listenerCounts() >= 1);
		return engine;
	}

	private static KeyspaceStorage watch(List<KeyspaceStorage> storages, PostgresEngine engine,
			ConcurrentLinkedQueue<long[]> remote) {
		KeyspaceStorage storage = engine.open(Keyspace.forMutex("shared"), true,
				(from, to) -> remote.add(new long[] { from, to }));
		storages.add(storage);
		return storage;
	}

	private static void reconnect(PGSimpleDataSource database, RemoteChangeListener listener) throws Exception {
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

	private static WriteOperation put(String key) {
		return EngineTestOperations.put(bytes(key), bytes("v"));
	}

}
