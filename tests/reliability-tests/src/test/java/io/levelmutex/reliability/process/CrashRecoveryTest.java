package io.levelmutex.reliability.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.reliability.support.ChildJvm;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash durability: a child JVM writes through a mutex from {@value #CLIENTS} concurrent
 * clients (plain puts, deletes, and document units of several keys written in one
 * {@code Mutex.update}) and prints every acknowledgement as it happens; the test kills it
 * with SIGKILL after a seeded random number of acknowledgements, reopens the store and
 * checks that every acknowledged write is there and every unit is all-or-nothing. Every other
 * round kills twice on the same store: a second child recovers what the first left, writes on,
 * and is killed too, before the check.
 *
 * <p>Rounds: {@code reliability.crashRounds} durable and {@code reliability.crashRoundsNonDurable}
 * with durable writes off ({@code -Pstress} runs many more). Round {@code r} uses seed
 * {@code reliability.seed + r}.
 */
class CrashRecoveryTest {

	static final int CLIENTS = 256;

	static final int DOCS_PER_CLIENT = 4;

	@TempDir
	Path temp;

	@Test
	void whenKilledThenEveryAcknowledgedDurableWriteSurvivesAndUnitsAreAllOrNothing() throws Exception {
		int rounds = Settings.intSetting("crashRounds", 4);
		Totals totals = new Totals();
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + round;
			RecoveryCheck check = runRound(round, seed, true, totals);
			assertThat(check.lost).as("acknowledged durable writes lost in round %d (seed %d)", round, seed).isEmpty();
			assertThat(check.violations).as("broken units or values in round %d (seed %d)", round, seed).isEmpty();
		}
		totals.report("crash.durable", rounds);
		assertThat(totals.lost).isZero();
	}

	@Test
	void whenKilledWithoutDurableWritesThenUnitsAreAllOrNothingAndLossesAreReported() throws Exception {
		int rounds = Settings.intSetting("crashRoundsNonDurable", 2);
		Totals totals = new Totals();
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 10_000 + round;
			RecoveryCheck check = runRound(round, seed, false, totals);
			assertThat(check.violations).as("broken units or values in round %d (seed %d)", round, seed).isEmpty();
			check.lost.stream().limit(20).forEach((loss) -> System.out.println("[reliability] non-durable loss: " + loss));
		}
		totals.report("crash.nonDurable", rounds);
	}

	private RecoveryCheck runRound(int round, long seed, boolean durable, Totals totals) throws Exception {
		Random random = new Random(seed);
		Path dir = this.temp.resolve((durable ? "durable-" : "nondurable-") + round);
		// Every other round kills twice: the second child recovers the first one's store,
		// writes on, and is killed in turn.
		int kills = (round % 2 == 1) ? 2 : 1;
		AckLog acks = null;
		StringBuilder killPoints = new StringBuilder();
		for (int run = 0; run < kills; run++) {
			int killAfter = 200 + random.nextInt(5000);
			killPoints.append((run > 0) ? "," : "").append(killAfter);
			try (ChildJvm child = ChildJvm.start(DocumentWorkload.class,
					this.temp.resolve("stderr-" + round + "-" + run + ".txt"), dir.toString(), Boolean.toString(durable),
					Integer.toString(CLIENTS), Long.toString(seed + 7919L * run), Integer.toString(DOCS_PER_CLIENT),
					"kill", Integer.toString(run))) {
				child.awaitLines((line) -> line.startsWith("ACK "), killAfter, Duration.ofSeconds(120));
				int exit = child.kill();
				assertThat(exit).as("exit value of a child killed with SIGKILL").isEqualTo(ChildJvm.SIGKILL_EXIT);
				acks = (acks == null) ? AckLog.parse(child.lines(), "0") : acks.add(child.lines(), Integer.toString(run));
				assertThat(acks.failures).as("unexpected failures in the child (seed %d): %s", seed, child.stderrTail())
					.isEmpty();
			}
		}
		RecoveryCheck check = RecoveryCheck.run(dir, acks);
		System.out.printf("[reliability] crash round %d durable=%s seed=%d kills=%d killAfter=%s acks=%d checked=%d lost=%d "
				+ "appliedNotAcked=%d documents=%d violations=%d%n", round, durable, seed, kills, killPoints, acks.acks,
				check.checked, check.lost.size(), check.appliedNotAcknowledged, check.documents, check.violations.size());
		totals.add(kills, acks, check);
		return check;
	}

	static final class Totals {

		long kills;

		long acks;

		long checked;

		long lost;

		long appliedNotAcknowledged;

		long violations;

		void add(int kills, AckLog log, RecoveryCheck check) {
			this.kills += kills;
			this.acks += log.acks;
			this.checked += check.checked;
			this.lost += check.lost.size();
			this.appliedNotAcknowledged += check.appliedNotAcknowledged;
			this.violations += check.violations.size();
		}

		void report(String suite, int rounds) {
			Report.figure(suite, "rounds", rounds);
			Report.figure(suite, "sigkills", this.kills);
			Report.figure(suite, "acknowledgedWrites", this.acks);
			Report.figure(suite, "acknowledgedWritesChecked", this.checked);
			Report.figure(suite, "lost", this.lost);
			Report.figure(suite, "appliedButNotAcknowledged", this.appliedNotAcknowledged);
			Report.figure(suite, "unitOrValueViolations", this.violations);
		}

	}

}
