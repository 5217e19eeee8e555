package io.levelmutex.reliability.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.postgres.test.PostgresClusterExtension;
import io.levelmutex.reliability.support.ChildJvm;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes die: three child JVMs ({@link CounterNode}) increment the same counters on one database; one of them,
 * chosen by the round's seed, gets SIGKILL after a seeded number of its acknowledgements, as soon as one of its
 * sessions is seen inside a transaction or statement. Then: its sessions end (nothing of it holds a lock), every survivor commits again, the killed node
 * restarts and commits, the others are stopped with SIGTERM, and the final state is checked against every
 * acknowledgement ({@link CounterLog}): no acknowledged increment lost, no counter different from its markers
 * (no unit half-applied, no lost update between nodes), at most one unreported increment per client of the
 * killed run, and the keyspace's batch log gapless.
 *
 * <p>Rounds: {@code reliability.pgCrashRounds}; round {@code r} uses seed {@code reliability.seed + 70000 + r}.
 */
class NodeCrashTest {

	static final int NODES = 3;

	static final int CLIENTS = 6;

	static final int COUNTERS = 4;

	/** Acknowledgements each survivor and the restarted node must add. */
	static final int MORE_ACKS = 20;

	static final Duration WAIT = Duration.ofMinutes(2);

	@TempDir
	Path temp;

	@RegisterExtension
	static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();

