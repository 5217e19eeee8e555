package io.levelmutex.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What a store leaves in and asks of its directory: bounded info logs, one open store at a time. */
class StoreDirectoryTest {

	private static List<Path> infoLogs(Path path) throws IOException {
		try (Stream<Path> files = Files.list(path)) {
			return files.filter((file) -> file.getFileName().toString().startsWith("LOG")).toList();
		}
	}

	@Test
	void whenReopenedManyTimesThenInfoLogsAreBoundedByKeepLogFiles() throws IOException {
		Path path = TempStore.newDirectory();
		try {
			for (int i = 0; i < 8; i++) {
				try (MutexStore store = RocksStore.builder(path).keepLogFiles(2).storeOptions(StoreOptions.builder().durable(false).build()).open()) {
					store.mutex("m").put(new byte[] { 1 }, new byte[] { (byte) i }).join();
				}
			}
			assertThat(infoLogs(path)).hasSizeBetween(1, 2).anyMatch((file) -> file.getFileName().toString().equals("LOG"));
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenDefaultsThenAtMostDefaultKeepLogFilesInfoLogsStay() throws IOException {
		Path path = TempStore.newDirectory();
		try {
			for (int i = 0; i < RocksStore.DEFAULT_KEEP_LOG_FILES + 4; i++) {
				TempStore.openNonDurable(path).close();
			}
			assertThat(RocksStore.builder(path).keepLogFiles()).isEqualTo(RocksStore.DEFAULT_KEEP_LOG_FILES);
			assertThat(infoLogs(path)).hasSizeLessThanOrEqualTo(RocksStore.DEFAULT_KEEP_LOG_FILES);
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenKeepLogFilesBelowOneThenRefusedAtTheCall() {
		RocksStore.Builder builder = RocksStore.builder(Path.of("unused"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.keepLogFiles(0)).withMessageContaining("keepLogFiles");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.keepLogFiles(-1));
		assertThat(builder.keepLogFiles(1).keepLogFiles()).isEqualTo(1);
	}

	@Test
	void whenDirectoryOpenByAnotherStoreThenOpenFailsWithStoreLockedException() {
		try (TempStore temp = TempStore.open()) {
			assertThatExceptionOfType(StoreLockedException.class)
				.isThrownBy(() -> RocksStore.builder(temp.path).open())
				.withMessageContaining(temp.path.toAbsolutePath().toString())
				.withMessageContaining("locked by another open store")
				.satisfies((ex) -> assertThat(ex.path()).isEqualTo(temp.path.toAbsolutePath()));
			assertThat(temp.store.isOpen()).isTrue();
			temp.store.mutex("still").put(new byte[] { 1 }, new byte[] { 2 }).join();
		}
	}

	@Test
	void whenOtherStoreClosedThenDirectoryOpensAgain() {
		Path path = TempStore.newDirectory();
		try {
			RocksStore.builder(path).open().close();
			try (MutexStore again = RocksStore.builder(path).open()) {
				assertThat(again.isOpen()).isTrue();
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

}
