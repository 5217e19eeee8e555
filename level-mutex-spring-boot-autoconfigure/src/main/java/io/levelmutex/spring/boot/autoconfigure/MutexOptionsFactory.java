package io.levelmutex.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.levelmutex.Keyspace;
import io.levelmutex.MutexOptions;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Defaults;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@code level-mutex.defaults} and {@code level-mutex.mutexes.*} into
 * {@link MutexOptions}, checking every value first so that a bad one fails startup with an
 * {@link InvalidConfigurationPropertyValueException} naming the property.
 */
final class MutexOptionsFactory {

	private static final String DEFAULTS = "level-mutex.defaults.";

	private static final String MUTEXES = "level-mutex.mutexes.";

	private final Defaults defaults;

	private final Map<String, MutexSettings> mutexes;

	/**
	 * Creates the factory.
	 * @param defaults the limits of every mutex
	 * @param mutexes the declared mutexes' settings, in declaration order (see
	 * {@link MutexDeclarations#settings})
	 */
	MutexOptionsFactory(Defaults defaults, Map<String, MutexSettings> mutexes) {
		this.defaults = defaults;
		this.mutexes = mutexes;
		validateDefaults();
	}

	/**
	 * The options of every configured mutex, in configuration order.
	 * @return the options by mutex name
	 * @throws InvalidConfigurationPropertyValueException for a bad value or overlapping
	 * keyspaces
	 */
	Map<String, MutexOptions> configured() {
		Map<String, MutexOptions> result = new LinkedHashMap<>();
		List<String> names = new ArrayList<>();
		for (Map.Entry<String, MutexSettings> entry : this.mutexes.entrySet()) {
			String name = entry.getKey();
			MutexOptions options = configured(name, entry.getValue());
			for (String other : names) {
				Keyspace otherKeyspace = result.get(other).keyspace();
				if (options.keyspace().overlaps(otherKeyspace)) {
					throw new InvalidConfigurationPropertyValueException(keyspaceProperty(name, entry.getValue()),
							keyspaceValue(entry.getValue()),
							"the keyspace " + options.keyspace() + " of mutex '" + name + "' overlaps the keyspace "
									+ otherKeyspace + " of mutex '" + other + "' (" + MUTEXES + other
									+ "); give each mutex a distinct column family or a prefix that is not a"
									+ " prefix of another's");
				}
			}
			names.add(name);
			result.put(name, options);
		}
		return result;
	}

	/**
	 * The options of a mutex created on demand: the defaults and {@link Keyspace#forMutex}.
	 * @param name the mutex's name
	 * @return the options
	 */
	MutexOptions onDemand(String name) {
		return withDefaults(MutexOptions.builder(name)).build();
	}

	private MutexOptions configured(String name, MutexSettings settings) {
		String prefix = MUTEXES + name + ".";
		if (name.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(MUTEXES + name, name, "mutex names must not be blank");
		}
		MutexOptions.Builder builder = withDefaults(MutexOptions.builder(name));
		builder.keyspace(keyspace(name, settings));
		if (settings.getMaxQueuedOperations() != null) {
			builder.maxQueuedOperations(atLeastOne(prefix + "max-queued-operations", settings.getMaxQueuedOperations()));
		}
		if (settings.getMaxBatchOperations() != null) {
			builder.maxBatchOperations(atLeastOne(prefix + "max-batch-operations", settings.getMaxBatchOperations()));
		}
		if (settings.getMaxBatchSize() != null) {
			builder.maxBatchBytes(bytes(prefix + "max-batch-size", settings.getMaxBatchSize(), 1, Long.MAX_VALUE));
		}
		if (settings.getMaxKeySize() != null) {
			builder.maxKeyBytes((int) bytes(prefix + "max-key-size", settings.getMaxKeySize(), 1, Integer.MAX_VALUE));
		}
		if (settings.getMaxValueSize() != null) {
			builder.maxValueBytes(
					(int) bytes(prefix + "max-value-size", settings.getMaxValueSize(), 0, Integer.MAX_VALUE));
		}
		if (settings.getMaxUpdateAttempts() != null) {
			builder.maxUpdateAttempts(atLeastOne(prefix + "max-update-attempts", settings.getMaxUpdateAttempts()));
		}
		builder.durable(settings.getDurable());
		return builder.build();
	}

	private static Keyspace keyspace(String name, MutexSettings settings) {
		String columnFamily = settings.getColumnFamily();
		String prefix = settings.getPrefix();
		if (columnFamily != null && columnFamily.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(MUTEXES + name + ".column-family", columnFamily,
					"column family names must not be blank");
		}
		if (columnFamily == null && prefix == null) {
			return Keyspace.forMutex(name);
		}
		Keyspace keyspace = (columnFamily != null) ? Keyspace.columnFamily(columnFamily)
				: Keyspace.defaultColumnFamily();
		return (prefix != null) ? keyspace.withPrefix(prefix) : keyspace;
	}

	private static String keyspaceProperty(String name, MutexSettings settings) {
		return MUTEXES + name + ((settings.getPrefix() != null) ? ".prefix"
				: (settings.getColumnFamily() != null) ? ".column-family" : "");
	}

	private static @Nullable Object keyspaceValue(MutexSettings settings) {
		return (settings.getPrefix() != null) ? settings.getPrefix() : settings.getColumnFamily();
	}

	private MutexOptions.Builder withDefaults(MutexOptions.Builder builder) {
		return builder.maxQueuedOperations(this.defaults.getMaxQueuedOperations())
			.maxBatchOperations(this.defaults.getMaxBatchOperations())
			.maxBatchBytes(this.defaults.getMaxBatchSize().toBytes())
			.maxKeyBytes((int) this.defaults.getMaxKeySize().toBytes())
			.maxValueBytes((int) this.defaults.getMaxValueSize().toBytes())
			.maxUpdateAttempts(this.defaults.getMaxUpdateAttempts());
	}

	private void validateDefaults() {
		atLeastOne(DEFAULTS + "max-queued-operations", this.defaults.getMaxQueuedOperations());
		atLeastOne(DEFAULTS + "max-batch-operations", this.defaults.getMaxBatchOperations());
		bytes(DEFAULTS + "max-batch-size", this.defaults.getMaxBatchSize(), 1, Long.MAX_VALUE);
		bytes(DEFAULTS + "max-key-size", this.defaults.getMaxKeySize(), 1, Integer.MAX_VALUE);
		bytes(DEFAULTS + "max-value-size", this.defaults.getMaxValueSize(), 0, Integer.MAX_VALUE);
		atLeastOne(DEFAULTS + "max-update-attempts", this.defaults.getMaxUpdateAttempts());
	}

	static int atLeastOne(String property, int value) {
		if (value < 1) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must be at least 1");
		}
		return value;
	}

	static long bytes(String property, DataSize size, long min, long max) {
		long bytes = size.toBytes();
		if (bytes < min) {
			throw new InvalidConfigurationPropertyValueException(property, size,
					(min == 0) ? "must not be negative" : "must be at least " + min + "B");
		}
		if (bytes > max) {
			throw new InvalidConfigurationPropertyValueException(property, size, "must be at most " + max + "B");
		}
		return bytes;
	}

}
