package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.levelmutex.postgres.test.PostgresClusterExtension;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every node learns of every batch: three nodes increment counters of one keyspace; each node's own
 * {@code flushed} sequences and the ranges its {@code onRemoteChange} listener receives together cover every
 * sequence of the keyspace (as the batch log counts them) exactly once. Then the remote-change listener's
 * session of every node is terminated ({@code pg_terminate_backend}: notifications sent until it reconnects
 * are lost), more batches are committed, and the coverage is exact again: the polling fallback caught up.
 */
class RemoteChangeCoverageTest {

	static final int NODES = 3;

	static final String MUTEX = "feed";

	@RegisterExtension
	static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();

	@Test
	void whenNodesCommitThenEveryOtherNodeSeesEverySequenceExactlyOnceAlsoAfterItsListenerIsTerminated()
			throws Exception {
		long seed = Settings.seed() + 90_000;
		try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "remote", NODES)) {
			List<SequenceWatcher> watchers = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				SequenceWatcher watcher = new SequenceWatcher();
				nodes.mutex(n, MUTEX).addListener(watcher);
				watchers.add(watcher);
			}
			List<String> lines = Collections.synchronizedList(new ArrayList<>());
			long first = runLoadAndAwaitCoverage(nodes, watchers, "a", seed, lines);
			// Every node's listener loses its session: notifications sent until it is back are lost.
			int terminated = nodes.terminateListeners();
			assertThat(terminated).as("listener sessions terminated, one per node").isEqualTo(NODES);
			long second = runLoadAndAwaitCoverage(nodes, watchers, "b", seed + 1, lines);
			assertThat(second).as("batches after the terminations").isGreaterThan(first);
			long remoteRanges = watchers.stream().mapToLong(SequenceWatcher::remoteRanges).sum();
			Report.figure("postgres.remoteChanges", "batches", second);
			Report.figure("postgres.remoteChanges", "remoteRangesDelivered", remoteRanges);
			Report.figure("postgres.remoteChanges", "sessionsTerminated", terminated);
		}
	}

	/** Runs a load to its end, then waits until every node covered every sequence; returns the last one. */
	private static long runLoadAndAwaitCoverage(PgNodes nodes, List<SequenceWatcher> watchers, String run, long seed,
			List<String> lines) throws Exception {
		CounterLoad load = new CounterLoad(nodes, MUTEX, run, 3, 4, seed, lines).start();
		load.awaitAcks(150);
		CounterLoad.Result result = load.stopAndCheck();
		assertThat(result.log().defects).as("raw failures or hangs").isEmpty();
		assertThat(result.log().typedFailures).as("failures other than conflicts").isEmpty();
		assertThat(result.verdict().violations()).as("final state").isEmpty();
		long last = BatchLog.read(nodes, MUTEX).sequence();
		for (int n = 0; n < NODES; n++) {
			SequenceWatcher watcher = watchers.get(n);
			Awaitility.await().atMost(CounterLoad.WAIT).until(() -> watcher.covers(last));
			assertThat(watcher.problems(last)).as("node %d's coverage of sequences 1..%d", n, last).isEmpty();
			assertThat(watcher.ownBatches()).as("node %d committed batches itself", n).isPositive();
		}
		return last;
	}

}
