package io.levelmutex.reliability.linearizability;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.linearizability.HistoryRecorder.Config;
import io.levelmutex.reliability.linearizability.HistoryRecorder.History;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Histories of concurrent get/put/del/conditional-update (and two-key updates and peeks)
 * recorded under load on the real mutex are linearizable, and the phase rule holds: a write
 * issued from a read's completion joins the very next batch. {@link CheckerCanFailTest} shows
 * the same checks failing on broken mutexes.
 */
class MutexLinearizabilityTest {

	@TempDir
	static Path dir;

	// Written once by @BeforeAll, then only read by the test thread.
	static MutexStore store;

	@BeforeAll
	static void openStore() {
		store = TestStores.open(dir, false);
	}

	@AfterAll
	static void closeStore() {
		store.close();
	}

	@Test
	void whenSingleKeyOperationsRunConcurrentlyThenEveryHistoryIsLinearizable() throws Exception {
		int rounds = Settings.intSetting("linearizabilityRounds", 6);
		long ops = 0;
		long conflicts = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 30_000 + round;
			Mutex<String, String> mutex = TestStores.strings(store, MutexOptions.builder("single-" + round).build());
			Config config = new Config(8, 120, List.of("a", "b", "c", "d"), (round % 2 == 0) ? 1 : 4, false);
			History history = HistoryRecorder.record(mutex, config, seed);
			assertThat(history.errors()).as("unexpected failures (seed %d)", seed).isEmpty();
			Optional<String> violation = LinearizabilityChecker.check(history.ops());
			assertThat(violation).as("linearizability, round %d, seed %d", round, seed).isEmpty();
			// updates run in the write phase in issue order: on the embedded engine none conflicts
			assertThat(history.conflicts()).as("conflicts reported, round %d, seed %d", round, seed).isZero();
			ops += history.ops().size();
			conflicts += history.conflicts();
			mutex.close();
		}
		Report.figure("linearizability.singleKey", "histories", rounds);
		Report.figure("linearizability.singleKey", "operationsChecked", ops);
		Report.figure("linearizability.singleKey", "conflictsReported", conflicts);
	}

	@Test
	void whenMultiKeyUpdatesAndPeeksRunConcurrentlyThenEveryHistoryIsLinearizable() throws Exception {
		int rounds = Settings.intSetting("linearizabilityRounds", 6);
		long ops = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 40_000 + round;
			Mutex<String, String> mutex = TestStores.strings(store, MutexOptions.builder("multi-" + round).build());
			Config config = new Config(4, 30, List.of("a", "b", "c"), (round % 2 == 0) ? 1 : 2, true);
			History history = HistoryRecorder.record(mutex, config, seed);
			assertThat(history.errors()).as("unexpected failures (seed %d)", seed).isEmpty();
			assertThat(LinearizabilityChecker.check(history.ops())).as("linearizability, round %d, seed %d", round, seed)
				.isEmpty();
			assertThat(history.conflicts()).as("conflicts reported, round %d, seed %d", round, seed).isZero();
			ops += history.ops().size();
			mutex.close();
		}
		Report.figure("linearizability.multiKey", "histories", rounds);
		Report.figure("linearizability.multiKey", "operationsChecked", ops);
	}

	@Test
	void whenWriteIsIssuedFromReadCompletionThenItJoinsTheNextBatch() throws Exception {
		Mutex<String, String> mutex = TestStores.strings(store, MutexOptions.builder("phases").build());
		PhaseOrderProbe probe = new PhaseOrderProbe();
		mutex.addListener(probe);
		List<String> violations = probe.run(mutex, 3000);
		assertThat(violations).isEmpty();
		assertThat(probe.outOfScope.get()).as("units whose read completed before registration").isLessThan(300);
		Report.figure("linearizability.phaseRule", "readThenWriteUnitsChecked", 3000 - probe.outOfScope.get());
	}

}
