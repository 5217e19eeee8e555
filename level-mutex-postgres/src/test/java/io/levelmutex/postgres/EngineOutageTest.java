package io.levelmutex.postgres;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The server goes down ({@code pg_ctl stop -m immediate}) under an open engine: snapshots and commits fail with
 * {@link StorageUnavailableException} (a core type, never a driver's exception) after the connect wait, health
 * turns unavailable without blocking, and after the restart the same engine serves again, its health recovers
 * even without traffic, and remote changes made meanwhile are delivered.
 */
class EngineOutageTest extends ClusterTestSupport implements ClusterTestSupport.OwnCluster {

	@Test
	void whenTheServerIsDownThenOperationsFailTypedHealthIsDownAndTheEngineRecoversAfterRestart() {
		PGSimpleDataSource database = newDatabase();
		database.setConnectTimeout(2);
		PostgresSettings settings = fastSettings().withWaits(Duration.ofMillis(500), Duration.ofMillis(500));
		PostgresEngine node = PostgresEngine.open(database, settings, true);
		PostgresEngine idle = PostgresEngine.open(database, settings, true);
		PostgresEngine other = PostgresEngine.open(database, settings, true);
		ConcurrentLinkedQueue<long[]> remote = new ConcurrentLinkedQueue<>();
		KeyspaceStorage storage = node.open(Keyspace.forMutex("m"), true, (from, to) -> remote.add(new long[] { from, to }));
		KeyspaceStorage otherStorage = other.open(Keyspace.forMutex("m"), true, (from, to) -> {
		});
		try {
			assertThat(commit(storage, "a").sequence()).isEqualTo(1);
			cluster.crash();
			assertThatThrownBy(storage::snapshot).isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("500 ms");
			assertThatThrownBy(() -> commit(storage, "b")).isInstanceOf(StorageUnavailableException.class);
			assertThat(node.health().available()).isFalse();
			assertThat(node.health().details()).containsEntry("databaseReachable", false);
			await().atMost(30, TimeUnit.SECONDS).until(() -> !idle.health().available());
			cluster.restart();
			assertThat(commit(otherStorage, "c").sequence()).as("nothing of the failed batch took a sequence")
				.isEqualTo(2);
			await("the failed node recovers without an operation of its own").atMost(30, TimeUnit.SECONDS)
				.until(() -> node.health().available());
			await().atMost(30, TimeUnit.SECONDS).until(() -> idle.health().available());
			try (ReadSnapshot snapshot = storage.snapshot()) {
				assertThat(snapshot.sequence()).isEqualTo(2);
				assertThat(snapshot.get(ClusterTestSupport.bytes("b"))).isNull();
				assertThat(snapshot.get(ClusterTestSupport.bytes("c"))).isNotNull();
			}
			assertThat(commit(storage, "d").sequence()).isEqualTo(3);
			await().atMost(30, TimeUnit.SECONDS).until(() -> remote.stream().anyMatch((range) -> range[0] <= 2 && 2 <= range[1]));
			assertThat(node.health().details().get("listenerReconnects")).isNotEqualTo(0L);
		}
		finally {
			storage.close();
			otherStorage.close();
			node.close();
			idle.close();
			other.close();
		}
	}

	private static CommitResult commit(KeyspaceStorage storage, String key) {
		byte[] bytes = ClusterTestSupport.bytes(key);
		return storage.commit(new EngineBatch(1, List.of(EngineTestOperations.put(bytes, bytes)), List.of(bytes), List.of()));
	}

}
