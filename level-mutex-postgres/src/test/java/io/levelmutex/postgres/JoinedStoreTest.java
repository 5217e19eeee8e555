package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.RemoteChangeEvent;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Joined commits through whole stores: several nodes, each with several mutexes, so that a node's batches of
 * different keyspaces meet in joined commits. With joining off, on with one joined commit in flight and on with
 * two: no update is lost, each keyspace's flush-event sequences are 1..n each once across the nodes, every node
 * hears exactly the other nodes' batches of each keyspace, in order, and every write completes exactly once. Then
 * a mutex closed, and the store closed, while a batch of theirs is queued for a joined commit.
 */
class JoinedStoreTest extends ClusterTestSupport {

	private static final int NODES = 2;

	private static final int MUTEXES = 4;

	private static final long WAIT_SECONDS = 60; // a failure signal only

	private static MutexStore store(PGSimpleDataSource database, int joinedCommits) {
		return PostgresStore.builder(pooled(database))
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMillis(200))
			.connectWait(Duration.ofSeconds(2))
			.resolveWait(Duration.ofSeconds(30))
			.joinedCommits(joinedCommits)
			.storeOptions(StoreOptions.builder().cycleThreads(4).build())
			.open();
	}

	/** One node's view of one mutex: its own flushed sequences and the remote ranges it heard, in order. */
	static final class Recorder implements MutexListener {

		final ConcurrentLinkedQueue<Long> own = new ConcurrentLinkedQueue<>();

		final List<long[]> heard = new CopyOnWriteArrayList<>();

		@Override
		public void onFlushed(FlushEvent event) {
			if (event.succeeded() && !event.operations().isEmpty()) {
				this.own.add(event.sequence());
			}
		}

		@Override
		public void onRemoteChange(RemoteChangeEvent event) {
			this.heard.add(new long[] { event.fromSequence(), event.toSequence() });
		}

		List<Long> heardSequences() {
			List<Long> all = new ArrayList<>();
			for (long[] range : this.heard) {
				for (long s = range[0]; s <= range[1]; s++) {
					all.add(s);
				}
			}
			return all;
		}

	}

	@ParameterizedTest(name = "joinedCommits {0}")
	@ValueSource(ints = { 0, 1, 2 })
	void whenNodesUpdateCountersInSeveralMutexesThenNoUpdateIsLostSequencesAreGaplessAndRemoteChangesArriveInOrder(
			int joinedCommits) {
		Random random = new Random(20261207L + joinedCommits);
		PGSimpleDataSource database = newDatabase();
		List<MutexStore> stores = new ArrayList<>();
		// recorders.get(node).get(mutex), mutexes likewise
		List<List<Recorder>> recorders = new ArrayList<>();
		List<List<Mutex<String, String>>> mutexes = new ArrayList<>();
		try {
			for (int n = 0; n < NODES; n++) {
				MutexStore store = store(database, joinedCommits);
				stores.add(store);
				List<Recorder> nodeRecorders = new ArrayList<>();
				List<Mutex<String, String>> nodeMutexes = new ArrayList<>();
				for (int m = 0; m < MUTEXES; m++) {
					Mutex<String, String> mutex = store.mutex(
							MutexOptions.builder("joined-" + m).maxUpdateAttempts(30).build(), Codecs.utf8(),
							Codecs.utf8());
					Recorder recorder = new Recorder();
					mutex.addListener(recorder);
					nodeRecorders.add(recorder);
					nodeMutexes.add(mutex);
				}
				recorders.add(nodeRecorders);
				mutexes.add(nodeMutexes);
			}
			int clientsPerNode = 8;
			int perClient = 15;
			AtomicInteger completions = new AtomicInteger();
			ConcurrentLinkedQueue<int[]> outcomes = new ConcurrentLinkedQueue<>();
			List<CompletableFuture<Void>> clients = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				for (int c = 0; c < clientsPerNode; c++) {
					int[][] plan = new int[perClient][];
					for (int i = 0; i < perClient; i++) {
						plan[i] = new int[] { random.nextInt(MUTEXES), random.nextInt(3), random.nextInt(2) };
					}
					clients.add(run(mutexes.get(n), plan, 0, outcomes, completions));
				}
			}
			CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).join();
			assertThat(completions.get()).as("every write completed exactly once")
				.isEqualTo(NODES * clientsPerNode * perClient);
			Map<String, Integer> expected = new TreeMap<>();
			for (int[] outcome : outcomes) {
				if (outcome[2] > 0) {
					expected.merge(outcome[0] + "/" + outcome[1], 1, Integer::sum);
				}
			}
			for (int m = 0; m < MUTEXES; m++) {
				for (int k = 0; k < 3; k++) {
					int value = mutexes.get(m % NODES).get(m).get("counter/" + k).join().map(Integer::parseInt)
						.orElse(0);
					assertThat(value).as("mutex %d counter %d: every completed increment, nothing else", m, k)
						.isEqualTo(expected.getOrDefault(m + "/" + k, 0));
				}
			}
			for (int m = 0; m < MUTEXES; m++) {
				List<Long> all = new ArrayList<>();
				for (int n = 0; n < NODES; n++) {
					all.addAll(recorders.get(n).get(m).own);
				}
				assertThat(new TreeSet<>(all)).as("mutex %d: each sequence flushed once", m).hasSize(all.size());
				assertThat(new ArrayList<>(new TreeSet<>(all))).as("mutex %d: gapless from 1 across the nodes", m)
					.isEqualTo(LongStream.rangeClosed(1, all.size()).boxed().toList());
				for (int n = 0; n < NODES; n++) {
					Recorder recorder = recorders.get(n).get(m);
					TreeSet<Long> others = new TreeSet<>(all);
					others.removeAll(recorder.own);
					await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
						.until(() -> new TreeSet<>(recorder.heardSequences()).containsAll(others));
					List<Long> heard = recorder.heardSequences();
					assertThat(heard).as("node %d, mutex %d: the others' batches, each once, in order", n, m)
						.isEqualTo(new ArrayList<>(others));
				}
			}
			System.out.println("JoinedStoreTest joinedCommits " + joinedCommits + ": " + outcomes.size()
					+ " writes; health of node 0: " + stores.get(0).health().details());
		}
		finally {
			stores.forEach(MutexStore::close);
		}
	}

	/**
	 * Runs a client's plan, each write after the previous one completed: (mutex, counter, 1) an update that
	 * increments the counter, (mutex, counter, 0) a blind put of another key. Records (mutex, counter, 1) for an
	 * increment that completed, (mutex, counter, 0) for a put or a conflict.
	 */
	private static CompletableFuture<Void> run(List<Mutex<String, String>> mutexes, int[][] plan, int index,
			ConcurrentLinkedQueue<int[]> outcomes, AtomicInteger completions) {
		if (index == plan.length) {
			return CompletableFuture.completedFuture(null);
		}
		int[] step = plan[index];
		Mutex<String, String> mutex = mutexes.get(step[0]);
		CompletableFuture<?> write = (step[2] == 1)
				? mutex.update((context) -> {
					int value = context.get("counter/" + step[1]).map(Integer::parseInt).orElse(0);
					context.put("counter/" + step[1], Integer.toString(value + 1));
					return null;
				})
				: mutex.put("blind/" + step[1], Integer.toString(index));
		return write.handle((done, error) -> {
			completions.incrementAndGet();
			Throwable cause = (error != null && error.getCause() != null) ? error.getCause() : error;
			if (cause != null && !(cause instanceof WriteConflictException)) {
				throw new AssertionError("write failed", cause);
			}
			outcomes.add(new int[] { step[0], step[1], (cause == null && step[2] == 1) ? 1 : 0 });
			return null;
		}).thenCompose((ignored) -> run(mutexes, plan, index + 1, outcomes, completions));
	}

	/** A commit step that holds every commit but the joined call while holding. */
	static final class Gate implements BatchCommitter.CommitStep {

		volatile boolean holding = true;

		final Semaphore entered = new Semaphore(0);

		final CountDownLatch open = new CountDownLatch(1);

		@Override
		public ResultSet call(Connection connection, PreparedStatement call) throws SQLException {
			if (this.holding && !call.toString().contains("commit_joined")) {
				this.entered.release();
				try {
					if (!this.open.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
						throw new SQLException("the test never opened the gate");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new SQLException(ex);
				}
			}
			return call.executeQuery();
		}

	}

	@Test
	void whenAMutexAndThenTheStoreCloseWhileTheirBatchesWaitForAJoinedCommitThenEveryWriteCompletesOnceAndCommitted()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		Gate gate = new Gate();
		PostgresEngine engine = PostgresEngine.open(database, fastSettings().withJoinedCommits(1), true, gate);
		MutexStore store = MutexStore.open(engine, StoreOptions.builder().cycleThreads(4)
			.closeTimeout(Duration.ofSeconds(WAIT_SECONDS)).build());
		MutexStore checker = openStore(database);
		try {
			List<Mutex<String, String>> mutexes = new ArrayList<>();
			for (int m = 0; m < 4; m++) {
				mutexes.add(store.mutex(MutexOptions.builder("closing-" + m).build(), Codecs.utf8(), Codecs.utf8()));
			}
			JoinedCommitter joined = engine.joined();
			assertThat(joined).isNotNull();
			joined.holdSenders(true);
			// mutex 0 commits directly, held: the next batches queue (the sender is held too)
			CompletableFuture<Void> direct = mutexes.get(0).put("k", "direct");
			assertThat(gate.entered.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Void> sole = mutexes.get(1).put("k", "sole");
			CompletableFuture<Void> queued2 = mutexes.get(2).put("k", "joined-2");
			CompletableFuture<Void> queued3 = mutexes.get(3).put("k", "joined-3");
			await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> joined.queued() == 3);
			CompletableFuture<Void> closing2 = mutexes.get(2).closeAsync();
			CompletableFuture<Void> storeClosing = CompletableFuture.runAsync(store::close);
			assertThat(closing2).isNotDone();
			gate.holding = false;
			gate.open.countDown();
			joined.holdSenders(false);
			for (CompletableFuture<Void> write : List.of(direct, sole, queued2, queued3)) {
				write.get(WAIT_SECONDS, TimeUnit.SECONDS); // committed, not failed by the closes
			}
			closing2.get(WAIT_SECONDS, TimeUnit.SECONDS);
			storeClosing.get(WAIT_SECONDS, TimeUnit.SECONDS);
			for (int m = 0; m < 4; m++) {
				Mutex<String, String> read = checker.mutex(MutexOptions.builder("closing-" + m).build(), Codecs.utf8(),
						Codecs.utf8());
				assertThat(read.get("k").join()).as("mutex %d", m).isPresent();
			}
		}
		finally {
			gate.holding = false;
			gate.open.countDown();
			store.close();
			checker.close();
		}
	}

}
