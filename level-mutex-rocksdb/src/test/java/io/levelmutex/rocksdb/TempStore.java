package io.levelmutex.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

/** Opens RocksDB stores in a fresh temporary directory and deletes it afterwards. */
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

	/** A non-durable store; the customizer may change its store options. */
	static TempStore open(Consumer<StoreOptions.Builder> customizer) {
		Path path = newDirectory();
		StoreOptions.Builder options = StoreOptions.builder().durable(false);
		customizer.accept(options);
		return new TempStore(path, RocksStore.builder(path).storeOptions(options.build()).open());
	}

	/** A store on {@code path} with these store options. */
	static MutexStore open(Path path, StoreOptions options) {
		return RocksStore.builder(path).storeOptions(options).open();
	}

	/** A non-durable store on {@code path}. */
	static MutexStore openNonDurable(Path path) {
		return open(path, StoreOptions.builder().durable(false).build());
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
