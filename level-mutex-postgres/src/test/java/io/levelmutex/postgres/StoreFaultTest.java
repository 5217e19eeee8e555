package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.EngineTestOperations;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Faults under {@link PostgresStore} (and its engine): a node's batch connection terminated mid-batch, the server down, and the
 * server crashed and restarted under load from three nodes. Every future completes (a value, or a typed
 * failure: never a driver's exception), every acknowledged write survives, nothing of a batch reported not
 * applied is there, and the same mutexes serve again afterwards.
 */
class StoreFaultTest extends ClusterTestSupport implements ClusterTestSupport.OwnCluster {

	@Test
	void whenANodesBatchConnectionIsTerminatedMidBatchThenTheWritesFailTypedNothingIsAppliedAndTheMutexServesAgain()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		PGSimpleDataSource victimSource = newDatabase();
		victimSource.setApplicationName("victim");
		MutexStore victim = openStore(victimSource);
		MutexStore other = openStore(database);
		try {
			Mutex<String, String> mutex = strings(victim, "kill");
			Mutex<String, String> otherMutex = strings(other, "kill");
			otherMutex.put("base", "1").join();
			try (Connection holder = database.getConnection()) {
				holder.setAutoCommit(false);
				try (PreparedStatement lock = holder
					.prepareStatement("SELECT 1 FROM " + prefix + "keyspace WHERE name = ? FOR UPDATE")) {
					lock.setString(1, KeyspaceNames.of(Keyspace.forMutex("kill")));
					lock.executeQuery().close();
				}
				// Issued from a read's callback on its completing thread: both join the same (next) batch.
				List<CompletableFuture<Void>> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
				ReadCallbacks.onCompletingThread(mutex, "base", () -> {
					writes.add(mutex.put("base", "victim"));
					writes.add(mutex.put("new", "v"));
				}).join();
				await().atMost(Duration.ofSeconds(60)).until(() -> queryLong(database, "SELECT count(*) FROM "
						+ "pg_stat_activity WHERE application_name = 'victim' AND wait_event_type = 'Lock'") == 1);
				assertThat(queryLong(database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
						+ "WHERE application_name = 'victim' AND wait_event_type = 'Lock'")).isEqualTo(1);
				holder.rollback();
				assertThat(writes).hasSize(2);
				for (CompletableFuture<Void> write : writes) {
					assertThatThrownBy(write::join).isInstanceOf(CompletionException.class)
						.cause()
						.isInstanceOf(StorageUnavailableException.class)
						.hasMessageContaining("not applied")
						.hasMessageContaining("57P01");
				}
			}
			assertThat(otherMutex.get("base").join()).contains("1");
			assertThat(otherMutex.get("new").join()).isEmpty();
			mutex.put("after", "a").join();
			assertThat(otherMutex.get("after").join()).contains("a");
			assertThat(mutex.stats().lastSequence()).as("the killed batch left no gap").isEqualTo(2);
		}
		finally {
			victim.close();
			other.close();
		}
	}

	@Test
	void whenTheServerIsDownThenOperationsFailTypedWithinTheConnectWaitHealthIsDownAndTheMutexRecovers() {
		PGSimpleDataSource database = newDatabase();
		database.setConnectTimeout(2);
		// connectWait 2 s, not 500 ms: the same wait bounds the connections before the crash and after the restart,
		// and on a loaded machine a new connection took 650-700 ms (see the crash test below)
		MutexStore store = PostgresStore.builder(database)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMillis(200))
			.connectWait(Duration.ofSeconds(2))
			.resolveWait(Duration.ofMillis(500))
			.open();
		try {
			Mutex<String, String> mutex = strings(store, "down");
			mutex.put("k", "1").join();
			cluster.crash();
			assertThatThrownBy(() -> mutex.get("k").join()).cause()
				.isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("connectWait 2000 ms");
			assertThatThrownBy(() -> mutex.put("k", "2").join()).cause().isInstanceOf(StorageUnavailableException.class);
			await().atMost(30, TimeUnit.SECONDS).until(() -> !store.health().available());
			assertThat(store.health().healthy()).isFalse();
			assertThat(store.health().details()).containsEntry("databaseReachable", false);
			cluster.restart();
			await().atMost(30, TimeUnit.SECONDS).until(() -> store.health().available());
			assertThat(mutex.get("k").join()).as("the failed put left nothing").contains("1");
			mutex.put("k", "3").join();
			assertThat(mutex.get("k").join()).contains("3");
		}
		finally {
			store.close();
		}
	}

	@Test
	void whenTheServerCrashesAndRestartsUnderLoadThenEveryFutureCompletesAcknowledgedWritesSurviveAndNodesServeAgain()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		database.setConnectTimeout(2);
		List<MutexStore> stores = new ArrayList<>();
		List<Mutex<String, String>> mutexes = new ArrayList<>();
		for (int n = 0; n < 3; n++) {
			// connectWait 2 s, as the module's other stores: with 500 ms, opening a store (its first connection) and
			// reads after the restart failed on a loaded machine (waited 653 and 700 ms): not what this test is about
			MutexStore store = PostgresStore.builder(database)
				.tablePrefix(prefix)
				.pollInterval(Duration.ofMillis(200))
				.connectWait(Duration.ofSeconds(2))
				.resolveWait(Duration.ofMillis(500))
				.storeOptions(StoreOptions.builder().cycleThreads(2).build())
				.open();
			stores.add(store);
			mutexes.add(strings(store, "load"));
		}
		Map<String, String> acknowledged = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> notApplied = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
		AtomicInteger unknown = new AtomicInteger();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicBoolean restarted = new AtomicBoolean();
		CountDownLatch enoughBeforeCrash = new CountDownLatch(20);
		CountDownLatch failedAfterCrash = new CountDownLatch(1);
		CountDownLatch acknowledgedAfterRestart = new CountDownLatch(12);
		List<CompletableFuture<Void>> clients = new ArrayList<>();
		try {
			for (int n = 0; n < 3; n++) {
				for (int c = 0; c < 2; c++) {
					String client = n + "." + c;
					Mutex<String, String> mutex = mutexes.get(n);
					clients.add(CompletableFuture.runAsync(() -> {
						for (int i = 0; !stop.get(); i++) {
							String key = client + "/" + i;
							CompletableFuture<?> write = (i % 2 == 0) ? mutex.put(key, "v")
									: mutex.update((context) -> {
										context.get("shared/" + client);
										context.put(key, "v");
										context.put("shared/" + client, key);
										return null;
									});
							try {
								write.get(120, TimeUnit.SECONDS);
								acknowledged.put(key, "v");
								enoughBeforeCrash.countDown();
								if (restarted.get()) {
									acknowledgedAfterRestart.countDown();
								}
							}
							catch (java.util.concurrent.ExecutionException ex) {
								Throwable cause = ex.getCause();
								if (cause instanceof CommitOutcomeUnknownException) {
									unknown.incrementAndGet();
								}
								else if (cause instanceof StorageException) {
									notApplied.add(key);
								}
								else {
									unexpected.add(cause);
								}
								failedAfterCrash.countDown();
							}
							catch (Exception ex) {
								unexpected.add(ex);
								return;
							}
						}
					}));
				}
			}
			assertThat(enoughBeforeCrash.await(120, TimeUnit.SECONDS)).isTrue();
			cluster.crash();
			assertThat(failedAfterCrash.await(120, TimeUnit.SECONDS)).as("a write failed while the server was down")
				.isTrue();
			cluster.restart();
			restarted.set(true);
			assertThat(acknowledgedAfterRestart.await(120, TimeUnit.SECONDS)).as("the nodes serve again").isTrue();
			stop.set(true);
			CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
			assertThat(unexpected).as("only typed failures").isEmpty();
			// Read back through a store of its own: the nodes' 500 ms connect wait is for the outage, and after the
			// restart a connection opened on a loaded machine may take longer (a read then fails as unavailable,
			// as the README allows): the reads' wait here is a bound for a failure report
			MutexStore checker = PostgresStore.builder(database)
				.tablePrefix(prefix)
				.connectWait(Duration.ofSeconds(60))
				.resolveWait(Duration.ofSeconds(60))
				.open();
			stores.add(checker);
			Mutex<String, String> reader = strings(checker, "load");
			List<String> keys = new ArrayList<>(acknowledged.keySet());
			List<CompletableFuture<java.util.Optional<String>>> reads = new ArrayList<>();
			for (String key : keys) {
				reads.add(reader.get(key));
			}
			for (int k = 0; k < keys.size(); k++) {
				assertThat(reads.get(k).join()).as("acknowledged " + keys.get(k)).contains("v");
			}
			for (String key : notApplied) {
				assertThat(reader.get(key).join()).as("not applied " + key).isEmpty();
			}
			System.out.println("StoreFaultTest: " + acknowledged.size() + " acknowledged, " + notApplied.size()
					+ " not applied, " + unknown.get() + " unknown");
		}
		finally {
			stop.set(true);
			stores.forEach(MutexStore::close);
		}
	}

	private static Mutex<String, String> strings(MutexStore store, String name) {
		return store.mutex(MutexOptions.builder(name).build(), Codecs.utf8(), Codecs.utf8());
	}

	/**
	 * At the engine level: snapshots and commits fail with {@link StorageUnavailableException} after the connect
	 * wait, health turns unavailable without blocking, and after the restart the same engine serves again, its
	 * health recovers even without an operation of its own, and remote changes made meanwhile are delivered.
	 */
	@Test
	void whenTheServerIsDownThenEngineOperationsFailTypedHealthIsDownAndTheEngineRecoversAfterRestart() {
		PGSimpleDataSource database = newDatabase();
		database.setConnectTimeout(2);
		PostgresSettings settings = fastSettings().withWaits(Duration.ofSeconds(2), Duration.ofMillis(500));
		PostgresEngine node = PostgresEngine.open(database, settings, true);
		PostgresEngine idle = PostgresEngine.open(database, settings, true);
		PostgresEngine other = PostgresEngine.open(database, settings, true);
		ConcurrentLinkedQueue<long[]> remote = new ConcurrentLinkedQueue<>();
		KeyspaceStorage storage = node.open(Keyspace.forMutex("m"), true, (from, to) -> remote.add(new long[] { from, to }));
		KeyspaceStorage otherStorage = other.open(Keyspace.forMutex("m"), true, (from, to) -> {
		});
		try {
			assertThat(engineCommit(storage, "a").sequence()).isEqualTo(1);
			cluster.crash();
			assertThatThrownBy(storage::snapshot).isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("connectWait 2000 ms");
			assertThatThrownBy(() -> engineCommit(storage, "b")).isInstanceOf(StorageUnavailableException.class);
			assertThat(node.health().available()).isFalse();
			assertThat(node.health().details()).containsEntry("databaseReachable", false);
			await().atMost(30, TimeUnit.SECONDS).until(() -> !idle.health().available());
			cluster.restart();
			assertThat(engineCommit(otherStorage, "c").sequence()).as("nothing of the failed batch took a sequence")
				.isEqualTo(2);
			await("the failed node recovers without an operation of its own").atMost(30, TimeUnit.SECONDS)
				.until(() -> node.health().available());
			await().atMost(30, TimeUnit.SECONDS).until(() -> idle.health().available());
			try (ReadSnapshot snapshot = storage.snapshot()) {
				assertThat(snapshot.sequence()).isEqualTo(2);
				assertThat(snapshot.get(ClusterTestSupport.bytes("b"))).isNull();
				assertThat(snapshot.get(ClusterTestSupport.bytes("c"))).isNotNull();
			}
			assertThat(engineCommit(storage, "d").sequence()).isEqualTo(3);
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

	private static CommitResult engineCommit(KeyspaceStorage storage, String key) {
		byte[] bytes = ClusterTestSupport.bytes(key);
		return storage.commit(new EngineBatch(1, List.of(EngineTestOperations.put(bytes, bytes)), List.of(bytes), List.of()));
	}

}
