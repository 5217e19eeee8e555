package io.levelmutex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Opens stores in a fresh temporary directory and deletes it afterwards. */
final class TempStore implements AutoCloseable {

	final Path path;

	MutexStore store;

	private TempStore(Path path, MutexStore store) {
		this.path = path;
		this.store = store;
	}

	static TempStore open() {
		return open((builder) -> {
		});
	}

	static TempStore open(Consumer<StoreOptions.Builder> customizer) {
		Path path = newDirectory();
		StoreOptions.Builder builder = StoreOptions.builder(path).durable(false);
		customizer.accept(builder);
		return new TempStore(path, MutexStore.open(builder.build()));
	}

	static Path newDirectory() {
		try {
			return Files.createTempDirectory("level-mutex-test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.store.close();
		deleteRecursively(this.path);
	}

	static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> files = Files.walk(path)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
