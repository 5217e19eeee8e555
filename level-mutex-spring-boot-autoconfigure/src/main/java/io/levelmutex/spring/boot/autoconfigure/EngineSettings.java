package io.levelmutex.spring.boot.autoconfigure;

import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Nothing a user sets is ignored silently: a setting of the other engine fails startup naming every such setting
 * ({@link InvalidConfigurationPropertyValueException}, analysed by Spring Boot with the property's origin). With
 * {@code engine=postgres} these are the RocksDB-only ones: every {@code level-mutex.rocksdb.*} but
 * {@code temporary} (which {@code @AutoConfigureLevelMutex} sets whatever the engine, and which only chooses a
 * directory), a mutex's {@code durable} and {@code column-family}; with the embedded engine every
 * {@code level-mutex.postgres.*}. The engine-neutral {@code level-mutex.store.*} apply to both. When
 * {@code @AutoConfigureLevelMutex} chose the engine in a test (its property source sets
 * {@code level-mutex.store.engine}), the application's settings for its own engine are expected and only named in
 * a warning.
 */
final class EngineSettings {

	/**
	 * Name of the property source by which {@code @AutoConfigureLevelMutex} (level-mutex-spring-boot-test) sets the
	 * engine; the same string is there.
	 */
	static final String TEST_ENGINE_PROPERTY_SOURCE = "levelMutexTestEngine";

	private static final Log logger = LogFactory.getLog(EngineSettings.class);

	private static final String ENGINE = "level-mutex.store.engine";

	/** The one {@code level-mutex.rocksdb.*} setting allowed with either engine. */
	private static final String TEMPORARY = "temporary";

	private static final List<String> ROCKSDB_MUTEX = List.of("durable", "column-family");

	private static final ConfigurationPropertyName ROCKSDB = ConfigurationPropertyName.of("level-mutex.rocksdb");

	private static final ConfigurationPropertyName MUTEXES = ConfigurationPropertyName.of("level-mutex.mutexes");

	private static final ConfigurationPropertyName POSTGRES = ConfigurationPropertyName.of("level-mutex.postgres");

	private EngineSettings() {
	}

	/**
	 * Fails when a RocksDB-only setting is present with the PostgreSQL engine.
	 * @param environment the application's environment
	 * @throws InvalidConfigurationPropertyValueException naming the first, its reason naming all
	 */
	static void checkForPostgres(Environment environment) {
		check(environment, EngineSettings::isRocksDBOnly, "the PostgreSQL engine (" + ENGINE + "=postgres)",
				"Remove them, or set them only where the embedded (rocksdb) engine is chosen (a profile);"
						+ " a mutex's durability on PostgreSQL is always that of the database's commit.");
	}

	/**
	 * Fails when a {@code level-mutex.postgres.*} setting is present with the embedded engine.
	 * @param environment the application's environment
	 * @throws InvalidConfigurationPropertyValueException naming the first, its reason naming all
	 */
	static void checkForRocksDB(Environment environment) {
		check(environment, POSTGRES::isAncestorOf, "the embedded RocksDB engine (" + ENGINE
				+ "=rocksdb, the default)", "Set " + ENGINE + "=postgres to use them, or remove them.");
	}

	private static void check(Environment environment, Predicate<ConfigurationPropertyName> otherEngine,
			String engine, String action) {
		TreeSet<String> set = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream().filter(otherEngine).forEach((name) -> set.add(name.toString()));
			}
		}
		if (set.isEmpty()) {
			return;
		}
		String names = String.join(", ", set);
		if (engineChosenByTest(environment)) {
			logger.warn("@AutoConfigureLevelMutex chose the engine of this test; these level-mutex settings of the"
					+ " application's engine do not apply to " + engine + " and are ignored: " + names);
			return;
		}
		String first = set.first();
		throw new InvalidConfigurationPropertyValueException(first, environment.getProperty(first),
				"these level-mutex settings do not apply to " + engine + ": " + names + ". " + action);
	}

	private static boolean engineChosenByTest(Environment environment) {
		if (environment instanceof ConfigurableEnvironment configurable) {
			for (PropertySource<?> source : configurable.getPropertySources()) {
				if (source.containsProperty(ENGINE)) {
					return TEST_ENGINE_PROPERTY_SOURCE.equals(source.getName());
				}
			}
		}
		return false;
	}

	private static boolean isRocksDBOnly(ConfigurationPropertyName name) {
		if (ROCKSDB.isAncestorOf(name)) {
			String setting = name.getElement(ROCKSDB.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED);
			return !TEMPORARY.equals(setting);
		}
		if (MUTEXES.isAncestorOf(name) && name.getNumberOfElements() == MUTEXES.getNumberOfElements() + 2) {
			String setting = name.getLastElement(ConfigurationPropertyName.Form.DASHED);
			return ROCKSDB_MUTEX.contains(setting);
		}
		return false;
	}

}
