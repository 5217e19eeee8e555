package io.levelmutex.reliability.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.postgres.test.PostgresClusterExtension;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults under load from three nodes in this JVM ({@link CounterLoad}): a node's busy sessions terminated
 * ({@code pg_terminate_backend}) in the middle of its batches; the server crashed ({@code pg_ctl stop -m
 * immediate}) and restarted; a foreign transaction holding the keyspace's row. Every future completes,
 * normally or with a typed {@link io.levelmutex.LevelMutexException} (never a raw driver exception); every
 * acknowledged increment survives; an increment reported as not applied is absent; counters equal their
 * markers; every node reports the server's absence in its health while it is down; and every node commits
 * again afterwards without being reopened.
 *
 * <p>Rounds: {@code reliability.pgFaultRounds}; round {@code r} uses seed {@code reliability.seed + 80000 + r}
 * (terminations) or {@code + 85000 + r} (crashes).
 */
class NodeFaultTest {

	static final int NODES = 3;

	static final int TERMINATIONS_PER_ROUND = 6;

	@RegisterExtension
	static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();

	@Test
	void whenANodesSessionsAreTerminatedMidBatchThenEveryFutureCompletesTypedAndNothingAcknowledgedIsLost()
			throws Exception {
		int rounds = Settings.intSetting("pgFaultRounds", 1);
		long terminated = 0;
		long acknowledged = 0;
		long failed = 0;
		long lost = 0;
		long unknown = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 80_000 + round;
			int victim = round % NODES;
			try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "terminate_" + round, NODES)) {
				CounterLoad load = new CounterLoad(nodes, "counters", 4, 4, seed).start();
				load.awaitAcks(60);
				int hits = 0;
				for (int attempt = 0; attempt < 200 && hits < TERMINATIONS_PER_ROUND; attempt++) {
					// Between attempts the load makes progress (or fails typed): no fixed pause.
					long progress = load.acks() + load.failures();
					Awaitility.await().atMost(CounterLoad.WAIT).until(() -> load.acks() + load.failures() > progress);
					hits += nodes.terminateBusySessions(victim);
				}
				assertThat(hits).as("terminations of busy sessions (seed %d)", seed).isPositive();
				load.awaitEveryNodeCommits(20);
				CounterLoad.Result result = load.stopAndCheck();
				System.out.printf("[reliability] postgres terminate round %d seed=%d victim=n%d terminated=%d acks=%d "
						+ "typedFailures=%d unknownApplied=%d%n", round, seed, victim, hits,
						result.log().acknowledged.size(), result.log().typedFailures.size(),
						result.verdict().unknownApplied());
				result.log().typedFailures.stream().limit(5).forEach((line) -> System.out.println("[reliability]   " + line));
				assertThat(result.log().defects).as("raw failures or hangs (seed %d)", seed).isEmpty();
				assertThat(result.verdict().violations()).as("final state (seed %d)", seed).isEmpty();
				terminated += hits;
				acknowledged += result.log().acknowledged.size();
				failed += result.log().typedFailures.size();
				lost += result.verdict().lost();
				unknown += result.log().unknown.size();
			}
		}
		Report.figure("postgres.terminate", "rounds", rounds);
		Report.figure("postgres.terminate", "busySessionsTerminated", terminated);
		Report.figure("postgres.terminate", "acknowledgedIncrements", acknowledged);
		Report.figure("postgres.terminate", "typedFailures", failed);
		Report.figure("postgres.terminate", "lost", lost);
		Report.figure("postgres.terminate", "outcomesUnknown", unknown);
	}

	@Test
	void whenTheServerCrashesUnderLoadThenAcknowledgedWritesSurviveAndEveryNodeServesAgain() throws Exception {
		int rounds = Settings.intSetting("pgFaultRounds", 1);
		long acknowledged = 0;
		long failed = 0;
		long lost = 0;
		long unknown = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 85_000 + round;
			try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "crash_" + round, NODES)) {
				CounterLoad load = new CounterLoad(nodes, "counters", 4, 4, seed).start();
				load.awaitAcks(60 + new java.util.Random(seed).nextInt(200));
				long failuresBefore = load.failures();
				POSTGRES.cluster().crash();
				try {
					// While the server is down every node reports it, and calls fail typed after their bounded wait.
					for (int n = 0; n < NODES; n++) {
						MutexStore store = nodes.store(n);
						Awaitility.await().atMost(CounterLoad.WAIT).until(() -> !store.health().available());
					}
					Awaitility.await().atMost(CounterLoad.WAIT).until(() -> load.failures() > failuresBefore);
				}
				finally {
					POSTGRES.cluster().restart();
				}
				load.awaitEveryNodeCommits(20);
				for (int n = 0; n < NODES; n++) {
					MutexStore store = nodes.store(n);
					Awaitility.await().atMost(CounterLoad.WAIT).until(() -> store.health().available());
				}
				CounterLoad.Result result = load.stopAndCheck();
				System.out.printf("[reliability] postgres server crash round %d seed=%d acks=%d typedFailures=%d "
						+ "unknownApplied=%d%n", round, seed, result.log().acknowledged.size(),
						result.log().typedFailures.size(), result.verdict().unknownApplied());
				result.log().typedFailures.stream().limit(5).forEach((line) -> System.out.println("[reliability]   " + line));
				assertThat(result.log().defects).as("raw failures or hangs (seed %d)", seed).isEmpty();
				assertThat(result.verdict().violations()).as("final state (seed %d)", seed).isEmpty();
				acknowledged += result.log().acknowledged.size();
				failed += result.log().typedFailures.size();
				lost += result.verdict().lost();
				unknown += result.log().unknown.size();
			}
		}
		Report.figure("postgres.serverCrash", "rounds", rounds);
		Report.figure("postgres.serverCrash", "acknowledgedIncrements", acknowledged);
		Report.figure("postgres.serverCrash", "typedFailures", failed);
		Report.figure("postgres.serverCrash", "lost", lost);
		Report.figure("postgres.serverCrash", "outcomesUnknown", unknown);
	}

	@Test
	void whenAForeignTransactionHoldsTheKeyspaceThenCommitsWaitAndThenComplete() throws Exception {
		try (PgNodes nodes = PgNodes.open(POSTGRES.cluster(), "lockwait", NODES)) {
			List<Mutex<String, String>> mutexes = nodes.mutexes("counters");
			for (int n = 0; n < NODES; n++) {
				Counters.increment(mutexes.get(n), Counters.counterKey(0), Counters.markerKey(nodes.name(n), "w", 0, 0),
						CounterClients.MAX_ATTEMPTS).get(1, TimeUnit.MINUTES);
			}
			List<CompletableFuture<?>> writes = new ArrayList<>();
			try (Connection foreign = nodes.admin()) {
				foreign.setAutoCommit(false);
				try (PreparedStatement lock = foreign.prepareStatement(
						"SELECT seq FROM " + BatchLog.PREFIX + "keyspace WHERE name = ? FOR UPDATE")) {
					lock.setString(1, BatchLog.keyspaceName("counters"));
					try (ResultSet rows = lock.executeQuery()) {
						assertThat(rows.next()).as("the keyspace's row").isTrue();
					}
				}
				for (int n = 0; n < NODES; n++) {
					for (int i = 1; i <= 5; i++) {
						writes.add(Counters.increment(mutexes.get(n), Counters.counterKey(i % 2),
								Counters.markerKey(nodes.name(n), "w", 0, i), CounterClients.MAX_ATTEMPTS));
						writes.add(mutexes.get(n).put("p/" + n + "/" + i, "v"));
					}
				}
				// Every node's commit waits for the row lock.
				Awaitility.await().atMost(CounterLoad.WAIT).until(() -> lockWaiters(nodes) >= NODES);
				assertThat(writes).as("nothing commits past the foreign transaction's lock")
					.noneMatch((write) -> write.isDone() && !write.isCompletedExceptionally());
				foreign.commit();
			}
			for (CompletableFuture<?> write : writes) {
				write.get(2, TimeUnit.MINUTES);
			}
			Counters.State state = Counters.read(mutexes.get(0));
			assertThat(state.mismatches()).isEmpty();
			assertThat(state.total()).isEqualTo(NODES + 5L * NODES);
			assertThat(state.others()).as("the plain puts").hasSize(5 * NODES);
			Report.figure("postgres.lockWait", "writesDelayedThenCompleted", writes.size());
		}
	}

	private static long lockWaiters(PgNodes nodes) throws SQLException {
		try (Connection connection = nodes.admin(); PreparedStatement statement = connection.prepareStatement(
				"SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'lockwait-n%' AND wait_event_type = 'Lock'");
				ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
