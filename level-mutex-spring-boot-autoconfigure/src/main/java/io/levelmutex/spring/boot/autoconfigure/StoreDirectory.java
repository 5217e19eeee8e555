package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Rocksdb;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The store's directory: {@code level-mutex.rocksdb.path}, checked (and created when allowed), or
 * with {@code level-mutex.rocksdb.temporary=true} a fresh temporary directory that is deleted
 * when the application context closes. The store bean depends on this one, so it is closed
 * before the directory is deleted.
 */
final class StoreDirectory implements DisposableBean {

	private static final String ROCKSDB = "level-mutex.rocksdb.";

	private static final Log logger = LogFactory.getLog(StoreDirectory.class);

	private final Path path;

	private final boolean temporary;

	private StoreDirectory(Path path, boolean temporary) {
		this.path = path;
		this.temporary = temporary;
	}

	/**
	 * Resolves the directory of the configured store.
	 * @param store the embedded engine's properties
	 * @return the directory, existing
	 * @throws InvalidConfigurationPropertyValueException naming {@code level-mutex.rocksdb.path}
	 * when it is not a usable directory
	 */
	static StoreDirectory of(Rocksdb store) {
		if (store.isTemporary()) {
			try {
				return new StoreDirectory(Files.createTempDirectory("level-mutex-").toAbsolutePath(), true);
			}
			catch (IOException ex) {
				throw new InvalidConfigurationPropertyValueException(ROCKSDB + "temporary", true,
						"a temporary directory cannot be created (" + ex + ")");
			}
		}
		return new StoreDirectory(configured(store), false);
	}

	Path path() {
		return this.path;
	}

	boolean isTemporary() {
		return this.temporary;
	}

	/** The property the directory comes from, for error messages. */
	String property() {
		return this.temporary ? ROCKSDB + "temporary" : ROCKSDB + "path";
	}

	@Override
	public void destroy() {
		if (!this.temporary || !Files.exists(this.path)) {
			return;
		}
		try (Stream<Path> files = Files.walk(this.path)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Cannot delete the temporary level-mutex store " + this.path, ex);
		}
	}

	private static Path configured(Rocksdb store) {
		String property = ROCKSDB + "path";
		String value = store.getPath();
		Path path;
		try {
			path = Path.of(value).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			throw new InvalidConfigurationPropertyValueException(property, value, "not a valid path: " + ex.getMessage());
		}
		if (Files.exists(path) && !Files.isDirectory(path)) {
			throw new InvalidConfigurationPropertyValueException(property, value, path + " is not a directory");
		}
		if (store.isCreateIfMissing()) {
			try {
				Files.createDirectories(path);
			}
			catch (IOException | SecurityException ex) {
				throw new InvalidConfigurationPropertyValueException(property, value,
						"the directory " + path + " cannot be created (" + ex + ")");
			}
		}
		else if (!Files.exists(path)) {
			throw new InvalidConfigurationPropertyValueException(property, value, "the directory " + path
					+ " does not exist and " + ROCKSDB + "create-if-missing is false");
		}
		if (!Files.isDirectory(path)) {
			throw new InvalidConfigurationPropertyValueException(property, value, path + " is not a directory");
		}
		if (!Files.isWritable(path)) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"the directory " + path + " is not writable");
		}
		return path;
	}

	@Override
	public String toString() {
		return "StoreDirectory[" + this.path + (this.temporary ? ", temporary" : "") + "]";
	}

}
