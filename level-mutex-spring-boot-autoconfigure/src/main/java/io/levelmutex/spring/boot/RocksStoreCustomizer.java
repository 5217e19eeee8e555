package io.levelmutex.spring.boot;

import io.levelmutex.rocksdb.RocksStore;

/**
 * Tunes the embedded engine's {@link RocksStore.Builder} the auto-configured store opens with
 * ({@code level-mutex.store.engine=rocksdb}, the default; needs {@code level-mutex-rocksdb}), for what only
 * RocksDB has: {@link RocksStore.Builder#dbOptions DBOptions}, {@link RocksStore.Builder#columnFamilyOptions
 * column family options}, and so on. {@link MutexStoreCustomizer} tunes the engine-neutral options.
 *
 * <p>Customizers run in {@link org.springframework.core.Ordered order}, once, on the thread creating the store,
 * after the {@code level-mutex.rocksdb.*} properties and the engine-neutral options were applied to the builder and
 * before it opens the store; a setter called here replaces what the properties set (e.g.
 * {@code columnFamilies(...)} replaces the listed and the mutexes' column families). One that throws fails the
 * application's startup. Not used with the PostgreSQL engine.
 */
@FunctionalInterface
public interface RocksStoreCustomizer {

	/**
	 * Customizes the embedded store's builder.
	 * @param builder the builder, with the properties already applied
	 */
	void customize(RocksStore.Builder builder);

}