	@Test
	void whenANodeIsKilledMidBatchThenNothingAcknowledgedIsLostAndTheOthersGoOn() throws Exception {
		int rounds = Settings.intSetting("pgCrashRounds", 2);
		long acknowledged = 0;
		long appliedNotReported = 0;
		long conflicts = 0;
		long batches = 0;
		long lost = 0;
		long killedInTransaction = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 70_000 + round;
			Round result = runRound(round, seed);
			acknowledged += result.log.acknowledged.size();
			appliedNotReported += result.verdict.appliedNotReported();
			conflicts += result.log.conflicts;
			batches += result.batches;
			lost += result.verdict.lost();
			killedInTransaction += result.killedInTransaction ? 1 : 0;
		}
		Report.figure("postgres.nodeCrash", "rounds", rounds);
		Report.figure("postgres.nodeCrash", "sigkills", rounds);
		Report.figure("postgres.nodeCrash", "acknowledgedIncrements", acknowledged);
		Report.figure("postgres.nodeCrash", "lost", lost);
		Report.figure("postgres.nodeCrash", "appliedButNotAcknowledged", appliedNotReported);
		Report.figure("postgres.nodeCrash", "conflictsAfterAllAttempts", conflicts);
		Report.figure("postgres.nodeCrash", "batchesCommitted", batches);
		Report.figure("postgres.nodeCrash", "killsRightAfterASessionWasSeenBusy", killedInTransaction);
	}

	private Round runRound(int round, long seed) throws Exception {
		Random random = new Random(seed);
		int victim = random.nextInt(NODES);
		int killAfter = 50 + random.nextInt(250);
		String database = "crash_" + round;
		long busyAtKill = 0;
		try (PgNodes admin = PgNodes.open(POSTGRES.cluster(), database, 0)) {
			List<String> names = new ArrayList<>();
			List<ChildJvm> children = new ArrayList<>();
			List<List<String>> output = new ArrayList<>();
			try {
				for (int n = 0; n < NODES; n++) {
					names.add(database + "-n" + n);
					children.add(start(admin, names.get(n), "a", seed + n, round));
					if (n == 0) {
						// The first node creates the schema before the others open.
						children.get(0).awaitLines("READY"::equals, 1, WAIT);
					}
				}
				for (ChildJvm child : children) {
					child.awaitLines("READY"::equals, 1, WAIT);
				}
				ChildJvm killed = children.get(victim);
				killed.awaitLines((line) -> line.startsWith("ACK "), killAfter, WAIT);
				List<Long> before = new ArrayList<>();
				children.forEach((child) -> before.add(acks(child)));
				// Kill it as soon as one of its sessions is seen inside a transaction or statement (it may
				// finish between the look and the signal: measured, not asserted).
				busyAtKill = awaitBusySession(admin, names.get(victim));
				long killedAt = System.nanoTime();
				assertThat(killed.kill()).as("exit value of SIGKILL (seed %d)", seed).isEqualTo(ChildJvm.SIGKILL_EXIT);
				output.add(killed.lines());
				// Its sessions end with it: no transaction, lock or lease of the dead node outlives it.
				Awaitility.await().atMost(WAIT).until(() -> admin.sessions(names.get(victim)) == 0);
				long sessionsGone = System.nanoTime();
				for (int n = 0; n < NODES; n++) {
					if (n != victim) {
						children.get(n).awaitLines((line) -> line.startsWith("ACK "), before.get(n) + MORE_ACKS, WAIT);
					}
				}
				long survivorsCommitted = System.nanoTime();
				ChildJvm restarted = start(admin, names.get(victim), "b", seed + 100, round);
				children.set(victim, restarted);
				restarted.awaitLines((line) -> line.startsWith("ACK "), MORE_ACKS, WAIT);
				for (ChildJvm child : children) {
					assertThat(child.terminate(WAIT)).as("exit value after SIGTERM (seed %d): %s", seed,
							child.stderrTail()).isEqualTo(ChildJvm.SIGTERM_EXIT);
					assertThat(child.lines()).as("clean stop (seed %d)", seed).contains("DONE");
					output.add(child.lines());
				}
				System.out.printf("[reliability] postgres node crash round %d seed=%d victim=n%d killAfter=%d "
						+ "busySessionsAtKill=%d sessionsGoneMs=%d survivorsCommittedMs=%d%n", round, seed, victim,
						killAfter, busyAtKill,
						(sessionsGone - killedAt) / 1_000_000, (survivorsCommitted - killedAt) / 1_000_000);
			}
			finally {
				children.forEach(ChildJvm::close);
			}
			CounterLog log = new CounterLog();
			output.forEach(log::add);
			Counters.State state;
			try (PgNode.Opened checker = PgNode.open(admin.jdbcUrl(), POSTGRES.cluster().username(), database + "-check")) {
				state = Counters.read(PgNode.strings(checker.store(), CounterNode.MUTEX));
			}
			CounterLog.Verdict verdict = log.check(state, Set.of(names.get(victim) + " a"));
			BatchLog.Log batchLog = BatchLog.read(admin, CounterNode.MUTEX);
			System.out.printf("[reliability] postgres node crash round %d seed=%d acks=%d conflicts=%d "
					+ "appliedNotAcked=%d total=%d batches=%d violations=%d%n", round, seed, log.acknowledged.size(),
					log.conflicts, verdict.appliedNotReported(), verdict.total(), batchLog.sequence(),
					verdict.violations().size());
			assertThat(log.defects).as("raw failures or hangs (seed %d)", seed).isEmpty();
			assertThat(log.typedFailures).as("failures other than conflicts (seed %d)", seed).isEmpty();
			assertThat(verdict.violations()).as("final state against acknowledgements (seed %d)", seed).isEmpty();
			assertThat(verdict.appliedNotReported()).as("unreported increments applied").isLessThanOrEqualTo(CLIENTS);
			assertThat(batchLog.logged()).as("batch log gapless up to the keyspace's sequence (seed %d)", seed)
				.isEqualTo(batchLog.expected());
			assertThat(batchLog.sequence()).as("batches committed").isPositive();
			return new Round(log, verdict, batchLog.sequence(), busyAtKill > 0);
		}
	}

	private ChildJvm start(PgNodes admin, String node, String run, long seed, int round) throws Exception {
		return ChildJvm.start(CounterNode.class, this.temp.resolve("stderr-" + round + "-" + node + "-" + run + ".txt"),
				admin.jdbcUrl(), POSTGRES.cluster().username(), node, run, Integer.toString(CLIENTS),
				Integer.toString(COUNTERS), Long.toString(seed));
	}

	private static long awaitBusySession(PgNodes admin, String node) throws SQLException {
		try (Connection probe = admin.admin(); PreparedStatement statement = probe.prepareStatement(
				"SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND state <> 'idle'")) {
			statement.setString(1, node);
			AtomicLong busy = new AtomicLong();
			Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
				try (ResultSet rows = statement.executeQuery()) {
					rows.next();
					busy.set(rows.getLong(1));
				}
				return busy.get() > 0;
			});
			return busy.get();
		}
	}

	private static long acks(ChildJvm child) {
		return child.lines().stream().filter((line) -> line.startsWith("ACK ")).count();
	}

	private record Round(CounterLog log, CounterLog.Verdict verdict, long batches, boolean killedInTransaction) {
	}

}
