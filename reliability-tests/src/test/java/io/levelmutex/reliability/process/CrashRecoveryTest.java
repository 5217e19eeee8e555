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
 * checks that every acknowledged write is there and every unit is all-or-nothing.
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
		int killAfter = 200 + random.nextInt(5000);
		Path dir = this.temp.resolve((durable ? "durable-" : "nondurable-") + round);
		AckLog acks;
		try (ChildJvm child = ChildJvm.start(DocumentWorkload.class, this.temp.resolve("stderr-" + round + ".txt"),
				dir.toString(), Boolean.toString(durable), Integer.toString(CLIENTS), Long.toString(seed),
				Integer.toString(DOCS_PER_CLIENT))) {
			child.awaitLines((line) -> line.startsWith("ACK "), killAfter, Duration.ofSeconds(120));
			int exit = child.kill();
			assertThat(exit).as("exit value of a child killed with SIGKILL").isEqualTo(ChildJvm.SIGKILL_EXIT);
			acks = AckLog.parse(child.lines());
			assertThat(acks.failures).as("unexpected failures in the child (seed %d): %s", seed, child.stderrTail())
				.isEmpty();
		}
		RecoveryCheck check = RecoveryCheck.run(dir, acks);
		System.out.printf("[reliability] crash round %d durable=%s seed=%d killAfter=%d acks=%d checked=%d lost=%d "
				+ "appliedNotAcked=%d documents=%d violations=%d%n", round, durable, seed, killAfter, acks.acks,
				check.checked, check.lost.size(), check.appliedNotAcknowledged, check.documents, check.violations.size());
		totals.add(acks, check);
		return check;
	}

	static final class Totals {

		long kills;

		long acks;

		long checked;

		long lost;

		long appliedNotAcknowledged;

		long violations;

		void add(AckLog log, RecoveryCheck check) {
			this.kills++;
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
