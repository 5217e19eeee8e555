package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded engine behind the SPI: description, health, sequences, and no conflicts or remote changes. */
class RocksEngineTest {

	@Test
	void whenBatchesAreCommittedThenTheirSequencesCountFromOneAndTheStoreDescribesRocksDB() {
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open()) {
			assertThat(temp.store.description()).isEqualTo("rocksdb " + temp.path.toAbsolutePath());
			assertThat(temp.store.health().engine()).isEqualTo("rocksdb");
			assertThat(temp.store.health().healthy()).isTrue();
			assertThat(temp.store.rocksDB()).isNotNull();
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("seq").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			Mutex<String, String> other = temp.store.mutex(MutexOptions.builder("other").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			List<Long> sequences = new ArrayList<>();
			mutex.addListener(new MutexListener() {
				@Override
				public void onFlushed(FlushEvent event) {
					sequences.add(event.sequence());
				}
			});
			for (int i = 0; i < 3; i++) {
				mutex.put("k", "v" + i);
				other.put("k", "v" + i);
				executor.runAll();
			}
			CompletableFuture<Integer> update = mutex.update((ctx) -> {
				ctx.put("u", ctx.peekFirst(KeyRange.all()).map(Entry::value).orElse("none"));
				return ctx.attempt();
			});
			executor.runAll();
			assertThat(update).isCompletedWithValue(1);
			assertThat(sequences).containsExactly(1L, 2L, 3L, 4L);
			MutexStats stats = mutex.stats();
			assertThat(stats.lastSequence()).isEqualTo(4);
			assertThat(stats.remoteBatches()).isZero();
			assertThat(stats.conflicts()).isZero();
			mutex.closeAsync();
			other.closeAsync();
			executor.runAll();
			temp.store.close();
			assertThat(temp.store.health().open()).isFalse();
			assertThat(temp.store.health().engine()).isEqualTo("rocksdb");
		}
	}

}
