package io.levelmutex.rocksdb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.levelmutex.Entry;
import io.levelmutex.FlushEvent;
import io.levelmutex.KeyRange;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreHealth;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded engine behind the SPI: description, health, sequences, and no conflicts or remote changes. */
class RocksEngineTest {

	@Test
	void whenBatchesAreCommittedThenTheirSequencesCountFromOneAndTheStoreDescribesRocksDB() {
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open()) {
			assertThat(temp.store.description()).isEqualTo("rocksdb " + temp.path.toAbsolutePath());
			assertThat(temp.store.health().engine()).isEqualTo("rocksdb");
			assertThat(temp.store.health().healthy()).isTrue();
			assertThat(RocksStore.rocksDB(temp.store)).isNotNull();
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

	@Test
	void whenTheStoreRunsOnAnotherEngineThenItHasNoRocksDBAndTheRocksStoreHasItsDirectory() {
		try (MutexStore other = MutexStore.open(new EmptyEngine(), StoreOptions.builder().build());
				TempStore temp = TempStore.open()) {
			assertThatThrownBy(() -> RocksStore.rocksDB(other)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("empty test engine");
			assertThat(other.directory()).isNull();
			assertThat(temp.store.directory()).isEqualTo(temp.path.toAbsolutePath());
			assertThat(temp.store.engine().directory()).isEqualTo(temp.path.toAbsolutePath());
		}
	}

	/** An engine that is not RocksDB and holds nothing. */
	private static final class EmptyEngine implements StorageEngine {

		@Override
		public String description() {
			return "empty test engine";
		}

		@Override
		public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
			throw new UnsupportedOperationException("no keyspaces");
		}

		@Override
		public StoreHealth health() {
			return StoreHealth.of("empty", true, true, java.util.Map.of());
		}

		@Override
		public void close() {
		}

	}

}
