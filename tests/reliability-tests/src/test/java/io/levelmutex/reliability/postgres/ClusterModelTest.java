package io.levelmutex.reliability.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.postgres.test.PostgresClusterExtension;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded runs of three nodes on one database against a model, under faults, each node's store with a cycle pool of
 * ONE thread and most callers blocking in {@code join()} (so that callers claim and run their mutex's cycle): per node
 * three clients run increments and appends ({@code update()}, read-modify-write and {@code peekLast}), puts, deletes,
 * reads and bursts closed by {@code afterWrite()} on two mutexes (keyspaces), while {@link ClusterFaults} terminates
 * remote-change listeners, commits in flight (the function, the released procedure, the one-write statement, their
 * flushes), reads and outcome resolutions, and holds keyspace locks (queueing every node's commits, which then take
 * the released route). {@link ModelCheck} then holds the run to the README's guarantees: every operation completes
 * exactly once and typed; no update is lost across nodes; what was applied is what the outcomes say (an unknown
 * outcome as the batch log tells); every node's mutex is told of every batch of its keyspace exactly once, its own
 * through {@code onFlushed} and the others' through {@code onRemoteChange}, in sequence order, also across listener
 * reconnects; every terminated listener reconnected.
 *
 * <p>Seeds: {@code reliability.pgModelSeeds} of them (default 2, {@code -Pstress} 20) from
 * {@code reliability.seed + 95000}.
 */
class ClusterModelTest {

	static final int NODES = 3;

	static final int CLIENTS_PER_NODE = 3;

	static final int COUNTERS = 3;

	static final List<String> MUTEXES = List.of("alpha", "beta");

	/** Bounds of waits that only fail a broken run (never waited this long when it passes). */
	static final Duration WAIT = Duration.ofMinutes(2);

	/**
	 * How long the remote changes may take to reach every node once the load stopped (polls: under a second when
	 * quiet). A bound for the failure report only, as long as {@link #WAIT}: CI's loaded 2 cores ran the default build
	 * 2.5 times slower than a quiet machine, and a listener reconnecting after a fault backs off and catches up first.
	 */
	static final Duration DELIVERY_WAIT = WAIT;

	@RegisterExtension
	static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();

	static Stream<Long> seeds() {
		int count = Settings.intSetting("pgModelSeeds", 2);
		return LongStream.range(0, count).mapToObj((i) -> Settings.seed() + 95_000 + i);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void whenNodesWithOneCycleThreadRunUnderFaultsThenEveryGuaranteeHoldsAgainstTheModel(long seed) throws Exception {
		System.out.println("[reliability] postgres cluster model seed " + seed);
		Random random = new Random(seed);
		Duration resolveWait = Duration.ofMillis(400 + random.nextInt(400));
		int commitDelayMicros = List.of(0, 5_000, 30_000).get(random.nextInt(3));
		PgNode.Config config = new PgNode.Config(Duration.ofMillis(100 + random.nextInt(300)), Duration.ofSeconds(5),
				resolveWait, 1, "-c commit_delay=" + commitDelayMicros + " -c commit_siblings=0");
		try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "model_" + seed, NODES, config)) {
			List<Map<String, DeliveryRecorder>> recorders = new ArrayList<>();
			List<Map<String, Mutex<String, String>>> mutexes = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				Map<String, DeliveryRecorder> nodeRecorders = new TreeMap<>();
				Map<String, Mutex<String, String>> nodeMutexes = new TreeMap<>();
				for (String name : MUTEXES) {
					Mutex<String, String> mutex = nodes.mutex(n, name);
					DeliveryRecorder recorder = new DeliveryRecorder(name + " on node " + n);
					mutex.addListener(recorder);
					nodeRecorders.put(name, recorder);
					nodeMutexes.put(name, mutex);
				}
				recorders.add(nodeRecorders);
				mutexes.add(nodeMutexes);
			}
			ConcurrentLinkedQueue<ModelOp> ops = new ConcurrentLinkedQueue<>();
			ModelClient.Shared shared = new ModelClient.Shared();
			List<Thread> clients = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				for (int c = 0; c < CLIENTS_PER_NODE; c++) {
					ModelClient client = new ModelClient(mutexes.get(n), n, c, 15 + random.nextInt(15), COUNTERS,
							random.nextLong(), ops, shared);
					Thread thread = new Thread(client, "model-n" + n + "c" + c);
					thread.setDaemon(true);
					clients.add(thread);
				}
			}
			long started = System.nanoTime();
			Map<String, Integer> faults;
			try (ClusterFaults injector = new ClusterFaults(nodes, MUTEXES, resolveWait, random.nextLong()).start()) {
				clients.forEach(Thread::start);
				for (Thread client : clients) {
					client.join(WAIT.toMillis());
					assertThat(client.isAlive()).as("client %s still blocked after %s (seed %d)", client.getName(), WAIT,
							seed).isFalse();
				}
				injector.close();
				faults = injector.counts();
				assertThat(injector.errors()).as("the fault injector's own failures (seed %d)", seed).isEmpty();
			}
			long loaded = System.nanoTime();
			assertThat(shared.violations).as("seen while running (seed %d)", seed).isEmpty();
			Awaitility.await().atMost(WAIT).until(() -> ops.stream().allMatch((op) -> op.completions.get() > 0));
			Map<String, BatchLog.Rows> logs = new TreeMap<>();
			Map<String, Map<String, String>> contents = new TreeMap<>();
			for (String name : MUTEXES) {
				logs.put(name, BatchLog.rows(nodes, name));
				contents.put(name, contents(mutexes.get(0).get(name)));
			}
			awaitDeliveries(recorders, logs);
			System.out.println("[reliability] cluster model seed " + seed + ": load " + millis(started, loaded)
					+ " ms, then deliveries complete " + millis(loaded, System.nanoTime()) + " ms");
			List<String> violations = new ModelCheck(ops, recorders, logs, contents).check();
			assertThat(violations).as("the model's verdict (seed %d, faults %s)", seed, faults).isEmpty();
			// a listener counts its reconnect when its thread notices the lost connection, which a loaded machine may
			// schedule after the deliveries were complete (a listener terminated after the last batch it had to tell)
			int terminated = faults.getOrDefault("listener", 0);
			try {
				Awaitility.await().atMost(WAIT).pollInterval(50, TimeUnit.MILLISECONDS)
					.until(() -> listenerReconnects(nodes) >= terminated);
			}
			catch (ConditionTimeoutException ex) {
				// the assertion below reports the counts
			}
			assertThat(listenerReconnects(nodes)).as("listener reconnects of all nodes (seed %d)", seed)
				.isGreaterThanOrEqualTo(terminated);
			report(seed, ops, recorders, logs, faults, commitDelayMicros);
		}
	}

	/**
	 * Waits until every node's mutex was told of as many sequences as its keyspace's batch log holds, for at most
	 * {@link #DELIVERY_WAIT} (then the check says what is missing).
	 */
	private static void awaitDeliveries(List<Map<String, DeliveryRecorder>> recorders, Map<String, BatchLog.Rows> logs) {
		long deadline = System.nanoTime() + DELIVERY_WAIT.toNanos();
		for (Map<String, DeliveryRecorder> node : recorders) {
			for (Map.Entry<String, DeliveryRecorder> mutex : node.entrySet()) {
				DeliveryRecorder recorder = mutex.getValue();
				BatchLog.Rows log = logs.get(mutex.getKey());
				long unknownInLog = recorder.unknownBatches().stream().filter((batch) -> log.find(batch) != null).count();
				try {
					Awaitility.await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
						.pollInterval(50, TimeUnit.MILLISECONDS)
						.until(() -> recorder.deliveredCount() + recorder.own().size() + unknownInLog
								>= log.bySequence().size());
				}
				catch (ConditionTimeoutException ex) {
					return; // the check reports what was not delivered
				}
			}
		}
	}

	private static long listenerReconnects(PgNodes nodes) {
		long reconnects = 0;
		for (int n = 0; n < NODES; n++) {
			reconnects += ((Number) nodes.store(n).health().details().get("listenerReconnects")).longValue();
		}
		return reconnects;
	}

	private static long millis(long from, long to) {
		return TimeUnit.NANOSECONDS.toMillis(to - from);
	}

	private static Map<String, String> contents(Mutex<String, String> mutex) {
		Map<String, String> out = new HashMap<>();
		for (Entry<String, String> entry : mutex.scan(KeyRange.<String>all(), 1_000_000).join()) {
			out.put(entry.key(), entry.value());
		}
		return out;
	}

	private static void report(long seed, ConcurrentLinkedQueue<ModelOp> ops, List<Map<String, DeliveryRecorder>> recorders,
			Map<String, BatchLog.Rows> logs, Map<String, Integer> faults, int commitDelayMicros) {
		Map<String, Integer> outcomes = new TreeMap<>();
		for (ModelOp op : ops) {
			outcomes.merge(op.kind + "." + op.outcome, 1, Integer::sum);
		}
		long batches = logs.values().stream().mapToLong((log) -> log.bySequence().size()).sum();
		long ranges = recorders.stream().flatMap((node) -> node.values().stream()).mapToLong(DeliveryRecorder::ranges)
			.sum();
		String suite = "postgres.clusterModel";
		Report.figure(suite, "seed", seed);
		Report.figure(suite, "commitDelayMicros", commitDelayMicros);
		Report.figure(suite, "operations", ops.size());
		Report.figure(suite, "outcomes", outcomes);
		Report.figure(suite, "batches", batches);
		Report.figure(suite, "remoteRanges", ranges);
		Report.figure(suite, "faults", faults);
	}

}
