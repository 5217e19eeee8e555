package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Queue, batch and size limits. */
class BoundsTest {

	private final ManualExecutor executor = new ManualExecutor();

	private final TempStore temp = TempStore.open();

	private Mutex<String, String> mutex;

	@AfterEach
	void close() {
		if (this.mutex != null) {
			this.mutex.closeAsync();
		}
		this.executor.runAll();
		this.temp.close();
	}

	private Mutex<String, String> mutex(MutexOptions.Builder options) {
		this.mutex = this.temp.store.mutex(options.executor(this.executor).build(), Codecs.utf8(), Codecs.utf8());
		return this.mutex;
	}

	@Test
	void whenQueueIsFullThenCallFailsAtOnceAndAcceptedOperationsComplete() {
		Mutex<String, String> mutex = mutex(MutexOptions.builder("bounded").maxQueuedOperations(10));
		List<CompletableFuture<Void>> accepted = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			accepted.add(mutex.put("k" + i, "v"));
		}
		List<CompletableFuture<?>> reads = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			reads.add(mutex.get("k" + i));
		}
		assertThatThrownBy(() -> mutex.put("one-too-many", "v")).isInstanceOf(MutexOverloadedException.class)
			.hasMessageContaining("'bounded'")
			.hasMessageContaining("10")
			.satisfies((ex) -> assertThat(((MutexOverloadedException) ex).limit()).isEqualTo(10));
		assertThatThrownBy(() -> mutex.get("k0")).isInstanceOf(MutexOverloadedException.class);
		assertThat(mutex.stats().overloadRejections()).isEqualTo(2);
		assertThat(mutex.stats().queued()).isEqualTo(10);
		this.executor.runAll();
		assertThat(accepted).allSatisfy((write) -> assertThat(write).isCompleted());
		assertThat(reads).allSatisfy((read) -> assertThat(read).isCompleted());
		assertThat(mutex.stats().queued()).isZero();
		assertThat(mutex.put("after", "v")).isNotNull();
	}

	@Test
	void whenMoreWritesThanBatchOperationLimitThenTheyGoInOrderIntoFollowingBatches() {
		Mutex<String, String> mutex = mutex(MutexOptions.builder("small-batches").maxBatchOperations(3));
		List<List<String>> batches = recordBatches(mutex);
		List<String> completed = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 7; i++) {
			String key = "k" + i;
			mutex.put(key, "v").thenRun(() -> completed.add(key));
		}
		this.executor.runAll();
		assertThat(batches).containsExactly(List.of("k0", "k1", "k2"), List.of("k3", "k4", "k5"), List.of("k6"));
		assertThat(completed).containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6");
	}

	@Test
	void whenMoreBytesThanBatchByteLimitThenTheyGoInOrderIntoFollowingBatches() {
		Mutex<String, String> mutex = mutex(MutexOptions.builder("byte-batches").maxBatchBytes(100));
		List<List<String>> batches = recordBatches(mutex);
		String forty = "x".repeat(40);
		for (int i = 0; i < 5; i++) {
			mutex.put("k" + i, forty); // each write: prefix (13) + key (2) + value (40) bytes
		}
		mutex.put("huge", "y".repeat(500)); // larger than a batch: goes alone
		this.executor.runAll();
		assertThat(batches).containsExactly(List.of("k0"), List.of("k1"), List.of("k2"), List.of("k3"),
				List.of("k4"), List.of("huge"));
	}

	@Test
	void whenKeyOrValueOverLimitThenCallFailsNamingTheLimit() {
		Mutex<String, String> mutex = mutex(MutexOptions.builder("sized").maxKeyBytes(8).maxValueBytes(16));
		assertThatThrownBy(() -> mutex.put("123456789", "v")).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("'sized'")
			.hasMessageContaining("\"123456789\"")
			.hasMessageContaining("9 bytes")
			.hasMessageContaining("limit of 8");
		assertThatThrownBy(() -> mutex.get("123456789")).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> mutex.put("k", "x".repeat(17))).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("17 bytes")
			.hasMessageContaining("limit of 16");
		assertThat(mutex.stats().queued()).isZero();
		CompletableFuture<Void> atLimit = mutex.put("12345678", "x".repeat(16));
		this.executor.runAll();
		assertThat(atLimit).isCompleted();
	}

	@Test
	void whenLongBinaryKeyRefusedThenMessageIsAbbreviated() {
		Mutex<byte[], byte[]> mutex = this.temp.store
			.mutex(MutexOptions.builder("binary").maxKeyBytes(40).executor(this.executor).build());
		byte[] key = new byte[100];
		assertThatThrownBy(() -> mutex.put(key, new byte[1])).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("0x0000")
			.hasMessageContaining("...(100 bytes)")
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(250));
		mutex.closeAsync();
	}

	private static List<List<String>> recordBatches(Mutex<?, ?> mutex) {
		List<List<String>> batches = new CopyOnWriteArrayList<>();
		mutex.addListener(new MutexListener() {
			@Override
			public void onWrites(WriteBatchEvent event) {
				List<String> keys = new ArrayList<>();
				event.operations().forEach((op) -> keys.add(new String(op.key())));
				batches.add(keys);
			}
		});
		return batches;
	}

}
