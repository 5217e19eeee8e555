package io.levelmutex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded engine's mutexes reuse one batch builder for every batch: what the {@code writes} and {@code flushed}
 * events and the batch interceptor were handed still lists that batch's writes after later batches.
 */
class ReusedBatchEventsTest {

	@Test
	void whenListenersAndTheInterceptorKeepWhatTheyWereHandedThenLaterBatchesDoNotChangeIt() {
		ManualExecutor executor = new ManualExecutor();
		List<List<WriteOperation>> intercepted = new ArrayList<>();
		try (TempStore temp = TempStore.open((builder) -> builder
			.batchInterceptor((name, operations) -> intercepted.add(operations)))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("kept").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			List<WriteBatchEvent> writes = new ArrayList<>();
			List<FlushEvent> flushes = new ArrayList<>();
			mutex.addListener(new MutexListener() {
				@Override
				public void onWrites(WriteBatchEvent event) {
					writes.add(event);
				}

				@Override
				public void onFlushed(FlushEvent event) {
					flushes.add(event);
				}
			});
			mutex.put("a", "1");
			mutex.put("b", "2");
			executor.runAll();
			mutex.del("a");
			executor.runAll();
			mutex.put("c", "3");
			mutex.put("d", "4");
			mutex.put("e", "5");
			executor.runAll();
			assertThat(writes).hasSize(3);
			assertThat(flushes).hasSize(3);
			assertThat(intercepted).hasSize(3);
			List<List<String>> expected = List.of(List.of("PUT a", "PUT b"), List.of("DEL a"),
					List.of("PUT c", "PUT d", "PUT e"));
			for (int i = 0; i < 3; i++) {
				assertThat(describe(writes.get(i).operations())).isEqualTo(expected.get(i));
				assertThat(describe(flushes.get(i).operations())).isEqualTo(expected.get(i));
				assertThat(describe(intercepted.get(i))).isEqualTo(expected.get(i));
			}
			mutex.closeAsync();
			executor.runAll();
		}
	}

	private static List<String> describe(List<WriteOperation> operations) {
		List<String> described = new ArrayList<>();
		for (WriteOperation op : operations) {
			described.add(op.type() + " " + new String(op.key(), StandardCharsets.UTF_8));
		}
		return described;
	}

}
