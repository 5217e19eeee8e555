package io.levelmutex.postgres;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.KeyspaceStorage;

import static io.levelmutex.postgres.EngineCommits.commitWrites;
import static io.levelmutex.postgres.EngineCommits.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node's own hints (one after each of its commits) wake its listener, which recognises them from the sequences
 * its storages told it and reads nothing; another node's hint, or one that names a sequence the node did not tell,
 * still makes it read and deliver, each remote sequence once, never its own. The poll interval is an hour, so
 * every read counted here was caused by a hint.
 */
class OwnHintTest extends ClusterTestSupport {

	@Test
	void whenANodeCommitsAloneThenItsOwnHintsCostItsListenerNoReadAndRemoteCommitsAreStillDelivered() {
		PGSimpleDataSource database = newDatabase();
		PostgresSettings settings = fastSettings().withPollInterval(Duration.ofHours(1));
		ConcurrentLinkedQueue<long[]> remote = new ConcurrentLinkedQueue<>();
		PostgresEngine node = PostgresEngine.open(database, settings, true);
		PostgresEngine other = PostgresEngine.open(database, settings, true);
		try {
			KeyspaceStorage mine = node.open(Keyspace.forMutex("alone"), true,
					(from, to) -> remote.add(new long[] { from, to }));
			KeyspaceStorage theirs = other.open(Keyspace.forMutex("alone"), true, (from, to) -> {
			});
			try {
				RemoteChangeListener listener = node.listener();
				await().atMost(30, TimeUnit.SECONDS).until(() -> listener.isConnected() && listener.catchUps() >= 1);
				long before = listener.catchUps();
				for (int i = 0; i < 30; i++) {
					commitWrites(mine, put("k" + i, "v"));
				}
				long remoteSequence = commitWrites(theirs, put("r", "1")).sequence();
				await().atMost(30, TimeUnit.SECONDS).until(() -> delivered(remote).contains(remoteSequence));
				commitWrites(mine, put("k", "after"));
				long last = commitWrites(theirs, put("r", "2")).sequence();
				await().atMost(30, TimeUnit.SECONDS).until(() -> delivered(remote).contains(last));
				assertThat(delivered(remote)).as("each remote sequence once, never the node's own")
					.containsExactly(remoteSequence, last);
				assertThat(listener.catchUps() - before)
					.as("reads caused by hints: the other node's two (its own 31 hints cost none)")
					.isLessThanOrEqualTo(2);
			}
			finally {
				mine.close();
				theirs.close();
			}
		}
		finally {
			node.close();
			other.close();
		}
	}



	private static WriteOperation put(String key, String value) {
		return EngineTestOperations.put(bytes(key), bytes(value));
	}

}
