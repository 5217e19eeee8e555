package io.levelmutex.reliability.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.reliability.support.ChildJvm;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdown under load: the same child as {@link CrashRecoveryTest}, with a shutdown hook that
 * closes the store, gets SIGTERM (as {@link Process#destroy()} sends it) after a seeded random number of
 * acknowledgements. It must shut down cleanly (the hook completes, exit value 143), and every
 * write acknowledged before or during the shutdown must be in the reopened store; writes
 * issued after the store closed are refused, never acknowledged and lost.
 */
class SigtermShutdownTest {

	@TempDir
	Path temp;

	@Test
	void whenTerminatedUnderLoadThenEveryAcknowledgedWriteIsPresentAfterRestart() throws Exception {
		int rounds = Settings.intSetting("shutdownRounds", 2);
		long acknowledged = 0;
		long checked = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 20_000 + round;
			boolean durable = (round % 2 == 0);
			int termAfter = 200 + new Random(seed).nextInt(5000);
			Path dir = this.temp.resolve("store-" + round);
			AckLog acks;
			try (ChildJvm child = ChildJvm.start(DocumentWorkload.class, this.temp.resolve("stderr-" + round + ".txt"),
					dir.toString(), Boolean.toString(durable), Integer.toString(CrashRecoveryTest.CLIENTS),
					Long.toString(seed), Integer.toString(CrashRecoveryTest.DOCS_PER_CLIENT), "term", "0")) {
				child.awaitLines((line) -> line.startsWith("ACK "), termAfter, Duration.ofSeconds(120));
				int exit = child.terminate(Duration.ofSeconds(60));
				List<String> lines = child.lines();
				assertThat(exit).as("exit value after SIGTERM (seed %d): %s", seed, child.stderrTail())
					.isEqualTo(ChildJvm.SIGTERM_EXIT);
				assertThat(lines).as("the shutdown hook closed the store").contains("SHUTDOWN begin", "SHUTDOWN done");
				acks = AckLog.parse(lines, "0");
				lines.stream()
					.filter((line) -> line.startsWith("REFUSED "))
					.map((line) -> line.substring(line.indexOf(' ', "REFUSED ".length()) + 1))
					.distinct()
					.forEach((cause) -> System.out.println("[reliability] sigterm: in-flight write refused by the shutdown: " + cause));
				assertThat(acks.failures).as("unexpected failures in the child (seed %d): %s", seed, child.stderrTail())
					.isEmpty();
			}
			RecoveryCheck check = RecoveryCheck.run(dir, acks);
			System.out.printf("[reliability] sigterm round %d durable=%s seed=%d termAfter=%d acks=%d checked=%d lost=%d "
					+ "violations=%d%n", round, durable, seed, termAfter, acks.acks, check.checked, check.lost.size(),
					check.violations.size());
			assertThat(check.lost).as("acknowledged writes lost over SIGTERM in round %d (seed %d)", round, seed)
				.isEmpty();
			assertThat(check.violations).as("broken units in round %d (seed %d)", round, seed).isEmpty();
			acknowledged += acks.acks;
			checked += check.checked;
		}
		Report.figure("sigterm", "rounds", rounds);
		Report.figure("sigterm", "sigterms", rounds);
		Report.figure("sigterm", "acknowledgedWrites", acknowledged);
		Report.figure("sigterm", "acknowledgedWritesChecked", checked);
		Report.figure("sigterm", "lost", 0);
	}

}
