package io.levelmutex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Opens stores on the in-memory engine ({@link MemoryEngine#embedded()}), the way cycle tests once opened RocksDB
 * stores in a temporary directory: {@link #newDirectory()} names the data, {@link #openAt(Path, StoreOptions)}
 * opens a store on it again after an earlier store on it closed (what was committed stays), and
 * {@link #deleteRecursively(Path)} forgets it. Tests of RocksDB itself live in {@code level-mutex-rocksdb}.
 */
final class TempStore implements AutoCloseable {

	/** The data of each named store, kept for the next store opened on that name; any thread. */
	private static final Map<Path, MemoryEngine> DATA = new ConcurrentHashMap<>();

	final Path path;

	final MemoryEngine engine;

	MutexStore store;

	private TempStore(Path path, MemoryEngine engine, MutexStore store) {
		this.path = path;
		this.engine = engine;
		this.store = store;
	}

	static TempStore open() {
		return open((builder) -> {
		});
	}

	/** A non-durable store; the customizer may change its options. */
	static TempStore open(Consumer<StoreOptions.Builder> customizer) {
		Path path = newDirectory();
		StoreOptions.Builder builder = StoreOptions.builder().durable(false);
		customizer.accept(builder);
		MemoryEngine engine = engineFor(path);
		return new TempStore(path, engine, MutexStore.open(engine, builder.build()));
	}

	/** A store on the data named {@code path}: empty the first time, what earlier stores on it committed after. */
	static MutexStore openAt(Path path, StoreOptions options) {
		return MutexStore.open(engineFor(path), options);
	}

	private static MemoryEngine engineFor(Path path) {
		return DATA.compute(path, (name, earlier) -> (earlier != null) ? earlier.reopened() : MemoryEngine.embedded());
	}

	/** A fresh name for a store's data (an empty temporary directory, so that names never repeat). */
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

	/** Forgets the data named {@code path} and deletes the directory. */
	static void deleteRecursively(Path path) {
		DATA.remove(path);
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
