package io.levelmutex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

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
				try (MutexStore store = MutexStore.open(StoreOptions.builder(path).durable(false).keepLogFiles(2).build())) {
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
			for (int i = 0; i < StoreOptions.DEFAULT_KEEP_LOG_FILES + 4; i++) {
				MutexStore.open(StoreOptions.builder(path).durable(false).build()).close();
			}
			assertThat(StoreOptions.builder(path).build().keepLogFiles()).isEqualTo(StoreOptions.DEFAULT_KEEP_LOG_FILES);
			assertThat(infoLogs(path)).hasSizeLessThanOrEqualTo(StoreOptions.DEFAULT_KEEP_LOG_FILES);
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

	@Test
	void whenKeepLogFilesBelowOneThenRefusedAtTheCall() {
		StoreOptions.Builder builder = StoreOptions.builder(Path.of("unused"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.keepLogFiles(0)).withMessageContaining("keepLogFiles");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.keepLogFiles(-1));
		assertThat(builder.keepLogFiles(1).build().keepLogFiles()).isEqualTo(1);
	}

	@Test
	void whenDirectoryOpenByAnotherStoreThenOpenFailsWithStoreLockedException() {
		try (TempStore temp = TempStore.open()) {
			assertThatExceptionOfType(StoreLockedException.class)
				.isThrownBy(() -> MutexStore.open(StoreOptions.builder(temp.path).build()))
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
			MutexStore.open(path).close();
			try (MutexStore again = MutexStore.open(path)) {
				assertThat(again.isOpen()).isTrue();
			}
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

}
