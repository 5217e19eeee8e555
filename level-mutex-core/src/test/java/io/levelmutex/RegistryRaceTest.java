package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/** A mutex whose close completed is never handed out again by the store, even under load. */
class RegistryRaceTest {

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 11L, 4242L })
	void whenMutexCloseCompletedThenStoreNeverReturnsTheClosedInstance(long seed) {
		System.out.println("RegistryRaceTest seed " + seed);
		Random random = new Random(seed);
		try (TempStore temp = TempStore.open((builder) -> builder.cycleThreads(4))) {
			List<CompletableFuture<?>> issued = new ArrayList<>();
			Mutex<String, String> busy = temp.store.mutex(MutexOptions.builder("busy").build(), Codecs.utf8(),
					Codecs.utf8());
			int rounds = 300;
			for (int round = 0; round < rounds; round++) {
				Mutex<byte[], byte[]> mutex = temp.store.mutex("churn");
				assertThat(mutex.isClosed()).as("round %d: store handed out a closed mutex", round).isFalse();
				int writes = random.nextInt(4);
				for (int i = 0; i < writes; i++) {
					issued.add(mutex.put(new byte[] { (byte) i }, new byte[] { (byte) round }));
				}
				for (int i = random.nextInt(8); i > 0; i--) {
					issued.add(busy.put("k" + random.nextInt(16), "v"));
				}
				if (random.nextBoolean()) {
					mutex.close();
				}
				else {
					mutex.closeAsync().join();
				}
				Mutex<byte[], byte[]> next = temp.store.mutex("churn");
				assertThat(next.isClosed()).as("round %d: store handed out the mutex just closed", round).isFalse();
				assertThat(temp.store.find("churn"))
					.hasValueSatisfying((found) -> assertThat(found.isClosed()).isFalse());
			}
			CompletableFuture.allOf(issued.toArray(new CompletableFuture<?>[0])).join();
			assertThat(issued).allSatisfy((future) -> assertThat(future).isCompleted());
		}
	}

}
