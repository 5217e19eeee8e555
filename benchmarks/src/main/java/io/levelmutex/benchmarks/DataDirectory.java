package io.levelmutex.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh directory under the system temp directory for one contender's store, deleted with
 * everything in it on {@link #close()}. Every contender gets the same kind of directory on the
 * same file system.
 */
final class DataDirectory implements AutoCloseable {

	private final Path path;

	private DataDirectory(Path path) {
		this.path = path;
	}

	/**
	 * Creates an empty directory.
	 * @param name a hint for the directory's name
	 * @return the directory
	 */
	static DataDirectory create(String name) {
		try {
			return new DataDirectory(Files.createTempDirectory("level-mutex-bench-" + name.replaceAll("\\W", "_") + "-"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Path path() {
		return this.path;
	}

	/** Deletes the directory and its content. */
	@Override
	public void close() {
		if (!Files.exists(this.path)) {
			return;
		}
		try (Stream<Path> files = Files.walk(this.path)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
