package io.levelmutex.spring.boot.autoconfigure;

import java.util.List;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Names the RocksDB-only settings a user set although the engine is PostgreSQL (the store's path, durability,
 * column families, RocksDB tuning, a mutex's {@code durable} and {@code column-family}): they are ignored, so a
 * warning at startup says so rather than leaving it to the README.
 */
final class IgnoredSettings {

	private static final Log logger = LogFactory.getLog(IgnoredSettings.class);

	private static final List<String> ROCKSDB_STORE = List.of("path", "create-if-missing", "durable", "column-families",
			"column-family-options", "keep-log-files");

	private static final List<String> ROCKSDB_MUTEX = List.of("durable", "column-family");

	private static final ConfigurationPropertyName STORE = ConfigurationPropertyName.of("level-mutex.store");

	private static final ConfigurationPropertyName MUTEXES = ConfigurationPropertyName.of("level-mutex.mutexes");

	private IgnoredSettings() {
	}

	/**
	 * Logs a warning naming every RocksDB-only setting present in the environment.
	 * @param environment the application's environment
	 */
	static void warnForPostgres(Environment environment) {
		TreeSet<String> ignored = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().forEach((name) -> {
				if (isRocksDBOnly(name)) {
					ignored.add(name.toString());
				}
			});
		}
		if (!ignored.isEmpty()) {
			logger.warn("These level-mutex settings do not apply to the PostgreSQL engine"
					+ " (level-mutex.store.engine=postgres) and are ignored: " + String.join(", ", ignored)
					+ ". Remove them, or set them in the configuration of the embedded (rocksdb) engine only.");
		}
	}

	private static boolean isRocksDBOnly(ConfigurationPropertyName name) {
		if (STORE.isAncestorOf(name)) {
			String setting = name.getElement(STORE.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED);
			return ROCKSDB_STORE.contains(setting);
		}
		if (MUTEXES.isAncestorOf(name) && name.getNumberOfElements() == MUTEXES.getNumberOfElements() + 2) {
			String setting = name.getLastElement(ConfigurationPropertyName.Form.DASHED);
			return ROCKSDB_MUTEX.contains(setting);
		}
		return false;
	}

}
