package io.levelmutex.rocksdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.KeyRange;
import io.levelmutex.LevelMutexException;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors thrown from RocksDB's side inside a phase (moved from core's CycleFaultTest): every operation taken from a
 * queue completes exactly once (a value or a typed exception), and the mutex keeps cycling.
 */
class RocksCycleFaultTest {

	/** Where an {@link Error} is thrown from RocksDB's side. */
	enum FaultPoint {

		SNAPSHOT, MULTI_GET, ITERATOR, WRITE

	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(FaultPoint.class)
	void whenAnErrorIsThrownInsideAPhaseThenEveryOperationTakenFromTheQueuesCompletes(FaultPoint point) {
		ManualExecutor executor = new ManualExecutor();
		AtomicBoolean armed = new AtomicBoolean();
		Path path = TempStore.newDirectory();
		MutexStore store = RocksStore.builder(path).storeOptions(StoreOptions.builder().durable(false).build())
			.access((db) -> new RocksAccess(db) {
					@Override
					Snapshot snapshot() {
						fault(FaultPoint.SNAPSHOT);
						return super.snapshot();
					}

					@Override
					List<byte[]> multiGet(ReadOptions options, ColumnFamilyHandle family, List<byte[]> keys)
							throws RocksDBException {
						fault(FaultPoint.MULTI_GET);
						return super.multiGet(options, family, keys);
					}

					@Override
					byte @Nullable [] get(ReadOptions options, ColumnFamilyHandle family, byte[] key)
							throws RocksDBException {
						fault(FaultPoint.MULTI_GET);
						return super.get(options, family, key);
					}

					@Override
					RocksIterator iterator(ReadOptions options, ColumnFamilyHandle family) {
						fault(FaultPoint.ITERATOR);
						return super.iterator(options, family);
					}

					@Override
					void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
						fault(FaultPoint.WRITE);
						super.write(options, batch);
					}

					private void fault(FaultPoint at) {
						if (at == point && armed.get()) {
							throw new AssertionError("injected " + at);
						}
					}
				}).open();
		try {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("errors").executor(executor).build(),
					Codecs.utf8(), Codecs.utf8());
			mutex.put("k", "v");
			executor.runAll();
			armed.set(true);
			List<CompletableFuture<?>> issued = new ArrayList<>();
			issued.add(mutex.get("k"));
			issued.add(mutex.peekFirst());
			issued.add(mutex.scan(KeyRange.all(), 5));
			issued.add(mutex.put("a", "1"));
			issued.add(mutex.update((ctx) -> {
				ctx.put("b", ctx.get("k").orElse("none"));
				return "updated";
			}));
			issued.add(mutex.update((ctx) -> ctx.peekLast(KeyRange.all())));
			issued.add(mutex.del("a"));
			issued.add(mutex.afterWrite());
			executor.runAll();
			assertThat(issued).as("operations issued vs completed").allSatisfy((future) -> {
				assertThat(future).isDone();
				Throwable cause = failure(future);
				if (cause != null) {
					assertThat(cause).as("typed failure").isInstanceOf(LevelMutexException.class);
					assertThat(cause).hasMessageContaining("'errors'");
				}
			});
			assertThat(mutex.stats().queued()).isZero();
			armed.set(false);
			CompletableFuture<Void> later = mutex.put("later", "x");
			CompletableFuture<?> laterRead = mutex.get("later");
			executor.runAll();
			assertThat(later).isCompleted();
			assertThat(laterRead).isCompleted();
			CompletableFuture<?> again = mutex.get("later");
			executor.runAll();
			assertThat(again.join()).isEqualTo(java.util.Optional.of("x"));
			mutex.closeAsync();
			executor.runAll();
		}
		finally {
			store.close();
			TempStore.deleteRecursively(path);
		}
	}

	private static @Nullable Throwable failure(CompletableFuture<?> future) {
		try {
			future.join();
			return null;
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

}
