package io.levelmutex.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.levelmutex.Keyspace;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.RocksStoreCustomizer;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.ColumnFamilySettings;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Rocksdb;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Opens the embedded store from {@code level-mutex.rocksdb.*} through {@link RocksStore}: the directory, the
 * column families (listed and used by declared mutexes) and their options, which it checks first. Every bad value
 * fails with an {@link InvalidConfigurationPropertyValueException} naming the property. Used only when
 * {@code level-mutex-rocksdb} is on the class path.
 */
final class RocksStoreFactory {

	private static final String ROCKSDB = "level-mutex.rocksdb.";

	private final Rocksdb rocksdb;

	RocksStoreFactory(LevelMutexProperties properties) {
		this.rocksdb = properties.getRocksdb();
	}

	/**
	 * Opens the store.
	 * @param directory the store's directory (see {@link StoreDirectory})
	 * @param mutexes the configured mutexes, whose column families are opened too
	 * @param options the store's engine-neutral options ({@link StoreOptionsFactory#createEmbedded})
	 * @param customizers the application's RocksStoreCustomizer beans, in order, applied last
	 * @return the open store
	 * @throws io.levelmutex.rocksdb.StoreLockedException if another open store holds the directory
	 */
	MutexStore open(Path directory, Collection<MutexOptions> mutexes, StoreOptions options,
			List<RocksStoreCustomizer> customizers) {
		RocksStore.Builder builder = RocksStore.builder(directory)
			.createIfMissing(this.rocksdb.isCreateIfMissing())
			.keepLogFiles(MutexOptionsFactory.atLeastOne(ROCKSDB + "keep-log-files", this.rocksdb.getKeepLogFiles()));
		Set<String> columnFamilies = columnFamilies(mutexes);
		builder.columnFamilies(columnFamilies.toArray(String[]::new));
		Map<String, ColumnFamilySettings> settings = columnFamilyOptions(columnFamilies);
		if (!settings.isEmpty()) {
			builder.columnFamilyOptions((name, columnFamilyOptions) -> apply(settings.get(name), columnFamilyOptions));
		}
		builder.storeOptions(options);
		for (RocksStoreCustomizer customizer : customizers) {
			customizer.customize(builder);
		}
		return builder.open();
	}

	private Set<String> columnFamilies(Collection<MutexOptions> mutexes) {
		Set<String> names = new LinkedHashSet<>();
		for (int i = 0; i < this.rocksdb.getColumnFamilies().size(); i++) {
			String name = this.rocksdb.getColumnFamilies().get(i);
			if (name == null || name.isBlank()) {
				throw new InvalidConfigurationPropertyValueException(ROCKSDB + "column-families[" + i + "]", name,
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
		this.rocksdb.getColumnFamilyOptions().forEach((name, settings) -> {
			String property = ROCKSDB + "column-family-options." + name;
			if (!name.equals(Keyspace.DEFAULT_COLUMN_FAMILY) && !columnFamilies.contains(name)) {
				throw new InvalidConfigurationPropertyValueException(property, name,
						"unknown column family '" + name + "': it is not '" + Keyspace.DEFAULT_COLUMN_FAMILY
								+ "', not listed in " + ROCKSDB + "column-families and not used by a mutex under"
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
