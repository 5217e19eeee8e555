package io.levelmutex.rocksdb;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;

import io.levelmutex.Entry;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/** A RocksDB read fault (moved from core's FailureTest): it fails exactly the affected reads. */
class RocksReadFaultTest {

	@Test
	void whenMultiGetFailsThenEveryReadOfThatPhaseFailsTypedAndItsWritesAndLaterPhasesWork() {
		// a read phase is one plan on one snapshot (KeyspaceStorage.read): when the engine cannot answer it, every read
		// of the phase fails with the same exception, as when its snapshot cannot be had
		ManualExecutor executor = new ManualExecutor();
		AtomicBoolean failGets = new AtomicBoolean();
		Path path = TempStore.newDirectory();
		MutexStore store = RocksStore.builder(path).storeOptions(StoreOptions.builder().durable(false).build())
			.access((db) -> new RocksAccess(db) {
					@Override
					List<byte[]> multiGet(ReadOptions options, ColumnFamilyHandle family, List<byte[]> keys)
							throws RocksDBException {
						if (failGets.get()) {
							throw new RocksDBException("injected read fault");
						}
						return super.multiGet(options, family, keys);
					}
				}).open();
		try {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("reads").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			mutex.put("k", "v");
			executor.runAll();
			failGets.set(true);
			CompletableFuture<Optional<String>> get = mutex.get("k");
			CompletableFuture<Optional<Entry<String, String>>> peek = mutex.peekFirst();
			CompletableFuture<Void> write = mutex.put("w", "x");
			executor.runAll();
			assertThat(failure(get)).isInstanceOf(StorageException.class)
				.hasMessageContaining("'reads'")
				.hasRootCauseMessage("injected read fault");
			assertThat(failure(peek)).isInstanceOf(StorageException.class)
				.hasMessageContaining("Read phase")
				.hasRootCauseMessage("injected read fault");
			assertThat(write).isCompleted();
			failGets.set(false);
			CompletableFuture<Optional<String>> again = mutex.get("k");
			executor.runAll();
			assertThat(again).isCompletedWithValue(Optional.of("v"));
			mutex.closeAsync();
			executor.runAll();
		}
		finally {
			store.close();
			TempStore.deleteRecursively(path);
		}
	}

	private static Throwable failure(CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		try {
			future.join();
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
		throw new AssertionError("not failed");
	}

}
