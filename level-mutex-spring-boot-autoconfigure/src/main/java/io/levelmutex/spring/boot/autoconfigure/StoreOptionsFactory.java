package io.levelmutex.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.Keyspace;
import io.levelmutex.MutexOptions;
import io.levelmutex.StoreOptions;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.ColumnFamilySettings;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Store;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns {@code level-mutex.store.*} into {@link StoreOptions}: checks the column family options, then applies the
 * {@link MutexStoreCustomizer customizers} and the {@link BatchInterceptor}. Every bad value
 * fails with an {@link InvalidConfigurationPropertyValueException} naming the property.
 */
final class StoreOptionsFactory {

	private static final String STORE = "level-mutex.store.";

	private final Store store;

	StoreOptionsFactory(LevelMutexProperties properties) {
		this.store = properties.getStore();
	}

	/**
	 * Builds the store's options.
	 * @param directory the store's directory (see {@link StoreDirectory})
	 * @param mutexes the configured mutexes, whose column families are opened too
	 * @param customizers applied in order, after the properties
	 * @param interceptor the batch interceptor, if any
	 * @return the options
	 */
	StoreOptions create(Path directory, Collection<MutexOptions> mutexes, List<MutexStoreCustomizer> customizers,
			@Nullable BatchInterceptor interceptor) {
		StoreOptions.Builder builder = StoreOptions.builder(directory)
			.createIfMissing(this.store.isCreateIfMissing())
			.durable(this.store.isDurable())
			.keepLogFiles(MutexOptionsFactory.atLeastOne(STORE + "keep-log-files", this.store.getKeepLogFiles()));
		Set<String> columnFamilies = columnFamilies(mutexes);
		builder.columnFamilies(columnFamilies.toArray(String[]::new));
		Map<String, ColumnFamilySettings> options = columnFamilyOptions(columnFamilies);
		if (!options.isEmpty()) {
			builder.columnFamilyOptions((name, columnFamilyOptions) -> apply(options.get(name), columnFamilyOptions));
		}
		return finish(builder, customizers, interceptor);
	}

	/**
	 * Builds the options of a store on another engine than RocksDB (no directory): only
	 * {@code cycle-threads} and {@code close-timeout} apply, then the customizers and the interceptor.
	 * @param customizers applied in order, after the properties
	 * @param interceptor the batch interceptor, if any
	 * @return the options
	 */
	StoreOptions createForEngine(List<MutexStoreCustomizer> customizers, @Nullable BatchInterceptor interceptor) {
		return finish(StoreOptions.builder(), customizers, interceptor);
	}

	private StoreOptions finish(StoreOptions.Builder builder, List<MutexStoreCustomizer> customizers,
			@Nullable BatchInterceptor interceptor) {
		if (this.store.getCycleThreads() != null) {
			builder.cycleThreads(MutexOptionsFactory.atLeastOne(STORE + "cycle-threads", this.store.getCycleThreads()));
		}
		Duration closeTimeout = this.store.getCloseTimeout();
		if (closeTimeout.isNegative() || closeTimeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException(STORE + "close-timeout", closeTimeout,
					"must be positive");
		}
		builder.closeTimeout(closeTimeout);
		if (interceptor != null) {
			builder.batchInterceptor(interceptor);
		}
		customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	private Set<String> columnFamilies(Collection<MutexOptions> mutexes) {
		Set<String> names = new LinkedHashSet<>();
		for (int i = 0; i < this.store.getColumnFamilies().size(); i++) {
			String name = this.store.getColumnFamilies().get(i);
			if (name == null || name.isBlank()) {
				throw new InvalidConfigurationPropertyValueException(STORE + "column-families[" + i + "]", name,
						"column family names must not be blank");
			}
			names.add(name);
		}
		for (MutexOptions mutex : mutexes) {
			names.add(mutex.keyspace().columnFamily());
		}
		names.remove(Keyspace.DEFAULT_COLUMN_FAMILY);
		return names;
	}

	private Map<String, ColumnFamilySettings> columnFamilyOptions(Set<String> columnFamilies) {
		Map<String, ColumnFamilySettings> result = new LinkedHashMap<>();
		this.store.getColumnFamilyOptions().forEach((name, settings) -> {
			String property = STORE + "column-family-options." + name;
			if (!name.equals(Keyspace.DEFAULT_COLUMN_FAMILY) && !columnFamilies.contains(name)) {
				throw new InvalidConfigurationPropertyValueException(property, name,
						"unknown column family '" + name + "': it is not '" + Keyspace.DEFAULT_COLUMN_FAMILY
								+ "', not listed in " + STORE + "column-families and not used by a mutex under"
								+ " level-mutex.mutexes");
			}
			if (settings.getWriteBufferSize() != null) {
				MutexOptionsFactory.bytes(property + ".write-buffer-size", settings.getWriteBufferSize(), 1,
						Long.MAX_VALUE);
			}
			if (settings.getTargetFileSizeBase() != null) {
				MutexOptionsFactory.bytes(property + ".target-file-size-base", settings.getTargetFileSizeBase(), 1,
						Long.MAX_VALUE);
			}
			if (settings.getMaxWriteBufferNumber() != null) {
				MutexOptionsFactory.atLeastOne(property + ".max-write-buffer-number",
						settings.getMaxWriteBufferNumber());
			}
			result.put(name, settings);
		});
		return result;
	}

	private static void apply(@Nullable ColumnFamilySettings settings, ColumnFamilyOptions options) {
		if (settings == null) {
			return;
		}
		if (settings.getWriteBufferSize() != null) {
			options.setWriteBufferSize(settings.getWriteBufferSize().toBytes());
		}
		if (settings.getMaxWriteBufferNumber() != null) {
			options.setMaxWriteBufferNumber(settings.getMaxWriteBufferNumber());
		}
		if (settings.getTargetFileSizeBase() != null) {
			options.setTargetFileSizeBase(settings.getTargetFileSizeBase().toBytes());
		}
		if (settings.getCompression() != null) {
			options.setCompressionType(switch (settings.getCompression()) {
				case NONE -> CompressionType.NO_COMPRESSION;
				case SNAPPY -> CompressionType.SNAPPY_COMPRESSION;
				case LZ4 -> CompressionType.LZ4_COMPRESSION;
				case ZSTD -> CompressionType.ZSTD_COMPRESSION;
			});
		}
	}

}
